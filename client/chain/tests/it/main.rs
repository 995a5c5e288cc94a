//! The chain client against the real Wasm runtime and a RocksDB database.

mod harness;
mod import;
