//! Types of the GRANDPA pallet that the node reads: authority keys and the consensus log,
//! encoded and named as Substrate's `sp_consensus_grandpa`.

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use lattice_support::BlockNumber;
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};

/// A GRANDPA voter: an ed25519 public key. Metadata path
/// `sp_consensus_grandpa::app::Public`, as in Substrate.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Encode, Decode, MaxEncodedLen,
)]
pub struct AuthorityId(pub [u8; 32]);

impl TypeInfo for AuthorityId {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_consensus_grandpa", "app", "Public"]))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("ed25519::Public")))
    }
}

/// The voting weight of an authority (always 1 on Substrate chains).
pub type AuthorityWeight = u64;

/// The index of an authority in the set, as the consensus log carries it.
pub type AuthorityIndex = u64;

/// An authority set with weights, as `GrandpaApi_grandpa_authorities` returns it.
pub type AuthorityList = Vec<(AuthorityId, AuthorityWeight)>;

/// The identifier of an authority set: how many changes there were since genesis.
pub type SetId = u64;

/// An authority set change signalled in a block: after `delay` more blocks, the set is
/// `next_authorities`. Encoded as Substrate's `sp_consensus_grandpa::ScheduledChange`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ScheduledChange {
    /// The new authority set.
    pub next_authorities: AuthorityList,
    /// Blocks after the signalling block until the change applies.
    pub delay: BlockNumber,
}

/// A message from the runtime to the node's GRANDPA voter, carried in a
/// `DigestItem::Consensus(*b"FRNK", ..)`. Encoded as Substrate's
/// `sp_consensus_grandpa::ConsensusLog<u32>`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ConsensusLog {
    /// A standard change: applied when the block `delay` blocks after the signalling
    /// block is finalized.
    #[codec(index = 1)]
    ScheduledChange(ScheduledChange),
    /// A forced change, for a stalled set: applied when the block `delay` blocks after
    /// the signalling one is imported, building on `median` (the best finalized block of
    /// the new set).
    #[codec(index = 2)]
    ForcedChange(BlockNumber, ScheduledChange),
    /// The authority with this index is disabled.
    #[codec(index = 3)]
    OnDisabled(AuthorityIndex),
    /// Voting pauses after this many blocks.
    #[codec(index = 4)]
    Pause(BlockNumber),
    /// Voting resumes after this many blocks.
    #[codec(index = 5)]
    Resume(BlockNumber),
}
