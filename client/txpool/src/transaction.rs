//! A validated transaction as the pool keeps it, and the statuses a watcher sees.

use crate::api::BlockInfo;
use lattice_primitives::{TransactionSource, ValidTransaction, H256};
use serde::ser::{Serialize, Serializer};

/// An opaque tag from `ValidTransaction::{requires, provides}`. The real runtime's tags
/// are `(AccountId32, nonce).encode()`.
pub type Tag = Vec<u8>;

/// A transaction the runtime declared valid, with what the pool needs to order it.
///
/// Immutable once built: re-validation builds a new one and swaps it in, so a
/// [`ReadyIter`](crate::ReadyIter) snapshot stays consistent.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Transaction {
    /// blake2-256 of [`Self::data`]: the hash `author_submitExtrinsic` returns.
    pub hash: H256,
    /// The extrinsic's SCALE encoding (with its compact length prefix), as submitted.
    pub data: Vec<u8>,
    /// Higher goes first among transactions whose dependencies are met.
    pub priority: u64,
    /// Tags that must be provided (by the chain or by ready transactions) first.
    /// Deduplicated.
    pub requires: Vec<Tag>,
    /// Tags this transaction provides. Never empty; deduplicated.
    pub provides: Vec<Tag>,
    /// The first block number at which the transaction is stale and dropped: the number
    /// of the block it was validated at plus its longevity.
    pub valid_till: u64,
    /// Whether the network should gossip it.
    pub propagate: bool,
    /// Where it came from.
    pub source: TransactionSource,
    /// The block its validity was last computed at.
    pub validated_at: BlockInfo,
    /// Order of arrival in the pool; among equal priorities the older goes first. Kept
    /// across re-validation.
    pub insertion_id: u64,
}

impl Transaction {
    /// Builds a transaction from the runtime's answer for `data` at block `at`.
    /// Tags are deduplicated (order kept) so that dependency counts stay exact.
    pub fn new(
        hash: H256,
        data: Vec<u8>,
        source: TransactionSource,
        valid: ValidTransaction,
        at: BlockInfo,
        insertion_id: u64,
    ) -> Self {
        Self {
            hash,
            data,
            priority: valid.priority,
            requires: dedup(valid.requires),
            provides: dedup(valid.provides),
            valid_till: u64::from(at.number).saturating_add(valid.longevity),
            propagate: valid.propagate,
            source,
            validated_at: at,
            insertion_id,
        }
    }

    /// The encoded length, which the pool's byte limits count.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    /// Whether `other` would sit in the same place of the queues: the same priority and
    /// tags (so a re-validated transaction can be swapped in without moving it).
    pub(crate) fn same_position(&self, other: &Transaction) -> bool {
        self.priority == other.priority
            && self.requires == other.requires
            && self.provides == other.provides
    }
}

fn dedup(tags: Vec<Tag>) -> Vec<Tag> {
    let mut out: Vec<Tag> = Vec::with_capacity(tags.len());
    for tag in tags {
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

/// The statuses of `author_submitAndWatchExtrinsic`, in Substrate's meaning.
///
/// A watcher's stream ends after a terminal status ([`Self::is_terminal`]). Serialized
/// as Substrate's JSON-RPC does: `"ready"`, `{"inBlock": "0x…"}`, `{"broadcast": [..]}`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TransactionStatus {
    /// Waiting for tags that neither the chain nor ready transactions provide yet (a
    /// nonce gap).
    Future,
    /// Its dependencies are met; a block builder may include it.
    Ready,
    /// Gossiped to these peers.
    Broadcast(Vec<String>),
    /// Included in this block of the best chain.
    InBlock(H256),
    /// The block it was in left the best chain; it goes back to the pool.
    Retracted(H256),
    /// The block it was in has not been finalized within the pool's window of blocks;
    /// the pool stops watching (terminal).
    FinalityTimeout(H256),
    /// The block it was in is finalized (terminal).
    Finalized(H256),
    /// Replaced by the transaction with this hash, which provides the same tag with a
    /// higher priority (terminal).
    Usurped(H256),
    /// Removed to respect the pool's limits (terminal).
    Dropped,
    /// No longer valid: the runtime said so on re-validation, its longevity passed, or it
    /// was removed as invalid (terminal).
    Invalid,
}

impl TransactionStatus {
    /// Whether the watcher's stream ends with this status.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::FinalityTimeout(_)
                | Self::Finalized(_)
                | Self::Usurped(_)
                | Self::Dropped
                | Self::Invalid
        )
    }
}

impl Serialize for TransactionStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const NAME: &str = "TransactionStatus";
        let hash = |s: S, index: u32, variant: &'static str, h: &H256| {
            s.serialize_newtype_variant(NAME, index, variant, &h.to_string())
        };
        match self {
            Self::Future => s.serialize_unit_variant(NAME, 0, "future"),
            Self::Ready => s.serialize_unit_variant(NAME, 1, "ready"),
            Self::Broadcast(peers) => s.serialize_newtype_variant(NAME, 2, "broadcast", peers),
            Self::InBlock(h) => hash(s, 3, "inBlock", h),
            Self::Retracted(h) => hash(s, 4, "retracted", h),
            Self::FinalityTimeout(h) => hash(s, 5, "finalityTimeout", h),
            Self::Finalized(h) => hash(s, 6, "finalized", h),
            Self::Usurped(h) => hash(s, 7, "usurped", h),
            Self::Dropped => s.serialize_unit_variant(NAME, 8, "dropped"),
            Self::Invalid => s.serialize_unit_variant(NAME, 9, "invalid"),
        }
    }
}
