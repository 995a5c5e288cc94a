//! The runtime side of the host functions: imports of module `env`, wrapped into safe
//! functions. The convention is in [`crate::abi`].

use crate::abi::{pack, unpack, NONE};
use crate::logging::Level;
use crate::ClearPrefixOutcome;
use alloc::vec::Vec;

#[link(wasm_import_module = "env")]
extern "C" {
    fn ext_storage_get_version_1(key: i64) -> i64;
    fn ext_storage_exists_version_1(key: i64) -> i32;
    fn ext_storage_set_version_1(key: i64, value: i64);
    fn ext_storage_clear_version_1(key: i64);
    fn ext_storage_next_key_version_1(key: i64) -> i64;
    fn ext_storage_clear_prefix_version_1(prefix: i64, limit: i32) -> i64;
    fn ext_storage_root_version_1(out: i32);
    fn ext_storage_start_transaction_version_1();
    fn ext_storage_commit_transaction_version_1();
    fn ext_storage_rollback_transaction_version_1();
    fn ext_hashing_blake2_128_version_1(data: i64, out: i32);
    fn ext_hashing_blake2_256_version_1(data: i64, out: i32);
    fn ext_hashing_twox_64_version_1(data: i64, out: i32);
    fn ext_hashing_twox_128_version_1(data: i64, out: i32);
    fn ext_hashing_twox_256_version_1(data: i64, out: i32);
    fn ext_hashing_keccak_256_version_1(data: i64, out: i32);
    fn ext_crypto_sr25519_verify_version_1(sig: i32, msg: i64, public: i32) -> i32;
    fn ext_crypto_ed25519_verify_version_1(sig: i32, msg: i64, public: i32) -> i32;
    fn ext_logging_log_version_1(level: i32, target: i64, message: i64);
    fn ext_misc_runtime_version_version_1(code: i64) -> i64;
    fn ext_misc_panic_message_version_1(message: i64);
    fn ext_trie_blake2_256_ordered_root_version_1(items: i64, out: i32);
    fn ext_crypto_sr25519_verify_prefetch_version_1(checks: i64);
    fn ext_crypto_sr25519_generate_version_1(key_type: i32, seed: i64, out: i32) -> i32;
    fn ext_crypto_ed25519_generate_version_1(key_type: i32, seed: i64, out: i32) -> i32;
}

fn slice(data: &[u8]) -> i64 {
    pack(data.as_ptr() as u32, data.len() as u32)
}

/// Takes ownership of a buffer the host allocated with `lattice_alloc`.
fn owned(packed: i64) -> Option<Vec<u8>> {
    if packed == NONE {
        return None;
    }
    let (ptr, len) = unpack(packed);
    if len == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the host allocated exactly `len` bytes at `ptr` through `lattice_alloc`
    // (the global allocator, with alignment 1) and filled them; ownership passes to us.
    Some(unsafe { Vec::from_raw_parts(ptr as *mut u8, len as usize, len as usize) })
}

pub(crate) fn storage_get(key: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: the import only reads the slice passed to it.
    owned(unsafe { ext_storage_get_version_1(slice(key)) })
}

pub(crate) fn storage_exists(key: &[u8]) -> bool {
    // SAFETY: the import only reads the slice passed to it.
    unsafe { ext_storage_exists_version_1(slice(key)) == 1 }
}

pub(crate) fn storage_set(key: &[u8], value: &[u8]) {
    // SAFETY: the import only reads the slices passed to it.
    unsafe { ext_storage_set_version_1(slice(key), slice(value)) }
}

pub(crate) fn storage_clear(key: &[u8]) {
    // SAFETY: the import only reads the slice passed to it.
    unsafe { ext_storage_clear_version_1(slice(key)) }
}

pub(crate) fn storage_next_key(key: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: the import only reads the slice passed to it.
    owned(unsafe { ext_storage_next_key_version_1(slice(key)) })
}

pub(crate) fn storage_clear_prefix(prefix: &[u8], limit: Option<u32>) -> ClearPrefixOutcome {
    let limit = limit.unwrap_or(u32::MAX) as i32;
    // SAFETY: the import only reads the slice passed to it.
    let r = unsafe { ext_storage_clear_prefix_version_1(slice(prefix), limit) } as u64;
    ClearPrefixOutcome { removed: r as u32, complete: (r >> 32) & 1 == 1 }
}

pub(crate) fn storage_root() -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: the host writes exactly 32 bytes to `out`.
    unsafe { ext_storage_root_version_1(out.as_mut_ptr() as i32) };
    out
}

pub(crate) fn storage_start_transaction() {
    // SAFETY: no memory is passed.
    unsafe { ext_storage_start_transaction_version_1() }
}

pub(crate) fn storage_commit_transaction() {
    // SAFETY: no memory is passed.
    unsafe { ext_storage_commit_transaction_version_1() }
}

pub(crate) fn storage_rollback_transaction() {
    // SAFETY: no memory is passed.
    unsafe { ext_storage_rollback_transaction_version_1() }
}

macro_rules! hash_import {
    ($name:ident, $import:ident, $len:literal) => {
        pub(crate) fn $name(data: &[u8]) -> [u8; $len] {
            let mut out = [0u8; $len];
            // SAFETY: the host reads `data` and writes exactly `$len` bytes to `out`.
            unsafe { $import(slice(data), out.as_mut_ptr() as i32) };
            out
        }
    };
}
hash_import!(blake2_128, ext_hashing_blake2_128_version_1, 16);
hash_import!(blake2_256, ext_hashing_blake2_256_version_1, 32);
hash_import!(twox_64, ext_hashing_twox_64_version_1, 8);
hash_import!(twox_128, ext_hashing_twox_128_version_1, 16);
hash_import!(twox_256, ext_hashing_twox_256_version_1, 32);
hash_import!(keccak_256, ext_hashing_keccak_256_version_1, 32);

pub(crate) fn sr25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
    // SAFETY: the host reads 64 bytes at `sig`, the `msg` slice and 32 bytes at `public`.
    unsafe {
        ext_crypto_sr25519_verify_version_1(sig.as_ptr() as i32, slice(msg), public.as_ptr() as i32)
            == 1
    }
}

pub(crate) fn ed25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
    // SAFETY: the host reads 64 bytes at `sig`, the `msg` slice and 32 bytes at `public`.
    unsafe {
        ext_crypto_ed25519_verify_version_1(sig.as_ptr() as i32, slice(msg), public.as_ptr() as i32)
            == 1
    }
}

pub(crate) fn sr25519_verify_prefetch(checks: &[([u8; 64], Vec<u8>, [u8; 32])]) {
    use codec::Encode;
    let encoded = checks.encode();
    // SAFETY: the import only reads the slice passed to it.
    unsafe { ext_crypto_sr25519_verify_prefetch_version_1(slice(&encoded)) }
}

pub(crate) fn generate(
    scheme: crate::KeyScheme,
    key_type: crate::KeyTypeId,
    seed: Option<&[u8]>,
) -> Option<[u8; 32]> {
    let seed = seed.map_or(NONE, slice);
    let mut out = [0u8; 32];
    let (key_type, out_ptr) = (key_type.as_ptr() as i32, out.as_mut_ptr() as i32);
    // SAFETY: the host reads 4 bytes at `key_type` and the seed slice, and writes exactly
    // 32 bytes to `out`.
    let ok = unsafe {
        match scheme {
            crate::KeyScheme::Sr25519 => {
                ext_crypto_sr25519_generate_version_1(key_type, seed, out_ptr)
            }
            crate::KeyScheme::Ed25519 => {
                ext_crypto_ed25519_generate_version_1(key_type, seed, out_ptr)
            }
        }
    };
    (ok == 1).then_some(out)
}

pub(crate) fn log(level: Level, target: &str, message: &str) {
    // SAFETY: the import only reads the slices passed to it.
    unsafe {
        ext_logging_log_version_1(level as i32, slice(target.as_bytes()), slice(message.as_bytes()))
    }
}

pub(crate) fn runtime_version(code: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: the import only reads the slice passed to it.
    owned(unsafe { ext_misc_runtime_version_version_1(slice(code)) })
}

pub(crate) fn blake2_256_ordered_root(items: &[Vec<u8>]) -> [u8; 32] {
    use codec::Encode;
    let encoded = items.encode();
    let mut out = [0u8; 32];
    // SAFETY: the host reads the `encoded` slice and writes exactly 32 bytes to `out`.
    unsafe { ext_trie_blake2_256_ordered_root_version_1(slice(&encoded), out.as_mut_ptr() as i32) };
    out
}

pub(crate) fn panic_message(message: &str) {
    // SAFETY: the import only reads the slice passed to it.
    unsafe { ext_misc_panic_message_version_1(slice(message.as_bytes())) }
}

/// The allocator the host uses to pass arguments in and results out (see [`crate::abi`]).
/// Allocates with alignment 1 from the global allocator, so the runtime can take the
/// buffers over as `Vec<u8>`.
#[no_mangle]
extern "C" fn lattice_alloc(size: i32) -> i32 {
    let size = size as u32 as usize;
    if size == 0 {
        return 1;
    }
    let layout = match core::alloc::Layout::from_size_align(size, 1) {
        Ok(layout) => layout,
        Err(_) => core::arch::wasm32::unreachable(),
    };
    // SAFETY: `layout` has a non-zero size.
    let ptr = unsafe { alloc::alloc::alloc(layout) };
    if ptr.is_null() {
        core::arch::wasm32::unreachable()
    }
    ptr as i32
}
