//! Forks, the best chain, revert of unfinalized blocks, and finality that never goes back.

use crate::common::{changes_for, commit_genesis, genesis_pairs, open, Model};
use lattice_db::{Database, Error, PruningMode, Reverted};
use lattice_primitives::H256;

/// Genesis, chain A of `a` blocks, and chain B forking from A's block `fork_at` with `b`
/// blocks (B's blocks are not made best).
fn two_forks(
    db: &Database,
    model: &mut Model,
    a: u32,
    fork_at: u32,
    b: u32,
) -> (Vec<H256>, Vec<H256>) {
    let genesis = commit_genesis(db, genesis_pairs(200));
    model.genesis(genesis, genesis_pairs(200));
    let mut chain_a = vec![genesis];
    for n in 1..=a {
        let parent = *chain_a.last().unwrap();
        chain_a.push(model.import(db, parent, &changes_for(n, 0, 25, 200), 0, true));
    }
    let mut chain_b = chain_a[..=fork_at as usize].to_vec();
    for n in fork_at + 1..=fork_at + b {
        let parent = *chain_b.last().unwrap();
        chain_b.push(model.import(db, parent, &changes_for(n, 1, 25, 200), 1, false));
    }
    (chain_a, chain_b)
}

#[test]
fn forks_are_indexed_and_best_follows_set_best() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(4));
    let mut model = Model::default();
    let (a, b) = two_forks(&db, &mut model, 5, 2, 5);

    let info = db.info().unwrap();
    assert_eq!((info.best_hash, info.best_number), (a[5], 5));
    for n in 3..=5 {
        let mut both = vec![a[n], b[n]];
        both.sort();
        assert_eq!(db.hashes_at(n as u32).unwrap(), both);
        assert_eq!(db.hash(n as u32).unwrap(), Some(a[n]));
    }
    assert_eq!(db.hashes_at(7).unwrap(), vec![b[7]]);
    assert_eq!(db.hash(7).unwrap(), None);
    let mut children = vec![a[3], b[3]];
    children.sort();
    assert_eq!(db.children(&a[2]).unwrap(), children);
    assert_eq!(db.leaves().unwrap(), vec![(b[7], 7), (a[5], 5)]);

    // Every fork's state is readable while unfinalized.
    for hash in a.iter().chain(&b) {
        model.assert_state(&db, hash);
    }

    db.set_best(&b[7]).unwrap();
    let info = db.info().unwrap();
    assert_eq!((info.best_hash, info.best_number), (b[7], 7));
    for (n, hash) in b.iter().enumerate() {
        assert_eq!(db.hash(n as u32).unwrap(), Some(*hash));
    }
    db.set_best(&a[4]).unwrap();
    assert_eq!(db.info().unwrap().best_hash, a[4]);
    for (n, hash) in a[..=4].iter().enumerate() {
        assert_eq!(db.hash(n as u32).unwrap(), Some(*hash));
    }
    assert_eq!(db.hash(5).unwrap(), None);
    assert!(matches!(db.set_best(&H256([5; 32])), Err(Error::UnknownBlock { .. })));
}

#[test]
fn revert_removes_the_best_chain_top_and_what_builds_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(4));
    let mut model = Model::default();
    // A: 1..=6 best; B forks at 4 (blocks 5', 6', 7'); C forks at 1 (2'', 3'').
    let (a, b) = two_forks(&db, &mut model, 6, 4, 3);
    let c2 = model.import(&db, a[1], &changes_for(2, 2, 25, 200), 2, false);
    let c3 = model.import(&db, c2, &changes_for(3, 2, 25, 200), 2, false);
    db.finalize(&a[1], None).unwrap();

    let Reverted { best, mut removed } = db.revert(3).unwrap();
    assert_eq!(best, (a[3], 3));
    removed.sort();
    let mut expected = vec![a[4], a[5], a[6], b[5], b[6], b[7]];
    expected.sort();
    assert_eq!(removed, expected);
    for hash in &expected {
        assert_eq!(db.header(hash).unwrap(), None);
        assert!(!db.has_state(hash).unwrap());
        assert!(matches!(db.state_at(hash), Err(Error::UnknownBlock { .. })));
    }
    assert_eq!(db.hash(4).unwrap(), None);
    assert_eq!(db.hash(3).unwrap(), Some(a[3]));
    // The other fork stays, with its state.
    let mut leaves = vec![(a[3], 3), (c3, 3)];
    leaves.sort();
    assert_eq!(db.leaves().unwrap(), leaves);
    model.assert_state(&db, &c3);
    model.assert_state(&db, &a[3]);

    // Blocks can be imported again on the new best block.
    let again = model.import(&db, a[3], &changes_for(4, 0, 25, 200), 0, true);
    assert_eq!(again, a[4], "same parent and contents give the same block");
    model.assert_state(&db, &again);
    assert_eq!(db.revert(0).unwrap().removed, Vec::<H256>::new());
}

#[test]
fn revert_refuses_to_pass_the_finalized_block() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    let mut model = Model::default();
    let (a, _) = two_forks(&db, &mut model, 6, 6, 0);
    db.finalize(&a[4], None).unwrap();
    let before = db.info().unwrap();
    let err = db.revert(3).unwrap_err();
    assert!(matches!(err, Error::RevertFinalized { requested: 3, revertible: 2 }), "{err}");
    assert_eq!(db.info().unwrap(), before);
    assert_eq!(db.header(&a[6]).unwrap().map(|h| h.number), Some(6));

    assert_eq!(db.revert(2).unwrap().best, (a[4], 4));
    let err = db.revert(1).unwrap_err();
    assert!(matches!(err, Error::RevertFinalized { requested: 1, revertible: 0 }), "{err}");
    model.assert_state(&db, &a[4]);
}

#[test]
fn finality_is_never_reverted() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(2));
    let mut model = Model::default();
    let (a, b) = two_forks(&db, &mut model, 5, 2, 4);
    db.finalize(&a[4], None).unwrap();
    let info = db.info().unwrap();

    // B split off below the finalized block: it is displaced, so gone.
    for hash in &b[3..] {
        assert_eq!(db.header(hash).unwrap(), None);
    }
    // Finalizing, making best or building on a block off the finalized chain fails.
    let err = db.finalize(&a[4], None);
    assert!(err.is_ok(), "finalizing the finalized block again only stores a justification");
    let err = db.finalize(&b[6], None).unwrap_err();
    assert!(matches!(err, Error::UnknownBlock { .. }), "{err}");
    assert!(matches!(db.finalize(&a[2], None), Ok(())), "an ancestor is already final");

    // A block at the finalized height that is not the finalized one is refused.
    let (block, state) = crate::common::build(&db, a[3], &changes_for(4, 9, 10, 200), 9);
    let op = lattice_db::ImportOperation::new_best(block, state);
    let err = db.commit_block(op).unwrap_err();
    assert!(matches!(err, Error::BelowFinalized { number: 4, finalized_number: 4, .. }), "{err}");
    assert_eq!(db.info().unwrap(), info);

    // A fork above the finalized block can be made best, but never one below.
    let d5 = model.import(&db, a[4], &changes_for(5, 3, 10, 200), 3, false);
    let d6 = model.import(&db, d5, &changes_for(6, 3, 10, 200), 3, false);
    db.set_best(&d6).unwrap();
    db.finalize(&d5, None).unwrap();
    // a[5] is displaced by finalizing d5.
    assert_eq!(db.header(&a[5]).unwrap(), None);
    let err = db.set_best(&a[3]).unwrap_err();
    assert!(
        matches!(err, Error::NotDescendantOfFinalized { finalized, .. } if finalized == d5),
        "{err}"
    );
    let err = db.finalize(&a[3], None);
    assert!(err.is_ok(), "a[3] is a final ancestor");
    model.assert_state(&db, &d6);
    model.assert_state(&db, &d5);
}

#[test]
fn finalizing_a_fork_that_is_not_best_makes_it_best() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(3));
    let mut model = Model::default();
    let (a, b) = two_forks(&db, &mut model, 6, 2, 2);
    db.finalize(&b[4], Some((*b"FRNK", vec![1, 2, 3]))).unwrap();
    let info = db.info().unwrap();
    assert_eq!((info.best_hash, info.finalized_hash), (b[4], b[4]));
    for hash in &a[3..] {
        assert_eq!(db.header(hash).unwrap(), None, "displaced");
    }
    for n in 0..=4 {
        assert_eq!(db.hash(n).unwrap(), Some(b[n as usize]));
        assert_eq!(db.hashes_at(n).unwrap(), vec![b[n as usize]]);
    }
    assert_eq!(db.hash(5).unwrap(), None);
    assert_eq!(db.leaves().unwrap(), vec![(b[4], 4)]);
    assert_eq!(db.justifications(&b[4]).unwrap(), Some(vec![(*b"FRNK", vec![1, 2, 3])]));
    for hash in &b[2..=4] {
        model.assert_state(&db, hash);
    }
}
