//! Every write: importing a block, finalizing, choosing the best block, reverting.
//!
//! Each public operation stages its changes in a [`Staged`] overlay (which later steps of
//! the same operation read through) and ends in exactly one RocksDB write batch, so a
//! crash leaves the database before or after the operation, never between (invariant 4).

use crate::database::{Inner, Meta};
use crate::schema::{self, column, meta, JournalRecord};
use crate::{Database, Error, PruningMode, Result};
use codec::Encode;
use lattice_primitives::{Block, BlockNumber, ConsensusEngineId, Header, H256};
use lattice_state::StateCommit;
use rocksdb::{WriteBatch, WriteOptions};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One finality proof: the consensus engine that made it (`b"FRNK"` for GRANDPA) and its
/// encoding.
pub type Justification = (ConsensusEngineId, Vec<u8>);

/// The finality proofs of a block, at most one per engine (SCALE as Substrate's
/// `Justifications`).
pub type Justifications = Vec<Justification>;

/// A block to store, with what executing it produced.
#[derive(Debug)]
pub struct ImportOperation {
    /// The block. Its hash is `block.header.hash()`.
    pub block: Block,
    /// A finality proof received with the block.
    pub justification: Option<Justification>,
    /// The state changes of executing the block on its parent's state:
    /// `state.parent_root` must be the parent's state root (the empty trie's for
    /// genesis) and `state.root` the header's.
    pub state: StateCommit,
    /// Make the block the best block (the chain's fork choice decided).
    pub new_best: bool,
    /// Finalize the block in the same write (as [`Database::finalize`] would).
    pub finalize: bool,
}

impl ImportOperation {
    /// A block that becomes the best block, unfinalized, without a justification.
    pub fn new_best(block: Block, state: StateCommit) -> Self {
        Self { block, justification: None, state, new_best: true, finalize: false }
    }

    /// The genesis block with its state (computed on the empty state).
    pub fn genesis(header: Header, state: StateCommit) -> Self {
        Self::new_best(Block { header, extrinsics: Vec::new() }, state)
    }
}

/// What [`Database::revert`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reverted {
    /// The best block now.
    pub best: (H256, BlockNumber),
    /// The removed blocks: the reverted part of the best chain and every block built on
    /// it.
    pub removed: Vec<H256>,
}

impl Database {
    /// Stores a block with its state changes and, as asked, makes it best and finalizes
    /// it, all in one write. Returns the block hash.
    ///
    /// The first block committed must be a genesis block (number 0, zero parent hash).
    /// Fails without writing anything when the block is already stored, its parent is
    /// not, its state does not match its header or its parent's, or it would fork below
    /// the finalized block.
    pub fn commit_block(&self, op: ImportOperation) -> Result<H256> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        let hash = staged.import(op)?;
        staged.write()?;
        Ok(hash)
    }

    /// Stores a block whose ancestors are not stored, with its whole state, as the best
    /// and finalized block (warp sync: the state was downloaded and proven against the
    /// header, the justification proves the header final). `state` must be computed on
    /// the empty state. Blocks after it import as usual; blocks between genesis and it
    /// stay absent.
    ///
    /// Only a database that holds nothing but its genesis block takes one; otherwise it
    /// fails with [`Error::NotFresh`], writing nothing. The genesis state stays stored.
    /// `aux` entries (what proved the block final) are written in the same batch, for
    /// [`Database::aux`].
    pub fn import_warp_target(
        &self,
        block: Block,
        justification: Option<Justification>,
        state: StateCommit,
        aux: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<H256> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        let genesis = staged.require_genesis()?;
        let hash = staged.import_warp_target(genesis, block, justification, state)?;
        staged.aux = aux;
        staged.write()?;
        Ok(hash)
    }

    /// Stores blocks below a warp-sync target, newest first: the first is the parent of
    /// the lowest stored block above the gap, each next one the parent of the one before
    /// (hashes link them to the proven target), down to at most block 1, whose parent
    /// must be genesis. They are final and have no state. Bodies must match their
    /// headers' extrinsics roots.
    ///
    /// Fails, writing nothing, without a gap ([`Error::NoGap`]) or when a block does not
    /// link ([`Error::HistoryMismatch`]).
    pub fn import_history(&self, blocks: Vec<Block>) -> Result<()> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        let genesis = staged.require_genesis()?;
        staged.import_history(genesis, blocks)?;
        staged.write()
    }

    /// Finalizes block `hash` and its ancestors, storing `justification` with it.
    ///
    /// Forks that do not contain the block are removed with their states; states that
    /// leave the pruning window are pruned; when the best chain does not contain the
    /// block, it becomes the best block. Finalizing a block that is already final only
    /// stores the justification. Fails with [`Error::NotDescendantOfFinalized`] for a
    /// block off the finalized chain: finality is never reverted.
    pub fn finalize(&self, hash: &H256, justification: Option<Justification>) -> Result<()> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        staged.require_genesis()?;
        staged.finalize(*hash, justification)?;
        staged.write()
    }

    /// Makes block `hash` the best block (the canonical index follows it). It must be the
    /// finalized block or descend from it.
    pub fn set_best(&self, hash: &H256) -> Result<()> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        staged.require_genesis()?;
        let number = staged.header(hash)?.ok_or(Error::UnknownBlock { hash: *hash })?.number;
        staged.require_descends_from_finalized(*hash, number)?;
        staged.set_canonical_head(*hash, number)?;
        staged.write()
    }

    /// Removes the top `count` blocks of the best chain, and every block built on them;
    /// their parent becomes the best block. Other forks stay.
    ///
    /// Fails with [`Error::RevertFinalized`], reverting nothing, when that would remove
    /// the finalized block.
    pub fn revert(&self, count: BlockNumber) -> Result<Reverted> {
        let _writer = self.inner.write_lock.lock();
        let mut staged = Staged::new(&self.inner);
        staged.require_genesis()?;
        let reverted = staged.revert(count)?;
        staged.write()?;
        Ok(reverted)
    }
}

/// A trie node's pending change of reference count.
struct NodeDelta {
    delta: i64,
    /// The node, when the change adds a reference (needed if the key is new).
    node: Option<Vec<u8>>,
}

/// The changes of one operation, before they are written. Reads see them over the
/// database.
struct Staged<'a> {
    inner: &'a Inner,
    meta: Meta,
    /// `None` deletes. Likewise below.
    headers: HashMap<H256, Option<Header>>,
    bodies: HashMap<H256, Option<Vec<u8>>>,
    justifications: HashMap<H256, Option<Justifications>>,
    canonical: BTreeMap<BlockNumber, Option<H256>>,
    /// `true` adds the block to the number index, `false` removes it.
    by_number: BTreeMap<(BlockNumber, H256), bool>,
    journals: HashMap<H256, Option<JournalRecord>>,
    nodes: HashMap<Vec<u8>, NodeDelta>,
    /// Entries of other layers, written under [`schema::meta::AUX_PREFIX`].
    aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// Whether the write must reach the disk before returning (finality, genesis).
    sync: bool,
}

impl<'a> Staged<'a> {
    fn new(inner: &'a Inner) -> Self {
        Self {
            inner,
            meta: *inner.meta.read(),
            headers: HashMap::new(),
            bodies: HashMap::new(),
            justifications: HashMap::new(),
            canonical: BTreeMap::new(),
            by_number: BTreeMap::new(),
            journals: HashMap::new(),
            nodes: HashMap::new(),
            aux: Vec::new(),
            sync: false,
        }
    }

    fn require_genesis(&self) -> Result<H256> {
        self.meta.genesis.ok_or(Error::NoGenesis)
    }

    fn pruned(&self) -> bool {
        !self.inner.pruning.is_archive()
    }

    // Reads through the overlay.

    fn header(&self, hash: &H256) -> Result<Option<Header>> {
        match self.headers.get(hash) {
            Some(staged) => Ok(staged.clone()),
            None => self.inner.header(hash),
        }
    }

    fn expect_header(&self, hash: &H256) -> Result<Header> {
        self.header(hash)?.ok_or_else(|| Error::Missing {
            column: column::HEADERS,
            key: hash.as_bytes().to_vec(),
        })
    }

    fn canonical(&self, number: BlockNumber) -> Result<Option<H256>> {
        match self.canonical.get(&number) {
            Some(staged) => Ok(*staged),
            None => self.inner.canonical_hash(number),
        }
    }

    fn hashes_at(&self, number: BlockNumber) -> Result<Vec<H256>> {
        let mut hashes: Vec<H256> = self
            .inner
            .hashes_at(number)?
            .into_iter()
            .filter(|hash| self.by_number.get(&(number, *hash)) != Some(&false))
            .collect();
        for ((_, hash), added) in
            self.by_number.range((number, H256::zero())..=(number, H256([0xff; 32])))
        {
            if *added && !hashes.contains(hash) {
                hashes.push(*hash);
            }
        }
        Ok(hashes)
    }

    fn journal(&self, hash: &H256) -> Result<Option<JournalRecord>> {
        match self.journals.get(hash) {
            Some(staged) => Ok(staged.clone()),
            None => self.inner.journal(hash),
        }
    }

    fn expect_journal(&self, hash: &H256) -> Result<JournalRecord> {
        self.journal(hash)?.ok_or_else(|| Error::Missing {
            column: column::STATE_JOURNAL,
            key: hash.as_bytes().to_vec(),
        })
    }

    fn justifications_of(&self, hash: &H256) -> Result<Option<Justifications>> {
        match self.justifications.get(hash) {
            Some(staged) => Ok(staged.clone()),
            None => self.inner.justifications(hash),
        }
    }

    /// The ancestor of block `hash` (number `number`) at `target` (`<= number`).
    fn ancestor_at(
        &self,
        mut hash: H256,
        number: BlockNumber,
        target: BlockNumber,
    ) -> Result<H256> {
        for _ in target..number {
            hash = self.expect_header(&hash)?.parent_hash;
        }
        Ok(hash)
    }

    fn require_descends_from_finalized(&self, hash: H256, number: BlockNumber) -> Result<()> {
        let (finalized, finalized_number) = self.meta.finalized;
        if number < finalized_number
            || self.ancestor_at(hash, number, finalized_number)? != finalized
        {
            return Err(Error::NotDescendantOfFinalized { hash, finalized });
        }
        Ok(())
    }

    // Trie node references.

    fn add_ref(&mut self, key: Vec<u8>, node: Vec<u8>) {
        let entry = self.nodes.entry(key).or_insert(NodeDelta { delta: 0, node: None });
        entry.delta += 1;
        entry.node.get_or_insert(node);
    }

    fn release(&mut self, key: Vec<u8>) {
        self.nodes.entry(key).or_insert(NodeDelta { delta: 0, node: None }).delta -= 1;
    }

    // Operations.

    fn import(&mut self, op: ImportOperation) -> Result<H256> {
        let ImportOperation {
            block: Block { header, extrinsics },
            justification,
            state,
            new_best,
            finalize,
        } = op;
        let hash = header.hash();
        let number = header.number;
        if self.header(&hash)?.is_some() {
            return Err(Error::AlreadyImported { hash });
        }
        let parent_state = if number == 0 {
            if header.parent_hash != H256::zero() {
                return Err(Error::InvalidNumber { hash, number, parent_number: None });
            }
            if let Some(existing) = self.meta.genesis {
                return Err(Error::GenesisExists { existing, new: hash });
            }
            empty_root()
        } else {
            let parent = self
                .header(&header.parent_hash)?
                .ok_or(Error::UnknownParent { hash, parent: header.parent_hash })?;
            if parent.number.checked_add(1) != Some(number) {
                return Err(Error::InvalidNumber {
                    hash,
                    number,
                    parent_number: Some(parent.number),
                });
            }
            if number <= self.meta.finalized.1 {
                return Err(Error::BelowFinalized {
                    hash,
                    number,
                    finalized_number: self.meta.finalized.1,
                });
            }
            parent.state_root
        };
        check_roots(hash, &header, &state, parent_state)?;

        let pruned = self.pruned();
        let mut record = JournalRecord::default();
        let mut transaction = state.transaction;
        for (key, (node, rc)) in transaction.drain() {
            // Counts above one or below minus one carry no more meaning than the sign: a
            // node is in the new state or it is not (as Substrate's state-db reads them).
            if rc > 0 {
                if pruned {
                    record.inserted.push(key.clone());
                }
                self.add_ref(key, node);
            } else if rc < 0 && pruned {
                record.removed.push(key);
            }
        }
        // Genesis is never reverted and has no parent state to prune.
        if pruned && number > 0 {
            self.journals.insert(hash, Some(record));
        }

        self.bodies.insert(hash, Some(extrinsics.encode()));
        if let Some(justification) = justification {
            self.justifications.insert(hash, Some(vec![justification]));
        }
        self.headers.insert(hash, Some(header));
        self.by_number.insert((number, hash), true);

        if number == 0 {
            self.meta = Meta {
                genesis: Some(hash),
                best: (hash, 0),
                finalized: (hash, 0),
                lowest_state: 0,
                gap: None,
            };
            self.canonical.insert(0, Some(hash));
            self.sync = true;
        } else {
            // Every stored block at or above the finalized height descends from the
            // finalized block (finalization removes the others), so the parent does.
            if new_best || finalize {
                self.set_canonical_head(hash, number)?;
            }
            if finalize {
                self.finalize(hash, None)?;
            }
        }
        Ok(hash)
    }

    fn import_warp_target(
        &mut self,
        genesis: H256,
        Block { header, extrinsics }: Block,
        justification: Option<Justification>,
        state: StateCommit,
    ) -> Result<H256> {
        let hash = header.hash();
        let number = header.number;
        if self.meta.best != (genesis, 0) {
            return Err(Error::NotFresh { best_number: self.meta.best.1 });
        }
        if number == 0 {
            return Err(Error::InvalidNumber { hash, number, parent_number: None });
        }
        check_roots(hash, &header, &state, empty_root())?;
        let mut transaction = state.transaction;
        for (key, (node, rc)) in transaction.drain() {
            if rc > 0 {
                self.add_ref(key, node);
            }
        }
        // Final from the start: no journal, nothing to revert.
        self.bodies.insert(hash, Some(extrinsics.encode()));
        if let Some(justification) = justification {
            self.justifications.insert(hash, Some(vec![justification]));
        }
        self.headers.insert(hash, Some(header));
        self.by_number.insert((number, hash), true);
        self.canonical.insert(number, Some(hash));
        self.meta = Meta {
            genesis: Some(genesis),
            best: (hash, number),
            finalized: (hash, number),
            lowest_state: number,
            gap: (number > 1).then_some((1, number - 1)),
        };
        self.sync = true;
        Ok(hash)
    }

    fn import_history(&mut self, genesis: H256, blocks: Vec<Block>) -> Result<()> {
        let (first, mut last) = self.meta.gap.ok_or(Error::NoGap)?;
        let above = self.canonical(last + 1)?.ok_or_else(|| Error::Missing {
            column: column::CANONICAL,
            key: schema::number_key(last + 1).to_vec(),
        })?;
        let mut expected = self.expect_header(&above)?.parent_hash;
        for Block { header, extrinsics } in blocks {
            let hash = header.hash();
            let mismatch =
                |reason: String| Error::HistoryMismatch { number: header.number, reason };
            if last < first {
                return Err(mismatch("the gap is already filled".into()));
            }
            if header.number != last || hash != expected {
                return Err(mismatch(format!("not the parent of #{}", last + 1)));
            }
            // The root is over each extrinsic's encoding (length prefix included).
            let encoded: Vec<Vec<u8>> = extrinsics.iter().map(Encode::encode).collect();
            let root = <lattice_state::Layout as sp_trie::TrieConfiguration>::ordered_trie_root(
                encoded.iter().map(Vec::as_slice),
            );
            if root.0 != header.extrinsics_root.0 {
                return Err(mismatch("the body does not match the extrinsics root".into()));
            }
            if header.number == 1 && header.parent_hash != genesis {
                return Err(mismatch("block #1 does not build on genesis".into()));
            }
            expected = header.parent_hash;
            self.bodies.insert(hash, Some(extrinsics.encode()));
            self.canonical.insert(header.number, Some(hash));
            self.by_number.insert((header.number, hash), true);
            self.headers.insert(hash, Some(header));
            last -= 1;
        }
        self.meta.gap = (last >= first).then_some((first, last));
        Ok(())
    }

    /// Points the canonical index at the chain ending in `hash`, which must descend from
    /// the finalized block, and makes it best.
    fn set_canonical_head(&mut self, hash: H256, number: BlockNumber) -> Result<()> {
        for above in number.saturating_add(1)..=self.meta.best.1 {
            self.canonical.insert(above, None);
        }
        let (mut at, mut at_number) = (hash, number);
        // Stops where the index already agrees: at the latest at the finalized block.
        while self.canonical(at_number)? != Some(at) {
            self.canonical.insert(at_number, Some(at));
            if at_number == 0 {
                break;
            }
            at = self.expect_header(&at)?.parent_hash;
            at_number -= 1;
        }
        self.meta.best = (hash, number);
        Ok(())
    }

    fn finalize(&mut self, hash: H256, justification: Option<Justification>) -> Result<()> {
        let number = self.header(&hash)?.ok_or(Error::UnknownBlock { hash })?.number;
        let (finalized, finalized_number) = self.meta.finalized;
        if number <= finalized_number {
            // Already final: only a justification to add.
            if self.canonical(number)? != Some(hash) {
                return Err(Error::NotDescendantOfFinalized { hash, finalized });
            }
        } else {
            self.require_descends_from_finalized(hash, number)?;
            if self.canonical(number)? != Some(hash) {
                self.set_canonical_head(hash, number)?;
            }
            self.remove_displaced(finalized_number, number)?;
            self.meta.finalized = (hash, number);
            if let PruningMode::Constrained(window) = self.inner.pruning {
                self.prune_window(number.saturating_add(1).saturating_sub(window))?;
            }
        }
        if let Some((engine, proof)) = justification {
            let mut all = self.justifications_of(&hash)?.unwrap_or_default();
            match all.iter_mut().find(|(id, _)| *id == engine) {
                Some(existing) => existing.1 = proof,
                None => all.push((engine, proof)),
            }
            self.justifications.insert(hash, Some(all));
        }
        self.sync = true;
        Ok(())
    }

    /// Removes every block in `(from, ..)` that is not on the canonical chain up to
    /// `finalized_number` nor built on it: the forks the new finalized block displaces.
    fn remove_displaced(&mut self, from: BlockNumber, finalized_number: BlockNumber) -> Result<()> {
        let mut displaced_below: HashSet<H256> = HashSet::new();
        let mut number = from + 1;
        loop {
            let hashes = self.hashes_at(number)?;
            if hashes.is_empty() {
                break;
            }
            let mut displaced = HashSet::new();
            if number <= finalized_number {
                let keep = self.canonical(number)?;
                displaced.extend(hashes.into_iter().filter(|h| Some(*h) != keep));
            } else {
                for hash in hashes {
                    if displaced_below.contains(&self.expect_header(&hash)?.parent_hash) {
                        displaced.insert(hash);
                    }
                }
                if displaced.is_empty() {
                    break;
                }
            }
            for hash in &displaced {
                self.remove_block(*hash, number)?;
            }
            displaced_below = displaced;
            number += 1;
        }
        Ok(())
    }

    /// Drops the states below `lowest` (pruning mode): the nodes each later canonical
    /// block removed from its parent's state lose a reference.
    fn prune_window(&mut self, lowest: BlockNumber) -> Result<()> {
        for dropped in self.meta.lowest_state..lowest {
            let next = self.canonical(dropped + 1)?.ok_or_else(|| Error::Missing {
                column: column::CANONICAL,
                key: schema::number_key(dropped + 1).to_vec(),
            })?;
            let record = self.expect_journal(&next)?;
            for key in record.removed {
                self.release(key);
            }
            // The block is final: its insertions are never undone.
            self.journals.insert(next, None);
        }
        self.meta.lowest_state = self.meta.lowest_state.max(lowest);
        Ok(())
    }

    /// Deletes an unfinalized block and undoes its trie node insertions.
    fn remove_block(&mut self, hash: H256, number: BlockNumber) -> Result<()> {
        if self.pruned() {
            let record = self.expect_journal(&hash)?;
            for key in record.inserted {
                self.release(key);
            }
            self.journals.insert(hash, None);
        }
        self.headers.insert(hash, None);
        self.bodies.insert(hash, None);
        self.justifications.insert(hash, None);
        self.by_number.insert((number, hash), false);
        Ok(())
    }

    fn revert(&mut self, count: BlockNumber) -> Result<Reverted> {
        let (best, best_number) = self.meta.best;
        let revertible = best_number - self.meta.finalized.1;
        if count > revertible {
            return Err(Error::RevertFinalized { requested: count, revertible });
        }
        if count == 0 {
            return Ok(Reverted { best: (best, best_number), removed: Vec::new() });
        }
        let target_number = best_number - count;
        let target = self.ancestor_at(best, best_number, target_number)?;
        let first = self.ancestor_at(best, best_number, target_number + 1)?;
        let mut removed = vec![first];
        let mut level: HashSet<H256> = HashSet::from([first]);
        let mut number = target_number + 1;
        loop {
            number += 1;
            let mut next = HashSet::new();
            for hash in self.hashes_at(number)? {
                if level.contains(&self.expect_header(&hash)?.parent_hash) {
                    next.insert(hash);
                }
            }
            if next.is_empty() {
                break;
            }
            removed.extend(next.iter().copied());
            level = next;
        }
        for hash in &removed {
            let number = self.expect_header(hash)?.number;
            self.remove_block(*hash, number)?;
        }
        for above in target_number + 1..=best_number {
            self.canonical.insert(above, None);
        }
        self.meta.best = (target, target_number);
        Ok(Reverted { best: (target, target_number), removed })
    }

    /// Writes everything in one batch and publishes the new chain position.
    fn write(self) -> Result<()> {
        let inner = self.inner;
        let mut batch = WriteBatch::default();
        let deleted_nodes = resolve_nodes(inner, self.nodes, &mut batch)?;

        let put_or_delete =
            |batch: &mut WriteBatch, col: &'static str, key: &[u8], value: Option<Vec<u8>>| {
                match value {
                    Some(value) => batch.put_cf(inner.cf(col), key, value),
                    None => batch.delete_cf(inner.cf(col), key),
                }
            };
        for (hash, header) in self.headers {
            put_or_delete(&mut batch, column::HEADERS, hash.as_bytes(), header.map(|h| h.encode()));
        }
        for (hash, body) in self.bodies {
            put_or_delete(&mut batch, column::BODIES, hash.as_bytes(), body);
        }
        for (hash, justifications) in self.justifications {
            put_or_delete(
                &mut batch,
                column::JUSTIFICATIONS,
                hash.as_bytes(),
                justifications.map(|j| j.encode()),
            );
        }
        for (number, hash) in self.canonical {
            put_or_delete(
                &mut batch,
                column::CANONICAL,
                &schema::number_key(number),
                hash.map(|h| h.encode()),
            );
        }
        for ((number, hash), added) in self.by_number {
            let key = schema::number_hash_key(number, &hash);
            put_or_delete(&mut batch, column::BLOCKS_BY_NUMBER, &key, added.then(Vec::new));
        }
        for (hash, record) in self.journals {
            put_or_delete(
                &mut batch,
                column::STATE_JOURNAL,
                hash.as_bytes(),
                record.map(|r| r.encode()),
            );
        }
        let meta_cf = inner.cf(column::META);
        for (key, value) in &self.aux {
            batch.put_cf(meta_cf, [schema::meta::AUX_PREFIX, key].concat(), value);
        }
        if let Some(genesis) = self.meta.genesis {
            batch.put_cf(meta_cf, meta::GENESIS, genesis.encode());
            batch.put_cf(meta_cf, meta::BEST, self.meta.best.encode());
            batch.put_cf(meta_cf, meta::FINALIZED, self.meta.finalized.encode());
            batch.put_cf(meta_cf, meta::LOWEST_STATE, self.meta.lowest_state.encode());
            batch.put_cf(meta_cf, meta::GAP, self.meta.gap.encode());
        }

        let mut options = WriteOptions::default();
        // A block import need not wait for the disk: after a process crash the write-ahead
        // log is in the page cache, and after a power loss RocksDB recovers a prefix of
        // the writes, so an earlier consistent block. Finality waits, so a finalized
        // block announced to peers survives a power loss too.
        options.set_sync(self.sync);
        inner.db.write_opt(batch, &options)?;
        *inner.meta.write() = self.meta;
        if let Some(cache) = &inner.node_cache {
            // New nodes are not added: a block's root computation costs trie work far more
            // than reads (`examples/db_bench.rs`: the in-memory root takes ~90% of the time
            // of the on-disk one), and caching every block's nodes slowed the commit.
            cache.remove(&deleted_nodes);
        }
        Ok(())
    }
}

/// The root of the empty state (genesis and warp-sync targets are computed on it).
fn empty_root() -> H256 {
    H256(sp_trie::empty_trie_root::<lattice_state::Layout>().0)
}

/// Checks that `state` leads from `parent_state` to the state root of `header` (of block
/// `hash`).
fn check_roots(hash: H256, header: &Header, state: &StateCommit, parent_state: H256) -> Result<()> {
    if state.root != header.state_root.0 {
        return Err(Error::StateRootMismatch {
            hash,
            header: header.state_root,
            computed: H256(state.root),
        });
    }
    if state.parent_root != parent_state.0 {
        return Err(Error::ParentStateMismatch {
            hash,
            expected: parent_state,
            found: H256(state.parent_root),
        });
    }
    Ok(())
}

/// Turns the staged reference count changes into writes in `batch`; returns the keys
/// of the nodes deleted.
///
/// An archive never deletes, so it writes added nodes blindly without reading anything.
/// A pruning database looks up, in batched reads: whether each node gaining references
/// exists (mostly not: new nodes, answered by bloom filters), and the extra references
/// of every touched node that exists (`state_refs`, small and mostly empty).
fn resolve_nodes(
    inner: &Inner,
    nodes: HashMap<Vec<u8>, NodeDelta>,
    batch: &mut WriteBatch,
) -> Result<Vec<Vec<u8>>> {
    let state_cf = inner.cf(column::STATE);
    let refs_cf = inner.cf(column::STATE_REFS);
    let mut deleted = Vec::new();
    if inner.pruning.is_archive() {
        for (key, change) in nodes {
            if let (true, Some(node)) = (change.delta > 0, change.node) {
                batch.put_cf(state_cf, key, node);
            }
        }
        return Ok(deleted);
    }
    let mut changes: Vec<(Vec<u8>, NodeDelta)> =
        nodes.into_iter().filter(|(_, c)| c.delta != 0).collect();
    changes.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    // Which of the nodes gaining references are stored already. A node losing references
    // is stored (a kept state uses it), or was never written (the empty trie's node),
    // where deleting is harmless.
    let gaining: Vec<&Vec<u8>> =
        changes.iter().filter(|(_, c)| c.delta > 0).map(|(key, _)| key).collect();
    let mut stored: HashSet<&[u8]> = HashSet::new();
    for (key, found) in
        gaining.iter().zip(inner.db.batched_multi_get_cf(state_cf, gaining.iter().copied(), true))
    {
        if found?.is_some() {
            stored.insert(key.as_slice());
        }
    }
    let counted: Vec<&Vec<u8>> = changes
        .iter()
        .filter(|(key, c)| c.delta < 0 || stored.contains(key.as_slice()))
        .map(|(key, _)| key)
        .collect();
    let mut extra: HashMap<&[u8], u32> = HashMap::new();
    for (key, found) in
        counted.iter().zip(inner.db.batched_multi_get_cf(refs_cf, counted.iter().copied(), true))
    {
        if let Some(value) = found? {
            let refs = schema::extra_refs(&value).ok_or_else(|| Error::Corrupt {
                column: column::STATE_REFS,
                key: key.to_vec(),
                source: None,
            })?;
            extra.insert(key.as_slice(), refs);
        }
    }

    for (key, change) in &changes {
        let exists = change.delta < 0 || stored.contains(key.as_slice());
        let before =
            if exists { 1 + i64::from(extra.get(key.as_slice()).copied().unwrap_or(0)) } else { 0 };
        let after = before + change.delta;
        if after <= 0 {
            if after < 0 {
                // Only a node that was never written (the empty trie's) can be released more
                // often than added; anything else is a bookkeeping bug worth a look.
                tracing::debug!(target: "db", key = %hex::encode(key), after, "trie node released below zero");
            }
            batch.delete_cf(state_cf, key);
            if before > 1 {
                batch.delete_cf(refs_cf, key);
            }
            deleted.push(key.clone());
            continue;
        }
        if before == 0 {
            let node = change
                .node
                .as_ref()
                .ok_or_else(|| Error::Missing { column: column::STATE, key: key.clone() })?;
            batch.put_cf(state_cf, key, node);
        }
        match after {
            1 => {
                if before > 1 {
                    batch.delete_cf(refs_cf, key);
                }
            }
            _ => {
                let refs = u32::try_from(after - 1).unwrap_or(u32::MAX);
                batch.put_cf(refs_cf, key, refs.to_le_bytes());
            }
        }
    }
    Ok(deleted)
}
