//! Read proofs: made by `prove_read`, checked by `verify_read_proof` and by `sp-trie`.

use codec::{Decode, Encode};
use lattice_state::{
    prove_range, prove_read, verify_range_proof, verify_read_proof, Backend, Error,
    InMemoryBackend, Layout, StorageProof,
};

fn state() -> InMemoryBackend {
    InMemoryBackend::from_pairs((0u32..500).map(|i| {
        let key = key(i);
        // Some values over 32 bytes, stored in their own node under layout V1.
        let value = vec![i as u8; 1 + (i as usize % 70)];
        (key, value)
    }))
}

fn key(i: u32) -> Vec<u8> {
    // Hashed, as storage map keys are, so the trie is balanced.
    <sp_core::Blake2Hasher as hash_db::Hasher>::hash(&i.to_le_bytes())[..16].to_vec()
}

#[test]
fn proof_of_a_value_verifies_with_sp_trie() {
    let state = state();
    let root = state.root();
    for i in [0u32, 33, 68, 499] {
        let proof = prove_read(&state, [key(i)]).unwrap();
        assert!(!proof.is_empty());
        // The standard check (`read_proof_check` in Substrate): the proof's nodes as a
        // database, the key looked up from the root.
        let db = proof.clone().into_memory_db::<sp_core::Blake2Hasher>();
        let value =
            sp_trie::read_trie_value::<Layout, _>(&db, &root.into(), &key(i), None, None).unwrap();
        assert_eq!(value, state.storage(&key(i)).unwrap());
        assert_eq!(
            verify_read_proof(root, &proof, [key(i)]).unwrap(),
            vec![(key(i), state.storage(&key(i)).unwrap())]
        );
    }
}

#[test]
fn proof_of_several_keys_and_of_absence() {
    let state = state();
    let root = state.root();
    let absent = b"not a key".to_vec();
    let keys = [key(1), absent.clone(), key(2)];
    let proof = prove_read(&state, &keys).unwrap();
    let proven = verify_read_proof(root, &proof, &keys).unwrap();
    assert_eq!(proven[0], (key(1), state.storage(&key(1)).unwrap()));
    assert_eq!(proven[1], (absent.clone(), None));
    assert_eq!(proven[2], (key(2), state.storage(&key(2)).unwrap()));
    let db = proof.into_memory_db::<sp_core::Blake2Hasher>();
    assert_eq!(
        sp_trie::read_trie_value::<Layout, _>(&db, &root.into(), &absent, None, None).unwrap(),
        None
    );
}

#[test]
fn proof_survives_encoding() {
    let state = state();
    let proof = prove_read(&state, [key(5)]).unwrap();
    let decoded = StorageProof::decode(&mut &proof.encode()[..]).unwrap();
    assert_eq!(verify_read_proof(state.root(), &decoded, [key(5)]).unwrap()[0].0, key(5));
}

#[test]
fn tampered_proof_fails() {
    let state = state();
    let root = state.root();
    let proof = prove_read(&state, [key(42)]).unwrap();
    let nodes: Vec<Vec<u8>> = proof.iter_nodes().cloned().collect();
    for (n, node) in nodes.iter().enumerate() {
        for position in [0, node.len() / 2, node.len() - 1] {
            let mut tampered = nodes.clone();
            tampered[n][position] ^= 0x01;
            let tampered = StorageProof::new(tampered);
            assert!(
                matches!(
                    verify_read_proof(root, &tampered, [key(42)]),
                    Err(Error::IncompleteProof { .. })
                ),
                "node {n} byte {position}"
            );
        }
        // Dropping any node breaks the path too.
        let mut fewer = nodes.clone();
        fewer.remove(n);
        assert!(verify_read_proof(root, &StorageProof::new(fewer), [key(42)]).is_err());
    }
}

#[test]
fn proof_against_another_root_or_key_fails() {
    let state = state();
    let proof = prove_read(&state, [key(7)]).unwrap();
    assert!(matches!(
        verify_read_proof([9; 32], &proof, [key(7)]),
        Err(Error::IncompleteProof { .. })
    ));
    assert!(matches!(
        verify_read_proof(state.root(), &StorageProof::empty(), [key(7)]),
        Err(Error::IncompleteProof { .. })
    ));
}

#[test]
fn empty_state_proves_absence() {
    let state = InMemoryBackend::default();
    let proof = prove_read(&state, [b"x"]).unwrap();
    assert_eq!(
        verify_read_proof(state.root(), &proof, [b"x"]).unwrap(),
        vec![(b"x".to_vec(), None)]
    );
}

/// Downloads the whole of `state` in range proofs of about `max_bytes` each, checking
/// each against the root as warp sync does.
type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

fn download(state: &InMemoryBackend, max_bytes: usize) -> (Pairs, usize) {
    let root = state.root();
    let (mut entries, mut chunks) = (Vec::new(), 0);
    loop {
        let after = entries.last().map(|(k, _): &(Vec<u8>, Vec<u8>)| k.clone());
        let proof = prove_range(state, after.as_deref(), max_bytes).unwrap();
        // Through the wire format.
        let proof = StorageProof::decode(&mut &proof.encode()[..]).unwrap();
        let range = verify_range_proof(root, &proof, after.as_deref()).unwrap();
        chunks += 1;
        entries.extend(range.entries);
        if range.complete {
            return (entries, chunks);
        }
        assert!(chunks < 10_000, "no progress");
    }
}

#[test]
fn range_proofs_reassemble_the_whole_state() {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> =
        (0u32..500).map(|i| (key(i), vec![i as u8; 1 + (i as usize % 70)])).collect();
    // A key that is a prefix of others, and an empty value.
    pairs.push((key(7)[..3].to_vec(), Vec::new()));
    pairs.push((key(7)[..5].to_vec(), vec![1; 40]));
    let state = InMemoryBackend::from_pairs(pairs.clone());
    pairs.sort();
    for max_bytes in [1, 100, 2_000, 1 << 20] {
        let (entries, chunks) = download(&state, max_bytes);
        assert_eq!(entries, pairs, "max_bytes {max_bytes}");
        if max_bytes == 1 {
            assert!(chunks >= 100, "one entry (or a few sharing nodes) per chunk: {chunks}");
        }
        if max_bytes == 1 << 20 {
            assert_eq!(chunks, 1);
        }
    }
}

#[test]
fn range_proof_of_the_empty_state_is_complete() {
    let state = InMemoryBackend::default();
    let proof = prove_range(&state, None, 100).unwrap();
    let range = verify_range_proof(state.root(), &proof, None).unwrap();
    assert!(range.complete);
    assert!(range.entries.is_empty());
}

#[test]
fn range_proofs_against_another_root_or_start_are_refused() {
    let state = state();
    let proof = prove_range(&state, None, 500).unwrap();
    let other = InMemoryBackend::from_pairs([(b"other".to_vec(), b"state".to_vec())]).root();
    assert!(matches!(verify_range_proof(other, &proof, None), Err(Error::IncompleteProof { .. })));
    // A proof of the start of the state shows nothing after a key far beyond it.
    let last = {
        let mut keys: Vec<_> = (0u32..500).map(key).collect();
        keys.sort();
        keys[400].clone()
    };
    assert!(matches!(
        verify_range_proof(state.root(), &proof, Some(&last)),
        Err(Error::IncompleteProof { .. })
    ));
    assert!(matches!(
        verify_range_proof(state.root(), &StorageProof::empty(), None),
        Err(Error::IncompleteProof { .. })
    ));
}

#[test]
fn a_range_proof_missing_nodes_never_shows_wrong_entries() {
    let state = state();
    let root = state.root();
    let proof = prove_range(&state, None, 3_000).unwrap();
    let full = verify_range_proof(root, &proof, None).unwrap();
    let nodes: Vec<Vec<u8>> = proof.into_iter_nodes().collect();
    for skip in 0..nodes.len() {
        let cut = StorageProof::new(
            nodes.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, n)| n.clone()),
        );
        match verify_range_proof(root, &cut, None) {
            // A shorter prefix of the same entries, never a different one.
            Ok(range) => {
                assert!(!range.complete);
                assert!(range.entries.len() <= full.entries.len());
                assert_eq!(range.entries[..], full.entries[..range.entries.len()]);
            }
            Err(e) => assert!(matches!(e, Error::IncompleteProof { .. }), "{e}"),
        }
    }
}
