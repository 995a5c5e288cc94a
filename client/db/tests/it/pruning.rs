//! State pruning: archive keeps every state, `N` keeps the window and deletes exactly the
//! nodes no kept state uses, and the mode is fixed at creation.

use crate::common::{
    changes_for, commit_genesis, count_entries, genesis_pairs, live_node_hashes, open, read_all,
    stored_node_hashes, Model,
};
use lattice_db::{Database, DatabaseConfig, Error, PruningMode};
use lattice_primitives::H256;
use lattice_state::Backend;
use std::collections::HashSet;
use std::path::Path;

/// Every block whose state the database says it keeps.
fn kept_blocks(db: &Database) -> Vec<H256> {
    let info = db.info().unwrap();
    let mut kept: Vec<H256> =
        (info.lowest_state..=info.finalized_number).map(|n| db.hash(n).unwrap().unwrap()).collect();
    let mut n = info.finalized_number + 1;
    loop {
        let hashes = db.hashes_at(n).unwrap();
        if hashes.is_empty() {
            break kept;
        }
        kept.extend(hashes);
        n += 1;
    }
}

/// Reopens the database and checks that the stored trie nodes are exactly those of the
/// kept states (nothing leaked, nothing kept state needs deleted), and that each kept
/// state equals the model.
fn assert_exact(db: Database, model: &Model) -> Database {
    let (path, mode) = (db.path().to_path_buf(), db.pruning());
    drop(db);
    let path = path.as_path();
    let db = open(path, mode);
    let mut live = HashSet::new();
    for hash in kept_blocks(&db) {
        model.assert_state(&db, &hash);
        live.extend(live_node_hashes(&db, &hash));
    }
    drop(db);
    let stored = stored_node_hashes(path);
    assert_eq!(dangling_refs(path), 0, "reference counts of nodes not stored");
    let leaked = stored.difference(&live).count();
    let lost = live.difference(&stored).count();
    assert_eq!(
        (leaked, lost),
        (0, 0),
        "stored {} nodes, kept states use {}",
        stored.len(),
        live.len()
    );
    open(path, mode)
}

/// Entries of `state_refs` whose node is not in `state`.
fn dangling_refs(path: &Path) -> usize {
    let db = crate::common::raw(path);
    let (state, refs) = (db.cf_handle("state").unwrap(), db.cf_handle("state_refs").unwrap());
    db.iterator_cf(refs, rocksdb::IteratorMode::Start)
        .filter(|entry| {
            let (key, _) = entry.as_ref().unwrap();
            db.get_cf(state, key).unwrap().is_none()
        })
        .count()
}

#[test]
fn archive_keeps_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    let mut model = Model::default();
    let genesis = commit_genesis(&db, genesis_pairs(300));
    model.genesis(genesis, genesis_pairs(300));
    let mut chain = vec![genesis];
    for n in 1..=30 {
        let parent = *chain.last().unwrap();
        chain.push(model.import(&db, parent, &changes_for(n, 0, 40, 300), 0, true));
        if n.is_multiple_of(5) {
            db.finalize(&chain[n as usize - 1], None).unwrap();
        }
    }
    assert_eq!(db.info().unwrap().lowest_state, 0);
    for hash in &chain {
        model.assert_state(&db, hash);
    }
    assert_eq!(
        count_entries_open(db, dir.path(), "state_journal"),
        0,
        "an archive keeps no journal"
    );
}

fn count_entries_open(db: Database, path: &Path, column: &str) -> usize {
    drop(db);
    count_entries(path, column)
}

#[test]
fn constrained_keeps_the_window_and_prunes_older_states() {
    let dir = tempfile::tempdir().unwrap();
    let mode = PruningMode::Constrained(4);
    let db = open(dir.path(), mode);
    let mut model = Model::default();
    let genesis = commit_genesis(&db, genesis_pairs(300));
    model.genesis(genesis, genesis_pairs(300));
    let mut chain = vec![genesis];
    for n in 1..=30u32 {
        let parent = *chain.last().unwrap();
        chain.push(model.import(&db, parent, &changes_for(n, 0, 40, 300), 0, true));
        // Read every state while it is kept, so the node cache holds old nodes too.
        read_all(&db.state_at(&parent).unwrap());
        if n >= 2 {
            db.finalize(&chain[n as usize - 2], None).unwrap();
        }
    }
    let info = db.info().unwrap();
    assert_eq!((info.finalized_number, info.lowest_state), (28, 25));
    for (n, hash) in chain.iter().enumerate() {
        if n >= 25 {
            model.assert_state(&db, hash);
        } else {
            let err = db.state_at(hash).unwrap_err();
            assert!(
                matches!(err, Error::StatePruned { number, lowest_kept: 25, .. } if number == n as u32),
                "{err}"
            );
            // The nodes are gone from disk and cache: the old root itself is unreadable.
            let root = db.header(hash).unwrap().unwrap().state_root;
            let err = db.state_at_root(root).storage(b"key00001").unwrap_err();
            assert!(matches!(err, lattice_state::Error::MissingTrieNode { .. }), "{err}");
            // The block itself is kept.
            assert!(db.block(hash).unwrap().is_some());
        }
    }
    let db = assert_exact(db, &model);
    // Journals remain for the blocks above the lowest kept state only.
    assert_eq!(count_entries_open(db, dir.path(), "state_journal"), 5);
}

#[test]
fn pruning_is_exact_across_forks_reverts_and_finality() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let mode = PruningMode::Constrained(3);
    let mut db = open(path, mode);
    let mut model = Model::default();
    let genesis = commit_genesis(&db, genesis_pairs(150));
    model.genesis(genesis, genesis_pairs(150));

    // A deterministic walk: extend the best chain, grow side forks (some repeating the best
    // chain's changes, so both insert the same nodes), revert, finalize.
    let mut step = 0u32;
    for round in 0..12u32 {
        let info = db.info().unwrap();
        let best = info.best_hash;
        let n = info.best_number + 1;
        let main = model.import(&db, best, &changes_for(n, 0, 20, 150), 0, true);
        // A sibling with the same changes but another digest: same trie nodes, other block.
        let twin = model.import(&db, best, &changes_for(n, 0, 20, 150), 1, false);
        // A short side fork with its own changes.
        let side = model.import(&db, twin, &changes_for(n + 1, 2, 20, 150), 2, false);
        let _ = model.import(&db, side, &changes_for(n + 2, 2, 20, 150), 2, false);
        let top = model.import(&db, main, &changes_for(n + 1, 0, 20, 150), 0, true);
        let _ = model.import(&db, top, &changes_for(n + 2, 0, 20, 150), 0, true);
        match round % 4 {
            0 => {
                db.revert(1).unwrap();
            }
            1 => db.finalize(&main, None).unwrap(),
            2 => {
                db.set_best(&side).unwrap();
                db.finalize(&twin, None).unwrap();
            }
            _ => db.finalize(&top, None).unwrap(),
        }
        step += 1;
        if step.is_multiple_of(3) {
            db = assert_exact(db, &model);
        }
    }
    let info = db.info().unwrap();
    db.finalize(&info.best_hash, None).unwrap();
    let db = assert_exact(db, &model);
    let info = db.info().unwrap();
    assert_eq!(info.lowest_state, info.finalized_number - 2);
    assert_eq!(db.leaves().unwrap(), vec![(info.best_hash, info.best_number)]);
}

#[test]
fn a_window_of_one_keeps_only_the_finalized_and_unfinalized_states() {
    let dir = tempfile::tempdir().unwrap();
    let mode = PruningMode::Constrained(1);
    let db = open(dir.path(), mode);
    let mut model = Model::default();
    let genesis = commit_genesis(&db, genesis_pairs(100));
    model.genesis(genesis, genesis_pairs(100));
    let mut parent = genesis;
    for n in 1..=10 {
        let (block, state) = crate::common::build(&db, parent, &changes_for(n, 0, 30, 100), 0);
        let hash = block.header.hash();
        let op = lattice_db::ImportOperation {
            block,
            justification: None,
            state,
            new_best: true,
            finalize: true,
        };
        db.commit_block(op).unwrap();
        model.block(hash, parent, &changes_for(n, 0, 30, 100));
        assert!(!db.has_state(&parent).unwrap());
        parent = hash;
    }
    assert_eq!(db.info().unwrap().lowest_state, 10);
    assert_exact(db, &model);
}

#[test]
fn the_mode_is_fixed_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path(), PruningMode::Constrained(64));
        commit_genesis(&db, genesis_pairs(10));
    }
    let err = Database::open(DatabaseConfig::new(dir.path()).with_pruning(PruningMode::Archive))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::PruningModeMismatch {
                stored: PruningMode::Constrained(64),
                requested: PruningMode::Archive
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("`64`") && message.contains("`archive`") && message.contains("purge"),
        "{message}"
    );
    let err =
        Database::open(DatabaseConfig::new(dir.path()).with_pruning(PruningMode::Constrained(65)))
            .unwrap_err();
    assert!(matches!(err, Error::PruningModeMismatch { .. }), "{err}");

    // Without a mode the recorded one is used; the same mode opens too.
    let db = Database::open(DatabaseConfig::new(dir.path())).unwrap();
    assert_eq!(db.pruning(), PruningMode::Constrained(64));
    drop(db);
    let db = open(dir.path(), PruningMode::Constrained(64));
    assert!(db.info().is_some());

    // A new database without a mode takes the default.
    let fresh = tempfile::tempdir().unwrap();
    let db = Database::open(DatabaseConfig::new(fresh.path())).unwrap();
    assert_eq!(db.pruning(), PruningMode::Constrained(256));
    drop(db);
    let err = Database::open(DatabaseConfig::new(fresh.path()).with_pruning(PruningMode::Archive))
        .unwrap_err();
    assert!(matches!(err, Error::PruningModeMismatch { .. }), "even before genesis: {err}");
}

#[test]
fn modes_parse_as_the_flag_takes_them() {
    assert_eq!("archive".parse::<PruningMode>().unwrap(), PruningMode::Archive);
    assert_eq!("256".parse::<PruningMode>().unwrap(), PruningMode::Constrained(256));
    for bad in ["0", "-1", "", "archive-all", "1e3", "4294967296"] {
        let err = bad.parse::<PruningMode>().unwrap_err();
        assert!(matches!(&err, Error::InvalidPruningMode { input } if input == bad), "{err}");
    }
    assert_eq!(PruningMode::Constrained(7).to_string(), "7");
    assert_eq!(PruningMode::Archive.to_string(), "archive");
}
