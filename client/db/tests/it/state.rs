//! The state read from disk through `TrieBackend` is the state an `InMemoryBackend` builds
//! from the same changes: same roots, same reads, same proofs.

use crate::common::{changes_for, commit_genesis, genesis_pairs, Model};
use lattice_db::{Database, DatabaseConfig, PruningMode};
use lattice_state::{prove_read, verify_read_proof, Backend, InMemoryBackend};

fn compare(db_state: &impl Backend, memory: &InMemoryBackend) {
    assert_eq!(db_state.root(), memory.root());
    let probes: Vec<Vec<u8>> = [
        b"".to_vec(),
        b"key".to_vec(),
        b"key0".to_vec(),
        b"key001".to_vec(),
        b"key00150".to_vec(),
        b"zzz".to_vec(),
        b"fork-0-".to_vec(),
    ]
    .into_iter()
    .chain((0..400).step_by(7).map(crate::common::key))
    .collect();
    for probe in &probes {
        assert_eq!(db_state.storage(probe).unwrap(), memory.storage(probe).unwrap());
        assert_eq!(
            db_state.next_storage_key(probe).unwrap(),
            memory.next_storage_key(probe).unwrap()
        );
        assert_eq!(db_state.keys(probe, None, 5).unwrap(), memory.keys(probe, None, 5).unwrap());
        assert_eq!(
            db_state.keys(b"key", Some(probe), 3).unwrap(),
            memory.keys(b"key", Some(probe), 3).unwrap()
        );
        assert_eq!(
            db_state.pairs(b"key00", Some(probe), 4).unwrap(),
            memory.pairs(b"key00", Some(probe), 4).unwrap()
        );
    }
    assert_eq!(&crate::common::read_all(db_state), memory.pairs_map());
}

fn run(node_cache_bytes: usize) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(
        DatabaseConfig::new(dir.path())
            .with_pruning(PruningMode::Constrained(5))
            .with_node_cache(node_cache_bytes),
    )
    .unwrap();
    let mut memory = InMemoryBackend::from_pairs(genesis_pairs(400));
    let mut parent = commit_genesis(&db, genesis_pairs(400));
    let mut model = Model::default();
    model.genesis(parent, genesis_pairs(400));
    for n in 1..=25u32 {
        let changes = changes_for(n, 0, 60, 400);
        // Independent of the database: the in-memory backend applies the same changes.
        let root = memory.apply(changes.clone()).unwrap();
        parent = model.import(&db, parent, &changes, 0, true);
        assert_eq!(db.header(&parent).unwrap().unwrap().state_root.0, root, "block {n}");
        if n.is_multiple_of(4) {
            db.finalize(&parent, None).unwrap();
        }
        let state = db.state_at(&parent).unwrap();
        compare(&state, &memory);
        // Proofs made from the disk verify against the root, as the in-memory ones do.
        let keys = [crate::common::key(3), b"missing".to_vec(), format!("fork-0-{n}").into_bytes()];
        let proof = prove_read(&state, &keys).unwrap();
        let proven = verify_read_proof(root, &proof, &keys).unwrap();
        let expected: Vec<_> =
            keys.iter().map(|k| (k.clone(), memory.storage(k).unwrap())).collect();
        assert_eq!(proven, expected);
    }
    // Reads again, after reopening (cold cache).
    drop(db);
    let db =
        Database::open(DatabaseConfig::new(dir.path()).with_node_cache(node_cache_bytes)).unwrap();
    compare(&db.state_at(&parent).unwrap(), &memory);
    match db.node_cache_stats() {
        Some(stats) if node_cache_bytes > 0 => {
            assert!(
                stats.misses > 0 && stats.entries > 0 && stats.bytes <= node_cache_bytes,
                "{stats:?}"
            );
            compare(&db.state_at(&parent).unwrap(), &memory);
            assert!(db.node_cache_stats().unwrap().hits > stats.hits);
        }
        None => assert_eq!(node_cache_bytes, 0),
        other => panic!("unexpected cache stats {other:?}"),
    }
}

#[test]
fn disk_state_equals_in_memory_state() {
    run(16 << 20);
}

#[test]
fn disk_state_equals_in_memory_state_without_node_cache() {
    run(0);
}

#[test]
fn a_tiny_node_cache_stays_within_its_budget() {
    run(8 << 10);
}

#[test]
fn an_empty_genesis_state_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open(dir.path(), PruningMode::Constrained(1));
    let genesis = commit_genesis(&db, Vec::new());
    let state = db.state_at(&genesis).unwrap();
    assert_eq!(state.root(), InMemoryBackend::default().root());
    assert_eq!(state.next_storage_key(b"").unwrap(), None);
    let mut model = Model::default();
    model.genesis(genesis, Vec::new());
    let one = model.import(&db, genesis, &changes_for(1, 0, 10, 50), 0, true);
    // Back to the empty state: every key deleted.
    let clear: crate::common::Changes = crate::common::read_all(&db.state_at(&one).unwrap())
        .into_keys()
        .map(|k| (k, None))
        .collect();
    let two = model.import(&db, one, &clear, 0, true);
    db.finalize(&two, None).unwrap();
    assert_eq!(db.state_at(&two).unwrap().root(), InMemoryBackend::default().root());
    model.assert_state(&db, &two);
    let three = model.import(&db, two, &changes_for(3, 0, 10, 50), 0, true);
    db.finalize(&three, None).unwrap();
    model.assert_state(&db, &three);
}
