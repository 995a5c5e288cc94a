//! The one error type of the executor.

use crate::cache::hex;
use std::path::PathBuf;
use std::time::Duration;

/// Result of executor operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a runtime call (or setting up the executor) failed.
///
/// A failed call never takes the node down: whatever the runtime does, the caller gets
/// one of these. [`Error::is_deterministic`] tells apart failures every honest node sees
/// identically (the runtime's fault) from local ones (a timeout, a broken database).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The [`ExecutorConfig`](crate::ExecutorConfig) is unusable, e.g. a memory ceiling
    /// above the 4 GiB a 32-bit memory can address.
    #[error("invalid executor configuration: {reason}")]
    InvalidConfig {
        /// Which setting is wrong and why.
        reason: &'static str,
    },

    /// wasmtime refused the engine configuration or could not start (e.g. it could not
    /// reserve the virtual memory of the instance pool).
    #[error("cannot create the wasmtime engine")]
    Engine(#[source] wasmtime::Error),

    /// A thread of the executor could not be started: the epoch ticker that enforces
    /// call timeouts, or the worker of a nested `runtime_version` read.
    #[error("cannot start the `{name}` thread")]
    SpawnThread {
        /// The thread's name.
        name: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// [`RuntimeCode::hash`](crate::RuntimeCode) is not the blake2-256 of the code: a bug
    /// of the caller, caught before the wrong hash could poison the module caches.
    #[error(
        "runtime code hash mismatch: given 0x{}, code hashes to 0x{}",
        hex(given),
        hex(actual)
    )]
    CodeHashMismatch {
        /// The hash the caller passed.
        given: [u8; 32],
        /// The blake2-256 of the code.
        actual: [u8; 32],
    },

    /// The code is not valid WebAssembly, uses a disabled feature (threads, SIMD, ...) or
    /// cannot be compiled.
    #[error("cannot compile the runtime")]
    Compile(#[source] wasmtime::Error),

    /// The runtime imports something the node does not provide: a function outside the
    /// host-function table of `lattice_io::abi`, or anything not a function (a memory,
    /// a table, a global).
    #[error("runtime imports `{module}::{name}`, which the host does not provide")]
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },

    /// The runtime imports a host function with a signature other than the one in
    /// `lattice_io::abi`.
    #[error("runtime imports host function `{name}` with the wrong signature")]
    ImportSignature {
        /// The host function.
        name: String,
        /// wasmtime's description of the mismatch.
        #[source]
        source: wasmtime::Error,
    },

    /// An export the call needs is absent or has the wrong type: `memory`,
    /// `lattice_alloc(i32) -> i32`, or the entry point `(i32, i32) -> i64`.
    #[error("runtime has no export `{name}` of the expected type")]
    MissingExport {
        /// The export.
        name: String,
    },

    /// The runtime could not be instantiated (a data segment out of bounds, a start
    /// function that trapped, a memory larger than the pool's slots).
    #[error("cannot instantiate the runtime")]
    Instantiate(#[source] wasmtime::Error),

    /// Every instance slot of the pool is in use by concurrent calls; retry later or
    /// raise [`ExecutorConfig::max_instances`](crate::ExecutorConfig::max_instances).
    #[error("all {limit} runtime instance slots are busy")]
    TooManyInstances {
        /// The configured number of slots.
        limit: u32,
    },

    /// The runtime trapped: `unreachable` (how a Rust runtime ends a panic), an invalid
    /// memory access of its own, a division by zero, ...
    #[error("runtime {}", match panic_message {
        Some(message) => format!("panicked: {message}"),
        None => match code {
            Some(code) => format!("trapped: {}", code.to_string().trim_start_matches("wasm trap: ")),
            None => format!("trapped: {source}"),
        },
    })]
    Trap {
        /// The trap code, when wasmtime reports one.
        code: Option<wasmtime::Trap>,
        /// What the runtime passed to `ext_misc_panic_message_version_1` before
        /// trapping, if anything.
        panic_message: Option<String>,
        /// wasmtime's error, with the Wasm backtrace when available.
        #[source]
        source: wasmtime::Error,
    },

    /// The runtime exhausted its Wasm stack
    /// ([`ExecutorConfig::max_wasm_stack`](crate::ExecutorConfig::max_wasm_stack)).
    #[error("runtime exhausted its stack")]
    StackOverflow,

    /// The call ran longer than
    /// [`ExecutorConfig::call_timeout`](crate::ExecutorConfig::call_timeout) and was
    /// interrupted. Wall-clock dependent, so not deterministic.
    #[error("runtime call exceeded its time limit of {limit:?}")]
    Timeout {
        /// The configured limit.
        limit: Duration,
    },

    /// The runtime tried to grow its memory beyond the limit of the call (its initial
    /// memory plus the heap pages, capped by
    /// [`ExecutorConfig::max_memory_pages`](crate::ExecutorConfig::max_memory_pages)).
    #[error("runtime ran out of memory: limit is {limit_pages} pages of 64 KiB")]
    OutOfMemory {
        /// The memory limit of the call, in Wasm pages.
        limit_pages: u64,
    },

    /// A host function received a pointer and length outside the runtime's memory (or
    /// `lattice_alloc` returned such a buffer).
    #[error(
        "`{function}` got an out-of-bounds buffer: {len} bytes at {ptr} in a memory of {memory_size} bytes"
    )]
    OutOfBounds {
        /// The host function (or `lattice_alloc`).
        function: &'static str,
        /// Start of the buffer.
        ptr: u32,
        /// Length of the buffer.
        len: u64,
        /// Current size of the runtime's memory in bytes.
        memory_size: usize,
    },

    /// A host function received bytes that are not the SCALE encoding it expects
    /// (e.g. the `Vec<Vec<u8>>` of `ext_trie_blake2_256_ordered_root_version_1`).
    #[error("`{function}` got undecodable input")]
    Decode {
        /// The host function.
        function: &'static str,
        /// The decoding error.
        #[source]
        source: codec::Error,
    },

    /// The entry point returned a packed slice outside the runtime's memory.
    #[error("runtime returned an out-of-bounds output: {len} bytes at {ptr} in a memory of {memory_size} bytes")]
    InvalidOutput {
        /// Start of the returned slice.
        ptr: u32,
        /// Length of the returned slice.
        len: u32,
        /// Current size of the runtime's memory in bytes.
        memory_size: usize,
    },

    /// `ext_storage_commit_transaction_version_1` or `..._rollback_...` was called with
    /// no storage transaction open.
    #[error("`{function}` called with no storage transaction open")]
    NoOpenTransaction {
        /// The host function.
        function: &'static str,
    },

    /// The state backend below the externalities failed (a database read error, a
    /// missing trie node). Local to this node, so not deterministic.
    #[error(transparent)]
    Backend(#[from] lattice_io::StorageError),

    /// Reading or writing the on-disk module cache failed in a way that is not just a
    /// stale file (stale and corrupt files are ignored and recompiled).
    #[error("module cache I/O on {path}")]
    CacheIo {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether every honest node executing the same code on the same state fails the same
    /// way. Only deterministic failures may be turned into on-chain outcomes (e.g.
    /// `ext_misc_runtime_version_version_1` answering "not a runtime"); the others are
    /// local conditions to report or retry.
    pub fn is_deterministic(&self) -> bool {
        match self {
            Self::CodeHashMismatch { .. }
            | Self::Compile(_)
            | Self::UnknownImport { .. }
            | Self::ImportSignature { .. }
            | Self::MissingExport { .. }
            | Self::Instantiate(_)
            | Self::Trap { .. }
            | Self::OutOfMemory { .. }
            | Self::OutOfBounds { .. }
            | Self::Decode { .. }
            | Self::InvalidOutput { .. }
            | Self::NoOpenTransaction { .. } => true,
            // The stack depth reached depends on the native code generated for this
            // machine; timeouts and resources on the wall clock and the load.
            Self::StackOverflow
            | Self::Timeout { .. }
            | Self::TooManyInstances { .. }
            | Self::Backend(_)
            | Self::CacheIo { .. }
            | Self::InvalidConfig { .. }
            | Self::Engine(_)
            | Self::SpawnThread { .. } => false,
        }
    }

    /// The runtime's panic message, when the call failed because the runtime panicked.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            Self::Trap { panic_message, .. } => panic_message.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_display_prefers_the_panic_message() {
        let e = Error::Trap {
            code: Some(wasmtime::Trap::UnreachableCodeReached),
            panic_message: Some("balance too low".into()),
            source: wasmtime::Error::new(wasmtime::Trap::UnreachableCodeReached),
        };
        assert_eq!(e.to_string(), "runtime panicked: balance too low");
        assert_eq!(e.panic_message(), Some("balance too low"));
        assert!(e.is_deterministic());
        let e = Error::Trap {
            code: Some(wasmtime::Trap::IntegerDivisionByZero),
            panic_message: None,
            source: wasmtime::Error::new(wasmtime::Trap::IntegerDivisionByZero),
        };
        assert_eq!(e.to_string(), "runtime trapped: integer divide by zero");
    }
}
