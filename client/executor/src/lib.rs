//! Executes the Lattice Wasm runtime in wasmtime, serving it the node's host functions.
//!
//! ## Bird's-eye view
//!
//! The node hands [`WasmExecutor::call`] a runtime ([`RuntimeCode`]: the `:code` blob,
//! its hash and the chain's heap pages), the storage to run against (a
//! [`lattice_io::Externalities`]), an entry point name such as `Core_execute_block`, and
//! SCALE-encoded arguments. What happens then:
//!
//! 1. **Compile once per code hash.** The code is looked up in an in-memory LRU of
//!    linked modules (`InstancePre`), then in the on-disk cache under
//!    [`ExecutorConfig::cache_dir`] (files named by code hash and engine fingerprint,
//!    checksummed; a bad file is ignored and recompiled), and only then compiled with
//!    Cranelift.
//! 2. **A fresh instance per call**, taken from wasmtime's pooling allocator with
//!    copy-on-write memory initialisation: no state leaks between calls and
//!    instantiation costs microseconds.
//! 3. **The call runs bounded**: memory (initial pages + heap pages, capped by
//!    [`ExecutorConfig::max_memory_pages`]), Wasm stack, and wall-clock time through
//!    epoch interruption driven by a ticker thread the executor owns. Whatever the
//!    runtime does, the call ends with a result or an [`Error`]; the node stays up.
//! 4. **Host functions** (the table of `lattice_io::abi`) read arguments from the
//!    runtime's memory after bounds checks, forward storage to the externalities, hash
//!    with `sp-crypto-hashing`, verify signatures with `lattice_io::native` behind a
//!    verified-signature cache, and return variable-length results through the
//!    runtime's `lattice_alloc`.
//!
//! The configuration is deterministic (NaN canonicalisation; no threads, SIMD or
//! relaxed SIMD), so every node computes the same result; [`Error::is_deterministic`]
//! tells which failures every node shares.
//!
//! ## Example
//!
//! A runtime is any module following the ABI; this one stores its input under `"k"`.
//!
//! ```
//! use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
//! use lattice_io::TestExternalities;
//!
//! let wat = r#"(module
//!   (import "env" "ext_storage_set_version_1" (func $set (param i64 i64)))
//!   (memory (export "memory") 1)
//!   (data (i32.const 0) "k")
//!   (global $next (mut i32) (i32.const 1024))
//!   (func (export "lattice_alloc") (param $size i32) (result i32)
//!     (global.get $next)
//!     (global.set $next (i32.add (global.get $next) (local.get $size))))
//!   (func (export "store_input") (param $ptr i32) (param $len i32) (result i64)
//!     ;; key = (ptr 0, len 1), value = the input; returns an empty slice
//!     (call $set (i64.const 0x1_0000_0000)
//!       (i64.or (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 32))
//!               (i64.extend_i32_u (local.get $ptr))))
//!     (i64.const 0)))"#;
//!
//! let executor = WasmExecutor::new(ExecutorConfig::default())?;
//! let code = RuntimeCode::new(wat.as_bytes());
//! let mut ext = TestExternalities::default();
//! let output = executor.call(&code, &mut ext, "store_input", b"hello")?;
//! assert!(output.is_empty());
//! assert_eq!(ext.get(b"k"), Some(&b"hello"[..]));
//! # Ok::<(), lattice_executor::Error>(())
//! ```
//!
//! (The text format is accepted here because wasmtime's `wat` feature is on in this
//! crate's dev-dependencies; the node passes binary Wasm.)
//!
//! ## Feature flags
//!
//! None.

mod cache;
mod config;
mod error;
mod executor;
mod host;
mod sig_cache;
mod ticker;

pub use config::ExecutorConfig;
pub use error::{Error, Result};
pub use executor::{ExecutorStats, RuntimeCode, WasmExecutor};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executor_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<WasmExecutor>();
        assert_send_sync::<Error>();
    }
}
