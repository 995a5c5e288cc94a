//! The database handle: opening, and every read.

use crate::lock::DirLock;
use crate::nodes::{DbNodes, DbState, NodeCache, NodeCacheStats};
use crate::schema::{self, column, meta, SCHEMA_VERSION};
use crate::{DatabaseConfig, Error, Justifications, PruningMode, Result};
use lattice_primitives::{Block, BlockNumber, Header, OpaqueExtrinsic, H256};
use parking_lot::{Mutex, RwLock};
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DBCompressionType, Direction,
    IteratorMode, Options, DB,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The node database: blocks, the canonical chain and the trie nodes of kept states.
///
/// Cheap to clone (a handle); `Send + Sync`. Reads run concurrently; writes
/// ([`Self::commit_block`], [`Self::finalize`], [`Self::set_best`], [`Self::revert`])
/// take turns, each one RocksDB write batch.
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<Inner>,
}

/// Where the chain stands, as [`Database::info`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainInfo {
    /// The genesis block.
    pub genesis_hash: H256,
    /// The best block (tip of the canonical chain).
    pub best_hash: H256,
    /// Its number.
    pub best_number: BlockNumber,
    /// The last finalized block, an ancestor of the best block (or the best block).
    pub finalized_hash: H256,
    /// Its number.
    pub finalized_number: BlockNumber,
    /// The lowest block number whose state is kept (0 in archive mode).
    pub lowest_state: BlockNumber,
}

/// The chain position in memory, mirrored from the `meta` column.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Meta {
    pub(crate) genesis: Option<H256>,
    pub(crate) best: (H256, BlockNumber),
    pub(crate) finalized: (H256, BlockNumber),
    pub(crate) lowest_state: BlockNumber,
    /// Blocks `first..=last` not stored (below a warp-sync target, until history fills).
    pub(crate) gap: Option<(BlockNumber, BlockNumber)>,
}

/// The open database behind every handle. Field order is drop order: RocksDB closes
/// before the lock file is released.
pub(crate) struct Inner {
    pub(crate) db: DB,
    pub(crate) node_cache: Option<NodeCache>,
    pub(crate) meta: RwLock<Meta>,
    /// Serialises writers: each reads the chain position, stages, and writes.
    pub(crate) write_lock: Mutex<()>,
    pub(crate) pruning: PruningMode,
    pub(crate) path: PathBuf,
    _lock: DirLock,
}

impl Inner {
    pub(crate) fn cf(&self, name: &'static str) -> &ColumnFamily {
        self.db.cf_handle(name).expect("every column family in `column::ALL` is opened")
    }

    pub(crate) fn get(&self, col: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.db.get_cf(self.cf(col), key)?)
    }

    pub(crate) fn header(&self, hash: &H256) -> Result<Option<Header>> {
        self.get(column::HEADERS, hash.as_bytes())?
            .map(|v| schema::decode(column::HEADERS, hash.as_bytes(), &v))
            .transpose()
    }

    pub(crate) fn canonical_hash(&self, number: BlockNumber) -> Result<Option<H256>> {
        let key = schema::number_key(number);
        self.get(column::CANONICAL, &key)?
            .map(|v| schema::decode(column::CANONICAL, &key, &v))
            .transpose()
    }

    pub(crate) fn journal(&self, hash: &H256) -> Result<Option<schema::JournalRecord>> {
        self.get(column::STATE_JOURNAL, hash.as_bytes())?
            .map(|v| schema::decode(column::STATE_JOURNAL, hash.as_bytes(), &v))
            .transpose()
    }

    pub(crate) fn justifications(&self, hash: &H256) -> Result<Option<Justifications>> {
        self.get(column::JUSTIFICATIONS, hash.as_bytes())?
            .map(|v| schema::decode(column::JUSTIFICATIONS, hash.as_bytes(), &v))
            .transpose()
    }

    /// Every stored block with `number`, in hash order.
    pub(crate) fn hashes_at(&self, number: BlockNumber) -> Result<Vec<H256>> {
        let prefix = schema::number_key(number);
        let mut hashes = Vec::new();
        let iter = self.db.iterator_cf(
            self.cf(column::BLOCKS_BY_NUMBER),
            IteratorMode::From(&prefix, Direction::Forward),
        );
        for entry in iter {
            let (key, _) = entry?;
            if !key.starts_with(&prefix) {
                break;
            }
            let hash: [u8; 32] = key[4..].try_into().map_err(|_| Error::Corrupt {
                column: column::BLOCKS_BY_NUMBER,
                key: key.to_vec(),
                source: None,
            })?;
            hashes.push(H256(hash));
        }
        Ok(hashes)
    }

    /// The header of a block the database's own records name: absence is corruption.
    pub(crate) fn expect_header(&self, hash: &H256) -> Result<Header> {
        self.header(hash)?.ok_or_else(|| Error::Missing {
            column: column::HEADERS,
            key: hash.as_bytes().to_vec(),
        })
    }
}

impl Database {
    /// Opens the database in `config.path`, creating it when missing.
    ///
    /// Fails with [`Error::Locked`] when another process has it open, with
    /// [`Error::PruningModeMismatch`] when it was created with another pruning mode, and
    /// with [`Error::UnsupportedSchema`] when another version of this crate wrote it.
    pub fn open(config: DatabaseConfig) -> Result<Self> {
        let path = config.path.clone();
        std::fs::create_dir_all(&path)
            .map_err(|source| Error::Io { path: path.clone(), source })?;
        // Before RocksDB: its own LOCK file would refuse a second opener too, but with an
        // opaque I/O error.
        let lock = DirLock::acquire(&path)?;
        let db = open_rocksdb(&path, config.rocksdb_cache_bytes)?;
        let meta_cf = db.cf_handle(column::META).expect("opened with every column family");

        let schema = db.get_cf(meta_cf, meta::SCHEMA)?;
        let stored_pruning = db.get_cf(meta_cf, meta::PRUNING)?;
        let pruning = match (schema, stored_pruning) {
            (None, None) => {
                // A new database: record the layout and the pruning mode before anything else.
                let pruning = config.pruning.unwrap_or_default();
                let mut batch = rocksdb::WriteBatch::default();
                batch.put_cf(meta_cf, meta::SCHEMA, SCHEMA_VERSION.to_le_bytes());
                batch.put_cf(meta_cf, meta::PRUNING, pruning.to_string());
                let mut sync = rocksdb::WriteOptions::default();
                sync.set_sync(true);
                db.write_opt(batch, &sync)?;
                pruning
            }
            (Some(schema), Some(stored)) => {
                let found = <[u8; 4]>::try_from(schema.as_slice())
                    .map(u32::from_le_bytes)
                    .map_err(|_| corrupt_meta(meta::SCHEMA))?;
                if found != SCHEMA_VERSION {
                    return Err(Error::UnsupportedSchema { found, supported: SCHEMA_VERSION });
                }
                let stored: PruningMode = std::str::from_utf8(&stored)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| corrupt_meta(meta::PRUNING))?;
                if let Some(requested) = config.pruning {
                    if requested != stored {
                        return Err(Error::PruningModeMismatch { stored, requested });
                    }
                }
                stored
            }
            (None, Some(_)) => return Err(missing_meta(meta::SCHEMA)),
            (Some(_), None) => return Err(missing_meta(meta::PRUNING)),
        };

        let meta = read_meta(&db, meta_cf)?;
        let inner = Inner {
            db,
            node_cache: (config.node_cache_bytes > 0)
                .then(|| NodeCache::new(config.node_cache_bytes)),
            meta: RwLock::new(meta),
            write_lock: Mutex::new(()),
            pruning,
            path,
            _lock: lock,
        };
        if meta.genesis.is_some() {
            // The recorded tips must be there; a database missing them is not usable.
            inner.expect_header(&meta.best.0)?;
            inner.expect_header(&meta.finalized.0)?;
        }
        tracing::debug!(target: "db", path = %inner.path.display(), %pruning, ?meta, "opened database");
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The state pruning mode, fixed at creation.
    pub fn pruning(&self) -> PruningMode {
        self.inner.pruning
    }

    /// Where the chain stands; `None` until a genesis block is committed.
    pub fn info(&self) -> Option<ChainInfo> {
        let meta = *self.inner.meta.read();
        meta.genesis.map(|genesis_hash| ChainInfo {
            genesis_hash,
            best_hash: meta.best.0,
            best_number: meta.best.1,
            finalized_hash: meta.finalized.0,
            finalized_number: meta.finalized.1,
            lowest_state: meta.lowest_state,
        })
    }

    /// The header of block `hash`; `None` when it is not stored.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>> {
        self.inner.header(hash)
    }

    /// The blocks `first..=last` this database lacks: those below a warp-sync target
    /// not yet filled in by [`Database::import_history`].
    pub fn block_gap(&self) -> Option<(BlockNumber, BlockNumber)> {
        self.inner.meta.read().gap
    }

    /// An entry another layer stored beside the chain (the proof a warp sync verified);
    /// `None` when there is none.
    pub fn aux(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(column::META, &[schema::meta::AUX_PREFIX, key].concat())
    }

    /// The extrinsics of block `hash`; `None` when it is not stored.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>> {
        self.inner
            .get(column::BODIES, hash.as_bytes())?
            .map(|v| schema::decode(column::BODIES, hash.as_bytes(), &v))
            .transpose()
    }

    /// Block `hash` (header and extrinsics); `None` when it is not stored.
    pub fn block(&self, hash: &H256) -> Result<Option<Block>> {
        let Some(header) = self.header(hash)? else { return Ok(None) };
        let extrinsics = self.body(hash)?.ok_or_else(|| Error::Missing {
            column: column::BODIES,
            key: hash.as_bytes().to_vec(),
        })?;
        Ok(Some(Block { header, extrinsics }))
    }

    /// The justifications stored with block `hash`; `None` when it has none (or is not
    /// stored).
    pub fn justifications(&self, hash: &H256) -> Result<Option<Justifications>> {
        self.inner.justifications(hash)
    }

    /// The number of block `hash`; `None` when it is not stored.
    pub fn number(&self, hash: &H256) -> Result<Option<BlockNumber>> {
        Ok(self.header(hash)?.map(|h| h.number))
    }

    /// The hash of the canonical (best chain's) block with `number`; `None` above the best
    /// block.
    pub fn hash(&self, number: BlockNumber) -> Result<Option<H256>> {
        self.inner.canonical_hash(number)
    }

    /// Every stored block with `number`, canonical or not, in hash order. Below the
    /// finalized block there is exactly one: forks are removed when finality passes them.
    pub fn hashes_at(&self, number: BlockNumber) -> Result<Vec<H256>> {
        self.inner.hashes_at(number)
    }

    /// The stored children of block `hash`, in hash order.
    pub fn children(&self, hash: &H256) -> Result<Vec<H256>> {
        let Some(header) = self.header(hash)? else { return Ok(Vec::new()) };
        let mut children = Vec::new();
        for child in self.hashes_at(header.number + 1)? {
            if self.inner.expect_header(&child)?.parent_hash == *hash {
                children.push(child);
            }
        }
        Ok(children)
    }

    /// The blocks without children at or above the finalized block (the heads of forks
    /// fork choice picks from), highest first, then in hash order. Empty before genesis.
    pub fn leaves(&self) -> Result<Vec<(H256, BlockNumber)>> {
        let Some(info) = self.info() else { return Ok(Vec::new()) };
        let mut leaves = Vec::new();
        let mut number = info.finalized_number;
        let mut level = vec![info.finalized_hash];
        loop {
            let next = self.hashes_at(number + 1)?;
            let mut parents = HashSet::new();
            for hash in &next {
                parents.insert(self.inner.expect_header(hash)?.parent_hash);
            }
            leaves.extend(level.iter().filter(|h| !parents.contains(*h)).map(|h| (*h, number)));
            if next.is_empty() {
                break;
            }
            level = next;
            number += 1;
        }
        leaves.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(leaves)
    }

    /// Whether the state after block `hash` is kept (not pruned, block stored).
    pub fn has_state(&self, hash: &H256) -> Result<bool> {
        match self.state_at(hash) {
            Ok(_) => Ok(true),
            Err(Error::StatePruned { .. } | Error::UnknownBlock { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The state after block `hash`, read from disk.
    ///
    /// Fails with [`Error::UnknownBlock`] when the block is not stored and with
    /// [`Error::StatePruned`] when its state is no longer kept. A state pruned while the
    /// backend is in use fails its later reads with a missing trie node.
    pub fn state_at(&self, hash: &H256) -> Result<DbState> {
        let header = self.header(hash)?.ok_or(Error::UnknownBlock { hash: *hash })?;
        let lowest_kept = self.inner.meta.read().lowest_state;
        if header.number < lowest_kept {
            return Err(Error::StatePruned { hash: *hash, number: header.number, lowest_kept });
        }
        Ok(self.state_at_root(header.state_root))
    }

    /// The state with root `root`, without checking that it is kept: reads of a state
    /// the database does not hold fail with a missing trie node.
    pub fn state_at_root(&self, root: H256) -> DbState {
        DbState::new(self.nodes(), root.0)
    }

    /// The trie node storage, for building backends by hand.
    pub fn nodes(&self) -> DbNodes {
        DbNodes { inner: self.inner.clone() }
    }

    /// Figures of the node cache; `None` when it is off.
    pub fn node_cache_stats(&self) -> Option<NodeCacheStats> {
        self.inner.node_cache.as_ref().map(NodeCache::stats)
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.inner.path)
            .field("pruning", &self.inner.pruning)
            .field("info", &self.info())
            .finish()
    }
}

/// Opens (or creates) RocksDB with every column family, tuned per column.
fn open_rocksdb(path: &Path, cache_bytes: usize) -> Result<DB> {
    let mut options = Options::default();
    options.create_if_missing(true);
    options.create_missing_column_families(true);
    options.increase_parallelism(2);
    options.set_max_open_files(512);
    options.set_keep_log_file_num(4);
    options.set_max_log_file_size(8 << 20);
    // Bounds WAL replay at open after a crash.
    options.set_max_total_wal_size(256 << 20);

    let cache = Cache::new_lru_cache(cache_bytes.max(1 << 20));
    let descriptors = column::ALL.map(|name| {
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&cache);
        // Most lookups of new trie nodes at commit miss: a bloom filter answers them
        // without reading a block.
        table.set_bloom_filter(10.0, false);
        table.set_cache_index_and_filter_blocks(true);
        table.set_pin_l0_filter_and_index_blocks_in_cache(true);
        let mut cf = Options::default();
        cf.set_block_based_table_factory(&table);
        cf.set_level_compaction_dynamic_level_bytes(true);
        if name == column::STATE {
            // Trie nodes are mostly hashes, which do not compress: skip the CPU.
            cf.set_compression_type(DBCompressionType::None);
            cf.set_write_buffer_size(64 << 20);
        } else {
            cf.set_compression_type(DBCompressionType::Lz4);
        }
        ColumnFamilyDescriptor::new(name, cf)
    });
    Ok(DB::open_cf_descriptors(&options, path, descriptors)?)
}

/// Reads the chain position from the `meta` column.
fn read_meta(db: &DB, cf: &ColumnFamily) -> Result<Meta> {
    let Some(genesis) = db.get_cf(cf, meta::GENESIS)? else { return Ok(Meta::default()) };
    let genesis: H256 = schema::decode(column::META, meta::GENESIS, &genesis)?;
    let position = |key: &'static [u8]| -> Result<(H256, BlockNumber)> {
        let value = db.get_cf(cf, key)?.ok_or_else(|| missing_meta(key))?;
        schema::decode(column::META, key, &value)
    };
    let best = position(meta::BEST)?;
    let finalized = position(meta::FINALIZED)?;
    let lowest_state = match db.get_cf(cf, meta::LOWEST_STATE)? {
        Some(v) => schema::decode(column::META, meta::LOWEST_STATE, &v)?,
        None => 0,
    };
    let gap = match db.get_cf(cf, meta::GAP)? {
        Some(v) => schema::decode(column::META, meta::GAP, &v)?,
        None => None,
    };
    Ok(Meta { genesis: Some(genesis), best, finalized, lowest_state, gap })
}

fn corrupt_meta(key: &[u8]) -> Error {
    Error::Corrupt { column: column::META, key: key.to_vec(), source: None }
}

fn missing_meta(key: &[u8]) -> Error {
    Error::Missing { column: column::META, key: key.to_vec() }
}
