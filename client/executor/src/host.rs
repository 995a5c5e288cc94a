//! The host functions of `lattice_io::abi`, served to the runtime through a `Linker`.
//!
//! Every pointer and length the runtime passes is checked against its memory before use;
//! a bad one fails the call with [`Error::OutOfBounds`]. Variable-length results are
//! written into buffers obtained from the runtime's `lattice_alloc`, whose answer is
//! checked the same way. Errors of host functions travel through wasmtime as
//! `wasmtime::Error` wrapping an [`Error`], and come out of the call as that [`Error`].

use crate::executor::Inner;
use crate::sig_cache::Scheme;
use crate::{Error, RuntimeCode};
use lattice_io::abi::{pack, unpack, ALLOC_EXPORT, HOST_MODULE, MEMORY_EXPORT, NONE};
use lattice_io::logging::Level;
use lattice_io::Externalities;
use std::ops::Range;
use std::ptr::NonNull;
use std::sync::Arc;
use wasmtime::{Caller, Engine, ExternType, Linker, Memory, ResourceLimiter, TypedFunc, ValType};

/// Longest panic message kept, in bytes; a runtime cannot make the node hold more.
const MAX_PANIC_MESSAGE: usize = 16 * 1024;

/// Value types of the ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    I32,
    I64,
}

/// Every host function: name, parameters, results. Must match `lattice_io`'s `wasm.rs`
/// (the `linker_matches_the_table` test checks the linker against it).
pub(crate) const HOST_FUNCTIONS: &[(&str, &[Ty], &[Ty])] = {
    use Ty::{I32, I64};
    &[
        ("ext_storage_get_version_1", &[I64], &[I64]),
        ("ext_storage_exists_version_1", &[I64], &[I32]),
        ("ext_storage_set_version_1", &[I64, I64], &[]),
        ("ext_storage_clear_version_1", &[I64], &[]),
        ("ext_storage_next_key_version_1", &[I64], &[I64]),
        ("ext_storage_clear_prefix_version_1", &[I64, I32], &[I64]),
        ("ext_storage_root_version_1", &[I32], &[]),
        ("ext_storage_start_transaction_version_1", &[], &[]),
        ("ext_storage_commit_transaction_version_1", &[], &[]),
        ("ext_storage_rollback_transaction_version_1", &[], &[]),
        ("ext_hashing_blake2_128_version_1", &[I64, I32], &[]),
        ("ext_hashing_blake2_256_version_1", &[I64, I32], &[]),
        ("ext_hashing_twox_64_version_1", &[I64, I32], &[]),
        ("ext_hashing_twox_128_version_1", &[I64, I32], &[]),
        ("ext_hashing_twox_256_version_1", &[I64, I32], &[]),
        ("ext_hashing_keccak_256_version_1", &[I64, I32], &[]),
        ("ext_crypto_sr25519_verify_version_1", &[I32, I64, I32], &[I32]),
        ("ext_crypto_ed25519_verify_version_1", &[I32, I64, I32], &[I32]),
        ("ext_logging_log_version_1", &[I32, I64, I64], &[]),
        ("ext_misc_runtime_version_version_1", &[I64], &[I64]),
        ("ext_misc_panic_message_version_1", &[I64], &[]),
        ("ext_trie_blake2_256_ordered_root_version_1", &[I64, I32], &[]),
        ("ext_crypto_sr25519_verify_prefetch_version_1", &[I64], &[]),
        ("ext_crypto_sr25519_generate_version_1", &[I32, I64, I32], &[I32]),
        ("ext_crypto_ed25519_generate_version_1", &[I32, I64, I32], &[I32]),
    ]
};

/// The data of the store of one call.
pub(crate) struct HostState {
    /// The caller's externalities, lifetime erased (see [`HostState::new`]).
    ext: NonNull<dyn Externalities>,
    /// The executor, for its caches and nested `runtime_version` reads.
    pub(crate) exec: Arc<Inner>,
    /// The runtime's memory and allocator, set once instantiated.
    pub(crate) memory: Option<Memory>,
    pub(crate) alloc: Option<TypedFunc<i32, i32>>,
    /// What the runtime said before it panicked.
    pub(crate) panic_message: Option<String>,
    pub(crate) limiter: MemoryLimiter,
    /// 0 for a call from the node, 1 inside a version read (`Core_version` of a blob).
    pub(crate) depth: u32,
}

impl HostState {
    /// State for one call against `ext`.
    ///
    /// The lifetime of `ext` is erased because a wasmtime `Store` holds only `'static`
    /// data. The caller must drop the store holding this state before `ext`'s borrow
    /// ends; `Inner::call` creates and drops the store within one function that holds
    /// the borrow.
    pub(crate) fn new(
        ext: &mut dyn Externalities,
        exec: Arc<Inner>,
        limit_pages: u64,
        depth: u32,
    ) -> Self {
        let ext = NonNull::from(ext);
        // SAFETY: only the trait object's lifetime bound changes (same layout). The
        // pointer is dereferenced only by host functions, which run while the store
        // lives, and the store is dropped before the borrow of `ext` ends (documented
        // contract of this constructor, kept by its one caller).
        let ext: NonNull<dyn Externalities + 'static> = unsafe { std::mem::transmute(ext) };
        Self {
            ext,
            exec,
            memory: None,
            alloc: None,
            panic_message: None,
            limiter: MemoryLimiter { limit_pages },
            depth,
        }
    }

    /// The memory limit of the call, in pages.
    pub(crate) fn limit_pages(&self) -> u64 {
        self.limiter.limit_pages
    }

    fn ext(&mut self) -> &mut dyn Externalities {
        // SAFETY: the pointer comes from a live `&mut` that outlives the store (see
        // `new`), and `&mut self` makes this the only reference derived from it.
        unsafe { self.ext.as_mut() }
    }
}

/// Bounds a call's memory: growth beyond `limit_pages` traps with
/// [`Error::OutOfMemory`] instead of making `memory.grow` return -1, so the call fails
/// with a clear error rather than whatever the runtime's allocator does on failure.
pub(crate) struct MemoryLimiter {
    limit_pages: u64,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.limit_pages * crate::config::WASM_PAGE {
            return Err(wasmtime::Error::new(Error::OutOfMemory { limit_pages: self.limit_pages }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Bounded by the pool's `table_elements`; growing past it returns -1.
        Ok(true)
    }
}

/// Checks that the imports of `module` are all host functions of the table, with their
/// signatures.
pub(crate) fn check_imports(module: &wasmtime::Module) -> Result<(), Error> {
    for import in module.imports() {
        let unknown = || Error::UnknownImport {
            module: import.module().to_owned(),
            name: import.name().to_owned(),
        };
        let (ExternType::Func(ty), HOST_MODULE) = (import.ty(), import.module()) else {
            return Err(unknown());
        };
        let Some((name, params, results)) =
            HOST_FUNCTIONS.iter().find(|(name, ..)| *name == import.name())
        else {
            return Err(unknown());
        };
        let same = |actual: &mut dyn Iterator<Item = ValType>, expected: &[Ty]| {
            actual.map(|t| ty_of(&t)).eq(expected.iter().copied().map(Some))
        };
        if !same(&mut ty.params(), params) || !same(&mut ty.results(), results) {
            return Err(Error::ImportSignature {
                name: (*name).to_owned(),
                source: wasmtime::format_err!("expected {params:?} -> {results:?}, found {ty}"),
            });
        }
    }
    Ok(())
}

fn ty_of(t: &ValType) -> Option<Ty> {
    match t {
        ValType::I32 => Some(Ty::I32),
        ValType::I64 => Some(Ty::I64),
        _ => None,
    }
}

type Ctx<'a> = Caller<'a, HostState>;
type HostResult<T> = wasmtime::Result<T>;

/// A linker defining every host function of [`HOST_FUNCTIONS`].
pub(crate) fn linker(engine: &Engine) -> wasmtime::Result<Linker<HostState>> {
    let mut l = Linker::new(engine);
    let m = HOST_MODULE;

    l.func_wrap(m, "ext_storage_get_version_1", |mut c: Ctx<'_>, key: i64| -> HostResult<i64> {
        let value = with_slice(&mut c, "ext_storage_get_version_1", key, |key, state| {
            state.ext().storage(key)
        })?
        .map_err(backend)?;
        match value {
            Some(value) => return_slice(&mut c, &value),
            None => Ok(NONE),
        }
    })?;
    l.func_wrap(
        m,
        "ext_storage_exists_version_1",
        |mut c: Ctx<'_>, key: i64| -> HostResult<i32> {
            let exists = with_slice(&mut c, "ext_storage_exists_version_1", key, |key, state| {
                state.ext().exists_storage(key)
            })?
            .map_err(backend)?;
            Ok(i32::from(exists))
        },
    )?;
    l.func_wrap(
        m,
        "ext_storage_set_version_1",
        |mut c: Ctx<'_>, key: i64, value: i64| -> HostResult<()> {
            let memory = memory(&mut c)?;
            let (data, state) = memory.data_and_store_mut(&mut c);
            let f = "ext_storage_set_version_1";
            let key = data[packed_range(f, key, data.len())?].to_vec();
            let value = data[packed_range(f, value, data.len())?].to_vec();
            state.ext().set_storage(key, value);
            Ok(())
        },
    )?;
    l.func_wrap(m, "ext_storage_clear_version_1", |mut c: Ctx<'_>, key: i64| -> HostResult<()> {
        with_slice(&mut c, "ext_storage_clear_version_1", key, |key, state| {
            state.ext().clear_storage(key)
        })
    })?;
    l.func_wrap(
        m,
        "ext_storage_next_key_version_1",
        |mut c: Ctx<'_>, key: i64| -> HostResult<i64> {
            let next = with_slice(&mut c, "ext_storage_next_key_version_1", key, |key, state| {
                state.ext().next_storage_key(key)
            })?
            .map_err(backend)?;
            match next {
                Some(next) => return_slice(&mut c, &next),
                None => Ok(NONE),
            }
        },
    )?;
    l.func_wrap(
        m,
        "ext_storage_clear_prefix_version_1",
        |mut c: Ctx<'_>, prefix: i64, limit: i32| -> HostResult<i64> {
            let limit = match limit as u32 {
                u32::MAX => None,
                limit => Some(limit),
            };
            let outcome = with_slice(
                &mut c,
                "ext_storage_clear_prefix_version_1",
                prefix,
                |prefix, state| state.ext().clear_prefix(prefix, limit),
            )?
            .map_err(backend)?;
            Ok((u64::from(outcome.removed) | u64::from(outcome.complete) << 32) as i64)
        },
    )?;
    l.func_wrap(m, "ext_storage_root_version_1", |mut c: Ctx<'_>, out: i32| -> HostResult<()> {
        let root = c.data_mut().ext().storage_root().map_err(backend)?;
        write_fixed(&mut c, "ext_storage_root_version_1", out, &root)
    })?;
    l.func_wrap(m, "ext_storage_start_transaction_version_1", |mut c: Ctx<'_>| {
        c.data_mut().ext().start_transaction()
    })?;
    l.func_wrap(
        m,
        "ext_storage_commit_transaction_version_1",
        |mut c: Ctx<'_>| -> HostResult<()> {
            c.data_mut().ext().commit_transaction().map_err(|_| {
                wasmtime::Error::new(Error::NoOpenTransaction {
                    function: "ext_storage_commit_transaction_version_1",
                })
            })
        },
    )?;
    l.func_wrap(
        m,
        "ext_storage_rollback_transaction_version_1",
        |mut c: Ctx<'_>| -> HostResult<()> {
            c.data_mut().ext().rollback_transaction().map_err(|_| {
                wasmtime::Error::new(Error::NoOpenTransaction {
                    function: "ext_storage_rollback_transaction_version_1",
                })
            })
        },
    )?;

    macro_rules! hash_fn {
        ($name:literal, $hash:path) => {
            l.func_wrap(m, $name, |mut c: Ctx<'_>, data: i64, out: i32| -> HostResult<()> {
                let hash = with_slice(&mut c, $name, data, |data, _| $hash(data))?;
                write_fixed(&mut c, $name, out, &hash)
            })?;
        };
    }
    hash_fn!("ext_hashing_blake2_128_version_1", sp_crypto_hashing::blake2_128);
    hash_fn!("ext_hashing_blake2_256_version_1", sp_crypto_hashing::blake2_256);
    hash_fn!("ext_hashing_twox_64_version_1", sp_crypto_hashing::twox_64);
    hash_fn!("ext_hashing_twox_128_version_1", sp_crypto_hashing::twox_128);
    hash_fn!("ext_hashing_twox_256_version_1", sp_crypto_hashing::twox_256);
    hash_fn!("ext_hashing_keccak_256_version_1", sp_crypto_hashing::keccak_256);

    macro_rules! verify_fn {
        ($name:literal, $scheme:expr) => {
            l.func_wrap(
                m,
                $name,
                |mut c: Ctx<'_>, sig: i32, msg: i64, public: i32| -> HostResult<i32> {
                    let memory = memory(&mut c)?;
                    let (data, state) = memory.data_and_store_mut(&mut c);
                    let sig = fixed::<64>(data, $name, sig)?;
                    let public = fixed::<32>(data, $name, public)?;
                    let msg = &data[packed_range($name, msg, data.len())?];
                    Ok(i32::from(state.exec.signatures.verify($scheme, &sig, msg, &public)))
                },
            )?;
        };
    }
    verify_fn!("ext_crypto_sr25519_verify_version_1", Scheme::Sr25519);
    verify_fn!("ext_crypto_ed25519_verify_version_1", Scheme::Ed25519);

    l.func_wrap(
        m,
        "ext_crypto_sr25519_verify_prefetch_version_1",
        |mut c: Ctx<'_>, checks: i64| -> HostResult<()> {
            let f = "ext_crypto_sr25519_verify_prefetch_version_1";
            let checks = with_slice(&mut c, f, checks, |mut encoded, _| {
                // Decoding a borrowed slice allocates no more than the slice holds.
                <Vec<([u8; 64], Vec<u8>, [u8; 32])> as codec::DecodeAll>::decode_all(&mut encoded)
            })?
            .map_err(|source| wasmtime::Error::new(Error::Decode { function: f, source }))?;
            c.data().exec.signatures.prefetch_sr25519(&checks);
            Ok(())
        },
    )?;
    macro_rules! generate_fn {
        ($name:literal, $scheme:expr) => {
            l.func_wrap(
                m,
                $name,
                |mut c: Ctx<'_>, key_type: i32, seed: i64, out: i32| -> HostResult<i32> {
                    let memory = memory(&mut c)?;
                    let data = memory.data(&c);
                    let key_type = fixed::<4>(data, $name, key_type)?;
                    // `Err` for a seed that is not UTF-8: no key, as for a bad seed.
                    let seed: Result<Option<String>, ()> = if seed == lattice_io::abi::NONE {
                        Ok(None)
                    } else {
                        let bytes = &data[packed_range($name, seed, data.len())?];
                        String::from_utf8(bytes.to_vec()).map(Some).map_err(drop)
                    };
                    let public = seed.ok().and_then(|seed| {
                        let keystore = c.data_mut().ext().keystore()?;
                        keystore.generate($scheme, key_type, seed.as_deref())
                    });
                    match public {
                        Some(public) => {
                            write_fixed(&mut c, $name, out, &public)?;
                            Ok(1)
                        }
                        None => Ok(0),
                    }
                },
            )?;
        };
    }
    generate_fn!("ext_crypto_sr25519_generate_version_1", lattice_io::KeyScheme::Sr25519);
    generate_fn!("ext_crypto_ed25519_generate_version_1", lattice_io::KeyScheme::Ed25519);

    l.func_wrap(
        m,
        "ext_logging_log_version_1",
        |mut c: Ctx<'_>, level: i32, target: i64, message: i64| -> HostResult<()> {
            let f = "ext_logging_log_version_1";
            let memory = memory(&mut c)?;
            let data = memory.data(&c);
            // Checked whatever the log level, so that a call's outcome never depends
            // on the node's logging configuration.
            let target = &data[packed_range(f, target, data.len())?];
            let message = &data[packed_range(f, message, data.len())?];
            // An unknown level is the runtime's bug, but not worth failing the call.
            if let Some(level) = Level::from_u32(level as u32) {
                lattice_io::native::log(
                    level,
                    &String::from_utf8_lossy(target),
                    &String::from_utf8_lossy(message),
                );
            }
            Ok(())
        },
    )?;
    l.func_wrap(
        m,
        "ext_misc_runtime_version_version_1",
        |mut c: Ctx<'_>, code: i64| -> HostResult<i64> {
            let code =
                with_slice(&mut c, "ext_misc_runtime_version_version_1", code, |code, _| {
                    code.to_vec()
                })?;
            // Inside a version read, no further version reads (see `read_version`).
            if c.data().depth > 0 {
                return Ok(NONE);
            }
            let exec = c.data().exec.clone();
            match exec.nested_version(RuntimeCode::new(code)) {
                Ok(Some(version)) => return_slice(&mut c, &version),
                Ok(None) => Ok(NONE),
                Err(e) => Err(wasmtime::Error::new(e)),
            }
        },
    )?;
    l.func_wrap(
        m,
        "ext_misc_panic_message_version_1",
        |mut c: Ctx<'_>, message: i64| -> HostResult<()> {
            let message =
                with_slice(&mut c, "ext_misc_panic_message_version_1", message, |message, _| {
                    let mut end = message.len().min(MAX_PANIC_MESSAGE);
                    // Cut on a character boundary when the message is truncated.
                    while end < message.len() && end > 0 && (message[end] & 0xc0) == 0x80 {
                        end -= 1;
                    }
                    String::from_utf8_lossy(&message[..end]).into_owned()
                })?;
            tracing::debug!(target: "runtime", "runtime panicked: {message}");
            c.data_mut().panic_message = Some(message);
            Ok(())
        },
    )?;
    l.func_wrap(
        m,
        "ext_trie_blake2_256_ordered_root_version_1",
        |mut c: Ctx<'_>, items: i64, out: i32| -> HostResult<()> {
            let f = "ext_trie_blake2_256_ordered_root_version_1";
            let items = with_slice(&mut c, f, items, |mut encoded, _| {
                // Decoding a borrowed slice allocates no more than the slice holds.
                <Vec<Vec<u8>> as codec::DecodeAll>::decode_all(&mut encoded)
            })?
            .map_err(|source| wasmtime::Error::new(Error::Decode { function: f, source }))?;
            let root = lattice_io::native::blake2_256_ordered_root(&items);
            write_fixed(&mut c, f, out, &root)
        },
    )?;
    Ok(l)
}

/// The runtime's memory: cached in the state after instantiation, looked up before
/// (host functions called by a start function).
fn memory(c: &mut Ctx<'_>) -> HostResult<Memory> {
    if let Some(memory) = c.data().memory {
        return Ok(memory);
    }
    c.get_export(MEMORY_EXPORT)
        .and_then(|e| e.into_memory())
        .ok_or_else(|| wasmtime::Error::new(Error::MissingExport { name: MEMORY_EXPORT.into() }))
}

/// Runs `f` on the packed slice `packed` of the runtime's memory, with the host state.
fn with_slice<R>(
    c: &mut Ctx<'_>,
    function: &'static str,
    packed: i64,
    f: impl FnOnce(&[u8], &mut HostState) -> R,
) -> HostResult<R> {
    let memory = memory(c)?;
    let (data, state) = memory.data_and_store_mut(c);
    let range = packed_range(function, packed, data.len())?;
    Ok(f(&data[range], state))
}

/// Reads `N` bytes at `ptr`.
fn fixed<const N: usize>(data: &[u8], function: &'static str, ptr: i32) -> HostResult<[u8; N]> {
    let range = checked_range(function, ptr as u32, N as u64, data.len())?;
    let mut out = [0u8; N];
    out.copy_from_slice(&data[range]);
    Ok(out)
}

/// Writes `bytes` at `out`.
fn write_fixed(c: &mut Ctx<'_>, function: &'static str, out: i32, bytes: &[u8]) -> HostResult<()> {
    let memory = memory(c)?;
    let data = memory.data_mut(c);
    let range = checked_range(function, out as u32, bytes.len() as u64, data.len())?;
    data[range].copy_from_slice(bytes);
    Ok(())
}

/// Copies `bytes` into a buffer from the runtime's allocator and returns it packed.
fn return_slice(c: &mut Ctx<'_>, bytes: &[u8]) -> HostResult<i64> {
    if bytes.is_empty() {
        // The runtime takes an empty result without touching its pointer.
        return Ok(pack(0, 0));
    }
    let alloc = match c.data().alloc.clone() {
        Some(alloc) => alloc,
        None => c
            .get_export(ALLOC_EXPORT)
            .and_then(|e| e.into_func())
            .and_then(|f| f.typed::<i32, i32>(&*c).ok())
            .ok_or_else(|| {
                wasmtime::Error::new(Error::MissingExport { name: ALLOC_EXPORT.into() })
            })?,
    };
    let len = u32::try_from(bytes.len()).map_err(|_| {
        // Cannot fit in a 32-bit memory; report it as the memory limit it is.
        wasmtime::Error::new(Error::OutOfMemory { limit_pages: c.data().limit_pages() })
    })?;
    let ptr = alloc.call(&mut *c, len as i32)? as u32;
    write_fixed(c, ALLOC_EXPORT, ptr as i32, bytes)?;
    Ok(pack(ptr, len))
}

/// The range of a packed slice, checked against a memory of `memory_size` bytes.
pub(crate) fn packed_range(
    function: &'static str,
    packed: i64,
    memory_size: usize,
) -> Result<Range<usize>, Error> {
    let (ptr, len) = unpack(packed);
    checked_range(function, ptr, u64::from(len), memory_size)
}

/// `ptr..ptr + len` if it lies within a memory of `memory_size` bytes. An empty range
/// is valid at any pointer: it touches no memory (Rust passes dangling pointers for
/// empty slices).
pub(crate) fn checked_range(
    function: &'static str,
    ptr: u32,
    len: u64,
    memory_size: usize,
) -> Result<Range<usize>, Error> {
    if len == 0 {
        return Ok(0..0);
    }
    let start = u64::from(ptr);
    match start.checked_add(len) {
        Some(end) if end <= memory_size as u64 => Ok(start as usize..end as usize),
        _ => Err(Error::OutOfBounds { function, ptr, len, memory_size }),
    }
}

fn backend(e: lattice_io::StorageError) -> wasmtime::Error {
    wasmtime::Error::new(Error::Backend(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert_eq!(checked_range("f", 10, 5, 15).ok(), Some(10..15));
        assert!(matches!(checked_range("f", 11, 5, 15), Err(Error::OutOfBounds { .. })));
        assert!(checked_range("f", u32::MAX, u64::from(u32::MAX), 1 << 20).is_err());
        // Empty slices may dangle.
        assert_eq!(checked_range("f", u32::MAX, 0, 0).ok(), Some(0..0));
        assert_eq!(packed_range("f", pack(3, 4), 7).ok(), Some(3..7));
        assert!(packed_range("f", NONE, 1 << 20).is_err());
    }

    #[test]
    fn linker_matches_the_table() {
        // A module importing every function of the table with the table's signature
        // links only if the linker defines each of them with that signature.
        let wat_ty = |t: &Ty| match t {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
        };
        let imports: String = HOST_FUNCTIONS
            .iter()
            .map(|(name, params, results)| {
                let params: Vec<_> = params.iter().map(wat_ty).collect();
                let results: Vec<_> = results.iter().map(wat_ty).collect();
                format!(
                    "(import \"env\" \"{name}\" (func (param {}) (result {})))\n",
                    params.join(" "),
                    results.join(" ")
                )
            })
            .collect();
        let engine = Engine::default();
        let module = wasmtime::Module::new(&engine, format!("(module {imports})"))
            .expect("the generated module compiles");
        check_imports(&module).expect("the table accepts its own signatures");
        linker(&engine)
            .expect("host functions register")
            .instantiate_pre(&module)
            .expect("every host function is defined with the table's signature");
    }

    #[test]
    fn imports_outside_the_table_are_refused() {
        let engine = Engine::default();
        let module = |wat: &str| wasmtime::Module::new(&engine, wat).expect("compiles");
        let err = check_imports(&module(r#"(module (import "env" "nope" (func)))"#));
        assert!(matches!(err, Err(Error::UnknownImport { name, .. }) if name == "nope"));
        let err = check_imports(&module(r#"(module (import "env" "memory" (memory 1)))"#));
        assert!(matches!(err, Err(Error::UnknownImport { name, .. }) if name == "memory"));
        let err = check_imports(&module(
            r#"(module (import "env" "ext_storage_clear_version_1" (func (param i32))))"#,
        ));
        assert!(matches!(err, Err(Error::ImportSignature { .. })));
    }
}
