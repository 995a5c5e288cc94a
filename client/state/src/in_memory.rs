//! A whole state in memory, for tests, benchmarks and genesis.

use crate::{
    AsTrieBackend, Backend, BackendTransaction, Error, Result, StateCommit, StorageChanges,
    TrieBackend,
};
use sp_core::Blake2Hasher;
use std::collections::BTreeMap;
use std::ops::Bound;

/// The trie nodes of an [`InMemoryBackend`], keyed like [`BackendTransaction`].
pub type InMemoryNodes = sp_trie::PrefixedMemoryDB<Blake2Hasher>;

/// A state held in memory: its trie nodes (for roots and proofs) and, beside them, a
/// flat key-value map so reads and key iteration never walk the trie.
///
/// Blocks chain with [`Self::apply`] or [`Self::commit`], which update both in place;
/// the previous state is not kept (clone the backend first to keep it).
#[derive(Clone)]
pub struct InMemoryBackend {
    trie: TrieBackend<InMemoryNodes>,
    flat: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Default for InMemoryBackend {
    /// The empty state.
    fn default() -> Self {
        let root = sp_trie::empty_trie_root::<crate::Layout>();
        Self { trie: TrieBackend::new(InMemoryNodes::default(), root.0), flat: BTreeMap::new() }
    }
}

impl std::fmt::Debug for InMemoryBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryBackend")
            .field("root", &crate::TrieHash::from(self.root()))
            .field("keys", &self.flat.len())
            .finish()
    }
}

impl InMemoryBackend {
    /// The state holding exactly `pairs` (a genesis state). A repeated key keeps its
    /// last value.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        let mut backend = Self::default();
        backend
            .apply(pairs.into_iter().map(|(k, v)| (k, Some(v))))
            .expect("the empty in-memory trie has every node an insertion reads");
        backend
    }

    /// Applies `changes` (`None` deletes), making this the next state; returns its root.
    /// A repeated key keeps its last change.
    pub fn apply(
        &mut self,
        changes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
    ) -> Result<[u8; 32]> {
        let changes: StorageChanges = changes.into_iter().collect();
        let (root, transaction) = self
            .trie
            .storage_root(&mut changes.iter().map(|(k, v)| (k.as_slice(), v.as_deref())))?;
        self.commit(StateCommit { parent_root: self.root(), root, transaction, changes })?;
        Ok(root)
    }

    /// Makes the state `commit` computed (from [`crate::OverlayedChanges::drain_commit`]
    /// on this backend) the current one.
    ///
    /// Fails without changing anything when `commit` was computed on another state.
    pub fn commit(&mut self, commit: StateCommit) -> Result<()> {
        let StateCommit { parent_root, root, transaction, changes } = commit;
        if parent_root != self.root() {
            return Err(Error::ParentRootMismatch {
                expected: parent_root.into(),
                found: self.root().into(),
            });
        }
        self.apply_transaction(transaction);
        self.trie.set_root(root);
        for (key, change) in changes {
            match change {
                Some(value) => {
                    self.flat.insert(key, value);
                }
                None => {
                    self.flat.remove(&key);
                }
            }
        }
        Ok(())
    }

    /// Every pair of the state, in key order.
    pub fn pairs_map(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.flat
    }

    /// How many keys hold a value.
    pub fn len(&self) -> usize {
        self.flat.len()
    }

    /// Whether the state is empty.
    pub fn is_empty(&self) -> bool {
        self.flat.is_empty()
    }

    fn apply_transaction(&mut self, transaction: BackendTransaction) {
        let nodes = self.trie.storage_mut();
        nodes.consolidate(transaction);
        // Nodes the new state no longer uses reach a count of zero: drop them, the old
        // state is gone.
        nodes.purge();
    }
}

impl Backend for InMemoryBackend {
    fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.flat.get(key).cloned())
    }

    fn next_storage_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self
            .flat
            .range::<[u8], _>((Bound::Excluded(key), Bound::Unbounded))
            .next()
            .map(|(k, _)| k.clone()))
    }

    fn root(&self) -> [u8; 32] {
        self.trie.root()
    }

    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Result<([u8; 32], BackendTransaction)> {
        self.trie.storage_root(changes)
    }

    fn keys(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        Ok(self.range(prefix, start_after).take(limit).map(|(k, _)| k.clone()).collect())
    }

    fn pairs(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        Ok(self
            .range(prefix, start_after)
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}

impl InMemoryBackend {
    /// Pairs with `prefix`, strictly after `start_after` when it is past the prefix.
    fn range<'a>(
        &'a self,
        prefix: &'a [u8],
        start_after: Option<&[u8]>,
    ) -> impl Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)> + 'a {
        let lower = match start_after {
            Some(start) if start >= prefix => Bound::Excluded(start),
            _ => Bound::Included(prefix),
        };
        self.flat
            .range::<[u8], _>((lower, Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }
}

impl AsTrieBackend for InMemoryBackend {
    type Storage = InMemoryNodes;

    fn as_trie_backend(&self) -> &TrieBackend<InMemoryNodes> {
        &self.trie
    }
}
