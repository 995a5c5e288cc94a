//! Types of the Aura pallet, encoded and named in metadata as Substrate's.

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};

/// An Aura authority: an sr25519 public key. Metadata path
/// `sp_consensus_aura::sr25519::app_sr25519::Public`, as in Substrate.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Encode, Decode, MaxEncodedLen,
)]
pub struct AuthorityId(pub [u8; 32]);

impl TypeInfo for AuthorityId {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked([
                "sp_consensus_aura",
                "sr25519",
                "app_sr25519",
                "Public",
            ]))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("sr25519::Public")))
    }
}

/// A slot number: `timestamp / slot_duration`. Metadata path `sp_consensus_slots::Slot`.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct Slot(pub u64);

impl TypeInfo for Slot {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_consensus_slots", "Slot"]))
            .composite(Fields::unnamed().field(|f| f.ty::<u64>().type_name("u64")))
    }
}

impl From<u64> for Slot {
    fn from(slot: u64) -> Self {
        Self(slot)
    }
}

/// A message from the runtime to the node's Aura engine, carried in a
/// `DigestItem::Consensus(*b"aura", ..)`. Encoded as Substrate's
/// `sp_consensus_aura::ConsensusLog`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ConsensusLog {
    /// The authority set changes to this one from the next block on.
    #[codec(index = 1)]
    AuthoritiesChange(Vec<AuthorityId>),
    /// The authority with this index in the set is disabled.
    #[codec(index = 2)]
    OnDisabled(u32),
}
