//! The pending changes of a block on top of its parent state.

use crate::{Backend, BackendTransaction, Error, Result};
use lattice_io::NoOpenTransaction;
use std::collections::BTreeMap;
use std::ops::Bound;

/// Changed keys in key order: `Some(value)` is written, `None` is deleted.
pub type StorageChanges = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// What one block did to the state, ready to be written: the new root, the trie nodes to
/// persist and the key-value changes (for the flat state and for notifications).
pub struct StateCommit {
    /// Root of the state the changes were computed on.
    pub parent_root: [u8; 32],
    /// Root of the state with `changes` applied.
    pub root: [u8; 32],
    /// Trie nodes inserted (positive reference count) and removed (negative) by `changes`.
    pub transaction: BackendTransaction,
    /// The changed keys.
    pub changes: StorageChanges,
}

/// The changes made by the calls of a block so far, with nested storage transactions.
///
/// Writes land in one ordered map; each open transaction keeps an undo journal of the
/// overlay entries its writes replaced. A write costs one map operation plus, inside a
/// transaction, one journal push; committing the outermost transaction drops its journal
/// and committing an inner one appends it to the parent's, so the cost per write is
/// O(1) amortised however many transactions a block opens.
///
/// It also caches the last storage root it computed (with the trie nodes that go with it)
/// until the next change, so `storage_root` at the end of a block and
/// [`Self::drain_commit`] at import compute the root once.
#[derive(Debug, Default)]
pub struct OverlayedChanges {
    changes: StorageChanges,
    /// One undo log per open transaction, innermost last: `(key, overlay entry before
    /// the write)`, where `None` means the key was not in the overlay.
    journal: Vec<Vec<UndoEntry>>,
    root_cache: Option<RootCache>,
}

/// The overlay entry a write replaced.
type UndoEntry = (Vec<u8>, Option<Option<Vec<u8>>>);

/// A root computed from the overlay's current changes.
struct RootCache {
    parent_root: [u8; 32],
    root: [u8; 32],
    transaction: BackendTransaction,
}

impl OverlayedChanges {
    /// An empty overlay.
    pub fn new() -> Self {
        Self::default()
    }

    /// The pending change of `key`: `None` when the overlay does not touch it,
    /// `Some(None)` when it deletes it, `Some(Some(value))` when it writes it.
    pub fn storage(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.changes.get(key).map(Option::as_deref)
    }

    /// Writes `value` at `key` (`None` deletes it), in the innermost open transaction if
    /// there is one.
    pub fn set_storage(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        self.root_cache = None;
        match self.changes.get_mut(&key) {
            Some(slot) => {
                let previous = std::mem::replace(slot, value);
                if let Some(log) = self.journal.last_mut() {
                    // The key is already in the map, so the caller's copy moves into the
                    // journal instead of being cloned.
                    log.push((key, Some(previous)));
                }
            }
            None => {
                if let Some(log) = self.journal.last_mut() {
                    log.push((key.clone(), None));
                }
                self.changes.insert(key, value);
            }
        }
    }

    /// Deletes `key`, in the innermost open transaction if there is one.
    pub fn clear_storage(&mut self, key: &[u8]) {
        self.set_storage(key.to_vec(), None);
    }

    /// Opens a nested storage transaction.
    pub fn start_transaction(&mut self) {
        self.journal.push(Vec::new());
    }

    /// Keeps the changes of the innermost open transaction and closes it.
    pub fn commit_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        let mut log = self.journal.pop().ok_or(NoOpenTransaction)?;
        if let Some(parent) = self.journal.last_mut() {
            // Rollback replays entries newest first, so the parent's (older) entries must
            // stay in front of the child's.
            if parent.is_empty() {
                *parent = log;
            } else {
                parent.append(&mut log);
            }
        }
        Ok(())
    }

    /// Discards the changes of the innermost open transaction and closes it.
    pub fn rollback_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        let log = self.journal.pop().ok_or(NoOpenTransaction)?;
        if !log.is_empty() {
            self.root_cache = None;
        }
        for (key, previous) in log.into_iter().rev() {
            match previous {
                Some(value) => {
                    self.changes.insert(key, value);
                }
                None => {
                    self.changes.remove(&key);
                }
            }
        }
        Ok(())
    }

    /// How many transactions are open.
    pub fn transaction_depth(&self) -> usize {
        self.journal.len()
    }

    /// Every change (committed or inside open transactions), in key order.
    pub fn changes(&self) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> + '_ {
        self.changes.iter().map(|(k, v)| (k.as_slice(), v.as_deref()))
    }

    /// The changes of keys strictly greater than `key`, in key order.
    pub fn changes_after<'a>(
        &'a self,
        key: &[u8],
    ) -> impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)> + 'a {
        self.changes
            .range::<[u8], _>((Bound::Excluded(key), Bound::Unbounded))
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
    }

    /// How many keys the overlay changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether the overlay changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The root of `backend` with every change applied, committed or not.
    ///
    /// Cached until the next change; the cache remembers the backend root it was computed
    /// on, so asking about another backend recomputes.
    pub fn storage_root<B: Backend + ?Sized>(&mut self, backend: &B) -> Result<[u8; 32]> {
        let parent_root = backend.root();
        if let Some(cache) = &self.root_cache {
            if cache.parent_root == parent_root {
                return Ok(cache.root);
            }
        }
        let (root, transaction) = backend.storage_root(&mut self.changes())?;
        self.root_cache = Some(RootCache { parent_root, root, transaction });
        Ok(root)
    }

    /// Takes every change out, leaving the overlay empty.
    ///
    /// Fails when storage transactions are still open: their fate is undecided.
    pub fn drain(&mut self) -> Result<StorageChanges> {
        self.ensure_no_open_transaction()?;
        self.root_cache = None;
        Ok(std::mem::take(&mut self.changes))
    }

    /// Every change; see [`Self::drain`].
    pub fn into_changes(mut self) -> Result<StorageChanges> {
        self.drain()
    }

    /// Takes every change out with the root and trie nodes they give on `backend`, reusing
    /// the root computed by the last `storage_root` call when nothing changed since.
    ///
    /// Fails when storage transactions are still open, or when `backend` fails. On failure
    /// the overlay keeps its changes.
    pub fn drain_commit<B: Backend + ?Sized>(&mut self, backend: &B) -> Result<StateCommit> {
        self.ensure_no_open_transaction()?;
        self.storage_root(backend)?;
        let RootCache { parent_root, root, transaction } =
            self.root_cache.take().expect("`storage_root` succeeded, so it filled the cache");
        let changes = std::mem::take(&mut self.changes);
        Ok(StateCommit { parent_root, root, transaction, changes })
    }

    fn ensure_no_open_transaction(&self) -> Result<()> {
        match self.journal.len() {
            0 => Ok(()),
            depth => Err(Error::OpenTransactions { depth }),
        }
    }
}

impl std::fmt::Debug for StateCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateCommit")
            .field("parent_root", &crate::TrieHash::from(self.parent_root))
            .field("root", &crate::TrieHash::from(self.root))
            .field("trie_nodes", &self.transaction.keys().len())
            .field("changes", &self.changes.len())
            .finish()
    }
}

impl std::fmt::Debug for RootCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootCache")
            .field("parent_root", &crate::TrieHash::from(self.parent_root))
            .field("root", &crate::TrieHash::from(self.root))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(o: &OverlayedChanges, key: &[u8]) -> Option<Option<Vec<u8>>> {
        o.storage(key).map(|v| v.map(<[u8]>::to_vec))
    }

    #[test]
    fn writes_outside_transactions_are_kept() {
        let mut o = OverlayedChanges::new();
        o.set_storage(b"a".to_vec(), Some(b"1".to_vec()));
        o.clear_storage(b"b");
        assert_eq!(get(&o, b"a"), Some(Some(b"1".to_vec())));
        assert_eq!(get(&o, b"b"), Some(None));
        assert_eq!(get(&o, b"c"), None);
        assert_eq!(o.transaction_depth(), 0);
        assert_eq!(o.commit_transaction(), Err(NoOpenTransaction));
        assert_eq!(o.rollback_transaction(), Err(NoOpenTransaction));
    }

    #[test]
    fn nested_transactions_commit_and_roll_back() {
        let mut o = OverlayedChanges::new();
        o.set_storage(b"a".to_vec(), Some(b"0".to_vec()));
        o.start_transaction();
        o.set_storage(b"a".to_vec(), Some(b"1".to_vec()));
        o.set_storage(b"b".to_vec(), Some(b"1".to_vec()));
        o.start_transaction();
        o.set_storage(b"a".to_vec(), Some(b"2".to_vec()));
        o.clear_storage(b"b");
        o.set_storage(b"c".to_vec(), Some(b"2".to_vec()));
        assert_eq!(o.transaction_depth(), 2);
        o.rollback_transaction().expect("open");
        assert_eq!(get(&o, b"a"), Some(Some(b"1".to_vec())));
        assert_eq!(get(&o, b"b"), Some(Some(b"1".to_vec())));
        assert_eq!(get(&o, b"c"), None);

        o.start_transaction();
        o.clear_storage(b"a");
        o.set_storage(b"d".to_vec(), Some(b"3".to_vec()));
        o.commit_transaction().expect("open");
        assert_eq!(get(&o, b"a"), Some(None));
        // Rolling back the outer transaction undoes the committed inner one too.
        o.rollback_transaction().expect("open");
        assert_eq!(get(&o, b"a"), Some(Some(b"0".to_vec())));
        assert_eq!(get(&o, b"b"), None);
        assert_eq!(get(&o, b"d"), None);
        assert_eq!(o.len(), 1);
    }

    #[test]
    fn deletions_inside_transactions_roll_back_to_values() {
        let mut o = OverlayedChanges::new();
        o.set_storage(b"k".to_vec(), Some(b"v".to_vec()));
        o.start_transaction();
        o.clear_storage(b"k");
        o.set_storage(b"k".to_vec(), Some(b"w".to_vec()));
        o.clear_storage(b"k");
        assert_eq!(get(&o, b"k"), Some(None));
        o.rollback_transaction().expect("open");
        assert_eq!(get(&o, b"k"), Some(Some(b"v".to_vec())));
    }

    #[test]
    fn drain_refuses_open_transactions() {
        let mut o = OverlayedChanges::new();
        o.start_transaction();
        o.set_storage(b"k".to_vec(), Some(b"v".to_vec()));
        assert!(matches!(o.drain(), Err(Error::OpenTransactions { depth: 1 })));
        o.commit_transaction().expect("open");
        let changes = o.drain().expect("no transaction open");
        assert_eq!(changes.len(), 1);
        assert!(o.is_empty());
    }

    #[test]
    fn many_writes_with_one_transaction_each() {
        let mut o = OverlayedChanges::new();
        for i in 0u32..50_000 {
            o.start_transaction();
            let key = (i % 5_000).to_be_bytes().to_vec();
            o.set_storage(key.clone(), Some(i.to_le_bytes().to_vec()));
            o.set_storage(b"counter".to_vec(), Some(i.to_le_bytes().to_vec()));
            if i % 3 == 0 {
                o.rollback_transaction().expect("open");
            } else {
                o.commit_transaction().expect("open");
            }
        }
        assert_eq!(o.transaction_depth(), 0);
        // The last committed write of key 4999 is i = 49_999 (49_999 % 3 != 0).
        assert_eq!(get(&o, &4_999u32.to_be_bytes()), Some(Some(49_999u32.to_le_bytes().to_vec())));
        // i = 49_998 was rolled back (49_998 % 3 == 0); 44_998 was kept.
        assert_eq!(get(&o, &4_998u32.to_be_bytes()), Some(Some(44_998u32.to_le_bytes().to_vec())));
        assert_eq!(get(&o, b"counter"), Some(Some(49_999u32.to_le_bytes().to_vec())));
        let keys: Vec<_> = o.changes().map(|(k, _)| k.to_vec()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 5_001);
    }

    #[test]
    fn deep_nesting_many_writes() {
        let mut o = OverlayedChanges::new();
        for depth in 0u32..100 {
            o.start_transaction();
            for i in 0u32..100 {
                o.set_storage(i.to_be_bytes().to_vec(), Some(depth.to_be_bytes().to_vec()));
            }
        }
        for _ in 0..50 {
            o.rollback_transaction().expect("open");
        }
        for _ in 0..50 {
            o.commit_transaction().expect("open");
        }
        assert_eq!(get(&o, &7u32.to_be_bytes()), Some(Some(49u32.to_be_bytes().to_vec())));
    }
}
