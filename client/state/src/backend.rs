//! The state of a block as the node stores it: the capability trait every backend offers.

use crate::{Result, TrieBackend};

/// Trie nodes produced by a root computation, to be persisted with the block.
///
/// Entries are keyed by [`sp_trie::prefixed_key`] (the node's nibble path, then its
/// hash), the key under which [`crate::TrieNodeStorage::get`] later asks for them. The
/// reference count is positive for nodes the new state adds and negative for nodes it no
/// longer uses (a pruning database may drop those once no kept state refers to them).
pub type BackendTransaction = sp_trie::PrefixedMemoryDB<sp_core::Blake2Hasher>;

/// Read access to one state (the state after some block) and the root of changes on it.
///
/// Keys are ordered bytewise. A `None` value always means "no value at that key"; an
/// empty value is a value. Errors mean the state could not be read (a missing trie node,
/// a database failure), never that a key is absent.
pub trait Backend {
    /// The value at `key`; `None` when there is none.
    fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>>;

    /// The smallest key strictly greater than `key` that holds a value; `None` when
    /// there is none.
    fn next_storage_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>>;

    /// The root of this state (base-16 Patricia-Merkle trie, layout V1, blake2-256).
    fn root(&self) -> [u8; 32];

    /// The root of this state with `changes` applied (`None` deletes the key), and the
    /// trie nodes to persist for it. This state is not modified.
    ///
    /// `changes` must not repeat a key; order does not matter but key order is cheapest.
    /// Only the changed keys' paths are visited.
    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Result<([u8; 32], BackendTransaction)>;

    /// Up to `limit` keys starting with `prefix`, in key order, beginning strictly after
    /// `start_after` when given (the paging of `state_getKeysPaged`).
    fn keys(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        let mut keys = Vec::new();
        let mut cursor = match start_after {
            Some(start) if start >= prefix => start.to_vec(),
            _ => {
                // `next_storage_key` is exclusive, so the prefix itself is checked apart.
                if limit > 0 && self.storage(prefix)?.is_some() {
                    keys.push(prefix.to_vec());
                }
                prefix.to_vec()
            }
        };
        while keys.len() < limit {
            match self.next_storage_key(&cursor)? {
                Some(key) if key.starts_with(prefix) => {
                    cursor.clone_from(&key);
                    keys.push(key);
                }
                _ => break,
            }
        }
        Ok(keys)
    }

    /// Up to `limit` key-value pairs whose key starts with `prefix`, in key order,
    /// beginning strictly after `start_after` when given.
    fn pairs(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut pairs = Vec::new();
        for key in self.keys(prefix, start_after, limit)? {
            // A key just listed has a value unless the state is inconsistent; skip it then
            // rather than invent one.
            if let Some(value) = self.storage(&key)? {
                pairs.push((key, value));
            }
        }
        Ok(pairs)
    }
}

/// A backend whose state lives in a Merkle trie it can show, so reads can be proven.
pub trait AsTrieBackend {
    /// Where the trie nodes are.
    type Storage: crate::TrieNodeStorage;

    /// The trie holding this state.
    fn as_trie_backend(&self) -> &TrieBackend<Self::Storage>;
}

impl<B: Backend + ?Sized> Backend for &B {
    fn storage(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        (**self).storage(key)
    }

    fn next_storage_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        (**self).next_storage_key(key)
    }

    fn root(&self) -> [u8; 32] {
        (**self).root()
    }

    fn storage_root<'a>(
        &self,
        changes: &mut dyn Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Result<([u8; 32], BackendTransaction)> {
        (**self).storage_root(changes)
    }

    fn keys(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        (**self).keys(prefix, start_after, limit)
    }

    fn pairs(
        &self,
        prefix: &[u8],
        start_after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        (**self).pairs(prefix, start_after, limit)
    }
}
