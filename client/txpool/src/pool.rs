//! The pool: validation through the [`ChainApi`], the queues, the ban list and the
//! watchers behind one lock. Maintenance on chain events is in `maintain.rs`.

use crate::api::{BlockInfo, ChainApi};
use crate::ban::BanList;
use crate::base::{BasePool, Changes, Place, ReadyIter, Removal};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::listener::{Listener, ReadyNotifications, Watcher};
use crate::options::Options;
use crate::transaction::{Tag, Transaction, TransactionStatus};
use lattice_primitives::{TransactionSource, TransactionValidityError, H256};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The transaction pool.
///
/// Thread-safe; every method takes `&self`. Runtime calls (validation) happen outside
/// the internal lock, so submissions proceed while a block is being built from a
/// [`ReadyIter`] snapshot. [`Pool::maintain`] calls are serialized.
pub struct Pool<A: ChainApi> {
    pub(crate) api: A,
    pub(crate) options: Options,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) inner: Mutex<Inner>,
    /// Serializes maintenance, which releases `inner` while it validates.
    pub(crate) maintenance: Mutex<()>,
}

/// Everything behind the pool's lock.
pub(crate) struct Inner {
    pub(crate) base: BasePool,
    pub(crate) listener: Listener,
    pub(crate) bans: BanList,
    pub(crate) best: BlockInfo,
    next_insertion: u64,
}

/// Sizes of the queues (`substrate_ready_transactions_number` and the informant).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PoolStatus {
    /// Transactions in the ready queue.
    pub ready: usize,
    /// Their encoded bytes.
    pub ready_bytes: usize,
    /// Transactions in the future queue.
    pub future: usize,
    /// Their encoded bytes.
    pub future_bytes: usize,
}

/// What `author_removeExtrinsic` names a transaction by.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RemoveBy {
    /// The transaction hash.
    Hash(H256),
    /// The extrinsic's full encoding (hashed to find it).
    Extrinsic(Vec<u8>),
    /// A tag the transaction provides (e.g. `(account, nonce).encode()`).
    Tag(Tag),
}

impl<A: ChainApi> Pool<A> {
    /// A pool over `api` whose chain's best block is `best`.
    pub fn new(api: A, options: Options, clock: Arc<dyn Clock>, best: BlockInfo) -> Self {
        let bans = BanList::new(options.ban_time, options.max_bans);
        Self {
            api,
            options,
            clock,
            inner: Mutex::new(Inner {
                base: BasePool::default(),
                listener: Listener::default(),
                bans,
                best,
                next_insertion: 0,
            }),
            maintenance: Mutex::new(()),
        }
    }

    /// The chain API the pool validates with.
    pub fn api(&self) -> &A {
        &self.api
    }

    /// The pool's configuration.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The best block as of the last maintenance: where [`Self::submit`] validates.
    pub fn best(&self) -> BlockInfo {
        self.inner.lock().best
    }

    /// Validates `xt` at the best block and imports it: `author_submitExtrinsic`.
    /// Returns its hash.
    pub fn submit(&self, source: TransactionSource, xt: Vec<u8>) -> Result<H256> {
        let at = self.best().hash;
        self.submit_at(at, source, xt)
    }

    /// Validates `xt` at block `at` and imports it.
    pub fn submit_at(&self, at: H256, source: TransactionSource, xt: Vec<u8>) -> Result<H256> {
        self.submit_inner(at, source, xt, false).map(|(hash, _)| hash)
    }

    /// Submits several extrinsics at block `at`, each on its own.
    pub fn submit_many(
        &self,
        at: H256,
        source: TransactionSource,
        xts: impl IntoIterator<Item = Vec<u8>>,
    ) -> Vec<Result<H256>> {
        xts.into_iter().map(|xt| self.submit_at(at, source, xt)).collect()
    }

    /// Validates `xt` at the best block, imports it and watches it:
    /// `author_submitAndWatchExtrinsic`. The watcher's first status is `ready` or
    /// `future`.
    pub fn submit_and_watch(&self, source: TransactionSource, xt: Vec<u8>) -> Result<Watcher> {
        let at = self.best().hash;
        let (_, watcher) = self.submit_inner(at, source, xt, true)?;
        watcher.ok_or(Error::ImmediatelyDropped)
    }

    fn submit_inner(
        &self,
        at: H256,
        source: TransactionSource,
        xt: Vec<u8>,
        watch: bool,
    ) -> Result<(H256, Option<Watcher>)> {
        let hash = self.api.hash(&xt);
        let best = {
            let inner = self.inner.lock();
            if inner.bans.is_banned(self.clock.now(), &hash) {
                return Err(Error::TemporarilyBanned);
            }
            if inner.base.contains(&hash) {
                return Err(Error::AlreadyImported { hash });
            }
            inner.best
        };
        if xt.len() > self.options.ready.total_bytes {
            return Err(Error::ImmediatelyDropped);
        }
        let at = if at == best.hash { best } else { self.block_info(at)? };
        let valid = match self.api.validate_transaction(at.hash, source, &xt) {
            Err(e) => return Err(Error::Api(Box::new(e))),
            Ok(Ok(valid)) if valid.provides.is_empty() => return Err(Error::NoTagsProvided),
            Ok(Ok(valid)) => valid,
            Ok(Err(TransactionValidityError::Invalid(e))) => {
                self.inner.lock().bans.ban(self.clock.now(), [hash]);
                return Err(Error::Invalid(e));
            }
            Ok(Err(TransactionValidityError::Unknown(e))) => return Err(Error::Unknown(e)),
        };
        let now = self.clock.now();
        let mut inner = self.inner.lock();
        // Included in a block while it was being validated: included hashes are banned.
        if inner.bans.is_banned(now, &hash) {
            return Err(Error::TemporarilyBanned);
        }
        let id = inner.next_insertion_id();
        let tx = Arc::new(Transaction::new(hash, xt, source, valid, at, id));
        let mut changes = Changes::default();
        inner.base.import(tx, &mut changes)?;
        inner.base.enforce_limits(&self.options, &mut changes);
        let kept = inner.base.contains(&hash);
        let watcher = (watch && kept).then(|| inner.listener.watch(hash));
        inner.emit(changes, now);
        if kept {
            Ok((hash, watcher))
        } else {
            Err(Error::ImmediatelyDropped)
        }
    }

    /// Ready transactions in an order a block builder can include them (a snapshot).
    pub fn ready(&self) -> ReadyIter {
        self.inner.lock().base.ready()
    }

    /// `author_pendingExtrinsics`: the ready transactions, in block-building order.
    pub fn pending_extrinsics(&self) -> Vec<Arc<Transaction>> {
        self.ready().collect()
    }

    /// The future queue, oldest first.
    pub fn future_transactions(&self) -> Vec<Arc<Transaction>> {
        let inner = self.inner.lock();
        let mut txs: Vec<_> = inner.base.future_iter().cloned().collect();
        txs.sort_by_key(|t| t.insertion_id);
        txs
    }

    /// The transaction with `hash`, in either queue.
    pub fn transaction(&self, hash: &H256) -> Option<Arc<Transaction>> {
        self.inner.lock().base.get(hash).cloned()
    }

    /// Whether `hash` is in the ready queue.
    pub fn is_ready(&self, hash: &H256) -> bool {
        self.inner.lock().base.place_of(hash) == Some(Place::Ready)
    }

    /// Whether `hash` is in the future queue.
    pub fn is_future(&self, hash: &H256) -> bool {
        self.inner.lock().base.place_of(hash) == Some(Place::Future)
    }

    /// Whether submitting `hash` is refused now.
    pub fn is_banned(&self, hash: &H256) -> bool {
        self.inner.lock().bans.is_banned(self.clock.now(), hash)
    }

    /// Sizes of the queues.
    pub fn status(&self) -> PoolStatus {
        let inner = self.inner.lock();
        PoolStatus {
            ready: inner.base.ready_len(),
            ready_bytes: inner.base.ready_bytes(),
            future: inner.base.future_len(),
            future_bytes: inner.base.future_bytes(),
        }
    }

    /// `author_removeExtrinsic`: removes the named transactions and everything that
    /// depends on them, bans their hashes, and reports `invalid` to their watchers.
    /// Returns the hashes removed.
    pub fn remove(&self, what: &[RemoveBy]) -> Vec<H256> {
        let mut inner = self.inner.lock();
        let hashes: Vec<H256> = what
            .iter()
            .filter_map(|by| match by {
                RemoveBy::Hash(h) => Some(*h),
                RemoveBy::Extrinsic(xt) => Some(self.api.hash(xt)),
                RemoveBy::Tag(tag) => inner.base.provider(tag),
            })
            .collect();
        inner.remove_invalid(&hashes, self.clock.now())
    }

    /// A block builder found these transactions invalid: removes them (and their
    /// dependents) as [`Self::remove`] does. Returns the hashes removed.
    pub fn report_invalid(&self, hashes: &[H256]) -> Vec<H256> {
        self.inner.lock().remove_invalid(hashes, self.clock.now())
    }

    /// The network gossiped these transactions to these peers: `broadcast` statuses.
    pub fn on_broadcasted(&self, propagated: HashMap<H256, Vec<String>>) {
        let mut inner = self.inner.lock();
        for (hash, peers) in propagated {
            inner.listener.send(&hash, TransactionStatus::Broadcast(peers));
        }
    }

    /// Hashes of transactions as they become ready, for gossip and for an author that
    /// waits for transactions.
    pub fn import_notification_stream(&self) -> ReadyNotifications {
        self.inner.lock().listener.subscribe_ready()
    }

    /// Number of transactions with live watchers.
    pub fn watched(&self) -> usize {
        self.inner.lock().listener.watched()
    }

    /// Checks the pool's structural invariants (see the `base` module); for tests and
    /// simulations.
    #[cfg(any(test, feature = "test-utils"))]
    pub fn check_invariants(&self) -> core::result::Result<(), String> {
        let inner = self.inner.lock();
        inner.base.check()?;
        let status = (inner.base.ready_len(), inner.base.ready_bytes());
        if self.options.ready.is_exceeded(status.0, status.1) {
            return Err("ready limit exceeded".into());
        }
        let status = (inner.base.future_len(), inner.base.future_bytes());
        if self.options.future.is_exceeded(status.0, status.1) {
            return Err("future limit exceeded".into());
        }
        Ok(())
    }

    /// The header of `hash` as a [`BlockInfo`], or [`Error::UnknownBlock`].
    pub(crate) fn block_info(&self, hash: H256) -> Result<BlockInfo> {
        match self.api.block_header(hash) {
            Ok(Some(header)) => Ok(BlockInfo { hash, number: header.number }),
            Ok(None) => Err(Error::UnknownBlock { hash }),
            Err(e) => Err(Error::Api(Box::new(e))),
        }
    }
}

impl Inner {
    pub(crate) fn next_insertion_id(&mut self) -> u64 {
        self.next_insertion += 1;
        self.next_insertion
    }

    /// Removes `hashes` and their dependents as invalid.
    pub(crate) fn remove_invalid(&mut self, hashes: &[H256], now: Duration) -> Vec<H256> {
        let mut changes = Changes::default();
        let removed = self.base.remove_subtree(hashes, Removal::Invalid, &mut changes);
        self.emit(changes, now);
        removed.iter().map(|t| t.hash).collect()
    }

    /// Turns what an operation did into statuses: removals by their reason, moves by the
    /// queue a transaction ends in if it differs from where it began. Invalid
    /// transactions are banned.
    pub(crate) fn emit(&mut self, changes: Changes, now: Duration) {
        for hash in changes.order {
            if let Some(why) = changes.removed.get(&hash) {
                match why {
                    Removal::Usurped(by) => {
                        self.listener.send(&hash, TransactionStatus::Usurped(*by))
                    }
                    Removal::Dropped => self.listener.send(&hash, TransactionStatus::Dropped),
                    Removal::Invalid => {
                        self.bans.ban(now, [hash]);
                        self.listener.send(&hash, TransactionStatus::Invalid);
                    }
                    Removal::Included | Removal::Reverify => {}
                }
                continue;
            }
            let before = changes.initial.get(&hash).copied().flatten();
            let after = self.base.place_of(&hash);
            if before == after {
                continue;
            }
            match after {
                Some(Place::Ready) => {
                    self.listener.send(&hash, TransactionStatus::Ready);
                    self.listener.notify_ready(hash);
                }
                Some(Place::Future) => self.listener.send(&hash, TransactionStatus::Future),
                None => {}
            }
        }
    }
}
