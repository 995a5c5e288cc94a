//! A chain on a temporary database, genesis from the runtime's development preset.

#![allow(unreachable_pub)]

pub use lattice_chain::test_utils::{
    account, build, dev_genesis as genesis, executor, free, pair, transfer,
};
use lattice_chain::Client;

pub struct TestChain {
    pub client: Client,
    pub dir: tempfile::TempDir,
}

pub fn chain() -> TestChain {
    let dir = tempfile::tempdir().unwrap();
    let client = open(dir.path());
    TestChain { client, dir }
}

pub fn open(path: &std::path::Path) -> Client {
    lattice_chain::test_utils::dev_client(path, None)
}
