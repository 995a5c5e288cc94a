//! WAT runtimes following the ABI, and an executor configured for fast tests.

use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
use std::time::Duration;

/// Call timeout of test executors: long enough for any honest test call, short enough
/// for the hostile ones to end quickly.
pub(crate) const TIMEOUT: Duration = Duration::from_millis(300);

pub(crate) fn config() -> ExecutorConfig {
    ExecutorConfig { call_timeout: TIMEOUT, max_instances: 16, ..Default::default() }
}

pub(crate) fn executor() -> WasmExecutor {
    WasmExecutor::new(config()).expect("test executor starts")
}

/// Every host function, imported under a short name.
const IMPORTS: &str = r#"
  (import "env" "ext_storage_get_version_1" (func $get (param i64) (result i64)))
  (import "env" "ext_storage_exists_version_1" (func $exists (param i64) (result i32)))
  (import "env" "ext_storage_set_version_1" (func $set (param i64 i64)))
  (import "env" "ext_storage_clear_version_1" (func $clear (param i64)))
  (import "env" "ext_storage_next_key_version_1" (func $next_key (param i64) (result i64)))
  (import "env" "ext_storage_clear_prefix_version_1" (func $clear_prefix (param i64 i32) (result i64)))
  (import "env" "ext_storage_root_version_1" (func $root (param i32)))
  (import "env" "ext_storage_start_transaction_version_1" (func $start))
  (import "env" "ext_storage_commit_transaction_version_1" (func $commit))
  (import "env" "ext_storage_rollback_transaction_version_1" (func $rollback))
  (import "env" "ext_hashing_blake2_128_version_1" (func $blake2_128 (param i64 i32)))
  (import "env" "ext_hashing_blake2_256_version_1" (func $blake2_256 (param i64 i32)))
  (import "env" "ext_hashing_twox_64_version_1" (func $twox_64 (param i64 i32)))
  (import "env" "ext_hashing_twox_128_version_1" (func $twox_128 (param i64 i32)))
  (import "env" "ext_hashing_twox_256_version_1" (func $twox_256 (param i64 i32)))
  (import "env" "ext_hashing_keccak_256_version_1" (func $keccak_256 (param i64 i32)))
  (import "env" "ext_crypto_sr25519_verify_version_1" (func $sr25519_verify (param i32 i64 i32) (result i32)))
  (import "env" "ext_crypto_ed25519_verify_version_1" (func $ed25519_verify (param i32 i64 i32) (result i32)))
  (import "env" "ext_logging_log_version_1" (func $log (param i32 i64 i64)))
  (import "env" "ext_misc_runtime_version_version_1" (func $runtime_version (param i64) (result i64)))
  (import "env" "ext_misc_panic_message_version_1" (func $panic_message (param i64)))
  (import "env" "ext_trie_blake2_256_ordered_root_version_1" (func $ordered_root (param i64 i32)))
"#;

/// Memory (2 pages, the heap from page 1), a bump `lattice_alloc` that grows memory as
/// needed, and helpers: `$pack`, `$ptr`, `$len`, `$option` (a packed slice or `NONE`
/// as `0x00` / `0x01 ++ bytes`), `$bytes` (a fresh copy of `n` bytes), `$u32_le`.
const PRELUDE: &str = r#"
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 65536))
  (func $alloc (export "lattice_alloc") (param $size i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $next))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow (i32.add (i32.const 1) (i32.shr_u
                (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
                (i32.const 16))))
              (i32.const -1))
          (then unreachable))))
    (global.set $next (local.get $end))
    (local.get $p))
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 32))
            (i64.extend_i32_u (local.get $ptr))))
  (func $ptr (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func $len (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func $option (param $r i64) (result i64)
    (local $out i32) (local $n i32)
    (if (result i64) (i64.eq (local.get $r) (i64.const -1))
      (then
        (local.set $out (call $alloc (i32.const 1)))
        (i32.store8 (local.get $out) (i32.const 0))
        (call $pack (local.get $out) (i32.const 1)))
      (else
        (local.set $n (call $len (local.get $r)))
        (local.set $out (call $alloc (i32.add (local.get $n) (i32.const 1))))
        (i32.store8 (local.get $out) (i32.const 1))
        (memory.copy (i32.add (local.get $out) (i32.const 1)) (call $ptr (local.get $r)) (local.get $n))
        (call $pack (local.get $out) (i32.add (local.get $n) (i32.const 1))))))
  (func $u32_le (param $v i32) (result i64)
    (local $out i32)
    (local.set $out (call $alloc (i32.const 4)))
    (i32.store (local.get $out) (local.get $v))
    (call $pack (local.get $out) (i32.const 4)))
"#;

/// The WAT text of a runtime with every import, the prelude and `body`.
pub(crate) fn wat(body: &str) -> String {
    format!("(module {IMPORTS} {PRELUDE} {body})")
}

/// A runtime with every import, the prelude and `body` (WAT is accepted because the
/// tests enable wasmtime's `wat` feature).
pub(crate) fn runtime(body: &str) -> RuntimeCode {
    RuntimeCode::new(wat(body).into_bytes())
}

/// `Core_version` returning `version`.
pub(crate) fn versioned(version: &str, extra: &str) -> String {
    let bytes: String = version.bytes().map(|b| format!("\\{b:02x}")).collect();
    wat(&format!(
        r#"(data (i32.const 256) "{bytes}")
           (func (export "Core_version") (param i32 i32) (result i64)
             (call $pack (i32.const 256) (i32.const {len})))
           {extra}"#,
        len = version.len()
    ))
}
