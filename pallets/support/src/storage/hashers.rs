//! Hashers for map keys, as Substrate names them in metadata.

use alloc::vec::Vec;
use frame_metadata::v14::StorageHasher as MetaHasher;

/// Turns an encoded map key into the bytes appended to the item's prefix.
pub trait StorageHasher {
    /// How metadata names this hasher.
    const METADATA: MetaHasher;
    /// The bytes appended to the prefix for `encoded_key`.
    fn hash(encoded_key: &[u8]) -> Vec<u8>;
}

/// A hasher whose output ends with the encoded key, so keys can be recovered when
/// iterating.
pub trait ReversibleHasher: StorageHasher {
    /// Bytes of hash before the encoded key.
    const HASH_LEN: usize;
}

/// `blake2_128(key) ++ key`: for keys a user chooses (accounts), since a cryptographic
/// hash keeps the trie balanced against crafted keys.
pub struct Blake2_128Concat;

impl StorageHasher for Blake2_128Concat {
    const METADATA: MetaHasher = MetaHasher::Blake2_128Concat;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + encoded_key.len());
        out.extend_from_slice(&lattice_io::hashing::blake2_128(encoded_key));
        out.extend_from_slice(encoded_key);
        out
    }
}

impl ReversibleHasher for Blake2_128Concat {
    const HASH_LEN: usize = 16;
}

/// `twox64(key) ++ key`: cheaper, for keys users cannot choose (block numbers, counters).
pub struct Twox64Concat;

impl StorageHasher for Twox64Concat {
    const METADATA: MetaHasher = MetaHasher::Twox64Concat;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + encoded_key.len());
        out.extend_from_slice(&lattice_io::hashing::twox_64(encoded_key));
        out.extend_from_slice(encoded_key);
        out
    }
}

impl ReversibleHasher for Twox64Concat {
    const HASH_LEN: usize = 8;
}

/// The key itself: for keys that are already hashes.
pub struct Identity;

impl StorageHasher for Identity {
    const METADATA: MetaHasher = MetaHasher::Identity;
    fn hash(encoded_key: &[u8]) -> Vec<u8> {
        encoded_key.to_vec()
    }
}

impl ReversibleHasher for Identity {
    const HASH_LEN: usize = 0;
}
