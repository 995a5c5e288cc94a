//! The node's view of chain state: pending changes with nested transactions over a
//! Merkle-trie backend, state roots and read proofs.
//!
//! ## Bird's-eye view
//!
//! A block executes against the state of its parent:
//!
//! ```text
//!  runtime storage host functions (lattice-executor)
//!        │  &mut dyn lattice_io::Externalities
//!        ▼
//!  Ext ──writes──▶ OverlayedChanges   (pending changes, undo journal per transaction)
//!        └─reads──▶ overlay, then Backend (the parent state, read-only)
//!                     ├─ TrieBackend<S: TrieNodeStorage>  (trie nodes in the database)
//!                     └─ InMemoryBackend                   (tests, benchmarks, genesis)
//! ```
//!
//! - [`OverlayedChanges`] collects the writes of every call of a block. Each storage
//!   transaction (one per extrinsic, more for nested dispatch) keeps an undo journal, so
//!   commit and rollback cost what was written, not what the block holds.
//! - [`Ext`] implements [`lattice_io::Externalities`] over an overlay and a [`Backend`]:
//!   reads see the overlay first, `next_storage_key` and `clear_prefix` merge both.
//! - [`Backend`] is the capability trait of a stored state. [`TrieBackend`] reads a
//!   base-16 Patricia-Merkle trie (`sp-trie` layout V1, blake2-256, as Substrate) whose
//!   nodes come from a [`TrieNodeStorage`], which the node database implements.
//!   [`InMemoryBackend`] keeps a flat map beside its trie so reads never walk it.
//! - Roots are computed on the delta: only the paths of changed keys are rehashed, and
//!   the new nodes come back as a [`BackendTransaction`] for the database to persist
//!   ([`OverlayedChanges::drain_commit`] bundles them with the changes).
//! - [`prove_read`] and [`verify_read_proof`] make and check Substrate-format
//!   [`StorageProof`]s (`state_getReadProof`).
//!
//! ## Example
//!
//! ```
//! use lattice_io::Externalities;
//! use lattice_state::{prove_read, verify_read_proof, Backend, Ext, InMemoryBackend, OverlayedChanges};
//!
//! let mut state = InMemoryBackend::from_pairs([(b"alice".to_vec(), b"10".to_vec())]);
//!
//! // Execute a block: one extrinsic commits, one rolls back.
//! let mut overlay = OverlayedChanges::new();
//! let mut ext = Ext::new(&mut overlay, &state);
//! ext.start_transaction();
//! ext.set_storage(b"bob".to_vec(), b"5".to_vec());
//! ext.commit_transaction().unwrap();
//! ext.start_transaction();
//! ext.clear_storage(b"alice");
//! ext.rollback_transaction().unwrap();
//! let root = ext.storage_root().unwrap();
//!
//! // Import it: the root computed above is reused, the trie nodes come with it.
//! let commit = overlay.drain_commit(&state).unwrap();
//! assert_eq!(commit.root, root);
//! state.commit(commit).unwrap();
//! assert_eq!(state.root(), root);
//!
//! // Prove a value to a light client.
//! let proof = prove_read(&state, [b"bob"]).unwrap();
//! let proven = verify_read_proof(root, &proof, [b"bob"]).unwrap();
//! assert_eq!(proven, vec![(b"bob".to_vec(), Some(b"5".to_vec()))]);
//! ```
//!
//! ## Feature flags
//!
//! None.

mod backend;
mod error;
mod ext;
mod in_memory;
mod overlay;
mod proof;
mod trie_backend;

pub use backend::{AsTrieBackend, Backend, BackendTransaction};
pub use error::{Error, Result};
pub use ext::Ext;
pub use hash_db::Prefix;
pub use in_memory::{InMemoryBackend, InMemoryNodes};
pub use overlay::{OverlayedChanges, StateCommit, StorageChanges};
pub use proof::{
    prove_range, prove_read, verify_range_proof, verify_read_proof, ProvenRange, ProvenRead,
};
pub use sp_trie::StorageProof;
pub use trie_backend::{TrieBackend, TrieNodeStorage};

/// The trie layout of the state: base-16, no extension nodes, values over 32 bytes in
/// their own node (V1), blake2-256.
pub type Layout = sp_trie::LayoutV1<sp_core::Blake2Hasher>;

/// The hash of a trie node, as [`TrieNodeStorage`] receives it.
pub type TrieHash = sp_core::H256;
