//! Trie nodes on disk: the [`TrieNodeStorage`] the state backends read through, and the
//! node cache in front of RocksDB.

use crate::database::Inner;
use crate::schema::column;
use lattice_state::{Prefix, TrieHash, TrieNodeStorage};
use parking_lot::Mutex;
use schnellru::{Limiter, LruMap};
use sp_core::Blake2Hasher;
use sp_trie::DBValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The state of a stored block, read from the database: a [`lattice_state::Backend`].
pub type DbState = lattice_state::TrieBackend<DbNodes>;

/// The trie nodes of every kept state, read from the database (through the node cache).
///
/// Cheap to clone: a handle on the open database, which stays open while a handle lives.
/// A state whose block is pruned or reverted while a backend reads it fails its later
/// reads with [`lattice_state::Error::MissingTrieNode`].
#[derive(Clone)]
pub struct DbNodes {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for DbNodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbNodes").field("path", &self.inner.path).finish_non_exhaustive()
    }
}

impl TrieNodeStorage for DbNodes {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> lattice_state::Result<Option<DBValue>> {
        let key = sp_trie::prefixed_key::<Blake2Hasher>(hash, prefix);
        if let Some(cache) = &self.inner.node_cache {
            if let Some(node) = cache.get(&key) {
                return Ok(Some(node));
            }
        }
        let node =
            self.inner.db.get_cf(self.inner.cf(column::STATE), &key).map_err(crate::Error::from)?;
        let Some(node) = node else { return Ok(None) };
        if let Some(cache) = &self.inner.node_cache {
            cache.insert(key, node.clone());
        }
        Ok(Some(node))
    }
}

/// Figures of the node cache since the database was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeCacheStats {
    /// Lookups answered by the cache.
    pub hits: u64,
    /// Lookups that went to RocksDB.
    pub misses: u64,
    /// Nodes held.
    pub entries: usize,
    /// Bytes of keys and nodes held.
    pub bytes: usize,
}

/// A least-recently-used map from `state` keys to trie nodes, bounded in bytes.
///
/// Entries never go stale: a key names its node's hash, so a cached node is the right
/// one as long as the key exists. Pruning removes the keys it deletes, so a pruned state
/// is gone from the cache too.
pub(crate) struct NodeCache {
    map: Mutex<LruMap<Vec<u8>, Vec<u8>, ByBytes>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl NodeCache {
    pub(crate) fn new(max_bytes: usize) -> Self {
        Self {
            map: Mutex::new(LruMap::new(ByBytes { max: max_bytes, used: 0 })),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let found = self.map.lock().get(key).cloned();
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn insert(&self, key: Vec<u8>, node: Vec<u8>) {
        self.map.lock().insert(key, node);
    }

    /// Forgets `keys` (deleted from the database).
    pub(crate) fn remove<'a>(&self, keys: impl IntoIterator<Item = &'a Vec<u8>>) {
        let mut map = self.map.lock();
        for key in keys {
            map.remove(key.as_slice());
        }
    }

    pub(crate) fn stats(&self) -> NodeCacheStats {
        let map = self.map.lock();
        NodeCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: map.len(),
            bytes: map.limiter().used,
        }
    }
}

/// Bounds the cache by the bytes of its keys and nodes (plus a fixed overhead per entry
/// for the map's own slots).
struct ByBytes {
    max: usize,
    used: usize,
}

impl ByBytes {
    /// Map slot, two `Vec` headers and allocator slack, roughly.
    const ENTRY_OVERHEAD: usize = 64;

    fn size(key: &[u8], node: &[u8]) -> usize {
        key.len() + node.len() + Self::ENTRY_OVERHEAD
    }
}

impl Limiter<Vec<u8>, Vec<u8>> for ByBytes {
    type KeyToInsert<'a> = Vec<u8>;
    type LinkType = u32;

    fn is_over_the_limit(&self, _length: usize) -> bool {
        self.used > self.max
    }

    fn on_insert(
        &mut self,
        _length: usize,
        key: Vec<u8>,
        node: Vec<u8>,
    ) -> Option<(Vec<u8>, Vec<u8>)> {
        let size = Self::size(&key, &node);
        if size > self.max {
            return None;
        }
        self.used += size;
        Some((key, node))
    }

    fn on_replace(
        &mut self,
        _length: usize,
        old_key: &mut Vec<u8>,
        new_key: Vec<u8>,
        old_node: &mut Vec<u8>,
        new_node: &mut Vec<u8>,
    ) -> bool {
        let (old, new) = (Self::size(old_key, old_node), Self::size(&new_key, new_node));
        if new > self.max {
            return false;
        }
        self.used = self.used - old + new;
        true
    }

    fn on_removed(&mut self, key: &mut Vec<u8>, node: &mut Vec<u8>) {
        self.used -= Self::size(key, node);
    }

    fn on_cleared(&mut self) {
        self.used = 0;
    }

    fn on_grow(&mut self, new_memory_usage: usize) -> bool {
        // The slot table counts towards the budget too; refuse to grow past it.
        new_memory_usage <= self.max
    }
}
