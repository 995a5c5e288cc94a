//! Compiled runtimes: an in-memory LRU of linked modules and an on-disk cache of
//! compiled artifacts, so each code is compiled once per node, not once per start.
//!
//! Disk files are named `<code hash>-<engine fingerprint>.cwasm`: a different wasmtime,
//! target or engine setting gives a different name, so stale artifacts are never looked
//! at (and can be deleted by hand). Each file is
//! `MAGIC ++ blake2_256(artifact) ++ artifact`, written to a temporary name and renamed,
//! so a crash or a concurrent writer never leaves a half-written file under the real
//! name. A file that fails any check is deleted and the code recompiled.

use crate::{Error, Result, RuntimeCode};
use parking_lot::Mutex;
use schnellru::{ByLength, LruMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wasmtime::{Engine, Module};

/// Version of the file format and of what is cached; part of the engine fingerprint.
pub(crate) const CACHE_FORMAT: &[u8] = b"lattice-executor cwasm v1";

/// First bytes of every cache file.
const MAGIC: &[u8; 8] = b"LTCWASM1";

/// Length of the header (magic and checksum) before the artifact.
const HEADER: usize = MAGIC.len() + 32;

/// One entry per code hash. The inner mutex is held while the code compiles, so
/// concurrent calls of a new runtime wait for one compilation instead of each doing it.
type Slot<T> = Arc<Mutex<Option<Arc<T>>>>;

/// Where each module came from, for [`crate::ExecutorStats`].
#[derive(Default)]
pub(crate) struct CacheCounters {
    pub(crate) compiled: AtomicU64,
    pub(crate) loaded_from_disk: AtomicU64,
    pub(crate) rejected_files: AtomicU64,
}

/// The two-level cache of prepared modules (`T` is the linked form the executor keeps).
pub(crate) struct ModuleCache<T> {
    prepared: Mutex<LruMap<[u8; 32], Slot<T>>>,
    disk: Option<DiskCache>,
    pub(crate) counters: CacheCounters,
}

impl<T> ModuleCache<T> {
    /// A cache of `capacity` prepared modules, backed by `dir` when given.
    pub(crate) fn new(engine: &Engine, capacity: u32, dir: Option<PathBuf>) -> Result<Self> {
        let disk = match dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)
                    .map_err(|source| Error::CacheIo { path: dir.clone(), source })?;
                let fingerprint = crate::config::engine_fingerprint(engine);
                Some(DiskCache { dir, suffix: hex(&fingerprint[..8]) })
            }
            None => None,
        };
        Ok(Self {
            prepared: Mutex::new(LruMap::new(ByLength::new(capacity.max(1)))),
            disk,
            counters: CacheCounters::default(),
        })
    }

    /// The prepared module of `code`: from memory, else loaded from disk or compiled,
    /// then passed through `prepare` (linking). Failures are not remembered.
    pub(crate) fn get(
        &self,
        engine: &Engine,
        code: &RuntimeCode,
        prepare: impl FnOnce(Module) -> Result<T>,
    ) -> Result<Arc<T>> {
        let slot = self
            .prepared
            .lock()
            .get_or_insert(code.hash, Default::default)
            .map(|slot| slot.clone())
            // Only a zero-length limiter refuses an insert, and the capacity is >= 1.
            .unwrap_or_default();
        let mut entry = slot.lock();
        if let Some(prepared) = &*entry {
            return Ok(prepared.clone());
        }
        match self.load(engine, code).and_then(prepare) {
            Ok(prepared) => {
                let prepared = Arc::new(prepared);
                *entry = Some(prepared.clone());
                Ok(prepared)
            }
            Err(e) => {
                drop(entry);
                // Invalid code must not evict the runtimes in use.
                let mut lru = self.prepared.lock();
                if lru.peek(&code.hash).is_some_and(|s| Arc::ptr_eq(s, &slot)) {
                    lru.remove(&code.hash);
                }
                Err(e)
            }
        }
    }

    /// The compiled module of `code`, from disk if a valid artifact is there.
    fn load(&self, engine: &Engine, code: &RuntimeCode) -> Result<Module> {
        // The hash names the module in both caches: a wrong one would serve another
        // runtime to every later caller of that hash.
        let actual = sp_crypto_hashing::blake2_256(&code.code);
        if actual != code.hash {
            return Err(Error::CodeHashMismatch { given: code.hash, actual });
        }
        if let Some(disk) = &self.disk {
            match disk.load(engine, &code.hash) {
                Loaded::Module(module) => {
                    self.counters.loaded_from_disk.fetch_add(1, Ordering::Relaxed);
                    return Ok(module);
                }
                Loaded::Rejected => {
                    self.counters.rejected_files.fetch_add(1, Ordering::Relaxed);
                }
                Loaded::Absent => {}
            }
        }
        let started = std::time::Instant::now();
        let module = Module::new(engine, &code.code).map_err(Error::Compile)?;
        self.counters.compiled.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            target: "executor",
            hash = %hex(&code.hash),
            size = code.code.len(),
            elapsed = ?started.elapsed(),
            "compiled runtime"
        );
        if let Some(disk) = &self.disk {
            disk.store(&code.hash, &module);
        }
        Ok(module)
    }
}

enum Loaded {
    Module(Module),
    Absent,
    Rejected,
}

struct DiskCache {
    dir: PathBuf,
    /// Hex of the engine fingerprint, the second half of each file name.
    suffix: String,
}

impl DiskCache {
    fn path(&self, hash: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}-{}.cwasm", hex(hash), self.suffix))
    }

    fn load(&self, engine: &Engine, hash: &[u8; 32]) -> Loaded {
        let path = self.path(hash);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Absent,
            Err(e) => {
                tracing::warn!(target: "executor", path = %path.display(), "cannot read cached runtime: {e}");
                return Loaded::Absent;
            }
        };
        match Self::decode(engine, &bytes) {
            Ok(module) => Loaded::Module(module),
            Err(reason) => {
                tracing::warn!(
                    target: "executor",
                    path = %path.display(),
                    "ignoring cached runtime ({reason}); recompiling"
                );
                remove(&path);
                Loaded::Rejected
            }
        }
    }

    /// The module in a cache file's bytes, after checking them.
    ///
    /// Reads the whole file and deserializes from those checked bytes, rather than
    /// `Module::deserialize_file` on the path, so the bytes checked are the bytes loaded
    /// (no window for the file to change in between). The cost is one copy of a few
    /// MiB, once per code and process.
    fn decode(engine: &Engine, bytes: &[u8]) -> std::result::Result<Module, String> {
        if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
            return Err("not a cache file of this format".into());
        }
        let (checksum, artifact) = bytes[MAGIC.len()..].split_at(32);
        if sp_crypto_hashing::blake2_256(artifact) != checksum {
            return Err("checksum mismatch (truncated or corrupt)".into());
        }
        // SAFETY: `Module::deserialize` trusts its input to be machine code wasmtime
        // produced. These bytes are: the file is written only by `store` below from
        // `Module::serialize` of an engine with the same fingerprint (it is in the file
        // name, so artifacts of another wasmtime version or configuration are never
        // opened), and the blake2-256 checksum just verified rules out truncation, torn
        // writes and bit rot. wasmtime additionally checks the artifact's header and
        // engine settings against `engine`. The cache directory is node-private data
        // under the base path; whoever can write it can also replace the node binary.
        unsafe { Module::deserialize(engine, artifact) }.map_err(|e| format!("{e:#}"))
    }

    /// Writes the artifact of `module`. Failures are logged, not returned: a read-only
    /// or full disk costs a recompilation at the next start, not the call.
    fn store(&self, hash: &[u8; 32], module: &Module) {
        let path = self.path(hash);
        let result = (|| -> std::result::Result<(), String> {
            let artifact = module.serialize().map_err(|e| format!("{e:#}"))?;
            let mut bytes = Vec::with_capacity(HEADER + artifact.len());
            bytes.extend_from_slice(MAGIC);
            bytes.extend_from_slice(&sp_crypto_hashing::blake2_256(&artifact));
            bytes.extend_from_slice(&artifact);
            write_atomically(&path, &bytes).map_err(|e| e.to_string())
        })();
        if let Err(e) = result {
            tracing::warn!(target: "executor", path = %path.display(), "cannot cache compiled runtime: {e}");
        }
    }
}

/// Writes `bytes` to a fresh temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let tmp = path.with_extension(format!(
        "tmp.{}.{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        remove(&tmp);
    }
    result
}

fn remove(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(target: "executor", path = %path.display(), "cannot remove: {e}");
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
