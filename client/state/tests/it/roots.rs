//! Roots of genesis and chained blocks against `sp-trie`'s reference, and the backends'
//! reads and key paging.

use crate::{reference_root, Rng};
use lattice_state::{
    AsTrieBackend, Backend, BackendTransaction, Error, InMemoryBackend, OverlayedChanges, Result,
    TrieBackend,
};
use std::collections::BTreeMap;

fn random_pairs(rng: &mut Rng, n: usize) -> BTreeMap<Vec<u8>, Vec<u8>> {
    (0..n)
        .map(|_| {
            let mut key = rng.key();
            key.extend((0..rng.below(40)).map(|_| rng.next_u64() as u8));
            (key, rng.value())
        })
        .collect()
}

#[test]
fn genesis_root_is_the_reference_trie_root() {
    assert_eq!(InMemoryBackend::default().root(), reference_root(std::iter::empty()));
    for seed in 0..20 {
        let pairs = random_pairs(&mut Rng::new(seed), 1 + seed as usize * 20);
        let backend = InMemoryBackend::from_pairs(pairs.clone());
        assert_eq!(backend.root(), reference_root(&pairs), "seed {seed}");
        assert_eq!(backend.pairs_map(), &pairs);
    }
}

#[test]
fn chained_blocks_match_reference_and_keep_no_dead_nodes() {
    let mut rng = Rng::new(7);
    let mut expected = random_pairs(&mut rng, 300);
    let mut backend = InMemoryBackend::from_pairs(expected.clone());
    for block in 0..30 {
        let existing: Vec<Vec<u8>> = expected.keys().cloned().collect();
        let mut changes = BTreeMap::new();
        for _ in 0..rng.below(60) {
            let key = match rng.below(3) {
                0 if !existing.is_empty() => {
                    existing[rng.below(existing.len() as u64) as usize].clone()
                }
                _ => random_pairs(&mut rng, 1).into_keys().next().unwrap(),
            };
            let change = if rng.below(3) == 0 { None } else { Some(rng.value()) };
            changes.insert(key, change);
        }
        for (key, change) in &changes {
            match change {
                Some(value) => expected.insert(key.clone(), value.clone()),
                None => expected.remove(key),
            };
        }
        let root = backend.apply(changes).unwrap();
        assert_eq!(root, reference_root(&expected), "block {block}");
        assert_eq!(backend.root(), root);
        assert_eq!(backend.pairs_map(), &expected);
    }
    // Reference counting dropped every node of the old states and nothing else.
    let fresh = InMemoryBackend::from_pairs(expected.clone());
    assert_eq!(
        backend.as_trie_backend().node_storage().keys(),
        fresh.as_trie_backend().node_storage().keys()
    );
}

#[test]
fn storage_root_leaves_the_backend_unchanged() {
    let backend = InMemoryBackend::from_pairs([(b"a".to_vec(), b"1".to_vec())]);
    let before = backend.root();
    let (root, transaction) =
        backend.storage_root(&mut [(&b"b"[..], Some(&b"2"[..]))].into_iter()).unwrap();
    assert_ne!(root, before);
    assert!(!transaction.keys().is_empty());
    assert_eq!(backend.root(), before);
    assert_eq!(backend.storage(b"b").unwrap(), None);
    let (same, empty) = backend.storage_root(&mut std::iter::empty()).unwrap();
    assert_eq!(same, before);
    assert!(empty.keys().is_empty());
}

#[test]
fn commit_on_another_state_is_refused() {
    let a = InMemoryBackend::from_pairs([(b"a".to_vec(), b"1".to_vec())]);
    let mut b = InMemoryBackend::from_pairs([(b"b".to_vec(), b"1".to_vec())]);
    let mut overlay = OverlayedChanges::new();
    overlay.set_storage(b"c".to_vec(), Some(b"2".to_vec()));
    let commit = overlay.drain_commit(&a).unwrap();
    let before = b.root();
    assert!(matches!(b.commit(commit), Err(Error::ParentRootMismatch { .. })));
    assert_eq!(b.root(), before);
}

#[test]
fn overlay_root_cache_follows_the_backend() {
    let a = InMemoryBackend::from_pairs([(b"a".to_vec(), b"1".to_vec())]);
    let b = InMemoryBackend::default();
    let mut overlay = OverlayedChanges::new();
    overlay.set_storage(b"k".to_vec(), Some(b"v".to_vec()));
    let on_a = overlay.storage_root(&a).unwrap();
    let on_b = overlay.storage_root(&b).unwrap();
    assert_ne!(on_a, on_b);
    assert_eq!(on_b, reference_root([(&b"k".to_vec(), &b"v".to_vec())]));
    overlay.start_transaction();
    overlay.set_storage(b"k".to_vec(), Some(b"w".to_vec()));
    assert_ne!(overlay.storage_root(&b).unwrap(), on_b);
    overlay.rollback_transaction().unwrap();
    assert_eq!(overlay.storage_root(&b).unwrap(), on_b);
}

/// Implements only the required methods, to test the default `keys` and `pairs`.
struct Minimal<'a>(&'a InMemoryBackend);

impl Backend for Minimal<'_> {
    fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.0.storage(key)
    }
    fn next_storage_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.0.next_storage_key(key)
    }
    fn root(&self) -> [u8; 32] {
        self.0.root()
    }
    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Result<([u8; 32], BackendTransaction)> {
        self.0.storage_root(changes)
    }
}

#[test]
fn backends_agree_on_reads_and_paging() {
    let mut rng = Rng::new(3);
    let pairs = random_pairs(&mut rng, 400);
    let flat = InMemoryBackend::from_pairs(pairs.clone());
    let trie = TrieBackend::new(flat.as_trie_backend().node_storage(), flat.root());
    let minimal = Minimal(&flat);
    let backends: [&dyn Backend; 3] = [&flat, &trie, &minimal];

    let mut probes: Vec<Vec<u8>> = pairs.keys().take(50).cloned().collect();
    probes.extend((0..50).map(|_| rng.key()));
    probes.push(Vec::new());
    for key in &probes {
        let expected_next = pairs
            .range::<[u8], _>((std::ops::Bound::Excluded(&key[..]), std::ops::Bound::Unbounded))
            .next()
            .map(|(k, _)| k.clone());
        for (i, backend) in backends.iter().enumerate() {
            assert_eq!(backend.storage(key).unwrap(), pairs.get(key).cloned(), "{i} {key:?}");
            assert_eq!(backend.next_storage_key(key).unwrap(), expected_next, "{i} {key:?}");
        }
    }

    let prefixes: [&[u8]; 4] = [&[], &[0x00], &[0x01, 0xab], &[0xab, 0x00, 0x01]];
    for prefix in prefixes {
        let all: Vec<Vec<u8>> = pairs.keys().filter(|k| k.starts_with(prefix)).cloned().collect();
        for (i, backend) in backends.iter().enumerate() {
            // Page through with a small page size, as getKeysPaged does.
            let mut paged = Vec::new();
            let mut start: Option<Vec<u8>> = None;
            loop {
                let page = backend.keys(prefix, start.as_deref(), 7).unwrap();
                let pairs_page = backend.pairs(prefix, start.as_deref(), 7).unwrap();
                assert_eq!(page, pairs_page.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>());
                for (k, v) in &pairs_page {
                    assert_eq!(pairs.get(k), Some(v));
                }
                let Some(last) = page.last().cloned() else { break };
                paged.extend(page);
                start = Some(last);
            }
            assert_eq!(paged, all, "backend {i} prefix {prefix:?}");
            assert!(backend.keys(prefix, None, 0).unwrap().is_empty());
            // A start key before the prefix range is ignored.
            if !prefix.is_empty() {
                let before = vec![prefix[0].wrapping_sub(1)];
                if before.as_slice() < prefix {
                    assert_eq!(
                        backend.keys(prefix, Some(&before), usize::MAX).unwrap(),
                        all,
                        "backend {i}"
                    );
                }
            }
        }
    }
}

#[test]
fn deleting_an_absent_strict_prefix_key_keeps_the_trie() {
    // The reproduction of paritytech/trie#217, where `TrieDBMut::remove` breaks.
    let pairs = [
        (vec![0xff, 0xff], vec![0x0a]),
        (vec![0xfe, 0xff, 0xe9], vec![0x0b]),
        (vec![0xff, 0xff, 0xff], vec![0x0c]),
    ];
    let mut backend = InMemoryBackend::from_pairs(pairs.clone());
    let before = backend.root();
    let root =
        backend.apply([(vec![0xff], None), (vec![], None), (vec![0xff, 0xff, 0xff, 0], None)]);
    assert_eq!(root.unwrap(), before);
    let root = backend.apply([(vec![0xff, 0xff], None)]).unwrap();
    let rest: BTreeMap<_, _> = pairs.into_iter().filter(|(k, _)| k != &[0xff, 0xff]).collect();
    assert_eq!(root, reference_root(&rest));
}
