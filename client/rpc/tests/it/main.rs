//! The RPC server against a real chain (Wasm runtime, RocksDB) and a real pool, over HTTP
//! and WebSocket with jsonrpsee's clients.

mod author;
mod harness;
mod protocol;
mod shapes;
mod staking;
mod subscriptions;
