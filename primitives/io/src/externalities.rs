//! The storage context a runtime call executes against.
//!
//! The node implements [`Externalities`] over its overlay and state backend
//! (`lattice-state`); the executor forwards the Wasm runtime's storage host functions to
//! it, and native execution reaches it through [`with_externalities`]. Tests of pallets
//! use [`crate::TestExternalities`].

use alloc::boxed::Box;
use alloc::vec::Vec;

/// A failure of the state backend below the externalities (a database read error, a
/// missing trie node). The runtime cannot recover from it: the executor fails the call.
pub struct StorageError(pub Box<dyn core::fmt::Display + Send + Sync>);

impl core::fmt::Debug for StorageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "StorageError({})", self.0)
    }
}

impl core::fmt::Display for StorageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "state backend failed: {}", self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StorageError {}

/// What [`Externalities::clear_prefix`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearPrefixOutcome {
    /// Keys removed by this call (in the backend or the overlay).
    pub removed: u32,
    /// `true` when no key with the prefix remains; `false` when the limit stopped the
    /// removal early.
    pub complete: bool,
}

/// Returned by commit and rollback when no storage transaction is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoOpenTransaction;

/// The storage seen by one runtime call: the backend state of the parent block plus the
/// changes made so far (by earlier calls of the same block and by this one).
///
/// Keys are ordered bytewise. Every method takes `&mut self` so an implementation may
/// record reads (for proofs) or cache them.
pub trait Externalities {
    /// The value at `key`; `None` when there is none.
    fn storage(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Whether a value is stored at `key`.
    fn exists_storage(&mut self, key: &[u8]) -> Result<bool, StorageError> {
        Ok(self.storage(key)?.is_some())
    }

    /// Writes `value` at `key`, in the innermost open transaction if there is one.
    fn set_storage(&mut self, key: Vec<u8>, value: Vec<u8>);

    /// Removes the value at `key`, in the innermost open transaction if there is one.
    fn clear_storage(&mut self, key: &[u8]);

    /// The smallest key strictly greater than `key` that holds a value; `None` when
    /// there is none.
    fn next_storage_key(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Removes up to `limit` keys that start with `prefix` (all of them when `limit` is
    /// `None`), in key order.
    fn clear_prefix(
        &mut self,
        prefix: &[u8],
        limit: Option<u32>,
    ) -> Result<ClearPrefixOutcome, StorageError>;

    /// The state root (base-16 Patricia-Merkle trie, layout V1, blake2-256) of the
    /// backend with every change applied, committed or not.
    fn storage_root(&mut self) -> Result<[u8; 32], StorageError>;

    /// Opens a nested storage transaction.
    fn start_transaction(&mut self);

    /// Keeps the changes of the innermost open transaction and closes it.
    fn commit_transaction(&mut self) -> Result<(), NoOpenTransaction>;

    /// Discards the changes of the innermost open transaction and closes it.
    fn rollback_transaction(&mut self) -> Result<(), NoOpenTransaction>;

    /// The SCALE-encoded `RuntimeVersion` of the Wasm runtime `code`, for native
    /// execution of `System::set_code`; `None` when it cannot be read. The Wasm executor
    /// answers this host function itself, so only native harnesses need to override it.
    fn runtime_version(&mut self, code: &[u8]) -> Option<Vec<u8>> {
        let _ = code;
        None
    }

    /// The node's keystore, when this call may create keys (`SessionKeys` API calls from
    /// `author_rotateKeys`); `None` during block execution.
    fn keystore(&mut self) -> Option<&dyn Keystore> {
        None
    }
}

/// Four bytes naming what a key is for (`*b"aura"`, `*b"gran"`).
pub type KeyTypeId = [u8; 4];

/// A signature scheme of keys the keystore can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyScheme {
    /// Schnorr over Ristretto25519 (Aura, accounts).
    Sr25519,
    /// Ed25519 (GRANDPA).
    Ed25519,
}

/// The node's store of secret keys, as runtime code may use it: create a key and learn
/// its public part. Secret keys never cross into the runtime.
pub trait Keystore {
    /// Creates a `scheme` key for `key_type` — from `seed` (a secret URI such as
    /// `//Alice` or a phrase) when given, at random otherwise — stores it, and returns
    /// its public key; `None` when the seed is invalid or the key cannot be stored.
    fn generate(
        &self,
        scheme: KeyScheme,
        key_type: KeyTypeId,
        seed: Option<&str>,
    ) -> Option<[u8; 32]>;
}

#[cfg(feature = "std")]
mod scoped {
    use super::Externalities;
    use core::cell::Cell;

    std::thread_local! {
        static CURRENT: Cell<Option<*mut (dyn Externalities + 'static)>> = const { Cell::new(None) };
    }

    /// Restores the previous externalities when the scope ends, also on unwinding.
    struct Restore(Option<*mut (dyn Externalities + 'static)>);

    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }

    /// Runs `f` with `ext` as the storage of native runtime code on this thread.
    ///
    /// Calls nest: the previous externalities come back when `f` returns or unwinds.
    pub fn with_externalities<R>(ext: &mut dyn Externalities, f: impl FnOnce() -> R) -> R {
        let ptr: *mut (dyn Externalities + '_) = ext;
        // SAFETY: only the lifetime is erased. The pointer is installed for the duration of
        // `f` alone and removed by `Restore` before `ext`'s borrow ends, so it is never
        // dereferenced after `ext` is gone.
        let ptr: *mut (dyn Externalities + 'static) = unsafe { core::mem::transmute(ptr) };
        let previous = CURRENT.with(|c| c.replace(Some(ptr)));
        let _restore = Restore(previous);
        f()
    }

    /// Runs `f` on the externalities installed by [`with_externalities`].
    ///
    /// # Panics
    /// When runtime code touches storage outside [`with_externalities`]: a programming
    /// error of the caller, never reachable from input.
    pub(crate) fn using<R>(f: impl FnOnce(&mut dyn Externalities) -> R) -> R {
        let ptr =
            CURRENT.with(|c| c.take()).expect("runtime storage used outside `with_externalities`");
        // Taken out while in use, so a nested `using` from inside `f` cannot alias it.
        let _restore = Restore(Some(ptr));
        // SAFETY: the pointer was installed by `with_externalities` from a live `&mut`
        // whose borrow outlives this call (it is removed before that borrow ends), and it
        // is taken out of the cell while `f` runs, so this is the only reference to it.
        f(unsafe { &mut *ptr })
    }
}

#[cfg(feature = "std")]
pub(crate) use scoped::using;
#[cfg(feature = "std")]
pub use scoped::with_externalities;
