//! What an operator can tune, and the wasmtime configuration derived from it.

use crate::{Error, Result};
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, WasmFeatures,
};

/// Size of a Wasm page.
pub(crate) const WASM_PAGE: u64 = 64 * 1024;

/// Pages a 32-bit memory can address (4 GiB).
const MAX_PAGES_32: u64 = 65536;

/// Settings of a [`WasmExecutor`](crate::WasmExecutor).
///
/// The defaults suit a validator; the limits that decide whether a block is valid
/// (memory) should be the same on every node, so change them network-wide.
#[derive(Debug, Clone)]
pub struct ExecutorConfig {
    /// Directory of the on-disk cache of compiled runtimes (usually
    /// `<base-path>/chains/<id>/wasm-cache`); `None` keeps compiled code in memory only.
    pub cache_dir: Option<PathBuf>,
    /// Hard ceiling on a runtime's linear memory, in 64 KiB pages, whatever the heap
    /// pages say. Also the size of each slot of the instance pool. Default 8192 (512 MiB).
    pub max_memory_pages: u64,
    /// Pages a call may grow the memory by beyond the runtime's initial memory, when
    /// the chain does not set `:heappages` ([`RuntimeCode::heap_pages`](crate::RuntimeCode)).
    /// Default 2048 (128 MiB).
    pub default_heap_pages: u64,
    /// Bytes of native stack the Wasm code may use; deeper recursion fails the call with
    /// [`Error::StackOverflow`]. The calling thread needs this much plus about 1 MiB of
    /// stack. Default 1 MiB.
    pub max_wasm_stack: usize,
    /// Wall-clock limit of one call, enforced with epoch interruption at a granularity
    /// of about 10 ms. Default 60 s (a block must execute well within it).
    pub call_timeout: Duration,
    /// Verified signatures remembered, so a transaction checked by the pool is not
    /// verified again when the block is built or imported. 0 disables the cache.
    /// Default 65536 (about 9 MiB).
    pub signature_cache_size: u32,
    /// Compiled runtimes kept in memory (each a few MiB of code). Default 4.
    pub module_cache_size: u32,
    /// Instances that may exist at once (concurrent calls, plus one per nested
    /// `runtime_version` read). Each reserves about 4 GiB of virtual address space.
    /// Default 64.
    pub max_instances: u32,
}

impl Default for ExecutorConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            max_memory_pages: 8192,
            default_heap_pages: 2048,
            max_wasm_stack: 1024 * 1024,
            call_timeout: Duration::from_secs(60),
            signature_cache_size: 65536,
            module_cache_size: 4,
            max_instances: 64,
        }
    }
}

impl ExecutorConfig {
    /// The wasmtime engine of this configuration.
    ///
    /// Determinism: NaNs are canonicalised, threads, SIMD (hence relaxed SIMD),
    /// multi-memory and memory64 are off, fuel is not used. Memory, stack and time are
    /// bounded so that a hostile runtime fails its call, never the process.
    pub(crate) fn engine(&self) -> Result<Engine> {
        if self.max_memory_pages == 0 || self.max_memory_pages > MAX_PAGES_32 {
            return Err(Error::InvalidConfig {
                reason: "max_memory_pages must be between 1 and 65536",
            });
        }
        if self.max_instances == 0 {
            return Err(Error::InvalidConfig { reason: "max_instances must be at least 1" });
        }
        if self.max_wasm_stack < 64 * 1024 {
            return Err(Error::InvalidConfig { reason: "max_wasm_stack must be at least 64 KiB" });
        }
        if self.call_timeout.is_zero() {
            return Err(Error::InvalidConfig { reason: "call_timeout must not be zero" });
        }

        let mut pool = PoolingAllocationConfig::new();
        pool.total_core_instances(self.max_instances)
            .total_memories(self.max_instances)
            .total_tables(self.max_instances)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            // Rust runtimes keep one function table of a few thousand entries.
            .table_elements(65536)
            .max_memory_size((self.max_memory_pages * WASM_PAGE) as usize)
            // Reset the first MiB of a freed slot (a Rust runtime's stack and hot data)
            // with memset, only its dirty pages where the kernel can scan them
            // (PAGEMAP_SCAN, Linux 6.7+), instead of madvise and page faults on reuse:
            // an empty call drops from ~20 µs to ~6 µs, for at most 1 MiB resident
            // per warm slot.
            .linear_memory_keep_resident(1 << 20)
            .table_keep_resident(64 << 10)
            .pagemap_scan(wasmtime::Enabled::Auto);

        let mut config = Config::new();
        config
            .cranelift_opt_level(OptLevel::Speed)
            .cranelift_nan_canonicalization(true)
            .wasm_relaxed_simd(false)
            .wasm_simd(false)
            .wasm_features(WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS, false)
            .wasm_multi_memory(false)
            .wasm_memory64(false)
            .consume_fuel(false)
            .epoch_interruption(true)
            .max_wasm_stack(self.max_wasm_stack)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            .memory_init_cow(true)
            .parallel_compilation(true);
        Engine::new(&config).map_err(Error::Engine)
    }
}

/// A stable fingerprint of everything that decides whether a compiled artifact fits an
/// engine (wasmtime version, target, compiler flags, enabled features), for the names of
/// cache files. Stable across processes, unlike `DefaultHasher` seeds.
pub(crate) fn engine_fingerprint(engine: &Engine) -> [u8; 32] {
    use std::hash::{Hash, Hasher};

    /// Collects the bytes fed to it, to hash them with blake2 afterwards.
    struct Collect(Vec<u8>);
    impl Hasher for Collect {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }
    }

    let mut collect = Collect(crate::cache::CACHE_FORMAT.to_vec());
    engine.precompile_compatibility_hash().hash(&mut collect);
    sp_crypto_hashing::blake2_256(&collect.0)
}
