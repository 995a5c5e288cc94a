//! A cache of hot storage values of the best block, shared by every reader of that
//! block's state (runtime calls of the pool and the block author, RPC reads, the
//! execution of the next block).
//!
//! The cache belongs to one block. When a new best block extends it, the block's
//! changes are applied to the cached keys and the cache moves to the new block; any other
//! change of the best block empties it. Readers of other blocks bypass it.

use lattice_db::DbState;
use lattice_primitives::H256;
use lattice_state::{Backend, BackendTransaction, StorageChanges};
use parking_lot::Mutex;
use schnellru::{ByMemoryUsage, LruMap};
use std::sync::Arc;

/// Values above this size are not cached (`:code` and other blobs).
const MAX_CACHED_VALUE: usize = 16 * 1024;

pub(crate) struct StorageCache {
    block: H256,
    values: LruMap<Vec<u8>, Option<Vec<u8>>, ByMemoryUsage>,
    hits: u64,
    misses: u64,
}

impl StorageCache {
    pub(crate) fn new(block: H256, bytes: usize) -> Self {
        Self { block, values: LruMap::new(ByMemoryUsage::new(bytes)), hits: 0, misses: 0 }
    }

    /// Moves the cache to `new_best`. `changes` are the changes of `new_best` over its
    /// parent `parent`; when the parent is not the cached block the cache is emptied.
    pub(crate) fn advance(
        &mut self,
        parent: H256,
        new_best: H256,
        changes: Option<&StorageChanges>,
    ) {
        match changes {
            Some(changes) if parent == self.block => {
                for (key, value) in changes {
                    if self.values.peek(key).is_some() {
                        match value {
                            Some(v) if v.len() <= MAX_CACHED_VALUE => {
                                self.values.insert(key.clone(), Some(v.clone()));
                            }
                            Some(_) => {
                                self.values.remove(key);
                            }
                            None => {
                                self.values.insert(key.clone(), None);
                            }
                        }
                    }
                }
            }
            _ => self.values.clear(),
        }
        self.block = new_best;
    }

    /// (hits, misses) since start.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }
}

/// The state of one block, reading through the shared cache when the block is the one
/// the cache belongs to.
pub struct CachedState {
    state: DbState,
    block: H256,
    cache: Arc<Mutex<StorageCache>>,
}

impl CachedState {
    pub(crate) fn new(state: DbState, block: H256, cache: Arc<Mutex<StorageCache>>) -> Self {
        Self { state, block, cache }
    }

    /// The state without the cache.
    pub fn inner(&self) -> &DbState {
        &self.state
    }
}

impl Backend for CachedState {
    fn storage(&self, key: &[u8]) -> lattice_state::Result<Option<Vec<u8>>> {
        {
            let mut cache = self.cache.lock();
            if cache.block != self.block {
                drop(cache);
                return self.state.storage(key);
            }
            if let Some(value) = cache.values.get(key) {
                let value = value.clone();
                cache.hits += 1;
                return Ok(value);
            }
            cache.misses += 1;
        }
        let value = self.state.storage(key)?;
        if value.as_ref().is_none_or(|v| v.len() <= MAX_CACHED_VALUE) {
            let mut cache = self.cache.lock();
            // The cache may have moved on while the value was read.
            if cache.block == self.block {
                cache.values.insert(key.to_vec(), value.clone());
            }
        }
        Ok(value)
    }

    fn next_storage_key(&self, key: &[u8]) -> lattice_state::Result<Option<Vec<u8>>> {
        self.state.next_storage_key(key)
    }

    fn root(&self) -> [u8; 32] {
        self.state.root()
    }

    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> lattice_state::Result<([u8; 32], BackendTransaction)> {
        self.state.storage_root(changes)
    }
}
