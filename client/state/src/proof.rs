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

/// The entries a range proof shows, in key order, and whether they reach the last key
/// of the state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvenRange {
    /// Key-value pairs, in key order.
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// No key follows the last entry.
    pub complete: bool,
}

/// Proves a stretch of the state in key order: the entries after `after` (from the first
/// key when `None`) until their keys and values pass `max_bytes` (at least one entry).
/// The proof is the set of trie nodes the walk visited, in Substrate's format; the
/// verifier walks the same way and stops where the nodes end (warp sync's state
/// download).
pub fn prove_range<B>(backend: &B, after: Option<&[u8]>, max_bytes: usize) -> Result<StorageProof>
where
    B: AsTrieBackend + ?Sized,
{
    let trie = backend.as_trie_backend();
    let mut recorder = sp_trie::Recorder::<crate::Layout>::new();
    trie.read(Some(&mut recorder), |trie| {
        let mut iter = sp_trie::Trie::iter(trie)?;
        if let Some(after) = after {
            iter.seek(after)?;
        }
        let mut bytes = 0usize;
        for pair in iter {
            let (key, value) = pair?;
            if Some(key.as_slice()) == after {
                continue;
            }
            bytes = bytes.saturating_add(key.len() + value.len());
            if bytes >= max_bytes {
                break;
            }
        }
        Ok(())
    })?;
    Ok(StorageProof::new(recorder.drain().into_iter().map(|record| record.data)))
}

/// Checks a range proof against `root`: walks the proof's trie from just after `after`
/// (from the first key when `None`) and returns the entries it holds until a node is
/// missing, or until the end of the state (`complete`).
///
/// Fails with [`Error::IncompleteProof`] when the proof shows no entry at all (it was
/// made for another root or another start, or tampered with), so every accepted answer
/// makes progress.
pub fn verify_range_proof(
    root: [u8; 32],
    proof: &StorageProof,
    after: Option<&[u8]>,
) -> Result<ProvenRange> {
    let backend = TrieBackend::new(proof.to_memory_db::<sp_core::Blake2Hasher>(), root);
    let mut missing = None;
    let walked = backend.read(None, |trie| {
        let mut range = ProvenRange::default();
        let mut iter = sp_trie::Trie::iter(trie)?;
        if let Some(after) = after {
            iter.seek(after)?;
        }
        range.complete = true;
        for pair in iter {
            match pair {
                Ok((key, value)) => {
                    if Some(key.as_slice()) != after {
                        range.entries.push((key, value));
                    }
                }
                Err(e) => match *e {
                    sp_trie::TrieError::<crate::Layout>::IncompleteDatabase(hash) => {
                        missing = Some(hash);
                        range.complete = false;
                        break;
                    }
                    _ => return Err(e),
                },
            }
        }
        Ok(range)
    });
    match walked {
        Ok(range) if range.entries.is_empty() && !range.complete => {
            Err(Error::IncompleteProof { root: root.into(), missing: missing.unwrap_or_default() })
        }
        Ok(range) => Ok(range),
        Err(Error::MissingTrieNode { hash }) => {
            Err(Error::IncompleteProof { root: root.into(), missing: hash })
        }
        Err(e) => Err(e),
    }
}
