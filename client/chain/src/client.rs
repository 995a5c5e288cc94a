//! The chain client: the database, the executor and the chain's events in one handle.

use crate::cache::{CachedState, StorageCache};
use crate::notify::Notifier;
use crate::{Error, Result};
use codec::{Decode, Encode};
use futures::channel::mpsc;
use lattice_db::{ChainInfo, Database, ImportOperation, Justification, Justifications};
use lattice_executor::{RuntimeCode, WasmExecutor};
use lattice_io::Keystore;
use lattice_primitives::api::methods::{CORE_EXECUTE_BLOCK, CORE_VERSION};
use lattice_primitives::api::well_known_keys;
use lattice_primitives::{
    Block, BlockNumber, Digest, DigestItem, Header, OpaqueExtrinsic, RuntimeVersion, H256,
};
use lattice_state::{Backend, Ext, InMemoryBackend, OverlayedChanges, StateCommit, StorageChanges};
use parking_lot::Mutex;
use schnellru::{ByLength, LruMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bytes of hot storage values kept for the best block.
const STORAGE_CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Blocks whose runtime code is remembered.
const CODE_CACHE_BLOCKS: u32 = 256;

/// Where a block to import came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockOrigin {
    /// Authored by this node.
    Own,
    /// Announced or sent by a peer while following the chain.
    NetworkBroadcast,
    /// Downloaded from peers while catching up.
    NetworkInitialSync,
    /// Read from a file (`import-blocks`).
    File,
}

/// A block to import with what came with it.
#[derive(Debug)]
pub struct ImportParams {
    /// The block, with its seal in the digest.
    pub block: Block,
    /// A finality proof that came with it.
    pub justification: Option<Justification>,
    /// Where it came from.
    pub origin: BlockOrigin,
    /// Finalize it in the same write (its justification was checked by the caller).
    pub finalize: bool,
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The block was stored.
    Imported {
        /// Its hash.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// It became the best block.
        is_new_best: bool,
    },
    /// The block was already stored; nothing changed.
    AlreadyInChain,
}

/// The path between two blocks: from `from` back to their common ancestor, then forward
/// to `to`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeRoute {
    /// Blocks left behind, newest first (from `from` down, excluding the common ancestor).
    pub retracted: Vec<H256>,
    /// The common ancestor.
    pub common: H256,
    /// Blocks entered, oldest first, ending with `to` (excluding the common ancestor).
    pub enacted: Vec<H256>,
}

/// A block was imported.
#[derive(Clone, Debug)]
pub struct BlockImportNotification {
    /// Its hash.
    pub hash: H256,
    /// Its header.
    pub header: Header,
    /// Where it came from.
    pub origin: BlockOrigin,
    /// Whether it is the new best block.
    pub is_new_best: bool,
    /// For a new best block that does not extend the previous best: the re-org.
    pub tree_route: Option<Arc<TreeRoute>>,
    /// The storage changes of the block over its parent.
    pub changes: Arc<StorageChanges>,
}

impl BlockImportNotification {
    /// What the transaction pool's maintenance needs of it: `None` unless it is the new
    /// best block.
    pub fn pool_event(&self) -> Option<lattice_txpool::ChainEvent> {
        if !self.is_new_best {
            return None;
        }
        let (enacted, retracted) = match &self.tree_route {
            Some(route) => (route.enacted.clone(), route.retracted.clone()),
            None => (Vec::new(), Vec::new()),
        };
        Some(lattice_txpool::ChainEvent::NewBestBlock { hash: self.hash, enacted, retracted })
    }
}

/// A block was finalized.
#[derive(Clone, Debug)]
pub struct FinalityNotification {
    /// Its hash.
    pub hash: H256,
    /// Its header.
    pub header: Header,
    /// Blocks finalized with it, oldest first, not including `hash`.
    pub tree_route: Vec<H256>,
}

impl FinalityNotification {
    /// The event of the transaction pool's maintenance.
    pub fn pool_event(self) -> lattice_txpool::ChainEvent {
        lattice_txpool::ChainEvent::Finalized { hash: self.hash, tree_route: self.tree_route }
    }
}

/// Where runtime calls go: wall time and count per entry point, for logs and metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportTimings {
    /// Time spent executing the last imported block.
    pub last_execution: Duration,
    /// Time spent committing it.
    pub last_commit: Duration,
}

/// The chain client. Cheap to share (`Arc<Client>`); every method takes `&self`.
pub struct Client {
    db: Arc<Database>,
    executor: WasmExecutor,
    genesis_hash: H256,
    /// Serialises imports, finalization and reverts, so notifications leave in order.
    import_lock: Mutex<()>,
    imports: Notifier<BlockImportNotification>,
    finality: Notifier<FinalityNotification>,
    cache: Arc<Mutex<StorageCache>>,
    code: Mutex<LruMap<H256, RuntimeCode, ByLength>>,
    keystore: Option<Arc<dyn Keystore + Send + Sync>>,
    timings: Mutex<ImportTimings>,
}

impl Client {
    /// Opens the chain on `db`. An empty database gets the genesis block of
    /// `genesis_storage` (the key-value pairs of the genesis state, `:code` among them);
    /// a database holding another chain is refused with [`Error::GenesisMismatch`].
    pub fn new(
        db: Database,
        executor: WasmExecutor,
        genesis_storage: Vec<(Vec<u8>, Vec<u8>)>,
        keystore: Option<Arc<dyn Keystore + Send + Sync>>,
    ) -> Result<Self> {
        let (genesis_header, genesis_state) = genesis_block(genesis_storage)?;
        let expected = genesis_header.hash();
        let genesis_hash = match db.info() {
            Some(info) if info.genesis_hash != expected => {
                return Err(Error::GenesisMismatch { stored: info.genesis_hash, expected });
            }
            Some(info) => info.genesis_hash,
            None => db.commit_block(ImportOperation::genesis(genesis_header, genesis_state))?,
        };
        let best = db.info().map(|i| i.best_hash).unwrap_or(genesis_hash);
        Ok(Self {
            db: Arc::new(db),
            executor,
            genesis_hash,
            import_lock: Mutex::new(()),
            imports: Notifier::new(),
            finality: Notifier::new(),
            cache: Arc::new(Mutex::new(StorageCache::new(best, STORAGE_CACHE_BYTES))),
            code: Mutex::new(LruMap::new(ByLength::new(CODE_CACHE_BLOCKS))),
            keystore,
            timings: Mutex::new(ImportTimings::default()),
        })
    }

    /// The database.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The executor.
    pub fn executor(&self) -> &WasmExecutor {
        &self.executor
    }

    /// The genesis block's hash.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// Best and finalized blocks.
    pub fn info(&self) -> ChainInfo {
        self.db.info().expect("the genesis block is committed when the client is created")
    }

    /// The keystore runtime calls may use (`SessionKeys_generate_session_keys`).
    pub fn keystore(&self) -> Option<&Arc<dyn Keystore + Send + Sync>> {
        self.keystore.as_ref()
    }

    /// Timings of the last import.
    pub fn timings(&self) -> ImportTimings {
        *self.timings.lock()
    }

    /// (hits, misses) of the best block's storage cache.
    pub fn storage_cache_stats(&self) -> (u64, u64) {
        self.cache.lock().stats()
    }

    // Reads.

    /// Stores blocks below a warp-sync target, newest first (see
    /// [`lattice_db::Database::import_history`]): final, without state, not executed.
    pub fn import_history(&self, blocks: Vec<Block>) -> Result<()> {
        let _lock = self.import_lock.lock();
        Ok(self.db.import_history(blocks)?)
    }

    /// The blocks `first..=last` below a warp-sync target this node lacks.
    pub fn block_gap(&self) -> Option<(BlockNumber, BlockNumber)> {
        self.db.block_gap()
    }

    /// An entry stored beside the chain by [`Client::import_warp_target`].
    pub fn aux(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.db.aux(key)?)
    }

    /// The header of `hash`.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>> {
        Ok(self.db.header(hash)?)
    }

    /// The header of `hash`, or [`Error::UnknownBlock`].
    pub fn expect_header(&self, hash: &H256) -> Result<Header> {
        self.header(hash)?.ok_or(Error::UnknownBlock(*hash))
    }

    /// The block `hash` with its body.
    pub fn block(&self, hash: &H256) -> Result<Option<Block>> {
        Ok(self.db.block(hash)?)
    }

    /// The body of `hash`.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>> {
        Ok(self.db.body(hash)?)
    }

    /// The justifications stored with `hash`.
    pub fn justifications(&self, hash: &H256) -> Result<Option<Justifications>> {
        Ok(self.db.justifications(hash)?)
    }

    /// The hash of the best chain's block at `number`.
    pub fn hash(&self, number: BlockNumber) -> Result<Option<H256>> {
        Ok(self.db.hash(number)?)
    }

    /// The leaves (blocks without children), best first.
    pub fn leaves(&self) -> Result<Vec<(H256, BlockNumber)>> {
        Ok(self.db.leaves()?)
    }

    /// The state after block `hash`, reading through the best block's cache.
    pub fn state_at(&self, hash: &H256) -> Result<CachedState> {
        let state = match self.db.state_at(hash) {
            Ok(state) => state,
            Err(lattice_db::Error::UnknownBlock { .. } | lattice_db::Error::StatePruned { .. }) => {
                return Err(Error::StateUnavailable(*hash))
            }
            Err(e) => return Err(e.into()),
        };
        Ok(CachedState::new(state, *hash, self.cache.clone()))
    }

    /// The value at `key` in the state after `hash`.
    pub fn storage(&self, hash: &H256, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.state_at(hash)?.storage(key)?)
    }

    /// The runtime code of the state after `hash`.
    pub fn runtime_code(&self, hash: &H256) -> Result<RuntimeCode> {
        if let Some(code) = self.code.lock().get(hash) {
            return Ok(code.clone());
        }
        let state = self.state_at(hash)?;
        let code = state.inner().storage(well_known_keys::CODE)?.ok_or(Error::NoCode(*hash))?;
        let heap_pages = match state.storage(well_known_keys::HEAP_PAGES)? {
            None => None,
            Some(raw) => {
                Some(u64::decode(&mut &raw[..]).map_err(|_| Error::InvalidHeapPages(*hash))?)
            }
        };
        let fresh = RuntimeCode::new(code).with_heap_pages(heap_pages);
        let mut cache = self.code.lock();
        // Share the blob with another block's entry of the same code.
        let code = cache
            .iter()
            .find(|(_, c)| c.hash == fresh.hash && c.heap_pages == fresh.heap_pages)
            .map(|(_, c)| c.clone())
            .unwrap_or(fresh);
        cache.insert(*hash, code.clone());
        Ok(code)
    }

    /// The runtime version of the state after `hash`.
    pub fn runtime_version(&self, hash: &H256) -> Result<RuntimeVersion> {
        let code = self.runtime_code(hash)?;
        let raw = self
            .executor
            .runtime_version(&code)
            .map_err(|source| Error::Execution { method: CORE_VERSION.into(), source })?;
        RuntimeVersion::decode(&mut &raw[..])
            .map_err(|e| Error::BadRuntimeAnswer { method: CORE_VERSION, reason: e.to_string() })
    }

    /// Calls the runtime entry point `method` with `input` on the state after `hash`;
    /// the call's storage changes are discarded.
    pub fn call(&self, hash: &H256, method: &str, input: &[u8]) -> Result<Vec<u8>> {
        let state = self.state_at(hash)?;
        let code = self.runtime_code(hash)?;
        let mut overlay = OverlayedChanges::new();
        self.call_in(&code, &state, &mut overlay, method, input)
    }

    /// Calls `method` of `code` on `state` with `overlay`.
    pub(crate) fn call_in<B: Backend>(
        &self,
        code: &RuntimeCode,
        state: &B,
        overlay: &mut OverlayedChanges,
        method: &str,
        input: &[u8],
    ) -> Result<Vec<u8>> {
        let mut ext = Ext::new(overlay, state);
        if let Some(keystore) = &self.keystore {
            ext = ext.with_keystore(keystore.as_ref());
        }
        self.executor
            .call(code, &mut ext, method, input)
            .map_err(|source| Error::Execution { method: method.into(), source })
    }

    /// The blocks from `from` back to the common ancestor with `to` and on to `to`.
    pub fn tree_route(&self, from: H256, to: H256) -> Result<TreeRoute> {
        let mut from_header = self.expect_header(&from)?;
        let mut to_header = self.expect_header(&to)?;
        let (mut from_hash, mut to_hash) = (from, to);
        let mut retracted = Vec::new();
        let mut enacted = Vec::new();
        while from_header.number > to_header.number {
            retracted.push(from_hash);
            from_hash = from_header.parent_hash;
            from_header = self.expect_header(&from_hash)?;
        }
        while to_header.number > from_header.number {
            enacted.push(to_hash);
            to_hash = to_header.parent_hash;
            to_header = self.expect_header(&to_hash)?;
        }
        while from_hash != to_hash {
            retracted.push(from_hash);
            enacted.push(to_hash);
            from_hash = from_header.parent_hash;
            to_hash = to_header.parent_hash;
            from_header = self.expect_header(&from_hash)?;
            to_header = self.expect_header(&to_hash)?;
        }
        enacted.reverse();
        Ok(TreeRoute { retracted, common: from_hash, enacted })
    }

    // Events.

    /// A stream of imported blocks.
    pub fn import_notification_stream(&self) -> mpsc::Receiver<BlockImportNotification> {
        self.imports.subscribe()
    }

    /// A stream of finalized blocks.
    pub fn finality_notification_stream(&self) -> mpsc::Receiver<FinalityNotification> {
        self.finality.subscribe()
    }

    /// How many import and finality subscribers are attached.
    pub fn subscribers(&self) -> (usize, usize) {
        (self.imports.len(), self.finality.len())
    }

    // Writes.

    /// Verifies nothing about consensus (the caller checked the seal); executes the block
    /// on its parent's state through the runtime, compares the state root and stores it.
    pub fn import_block(&self, params: ImportParams) -> Result<ImportOutcome> {
        let ImportParams { block, justification, origin, finalize } = params;
        let hash = block.header.hash();
        if self.db.header(&hash)?.is_some() {
            return Ok(ImportOutcome::AlreadyInChain);
        }
        let parent = self.header(&block.header.parent_hash)?.ok_or(Error::UnknownParent {
            number: block.header.number,
            parent: block.header.parent_hash,
        })?;
        if parent.number.checked_add(1) != Some(block.header.number) {
            return Err(Error::InvalidNumber {
                hash,
                number: block.header.number,
                parent_number: parent.number,
            });
        }
        let finalized = self.info().finalized_number;
        if block.header.number <= finalized {
            return Err(Error::BelowFinalized { hash, number: block.header.number, finalized });
        }
        let started = Instant::now();
        let state = self.execute(&block, &parent)?;
        let execution = started.elapsed();
        self.commit(block, state, justification, origin, finalize, execution)
    }

    /// Stores a block this node built (its state is known from building it), adding
    /// nothing but the seal the caller put in its digest.
    pub fn import_built(
        &self,
        block: Block,
        state: StateCommit,
        origin: BlockOrigin,
    ) -> Result<ImportOutcome> {
        if self.db.header(&block.header.hash())?.is_some() {
            return Ok(ImportOutcome::AlreadyInChain);
        }
        self.commit(block, state, None, origin, false, Duration::ZERO)
    }

    /// Stores the target of a warp sync: a block whose ancestors this node never
    /// downloaded, with its whole state (`entries`, proven against its header by the
    /// caller), as the best and finalized block. The state root is computed here; the
    /// database refuses it unless it is the header's. Only a chain that holds nothing but genesis takes it.
    ///
    /// Announces the block as imported (new best, no tree route: there is no path from
    /// the old best block) and finalized (no blocks finalized with it). `aux` entries
    /// are stored in the same write (see [`Client::aux`]).
    pub fn import_warp_target(
        &self,
        block: Block,
        justification: Option<Justification>,
        entries: Vec<(Vec<u8>, Vec<u8>)>,
        aux: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<ImportOutcome> {
        let _lock = self.import_lock.lock();
        let started = Instant::now();
        let header = block.header.clone();
        let (hash, number) = (header.hash(), header.number);
        let mut state = whole_state(entries)?;
        // The database compares the root with the header's; it does not need the changes.
        let changes = Arc::new(std::mem::take(&mut state.changes));
        self.db.import_warp_target(block, justification, state, aux)?;
        self.cache.lock().advance(H256::zero(), hash, None);
        *self.timings.lock() =
            ImportTimings { last_execution: Duration::ZERO, last_commit: started.elapsed() };
        self.imports.notify(BlockImportNotification {
            hash,
            header: header.clone(),
            origin: BlockOrigin::NetworkInitialSync,
            is_new_best: true,
            tree_route: None,
            changes,
        });
        self.finality.notify(FinalityNotification { hash, header, tree_route: Vec::new() });
        Ok(ImportOutcome::Imported { hash, number, is_new_best: true })
    }

    /// Executes `block` on the state of `parent`, returning its state changes.
    fn execute(&self, block: &Block, parent: &Header) -> Result<StateCommit> {
        let hash = block.header.hash();
        let parent_hash = block.header.parent_hash;
        let state = self.state_at(&parent_hash)?;
        let code = self.runtime_code(&parent_hash)?;
        if state.root() != parent.state_root.0 {
            return Err(Error::StateUnavailable(parent_hash));
        }
        // The runtime executes the block as it was before sealing.
        let mut pre = block.header.clone();
        strip_seals(&mut pre.digest);
        let input = (pre, &block.extrinsics).encode();
        let mut overlay = OverlayedChanges::new();
        self.call_in(&code, &state, &mut overlay, CORE_EXECUTE_BLOCK, &input)?;
        let commit = overlay.drain_commit(&state)?;
        if commit.root != block.header.state_root.0 {
            return Err(Error::StateRootMismatch {
                hash,
                expected: block.header.state_root,
                computed: H256(commit.root),
            });
        }
        Ok(commit)
    }

    fn commit(
        &self,
        block: Block,
        state: StateCommit,
        justification: Option<Justification>,
        origin: BlockOrigin,
        finalize: bool,
        execution: Duration,
    ) -> Result<ImportOutcome> {
        let _lock = self.import_lock.lock();
        let started = Instant::now();
        let header = block.header.clone();
        let hash = header.hash();
        let number = header.number;
        let before = self.info();
        // Longest chain containing the finalized block (every stored block contains it).
        let is_new_best = number > before.best_number || finalize;
        let changes = Arc::new(state.changes.clone());
        match self.db.commit_block(ImportOperation {
            block,
            justification,
            state,
            new_best: is_new_best,
            finalize,
        }) {
            Ok(_) => {}
            Err(lattice_db::Error::AlreadyImported { .. }) => {
                return Ok(ImportOutcome::AlreadyInChain)
            }
            Err(e) => return Err(e.into()),
        }
        let tree_route = if is_new_best && header.parent_hash != before.best_hash {
            Some(Arc::new(self.tree_route(before.best_hash, hash)?))
        } else {
            None
        };
        if is_new_best {
            // The child's code is the parent's unless the block changed it.
            if !changes.contains_key(well_known_keys::CODE)
                && !changes.contains_key(well_known_keys::HEAP_PAGES)
            {
                let mut code = self.code.lock();
                if let Some(parent_code) = code.get(&header.parent_hash).cloned() {
                    code.insert(hash, parent_code);
                }
            }
            self.cache.lock().advance(header.parent_hash, hash, Some(&changes));
        }
        *self.timings.lock() =
            ImportTimings { last_execution: execution, last_commit: started.elapsed() };
        self.imports.notify(BlockImportNotification {
            hash,
            header: header.clone(),
            origin,
            is_new_best,
            tree_route,
            changes,
        });
        if finalize {
            let route = self.tree_route(before.finalized_hash, hash)?;
            self.notify_finalized(hash, header, route);
        }
        Ok(ImportOutcome::Imported { hash, number, is_new_best })
    }

    /// Finalizes `hash` (and its ancestors), storing `justification` with it. Finalizing
    /// the finalized block again only stores the justification.
    pub fn finalize_block(&self, hash: H256, justification: Option<Justification>) -> Result<()> {
        let _lock = self.import_lock.lock();
        let before = self.info();
        let header = self.expect_header(&hash)?;
        if header.number <= before.finalized_number {
            if self.hash(header.number)? == Some(hash) {
                if justification.is_some() {
                    self.db.finalize(&hash, justification)?;
                }
                return Ok(());
            }
            return Err(Error::BelowFinalized {
                hash,
                number: header.number,
                finalized: before.finalized_number,
            });
        }
        let route = self.tree_route(before.finalized_hash, hash)?;
        if !route.retracted.is_empty() {
            return Err(Error::BelowFinalized {
                hash,
                number: header.number,
                finalized: before.finalized_number,
            });
        }
        self.db.finalize(&hash, justification)?;
        let after = self.info();
        if after.best_hash != before.best_hash {
            // Finality moved the best chain: the cache no longer matches it.
            self.cache.lock().advance(H256::zero(), after.best_hash, None);
        }
        self.notify_finalized(hash, header, route);
        Ok(())
    }

    fn notify_finalized(&self, hash: H256, header: Header, route: TreeRoute) {
        let mut tree_route = route.enacted;
        tree_route.pop();
        self.finality.notify(FinalityNotification { hash, header, tree_route });
    }

    /// Removes the top `count` unfinalized blocks of the best chain (and their forks);
    /// returns the new best block. Never reverts a finalized block.
    pub fn revert(&self, count: BlockNumber) -> Result<(H256, BlockNumber)> {
        let _lock = self.import_lock.lock();
        let reverted = self.db.revert(count)?;
        self.cache.lock().advance(H256::zero(), reverted.best.0, None);
        Ok(reverted.best)
    }
}

/// Removes the seals (added after execution by the author) from a digest.
pub fn strip_seals(digest: &mut Digest) {
    digest.logs.retain(|item| !matches!(item, DigestItem::Seal(..)));
}

/// A whole state (`pairs`) as changes on the empty state: its root and all its nodes.
fn whole_state(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Result<StateCommit> {
    let mut overlay = OverlayedChanges::new();
    for (key, value) in pairs {
        overlay.set_storage(key, Some(value));
    }
    Ok(overlay.drain_commit(&InMemoryBackend::default())?)
}

/// The genesis header and state of `storage`.
pub fn genesis_block(storage: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(Header, StateCommit)> {
    let state = whole_state(storage)?;
    let header = Header {
        parent_hash: H256::zero(),
        number: 0,
        state_root: H256(state.root),
        extrinsics_root: H256(lattice_io::native::blake2_256_ordered_root(&[])),
        digest: Digest::default(),
    };
    Ok((header, state))
}
