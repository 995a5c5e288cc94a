//! One write per operation: refused commits leave nothing, and a reopened database is
//! where the last completed write left it.

use crate::common::{self, changes_for, commit_genesis, genesis_pairs, open, Model};
use lattice_db::{Error, ImportOperation, PruningMode};
use lattice_primitives::{header::GRANDPA_ENGINE_ID, H256};

#[test]
fn refused_commits_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(4));
    let genesis = commit_genesis(&db, genesis_pairs(100));
    let before = db.info().unwrap();

    // The header claims another state root than the changes give.
    let (mut block, state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    block.header.state_root = H256([7; 32]);
    let hash = block.header.hash();
    let err = db.commit_block(ImportOperation::new_best(block, state)).unwrap_err();
    assert!(matches!(err, Error::StateRootMismatch { hash: h, .. } if h == hash), "{err}");
    assert_eq!(db.header(&hash).unwrap(), None);

    // Changes computed on another state than the parent's.
    let (block, mut state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    state.parent_root = [9; 32];
    let err = db.commit_block(ImportOperation::new_best(block, state)).unwrap_err();
    assert!(matches!(err, Error::ParentStateMismatch { .. }), "{err}");

    // An unknown parent.
    let (mut block, state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    block.header.parent_hash = H256([1; 32]);
    let err = db.commit_block(ImportOperation::new_best(block, state)).unwrap_err();
    assert!(matches!(err, Error::UnknownParent { parent, .. } if parent == H256([1; 32])), "{err}");

    // A wrong number.
    let (mut block, state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    block.header.number = 5;
    let err = db.commit_block(ImportOperation::new_best(block, state)).unwrap_err();
    assert!(matches!(err, Error::InvalidNumber { number: 5, parent_number: Some(0), .. }), "{err}");

    // The same block twice.
    let (block, state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    let (again, again_state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 0);
    let hash = db.commit_block(ImportOperation::new_best(block, state)).unwrap();
    let err = db.commit_block(ImportOperation::new_best(again, again_state)).unwrap_err();
    assert!(matches!(err, Error::AlreadyImported { hash: h } if h == hash), "{err}");

    // A second genesis.
    let (mut block, state) = common::build(&db, genesis, &changes_for(1, 0, 20, 100), 3);
    block.header.number = 0;
    block.header.parent_hash = H256::zero();
    let err = db.commit_block(ImportOperation::new_best(block, state)).unwrap_err();
    assert!(matches!(err, Error::GenesisExists { existing, .. } if existing == genesis), "{err}");

    let after = db.info().unwrap();
    assert_eq!(after.genesis_hash, before.genesis_hash);
    assert_eq!((after.best_hash, after.best_number), (hash, 1));
    assert_eq!(after.finalized_hash, genesis);
}

#[test]
fn blocks_before_genesis_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    assert_eq!(db.info(), None);
    assert!(matches!(db.finalize(&H256([1; 32]), None), Err(Error::NoGenesis)));
    assert!(matches!(db.revert(1), Err(Error::NoGenesis)));
    assert!(matches!(db.set_best(&H256([1; 32])), Err(Error::NoGenesis)));
    let state = lattice_state::OverlayedChanges::new()
        .drain_commit(&lattice_state::InMemoryBackend::default())
        .unwrap();
    let header = common::header(H256([3; 32]), 1, state.root, 0);
    let err = db.commit_block(ImportOperation::genesis(header, state)).unwrap_err();
    assert!(matches!(err, Error::UnknownParent { .. }), "{err}");
}

#[test]
fn reopen_resumes_best_finalized_and_justifications() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    let (best, finalized, info) = {
        let db = open(dir.path(), PruningMode::Constrained(8));
        let genesis = commit_genesis(&db, genesis_pairs(300));
        model.genesis(genesis, genesis_pairs(300));
        let mut parent = genesis;
        let mut hashes = vec![genesis];
        for n in 1..=20 {
            parent = model.import(&db, parent, &changes_for(n, 0, 40, 300), 0, true);
            hashes.push(parent);
        }
        db.finalize(&hashes[12], Some((GRANDPA_ENGINE_ID, b"proof-12".to_vec()))).unwrap();
        // A second engine's proof is added beside the first; the same engine's replaces.
        db.finalize(&hashes[12], Some((*b"test", b"other".to_vec()))).unwrap();
        db.finalize(&hashes[12], Some((GRANDPA_ENGINE_ID, b"proof-12b".to_vec()))).unwrap();
        (parent, hashes[12], db.info().unwrap())
        // Dropped here, as a process that stops between two imports.
    };
    let db = open(dir.path(), PruningMode::Constrained(8));
    assert_eq!(db.info().unwrap(), info);
    assert_eq!((info.best_hash, info.best_number), (best, 20));
    assert_eq!((info.finalized_hash, info.finalized_number), (finalized, 12));
    assert_eq!(info.lowest_state, 5);
    assert_eq!(
        db.justifications(&finalized).unwrap(),
        Some(vec![(GRANDPA_ENGINE_ID, b"proof-12b".to_vec()), (*b"test", b"other".to_vec())])
    );
    for n in 0..=20 {
        let hash = db.hash(n).unwrap().expect("canonical");
        let block = db.block(&hash).unwrap().expect("stored");
        assert_eq!(block.header.number, n);
        assert_eq!(block.extrinsics.len(), if n == 0 { 0 } else { 2 });
        if n >= 5 {
            model.assert_state(&db, &hash);
        } else {
            assert!(!db.has_state(&hash).unwrap());
        }
    }
    // The chain goes on from where it was.
    let next = model.import(&db, best, &changes_for(21, 0, 40, 300), 0, true);
    assert_eq!(db.info().unwrap().best_hash, next);
    model.assert_state(&db, &next);
}

#[test]
fn drop_between_operations_keeps_the_last_completed_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    let genesis;
    let mut parent;
    {
        let db = open(dir.path(), PruningMode::Constrained(2));
        genesis = commit_genesis(&db, genesis_pairs(200));
        model.genesis(genesis, genesis_pairs(200));
        parent = genesis;
    }
    // Each round: reopen, one or two operations, drop.
    for n in 1..=12u32 {
        let db = open(dir.path(), PruningMode::Constrained(2));
        let info = db.info().unwrap();
        assert_eq!(info.best_hash, parent);
        assert_eq!(info.best_number, n - 1);
        model.assert_state(&db, &parent);
        let (block, state) = common::build(&db, parent, &changes_for(n, 0, 30, 200), 0);
        let hash = block.header.hash();
        let finalize = n.is_multiple_of(3);
        db.commit_block(ImportOperation {
            block,
            justification: None,
            state,
            new_best: true,
            finalize,
        })
        .unwrap();
        model.block(hash, parent, &changes_for(n, 0, 30, 200));
        parent = hash;
        if finalize {
            assert_eq!(db.info().unwrap().finalized_hash, hash);
        }
    }
    let db = open(dir.path(), PruningMode::Constrained(2));
    let info = db.info().unwrap();
    assert_eq!((info.best_number, info.finalized_number, info.lowest_state), (12, 12, 11));
    model.assert_state(&db, &parent);
}
