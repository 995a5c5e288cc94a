//! Integration tests of the executor, one module per concern, run against WAT runtimes
//! that follow `lattice_io::abi`.

mod cache;
mod common;
mod crypto;
mod hashing;
mod hostile;
mod perf;
mod storage;
mod version;
