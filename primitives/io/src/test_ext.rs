//! Externalities over an in-memory map, for pallet tests and native tools.

use crate::{ClearPrefixOutcome, Externalities, NoOpenTransaction, StorageError};
use std::collections::BTreeMap;

type RuntimeVersionReader = Box<dyn Fn(&[u8]) -> Option<Vec<u8>>>;

/// `(scheme, key type, public key, secret key)` of a key in a [`MemoryKeystore`].
type StoredKey = (crate::KeyScheme, crate::KeyTypeId, [u8; 32], Vec<u8>);

/// The values a transaction's writes replaced: `(key, value before)`.
type UndoLog = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// A keystore in memory: keys derived with `sp-core` from their seeds (random without
/// one), kept by key type. For tests and tools; the node keeps keys in files.
#[derive(Default)]
pub struct MemoryKeystore {
    keys: std::sync::Mutex<Vec<StoredKey>>,
}

impl MemoryKeystore {
    /// The public keys of `scheme` and `key_type` created so far, in creation order.
    pub fn public_keys(
        &self,
        scheme: crate::KeyScheme,
        key_type: crate::KeyTypeId,
    ) -> Vec<[u8; 32]> {
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|(s, t, _, _)| *s == scheme && *t == key_type)
            .map(|(_, _, public, _)| *public)
            .collect()
    }
}

impl crate::Keystore for MemoryKeystore {
    fn generate(
        &self,
        scheme: crate::KeyScheme,
        key_type: crate::KeyTypeId,
        seed: Option<&str>,
    ) -> Option<[u8; 32]> {
        use sp_core::{ByteArray, Pair};
        fn make<P: Pair>(seed: Option<&str>) -> Option<(Vec<u8>, Vec<u8>)> {
            let pair = match seed {
                Some(seed) => P::from_string(seed, None).ok()?,
                None => P::generate().0,
            };
            Some((pair.public().to_raw_vec(), pair.to_raw_vec()))
        }
        let (public, secret) = match scheme {
            crate::KeyScheme::Sr25519 => make::<sp_core::sr25519::Pair>(seed)?,
            crate::KeyScheme::Ed25519 => make::<sp_core::ed25519::Pair>(seed)?,
        };
        let public: [u8; 32] = public.try_into().ok()?;
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((scheme, key_type, public, secret));
        Some(public)
    }
}

/// Storage in a `BTreeMap`, with nested transactions kept as an undo journal.
///
/// The state root is the real one (`sp-trie`, layout V1, blake2-256), recomputed from all
/// pairs on each call: correct but linear in the state size, so meant for tests.
#[derive(Default)]
pub struct TestExternalities {
    storage: BTreeMap<Vec<u8>, Vec<u8>>,
    /// One undo log per open transaction: `(key, value before the first write)`.
    journal: Vec<UndoLog>,
    version_reader: Option<RuntimeVersionReader>,
    keystore: Option<std::sync::Arc<dyn crate::Keystore>>,
}

impl TestExternalities {
    /// Externalities holding `pairs`.
    pub fn new(pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Self {
        Self { storage: pairs.into_iter().collect(), ..Default::default() }
    }

    /// Answers `runtime_version` host calls with `reader` (native `set_code` tests).
    pub fn with_runtime_version_reader(
        mut self,
        reader: impl Fn(&[u8]) -> Option<Vec<u8>> + 'static,
    ) -> Self {
        self.version_reader = Some(Box::new(reader));
        self
    }

    /// Gives runtime code `keystore` to create keys in (`SessionKeys` API tests).
    pub fn with_keystore(mut self, keystore: std::sync::Arc<dyn crate::Keystore>) -> Self {
        self.keystore = Some(keystore);
        self
    }

    /// Runs `f` with these externalities installed (see [`crate::with_externalities`]).
    pub fn execute_with<R>(&mut self, f: impl FnOnce() -> R) -> R {
        crate::with_externalities(self, f)
    }

    /// The value at `key`.
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.storage.get(key).map(Vec::as_slice)
    }

    /// All pairs, in key order.
    pub fn pairs(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.storage
    }

    /// How many transactions are open.
    pub fn transaction_depth(&self) -> usize {
        self.journal.len()
    }

    fn record(&mut self, key: &[u8]) {
        if let Some(log) = self.journal.last_mut() {
            log.push((key.to_vec(), self.storage.get(key).cloned()));
        }
    }
}

impl Externalities for TestExternalities {
    fn storage(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.storage.get(key).cloned())
    }

    fn set_storage(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.record(&key);
        self.storage.insert(key, value);
    }

    fn clear_storage(&mut self, key: &[u8]) {
        self.record(key);
        self.storage.remove(key);
    }

    fn next_storage_key(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        use std::ops::Bound::{Excluded, Unbounded};
        Ok(self.storage.range::<[u8], _>((Excluded(key), Unbounded)).next().map(|(k, _)| k.clone()))
    }

    fn clear_prefix(
        &mut self,
        prefix: &[u8],
        limit: Option<u32>,
    ) -> Result<ClearPrefixOutcome, StorageError> {
        let matching: Vec<Vec<u8>> = self
            .storage
            .range::<[u8], _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect();
        let limit = limit.map_or(usize::MAX, |l| l as usize);
        let removed = matching.len().min(limit);
        for key in &matching[..removed] {
            self.clear_storage(key);
        }
        Ok(ClearPrefixOutcome { removed: removed as u32, complete: removed == matching.len() })
    }

    fn storage_root(&mut self) -> Result<[u8; 32], StorageError> {
        use sp_trie::{LayoutV1, TrieConfiguration};
        let root = LayoutV1::<sp_core::Blake2Hasher>::trie_root(self.storage.iter());
        Ok(root.0)
    }

    fn start_transaction(&mut self) {
        self.journal.push(Vec::new());
    }

    fn commit_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        let log = self.journal.pop().ok_or(NoOpenTransaction)?;
        if let Some(parent) = self.journal.last_mut() {
            parent.extend(log);
        }
        Ok(())
    }

    fn rollback_transaction(&mut self) -> Result<(), NoOpenTransaction> {
        let log = self.journal.pop().ok_or(NoOpenTransaction)?;
        for (key, old) in log.into_iter().rev() {
            match old {
                Some(v) => self.storage.insert(key, v),
                None => self.storage.remove(&key),
            };
        }
        Ok(())
    }

    fn runtime_version(&mut self, code: &[u8]) -> Option<Vec<u8>> {
        self.version_reader.as_ref().and_then(|r| r(code))
    }

    fn keystore(&mut self) -> Option<&dyn crate::Keystore> {
        self.keystore.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage;

    #[test]
    fn nested_transactions_roll_back_only_their_writes() {
        let mut ext = TestExternalities::new([(b"a".to_vec(), b"1".to_vec())]);
        ext.execute_with(|| {
            storage::start_transaction();
            storage::set(b"a", b"2");
            storage::start_transaction();
            storage::set(b"a", b"3");
            storage::set(b"b", b"x");
            storage::rollback_transaction();
            assert_eq!(storage::get(b"a").as_deref(), Some(&b"2"[..]));
            assert!(!storage::exists(b"b"));
            storage::commit_transaction();
            storage::start_transaction();
            storage::clear(b"a");
            storage::rollback_transaction();
        });
        assert_eq!(ext.get(b"a"), Some(&b"2"[..]));
        assert_eq!(ext.transaction_depth(), 0);
    }

    #[test]
    fn clear_prefix_honours_the_limit_and_reports_completion() {
        let pairs = (0u8..5).map(|i| (vec![7, i], vec![i])).chain([(vec![8], vec![0])]);
        let mut ext = TestExternalities::new(pairs);
        let first = ext.execute_with(|| storage::clear_prefix(&[7], Some(3)));
        assert_eq!(first, ClearPrefixOutcome { removed: 3, complete: false });
        let second = ext.execute_with(|| storage::clear_prefix(&[7], None));
        assert_eq!(second, ClearPrefixOutcome { removed: 2, complete: true });
        assert_eq!(ext.pairs().len(), 1);
        assert_eq!(ext.execute_with(|| storage::next_key(&[])), Some(vec![8]));
    }

    #[test]
    fn root_of_empty_state_is_the_empty_trie_root() {
        let mut ext = TestExternalities::default();
        // blake2-256 of the empty node (a single 0x00 byte).
        let expected = sp_crypto_hashing::blake2_256(&[0u8]);
        assert_eq!(ext.execute_with(storage::root), expected);
    }

    #[test]
    fn commit_without_transaction_is_an_error() {
        let mut ext = TestExternalities::default();
        assert_eq!(ext.commit_transaction(), Err(NoOpenTransaction));
        assert_eq!(ext.rollback_transaction(), Err(NoOpenTransaction));
    }
}
