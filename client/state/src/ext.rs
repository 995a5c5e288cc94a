//! The externalities a runtime call executes against: overlay over backend.

use crate::{Backend, OverlayedChanges, Result};
use lattice_io::{ClearPrefixOutcome, Externalities, Keystore, NoOpenTransaction, StorageError};

/// [`Externalities`] over the pending changes of a block and the state of its parent.
///
/// Reads look in the overlay first, then in the backend; writes go to the overlay only.
/// Built per runtime call, cheaply: the overlay outlives it and carries the changes (and
/// the cached storage root) from one call of the block to the next.
pub struct Ext<'a, B: Backend + ?Sized> {
    overlay: &'a mut OverlayedChanges,
    backend: &'a B,
    keystore: Option<&'a dyn Keystore>,
}

impl<'a, B: Backend + ?Sized> Ext<'a, B> {
    /// Externalities writing to `overlay` on top of `backend`.
    pub fn new(overlay: &'a mut OverlayedChanges, backend: &'a B) -> Self {
        Self { overlay, backend, keystore: None }
    }

    /// Lets the calls create keys in `keystore` (for `SessionKeys` calls; never for block
    /// execution).
    pub fn with_keystore(mut self, keystore: &'a dyn Keystore) -> Self {
        self.keystore = Some(keystore);
        self
    }

    /// The overlay the calls write to.
    pub fn overlay(&self) -> &OverlayedChanges {
        self.overlay
    }

    /// The state below the overlay.
    pub fn backend(&self) -> &B {
        self.backend
    }

    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.overlay.storage(key) {
            Some(change) => Ok(change.map(<[u8]>::to_vec)),
            None => self.backend.storage(key),
        }
    }

    /// The smallest key strictly after `key` holding a value in overlay or backend.
    fn next_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let from_overlay =
            self.overlay.changes_after(key).find(|(_, value)| value.is_some()).map(|(k, _)| k);
        // Past `key` once the backend's answer turns out deleted in the overlay.
        let mut cursor: Option<Vec<u8>> = None;
        loop {
            let after = cursor.as_deref().unwrap_or(key);
            let Some(from_backend) = self.backend.next_storage_key(after)? else {
                return Ok(from_overlay.map(<[u8]>::to_vec));
            };
            if let Some(from_overlay) = from_overlay {
                if from_overlay <= from_backend.as_slice() {
                    return Ok(Some(from_overlay.to_vec()));
                }
            }
            if let Some(None) = self.overlay.storage(&from_backend) {
                cursor = Some(from_backend);
                continue;
            }
            return Ok(Some(from_backend));
        }
    }

    fn clear_prefix_inner(
        &mut self,
        prefix: &[u8],
        limit: Option<u32>,
    ) -> Result<ClearPrefixOutcome> {
        let limit = limit.unwrap_or(u32::MAX);
        let mut removed = 0u32;
        let mut next = match self.read(prefix)? {
            Some(_) => Some(prefix.to_vec()),
            None => self.next_key(prefix)?,
        };
        while let Some(key) = next.take().filter(|k| k.starts_with(prefix)) {
            if removed == limit {
                return Ok(ClearPrefixOutcome { removed, complete: false });
            }
            self.overlay.clear_storage(&key);
            removed += 1;
            next = self.next_key(&key)?;
        }
        Ok(ClearPrefixOutcome { removed, complete: true })
    }
}

impl<B: Backend + ?Sized> Externalities for Ext<'_, B> {
    fn storage(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.read(key)?)
    }

    fn exists_storage(&mut self, key: &[u8]) -> Result<bool, StorageError> {
        match self.overlay.storage(key) {
            Some(change) => Ok(change.is_some()),
            None => Ok(self.backend.storage(key)?.is_some()),
        }
    }

    fn set_storage(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.set_storage(key, Some(value));
    }

    fn clear_storage(&mut self, key: &[u8]) {
        self.overlay.clear_storage(key);
    }

    fn next_storage_key(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.next_key(key)?)
    }

    fn clear_prefix(
        &mut self,
        prefix: &[u8],
        limit: Option<u32>,
    ) -> Result<ClearPrefixOutcome, StorageError> {
        Ok(self.clear_prefix_inner(prefix, limit)?)
    }

    fn storage_root(&mut self) -> Result<[u8; 32], StorageError> {
        Ok(self.overlay.storage_root(self.backend)?)
    }

    fn start_transaction(&mut self) {
        self.overlay.start_transaction();
    }

    fn commit_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        self.overlay.commit_transaction()
    }

    fn rollback_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        self.overlay.rollback_transaction()
    }

    fn keystore(&mut self) -> Option<&dyn Keystore> {
        self.keystore
    }
}
