//! The on-disk layout: column families, keys and value encodings.
//!
//! | column | key | value |
//! |---|---|---|
//! | `meta` | one of the `meta::*` names | see each name |
//! | `headers` | block hash | SCALE `Header` |
//! | `bodies` | block hash | SCALE `Vec<OpaqueExtrinsic>` |
//! | `justifications` | block hash | SCALE [`crate::Justifications`] |
//! | `canonical` | number (u32 big-endian) | hash of the best chain's block at that number |
//! | `blocks_by_number` | number (u32 BE) ++ hash | empty: every stored block, forks too |
//! | `state` | `sp_trie::prefixed_key` (nibble path ++ node hash) | the encoded trie node |
//! | `state_refs` | a `state` key | references beyond the first (u32 LE), only when there are any |
//! | `state_journal` | block hash | SCALE [`JournalRecord`] (pruning mode only) |
//!
//! Big-endian numbers make RocksDB's key order the numeric order, so the blocks at one
//! height are one prefix scan.
//!
//! A node almost always has one reference, so the count lives apart and only when it is
//! above one: releasing a node at pruning reads a small, mostly empty column (answered by
//! its bloom filter) instead of the node itself, and nodes are stored exactly as the trie
//! encodes them. In archive mode nothing is counted.

use crate::{Error, Result};
use codec::{Decode, Encode};
use lattice_primitives::{BlockNumber, H256};

/// The version of this layout, recorded at creation and checked at open.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Column family names.
pub(crate) mod column {
    pub(crate) const META: &str = "meta";
    pub(crate) const HEADERS: &str = "headers";
    pub(crate) const BODIES: &str = "bodies";
    pub(crate) const JUSTIFICATIONS: &str = "justifications";
    pub(crate) const CANONICAL: &str = "canonical";
    pub(crate) const BLOCKS_BY_NUMBER: &str = "blocks_by_number";
    pub(crate) const STATE: &str = "state";
    pub(crate) const STATE_REFS: &str = "state_refs";
    pub(crate) const STATE_JOURNAL: &str = "state_journal";

    /// Every column family, created with the database.
    pub(crate) const ALL: [&str; 9] = [
        META,
        HEADERS,
        BODIES,
        JUSTIFICATIONS,
        CANONICAL,
        BLOCKS_BY_NUMBER,
        STATE,
        STATE_REFS,
        STATE_JOURNAL,
    ];
}

/// Keys of the `meta` column.
pub(crate) mod meta {
    /// [`super::SCHEMA_VERSION`], u32 little-endian.
    pub(crate) const SCHEMA: &[u8] = b"schema_version";
    /// The pruning mode as text (`archive` or `N`).
    pub(crate) const PRUNING: &[u8] = b"state_pruning";
    /// The genesis hash.
    pub(crate) const GENESIS: &[u8] = b"genesis";
    /// SCALE `(H256, u32)`: the best block.
    pub(crate) const BEST: &[u8] = b"best";
    /// SCALE `(H256, u32)`: the last finalized block.
    pub(crate) const FINALIZED: &[u8] = b"finalized";
    /// SCALE u32: the lowest block number whose state is kept (pruning mode only).
    pub(crate) const LOWEST_STATE: &[u8] = b"lowest_state";
    /// SCALE `Option<(u32, u32)>`: the first and last block missing below a warp-sync
    /// target.
    pub(crate) const GAP: &[u8] = b"block_gap";
    /// Prefix of the entries the layers above keep beside the chain ([`crate::Database::aux`]).
    pub(crate) const AUX_PREFIX: &[u8] = b"aux:";
}

/// The key of a block number in `canonical`.
pub(crate) fn number_key(number: BlockNumber) -> [u8; 4] {
    number.to_be_bytes()
}

/// The key of a block in `blocks_by_number`.
pub(crate) fn number_hash_key(number: BlockNumber, hash: &H256) -> [u8; 36] {
    let mut key = [0; 36];
    key[..4].copy_from_slice(&number.to_be_bytes());
    key[4..].copy_from_slice(hash.as_bytes());
    key
}

/// The extra references in a `state_refs` value.
pub(crate) fn extra_refs(value: &[u8]) -> Option<u32> {
    value.try_into().ok().map(u32::from_le_bytes)
}

/// What a block did to the trie nodes, kept until its effect is final (pruning mode).
///
/// `inserted` is undone when the block is reverted or displaced by finality; `removed`
/// (nodes of the parent state the block's state no longer uses) is applied when the
/// parent state leaves the pruning window.
#[derive(Clone, Debug, Default, Encode, Decode)]
pub(crate) struct JournalRecord {
    /// `state` keys of nodes the block added (one reference each).
    pub(crate) inserted: Vec<Vec<u8>>,
    /// `state` keys of nodes the block's state dropped from its parent's.
    pub(crate) removed: Vec<Vec<u8>>,
}

/// Decodes the value at `key` of `column`, turning failure into [`Error::Corrupt`].
pub(crate) fn decode<T: Decode>(column: &'static str, key: &[u8], mut value: &[u8]) -> Result<T> {
    let decoded = T::decode(&mut value).map_err(|e| Error::Corrupt {
        column,
        key: key.to_vec(),
        source: Some(e),
    })?;
    if !value.is_empty() {
        return Err(Error::Corrupt { column, key: key.to_vec(), source: None });
    }
    Ok(decoded)
}
