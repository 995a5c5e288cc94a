//! Damaged or missing data is reported as an error, never a panic.

use crate::common::{changes_for, commit_genesis, genesis_pairs, import, open, raw};
use lattice_db::{Database, DatabaseConfig, Error, PruningMode};
use lattice_primitives::H256;
use lattice_state::Backend;
use std::path::Path;

/// A database with genesis and three blocks; returns the hashes.
fn chain(path: &Path) -> Vec<H256> {
    let db = open(path, PruningMode::Constrained(8));
    let mut hashes = vec![commit_genesis(&db, genesis_pairs(200))];
    for n in 1..=3 {
        let parent = *hashes.last().unwrap();
        hashes.push(import(&db, parent, &changes_for(n, 0, 30, 200), 0, true));
    }
    hashes
}

fn edit(path: &Path, f: impl FnOnce(&rocksdb::DB)) {
    let db = raw(path);
    f(&db);
}

fn cf<'a>(db: &'a rocksdb::DB, name: &str) -> &'a rocksdb::ColumnFamily {
    db.cf_handle(name).unwrap()
}

#[test]
fn corrupt_blocks_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let hashes = chain(dir.path());
    edit(dir.path(), |db| {
        db.put_cf(cf(db, "headers"), hashes[1].as_bytes(), b"\x01\x02").unwrap();
        db.put_cf(cf(db, "bodies"), hashes[2].as_bytes(), b"\xff\xff\xff\xff").unwrap();
        db.delete_cf(cf(db, "bodies"), hashes[3].as_bytes()).unwrap();
        db.put_cf(cf(db, "canonical"), 2u32.to_be_bytes(), b"short").unwrap();
        db.put_cf(cf(db, "justifications"), hashes[3].as_bytes(), b"\x09").unwrap();
    });
    let db = open(dir.path(), PruningMode::Constrained(8));
    let err = db.header(&hashes[1]).unwrap_err();
    assert!(
        matches!(&err, Error::Corrupt { column: "headers", key, source: Some(_) } if key == hashes[1].as_bytes()),
        "{err}"
    );
    assert!(err.to_string().contains("headers"), "{err}");
    assert!(matches!(db.state_at(&hashes[1]), Err(Error::Corrupt { .. })));
    assert!(matches!(db.body(&hashes[2]), Err(Error::Corrupt { column: "bodies", .. })));
    assert!(matches!(db.block(&hashes[3]), Err(Error::Missing { column: "bodies", .. })));
    assert!(matches!(db.hash(2), Err(Error::Corrupt { column: "canonical", .. })));
    assert!(matches!(
        db.justifications(&hashes[3]),
        Err(Error::Corrupt { column: "justifications", .. })
    ));
    // Walking parents through the corrupt header fails cleanly too.
    assert!(matches!(db.revert(3), Err(Error::Corrupt { .. })));
    assert!(matches!(db.children(&hashes[0]), Err(Error::Corrupt { .. })));
}

#[test]
fn damaged_trie_nodes_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let hashes = chain(dir.path());
    let root = {
        let db = open(dir.path(), PruningMode::Constrained(8));
        db.header(&hashes[3]).unwrap().unwrap().state_root
    };
    // The root node is stored under the empty prefix: its key is the hash itself.
    edit(dir.path(), |db| db.delete_cf(cf(db, "state"), root.as_bytes()).unwrap());
    let db = open(dir.path(), PruningMode::Constrained(8));
    let state = db.state_at(&hashes[3]).unwrap();
    let err = state.storage(b"key00001").unwrap_err();
    assert!(
        matches!(err, lattice_state::Error::MissingTrieNode { hash } if hash.0 == root.0),
        "{err}"
    );
    // Building on a state with a missing node fails; nothing is written.
    let mut overlay = lattice_state::OverlayedChanges::new();
    overlay.set_storage(b"k".to_vec(), Some(b"v".to_vec()));
    assert!(overlay.drain_commit(&state).is_err());
    drop((state, db));

    // A truncated node.
    edit(dir.path(), |db| db.put_cf(cf(db, "state"), root.as_bytes(), b"\x80").unwrap());
    let db = open(dir.path(), PruningMode::Constrained(8));
    let err = db.state_at(&hashes[3]).unwrap().storage(b"key00001").unwrap_err();
    assert!(matches!(err, lattice_state::Error::CorruptTrieNode { .. }), "{err}");
    drop(db);

    // Garbage that is not a trie node.
    edit(dir.path(), |db| {
        db.put_cf(cf(db, "state"), root.as_bytes(), b"\xff\xee\xdd\xcc").unwrap()
    });
    let db = open(dir.path(), PruningMode::Constrained(8));
    let state = db.state_at(&hashes[3]).unwrap();
    assert!(state.storage(b"key00001").is_err());
    assert!(state.pairs(b"", None, 10).is_err());
    // Other states are intact.
    assert!(db.state_at(&hashes[2]).unwrap().storage(b"key00001").unwrap().is_some());
}

#[test]
fn damaged_meta_fails_the_open() {
    type Damage = fn(&rocksdb::DB);
    let cases: [(&str, Damage); 6] = [
        ("missing best header", |db| {
            let best = db.get_cf(cf(db, "meta"), b"best").unwrap().unwrap();
            db.delete_cf(cf(db, "headers"), &best[..32]).unwrap();
        }),
        ("schema", |db| db.put_cf(cf(db, "meta"), b"schema_version", 99u32.to_le_bytes()).unwrap()),
        ("schema bytes", |db| db.put_cf(cf(db, "meta"), b"schema_version", b"x").unwrap()),
        ("pruning", |db| db.put_cf(cf(db, "meta"), b"state_pruning", b"sometimes").unwrap()),
        ("best", |db| db.put_cf(cf(db, "meta"), b"best", b"\x00").unwrap()),
        ("finalized", |db| db.delete_cf(cf(db, "meta"), b"finalized").unwrap()),
    ];
    for (what, damage) in cases {
        let dir = tempfile::tempdir().unwrap();
        chain(dir.path());
        edit(dir.path(), damage);
        let err = Database::open(DatabaseConfig::new(dir.path())).unwrap_err();
        match (what, &err) {
            ("missing best header", Error::Missing { column: "headers", .. })
            | ("schema", Error::UnsupportedSchema { found: 99, supported: 1 })
            | ("schema bytes" | "pruning" | "best", Error::Corrupt { column: "meta", .. })
            | ("finalized", Error::Missing { column: "meta", .. }) => {}
            _ => panic!("{what}: unexpected {err:?}"),
        }
        // The refused open released its lock.
        assert!(!matches!(
            Database::open(DatabaseConfig::new(dir.path())),
            Err(Error::Locked { .. })
        ));
    }
}

#[test]
fn a_missing_journal_fails_finality_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let hashes = chain(dir.path());
    edit(dir.path(), |db| db.delete_cf(cf(db, "state_journal"), hashes[2].as_bytes()).unwrap());
    let db = open(dir.path(), PruningMode::Constrained(8));
    // Reverting block 2 needs its journal to undo its nodes.
    let err = db.revert(2).unwrap_err();
    assert!(matches!(err, Error::Missing { column: "state_journal", .. }), "{err}");
    let info = db.info().unwrap();
    assert_eq!(info.best_hash, hashes[3]);
    assert!(db.header(&hashes[3]).unwrap().is_some(), "nothing was reverted");
}
