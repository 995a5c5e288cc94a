//! A backend reading its state from a Merkle trie whose nodes live in a [`TrieNodeStorage`].

use crate::error::{from_trie, Error};
use crate::{AsTrieBackend, Backend, BackendTransaction, Layout, Result, TrieHash};
use hash_db::{AsHashDB, HashDB, HashDBRef, Prefix};
use sp_core::Blake2Hasher;
use sp_trie::{DBValue, Trie, TrieDB, TrieDBBuilder, TrieMut};
use std::sync::{Arc, LazyLock, OnceLock};

/// Where trie nodes are kept: the node database implements this.
///
/// Nodes are addressed by their hash and their position in the trie (`prefix`, the
/// nibble path from the root). A store keyed by hash alone may ignore the prefix; a
/// store that prunes must key by [`sp_trie::prefixed_key`], as [`BackendTransaction`]
/// does, because the same node may sit at several positions.
pub trait TrieNodeStorage: Send + Sync {
    /// The encoded node with hash `hash` at position `prefix`; `None` when the storage
    /// does not hold it (the trie then reports [`Error::MissingTrieNode`]).
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<DBValue>>;
}

/// State read from the trie with root `root`, whose nodes are in `S`.
///
/// Every read walks the trie from the root; caching belongs in `S`.
#[derive(Debug, Clone)]
pub struct TrieBackend<S> {
    storage: S,
    root: TrieHash,
}

impl<S: TrieNodeStorage> TrieBackend<S> {
    /// The state with root `root` in `storage`. Nothing is read yet: a root the storage
    /// lacks shows up as [`Error::MissingTrieNode`] on first use.
    pub fn new(storage: S, root: [u8; 32]) -> Self {
        Self { storage, root: TrieHash::from(root) }
    }

    /// The node storage.
    pub fn node_storage(&self) -> &S {
        &self.storage
    }

    /// The node storage, giving up the backend.
    pub fn into_storage(self) -> S {
        self.storage
    }

    pub(crate) fn storage_mut(&mut self) -> &mut S {
        &mut self.storage
    }

    pub(crate) fn set_root(&mut self, root: [u8; 32]) {
        self.root = TrieHash::from(root);
    }

    /// Runs `f` on a read-only view of the trie, turning its errors into [`Error`].
    pub(crate) fn read<R>(
        &self,
        recorder: Option<&mut dyn sp_trie::TrieRecorder<TrieHash>>,
        f: impl FnOnce(&TrieDB<'_, '_, Layout>) -> TrieResult<R>,
    ) -> Result<R> {
        let lookup = NodeLookup { storage: &self.storage, failure: OnceLock::new() };
        let result = {
            let trie = TrieDBBuilder::<Layout>::new(&lookup, &self.root)
                .with_optional_recorder(recorder)
                .build();
            f(&trie)
        };
        result.map_err(|e| from_trie(*e, lookup.failure.into_inner()))
    }
}

/// What trie operations return.
pub(crate) type TrieResult<T> = std::result::Result<T, Box<sp_trie::TrieError<Layout>>>;

impl<S: TrieNodeStorage> Backend for TrieBackend<S> {
    fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.read(None, |trie| trie.get(key))
    }

    fn next_storage_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.read(None, |trie| {
            let mut iter = trie.key_iter()?;
            iter.seek(key)?;
            for next in iter {
                let next = next?;
                if next.as_slice() != key {
                    return Ok(Some(next));
                }
            }
            Ok(None)
        })
    }

    fn root(&self) -> [u8; 32] {
        self.root.0
    }

    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Result<([u8; 32], BackendTransaction)> {
        let mut transaction = BackendTransaction::default();
        let failure = OnceLock::new();
        let mut root = self.root;
        let result = {
            let mut db =
                Ephemeral { storage: &self.storage, overlay: &mut transaction, failure: &failure };
            apply_delta(&mut db, &mut root, changes)
        };
        match result {
            Ok(()) => Ok((root.0, transaction)),
            Err(e) => Err(from_trie(*e, failure.into_inner())),
        }
    }

    fn keys(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let seek = start_after.filter(|start| *start > prefix).unwrap_or(prefix);
        self.read(None, |trie| {
            let mut iter = trie.key_iter()?;
            iter.seek(seek)?;
            let mut keys = Vec::new();
            for key in iter {
                let key = key?;
                if !key.starts_with(prefix) {
                    break;
                }
                if Some(key.as_slice()) == start_after {
                    continue;
                }
                keys.push(key);
                if keys.len() == limit {
                    break;
                }
            }
            Ok(keys)
        })
    }

    fn pairs(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let seek = start_after.filter(|start| *start > prefix).unwrap_or(prefix);
        self.read(None, |trie| {
            let mut iter = trie.iter()?;
            iter.seek(seek)?;
            let mut pairs = Vec::new();
            for pair in iter {
                let (key, value) = pair?;
                if !key.starts_with(prefix) {
                    break;
                }
                if Some(key.as_slice()) == start_after {
                    continue;
                }
                pairs.push((key, value));
                if pairs.len() == limit {
                    break;
                }
            }
            Ok(pairs)
        })
    }
}

impl<S: TrieNodeStorage> AsTrieBackend for TrieBackend<S> {
    type Storage = S;

    fn as_trie_backend(&self) -> &TrieBackend<S> {
        self
    }
}

impl<S: TrieNodeStorage + ?Sized> TrieNodeStorage for &S {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<DBValue>> {
        (**self).get(hash, prefix)
    }
}

impl<S: TrieNodeStorage + ?Sized> TrieNodeStorage for Arc<S> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<DBValue>> {
        (**self).get(hash, prefix)
    }
}

/// Nodes keyed by prefix and hash, as [`BackendTransaction`] holds them.
impl TrieNodeStorage for sp_trie::PrefixedMemoryDB<Blake2Hasher> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<DBValue>> {
        Ok(HashDB::get(self, hash, prefix))
    }
}

/// Nodes keyed by hash alone, as [`sp_trie::StorageProof::into_memory_db`] builds them.
impl TrieNodeStorage for sp_trie::MemoryDB<Blake2Hasher> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<DBValue>> {
        Ok(HashDB::get(self, hash, prefix))
    }
}

/// Applies `changes` to the trie with root `root` in `db`, leaving the new root in `root`
/// and the new nodes in `db`. Only the changed keys' paths are read and rewritten.
///
/// This is `sp_trie::delta_trie_root` but for one guard: a key is removed only when it is
/// present. `TrieDBMut::remove` of an absent key that is a strict prefix of present keys
/// panics or corrupts the trie (paritytech/trie#217), and deleting absent keys is
/// ordinary for a runtime.
fn apply_delta<'a>(
    db: &mut dyn HashDB<Blake2Hasher, DBValue>,
    root: &mut TrieHash,
    changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
) -> TrieResult<()> {
    let mut trie = sp_trie::TrieDBMutBuilder::<Layout>::from_existing(db, root).build();
    for (key, change) in changes {
        match change {
            Some(value) => {
                trie.insert(key, value)?;
            }
            None => {
                if trie.contains(key)? {
                    trie.remove(key)?;
                }
            }
        }
    }
    // Writes the new nodes to `db` and the new root to `root`.
    trie.commit();
    Ok(())
}

/// The root of the empty trie: the hash of its only node, `[0]`, which no storage holds.
static EMPTY_ROOT: LazyLock<TrieHash> = LazyLock::new(sp_trie::empty_trie_root::<Layout>);

/// The encoding of the empty node.
const EMPTY_NODE: [u8; 1] = [0];

/// Looks a node up in `storage`, answering the empty node itself and keeping the first
/// storage failure (the trie API has no room for it) in `failure`.
fn lookup_node<S: TrieNodeStorage + ?Sized>(
    storage: &S,
    failure: &OnceLock<Error>,
    hash: &TrieHash,
    prefix: Prefix<'_>,
) -> Option<DBValue> {
    if *hash == *EMPTY_ROOT {
        return Some(EMPTY_NODE.to_vec());
    }
    match storage.get(hash, prefix) {
        Ok(node) => node,
        Err(e) => {
            // Only the first failure is kept: it is the one that stopped the trie.
            let _ = failure.set(e);
            None
        }
    }
}

/// Read-only `HashDBRef` view of a [`TrieNodeStorage`].
struct NodeLookup<'a, S> {
    storage: &'a S,
    failure: OnceLock<Error>,
}

impl<S: TrieNodeStorage> HashDBRef<Blake2Hasher, DBValue> for NodeLookup<'_, S> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Option<DBValue> {
        lookup_node(self.storage, &self.failure, hash, prefix)
    }

    fn contains(&self, hash: &TrieHash, prefix: Prefix<'_>) -> bool {
        HashDBRef::get(self, hash, prefix).is_some()
    }
}

/// A writable `HashDB` for root computation: new nodes go to `overlay`, reads fall
/// through to `storage`.
struct Ephemeral<'a, S> {
    storage: &'a S,
    overlay: &'a mut BackendTransaction,
    failure: &'a OnceLock<Error>,
}

impl<S: TrieNodeStorage> HashDB<Blake2Hasher, DBValue> for Ephemeral<'_, S> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Option<DBValue> {
        HashDB::get(self.overlay, hash, prefix)
            .or_else(|| lookup_node(self.storage, self.failure, hash, prefix))
    }

    fn contains(&self, hash: &TrieHash, prefix: Prefix<'_>) -> bool {
        HashDB::get(self, hash, prefix).is_some()
    }

    fn insert(&mut self, prefix: Prefix<'_>, value: &[u8]) -> TrieHash {
        HashDB::insert(self.overlay, prefix, value)
    }

    fn emplace(&mut self, hash: TrieHash, prefix: Prefix<'_>, value: DBValue) {
        HashDB::emplace(self.overlay, hash, prefix, value)
    }

    fn remove(&mut self, hash: &TrieHash, prefix: Prefix<'_>) {
        HashDB::remove(self.overlay, hash, prefix)
    }
}

impl<S: TrieNodeStorage> AsHashDB<Blake2Hasher, DBValue> for Ephemeral<'_, S> {
    fn as_hash_db(&self) -> &dyn HashDB<Blake2Hasher, DBValue> {
        self
    }

    fn as_hash_db_mut<'b>(&'b mut self) -> &'b mut (dyn HashDB<Blake2Hasher, DBValue> + 'b) {
        self
    }
}
