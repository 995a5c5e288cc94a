//! The error type of the crate.

use crate::{Layout, TrieHash};

/// Hashes in errors: trie node hashes and state roots.
type H256 = TrieHash;

/// Result of the state crate's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a state operation failed.
///
/// Cheap to build on the hot path: no variant formats a message up front.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The trie refers to a node that the node storage does not hold: the state was
    /// pruned, or the database is incomplete or corrupt. Also returned when the state root
    /// itself is unknown.
    #[error("trie node {hash:?} is missing from the node storage")]
    MissingTrieNode {
        /// Hash of the missing node.
        hash: H256,
    },
    /// A trie node was found but is not a valid node of the layout: corrupt data in the
    /// node storage.
    #[error("trie node {hash:?} is corrupt")]
    CorruptTrieNode {
        /// Hash of the corrupt node, when the trie reports it.
        hash: Option<H256>,
    },
    /// The node storage itself failed (an I/O or database error).
    #[error("trie node storage failed")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// [`crate::OverlayedChanges::drain`] (or a sibling) was called while storage
    /// transactions were still open: the caller must commit or roll them back first.
    #[error("{depth} storage transaction(s) still open")]
    OpenTransactions {
        /// How many transactions are open.
        depth: usize,
    },
    /// A [`crate::StateCommit`] was applied to a backend that is not the state it was
    /// computed on.
    #[error("changes computed on state {expected:?} applied to state {found:?}")]
    ParentRootMismatch {
        /// The root the changes were computed on.
        expected: H256,
        /// The root of the backend they were applied to.
        found: H256,
    },
    /// A read proof lacks a node needed to look a key up from the claimed root: it was
    /// tampered with, belongs to another root, or does not cover the key.
    #[error("read proof against root {root:?} is incomplete: node {missing:?} is absent")]
    IncompleteProof {
        /// The root the proof was checked against.
        root: H256,
        /// The node the verification needed.
        missing: H256,
    },
}

impl From<Error> for lattice_io::StorageError {
    fn from(e: Error) -> Self {
        lattice_io::StorageError(Box::new(e))
    }
}

/// Converts a trie error into [`Error`], preferring the node storage's own failure when
/// the trie only saw a missing node because the storage failed.
pub(crate) fn from_trie(e: sp_trie::TrieError<Layout>, storage_failure: Option<Error>) -> Error {
    if let Some(failure) = storage_failure {
        return failure;
    }
    match e {
        sp_trie::TrieError::<Layout>::InvalidStateRoot(hash)
        | sp_trie::TrieError::<Layout>::IncompleteDatabase(hash) => Error::MissingTrieNode { hash },
        sp_trie::TrieError::<Layout>::DecoderError(hash, _)
        | sp_trie::TrieError::<Layout>::InvalidHash(hash, _) => {
            Error::CorruptTrieNode { hash: Some(hash) }
        }
        sp_trie::TrieError::<Layout>::ValueAtIncompleteKey(..) => {
            Error::CorruptTrieNode { hash: None }
        }
    }
}
