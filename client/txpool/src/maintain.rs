//! Keeping the pool in step with the chain: pruning on import, re-submission on
//! re-orgs, re-validation, longevity and finality.
//!
//! On a new best block the pool, in this order:
//! 1. for each retracted block: reports `retracted` to watchers of its transactions and
//!    takes back the tags it provided (ready transactions relying on them go future);
//! 2. for each enacted block, oldest first: removes its transactions (by hash, and any
//!    other transaction providing one of their tags, which is re-validated), reports
//!    `inBlock`, bans their hashes (so gossip does not bring them back) and promotes
//!    futures waiting for those tags;
//! 3. re-submits the retracted blocks' transactions that the new chain did not include;
//! 4. drops transactions whose longevity has passed;
//! 5. re-validates up to [`Options::revalidation_batch`](crate::Options) transactions
//!    against the new best block, those validated longest ago first: invalid ones are
//!    removed, changed ones re-placed;
//! 6. gives up on watched transactions whose block waited too long for finality.

use crate::api::{BlockInfo, ChainApi};
use crate::base::{Changes, Removal};
use crate::error::{Error, Result};
use crate::pool::Pool;
use crate::transaction::{Tag, Transaction};
use codec::Encode;
use lattice_primitives::{TransactionSource, TransactionValidity, H256};
use std::collections::HashSet;
use std::sync::Arc;

/// A change of the chain the pool must follow.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ChainEvent {
    /// A new best block.
    NewBestBlock {
        /// The new best block.
        hash: H256,
        /// Blocks that joined the best chain, oldest first, ending with `hash`. Empty
        /// means `[hash]` (the common case: the new block extends the old best).
        enacted: Vec<H256>,
        /// Blocks that left the best chain (a re-org), newest first, as a tree route
        /// from the old best block gives them.
        retracted: Vec<H256>,
    },
    /// A block was finalized.
    Finalized {
        /// The finalized block.
        hash: H256,
        /// Blocks finalized implicitly with it, oldest first, not including `hash`.
        tree_route: Vec<H256>,
    },
}

impl ChainEvent {
    /// A new best block that extends the previous one.
    pub fn new_best(hash: H256) -> Self {
        Self::NewBestBlock { hash, enacted: Vec::new(), retracted: Vec::new() }
    }

    /// A finalized block with no implicitly finalized ancestors.
    pub fn finalized(hash: H256) -> Self {
        Self::Finalized { hash, tree_route: Vec::new() }
    }
}

/// What a maintenance did, for logs and metrics.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MaintainReport {
    /// Transactions removed because a block included them.
    pub pruned: usize,
    /// Transactions of retracted blocks that went back into the pool.
    pub resubmitted: usize,
    /// Transactions re-validated against the new best block.
    pub revalidated: usize,
    /// Transactions removed as invalid (re-validation, longevity, conflicts).
    pub invalid: usize,
}

/// A transaction to validate again and put back.
struct Resubmit {
    hash: H256,
    data: Vec<u8>,
    source: TransactionSource,
    /// Its arrival order, kept for a transaction that was in the pool.
    insertion_id: Option<u64>,
}

impl<A: ChainApi> Pool<A> {
    /// Follows a chain event. Errors only when the chain cannot answer for the new block
    /// itself; a missing body of another block is logged and skipped.
    pub fn maintain(&self, event: ChainEvent) -> Result<MaintainReport> {
        let _serial = self.maintenance.lock();
        match event {
            ChainEvent::NewBestBlock { hash, enacted, retracted } => {
                self.on_new_best(hash, enacted, retracted)
            }
            ChainEvent::Finalized { hash, tree_route } => {
                self.on_finalized(hash, tree_route)?;
                Ok(MaintainReport::default())
            }
        }
    }

    fn on_new_best(
        &self,
        hash: H256,
        mut enacted: Vec<H256>,
        retracted: Vec<H256>,
    ) -> Result<MaintainReport> {
        let best = self.block_info(hash)?;
        if self.best() == best && retracted.is_empty() {
            return Ok(MaintainReport::default());
        }
        if enacted.is_empty() {
            enacted.push(hash);
        }
        let mut report = MaintainReport::default();
        // One record for the whole maintenance: a transaction that moves and comes back
        // (demoted by a retraction, promoted by the re-submission) reports nothing.
        // Block statuses (`retracted`, `inBlock`) go out at once, the others at the end.
        let mut changes = Changes::default();

        // 1. Retracted blocks, newest first: statuses and tags back.
        let mut retracted_bodies = Vec::new();
        for block in &retracted {
            let body = self.body(*block);
            let mut inner = self.inner.lock();
            inner.listener.retracted(*block);
            inner.base.retract(block, &mut changes);
            retracted_bodies.push(body);
        }

        // 2. Enacted blocks, oldest first: prune.
        let mut included = HashSet::new();
        let mut reverify = Vec::new();
        for block in &enacted {
            let Some(info) = self.known_block(*block) else { continue };
            let Some(body) = self.body(*block) else { continue };
            let hashes: Vec<H256> = body.iter().map(|xt| self.api.hash(xt)).collect();
            included.extend(hashes.iter().copied());
            let tags = self.included_tags(*block, &body, &hashes);
            let mut inner = self.inner.lock();
            let pruned_before = count_included(&changes);
            let conflicting = inner.base.prune(
                *block,
                info.number,
                &hashes,
                tags,
                self.options.max_pruned_blocks,
                &mut changes,
            );
            report.pruned += count_included(&changes) - pruned_before;
            for h in &hashes {
                inner.listener.in_block(*block, info.number, *h);
            }
            inner.bans.ban(self.clock.now(), hashes.iter().copied());
            reverify.extend(conflicting.into_iter().map(|tx| Resubmit {
                hash: tx.hash,
                data: tx.data.clone(),
                source: tx.source,
                insertion_id: Some(tx.insertion_id),
            }));
        }
        self.inner.lock().best = best;

        // 3. Re-submit what the re-org took out and the new chain did not include, oldest
        //    block first (so nonce chains arrive in order).
        let mut resubmit = Vec::new();
        for body in retracted_bodies.into_iter().rev().flatten() {
            for xt in body {
                let hash = self.api.hash(&xt);
                if !included.contains(&hash) {
                    resubmit.push(Resubmit {
                        hash,
                        data: xt,
                        source: TransactionSource::External,
                        insertion_id: None,
                    });
                }
            }
        }
        {
            let mut inner = self.inner.lock();
            resubmit.retain(|r| !inner.base.contains(&r.hash));
            for r in &resubmit {
                inner.bans.unban(&r.hash);
            }
        }
        let (kept, invalid) = self.reimport(best, resubmit, &mut changes);
        report.resubmitted += kept;
        report.invalid += invalid;
        let (_, invalid) = self.reimport(best, reverify, &mut changes);
        report.invalid += invalid;

        // 4. Longevity.
        {
            let mut inner = self.inner.lock();
            let stale = inner.base.stale(best.number);
            report.invalid +=
                inner.base.remove_subtree(&stale, Removal::Invalid, &mut changes).len();
        }

        // 5. Re-validation.
        let (revalidated, invalid) = self.revalidate(best, &mut changes);
        report.revalidated += revalidated;
        report.invalid += invalid;

        // 6. Statuses, finality timeouts.
        let mut inner = self.inner.lock();
        inner.emit(changes, self.clock.now());
        inner.listener.finality_timeouts(best.number, self.options.finality_timeout_blocks);
        Ok(report)
    }

    fn on_finalized(&self, hash: H256, tree_route: Vec<H256>) -> Result<()> {
        let info = self.block_info(hash)?;
        let mut inner = self.inner.lock();
        for block in tree_route.iter().chain(std::iter::once(&hash)) {
            inner.listener.finalized(*block);
        }
        inner.base.finalized(info.number);
        Ok(())
    }

    /// The extrinsics of `block`, encoded; `None` (logged) if the chain has no body.
    fn body(&self, block: H256) -> Option<Vec<Vec<u8>>> {
        match self.api.block_body(block) {
            Ok(Some(body)) => Some(body.iter().map(Encode::encode).collect()),
            Ok(None) => {
                tracing::warn!(target: "txpool", %block, "no body for block; its transactions are not pruned or re-submitted");
                None
            }
            Err(e) => {
                tracing::warn!(target: "txpool", %block, error = %e, "cannot read block body");
                None
            }
        }
    }

    fn known_block(&self, block: H256) -> Option<BlockInfo> {
        self.block_info(block)
            .map_err(
                |e| tracing::warn!(target: "txpool", %block, error = %e, "unknown enacted block"),
            )
            .ok()
    }

    /// The tags the extrinsics of `block` provide: from the pool for those it holds, by
    /// validating the others at the block's parent (as Substrate does).
    fn included_tags(&self, block: H256, body: &[Vec<u8>], hashes: &[H256]) -> Vec<Tag> {
        let mut tags = Vec::new();
        let mut unknown = Vec::new();
        {
            let inner = self.inner.lock();
            for (xt, hash) in body.iter().zip(hashes) {
                match inner.base.get(hash) {
                    Some(tx) => tags.extend(tx.provides.iter().cloned()),
                    None => unknown.push(xt),
                }
            }
        }
        if unknown.is_empty() {
            return tags;
        }
        let parent = match self.api.block_header(block) {
            Ok(Some(header)) => header.parent_hash,
            _ => return tags,
        };
        for xt in unknown {
            if let Ok(Ok(valid)) =
                self.api.validate_transaction(parent, TransactionSource::InBlock, xt)
            {
                tags.extend(valid.provides);
            }
        }
        tags
    }

    /// Validates `items` at `at` and imports the valid ones. Returns `(kept, invalid)`
    /// counts.
    fn reimport(
        &self,
        at: BlockInfo,
        items: Vec<Resubmit>,
        changes: &mut Changes,
    ) -> (usize, usize) {
        if items.is_empty() {
            return (0, 0);
        }
        let validated: Vec<(Resubmit, std::result::Result<TransactionValidity, A::Error>)> = items
            .into_iter()
            .map(|r| {
                let v = self.api.validate_transaction(at.hash, r.source, &r.data);
                (r, v)
            })
            .collect();
        let mut inner = self.inner.lock();
        let (mut kept, mut invalid) = (0, 0);
        for (r, validity) in validated {
            // A re-verified transaction was touched (with its queue) when it was taken out.
            changes.touch(r.hash, None);
            let valid = match validity {
                Ok(Ok(valid)) if !valid.provides.is_empty() => valid,
                Ok(_) => {
                    invalid += 1;
                    changes.removed.insert(r.hash, Removal::Invalid);
                    continue;
                }
                Err(e) => {
                    tracing::debug!(target: "txpool", hash = %r.hash, error = %e, "re-validation failed");
                    changes.removed.insert(r.hash, Removal::Dropped);
                    continue;
                }
            };
            let id = r.insertion_id.unwrap_or_else(|| inner.next_insertion_id());
            let tx = Arc::new(Transaction::new(r.hash, r.data, r.source, valid, at, id));
            match inner.base.import(tx, changes) {
                Ok(_) => kept += 1,
                Err(Error::AlreadyImported { .. }) => {}
                Err(_) => {
                    changes.removed.insert(r.hash, Removal::Dropped);
                }
            }
        }
        inner.base.enforce_limits(&self.options, changes);
        (kept, invalid)
    }

    /// Re-validates a batch at the new best block. Returns `(revalidated, invalid)`.
    fn revalidate(&self, best: BlockInfo, changes: &mut Changes) -> (usize, usize) {
        let batch: Vec<Arc<Transaction>> = {
            let inner = self.inner.lock();
            let mut due: Vec<&Arc<Transaction>> =
                inner.base.all().filter(|tx| tx.validated_at != best).collect();
            let key = |tx: &Arc<Transaction>| (tx.validated_at.number, tx.insertion_id);
            let n = self.options.revalidation_batch.min(due.len());
            if n < due.len() {
                due.select_nth_unstable_by_key(n, |tx| key(tx));
                due.truncate(n);
            }
            due.sort_by_key(|tx| key(tx));
            due.into_iter().cloned().collect()
        };
        if batch.is_empty() {
            return (0, 0);
        }
        let results: Vec<_> = batch
            .iter()
            .map(|tx| self.api.validate_transaction(best.hash, tx.source, &tx.data))
            .collect();
        let mut inner = self.inner.lock();
        let mut invalid = Vec::new();
        let mut updated = Vec::new();
        for (old, result) in batch.iter().zip(results) {
            // Skip what changed while the lock was released.
            if !inner.base.get(&old.hash).is_some_and(|cur| Arc::ptr_eq(cur, old)) {
                continue;
            }
            match result {
                Ok(Ok(valid)) if !valid.provides.is_empty() => {
                    let data = old.data.clone();
                    let tx =
                        Transaction::new(old.hash, data, old.source, valid, best, old.insertion_id);
                    updated.push(Arc::new(tx));
                }
                Ok(Ok(_)) | Ok(Err(lattice_primitives::TransactionValidityError::Invalid(_))) => {
                    invalid.push(old.hash)
                }
                // Undeterminable now, or the chain failed to answer: keep it, and let the
                // next batch move on to others.
                Ok(Err(_)) | Err(_) => {
                    let mut kept = Transaction::clone(old);
                    kept.validated_at = best;
                    updated.push(Arc::new(kept));
                }
            }
        }
        let removed = inner.base.remove_subtree(&invalid, Removal::Invalid, changes);
        let failed = inner.base.update(updated, changes);
        inner.base.enforce_limits(&self.options, changes);
        (batch.len(), removed.len() + failed.len())
    }
}

fn count_included(changes: &Changes) -> usize {
    changes.removed.values().filter(|r| **r == Removal::Included).count()
}
