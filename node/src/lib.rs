//! Library part of the node: building signed transactions from the chain's own metadata
//! and a minimal JSON-RPC client, shared by the `lattice` binary (`benchmark block`,
//! `benchmark load`) and the node's process tests.

pub mod http;
pub mod tx;
