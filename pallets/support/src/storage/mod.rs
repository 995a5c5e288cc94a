//! Typed storage: values, maps, double maps and counted maps over the state's key space.
//!
//! Keys follow Substrate's layout, so clients compute them from metadata:
//!
//! ```text
//! value       twox128(pallet) ++ twox128(item)
//! map         twox128(pallet) ++ twox128(item) ++ hasher(encode(key))
//! double map  twox128(pallet) ++ twox128(item) ++ hasher1(encode(k1)) ++ hasher2(encode(k2))
//! ```
//!
//! The 32-byte prefix is computed at compile time ([`storage_prefix!`](crate::storage_prefix)).
//! Values are SCALE-encoded; a value that fails to decode is treated as absent and
//! logged, so corrupt state cannot panic the runtime.

mod hashers;
mod types;

pub use hashers::{Blake2_128Concat, Identity, ReversibleHasher, StorageHasher, Twox64Concat};
pub use types::{
    CountedStorageMap, OptionQuery, QueryKind, StorageDoubleMap, StorageMap, StorageValue,
    ValueQuery,
};

use alloc::vec::Vec;
use codec::{Decode, Encode};

/// Names one storage item: its pallet, its name and the 32-byte key prefix derived from
/// them. Implemented by the types [`storage_prefix!`](crate::storage_prefix) declares.
pub trait StorageInstance {
    /// The pallet's name as in metadata (`"Balances"`).
    const PALLET: &'static str;
    /// The item's name as in metadata (`"TotalIssuance"`).
    const NAME: &'static str;
    /// `twox128(PALLET) ++ twox128(NAME)`.
    const PREFIX: [u8; 32];
}

/// `twox128` evaluated at compile time: xxHash64 with seeds 0 and 1, little-endian.
pub const fn twox_128(data: &[u8]) -> [u8; 16] {
    let a = xxhash_rust::const_xxh64::xxh64(data, 0).to_le_bytes();
    let b = xxhash_rust::const_xxh64::xxh64(data, 1).to_le_bytes();
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 8 {
        out[i] = a[i];
        out[i + 8] = b[i];
        i += 1;
    }
    out
}

/// `twox128(pallet) ++ twox128(item)` evaluated at compile time.
pub const fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
    let a = twox_128(pallet.as_bytes());
    let b = twox_128(item.as_bytes());
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 16 {
        out[i] = a[i];
        out[i + 16] = b[i];
        i += 1;
    }
    out
}

/// Declares a [`StorageInstance`]: `storage_prefix!(pub struct TotalIssuancePrefix = "Balances", "TotalIssuance");`
#[macro_export]
macro_rules! storage_prefix {
    ($(#[$m:meta])* $vis:vis struct $name:ident = $pallet:expr, $item:expr;) => {
        $(#[$m])*
        #[doc = "The key prefix of a storage item (see `StorageInstance`)."]
        $vis struct $name;
        impl $crate::storage::StorageInstance for $name {
            const PALLET: &'static str = $pallet;
            const NAME: &'static str = $item;
            const PREFIX: [u8; 32] = $crate::storage::storage_prefix($pallet, $item);
        }
    };
}

/// Reads and decodes the value at `key`; `None` when absent or undecodable.
pub fn get<T: Decode>(key: &[u8]) -> Option<T> {
    let raw = lattice_io::storage::get(key)?;
    match T::decode(&mut &raw[..]) {
        Ok(v) => Some(v),
        Err(_) => {
            lattice_io::logging::log(
                lattice_io::logging::Level::Error,
                "storage",
                "corrupt value in storage treated as absent",
            );
            None
        }
    }
}

/// Encodes and writes `value` at `key`.
pub fn put<T: Encode + ?Sized>(key: &[u8], value: &T) {
    value.using_encoded(|bytes| lattice_io::storage::set(key, bytes))
}

/// Removes the value at `key`.
pub fn kill(key: &[u8]) {
    lattice_io::storage::clear(key)
}

/// Iterates the raw keys that start with `prefix`, in key order. Each step asks the host
/// for the next key, so the iterator sees writes made while iterating.
pub struct PrefixKeys {
    prefix: Vec<u8>,
    previous: Vec<u8>,
    done: bool,
}

impl PrefixKeys {
    /// Keys starting with `prefix`.
    pub fn new(prefix: Vec<u8>) -> Self {
        Self { previous: prefix.clone(), prefix, done: false }
    }

    /// Keys starting with `prefix` that come after `previous` (a key of the prefix, not
    /// necessarily stored): how paged work resumes where the last page stopped.
    pub fn starting_after(prefix: Vec<u8>, previous: Vec<u8>) -> Self {
        Self { prefix, previous, done: false }
    }
}

impl Iterator for PrefixKeys {
    type Item = Vec<u8>;
    fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        match lattice_io::storage::next_key(&self.previous) {
            Some(next) if next.starts_with(&self.prefix) => {
                self.previous.clone_from(&next);
                Some(next)
            }
            _ => {
                self.done = true;
                None
            }
        }
    }
}

/// Runs `f` in a storage transaction: its writes are kept when it returns `Ok` and
/// discarded when it returns `Err`.
pub fn with_transaction<R, E>(f: impl FnOnce() -> Result<R, E>) -> Result<R, E> {
    lattice_io::storage::start_transaction();
    let r = f();
    if r.is_ok() {
        lattice_io::storage::commit_transaction();
    } else {
        lattice_io::storage::rollback_transaction();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_substrate() {
        // twox128("System") and twox128("Account"), as every Substrate chain has them.
        assert_eq!(
            storage_prefix("System", "Account"),
            hex32("26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9")
        );
        assert_eq!(twox_128(b"Balances"), lattice_io::hashing::twox_128(b"Balances"));
    }

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("test vector is hex");
        }
        out
    }
}
