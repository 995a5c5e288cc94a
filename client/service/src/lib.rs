//! Assembles a Lattice full node: database, chain client, transaction pool, Aura
//! authoring, GRANDPA finality, JSON-RPC, Prometheus metrics and the informant, and runs
//! them until shutdown.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  Configuration ──▶ new_parts: Database ─ Client (genesis from the chain spec) ─ Pool
//!                                              │                               ▲
//!  run: ┌ slot worker (authority): author_slot ┤ import/finality notifications │
//!       ├ GRANDPA voter ── finalize_block ─────┤──▶ pool maintenance ──────────┘
//!       ├ RPC server (jsonrpsee) ◀─────────────┤──▶ metrics, informant
//!       └ Prometheus endpoint                  ▼
//!                                      shutdown future: every task stops, DB closes
//! ```
//!
//! The node's directories live under `<base-path>/chains/<chain id>/`: `db/` (RocksDB),
//! `keystore/`, `wasm-cache/` (compiled runtimes) and `grandpa-round` (the last round
//! the voter took part in).
//!
//! ## Example
//!
//! ```no_run
//! # async fn example(config: lattice_service::Configuration) -> lattice_service::Result<()> {
//! let shutdown = async { tokio::signal::ctrl_c().await.ok(); };
//! lattice_service::run(config, shutdown).await?;
//! # Ok(()) }
//! ```
//!
//! ## Feature flags
//!
//! None.

mod config;
mod error;
pub mod network;
mod parts;
mod run;

pub use config::{Configuration, Role, RpcSettings};
pub use error::{Error, Result};
pub use parts::{insert_dev_keys, new_parts, open_database, NodeParts};
pub use run::run;
