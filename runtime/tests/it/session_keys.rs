//! `SessionKeys`: keys created in the node's keystore through the Wasm runtime.

use crate::common::*;
use codec::{Decode, Encode};
use lattice_io::{KeyScheme, MemoryKeystore};
use lattice_runtime::genesis::DEV_KEYS;
use lattice_runtime::session_keys::{SessionKeys, AURA, GRANDPA};
use lattice_state::{Ext, OverlayedChanges};

#[test]
fn generated_keys_land_in_the_keystore_and_decode() {
    let wasm = Engine::wasm(wasm_binary());
    let chain = Chain::new(&[0], &[]);
    let keystore = MemoryKeystore::default();
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &chain.state).with_keystore(&keystore);

    let seed = Some(b"//Alice".to_vec());
    let out = wasm
        .call(&mut ext, "SessionKeys_generate_session_keys", &seed.encode())
        .expect("generates");
    let encoded = Vec::<u8>::decode(&mut &out[..]).unwrap();
    let keys = SessionKeys::decode(&mut &encoded[..]).unwrap();
    assert_eq!(
        keys,
        SessionKeys {
            aura: pallet_aura::AuthorityId(DEV_KEYS[0].1),
            grandpa: pallet_grandpa::AuthorityId(DEV_KEYS[0].3)
        }
    );
    assert_eq!(keystore.public_keys(KeyScheme::Sr25519, AURA), vec![DEV_KEYS[0].1]);
    assert_eq!(keystore.public_keys(KeyScheme::Ed25519, GRANDPA), vec![DEV_KEYS[0].3]);

    // Random keys differ each time.
    let out = wasm
        .call(&mut ext, "SessionKeys_generate_session_keys", &None::<Vec<u8>>.encode())
        .unwrap();
    let random = Vec::<u8>::decode(&mut &out[..]).unwrap();
    assert_ne!(random, encoded);
    assert_eq!(keystore.public_keys(KeyScheme::Sr25519, AURA).len(), 2);

    let out = wasm.call(&mut ext, "SessionKeys_decode_session_keys", &encoded.encode()).unwrap();
    let decoded = Option::<Vec<(Vec<u8>, [u8; 4])>>::decode(&mut &out[..]).unwrap();
    assert_eq!(
        decoded,
        Some(vec![(DEV_KEYS[0].1.to_vec(), AURA), (DEV_KEYS[0].3.to_vec(), GRANDPA)])
    );
    let out =
        wasm.call(&mut ext, "SessionKeys_decode_session_keys", &vec![1u8; 63].encode()).unwrap();
    assert_eq!(Option::<Vec<(Vec<u8>, [u8; 4])>>::decode(&mut &out[..]).unwrap(), None);
}

#[test]
fn without_a_keystore_or_with_a_bad_seed_the_call_fails() {
    let wasm = Engine::wasm(wasm_binary());
    let chain = Chain::new(&[0], &[]);
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &chain.state);
    let err = wasm
        .call(&mut ext, "SessionKeys_generate_session_keys", &None::<Vec<u8>>.encode())
        .unwrap_err();
    assert!(err.contains("keystore"), "{err}");

    let keystore = MemoryKeystore::default();
    let mut ext = Ext::new(&mut overlay, &chain.state).with_keystore(&keystore);
    for seed in [vec![0xff, 0xfe], b"not a // valid uri ///".to_vec()] {
        assert!(wasm
            .call(&mut ext, "SessionKeys_generate_session_keys", &Some(seed).encode())
            .is_err());
    }
    assert!(keystore.public_keys(KeyScheme::Sr25519, AURA).is_empty());
}
