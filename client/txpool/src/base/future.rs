//! The future queue: transactions waiting for tags nobody provides yet.

use crate::transaction::{Tag, Transaction};
use lattice_primitives::H256;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The future queue, indexed by the tags its transactions wait for.
#[derive(Debug, Default)]
pub(crate) struct Future {
    txs: HashMap<H256, FutureTx>,
    /// For each missing tag, the transactions waiting for it.
    wanted: HashMap<Tag, HashSet<H256>>,
    /// Which future transaction provides each tag (at most one: the pool replaces).
    provided: HashMap<Tag, H256>,
    /// Every future transaction by `(priority, oldest first)`, for eviction.
    by_priority: BTreeSet<(u64, u64, H256)>,
    bytes: usize,
}

#[derive(Debug)]
struct FutureTx {
    tx: Arc<Transaction>,
    /// Required tags that were provided neither by the chain nor by a ready transaction
    /// when last checked. Never empty.
    missing: HashSet<Tag>,
}

impl Future {
    pub(crate) fn len(&self) -> usize {
        self.txs.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn contains(&self, hash: &H256) -> bool {
        self.txs.contains_key(hash)
    }

    pub(crate) fn get(&self, hash: &H256) -> Option<&Arc<Transaction>> {
        self.txs.get(hash).map(|f| &f.tx)
    }

    pub(crate) fn provider(&self, tag: &[u8]) -> Option<H256> {
        self.provided.get(tag).copied()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<Transaction>> {
        self.txs.values().map(|f| &f.tx)
    }

    /// The lowest-priority transaction, the oldest among equals: futures that waited
    /// longest are the likeliest never to become ready.
    pub(crate) fn worst(&self) -> Option<H256> {
        self.by_priority.first().map(|(_, _, h)| *h)
    }

    /// Adds `tx`, waiting for the non-empty set `missing`.
    pub(crate) fn insert(&mut self, tx: Arc<Transaction>, missing: HashSet<Tag>) {
        let hash = tx.hash;
        for tag in &missing {
            self.wanted.entry(tag.clone()).or_default().insert(hash);
        }
        for tag in &tx.provides {
            self.provided.insert(tag.clone(), hash);
        }
        self.by_priority.insert((tx.priority, tx.insertion_id, hash));
        self.bytes += tx.bytes();
        self.txs.insert(hash, FutureTx { tx, missing });
    }

    /// Swaps in a re-validated copy with the same tags and priority.
    pub(crate) fn swap(&mut self, tx: Arc<Transaction>) {
        if let Some(entry) = self.txs.get_mut(&tx.hash) {
            self.bytes = self.bytes - entry.tx.bytes() + tx.bytes();
            entry.tx = tx;
        }
    }

    pub(crate) fn remove(&mut self, hash: &H256) -> Option<Arc<Transaction>> {
        let entry = self.txs.remove(hash)?;
        for tag in &entry.missing {
            if let Some(set) = self.wanted.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.wanted.remove(tag);
                }
            }
        }
        for tag in &entry.tx.provides {
            if self.provided.get(tag) == Some(hash) {
                self.provided.remove(tag);
            }
        }
        self.by_priority.remove(&(entry.tx.priority, entry.tx.insertion_id, *hash));
        self.bytes -= entry.tx.bytes();
        Some(entry.tx)
    }

    /// Marks `tag` as provided: returns the transactions that no longer miss any tag
    /// (still in the queue; the caller re-checks and moves them).
    pub(crate) fn satisfy(&mut self, tag: &[u8]) -> Vec<H256> {
        let Some(waiting) = self.wanted.remove(tag) else { return Vec::new() };
        let mut complete = Vec::new();
        for hash in waiting {
            if let Some(entry) = self.txs.get_mut(&hash) {
                entry.missing.remove(tag);
                if entry.missing.is_empty() {
                    complete.push(hash);
                }
            }
        }
        // Deterministic order whatever the hasher: arrival order.
        complete.sort_by_key(|h| self.txs.get(h).map(|e| e.tx.insertion_id));
        complete
    }

    /// Replaces the missing set of `hash` (after a re-check found other tags missing).
    pub(crate) fn set_missing(&mut self, hash: &H256, missing: HashSet<Tag>) {
        let Some(entry) = self.txs.get_mut(hash) else { return };
        for tag in &entry.missing {
            if let Some(set) = self.wanted.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.wanted.remove(tag);
                }
            }
        }
        for tag in &missing {
            self.wanted.entry(tag.clone()).or_default().insert(*hash);
        }
        entry.missing = missing;
    }

    /// The tags `hash` waits for.
    #[cfg(any(test, feature = "test-utils"))]
    pub(crate) fn missing(&self, hash: &H256) -> Option<&HashSet<Tag>> {
        self.txs.get(hash).map(|e| &e.missing)
    }

    /// Checks the queue's own invariants (tests).
    #[cfg(any(test, feature = "test-utils"))]
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut bytes = 0;
        for (hash, entry) in &self.txs {
            bytes += entry.tx.bytes();
            if entry.missing.is_empty() {
                return Err(format!("future {hash} misses nothing"));
            }
            for tag in &entry.missing {
                if !entry.tx.requires.contains(tag) {
                    return Err(format!("future {hash} misses a tag it does not require"));
                }
                if !self.wanted.get(tag).is_some_and(|s| s.contains(hash)) {
                    return Err(format!("future {hash} is not indexed under a missing tag"));
                }
            }
            for tag in &entry.tx.provides {
                if self.provided.get(tag) != Some(hash) {
                    return Err(format!("future {hash}: a provided tag maps elsewhere"));
                }
            }
        }
        if bytes != self.bytes || self.by_priority.len() != self.txs.len() {
            return Err("future byte or eviction counts are off".into());
        }
        Ok(())
    }
}
