//! The Lattice runtime compiled to Wasm, embedded for native crates.
//!
//! ## Bird's-eye view
//!
//! `build.rs` runs a nested `cargo rustc --crate-type cdylib --target wasm32-unknown-unknown`
//! of this very crate, whose Wasm build links `lattice-runtime` without `std` (its exports,
//! panic handler and allocator live there). The resulting blob is embedded as
//! [`WASM_BINARY`]. Set `SKIP_WASM_BUILD=1` to skip the nested build (the blob is then
//! `None`), e.g. for a quick `cargo check`.
//!
//! The nested build uses its own target directory (`<target>/wasm-runtime`), so it never
//! waits on the outer build's lock, and is size- and speed-optimised (`opt-level = 3`,
//! fat LTO, one codegen unit).
//!
//! ## Example
//!
//! ```
//! if let Some(blob) = lattice_runtime_wasm::WASM_BINARY {
//!     assert_eq!(&blob[..4], b"\0asm");
//! }
//! ```

#![cfg_attr(target_arch = "wasm32", no_std)]

// Links the runtime (its exports, panic handler and allocator) into the Wasm build.
#[cfg(target_arch = "wasm32")]
extern crate lattice_runtime;

/// The runtime's Wasm blob, or `None` when built with `SKIP_WASM_BUILD`.
#[cfg(not(target_arch = "wasm32"))]
pub const WASM_BINARY: Option<&[u8]> = {
    #[cfg(lattice_wasm_built)]
    {
        Some(include_bytes!(concat!(env!("OUT_DIR"), "/lattice_runtime.wasm")))
    }
    #[cfg(not(lattice_wasm_built))]
    {
        None
    }
};

/// The same runtime with `spec_version` one higher (feature `upgrade-test`), for tests
/// of forkless upgrades; `None` when built with `SKIP_WASM_BUILD`.
#[cfg(not(target_arch = "wasm32"))]
pub const WASM_BINARY_UPGRADE_TEST: Option<&[u8]> = {
    #[cfg(lattice_wasm_built)]
    {
        Some(include_bytes!(concat!(env!("OUT_DIR"), "/lattice_runtime_upgrade_test.wasm")))
    }
    #[cfg(not(lattice_wasm_built))]
    {
        None
    }
};
