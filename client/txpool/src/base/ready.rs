//! The ready queue: transactions whose `requires` are all met, linked into a dependency
//! graph by tags, and the iterator a block builder walks.

use crate::transaction::{Tag, Transaction};
use lattice_primitives::H256;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The ready queue.
///
/// Each `requires` tag of a ready transaction is either provided by another ready
/// transaction (then the provider lists it in `unlocks` and it counts in `deps`) or was
/// provided by the chain when the transaction entered (the pool's caller checks that).
/// `best` holds the transactions with `deps == 0`: those a block builder may take now.
#[derive(Debug, Default)]
pub(crate) struct Ready {
    txs: HashMap<H256, ReadyTx>,
    /// Which ready transaction provides each tag (at most one: the pool replaces).
    provided: HashMap<Tag, H256>,
    /// Which ready transactions require each tag.
    required_by: HashMap<Tag, BTreeSet<H256>>,
    best: BTreeSet<BestKey>,
    /// Every ready transaction by `(priority, newest first)`, for eviction.
    by_priority: BTreeSet<(u64, Reverse<u64>, H256)>,
    bytes: usize,
}

/// One ready transaction and its links.
#[derive(Clone, Debug)]
pub(crate) struct ReadyTx {
    pub(crate) tx: Arc<Transaction>,
    /// Ready transactions that require a tag this one provides (once per tag).
    pub(crate) unlocks: Vec<H256>,
    /// How many of its `requires` are provided by ready transactions.
    pub(crate) deps: usize,
}

/// Block-building order: higher priority first, then the older arrival.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct BestKey {
    priority: Reverse<u64>,
    insertion_id: u64,
    hash: H256,
}

impl BestKey {
    fn of(tx: &Transaction) -> Self {
        Self { priority: Reverse(tx.priority), insertion_id: tx.insertion_id, hash: tx.hash }
    }
}

impl Ready {
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
        self.txs.get(hash).map(|r| &r.tx)
    }

    /// The ready transaction providing `tag`.
    pub(crate) fn provider(&self, tag: &[u8]) -> Option<H256> {
        self.provided.get(tag).copied()
    }

    /// Ready transactions that require `tag`.
    pub(crate) fn requiring(&self, tag: &[u8]) -> Vec<H256> {
        self.required_by.get(tag).map(|s| s.iter().copied().collect()).unwrap_or_default()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<Transaction>> {
        self.txs.values().map(|r| &r.tx)
    }

    /// The lowest-priority transaction, the newest among equals: the one to evict. The
    /// newest is usually the tail of its sender's nonce chain, so evicting it (with what
    /// depends on it) costs the fewest other transactions, and first come stays first
    /// served.
    pub(crate) fn worst(&self) -> Option<H256> {
        self.by_priority.first().map(|(_, _, h)| *h)
    }

    /// Adds `tx`. The caller guarantees that every tag it requires is provided by a ready
    /// transaction or by the chain, and that no ready transaction provides its tags.
    pub(crate) fn insert(&mut self, tx: Arc<Transaction>) {
        let hash = tx.hash;
        let mut deps = 0;
        for tag in &tx.requires {
            if let Some(provider) = self.provided.get(tag).and_then(|p| self.txs.get_mut(p)) {
                provider.unlocks.push(hash);
                deps += 1;
            }
            self.required_by.entry(tag.clone()).or_default().insert(hash);
        }
        // Ready transactions that required one of these tags took it from the chain; link
        // them to the new provider so they never precede it.
        let mut unlocks = Vec::new();
        for tag in &tx.provides {
            self.provided.insert(tag.clone(), hash);
            for dependent in self.required_by.get(tag).into_iter().flatten() {
                if *dependent == hash {
                    continue;
                }
                if let Some(d) = self.txs.get_mut(dependent) {
                    if d.deps == 0 {
                        self.best.remove(&BestKey::of(&d.tx));
                    }
                    d.deps += 1;
                    unlocks.push(*dependent);
                }
            }
        }
        if deps == 0 {
            self.best.insert(BestKey::of(&tx));
        }
        self.by_priority.insert((tx.priority, Reverse(tx.insertion_id), hash));
        self.bytes += tx.bytes();
        self.txs.insert(hash, ReadyTx { tx, unlocks, deps });
    }

    /// Swaps in a re-validated copy of a transaction whose position does not change
    /// ([`Transaction::same_position`]).
    pub(crate) fn swap(&mut self, tx: Arc<Transaction>) {
        if let Some(entry) = self.txs.get_mut(&tx.hash) {
            self.bytes = self.bytes - entry.tx.bytes() + tx.bytes();
            entry.tx = tx;
        }
    }

    /// Removes one transaction and unlinks it. Its dependents keep their `deps` count for
    /// it: the caller either removes them too or calls [`Self::release`] on them.
    fn remove_one(&mut self, hash: &H256) -> Option<ReadyTx> {
        let entry = self.txs.remove(hash)?;
        let tx = &entry.tx;
        for tag in &tx.requires {
            if let Some(provider) = self.provided.get(tag).and_then(|p| self.txs.get_mut(p)) {
                if let Some(i) = provider.unlocks.iter().position(|h| h == hash) {
                    provider.unlocks.swap_remove(i);
                }
            }
            if let Some(set) = self.required_by.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.required_by.remove(tag);
                }
            }
        }
        for tag in &tx.provides {
            if self.provided.get(tag) == Some(hash) {
                self.provided.remove(tag);
            }
        }
        self.best.remove(&BestKey::of(tx));
        self.by_priority.remove(&(tx.priority, Reverse(tx.insertion_id), *hash));
        self.bytes -= tx.bytes();
        Some(entry)
    }

    /// Lowers `hash`'s dependency count by one: a tag it required left the pool for the
    /// chain.
    fn release(&mut self, hash: &H256) {
        if let Some(d) = self.txs.get_mut(hash) {
            d.deps = d.deps.saturating_sub(1);
            if d.deps == 0 {
                self.best.insert(BestKey::of(&d.tx));
            }
        }
    }

    /// Removes `hash` because it was included in a block: its tags are now the chain's,
    /// so what depends on it stays ready.
    pub(crate) fn prune(&mut self, hash: &H256) -> Option<Arc<Transaction>> {
        let entry = self.remove_one(hash)?;
        for dependent in &entry.unlocks {
            self.release(dependent);
        }
        Some(entry.tx)
    }

    /// Removes `roots` and, transitively, every transaction that depends on them, roots
    /// first (dependencies before dependents).
    pub(crate) fn remove_subtree(&mut self, roots: &[H256]) -> Vec<Arc<Transaction>> {
        let mut removed = Vec::new();
        let mut stack: Vec<H256> = roots.iter().rev().copied().collect();
        while let Some(hash) = stack.pop() {
            if let Some(entry) = self.remove_one(&hash) {
                stack.extend(entry.unlocks.iter().rev().copied());
                removed.push(entry.tx);
            }
        }
        removed
    }

    /// A snapshot to iterate in block-building order.
    pub(crate) fn iter_best(&self) -> ReadyIter {
        ReadyIter {
            graph: self.txs.clone(),
            best: self.best.clone(),
            last: None,
            skipped: HashSet::new(),
        }
    }

    /// Checks the queue's own invariants (tests).
    #[cfg(any(test, feature = "test-utils"))]
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut bytes = 0;
        for (hash, entry) in &self.txs {
            bytes += entry.tx.bytes();
            let mut deps = 0;
            for tag in &entry.tx.requires {
                if let Some(p) = self.provided.get(tag) {
                    let provider = self.txs.get(p).ok_or("provider not in ready")?;
                    if !provider.unlocks.contains(hash) {
                        return Err(format!("{p} provides a tag {hash} requires but is unlinked"));
                    }
                    deps += 1;
                }
            }
            if deps != entry.deps {
                return Err(format!("{hash}: deps {} but {deps} ready providers", entry.deps));
            }
            if (deps == 0) != self.best.contains(&BestKey::of(&entry.tx)) {
                return Err(format!("{hash}: best set disagrees with deps {deps}"));
            }
            for tag in &entry.tx.provides {
                if self.provided.get(tag) != Some(hash) {
                    return Err(format!("{hash}: a provided tag maps elsewhere"));
                }
            }
        }
        if bytes != self.bytes || self.best.len() > self.txs.len() {
            return Err("ready byte or best counts are off".into());
        }
        if self.by_priority.len() != self.txs.len() {
            return Err("ready eviction index is off".into());
        }
        Ok(())
    }
}

/// Ready transactions in an order a block builder can include them: every transaction
/// after those providing the tags it requires, and among those available, higher
/// priority first, then older.
///
/// A snapshot: the pool may change while a block is built. When the runtime refuses a
/// transaction, [`ReadyIter::report_invalid`] skips everything that depends on it.
#[derive(Debug)]
pub struct ReadyIter {
    graph: HashMap<H256, ReadyTx>,
    best: BTreeSet<BestKey>,
    last: Option<H256>,
    skipped: HashSet<H256>,
}

impl ReadyIter {
    /// Skips every transaction that depends (transitively) on `hash`, which the block
    /// builder could not include. Report it to the pool too
    /// ([`Pool::report_invalid`](crate::Pool::report_invalid)) if it is invalid.
    pub fn report_invalid(&mut self, hash: &H256) {
        let mut stack = vec![*hash];
        while let Some(h) = stack.pop() {
            if let Some(entry) = self.graph.get(&h) {
                for d in &entry.unlocks {
                    if self.skipped.insert(*d) {
                        if let Some(dep) = self.graph.get(d) {
                            self.best.remove(&BestKey::of(&dep.tx));
                        }
                        stack.push(*d);
                    }
                }
            }
        }
    }

    /// The hash of the transaction returned last.
    pub fn last(&self) -> Option<H256> {
        self.last
    }
}

impl Iterator for ReadyIter {
    type Item = Arc<Transaction>;

    fn next(&mut self) -> Option<Arc<Transaction>> {
        let key = self.best.pop_first()?;
        let entry = self.graph.get(&key.hash)?;
        let tx = entry.tx.clone();
        let unlocks = entry.unlocks.clone();
        for d in unlocks {
            if self.skipped.contains(&d) {
                continue;
            }
            if let Some(dep) = self.graph.get_mut(&d) {
                dep.deps = dep.deps.saturating_sub(1);
                if dep.deps == 0 {
                    self.best.insert(BestKey::of(&dep.tx));
                }
            }
        }
        self.last = Some(key.hash);
        Some(tx)
    }
}
