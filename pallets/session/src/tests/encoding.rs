//! Encodings, type paths and metadata, as Substrate's.

use super::*;
use crate::{Event, KeyTypeId, SessionKeys, Validators};
use codec::{Decode, Encode};
use frame_metadata::v14::{StorageEntryType, StorageHasher};
use lattice_support::frame_metadata;
use scale_info::TypeInfo;

#[test]
fn session_keys_encode_as_aura_then_grandpa() {
    let encoded = keys(1).encode();
    assert_eq!(encoded, [[101u8; 32], [201u8; 32]].concat());
    assert_eq!(SessionKeys::decode(&mut &encoded[..]), Ok(keys(1)));
    // What `author_rotateKeys` returns: 64 bytes, nothing else.
    assert!(SessionKeys::decode(&mut &encoded[..63]).is_err());
    assert_eq!(<SessionKeys as codec::MaxEncodedLen>::max_encoded_len(), 64);
    assert_eq!(
        keys(1).key_ids(),
        [(KeyTypeId(*b"aura"), vec![101; 32]), (KeyTypeId(*b"gran"), vec![201; 32])]
    );
}

#[test]
fn calls_events_and_errors_encode_as_substrate() {
    let set = Call::set_keys { keys: keys(1), proof: vec![] };
    assert_eq!(set.encode(), [vec![0], keys(1).encode(), vec![0]].concat());
    assert_eq!(Call::decode(&mut &set.encode()[..]), Ok(set));
    assert_eq!(Call::purge_keys {}.encode(), vec![1]);
    assert_eq!(Event::NewSession { session_index: 7 }.encode(), vec![0, 7, 0, 0, 0]);
    let indices: Vec<_> = [
        Error::InvalidProof,
        Error::NoAssociatedValidatorId,
        Error::DuplicatedKey,
        Error::NoKeys,
        Error::NoAccount,
        Error::ProofTooLong,
    ]
    .iter()
    .map(|e| e.encode()[0])
    .collect();
    assert_eq!(indices, [0, 1, 2, 3, 4, 5]);
    assert_eq!(
        err(Error::NoAccount),
        DispatchError::Module(lattice_support::dispatch::ModuleError {
            index: SESSION_INDEX,
            error: [4, 0, 0, 0],
        })
    );
}

#[test]
fn storage_keys_match_substrate() {
    // twox128("Session") ++ twox128("Validators"), as on every Substrate chain.
    let expected = "cec5070d609dd3497f72bde07fc96ba088dcde934c658227ee1dfafcd6e16903";
    let key: String = Validators::key().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(key, expected);
}

#[test]
fn metadata_uses_substrate_names_and_paths() {
    let meta = Session::metadata();
    assert_eq!(meta.name, "Session");
    let names: Vec<_> = meta.storage.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        ["Validators", "CurrentIndex", "QueuedKeys", "NextKeys", "KeyOwner", "Period"]
    );
    for entry in &meta.storage {
        assert!(!entry.docs.is_empty(), "{} has docs", entry.name);
        if let StorageEntryType::Map { hashers, .. } = &entry.ty {
            assert_eq!(hashers, &vec![StorageHasher::Blake2_128Concat], "{}", entry.name);
        }
    }
    assert!(meta.calls.is_some() && meta.event.is_some() && meta.error.is_some());

    let path = |t: scale_info::Type| t.path.segments.join("::");
    assert_eq!(path(SessionKeys::type_info()), "lattice_runtime::opaque::SessionKeys");
    assert_eq!(path(KeyTypeId::type_info()), "sp_core::crypto::KeyTypeId");
    let scale_info::TypeDef::Composite(fields) = SessionKeys::type_info().type_def else {
        panic!("SessionKeys is a composite");
    };
    let fields: Vec<_> = fields.fields.iter().map(|f| f.name.expect("named")).collect();
    assert_eq!(fields, ["aura", "grandpa"]);
    assert_eq!(
        path(pallet_aura::AuthorityId::type_info()),
        "sp_consensus_aura::sr25519::app_sr25519::Public"
    );
}
