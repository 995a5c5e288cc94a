//! The chain client: imports blocks through the Wasm runtime into the database, builds
//! blocks, answers runtime calls at any kept block and tells subscribers about new and
//! finalized blocks.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  network / import-blocks ── verify seal (consensus) ──▶ Client::import_block
//!  block author ── BlockBuilder ──▶ BuiltBlock ── seal ──▶ Client::import_built
//!                                                              │ execute on parent state
//!                                                              │ (Core_execute_block),
//!                                                              │ compare state root
//!                                                              ▼
//!  GRANDPA ── Client::finalize_block ──────────────────▶ lattice_db::Database (one batch)
//!                                                              │
//!      import / finality notification streams ◀────────────────┘ (RPC, pool, consensus)
//! ```
//!
//! - Fork choice: the longest chain that contains the finalized block (the database only
//!   stores blocks descending from it; a block becomes best when its number exceeds the
//!   best number, so ties keep the first block seen).
//! - Runtime code is read from `:code` (and `:heappages`) of the parent's state and
//!   remembered per block; a block that changes neither inherits its parent's entry.
//! - A cache of hot storage values belongs to the best block and moves with it when a
//!   child becomes best, so the pool's validations, block building and RPC reads at the
//!   head do not walk the trie for the same keys again.
//! - The client checks no consensus rule; the caller verifies seals and justifications.
//!
//! ## Example
//!
//! ```no_run
//! # fn example(db: lattice_db::Database, executor: lattice_executor::WasmExecutor,
//! #            genesis: Vec<(Vec<u8>, Vec<u8>)>) -> lattice_chain::Result<()> {
//! use lattice_chain::{BlockBuilder, BlockOrigin, Client};
//! use lattice_primitives::Digest;
//!
//! let client = Client::new(db, executor, genesis, None)?;
//! let best = client.info().best_hash;
//! let builder = BlockBuilder::new(&client, best, Digest::default())?;
//! let built = builder.build()?;
//! client.import_built(built.block, built.state, BlockOrigin::Own)?;
//! client.finalize_block(client.info().best_hash, None)?;
//! # Ok(()) }
//! ```
//!
//! ## Feature flags
//!
//! - `test-utils`: [`test_utils`], a development chain with signed transfers for tests of
//!   the client crates (pulls in the runtime crate natively; never for the node binary).

mod builder;
mod cache;
mod client;
mod error;
mod genesis;
mod notify;
mod pool_api;
#[cfg(feature = "test-utils")]
pub mod test_utils;

pub use builder::{BlockBuilder, BuiltBlock};
pub use cache::CachedState;
pub use client::{
    genesis_block, strip_seals, BlockImportNotification, BlockOrigin, Client, FinalityNotification,
    ImportOutcome, ImportParams, ImportTimings, TreeRoute,
};
pub use error::{Error, Result};
pub use genesis::{build_genesis_state, genesis_preset, StoragePairs};
pub use notify::SUBSCRIBER_BUFFER;
pub use pool_api::FullChainApi;
