//! The pool's data structure, without validation, time or watchers: the ready and
//! future queues and the tags the chain recently provided.
//!
//! ```text
//!  import ──▶ conflicts? (same provided tag) ── lower/equal priority ──▶ TooLowPriority
//!                 │ higher: usurp them (their dependents are re-placed)
//!                 ▼
//!          every `requires` tag provided by ready txs or the chain?
//!             yes ──▶ Ready ──▶ promote futures waiting for its `provides`
//!             no  ──▶ Future (indexed by the missing tags)
//! ```
//!
//! Invariants (checked by [`BasePool::check`] in the tests):
//! 1. a transaction is in at most one queue;
//! 2. at most one transaction in the pool provides a given tag;
//! 3. every `requires` tag of a ready transaction is provided by a ready transaction
//!    that links to it, or was provided by the chain when it entered;
//! 4. a future transaction misses at least one tag, and no missing tag is provided by a
//!    ready transaction or by the chain's recently pruned tags.
//!
//! Every mutation records what it did in [`Changes`], from which the pool derives the
//! watchers' statuses once the whole operation is done (so a transaction moved out and
//! back within one operation reports nothing).

mod future;
mod ready;

pub use ready::ReadyIter;

use crate::error::Error;
use crate::transaction::{Tag, Transaction};
use future::Future;
use lattice_primitives::{BlockNumber, H256};
use ready::Ready;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// Which queue a transaction is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Place {
    Ready,
    Future,
}

/// Why a transaction left the pool.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Removal {
    /// Replaced by this transaction.
    Usurped(H256),
    /// Evicted by the limits.
    Dropped,
    /// Found invalid or stale.
    Invalid,
    /// Included in a block (the listener reports `inBlock` separately).
    Included,
    /// Taken out to be re-validated; the caller reports the outcome.
    Reverify,
}

/// What an operation did to which transactions, to derive statuses from.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// The queue each touched transaction was in before the operation.
    pub(crate) initial: HashMap<H256, Option<Place>>,
    /// Touched transactions in the order they were first touched.
    pub(crate) order: Vec<H256>,
    /// Transactions that left the pool, and why.
    pub(crate) removed: HashMap<H256, Removal>,
}

impl Changes {
    /// Records `hash`'s place before the operation touches it (first call wins).
    pub(crate) fn touch(&mut self, hash: H256, before: Option<Place>) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.initial.entry(hash) {
            e.insert(before);
            self.order.push(hash);
        }
    }

    fn remove(&mut self, hash: H256, before: Place, why: Removal) {
        self.touch(hash, Some(before));
        self.removed.insert(hash, why);
    }
}

/// The tags provided by the transactions of recent best-chain blocks.
///
/// A transaction validated before such a block may still require one of them; it counts
/// as met. Kept per block so that a re-org retracting the block takes them back, and
/// forgotten at finality (a finalized block is never retracted).
#[derive(Debug, Default)]
struct ChainTags {
    blocks: HashMap<H256, (BlockNumber, Vec<Tag>)>,
    order: VecDeque<H256>,
    count: HashMap<Tag, u32>,
}

impl ChainTags {
    fn contains(&self, tag: &[u8]) -> bool {
        self.count.contains_key(tag)
    }

    fn add(&mut self, block: H256, number: BlockNumber, tags: Vec<Tag>, max_blocks: usize) {
        if self.blocks.contains_key(&block) {
            return;
        }
        for tag in &tags {
            *self.count.entry(tag.clone()).or_default() += 1;
        }
        self.blocks.insert(block, (number, tags));
        self.order.push_back(block);
        while self.order.len() > max_blocks {
            if let Some(old) = self.order.pop_front() {
                self.forget(&old);
            }
        }
    }

    /// Drops `block`'s tags; returns those no other remembered block provides.
    fn forget(&mut self, block: &H256) -> Vec<Tag> {
        let Some((_, tags)) = self.blocks.remove(block) else { return Vec::new() };
        self.order.retain(|b| b != block);
        let mut gone = Vec::new();
        for tag in tags {
            if let Some(c) = self.count.get_mut(&tag) {
                *c -= 1;
                if *c == 0 {
                    self.count.remove(&tag);
                    gone.push(tag);
                }
            }
        }
        gone
    }

    /// Forgets every block up to `number` (finalized).
    fn forget_up_to(&mut self, number: BlockNumber) {
        let old: Vec<H256> =
            self.blocks.iter().filter(|(_, (n, _))| *n <= number).map(|(h, _)| *h).collect();
        for block in old {
            self.forget(&block);
        }
    }
}

/// Ready and future queues with the chain's recently provided tags.
#[derive(Debug, Default)]
pub(crate) struct BasePool {
    ready: Ready,
    future: Future,
    chain: ChainTags,
}

impl BasePool {
    pub(crate) fn ready_len(&self) -> usize {
        self.ready.len()
    }

    pub(crate) fn ready_bytes(&self) -> usize {
        self.ready.bytes()
    }

    pub(crate) fn future_len(&self) -> usize {
        self.future.len()
    }

    pub(crate) fn future_bytes(&self) -> usize {
        self.future.bytes()
    }

    pub(crate) fn contains(&self, hash: &H256) -> bool {
        self.ready.contains(hash) || self.future.contains(hash)
    }

    pub(crate) fn place_of(&self, hash: &H256) -> Option<Place> {
        if self.ready.contains(hash) {
            Some(Place::Ready)
        } else if self.future.contains(hash) {
            Some(Place::Future)
        } else {
            None
        }
    }

    pub(crate) fn get(&self, hash: &H256) -> Option<&Arc<Transaction>> {
        self.ready.get(hash).or_else(|| self.future.get(hash))
    }

    /// The transaction in either queue providing `tag`.
    pub(crate) fn provider(&self, tag: &[u8]) -> Option<H256> {
        self.ready.provider(tag).or_else(|| self.future.provider(tag))
    }

    pub(crate) fn ready(&self) -> ReadyIter {
        self.ready.iter_best()
    }

    pub(crate) fn future_iter(&self) -> impl Iterator<Item = &Arc<Transaction>> {
        self.future.iter()
    }

    /// Every transaction, ready then future.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Arc<Transaction>> {
        self.ready.iter().chain(self.future.iter())
    }

    /// Imports a new transaction, replacing those that provide one of its tags if its
    /// priority beats theirs summed.
    pub(crate) fn import(
        &mut self,
        tx: Arc<Transaction>,
        changes: &mut Changes,
    ) -> Result<Place, Error> {
        if self.contains(&tx.hash) {
            return Err(Error::AlreadyImported { hash: tx.hash });
        }
        let mut conflicts: Vec<H256> = Vec::new();
        for tag in &tx.provides {
            if let Some(h) = self.provider(tag) {
                if !conflicts.contains(&h) {
                    conflicts.push(h);
                }
            }
        }
        let old = conflicts
            .iter()
            .filter_map(|h| self.get(h))
            .fold(0u64, |sum, c| sum.saturating_add(c.priority));
        if !conflicts.is_empty() && old >= tx.priority {
            return Err(Error::TooLowPriority { old, new: tx.priority });
        }
        changes.touch(tx.hash, None);
        let mut displaced = Vec::new();
        for hash in &conflicts {
            if self.future.remove(hash).is_some() {
                changes.remove(*hash, Place::Future, Removal::Usurped(tx.hash));
            }
            // The usurped transaction's dependents lose a provider: out, and back in
            // below (some may now depend on the new transaction).
            for d in self.ready.remove_subtree(&[*hash]) {
                if conflicts.contains(&d.hash) {
                    changes.remove(d.hash, Place::Ready, Removal::Usurped(tx.hash));
                } else {
                    changes.touch(d.hash, Some(Place::Ready));
                    displaced.push(d);
                }
            }
        }
        let place = self.place(tx, changes);
        for d in displaced {
            self.place(d, changes);
        }
        Ok(place)
    }

    /// Puts a transaction whose tags conflict with nobody into the queue its `requires`
    /// allow, and promotes what it unlocks.
    fn place(&mut self, tx: Arc<Transaction>, changes: &mut Changes) -> Place {
        changes.removed.remove(&tx.hash);
        let missing = self.missing_tags(&tx);
        if missing.is_empty() {
            let provides = tx.provides.clone();
            self.ready.insert(tx);
            self.promote(provides, changes);
            Place::Ready
        } else {
            self.future.insert(tx, missing);
            Place::Future
        }
    }

    fn missing_tags(&self, tx: &Transaction) -> HashSet<Tag> {
        tx.requires
            .iter()
            .filter(|t| self.ready.provider(t).is_none() && !self.chain.contains(t))
            .cloned()
            .collect()
    }

    /// Moves to ready the futures that `tags` (now provided) complete, transitively.
    fn promote(&mut self, tags: Vec<Tag>, changes: &mut Changes) {
        let mut queue: VecDeque<Tag> = tags.into();
        while let Some(tag) = queue.pop_front() {
            for hash in self.future.satisfy(&tag) {
                let Some(tx) = self.future.get(&hash).cloned() else { continue };
                // Tags met when it was queued may have left the pool since: re-check all.
                let missing = self.missing_tags(&tx);
                if !missing.is_empty() {
                    self.future.set_missing(&hash, missing);
                    continue;
                }
                changes.touch(hash, Some(Place::Future));
                self.future.remove(&hash);
                queue.extend(tx.provides.iter().cloned());
                self.ready.insert(tx);
            }
        }
    }

    /// Takes `roots` and what depends on them out of ready and places them again (a tag
    /// they relied on is gone).
    fn demote(&mut self, roots: &[H256], changes: &mut Changes) {
        let removed = self.ready.remove_subtree(roots);
        for tx in &removed {
            changes.touch(tx.hash, Some(Place::Ready));
        }
        for tx in removed {
            self.place(tx, changes);
        }
    }

    /// Removes `hashes` and every ready transaction depending on them.
    pub(crate) fn remove_subtree(
        &mut self,
        hashes: &[H256],
        why: Removal,
        changes: &mut Changes,
    ) -> Vec<Arc<Transaction>> {
        let mut out = Vec::new();
        for hash in hashes {
            if let Some(tx) = self.future.remove(hash) {
                changes.remove(tx.hash, Place::Future, why);
                out.push(tx);
            }
            for tx in self.ready.remove_subtree(&[*hash]) {
                changes.remove(tx.hash, Place::Ready, why);
                out.push(tx);
            }
        }
        out
    }

    /// Swaps in re-validated copies whose position is unchanged, and re-places the others
    /// (which may replace or be refused; refused ones are returned).
    pub(crate) fn update(
        &mut self,
        txs: Vec<Arc<Transaction>>,
        changes: &mut Changes,
    ) -> Vec<(Arc<Transaction>, Error)> {
        let mut failed = Vec::new();
        for tx in txs {
            let Some(old) = self.get(&tx.hash).cloned() else { continue };
            if old.same_position(&tx) {
                match self.place_of(&tx.hash) {
                    Some(Place::Ready) => self.ready.swap(tx),
                    Some(Place::Future) => self.future.swap(tx),
                    None => {}
                }
                continue;
            }
            // Out with its dependents (re-placed right after), in with the new tags.
            let place = if self.ready.contains(&tx.hash) { Place::Ready } else { Place::Future };
            changes.touch(tx.hash, Some(place));
            let displaced = match place {
                Place::Ready => self.ready.remove_subtree(&[tx.hash]),
                Place::Future => self.future.remove(&tx.hash).into_iter().collect(),
            };
            for d in displaced.iter().skip(1) {
                changes.touch(d.hash, Some(Place::Ready));
            }
            let hash = tx.hash;
            if let Err(e) = self.import(tx.clone(), changes) {
                changes.removed.insert(hash, Removal::Invalid);
                failed.push((tx, e));
            }
            for d in displaced.into_iter().skip(1) {
                if !self.contains(&d.hash) {
                    self.place_without_conflict(d, changes);
                }
            }
        }
        failed
    }

    /// Places a displaced dependent; if its tags were taken meanwhile it is dropped as
    /// invalid (it cannot coexist with the new provider).
    fn place_without_conflict(&mut self, tx: Arc<Transaction>, changes: &mut Changes) {
        if tx.provides.iter().any(|t| self.provider(t).is_some()) {
            changes.removed.insert(tx.hash, Removal::Invalid);
            return;
        }
        self.place(tx, changes);
    }

    /// A block of the best chain included `included` (hashes) providing `tags`: removes
    /// those transactions, records the tags as the chain's, releases what depended on
    /// them and promotes futures. Other transactions providing one of the tags conflict
    /// with the chain; they are taken out and returned to re-validate.
    pub(crate) fn prune(
        &mut self,
        block: H256,
        number: BlockNumber,
        included: &[H256],
        tags: Vec<Tag>,
        max_blocks: usize,
        changes: &mut Changes,
    ) -> Vec<Arc<Transaction>> {
        for hash in included {
            if self.ready.prune(hash).is_some() {
                changes.remove(*hash, Place::Ready, Removal::Included);
            } else if self.future.remove(hash).is_some() {
                changes.remove(*hash, Place::Future, Removal::Included);
            }
        }
        self.chain.add(block, number, tags.clone(), max_blocks);
        let mut conflicting = Vec::new();
        let mut displaced = Vec::new();
        for tag in &tags {
            if let Some(h) = self.future.provider(tag) {
                if let Some(tx) = self.future.remove(&h) {
                    changes.remove(h, Place::Future, Removal::Reverify);
                    conflicting.push(tx);
                }
            }
            let Some(h) = self.ready.provider(tag) else { continue };
            // Its dependents may rely on tags it provides that the chain does not:
            // re-place them rather than release them.
            let mut removed = self.ready.remove_subtree(&[h]).into_iter();
            if let Some(tx) = removed.next() {
                changes.remove(h, Place::Ready, Removal::Reverify);
                conflicting.push(tx);
            }
            for d in removed {
                changes.touch(d.hash, Some(Place::Ready));
                displaced.push(d);
            }
        }
        let chain_tags: HashSet<&Tag> = tags.iter().collect();
        for d in displaced {
            if self.contains(&d.hash) {
                continue;
            }
            if d.provides.iter().any(|t| chain_tags.contains(t)) {
                changes.remove(d.hash, Place::Ready, Removal::Reverify);
                conflicting.push(d);
            } else {
                self.place_without_conflict(d, changes);
            }
        }
        self.promote(tags, changes);
        conflicting
    }

    /// `block` left the best chain: its tags are no longer the chain's, so ready
    /// transactions that relied on them go back to the future queue (until the retracted
    /// transactions are re-submitted and provide them again).
    pub(crate) fn retract(&mut self, block: &H256, changes: &mut Changes) {
        let lost = self.chain.forget(block);
        let mut roots = Vec::new();
        for tag in &lost {
            if self.ready.provider(tag).is_none() {
                roots.extend(self.ready.requiring(tag));
            }
        }
        roots.sort_by_key(|h| self.ready.get(h).map(|t| t.insertion_id));
        roots.dedup();
        if !roots.is_empty() {
            self.demote(&roots, changes);
        }
    }

    /// Blocks up to `number` are final: their tags need no undoing.
    pub(crate) fn finalized(&mut self, number: BlockNumber) {
        self.chain.forget_up_to(number);
    }

    /// Drops the worst transactions until both queues are within their limits.
    pub(crate) fn enforce_limits(
        &mut self,
        options: &crate::Options,
        changes: &mut Changes,
    ) -> Vec<Arc<Transaction>> {
        let mut dropped = Vec::new();
        while options.ready.is_exceeded(self.ready.len(), self.ready.bytes()) {
            let Some(worst) = self.ready.worst() else { break };
            dropped.extend(self.remove_subtree(&[worst], Removal::Dropped, changes));
        }
        while options.future.is_exceeded(self.future.len(), self.future.bytes()) {
            let Some(worst) = self.future.worst() else { break };
            dropped.extend(self.remove_subtree(&[worst], Removal::Dropped, changes));
        }
        dropped
    }

    /// Transactions whose longevity has passed at block `number`.
    pub(crate) fn stale(&self, number: BlockNumber) -> Vec<H256> {
        let mut stale: Vec<&Arc<Transaction>> =
            self.all().filter(|tx| tx.valid_till <= u64::from(number)).collect();
        stale.sort_by_key(|tx| tx.insertion_id);
        stale.into_iter().map(|tx| tx.hash).collect()
    }

    /// Checks the invariants listed in the module docs.
    #[cfg(any(test, feature = "test-utils"))]
    pub(crate) fn check(&self) -> Result<(), String> {
        self.ready.check()?;
        self.future.check()?;
        let mut providers: HashMap<&[u8], H256> = HashMap::new();
        for tx in self.all() {
            if self.ready.contains(&tx.hash) && self.future.contains(&tx.hash) {
                return Err(format!("{} is both ready and future", tx.hash));
            }
            for tag in &tx.provides {
                if let Some(other) = providers.insert(tag, tx.hash) {
                    return Err(format!("{} and {other} provide the same tag", tx.hash));
                }
            }
        }
        for tx in self.future.iter() {
            for tag in self.future.missing(&tx.hash).into_iter().flatten() {
                if self.ready.provider(tag).is_some() || self.chain.contains(tag) {
                    return Err(format!("future {} misses a tag that is provided", tx.hash));
                }
            }
        }
        Ok(())
    }
}
