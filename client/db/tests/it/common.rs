//! Building blocks with real state changes, a model of the expected states, and raw
//! access to the RocksDB files.

use lattice_db::{Database, DatabaseConfig, ImportOperation, PruningMode};
use lattice_primitives::{Block, Digest, DigestItem, Header, OpaqueExtrinsic, H256};
use lattice_state::{Backend, InMemoryBackend, OverlayedChanges, StateCommit};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// One block's changes: `None` deletes.
pub(crate) type Changes = Vec<(Vec<u8>, Option<Vec<u8>>)>;

pub(crate) fn open(path: &Path, pruning: PruningMode) -> Database {
    Database::open(DatabaseConfig::new(path).with_pruning(pruning)).expect("database opens")
}

pub(crate) fn key(i: u32) -> Vec<u8> {
    format!("key{i:05}").into_bytes()
}

/// A value of 8 to 80 bytes, so some values live in their own trie node (layout V1).
pub(crate) fn value(seed: u32, salt: u8) -> Vec<u8> {
    let len = 8 + (seed.wrapping_mul(2_654_435_761) % 73) as usize;
    let mut v = format!("{seed}-{salt}-").into_bytes();
    v.resize(len, b'a' + (seed % 26) as u8);
    v
}

pub(crate) fn genesis_pairs(keys: u32) -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..keys).map(|i| (key(i), value(i, 0))).collect()
}

/// Deterministic changes of block `number` on a fork `salt`: `writes` keys written among
/// `space`, a few deleted, and one key unique to the fork.
pub(crate) fn changes_for(number: u32, salt: u8, writes: u32, space: u32) -> Changes {
    let mut changes = BTreeMap::new();
    for i in 0..writes {
        let k = (number.wrapping_mul(7_919) + i.wrapping_mul(31) + u32::from(salt) * 17) % space;
        changes.insert(key(k), Some(value(number * 1_000 + i, salt)));
    }
    for i in 0..writes / 10 {
        let k = (number.wrapping_mul(104_729) + i.wrapping_mul(97)) % space;
        changes.insert(key(k), None);
    }
    changes.insert(format!("fork-{salt}-{number}").into_bytes(), Some(value(number, salt)));
    changes.into_iter().collect()
}

/// Commits the genesis block holding `pairs`.
pub(crate) fn commit_genesis(db: &Database, pairs: Vec<(Vec<u8>, Vec<u8>)>) -> H256 {
    let mut overlay = OverlayedChanges::new();
    for (k, v) in pairs {
        overlay.set_storage(k, Some(v));
    }
    let state = overlay.drain_commit(&InMemoryBackend::default()).expect("empty state reads");
    let header = header(H256::zero(), 0, state.root, 0);
    db.commit_block(ImportOperation::genesis(header, state)).expect("genesis commits")
}

pub(crate) fn header(parent_hash: H256, number: u32, state_root: [u8; 32], salt: u8) -> Header {
    Header {
        parent_hash,
        number,
        state_root: H256(state_root),
        extrinsics_root: H256::zero(),
        digest: Digest { logs: vec![DigestItem::Other(vec![salt])] },
    }
}

/// The block on `parent` with `changes`, executed on the parent's state from the database.
pub(crate) fn build(
    db: &Database,
    parent: H256,
    changes: &Changes,
    salt: u8,
) -> (Block, StateCommit) {
    let number = db.number(&parent).expect("reads").expect("parent stored") + 1;
    let parent_state = db.state_at(&parent).expect("parent state kept");
    let mut overlay = OverlayedChanges::new();
    for (k, v) in changes {
        overlay.set_storage(k.clone(), v.clone());
    }
    let state = overlay.drain_commit(&parent_state).expect("parent state complete");
    let header = header(parent, number, state.root, salt);
    let extrinsics =
        vec![OpaqueExtrinsic(vec![salt, number as u8]), OpaqueExtrinsic(b"xt".to_vec())];
    (Block { header, extrinsics }, state)
}

/// Builds and commits a block; returns its hash.
pub(crate) fn import(
    db: &Database,
    parent: H256,
    changes: &Changes,
    salt: u8,
    new_best: bool,
) -> H256 {
    let (block, state) = build(db, parent, changes, salt);
    let op = ImportOperation { block, justification: None, state, new_best, finalize: false };
    db.commit_block(op).expect("block commits")
}

/// Every pair of a state, read by walking its whole trie.
pub(crate) fn read_all(state: &impl Backend) -> BTreeMap<Vec<u8>, Vec<u8>> {
    state.pairs(b"", None, usize::MAX).expect("state complete").into_iter().collect()
}

/// The expected state of every block, by hash: an in-memory replay of the same changes.
#[derive(Default)]
pub(crate) struct Model {
    pub(crate) states: HashMap<H256, InMemoryBackend>,
}

impl Model {
    pub(crate) fn genesis(&mut self, hash: H256, pairs: Vec<(Vec<u8>, Vec<u8>)>) {
        self.states.insert(hash, InMemoryBackend::from_pairs(pairs));
    }

    /// Records block `hash` on `parent` with `changes`; returns the expected root.
    pub(crate) fn block(&mut self, hash: H256, parent: H256, changes: &Changes) -> [u8; 32] {
        let mut state = self.states[&parent].clone();
        let root = state.apply(changes.clone()).expect("in-memory state reads");
        self.states.insert(hash, state);
        root
    }

    /// Imports into `db` and the model alike, checking the roots agree.
    pub(crate) fn import(
        &mut self,
        db: &Database,
        parent: H256,
        changes: &Changes,
        salt: u8,
        new_best: bool,
    ) -> H256 {
        let hash = import(db, parent, changes, salt, new_best);
        let root = self.block(hash, parent, changes);
        assert_eq!(db.header(&hash).unwrap().unwrap().state_root, H256(root), "roots agree");
        hash
    }

    /// Asserts the database's state of `hash` is complete and equal to the model's.
    pub(crate) fn assert_state(&self, db: &Database, hash: &H256) {
        let state = db.state_at(hash).expect("state kept");
        let expected = &self.states[hash];
        assert_eq!(state.root(), expected.root());
        assert_eq!(&read_all(&state), expected.pairs_map(), "state of {hash}");
    }
}

/// Opens the RocksDB files of a closed database directly.
pub(crate) fn raw(path: &Path) -> rocksdb::DB {
    let names = [
        "meta",
        "headers",
        "bodies",
        "justifications",
        "canonical",
        "blocks_by_number",
        "state",
        "state_refs",
        "state_journal",
    ];
    rocksdb::DB::open_cf(&rocksdb::Options::default(), path, names).expect("raw open")
}

/// The hashes of every trie node stored (the last 32 bytes of each `state` key).
pub(crate) fn stored_node_hashes(path: &Path) -> HashSet<[u8; 32]> {
    let db = raw(path);
    let cf = db.cf_handle("state").expect("column");
    db.iterator_cf(cf, rocksdb::IteratorMode::Start)
        .map(|entry| {
            let (key, _) = entry.expect("reads");
            key[key.len() - 32..].try_into().expect("32 bytes")
        })
        .collect()
}

/// How many entries a column holds.
pub(crate) fn count_entries(path: &Path, column: &str) -> usize {
    let db = raw(path);
    let cf = db.cf_handle(column).expect("column");
    db.iterator_cf(cf, rocksdb::IteratorMode::Start).count()
}

/// The hashes of every trie node a state uses (found by reading all of it with a proof
/// recorder).
pub(crate) fn live_node_hashes(db: &Database, hash: &H256) -> HashSet<[u8; 32]> {
    let state = db.state_at(hash).expect("state kept");
    let keys: Vec<Vec<u8>> = read_all(&state).into_keys().collect();
    let proof = lattice_state::prove_read(&state, keys.iter().map(Vec::as_slice)).expect("proves");
    let mut nodes: HashSet<[u8; 32]> =
        proof.into_iter_nodes().map(|node| lattice_primitives::blake2_256(&node).0).collect();
    if keys.is_empty() {
        nodes.clear();
    }
    nodes
}
