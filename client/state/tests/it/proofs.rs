//! Read proofs: made by `prove_read`, checked by `verify_read_proof` and by `sp-trie`.

use lattice_state::{
    prove_read, verify_read_proof, Backend, Error, InMemoryBackend, Layout, StorageProof,
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
    use codec::{Decode, Encode};
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
