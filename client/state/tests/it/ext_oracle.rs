//! `Ext` against `TestExternalities` on random operation sequences.

use crate::{reference_root, Rng};
use lattice_io::{Externalities, TestExternalities};
use lattice_state::{AsTrieBackend, Backend, Ext, InMemoryBackend, OverlayedChanges, TrieBackend};

/// Runs one block of `ops` random operations on `ext` and `oracle`, comparing every
/// answer.
fn run_block(
    rng: &mut Rng,
    ext: &mut dyn Externalities,
    oracle: &mut TestExternalities,
    ops: usize,
) {
    for step in 0..ops {
        let ctx = format!("step {step}");
        match rng.below(100) {
            0..=24 => {
                let key = rng.key();
                assert_eq!(ext.storage(&key).unwrap(), oracle.storage(&key).unwrap(), "{ctx} get");
                assert_eq!(
                    ext.exists_storage(&key).unwrap(),
                    oracle.exists_storage(&key).unwrap(),
                    "{ctx} exists"
                );
            }
            25..=49 => {
                let (key, value) = (rng.key(), rng.value());
                ext.set_storage(key.clone(), value.clone());
                oracle.set_storage(key, value);
            }
            50..=59 => {
                let key = rng.key();
                ext.clear_storage(&key);
                oracle.clear_storage(&key);
            }
            60..=74 => {
                let key = rng.key();
                assert_eq!(
                    ext.next_storage_key(&key).unwrap(),
                    oracle.next_storage_key(&key).unwrap(),
                    "{ctx} next_key after {key:?}"
                );
            }
            75..=79 => {
                let mut prefix = rng.key();
                prefix.truncate(2);
                let limit = match rng.below(3) {
                    0 => None,
                    _ => Some(rng.below(4) as u32),
                };
                assert_eq!(
                    ext.clear_prefix(&prefix, limit).unwrap(),
                    oracle.clear_prefix(&prefix, limit).unwrap(),
                    "{ctx} clear_prefix {prefix:?} {limit:?}"
                );
            }
            80..=85 => {
                ext.start_transaction();
                oracle.start_transaction();
            }
            86..=90 => {
                assert_eq!(ext.commit_transaction(), oracle.commit_transaction(), "{ctx} commit");
            }
            91..=95 => {
                assert_eq!(
                    ext.rollback_transaction(),
                    oracle.rollback_transaction(),
                    "{ctx} rollback"
                );
            }
            _ => {
                let root = ext.storage_root().unwrap();
                assert_eq!(root, oracle.storage_root().unwrap(), "{ctx} root");
                // Twice without a write in between: the cached root.
                assert_eq!(ext.storage_root().unwrap(), root, "{ctx} cached root");
            }
        }
    }
    // Close what the block left open, as the executor requires before import.
    while oracle.transaction_depth() > 0 {
        let commit = rng.below(2) == 0;
        if commit {
            ext.commit_transaction().unwrap();
            oracle.commit_transaction().unwrap();
        } else {
            ext.rollback_transaction().unwrap();
            oracle.rollback_transaction().unwrap();
        }
    }
    assert_eq!(ext.storage_root().unwrap(), oracle.storage_root().unwrap(), "end-of-block root");
}

fn genesis(rng: &mut Rng) -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..rng.below(60)).map(|_| (rng.key(), rng.value())).collect()
}

#[test]
fn ext_over_in_memory_backend_matches_oracle() {
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let pairs = genesis(&mut rng);
        let mut backend = InMemoryBackend::from_pairs(pairs.clone());
        let mut oracle = TestExternalities::new(pairs);
        for block in 0..4 {
            let mut overlay = OverlayedChanges::new();
            let ops = 50 + rng.below(200) as usize;
            run_block(&mut rng, &mut Ext::new(&mut overlay, &backend), &mut oracle, ops);
            let commit = overlay.drain_commit(&backend).unwrap();
            backend.commit(commit).unwrap();
            assert_eq!(backend.pairs_map(), oracle.pairs(), "seed {seed} block {block} pairs");
            assert_eq!(
                backend.root(),
                reference_root(oracle.pairs()),
                "seed {seed} block {block} root"
            );
        }
    }
}

#[test]
fn ext_over_trie_backend_matches_oracle() {
    for seed in 100..160 {
        let mut rng = Rng::new(seed);
        let pairs = genesis(&mut rng);
        let mut state = InMemoryBackend::from_pairs(pairs.clone());
        let mut oracle = TestExternalities::new(pairs);
        for block in 0..3 {
            // Read through the trie itself rather than the flat map.
            let trie = TrieBackend::new(state.as_trie_backend().node_storage(), state.root());
            let mut overlay = OverlayedChanges::new();
            let ops = 50 + rng.below(200) as usize;
            run_block(&mut rng, &mut Ext::new(&mut overlay, &trie), &mut oracle, ops);
            let commit = overlay.drain_commit(&trie).unwrap();
            state.commit(commit).unwrap();
            assert_eq!(
                state.root(),
                reference_root(oracle.pairs()),
                "seed {seed} block {block} root"
            );
        }
    }
}

#[test]
fn next_key_skips_runs_deleted_in_overlay() {
    let pairs: Vec<_> = (0u8..20).map(|i| (vec![1, i], vec![i])).collect();
    let backend = InMemoryBackend::from_pairs(pairs);
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &backend);
    for i in 0u8..15 {
        ext.clear_storage(&[1, i]);
    }
    ext.set_storage(vec![1, 17, 0], vec![]);
    assert_eq!(ext.next_storage_key(&[1]).unwrap(), Some(vec![1, 15]));
    assert_eq!(ext.next_storage_key(&[1, 17]).unwrap(), Some(vec![1, 17, 0]));
    assert_eq!(ext.next_storage_key(&[1, 19]).unwrap(), None);
    let outcome = ext.clear_prefix(&[1], Some(5)).unwrap();
    assert_eq!((outcome.removed, outcome.complete), (5, false));
    let outcome = ext.clear_prefix(&[1], None).unwrap();
    assert_eq!((outcome.removed, outcome.complete), (1, true));
    assert_eq!(ext.next_storage_key(&[]).unwrap(), None);
    assert_eq!(ext.storage_root().unwrap(), reference_root(std::iter::empty()));
}
