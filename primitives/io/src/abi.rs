//! The Wasm calling convention between the runtime and the node.
//!
//! This is the one contract both sides implement: the runtime's imports in `wasm.rs` and
//! the executor's host functions in `lattice-executor`.
//!
//! ## Memory and values
//!
//! - The runtime exports its linear memory as `memory` and an allocator
//!   `lattice_alloc(size: i32) -> i32` returning a pointer to `size` writable bytes (or
//!   trapping when out of memory). The host uses it to pass arguments and to return
//!   variable-length results. Every call runs in a fresh instance, so nothing is freed.
//! - A byte slice crosses as one `i64`: [`pack`]`(ptr, len)` = `len << 32 | ptr`.
//! - An absent optional slice is [`NONE`] (`-1`, all bits set).
//! - A fixed-size output (a hash, a root) is written by the host to an out-pointer `i32`
//!   the runtime provides.
//!
//! ## Entry points
//!
//! Every runtime API function is an export named `<Api>_<method>` (e.g. `Core_version`)
//! with signature `(ptr: i32, len: i32) -> i64`: the SCALE-encoded arguments in, the
//! SCALE-encoded result out as a packed slice.
//!
//! ## Host functions (module `env`)
//!
//! | import | signature | meaning |
//! |---|---|---|
//! | `ext_storage_get_version_1` | `(key: i64) -> i64` | value slice, or `NONE` |
//! | `ext_storage_exists_version_1` | `(key: i64) -> i32` | 1 if a value exists |
//! | `ext_storage_set_version_1` | `(key: i64, value: i64)` | |
//! | `ext_storage_clear_version_1` | `(key: i64)` | |
//! | `ext_storage_next_key_version_1` | `(key: i64) -> i64` | next key slice, or `NONE` |
//! | `ext_storage_clear_prefix_version_1` | `(prefix: i64, limit: i32) -> i64` | `limit` as `u32`, `u32::MAX` = none; returns `removed | complete << 32` |
//! | `ext_storage_root_version_1` | `(out: i32)` | writes 32 bytes |
//! | `ext_storage_start_transaction_version_1` | `()` | |
//! | `ext_storage_commit_transaction_version_1` | `()` | traps if none open |
//! | `ext_storage_rollback_transaction_version_1` | `()` | traps if none open |
//! | `ext_hashing_{blake2_128,blake2_256,twox_64,twox_128,twox_256,keccak_256}_version_1` | `(data: i64, out: i32)` | writes 16, 32, 8, 16, 32, 32 bytes |
//! | `ext_crypto_sr25519_verify_version_1` | `(sig: i32, msg: i64, public: i32) -> i32` | sig 64 bytes, public 32 bytes; 1 if valid |
//! | `ext_crypto_ed25519_verify_version_1` | `(sig: i32, msg: i64, public: i32) -> i32` | as above |
//! | `ext_crypto_sr25519_verify_prefetch_version_1` | `(checks: i64)` | SCALE `Vec<([u8; 64], Vec<u8>, [u8; 32])>` of (signature, message, public) that will be verified; a hint with no result |
//! | `ext_crypto_sr25519_generate_version_1` | `(key_type: i32, seed: i64, out: i32) -> i32` | key type 4 bytes; seed a UTF-8 secret URI or `NONE` (random); writes the 32-byte public key; 1 on success, 0 when there is no keystore or the seed is invalid |
//! | `ext_crypto_ed25519_generate_version_1` | `(key_type: i32, seed: i64, out: i32) -> i32` | as above, ed25519 |
//! | `ext_logging_log_version_1` | `(level: i32, target: i64, message: i64)` | level as [`crate::logging::Level`] |
//! | `ext_misc_runtime_version_version_1` | `(code: i64) -> i64` | encoded `RuntimeVersion`, or `NONE` |
//! | `ext_misc_panic_message_version_1` | `(message: i64)` | the runtime's panic text, before it traps |
//! | `ext_trie_blake2_256_ordered_root_version_1` | `(items: i64, out: i32)` | `items` is a SCALE `Vec<Vec<u8>>`; writes the 32-byte ordered trie root |

/// The value of an absent optional slice.
pub const NONE: i64 = -1;

/// Packs a pointer and a length into one `i64`.
pub const fn pack(ptr: u32, len: u32) -> i64 {
    ((len as u64) << 32 | ptr as u64) as i64
}

/// Splits a packed slice into `(ptr, len)`.
pub const fn unpack(packed: i64) -> (u32, u32) {
    let v = packed as u64;
    (v as u32, (v >> 32) as u32)
}

/// The name of the allocator the runtime exports.
pub const ALLOC_EXPORT: &str = "lattice_alloc";

/// The name of the exported linear memory.
pub const MEMORY_EXPORT: &str = "memory";

/// The module name of every host function.
pub const HOST_MODULE: &str = "env";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        for (p, l) in [(0, 0), (1, 2), (u32::MAX - 1, 7), (65536, u32::MAX - 1)] {
            assert_eq!(unpack(pack(p, l)), (p, l));
        }
        assert_ne!(pack(u32::MAX - 1, u32::MAX - 1), NONE);
    }
}
