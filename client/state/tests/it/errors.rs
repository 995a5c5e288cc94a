//! Bad cases: missing or corrupt trie nodes and failing storage give errors, never panics.

use lattice_io::Externalities;
use lattice_state::{
    prove_read, AsTrieBackend, Backend, Error, Ext, InMemoryBackend, OverlayedChanges, Prefix,
    Result, TrieBackend, TrieHash, TrieNodeStorage,
};

/// Every value: over 32 bytes, so each sits in its own value node.
const VALUE: [u8; 40] = [1; 40];

fn state() -> InMemoryBackend {
    InMemoryBackend::from_pairs((0u32..200).map(|i| (i.to_be_bytes().to_vec(), VALUE.to_vec())))
}

/// Node storage that hides one node, returns garbage for another, or fails outright.
struct Faulty<'a> {
    inner: &'a lattice_state::InMemoryNodes,
    hidden: Option<TrieHash>,
    garbage: Option<TrieHash>,
    fail: bool,
}

impl TrieNodeStorage for Faulty<'_> {
    fn get(&self, hash: &TrieHash, prefix: Prefix<'_>) -> Result<Option<Vec<u8>>> {
        if self.fail {
            let io = std::io::Error::other("disk on fire");
            return Err(Error::Database(Box::new(io)));
        }
        if Some(*hash) == self.hidden {
            return Ok(None);
        }
        if Some(*hash) == self.garbage {
            return Ok(Some(vec![0xff; 7]));
        }
        self.inner.get(hash, prefix)
    }
}

/// A trie node (not a value node) on the path of `key` below the root.
fn inner_node_of(state: &InMemoryBackend, key: &[u8]) -> TrieHash {
    let proof = prove_read(state, [key]).unwrap();
    let found = proof
        .iter_nodes()
        .filter(|node| **node != VALUE)
        .map(|node| <sp_core::Blake2Hasher as hash_db::Hasher>::hash(node))
        .find(|hash| hash.0 != state.root())
        .expect("a 200-key trie is deeper than its root");
    found
}

fn faulty(state: &InMemoryBackend) -> Faulty<'_> {
    Faulty {
        inner: state.as_trie_backend().node_storage(),
        hidden: None,
        garbage: None,
        fail: false,
    }
}

#[test]
fn missing_trie_node_is_an_error() {
    let state = state();
    let key = 17u32.to_be_bytes();
    let missing = inner_node_of(&state, &key);
    let backend =
        TrieBackend::new(Faulty { hidden: Some(missing), ..faulty(&state) }, state.root());

    let is_missing = |e: Error| matches!(e, Error::MissingTrieNode { hash } if hash.0 == missing.0);
    assert!(is_missing(backend.storage(&key).unwrap_err()));
    assert!(is_missing(backend.next_storage_key(&16u32.to_be_bytes()).unwrap_err()));
    assert!(backend.keys(&[], None, 1000).is_err());
    assert!(backend.pairs(&[], None, 1000).is_err());
    let change = [(&key[..], Some(&b"v"[..]))];
    assert!(is_missing(backend.storage_root(&mut change.into_iter()).err().unwrap()));
    assert!(prove_read(&backend, [key]).is_err());

    // Through the externalities: a `StorageError` for the executor to fail the call.
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &backend);
    let err = ext.storage(&key).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    ext.set_storage(key.to_vec(), b"v".to_vec());
    assert!(ext.storage_root().is_err());
    assert!(ext.clear_prefix(&[], None).is_err());
    // A write in the overlay is still readable without the trie.
    assert_eq!(ext.storage(&key).unwrap(), Some(b"v".to_vec()));
    assert!(overlay.drain_commit(&backend).is_err());
    assert_eq!(overlay.len(), 1, "a failed drain keeps the changes");
}

#[test]
fn unknown_root_is_an_error() {
    let state = state();
    let backend = TrieBackend::new(state.as_trie_backend().node_storage(), [7; 32]);
    assert!(matches!(
        backend.storage(b"x"),
        Err(Error::MissingTrieNode { hash }) if hash.0 == [7; 32]
    ));
    assert!(backend.next_storage_key(b"").is_err());
    assert!(backend.storage_root(&mut std::iter::once((&b"x"[..], None))).is_err());
}

#[test]
fn corrupt_trie_node_is_an_error() {
    let state = state();
    let key = 99u32.to_be_bytes();
    let bad = inner_node_of(&state, &key);
    let backend = TrieBackend::new(Faulty { garbage: Some(bad), ..faulty(&state) }, state.root());
    assert!(backend.storage(&key).is_err());
    assert!(backend.keys(&[], None, usize::MAX).is_err());
    let root_garbage = TrieBackend::new(
        Faulty { garbage: Some(TrieHash::from(state.root())), ..faulty(&state) },
        state.root(),
    );
    assert!(root_garbage.storage(&key).is_err());
}

#[test]
fn storage_failure_surfaces_as_database_error() {
    let state = state();
    let backend = TrieBackend::new(Faulty { fail: true, ..faulty(&state) }, state.root());
    assert!(matches!(backend.storage(b"x"), Err(Error::Database(_))));
    assert!(matches!(backend.next_storage_key(b"x"), Err(Error::Database(_))));
    assert!(matches!(
        backend.storage_root(&mut std::iter::once((&b"x"[..], None))),
        Err(Error::Database(_))
    ));
    let mut overlay = OverlayedChanges::new();
    let err = Ext::new(&mut overlay, &backend).next_storage_key(b"").unwrap_err();
    assert!(err.to_string().contains("storage failed"), "{err}");
}
