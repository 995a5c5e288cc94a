//! Fixed-size hashes and the hash functions of the chain.

use codec::{Decode, Encode, MaxEncodedLen};
use core::fmt;

/// A 256-bit hash: block hashes, state roots, extrinsic hashes.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct H256(pub [u8; 32]);

crate::type_info::byte_array_type_info!(H256, 32, ["primitive_types", "H256"]);

impl H256 {
    /// The all-zero hash (the parent of the genesis block).
    pub const fn zero() -> Self {
        Self([0; 32])
    }

    /// The bytes of the hash.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for H256 {
    fn from(b: [u8; 32]) -> Self {
        Self(b)
    }
}

impl AsRef<[u8]> for H256 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// BLAKE2b-256 of `data`: the chain's hash for blocks, extrinsics and the state trie.
///
/// Pure Rust here; runtime code that hashes much should call `lattice_io::hashing`, which
/// the host computes natively.
pub fn blake2_256(data: &[u8]) -> H256 {
    H256(sp_crypto_hashing::blake2_256(data))
}
