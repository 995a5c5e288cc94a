//! The node database: blocks, the canonical chain, finality and the trie state of kept
//! blocks, in RocksDB, each block written atomically.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  client/chain (import)        RPC, block authoring, execution
//!     │ commit_block(ImportOperation { block, state: StateCommit, .. })
//!     │ finalize / set_best / revert            │ header, body, hash(n), leaves
//!     ▼                                         │ state_at(hash) -> TrieBackend<DbNodes>
//!  Database ── one WriteBatch per operation ◀───┘        │ TrieNodeStorage::get
//!     │                                                  ▼
//!     └── RocksDB: meta, headers, bodies, justifications,   node cache (LRU, bytes)
//!         canonical, blocks_by_number, state, state_refs,     │
//!         state_journal ◀────────────────────────────────────┘
//! ```
//!
//! - [`Database::commit_block`] stores a header, body, optional justification, the trie
//!   nodes of the block's [`lattice_state::StateCommit`] and the new best/finalized
//!   position in **one write batch** (invariant 4): a crash leaves the previous block or
//!   the new one.
//! - [`Database::finalize`] makes a block final, removes the forks it displaces and
//!   prunes states that leave the window. Nothing reverts a finalized block
//!   (invariant 5): [`Database::revert`] and [`Database::set_best`] refuse to.
//! - [`Database::state_at`] gives any kept block's state as a
//!   [`lattice_state::TrieBackend`] reading trie nodes from disk through an LRU cache, so
//!   blocks execute and RPC reads on it directly.
//! - State pruning ([`PruningMode`]) is fixed when the database is created: `archive`
//!   keeps every canonical state; `N` keeps the last `N` finalized states and every
//!   unfinalized one. Trie nodes are reference-counted (the count is stored apart, and
//!   only above one); each unfinalized block keeps a journal of the nodes it added
//!   (undone if the block is reverted or displaced) and the nodes it dropped from its
//!   parent's state (released when the parent's state leaves the window). Displaced
//!   forks are removed in both modes. Layout details: `schema.rs`.
//! - Figures on this 2-core machine: `cargo run --release -p lattice-db --example db_bench`.
//! - A lock file ([`DirLock`]) stops a second process at open with [`Error::Locked`].
//!
//! ## Example
//!
//! ```
//! use lattice_db::{Database, DatabaseConfig, ImportOperation, PruningMode};
//! use lattice_primitives::{Block, Header, H256};
//! use lattice_state::{Backend, InMemoryBackend, OverlayedChanges};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let db = Database::open(DatabaseConfig::new(dir.path()).with_pruning(PruningMode::Constrained(16)))
//!     .unwrap();
//!
//! // Genesis: its state computed on the empty state.
//! let mut overlay = OverlayedChanges::new();
//! overlay.set_storage(b"alice".to_vec(), Some(b"10".to_vec()));
//! let state = overlay.drain_commit(&InMemoryBackend::default()).unwrap();
//! let genesis = Header {
//!     parent_hash: H256::zero(),
//!     number: 0,
//!     state_root: H256(state.root),
//!     extrinsics_root: H256::zero(),
//!     digest: Default::default(),
//! };
//! let genesis_hash = db.commit_block(ImportOperation::genesis(genesis, state)).unwrap();
//!
//! // Block 1, executed on the parent's state read from disk.
//! let parent_state = db.state_at(&genesis_hash).unwrap();
//! overlay.set_storage(b"bob".to_vec(), Some(b"5".to_vec()));
//! let state = overlay.drain_commit(&parent_state).unwrap();
//! let header = Header {
//!     parent_hash: genesis_hash,
//!     number: 1,
//!     state_root: H256(state.root),
//!     extrinsics_root: H256::zero(),
//!     digest: Default::default(),
//! };
//! let block = Block { header, extrinsics: Vec::new() };
//! let hash = db.commit_block(ImportOperation::new_best(block, state)).unwrap();
//! db.finalize(&hash, None).unwrap();
//!
//! let info = db.info().unwrap();
//! assert_eq!((info.best_hash, info.finalized_number), (hash, 1));
//! let state = db.state_at(&hash).unwrap();
//! assert_eq!(state.storage(b"alice").unwrap(), Some(b"10".to_vec()));
//! assert_eq!(state.storage(b"bob").unwrap(), Some(b"5".to_vec()));
//!
//! // A second opener is refused while `db` lives.
//! let err = Database::open(DatabaseConfig::new(dir.path())).unwrap_err();
//! assert!(matches!(err, lattice_db::Error::Locked { .. }));
//! ```
//!
//! ## Feature flags
//!
//! None.

mod commit;
mod config;
mod database;
mod error;
mod lock;
mod nodes;
mod schema;

pub use commit::{ImportOperation, Justification, Justifications, Reverted};
pub use config::{DatabaseConfig, PruningMode};
pub use database::{ChainInfo, Database};
pub use error::{Error, Result};
pub use lock::DirLock;
pub use nodes::{DbNodes, DbState, NodeCacheStats};
