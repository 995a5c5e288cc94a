//! The answers of the `LatticeStakingApi` runtime API: what the node's `staking_*` RPC
//! methods read from the staking pallet, in one format both sides share.
//!
//! Fractions (commission) are in billionths, as Substrate's `Perbill`.

use crate::{AccountId32, Balance, BlockNumber};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The index of an era: the session pallet's session index (one era per session).
pub type EraIndex = u32;

/// Whether a validator wants to be elected (the staking pallet's record holds it).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum ValidatorStatus {
    /// A candidate for the next elections.
    Active,
    /// Keeps its bond but is not a candidate (`chill`).
    Chilled,
    /// Unstaked: no self-stake left; the record stays only until its last delegator
    /// leaves, and `validate` registers the account anew.
    Left,
}

/// How a validator did in one era, as the staking pallet judges it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct EraPerformance {
    /// The era.
    pub era: EraIndex,
    /// Slots in which it was the Aura author.
    pub assigned: u32,
    /// Blocks it authored.
    pub authored: u32,
    /// Assigned slots without its block.
    pub missed: u32,
    /// Authored over assigned in billionths (full when nothing was assigned).
    pub uptime: u32,
}

/// A registered validator, as `LatticeStakingApi_validators` lists it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ValidatorInfo {
    /// Its account.
    pub account: AccountId32,
    /// Its own bonded stake.
    pub self_stake: Balance,
    /// The sum of the delegations to it.
    pub delegated: Balance,
    /// How many accounts delegate to it.
    pub delegators: u32,
    /// Its commission in billionths.
    pub commission: u32,
    /// Display name.
    pub name: Vec<u8>,
    /// Web address.
    pub website: Vec<u8>,
    /// Free description.
    pub description: Vec<u8>,
    /// Whether it is a candidate.
    pub status: ValidatorStatus,
    /// Whether it is in the current era's active set.
    pub elected: bool,
    /// Jailed until `unjail` in or after this era.
    pub jailed_until: Option<EraIndex>,
    /// Offline offences so far.
    pub offences: u32,
    /// Slashed entirely, never elected again.
    pub tombstoned: bool,
    /// The current era's performance so far.
    pub current: EraPerformance,
    /// The last ended era's performance, if an era has ended.
    pub previous: Option<EraPerformance>,
}

/// One delegation of an account.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct DelegationInfo {
    /// The validator delegated to.
    pub validator: AccountId32,
    /// The amount bonded.
    pub amount: Balance,
}

/// What an account was paid for one era (self-stake, commission and delegations
/// together).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RewardInfo {
    /// The era.
    pub era: EraIndex,
    /// The amount paid.
    pub amount: Balance,
}

/// Stake on its way back to its owner.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct UnbondingInfo {
    /// The validator it was bonded to (the owner itself for self-stake).
    pub validator: AccountId32,
    /// The amount.
    pub amount: Balance,
    /// The era the unbonding began in.
    pub era: EraIndex,
    /// The block from which it is back in the owner's free balance.
    pub unlock_at: BlockNumber,
}
