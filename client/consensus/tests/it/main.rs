//! Aura authoring and seal checks, and the GRANDPA voter, on a real chain (Wasm runtime,
//! RocksDB) with the development genesis (Alice is the only authority); GRANDPA gossip
//! between the four voters of the `local_testnet` genesis over an in-memory transport.

#![allow(unreachable_pub)]

mod aura;
mod gossip;
mod grandpa;

use lattice_chain::{Client, FullChainApi};
use lattice_keystore::LocalKeystore;
use lattice_primitives::H256;
use lattice_txpool::{BlockInfo, Options, Pool, SystemClock};
use sp_core::Pair;
use std::sync::Arc;

/// A node's chain, pool and keystore.
pub struct Node {
    /// The chain.
    pub client: Arc<Client>,
    /// The transaction pool.
    pub pool: Pool<FullChainApi>,
    /// The keystore.
    pub keystore: Arc<LocalKeystore>,
    /// Its base directory.
    pub dir: tempfile::TempDir,
}

/// A node on a fresh database; `keys` names the dev accounts whose session keys it holds.
pub fn node(keys: &[&str]) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let client = Arc::new(lattice_chain::test_utils::dev_client(&dir.path().join("db"), None));
    let keystore = Arc::new(LocalKeystore::open(dir.path().join("keystore")).unwrap());
    for name in keys {
        let suri = format!("//{name}");
        let sr = sp_core::sr25519::Pair::from_string(&suri, None).unwrap();
        keystore.insert(*b"aura", &suri, &sr.public().0).unwrap();
        let ed = sp_core::ed25519::Pair::from_string(&suri, None).unwrap();
        keystore.insert(*b"gran", &suri, &ed.public().0).unwrap();
    }
    let best = BlockInfo { hash: client.genesis_hash(), number: 0 };
    let pool = Pool::new(
        FullChainApi::new(client.clone()),
        Options::default(),
        Arc::new(SystemClock::new()),
        best,
    );
    Node { client, pool, keystore, dir }
}

/// The best block's hash.
pub fn best(node: &Node) -> H256 {
    node.client.info().best_hash
}
