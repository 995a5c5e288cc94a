//! Warp-sync targets: a block stored with its whole state and no ancestors, final from
//! the start, on which the chain then grows and prunes as usual.

use crate::common::{
    changes_for, commit_genesis, genesis_pairs, header, import, live_node_hashes, open,
    stored_node_hashes, Model,
};
use lattice_db::{Error, PruningMode};
use lattice_primitives::{Block, OpaqueExtrinsic, H256};
use lattice_state::{InMemoryBackend, OverlayedChanges, StateCommit};
use std::collections::HashSet;

const TARGET: u32 = 1_000;

/// The state of the target: other keys and values than genesis, with some shared.
fn target_pairs() -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs = genesis_pairs(150);
    pairs.extend((0..200).map(|i| (format!("later{i:04}").into_bytes(), vec![i as u8; 50])));
    pairs
}

fn whole_state(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> StateCommit {
    let mut overlay = OverlayedChanges::new();
    for (k, v) in pairs {
        overlay.set_storage(k, Some(v));
    }
    overlay.drain_commit(&InMemoryBackend::default()).unwrap()
}

fn target_block(state: &StateCommit) -> Block {
    Block {
        header: header(H256([7; 32]), TARGET, state.root, 1),
        extrinsics: vec![OpaqueExtrinsic(b"xt".to_vec())],
    }
}

#[test]
fn a_warp_target_becomes_best_and_final_and_the_chain_grows_and_prunes_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(4));
    let genesis = commit_genesis(&db, genesis_pairs(100));
    let genesis_nodes = live_node_hashes(&db, &genesis);

    let state = whole_state(target_pairs());
    let block = target_block(&state);
    let justification = (*b"FRNK", vec![1, 2, 3]);
    let aux = vec![(b"proof".to_vec(), b"fragments".to_vec())];
    let target =
        db.import_warp_target(block.clone(), Some(justification.clone()), state, aux).unwrap();
    assert_eq!(db.aux(b"proof").unwrap(), Some(b"fragments".to_vec()));
    assert_eq!(db.aux(b"other").unwrap(), None);
    assert_eq!(target, block.header.hash());
    let info = db.info().unwrap();
    assert_eq!((info.best_hash, info.best_number), (target, TARGET));
    assert_eq!((info.finalized_hash, info.finalized_number), (target, TARGET));
    assert_eq!(info.lowest_state, TARGET);
    assert_eq!(db.block_gap(), Some((1, TARGET - 1)));
    assert_eq!(db.hash(TARGET).unwrap(), Some(target));
    assert_eq!(db.hash(TARGET - 1).unwrap(), None);
    assert_eq!(db.hash(0).unwrap(), Some(genesis));
    assert_eq!(db.block(&target).unwrap(), Some(block));
    assert_eq!(db.justifications(&target).unwrap(), Some(vec![justification]));
    assert_eq!(db.leaves().unwrap(), vec![(target, TARGET)]);
    assert!(matches!(db.state_at(&genesis), Err(Error::StatePruned { .. })));

    let mut model = Model::default();
    model.genesis(target, target_pairs());
    model.assert_state(&db, &target);
    // A second target, or an ordinary block below it, is refused.
    let again = whole_state(vec![(b"k".to_vec(), b"v".to_vec())]);
    assert!(matches!(
        db.import_warp_target(target_block(&again), None, again, Vec::new()),
        Err(Error::NotFresh { best_number: TARGET })
    ));

    // The chain grows on the target; finality prunes the target's state away.
    let mut parent = target;
    let mut blocks = vec![target];
    for n in 1..=10u32 {
        let changes = changes_for(n, 0, 20, 150);
        parent = model.import(&db, parent, &changes, 0, true);
        blocks.push(parent);
        db.finalize(&parent, None).unwrap();
    }
    let info = db.info().unwrap();
    assert_eq!(info.finalized_number, TARGET + 10);
    assert_eq!(info.lowest_state, TARGET + 7);
    assert!(matches!(db.state_at(&target), Err(Error::StatePruned { .. })));
    for hash in &blocks[7..] {
        model.assert_state(&db, hash);
    }
    // Stored nodes: exactly those of the kept states, plus genesis's, which stays.
    let mut live: HashSet<[u8; 32]> = genesis_nodes;
    for hash in &blocks[7..] {
        live.extend(live_node_hashes(&db, hash));
    }
    drop(db);
    assert_eq!(stored_node_hashes(dir.path()), live);

    // All of it survives a reopen.
    let db = open(dir.path(), PruningMode::Constrained(4));
    assert_eq!(db.info().unwrap().finalized_hash, blocks[10]);
    model.assert_state(&db, &blocks[10]);
    assert_eq!(db.aux(b"proof").unwrap(), Some(b"fragments".to_vec()));
}

#[test]
fn a_warp_target_is_refused_unless_the_database_is_fresh_and_the_state_matches() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    let state = whole_state(target_pairs());
    assert!(matches!(
        db.import_warp_target(target_block(&state), None, state, Vec::new()),
        Err(Error::NoGenesis)
    ));
    let genesis = commit_genesis(&db, genesis_pairs(10));
    let before = db.info().unwrap();

    // A state that is not the header's.
    let state = whole_state(target_pairs());
    let mut block = target_block(&state);
    block.header.state_root = H256([9; 32]);
    assert!(matches!(
        db.import_warp_target(block, None, state, Vec::new()),
        Err(Error::StateRootMismatch { .. })
    ));
    // A state computed on another state than the empty one.
    let on_genesis = {
        let mut overlay = OverlayedChanges::new();
        overlay.set_storage(b"extra".to_vec(), Some(b"1".to_vec()));
        overlay.drain_commit(&db.state_at(&genesis).unwrap()).unwrap()
    };
    assert!(matches!(
        db.import_warp_target(target_block(&on_genesis), None, on_genesis, Vec::new()),
        Err(Error::ParentStateMismatch { .. })
    ));
    // A target numbered 0.
    let state = whole_state(target_pairs());
    let mut block = target_block(&state);
    block.header.number = 0;
    assert!(matches!(
        db.import_warp_target(block, None, state, Vec::new()),
        Err(Error::InvalidNumber { .. })
    ));
    assert_eq!(db.info().unwrap(), before, "nothing written");

    // Once a block follows genesis, the database is no longer fresh.
    import(&db, genesis, &changes_for(1, 0, 5, 10), 0, true);
    let state = whole_state(target_pairs());
    assert!(matches!(
        db.import_warp_target(target_block(&state), None, state, Vec::new()),
        Err(Error::NotFresh { best_number: 1 })
    ));
}

/// Blocks `1..=count` on `parent_of_first`, with real extrinsics roots, and the target
/// (`count + 1`) on them with `state`.
fn history(parent_of_first: H256, count: u32, state: &StateCommit) -> (Vec<Block>, Block) {
    let mut blocks = Vec::new();
    let mut parent = parent_of_first;
    for n in 1..=count + 1 {
        let extrinsics = vec![OpaqueExtrinsic(vec![n as u8; 3]), OpaqueExtrinsic(b"xt".to_vec())];
        let encoded: Vec<Vec<u8>> = extrinsics.iter().map(codec::Encode::encode).collect();
        let mut header = header(parent, n, [n as u8; 32], 0);
        header.extrinsics_root = H256(
            <lattice_state::Layout as sp_trie::TrieConfiguration>::ordered_trie_root(&encoded).0,
        );
        if n == count + 1 {
            header.state_root = H256(state.root);
        }
        parent = header.hash();
        blocks.push(Block { header, extrinsics });
    }
    let target = blocks.pop().unwrap();
    (blocks, target)
}

#[test]
fn history_below_a_warp_target_fills_the_gap_only_with_linked_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Constrained(4));
    let genesis = commit_genesis(&db, genesis_pairs(10));
    let state = whole_state(target_pairs());
    let (blocks, target) = history(genesis, 4, &state);
    assert!(matches!(db.import_history(vec![blocks[3].clone()]), Err(Error::NoGap)));
    db.import_warp_target(target.clone(), None, state, Vec::new()).unwrap();
    assert_eq!(db.block_gap(), Some((1, 4)));

    // Not the target's parent, or a body that is not the header's: refused, nothing kept.
    let refused = |blocks: Vec<Block>| {
        assert!(matches!(db.import_history(blocks), Err(Error::HistoryMismatch { .. })));
        assert_eq!(db.block_gap(), Some((1, 4)));
    };
    refused(vec![blocks[2].clone()]);
    let mut tampered = blocks[3].clone();
    tampered.extrinsics.pop();
    refused(vec![tampered]);
    refused(vec![blocks[3].clone(), blocks[1].clone()]);

    db.import_history(vec![blocks[3].clone()]).unwrap();
    assert_eq!(db.block_gap(), Some((1, 3)));
    drop(db);
    let db = open(dir.path(), PruningMode::Constrained(4));
    assert_eq!(db.block_gap(), Some((1, 3)), "the gap survives a reopen");
    db.import_history(blocks[..3].iter().rev().cloned().collect()).unwrap();
    assert_eq!(db.block_gap(), None);
    for b in &blocks {
        assert_eq!(db.hash(b.header.number).unwrap(), Some(b.header.hash()));
        assert_eq!(db.block(&b.header.hash()).unwrap().as_ref(), Some(b));
        assert!(matches!(db.state_at(&b.header.hash()), Err(Error::StatePruned { .. })));
    }
    let info = db.info().unwrap();
    assert_eq!((info.finalized_hash, info.best_hash), (target.header.hash(), target.header.hash()));
    assert!(matches!(db.import_history(vec![blocks[0].clone()]), Err(Error::NoGap)));

    // A history whose block #1 is not built on this genesis is refused at #1.
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    commit_genesis(&db, genesis_pairs(10));
    let state = whole_state(target_pairs());
    let (blocks, target) = history(H256([5; 32]), 2, &state);
    db.import_warp_target(target, None, state, Vec::new()).unwrap();
    db.import_history(vec![blocks[1].clone()]).unwrap();
    assert!(matches!(
        db.import_history(vec![blocks[0].clone()]),
        Err(Error::HistoryMismatch { number: 1, .. })
    ));
    assert_eq!(db.block_gap(), Some((1, 1)));
}
