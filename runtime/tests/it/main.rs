//! Runtime tests: the Wasm runtime executed by the executor over `lattice-state`, end to
//! end (one binary, one module per topic).

#[path = "../common/mod.rs"]
mod common;

mod blocks;
mod genesis;
mod invalid;
mod polkadot_js;
mod session_keys;
mod staking;
mod upgrade;
