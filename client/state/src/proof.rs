//! Read proofs: the trie nodes that show which values some keys hold under a state root.
//!
//! The format is Substrate's [`StorageProof`] (the set of encoded nodes visited while
//! looking the keys up), which `state_getReadProof` returns and standard tools verify.

use crate::{AsTrieBackend, Backend, Error, Result, TrieBackend};
use sp_trie::StorageProof;

/// A key and the value a proof shows it holds (`None`: proven absent).
pub type ProvenRead = (Vec<u8>, Option<Vec<u8>>);

/// Proves the values (or absence) of `keys` in `backend`'s state.
///
/// Fails when the backend cannot read a key's path (missing node, database failure).
pub fn prove_read<B, I, K>(backend: &B, keys: I) -> Result<StorageProof>
where
    B: AsTrieBackend + ?Sized,
    I: IntoIterator<Item = K>,
    K: AsRef<[u8]>,
{
    let trie = backend.as_trie_backend();
    let mut recorder = sp_trie::Recorder::<crate::Layout>::new();
    for key in keys {
        trie.read(Some(&mut recorder), |trie| sp_trie::Trie::get(trie, key.as_ref()))?;
    }
    Ok(StorageProof::new(recorder.drain().into_iter().map(|record| record.data)))
}

/// Checks `proof` against `root` and returns the value it proves for each of `keys`
/// (`None`: proven absent), in the order of `keys`.
///
/// Fails with [`Error::IncompleteProof`] when the proof lacks a node needed for some key:
/// it was tampered with, was made for another root, or does not cover that key.
pub fn verify_read_proof<I, K>(
    root: [u8; 32],
    proof: &StorageProof,
    keys: I,
) -> Result<Vec<ProvenRead>>
where
    I: IntoIterator<Item = K>,
    K: AsRef<[u8]>,
{
    let backend = TrieBackend::new(proof.to_memory_db::<sp_core::Blake2Hasher>(), root);
    keys.into_iter()
        .map(|key| {
            let key = key.as_ref();
            match backend.storage(key) {
                Ok(value) => Ok((key.to_vec(), value)),
                Err(Error::MissingTrieNode { hash }) => {
                    Err(Error::IncompleteProof { root: root.into(), missing: hash })
                }
                Err(e) => Err(e),
            }
        })
        .collect()
}
