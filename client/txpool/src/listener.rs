//! Watchers of single transactions (`author_submitAndWatchExtrinsic`) and of new ready
//! transactions (the network's and the block author's feed).

use crate::transaction::TransactionStatus;
use futures::channel::mpsc;
use futures::Stream;
use lattice_primitives::{BlockNumber, H256};
use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many new-ready notifications wait for a slow reader before newer ones are
/// dropped (the reader can always list the ready queue instead).
const READY_NOTIFICATION_BUFFER: usize = 4096;

/// The statuses of one transaction, as a [`Stream`]. It ends after a terminal status
/// ([`TransactionStatus::is_terminal`]); dropping it stops the pool from sending.
#[derive(Debug)]
pub struct Watcher {
    hash: H256,
    rx: mpsc::UnboundedReceiver<TransactionStatus>,
    ended: bool,
}

impl Watcher {
    /// The watched transaction's hash.
    pub fn hash(&self) -> H256 {
        self.hash
    }

    /// The statuses sent so far and not yet read, without waiting (for callers outside
    /// an async context, and tests).
    pub fn drain(&mut self) -> Vec<TransactionStatus> {
        let mut out = Vec::new();
        while !self.ended {
            match self.rx.try_recv() {
                Ok(status) => out.push(status),
                Err(mpsc::TryRecvError::Closed) => self.ended = true,
                Err(mpsc::TryRecvError::Empty) => break,
            }
        }
        out
    }

    /// Whether the stream has ended: [`Self::drain`] or polling met its end, after a
    /// terminal status.
    pub fn is_ended(&self) -> bool {
        self.ended
    }
}

impl Stream for Watcher {
    type Item = TransactionStatus;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.rx).poll_next(cx);
        if let Poll::Ready(None) = polled {
            self.ended = true;
        }
        polled
    }
}

/// Hashes of transactions that became ready (newly imported or promoted), as a
/// [`Stream`]. Bounded: a reader that falls more than a few thousand behind misses
/// notifications.
pub type ReadyNotifications = mpsc::Receiver<H256>;

/// Routes statuses to watchers and tracks included transactions until finality.
#[derive(Debug, Default)]
pub(crate) struct Listener {
    watchers: HashMap<H256, Vec<mpsc::UnboundedSender<TransactionStatus>>>,
    /// Watched transactions of best-chain blocks awaiting finality, with the block's
    /// number (for the finality timeout).
    finality: HashMap<H256, (BlockNumber, Vec<H256>)>,
    ready_sinks: Vec<mpsc::Sender<H256>>,
}

impl Listener {
    pub(crate) fn watch(&mut self, hash: H256) -> Watcher {
        let (tx, rx) = mpsc::unbounded();
        self.watchers.entry(hash).or_default().push(tx);
        Watcher { hash, rx, ended: false }
    }

    pub(crate) fn is_watched(&self, hash: &H256) -> bool {
        self.watchers.contains_key(hash)
    }

    /// Sends `status` to `hash`'s watchers; a terminal status ends their streams.
    pub(crate) fn send(&mut self, hash: &H256, status: TransactionStatus) {
        let Some(sinks) = self.watchers.get_mut(hash) else { return };
        sinks.retain(|s| s.unbounded_send(status.clone()).is_ok());
        if sinks.is_empty() || status.is_terminal() {
            self.watchers.remove(hash);
        }
    }

    pub(crate) fn subscribe_ready(&mut self) -> ReadyNotifications {
        let (tx, rx) = mpsc::channel(READY_NOTIFICATION_BUFFER);
        self.ready_sinks.push(tx);
        rx
    }

    pub(crate) fn notify_ready(&mut self, hash: H256) {
        self.ready_sinks.retain_mut(|s| match s.try_send(hash) {
            Ok(()) => true,
            Err(e) => !e.is_disconnected(),
        });
    }

    /// `hash` is in best-chain block `block`.
    pub(crate) fn in_block(&mut self, block: H256, number: BlockNumber, hash: H256) {
        if !self.is_watched(&hash) {
            return;
        }
        self.send(&hash, TransactionStatus::InBlock(block));
        self.finality.entry(block).or_insert_with(|| (number, Vec::new())).1.push(hash);
    }

    /// `block` left the best chain.
    pub(crate) fn retracted(&mut self, block: H256) {
        if let Some((_, txs)) = self.finality.remove(&block) {
            for hash in txs {
                self.send(&hash, TransactionStatus::Retracted(block));
            }
        }
    }

    /// `block` is finalized.
    pub(crate) fn finalized(&mut self, block: H256) {
        if let Some((_, txs)) = self.finality.remove(&block) {
            for hash in txs {
                self.send(&hash, TransactionStatus::Finalized(block));
            }
        }
    }

    /// Gives up on blocks more than `timeout` blocks below the best block `best`.
    pub(crate) fn finality_timeouts(&mut self, best: BlockNumber, timeout: usize) {
        let timeout = BlockNumber::try_from(timeout).unwrap_or(BlockNumber::MAX);
        let mut expired: Vec<(BlockNumber, H256)> = self
            .finality
            .iter()
            .filter(|(_, (n, _))| n.saturating_add(timeout) < best)
            .map(|(b, (n, _))| (*n, *b))
            .collect();
        expired.sort();
        for (_, block) in expired {
            if let Some((_, txs)) = self.finality.remove(&block) {
                for hash in txs {
                    self.send(&hash, TransactionStatus::FinalityTimeout(block));
                }
            }
        }
    }

    /// Number of live watchers (tests, metrics).
    pub(crate) fn watched(&self) -> usize {
        self.watchers.len()
    }
}
