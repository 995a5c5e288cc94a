//! The host-function interface of Lattice: everything runtime code may ask of the node.
//!
//! ## Bird's-eye view
//!
//! Runtime code (pallets, the runtime) calls the free functions of this crate
//! ([`storage`], [`hashing`], [`crypto`], [`logging`], [`misc`]). How they are served
//! depends on where the code runs:
//!
//! - **In Wasm** (`wasm32`, no `std`): each function is an import of module `env` named
//!   `ext_<group>_<name>_version_<n>`, provided by the node's executor
//!   (`lattice-executor`). The [`abi`] module documents the calling convention.
//! - **Natively** (`std`): the same functions run in-process against the
//!   [`Externalities`] installed with [`with_externalities`]. This is how pallet tests and
//!   native benchmarks run, and the executor reuses the same pure implementations
//!   (hashing, signature checks) so both sides compute identical results.
//!
//! This crate is the versioned boundary of invariant 2 in `docs/ARCHITECTURE.md`: adding a
//! host function is a new `_version_<n>` import, never a change of an existing one.
//!
//! ## Example
//!
//! ```
//! use lattice_io::{storage, with_externalities, TestExternalities};
//!
//! let mut ext = TestExternalities::default();
//! with_externalities(&mut ext, || {
//!     storage::set(b"key", b"value");
//!     assert_eq!(storage::get(b"key").as_deref(), Some(&b"value"[..]));
//! });
//! assert_eq!(ext.get(b"key"), Some(&b"value"[..]));
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native implementations, [`TestExternalities`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod abi;
mod externalities;
#[cfg(feature = "std")]
mod test_ext;

#[cfg(feature = "std")]
pub use externalities::with_externalities;
pub use externalities::{
    ClearPrefixOutcome, Externalities, KeyScheme, KeyTypeId, Keystore, NoOpenTransaction,
    StorageError,
};
#[cfg(feature = "std")]
pub use test_ext::{MemoryKeystore, TestExternalities};

#[cfg(all(not(feature = "std"), target_arch = "wasm32"))]
mod wasm;

/// Storage of the state the runtime executes against.
pub mod storage {
    use alloc::vec::Vec;

    pub use crate::ClearPrefixOutcome;

    #[cfg(feature = "std")]
    fn backend_failed(e: crate::StorageError) -> ! {
        // Native execution has no way to continue without its state; the caller (a test
        // or the native runtime harness) sees the panic.
        panic!("{e}")
    }

    /// The value at `key`, if any.
    pub fn get(key: &[u8]) -> Option<Vec<u8>> {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.storage(key))
                .unwrap_or_else(|e| backend_failed(e))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_get(key)
        }
    }

    /// Whether a value is stored at `key`.
    pub fn exists(key: &[u8]) -> bool {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.exists_storage(key))
                .unwrap_or_else(|e| backend_failed(e))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_exists(key)
        }
    }

    /// Writes `value` at `key`.
    pub fn set(key: &[u8], value: &[u8]) {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.set_storage(key.to_vec(), value.to_vec()))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_set(key, value)
        }
    }

    /// Removes the value at `key`.
    pub fn clear(key: &[u8]) {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.clear_storage(key))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_clear(key)
        }
    }

    /// The smallest key strictly after `key` holding a value.
    pub fn next_key(key: &[u8]) -> Option<Vec<u8>> {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.next_storage_key(key))
                .unwrap_or_else(|e| backend_failed(e))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_next_key(key)
        }
    }

    /// Removes up to `limit` keys starting with `prefix` (all when `None`).
    pub fn clear_prefix(prefix: &[u8], limit: Option<u32>) -> ClearPrefixOutcome {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.clear_prefix(prefix, limit))
                .unwrap_or_else(|e| backend_failed(e))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_clear_prefix(prefix, limit)
        }
    }

    /// The state root with every change so far applied.
    pub fn root() -> [u8; 32] {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.storage_root())
                .unwrap_or_else(|e| backend_failed(e))
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_root()
        }
    }

    /// Opens a nested storage transaction.
    pub fn start_transaction() {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.start_transaction())
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_start_transaction()
        }
    }

    /// Commits the innermost storage transaction.
    ///
    /// # Panics
    /// When no transaction is open: a bug in the framework's dispatch, which always pairs
    /// start with commit or rollback.
    pub fn commit_transaction() {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.commit_transaction())
                .expect("commit without an open storage transaction")
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_commit_transaction()
        }
    }

    /// Discards the innermost storage transaction.
    ///
    /// # Panics
    /// When no transaction is open (see [`commit_transaction`]).
    pub fn rollback_transaction() {
        #[cfg(feature = "std")]
        {
            crate::externalities::using(|ext| ext.rollback_transaction())
                .expect("rollback without an open storage transaction")
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::storage_rollback_transaction()
        }
    }
}

/// Hash functions, computed by the host in Wasm.
pub mod hashing {
    macro_rules! hash_fn {
        ($(#[$doc:meta])* $name:ident, $len:literal, $wasm:ident) => {
            $(#[$doc])*
            pub fn $name(data: &[u8]) -> [u8; $len] {
                #[cfg(feature = "std")]
                {
                    sp_crypto_hashing::$name(data)
                }
                #[cfg(not(feature = "std"))]
                {
                    crate::wasm::$wasm(data)
                }
            }
        };
    }
    hash_fn!(/// BLAKE2b with a 128-bit output.
        blake2_128, 16, blake2_128);
    hash_fn!(/// BLAKE2b with a 256-bit output.
        blake2_256, 32, blake2_256);
    hash_fn!(/// xxHash64 with seed 0, little-endian.
        twox_64, 8, twox_64);
    hash_fn!(/// Two xxHash64 (seeds 0, 1) concatenated.
        twox_128, 16, twox_128);
    hash_fn!(/// Four xxHash64 (seeds 0 to 3) concatenated.
        twox_256, 32, twox_256);
    hash_fn!(/// Keccak-256.
        keccak_256, 32, keccak_256);
}

/// Trie computations that do not touch the state.
pub mod trie {
    use alloc::vec::Vec;

    /// The root of the ordered trie of `items` (keys are the compact-encoded indices,
    /// layout V1, blake2-256): the extrinsics root of a block.
    pub fn blake2_256_ordered_root(items: &[Vec<u8>]) -> [u8; 32] {
        #[cfg(feature = "std")]
        {
            crate::native::blake2_256_ordered_root(items)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::blake2_256_ordered_root(items)
        }
    }
}

/// Signature checks, computed by the host in Wasm.
pub mod crypto {
    /// Whether `sig` is a valid sr25519 signature (context `substrate`) of `msg` by `public`.
    pub fn sr25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
        #[cfg(feature = "std")]
        {
            crate::native::sr25519_verify(sig, msg, public)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::sr25519_verify(sig, msg, public)
        }
    }

    /// Tells the host that these sr25519 checks follow, so it may verify them ahead,
    /// in parallel and in batches. A pure hint: it returns nothing and changes no
    /// result; each signature is still checked with [`sr25519_verify`]. Importing a block,
    /// the runtime announces all of the block's signatures this way first.
    pub fn sr25519_verify_prefetch(checks: &[([u8; 64], alloc::vec::Vec<u8>, [u8; 32])]) {
        #[cfg(feature = "std")]
        {
            // Natively there is no cache to fill.
            let _ = checks;
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::sr25519_verify_prefetch(checks)
        }
    }

    /// Creates an sr25519 key of `key_type` in the node's keystore (from `seed`, a secret
    /// URI, when given) and returns its public key; `None` when no keystore is available
    /// to this call or the seed is invalid.
    pub fn sr25519_generate(key_type: crate::KeyTypeId, seed: Option<&[u8]>) -> Option<[u8; 32]> {
        #[cfg(feature = "std")]
        {
            crate::native::generate(crate::KeyScheme::Sr25519, key_type, seed)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::generate(crate::KeyScheme::Sr25519, key_type, seed)
        }
    }

    /// As [`sr25519_generate`], for an ed25519 key.
    pub fn ed25519_generate(key_type: crate::KeyTypeId, seed: Option<&[u8]>) -> Option<[u8; 32]> {
        #[cfg(feature = "std")]
        {
            crate::native::generate(crate::KeyScheme::Ed25519, key_type, seed)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::generate(crate::KeyScheme::Ed25519, key_type, seed)
        }
    }

    /// Whether `sig` is a valid ed25519 signature of `msg` by `public`.
    pub fn ed25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
        #[cfg(feature = "std")]
        {
            crate::native::ed25519_verify(sig, msg, public)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::ed25519_verify(sig, msg, public)
        }
    }
}

/// Logging from runtime code into the node's log.
pub mod logging {
    /// Severity of a log line; the numbers are the ABI values.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    #[repr(u32)]
    pub enum Level {
        /// Something failed.
        Error = 1,
        /// Something looks wrong.
        Warn = 2,
        /// Progress worth telling an operator.
        Info = 3,
        /// Detail for developers.
        Debug = 4,
        /// Very fine detail.
        Trace = 5,
    }

    impl Level {
        /// The level with ABI value `v`, or `None` for an unknown value.
        pub fn from_u32(v: u32) -> Option<Self> {
            Some(match v {
                1 => Self::Error,
                2 => Self::Warn,
                3 => Self::Info,
                4 => Self::Debug,
                5 => Self::Trace,
                _ => return None,
            })
        }
    }

    /// Writes one log line with `target` (usually the pallet name).
    pub fn log(level: Level, target: &str, message: &str) {
        #[cfg(feature = "std")]
        {
            crate::native::log(level, target, message)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::log(level, target, message)
        }
    }
}

/// Miscellaneous host services.
pub mod misc {
    use alloc::vec::Vec;

    /// The SCALE-encoded `RuntimeVersion` of the Wasm runtime `code`, or `None` when
    /// `code` is not a runtime the node can execute. Used by `System::set_code`.
    pub fn runtime_version(code: &[u8]) -> Option<Vec<u8>> {
        #[cfg(feature = "std")]
        {
            crate::native::runtime_version(code)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::runtime_version(code)
        }
    }

    /// Hands the message of a runtime panic to the host, which reports it as the error of
    /// the call. Called by the runtime's panic handler just before it traps.
    pub fn panic_message(message: &str) {
        #[cfg(feature = "std")]
        {
            crate::native::log(crate::logging::Level::Error, "runtime", message)
        }
        #[cfg(not(feature = "std"))]
        {
            crate::wasm::panic_message(message)
        }
    }
}

/// Host-side implementations of the pure host functions (hashing is `sp-crypto-hashing`
/// directly). The executor serves Wasm imports with these, so native and Wasm execution
/// agree bit for bit.
#[cfg(feature = "std")]
pub mod native;
