//! Session keys: the keys a validator's node signs with, one per consensus engine.
//!
//! `SessionKeys_generate_session_keys` (behind `author_rotateKeys`) creates them in the
//! node's keystore and returns their public parts encoded as [`SessionKeys`], which the
//! validator then registers on chain.

use alloc::vec;
use alloc::vec::Vec;
use codec::Decode;
use lattice_io::KeyTypeId;

/// Key type of Aura keys (sr25519).
pub const AURA: KeyTypeId = *b"aura";
/// Key type of GRANDPA keys (ed25519).
pub const GRANDPA: KeyTypeId = *b"gran";

/// The public session keys of a validator (Aura, then GRANDPA): the session pallet's
/// type, which `Session.set_keys` takes.
pub use pallet_session::SessionKeys;

/// Creates a new set of session keys in the node's keystore, from `seed` (a UTF-8 secret
/// URI such as `//Alice`) when given, at random otherwise.
///
/// # Panics
/// When the call has no keystore or the seed is invalid: the node then reports the call
/// as failed (`author_rotateKeys` returns an error), nothing is stored on chain.
pub fn generate(seed: Option<&[u8]>) -> SessionKeys {
    let aura = lattice_io::crypto::sr25519_generate(AURA, seed)
        .expect("session keys need the node's keystore and a valid seed");
    let grandpa = lattice_io::crypto::ed25519_generate(GRANDPA, seed)
        .expect("session keys need the node's keystore and a valid seed");
    SessionKeys {
        aura: pallet_aura::AuthorityId(aura),
        grandpa: pallet_grandpa::AuthorityId(grandpa),
    }
}

/// `SessionKeys_decode_session_keys`: the raw public keys with their key types, or
/// `None` when `encoded` is not exactly one [`SessionKeys`].
pub fn decode_into_raw_public_keys(encoded: &[u8]) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
    let mut input = encoded;
    let keys = SessionKeys::decode(&mut input).ok()?;
    if !input.is_empty() {
        return None;
    }
    Some(vec![(keys.aura.0.to_vec(), AURA), (keys.grandpa.0.to_vec(), GRANDPA)])
}
