//! [`WasmExecutor`]: runs entry points of a runtime in a fresh instance per call.

use crate::cache::ModuleCache;
use crate::config::ExecutorConfig;
use crate::host::{self, HostState};
use crate::sig_cache::SignatureCache;
use crate::ticker::EpochTicker;
use crate::{Error, Result};
use lattice_io::abi::{unpack, ALLOC_EXPORT, MEMORY_EXPORT};
use lattice_io::Externalities;
use parking_lot::Mutex;
use schnellru::{ByLength, LruMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wasmtime::{Engine, ExternType, InstancePre, Linker, Module, Store, Trap};

/// The export every runtime has, returning its SCALE-encoded `RuntimeVersion`.
const CORE_VERSION: &str = "Core_version";

/// Runtime versions remembered (the live runtime plus a few `set_code` candidates).
const VERSION_CACHE_SIZE: u32 = 16;

/// A runtime to execute: the Wasm blob (as stored at `:code`) and what identifies it.
#[derive(Clone)]
pub struct RuntimeCode {
    /// The Wasm binary.
    pub code: Arc<[u8]>,
    /// blake2-256 of `code`, the key of every cache. Checked whenever the code is
    /// compiled or loaded from disk; a mismatch fails with [`Error::CodeHashMismatch`].
    pub hash: [u8; 32],
    /// The chain's `:heappages`, if set: how many 64 KiB pages the runtime may grow its
    /// memory by. `None` uses [`ExecutorConfig::default_heap_pages`].
    pub heap_pages: Option<u64>,
}

impl RuntimeCode {
    /// The runtime `code`, hashing it, with the default heap pages.
    pub fn new(code: impl Into<Arc<[u8]>>) -> Self {
        let code = code.into();
        let hash = sp_crypto_hashing::blake2_256(&code);
        Self { code, hash, heap_pages: None }
    }

    /// Sets the heap pages (the chain's `:heappages`).
    pub fn with_heap_pages(mut self, heap_pages: Option<u64>) -> Self {
        self.heap_pages = heap_pages;
        self
    }
}

impl std::fmt::Debug for RuntimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeCode")
            .field("hash", &format_args!("0x{}", crate::cache::hex(&self.hash)))
            .field("len", &self.code.len())
            .field("heap_pages", &self.heap_pages)
            .finish()
    }
}

/// Counters of an executor since it was created (see [`WasmExecutor::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecutorStats {
    /// Runtimes compiled from Wasm.
    pub compiled: u64,
    /// Runtimes loaded from the on-disk cache instead.
    pub loaded_from_disk: u64,
    /// Cache files ignored (corrupt, truncated or incompatible) and replaced.
    pub rejected_cache_files: u64,
    /// Instances created (one per call, nested version reads included).
    pub instantiations: u64,
    /// Signature checks answered by the verified-signature cache.
    pub signature_cache_hits: u64,
    /// Signature checks that ran the verification (cache enabled, not found).
    pub signature_cache_misses: u64,
}

/// Executes Wasm runtimes with the node's host functions.
///
/// Cheap to clone (one `Arc`) and `Send + Sync`: clones share the engine, the caches and
/// the epoch ticker thread, which stops when the last clone is dropped. Each call runs
/// in a fresh instance taken from a pool and initialised copy-on-write, so calls are
/// independent and may run on several threads at once.
#[derive(Clone)]
pub struct WasmExecutor {
    inner: Arc<Inner>,
}

/// A SCALE-encoded `RuntimeVersion`.
type Version = Arc<[u8]>;

/// A compiled, linked runtime.
pub(crate) struct Prepared {
    pre: InstancePre<HostState>,
    /// Initial size of the runtime's memory, in pages.
    initial_pages: u64,
}

pub(crate) struct Inner {
    config: ExecutorConfig,
    engine: Engine,
    linker: Linker<HostState>,
    modules: ModuleCache<Prepared>,
    /// `Core_version` per code hash; `None` for code that deterministically is no
    /// runtime (remembered for `ext_misc_runtime_version_version_1` only).
    versions: Mutex<LruMap<[u8; 32], Option<Version>>>,
    pub(crate) signatures: SignatureCache,
    instantiations: AtomicU64,
    _ticker: EpochTicker,
}

impl WasmExecutor {
    /// An executor with `config`: creates the engine and its instance pool, the cache
    /// directory if missing, and starts the epoch ticker thread.
    pub fn new(config: ExecutorConfig) -> Result<Self> {
        let engine = config.engine()?;
        let linker = host::linker(&engine).map_err(Error::Engine)?;
        let modules =
            ModuleCache::new(&engine, config.module_cache_size, config.cache_dir.clone())?;
        let ticker = EpochTicker::start(engine.clone())
            .map_err(|source| Error::SpawnThread { name: "wasm-epoch", source })?;
        let inner = Inner {
            signatures: SignatureCache::new(config.signature_cache_size),
            versions: Mutex::new(LruMap::new(ByLength::new(VERSION_CACHE_SIZE))),
            config,
            engine,
            linker,
            modules,
            instantiations: AtomicU64::new(0),
            _ticker: ticker,
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Calls the entry point `method` (e.g. `Core_execute_block`) of `code` with the
    /// SCALE-encoded `input`, against the storage `ext`; returns the SCALE-encoded output.
    ///
    /// Storage writes go to `ext` as the runtime makes them; on error they are left as
    /// they are, and the caller discards them (as block import discards a failed block's
    /// overlay).
    pub fn call(
        &self,
        code: &RuntimeCode,
        ext: &mut dyn Externalities,
        method: &str,
        input: &[u8],
    ) -> Result<Vec<u8>> {
        self.inner.call(code, ext, method, input, 0)
    }

    /// The SCALE-encoded `RuntimeVersion` of `code`: its `Core_version` called with no
    /// input on empty storage. Remembered per code hash.
    pub fn runtime_version(&self, code: &RuntimeCode) -> Result<Vec<u8>> {
        if let Some(Some(version)) = self.inner.versions.lock().get(&code.hash) {
            return Ok(version.to_vec());
        }
        let version = self.inner.read_version(code)?;
        self.inner.versions.lock().insert(code.hash, Some(version.clone()));
        Ok(version.to_vec())
    }

    /// Compiles (or loads from the disk cache) and links `code` without calling it, so
    /// the first call does not pay for compilation.
    pub fn prepare(&self, code: &RuntimeCode) -> Result<()> {
        self.inner.prepared(code).map(drop)
    }

    /// Counters since this executor (or the executor it was cloned from) was created.
    pub fn stats(&self) -> ExecutorStats {
        let c = &self.inner.modules.counters;
        let (hits, misses) = self.inner.signatures.counts();
        ExecutorStats {
            compiled: c.compiled.load(Ordering::Relaxed),
            loaded_from_disk: c.loaded_from_disk.load(Ordering::Relaxed),
            rejected_cache_files: c.rejected_files.load(Ordering::Relaxed),
            instantiations: self.inner.instantiations.load(Ordering::Relaxed),
            signature_cache_hits: hits,
            signature_cache_misses: misses,
        }
    }

    /// The configuration the executor runs with.
    pub fn config(&self) -> &ExecutorConfig {
        &self.inner.config
    }
}

impl std::fmt::Debug for WasmExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmExecutor").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Inner {
    fn prepared(&self, code: &RuntimeCode) -> Result<Arc<Prepared>> {
        self.modules.get(&self.engine, code, |module| self.link(module))
    }

    /// Checks the imports and exports of `module` and pre-links it.
    fn link(&self, module: Module) -> Result<Prepared> {
        host::check_imports(&module)?;
        let initial_pages = match module.get_export(MEMORY_EXPORT) {
            Some(ExternType::Memory(memory)) => memory.minimum(),
            _ => return Err(Error::MissingExport { name: MEMORY_EXPORT.into() }),
        };
        let alloc_ok = matches!(
            module.get_export(ALLOC_EXPORT),
            Some(ExternType::Func(f))
                if f.params().map(|t| t.is_i32()).eq([true])
                    && f.results().map(|t| t.is_i32()).eq([true])
        );
        if !alloc_ok {
            return Err(Error::MissingExport { name: ALLOC_EXPORT.into() });
        }
        let pre = self.linker.instantiate_pre(&module).map_err(Error::Instantiate)?;
        Ok(Prepared { pre, initial_pages })
    }

    /// Runs `method` of `code` in a fresh instance; `depth` is 1 inside version reads.
    fn call(
        self: &Arc<Self>,
        code: &RuntimeCode,
        ext: &mut dyn Externalities,
        method: &str,
        input: &[u8],
        depth: u32,
    ) -> Result<Vec<u8>> {
        let prepared = self.prepared(code)?;
        let heap_pages = code.heap_pages.unwrap_or(self.config.default_heap_pages);
        let limit_pages =
            prepared.initial_pages.saturating_add(heap_pages).min(self.config.max_memory_pages);
        // The store must not outlive `ext` (see `HostState::new`): it is local to this
        // function, which holds the borrow of `ext` throughout.
        let mut store =
            Store::new(&self.engine, HostState::new(ext, self.clone(), limit_pages, depth));
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(EpochTicker::deadline_ticks(self.config.call_timeout));
        store.epoch_deadline_trap();
        self.instantiations.fetch_add(1, Ordering::Relaxed);
        let result = run(&mut store, &prepared, method, input);
        result.map_err(|e| self.classify(e, store.data_mut()))
    }

    /// The `Core_version` of `code` on empty storage.
    ///
    /// Runs as a version read (depth 1): inside it, `ext_misc_runtime_version_version_1`
    /// answers "not a runtime". That bounds the recursion of runtimes reading versions
    /// of runtimes, and keeps a version independent of what the caches hold, so every
    /// node computes the same one.
    fn read_version(self: &Arc<Self>, code: &RuntimeCode) -> Result<Version> {
        let mut ext = lattice_io::TestExternalities::default();
        self.call(code, &mut ext, CORE_VERSION, &[], 1).map(Into::into)
    }

    /// Serves `ext_misc_runtime_version_version_1` for a call of depth 0: `Ok(None)`
    /// when `code` is deterministically not a runtime; an error for local failures (a
    /// timeout), which must fail the calling runtime rather than become an on-chain
    /// answer.
    pub(crate) fn nested_version(self: &Arc<Self>, code: RuntimeCode) -> Result<Option<Version>> {
        if let Some(version) = self.versions.lock().get(&code.hash) {
            return Ok(version.clone());
        }
        // On a thread of its own, because this runs inside a host function: the nested
        // call's Wasm stack would otherwise come on top of the caller's.
        let stack = self.config.max_wasm_stack.saturating_mul(2).saturating_add(2 << 20);
        let outcome = std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("wasm-version".into())
                .stack_size(stack)
                .spawn_scoped(scope, || self.read_version(&code))
                .map_err(|source| Error::SpawnThread { name: "wasm-version", source })?;
            worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let version = match outcome {
            Ok(version) => Some(version),
            Err(e) if e.is_deterministic() => {
                tracing::debug!(target: "executor", "blob is not a runtime: {e}");
                None
            }
            Err(e) => return Err(e),
        };
        self.versions.lock().insert(code.hash, version.clone());
        Ok(version)
    }

    /// The [`Error`] of a failed call.
    fn classify(&self, e: wasmtime::Error, state: &mut HostState) -> Error {
        if e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>().is_some() {
            return Error::TooManyInstances { limit: self.config.max_instances };
        }
        let e = match e.downcast::<Error>() {
            Ok(error) => return error,
            Err(e) => e,
        };
        let code = e.downcast_ref::<Trap>().copied();
        match code {
            Some(Trap::Interrupt) => Error::Timeout { limit: self.config.call_timeout },
            Some(Trap::StackOverflow) => Error::StackOverflow,
            _ => Error::Trap { code, panic_message: state.panic_message.take(), source: e },
        }
    }
}

/// Instantiates, passes `input`, calls `method`, reads the output.
fn run(
    store: &mut Store<HostState>,
    prepared: &Prepared,
    method: &str,
    input: &[u8],
) -> wasmtime::Result<Vec<u8>> {
    let missing = |name: &str| wasmtime::Error::new(Error::MissingExport { name: name.into() });
    let instance = prepared.pre.instantiate(&mut *store).map_err(|e| {
        if e.is::<Error>() || e.is::<Trap>() || e.is::<wasmtime::PoolConcurrencyLimitError>() {
            e
        } else {
            wasmtime::Error::new(Error::Instantiate(e))
        }
    })?;
    let memory =
        instance.get_memory(&mut *store, MEMORY_EXPORT).ok_or_else(|| missing(MEMORY_EXPORT))?;
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut *store, ALLOC_EXPORT)
        .map_err(|_| missing(ALLOC_EXPORT))?;
    let entry = instance
        .get_typed_func::<(i32, i32), i64>(&mut *store, method)
        .map_err(|_| missing(method))?;
    let state = store.data_mut();
    state.memory = Some(memory);
    state.alloc = Some(alloc.clone());

    let len = u32::try_from(input.len()).map_err(|_| {
        wasmtime::Error::new(Error::OutOfMemory { limit_pages: store.data().limit_pages() })
    })?;
    // Allocated even when empty: the runtime builds a slice from the pointer, which
    // must not be null.
    let ptr = alloc.call(&mut *store, len as i32)? as u32;
    let data = memory.data_mut(&mut *store);
    let range = host::checked_range(ALLOC_EXPORT, ptr, u64::from(len), data.len())?;
    data[range].copy_from_slice(input);

    let (out_ptr, out_len) = unpack(entry.call(&mut *store, (ptr as i32, len as i32))?);
    let data = memory.data(&*store);
    let range =
        host::checked_range(ALLOC_EXPORT, out_ptr, u64::from(out_len), data.len()).map_err(
            |_| Error::InvalidOutput { ptr: out_ptr, len: out_len, memory_size: data.len() },
        )?;
    Ok(data[range].to_vec())
}
