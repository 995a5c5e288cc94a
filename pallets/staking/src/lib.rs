//! # Staking pallet
//!
//! Validators bond stake and are elected by stake at every era; holders delegate to
//! them; blocks mint rewards shared by performance; validators that stay offline or
//! equivocate are jailed and slashed, with their delegators; unbonded stake returns
//! after a waiting period. The elected set becomes the Aura and GRANDPA authority set
//! through the session pallet, which calls this pallet as its
//! [`SessionManager`](lattice_support::traits::SessionManager).
//!
//! ## Terminology
//!
//! - **Era**: one session of the session pallet (`Session.Period` blocks). At its end
//!   the validators are judged and paid and the next set is elected.
//! - **Self-stake** and **delegation**: funds reserved in the owner's account and
//!   bonded to a validator. A validator's **total** is its self-stake plus every
//!   delegation to it; elections rank by it.
//! - **Performance**: per era, the slots a validator was the Aura author of
//!   (`assigned`) and the blocks it authored; **uptime** is their ratio.
//! - **Jailed**: never elected until `unjail` (after `jail_eras`) or `unjail_early` (a
//!   fee to the treasury). **Tombstoned**: slashed entirely, never elected again.
//! - **Job**: the paged work of an era's end (payouts, slashes) run in `on_initialize`
//!   with at most [`Config::MAX_JOB_STEPS_PER_BLOCK`] account updates per block.
//!
//! ## Rules
//!
//! 1. **Election** at each era's end: the top `max_validators` candidates by total
//!    stake, excluding chilled, jailed and tombstoned validators, those below the
//!    minimum self-stake and those without session keys; ordered by account id so the
//!    authority order does not churn. No candidate keeps the current set.
//! 2. **Rewards**: each block mints `block_reward`; `validator_reward_share` of it
//!    accrues to the era's pot, the rest is paid at once to the compute-rewards pot
//!    ([`Config::COMPUTE_POT_ACCOUNT`]). At the era's end the pot is split among the
//!    era's validators in proportion to the blocks they authored (the remainder is
//!    carried to the next era). A validator's part pays its commission first, then the
//!    rest pro rata to its self-stake and each delegation (rounding leftovers to the
//!    validator). Every unit is minted when paid; nothing is claimed by hand.
//! 3. **Penalties**: uptime below `min_uptime` jails the validator and slashes it by
//!    its offence count (`offline_slashes`: 5%, 10%, then 100% and tombstoned). A proven
//!    equivocation slashes `equivocation_slash` and jails (a double vote once per
//!    validator and GRANDPA authority set, two blocks in one slot once per validator
//!    and era); the reporter gets `reporter_share` of the slash. A GRANDPA double vote
//!    is proven by the unsigned `report_equivocation` (both votes signed by a key of
//!    the current authority set), two blocks in one slot by the unsigned
//!    `report_block_equivocation` (both headers sealed by the slot's Aura author, the
//!    slot one of the current era's, after [`EraStartSlot`]); both are checked in the
//!    pool by [`Pallet::validate_unsigned`] and again at dispatch. Other proofs call
//!    [`Pallet::slash_equivocation`]. A slash hits the
//!    self-stake, every delegation, the unbonding chunks that left the validator in
//!    or after the offence's era, and the stake redelegated away from it in that era
//!    (at the validator it went to, [`Redelegations`]), in the same proportion;
//!    slashed funds are burned except the reporter's part.
//! 4. **Unbonding**: `unbond`, `undelegate` and `unstake` put the stake in chunks that
//!    stay reserved (and slashable) for `unbonding_period` blocks, then return to the
//!    owner automatically, at most [`Config::MAX_RELEASES_PER_BLOCK`] accounts a block.
//! 5. **Limits**: minimum self-stake and delegation, at most
//!    `max_delegations_per_delegator` validators per delegator and
//!    [`Config::MAX_DELEGATORS_PER_VALIDATOR`] delegators per validator, no delegation
//!    that takes a validator above `max_validator_share` of the active stake (once at
//!    least `1 / max_validator_share` validators are active, when the cap can be met),
//!    commission at most `max_commission` and moved at most `max_commission_change`
//!    per era.
//! 6. While a validator has a job pending, its stakes do not change (`JobPending`, a
//!    few blocks after an era's end), so every page of a payout or slash sees the same
//!    stakes.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::arithmetic::Perbill;
//! # use lattice_support::dispatch::{Dispatchable, Origin};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::traits::{ValidatorSet, CurrentSlot, SessionIndex};
//! # use lattice_support::AccountId32;
//! # use pallet_staking::{Call, StakingParams, ValidatorMetadata};
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent {
//! #     System(pallet_system::Event), Balances(pallet_balances::Event), Staking(pallet_staking::Event)
//! # }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Balances(pallet_balances::Event), Staking(pallet_staking::Event)
//! # });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, pallet_balances::AccountData);
//! # impl pallet_balances::Config for Runtime {
//! #     const PALLET_INDEX: u8 = 1;
//! #     const EXISTENTIAL_DEPOSIT: u128 = 1;
//! #     const MAX_FREEZES: u32 = 2;
//! # }
//! // Everyone has keys and the slot is always 0, for the example.
//! pub struct Session;
//! impl ValidatorSet for Session {
//!     fn session_index() -> SessionIndex { 0 }
//!     fn validators() -> Vec<AccountId32> { vec![] }
//!     fn has_keys(_: &AccountId32) -> bool { true }
//! }
//! impl CurrentSlot for Session {
//!     fn current_slot() -> u64 { 0 }
//! }
//! // No GRANDPA: every equivocation report names an unknown key.
//! impl pallet_staking::GrandpaKeyOwner for Session {
//!     fn owner(_: u64, _: &[u8; 32]) -> Option<AccountId32> { None }
//!     fn current_set_id() -> u64 { 0 }
//! }
//! // No Aura: every block equivocation report names an unknown author.
//! impl pallet_staking::AuraAuthorities for Session {
//!     fn authorities() -> Vec<[u8; 32]> { Vec::new() }
//! }
//! impl pallet_staking::Config for Runtime {
//!     const PALLET_INDEX: u8 = 2;
//!     type Currency = pallet_balances::Pallet<Runtime>;
//!     type ValidatorSet = Session;
//!     type CurrentSlot = Session;
//!     type GrandpaKeyOwner = Session;
//!     type AuraAuthorities = Session;
//!     const TREASURY_ACCOUNT: AccountId32 = AccountId32([0xee; 32]);
//!     const COMPUTE_POT_ACCOUNT: AccountId32 = AccountId32([0xcc; 32]);
//!     const MAX_CANDIDATES: u32 = 1_000;
//!     const MAX_DELEGATORS_PER_VALIDATOR: u32 = 1_000;
//!     const MAX_UNBONDING_CHUNKS: u32 = 16;
//!     const MAX_JOB_STEPS_PER_BLOCK: u32 = 500;
//!     const MAX_RELEASES_PER_BLOCK: u32 = 100;
//!     const HISTORY_DEPTH: u32 = 84;
//!     const MAX_NAME_LEN: u32 = 64;
//!     const MAX_WEBSITE_LEN: u32 = 128;
//!     const MAX_DESCRIPTION_LEN: u32 = 512;
//! }
//!
//! let alice = AccountId32([1; 32]);
//! TestExternalities::default().execute_with(|| {
//!     pallet_balances::GenesisConfig { balances: vec![(alice, 1_000_000)] }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     let mut params = StakingParams::defaults(1);
//!     params.min_validator_stake = 1_000;
//!     pallet_staking::GenesisConfig { params, ..Default::default() }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     let call = Call::validate {
//!         stake: 5_000,
//!         commission: Perbill::from_percent(10),
//!         metadata: ValidatorMetadata { name: b"alice".to_vec(), ..Default::default() },
//!     };
//!     pallet_staking::Dispatch::<Runtime>::new(call)
//!         .dispatch(Origin::Signed(alice))
//!         .expect("enough free balance");
//!     let validator = pallet_staking::Validators::get(&alice).expect("registered");
//!     assert_eq!(validator.self_stake, 5_000);
//!     assert_eq!(pallet_balances::Pallet::<Runtime>::reserved_balance(&alice), 5_000);
//! });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod genesis;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use genesis::GenesisConfig;
pub use types::*;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::arithmetic::Perbill;
use lattice_support::dispatch::{
    ensure_none, ensure_root, ensure_signed, module_error, normal, DispatchInfo, Dispatchable,
    GetDispatchInfo, Origin,
};
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{
    Blake2_128Concat, CountedStorageMap, OptionQuery, StorageDoubleMap, StorageMap, StorageValue,
    Twox64Concat, ValueQuery,
};
use lattice_support::traits::{Currency, CurrentSlot, Existence, Hooks, ValidatorSet};
use lattice_support::{
    ensure, storage_prefix, AccountId32, Balance, BlockNumber, DispatchError, DispatchResult,
    Weight,
};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Staking";

/// Log target of this pallet.
pub(crate) const LOG_TARGET: &str = "staking";

/// Parameters of the staking pallet. The economic parameters live in storage
/// ([`Params`]); these are the bounds that keep every block's work limited.
pub trait Config: pallet_system::Config<RuntimeEvent: From<Event>> {
    /// Index of the pallet in the runtime.
    const PALLET_INDEX: u8;
    /// The currency stake is reserved in, rewards minted in and slashes burned from.
    type Currency: Currency;
    /// The session pallet: the current validators in turn order, and who has keys.
    type ValidatorSet: ValidatorSet;
    /// The Aura slot of the block being executed.
    type CurrentSlot: CurrentSlot;
    /// Where `unjail_early` fees go.
    const TREASURY_ACCOUNT: AccountId32;
    /// Where the compute-rewards share of every block's reward accumulates.
    const COMPUTE_POT_ACCOUNT: AccountId32;
    /// The most registered validators (candidates or not): bounds an election's work.
    const MAX_CANDIDATES: u32;
    /// The most delegators one validator may have: bounds the work of its jobs.
    const MAX_DELEGATORS_PER_VALIDATOR: u32;
    /// The most unbonding chunks one account may have at once.
    const MAX_UNBONDING_CHUNKS: u32;
    /// Account updates (payouts, slashes) done by jobs in one block.
    const MAX_JOB_STEPS_PER_BLOCK: u32;
    /// Accounts whose matured unbonding is released in one block.
    const MAX_RELEASES_PER_BLOCK: u32;
    /// Eras of reward history and performance kept.
    const HISTORY_DEPTH: u32;
    /// The longest validator name, in bytes.
    const MAX_NAME_LEN: u32;
    /// The longest validator website, in bytes.
    const MAX_WEBSITE_LEN: u32;
    /// The longest validator description, in bytes.
    const MAX_DESCRIPTION_LEN: u32;
    /// Who holds a GRANDPA key of the current authority set: how an equivocation
    /// report names its offender.
    type GrandpaKeyOwner: GrandpaKeyOwner;
    /// The current Aura authorities, in turn order (the keys of
    /// [`Config::ValidatorSet`]'s validators, one for one): how a block equivocation
    /// report names its offender.
    type AuraAuthorities: AuraAuthorities;
}

/// The Aura keys of the current validators.
pub trait AuraAuthorities {
    /// The sr25519 keys, in the order of `ValidatorSet::validators()`.
    fn authorities() -> Vec<[u8; 32]>;
}

/// The validator whose GRANDPA key is `key` in authority set `set_id`.
pub trait GrandpaKeyOwner {
    /// The account, if `set_id` is the current set and `key` one of its keys; `None`
    /// for older sets (their reports are no longer accepted) and unknown keys.
    fn owner(set_id: u64, key: &[u8; 32]) -> Option<AccountId32>;
    /// The id of the current authority set.
    fn current_set_id() -> u64;
}

storage_prefix!(pub struct ParamsPrefix = PALLET, "Params";);
storage_prefix!(pub struct CurrentEraPrefix = PALLET, "CurrentEra";);
storage_prefix!(pub struct ValidatorsPrefix = PALLET, "Validators";);
storage_prefix!(pub struct CounterForValidatorsPrefix = PALLET, "CounterForValidators";);
storage_prefix!(pub struct TombstonedPrefix = PALLET, "Tombstoned";);
storage_prefix!(pub struct DelegationsPrefix = PALLET, "Delegations";);
storage_prefix!(pub struct DelegatorTargetsPrefix = PALLET, "DelegatorTargets";);
storage_prefix!(pub struct ActiveSetPrefix = PALLET, "ActiveSet";);
storage_prefix!(pub struct ErasPerformancePrefix = PALLET, "ErasPerformance";);
storage_prefix!(pub struct LastSlotPrefix = PALLET, "LastSlot";);
storage_prefix!(pub struct EraRewardPotPrefix = PALLET, "EraRewardPot";);
storage_prefix!(pub struct ErasRewardPrefix = PALLET, "ErasReward";);
storage_prefix!(pub struct RewardsPrefix = PALLET, "Rewards";);
storage_prefix!(pub struct OldestHistoryEraPrefix = PALLET, "OldestHistoryEra";);
storage_prefix!(pub struct UnbondingPrefix = PALLET, "Unbonding";);
storage_prefix!(pub struct UnbondingFromPrefix = PALLET, "UnbondingFrom";);
storage_prefix!(pub struct ReleaseQueuePrefix = PALLET, "ReleaseQueue";);
storage_prefix!(pub struct NextReleasePrefix = PALLET, "NextRelease";);
storage_prefix!(pub struct JobsPrefix = PALLET, "Jobs";);
storage_prefix!(pub struct JobsRangePrefix = PALLET, "JobsRange";);
storage_prefix!(pub struct PendingJobsPrefix = PALLET, "PendingJobs";);
storage_prefix!(pub struct TotalRewardedPrefix = PALLET, "TotalRewarded";);
storage_prefix!(pub struct TotalSlashedPrefix = PALLET, "TotalSlashed";);
storage_prefix!(pub struct EquivocationsReportedPrefix = PALLET, "EquivocationsReported";);
storage_prefix!(pub struct EraStartSlotPrefix = PALLET, "EraStartSlot";);
storage_prefix!(pub struct OldestReportedSetPrefix = PALLET, "OldestReportedSet";);
storage_prefix!(pub struct RedelegationsPrefix = PALLET, "Redelegations";);
storage_prefix!(pub struct RedelegatedFromPrefix = PALLET, "RedelegatedFrom";);
storage_prefix!(pub struct BlockEquivocationsReportedPrefix = PALLET, "BlockEquivocationsReported";);

/// The economic parameters.
pub type Params = StorageValue<ParamsPrefix, StakingParams, OptionQuery>;
/// The current era (the session pallet's session index).
pub type CurrentEra = StorageValue<CurrentEraPrefix, EraIndex, ValueQuery>;
/// Every registered validator. Blake2 because anyone chooses account ids; counted, to
/// bound elections by [`Config::MAX_CANDIDATES`].
pub type Validators = CountedStorageMap<
    ValidatorsPrefix,
    CounterForValidatorsPrefix,
    Blake2_128Concat,
    AccountId32,
    Validator,
    OptionQuery,
>;
/// Accounts slashed entirely; they cannot register again.
pub type Tombstoned = StorageMap<TombstonedPrefix, Blake2_128Concat, AccountId32, (), OptionQuery>;
/// Delegations, by validator then delegator, so a validator's delegators are
/// contiguous for paged jobs.
pub type Delegations = StorageDoubleMap<
    DelegationsPrefix,
    Blake2_128Concat,
    AccountId32,
    Blake2_128Concat,
    AccountId32,
    Balance,
    OptionQuery,
>;
/// The validators each delegator delegates to (at most `max_delegations_per_delegator`).
pub type DelegatorTargets =
    StorageMap<DelegatorTargetsPrefix, Blake2_128Concat, AccountId32, Vec<AccountId32>, ValueQuery>;
/// The validators elected for the current era, by account id.
pub type ActiveSet = StorageValue<ActiveSetPrefix, Vec<AccountId32>, ValueQuery>;
/// Performance by era then validator: the current era's accrues block by block; the
/// last [`Config::HISTORY_DEPTH`] eras are kept. Twox64 for the era (not chosen by
/// users), Blake2 for the account.
pub type ErasPerformance = StorageDoubleMap<
    ErasPerformancePrefix,
    Twox64Concat,
    EraIndex,
    Blake2_128Concat,
    AccountId32,
    Performance,
    ValueQuery,
>;
/// The slot of the last block executed, to count the slots between blocks as missed.
pub type LastSlot = StorageValue<LastSlotPrefix, u64, OptionQuery>;
/// The validators' share of the rewards minted so far in the current era (minted
/// when paid), remainders of earlier eras included.
pub type EraRewardPot = StorageValue<EraRewardPotPrefix, Balance, ValueQuery>;
/// Reward accounting of each era (last [`Config::HISTORY_DEPTH`] eras).
pub type ErasReward = StorageMap<ErasRewardPrefix, Twox64Concat, EraIndex, EraReward, OptionQuery>;
/// What each account was paid for each era (last [`Config::HISTORY_DEPTH`] eras), by
/// era then account so a whole era is pruned at once.
pub type Rewards = StorageDoubleMap<
    RewardsPrefix,
    Twox64Concat,
    EraIndex,
    Blake2_128Concat,
    AccountId32,
    Balance,
    ValueQuery,
>;
/// The oldest era whose history (rewards, performance) is still stored.
pub type OldestHistoryEra = StorageValue<OldestHistoryEraPrefix, EraIndex, ValueQuery>;
/// Each account's unbonding chunks, oldest first.
pub type Unbonding =
    StorageMap<UnbondingPrefix, Blake2_128Concat, AccountId32, Vec<UnbondChunk>, ValueQuery>;
/// Which accounts have unbonding chunks that left which validator: how a slash finds
/// them.
pub type UnbondingFrom = StorageDoubleMap<
    UnbondingFromPrefix,
    Blake2_128Concat,
    AccountId32,
    Blake2_128Concat,
    AccountId32,
    (),
    OptionQuery,
>;
/// The accounts with a chunk maturing at each block.
pub type ReleaseQueue =
    StorageMap<ReleaseQueuePrefix, Twox64Concat, BlockNumber, Vec<AccountId32>, ValueQuery>;
/// The first block of [`ReleaseQueue`] not yet released.
pub type NextRelease = StorageValue<NextReleasePrefix, BlockNumber, ValueQuery>;
/// The job queue, by position.
pub type Jobs = StorageMap<JobsPrefix, Twox64Concat, u32, Job, OptionQuery>;
/// The positions `[first, end)` of the queued jobs.
pub type JobsRange = StorageValue<JobsRangePrefix, (u32, u32), ValueQuery>;
/// How many queued jobs visit each validator's stakers.
pub type PendingJobs =
    StorageMap<PendingJobsPrefix, Blake2_128Concat, AccountId32, u32, ValueQuery>;
/// Every reward ever paid (minted) by staking.
pub type TotalRewarded = StorageValue<TotalRewardedPrefix, Balance, ValueQuery>;
/// Every slash ever burned by staking (reporters' parts included).
pub type TotalSlashed = StorageValue<TotalSlashedPrefix, Balance, ValueQuery>;
/// The validators slashed for a double vote, by GRANDPA authority set, with the era of
/// the report: one slash per validator and set, however many rounds it double voted in
/// (a set can outlive an era, so an era would let one offence be punished twice).
/// Entries of sets before the current one are pruned ([`OldestReportedSet`]).
pub type EquivocationsReported = StorageDoubleMap<
    EquivocationsReportedPrefix,
    Twox64Concat,
    u64,
    Blake2_128Concat,
    AccountId32,
    EraIndex,
    OptionQuery,
>;

/// The oldest GRANDPA authority set that may still have [`EquivocationsReported`]
/// entries: reports of older sets than the current one are refused, so their entries
/// are removed, one set at a time, in `on_initialize`.
pub type OldestReportedSet = StorageValue<OldestReportedSetPrefix, u64, ValueQuery>;
/// The slot of the block that started the current era (its last block before the
/// current validators took over): the current Aura authorities author the slots after
/// it. Absent at genesis (they author every slot).
pub type EraStartSlot = StorageValue<EraStartSlotPrefix, u64, OptionQuery>;
/// The validators slashed for sealing two blocks in one slot, by era, with the slot:
/// one slash per validator and era (a block equivocation is provable only in the era
/// of its slot, whose authority set stands behind the slot). Pruned with the era's
/// history ([`Config::HISTORY_DEPTH`]).
pub type BlockEquivocationsReported = StorageDoubleMap<
    BlockEquivocationsReportedPrefix,
    Twox64Concat,
    EraIndex,
    Blake2_128Concat,
    AccountId32,
    u64,
    OptionQuery,
>;

/// Stake moved by `redelegate`, by era and source validator, then delegator: where
/// it went and how much of it is still answerable for the source's offences of that
/// era. A slash of the source for the era hits it where it stands now (as far as the
/// delegator still delegates it there), as it hits stake unbonding from the source.
/// Pruned with the era's history ([`Config::HISTORY_DEPTH`]).
pub type Redelegations = StorageDoubleMap<
    RedelegationsPrefix,
    Twox64Concat,
    (EraIndex, AccountId32),
    Blake2_128Concat,
    AccountId32,
    Vec<(AccountId32, Balance)>,
    ValueQuery,
>;
/// The validators stake was redelegated away from in each era (the first keys of
/// [`Redelegations`]).
pub type RedelegatedFrom =
    StorageMap<RedelegatedFromPrefix, Twox64Concat, EraIndex, Vec<AccountId32>, ValueQuery>;

/// Events of the staking pallet.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An account registered as a validator.
    ValidatorRegistered {
        /// The validator.
        validator: AccountId32,
        /// Its self-stake.
        stake: Balance,
        /// Its commission.
        commission: Perbill,
    },
    /// A validator changed its commission.
    CommissionSet {
        /// The validator.
        validator: AccountId32,
        /// The new commission.
        commission: Perbill,
    },
    /// A validator changed its metadata.
    MetadataSet {
        /// The validator.
        validator: AccountId32,
    },
    /// A validator bonded more of its own stake.
    Bonded {
        /// The validator.
        validator: AccountId32,
        /// The amount added.
        amount: Balance,
    },
    /// Stake started unbonding.
    Unbonded {
        /// The owner of the stake.
        who: AccountId32,
        /// The validator it was bonded to.
        validator: AccountId32,
        /// The amount.
        amount: Balance,
        /// The block it is released at.
        unlock_at: BlockNumber,
    },
    /// Unbonded stake was returned to its owner.
    Withdrawn {
        /// The owner.
        who: AccountId32,
        /// The amount returned.
        amount: Balance,
    },
    /// A validator stopped being a candidate.
    Chilled {
        /// The validator.
        validator: AccountId32,
    },
    /// A validator left: its self-stake is unbonding.
    Unstaked {
        /// The validator.
        validator: AccountId32,
        /// The self-stake put in unbonding.
        amount: Balance,
        /// Burned because it was jailed.
        penalty: Balance,
    },
    /// An account delegated to a validator.
    Delegated {
        /// The delegator.
        delegator: AccountId32,
        /// The validator.
        validator: AccountId32,
        /// The amount added.
        amount: Balance,
    },
    /// A delegation moved from one validator to another without unbonding.
    Redelegated {
        /// The delegator.
        delegator: AccountId32,
        /// The validator it left.
        from: AccountId32,
        /// The validator it joined.
        to: AccountId32,
        /// The amount moved.
        amount: Balance,
    },
    /// A validator left jail.
    Unjailed {
        /// The validator.
        validator: AccountId32,
        /// The fee paid to leave early (zero after the jail period).
        fee: Balance,
    },
    /// Root changed the parameters.
    ParamsSet,
    /// A new era began with these validators.
    NewEra {
        /// The era.
        era: EraIndex,
        /// The number of validators elected (the set was kept when no one was).
        validators: u32,
    },
    /// A validator authored too few of its slots in an era.
    Offline {
        /// The validator.
        validator: AccountId32,
        /// The era.
        era: EraIndex,
        /// Its performance.
        performance: Performance,
    },
    /// A validator was jailed.
    Jailed {
        /// The validator.
        validator: AccountId32,
        /// The first era it may `unjail` in.
        until: EraIndex,
    },
    /// A validator was tombstoned: slashed entirely, never elected again.
    Tombstoned {
        /// The validator.
        validator: AccountId32,
    },
    /// A validator and its stakers were slashed (emitted when the slash job ends).
    Slashed {
        /// The validator.
        validator: AccountId32,
        /// The era of the offence.
        era: EraIndex,
        /// The share slashed.
        fraction: Perbill,
        /// The total burned, the reporter's part included.
        amount: Balance,
    },
    /// An equivocation was proven.
    EquivocationReported {
        /// The offender.
        offender: AccountId32,
        /// The reporter, if any.
        reporter: Option<AccountId32>,
    },
    /// A reporter was paid its part of a slash.
    ReporterPaid {
        /// The reporter.
        reporter: AccountId32,
        /// The amount.
        amount: Balance,
    },
    /// A validator's reward for an era was paid to it and its delegators.
    EraPaid {
        /// The validator.
        validator: AccountId32,
        /// The era.
        era: EraIndex,
        /// The total paid.
        amount: Balance,
        /// The accounts paid.
        recipients: u32,
    },
}

/// Errors of the staking pallet.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// The account is already a validator. Use `bond_extra`, `set_commission` or
    /// `set_metadata`.
    AlreadyValidator,
    /// The account is not a validator (or has left). Register with `validate`.
    NotValidator,
    /// The stake is below `min_validator_stake`. Bond more.
    InsufficientStake,
    /// The commission is above `max_commission`.
    CommissionTooHigh,
    /// The commission moves more than `max_commission_change` from its value at the
    /// start of this era. Change it in smaller steps, one per era.
    CommissionChangeTooLarge,
    /// A metadata field is longer than its bound.
    MetadataTooLong,
    /// `MAX_CANDIDATES` validators are registered already.
    TooManyCandidates,
    /// The amount is zero.
    ZeroAmount,
    /// Unbonding would leave less than `min_validator_stake`. Unbond less, or `unstake`.
    BelowMinimumStake,
    /// More than the bonded amount was asked for.
    NotEnoughBonded,
    /// The validator is already chilled (or has left).
    AlreadyChilled,
    /// The delegation would hold less than `min_delegation`.
    BelowMinimumDelegation,
    /// The account already delegates to `max_delegations_per_delegator` validators.
    TooManyDelegations,
    /// The validator has `MAX_DELEGATORS_PER_VALIDATOR` delegators already.
    TooManyDelegators,
    /// The delegation would take the validator above `max_validator_share` of all
    /// active stake. Delegate to another validator.
    ValidatorOverCap,
    /// The account does not delegate to this validator.
    NotDelegated,
    /// A validator cannot delegate to itself; use `bond_extra`.
    SelfDelegation,
    /// `redelegate` needs two different validators.
    SameValidator,
    /// The validator is tombstoned: it cannot be delegated to, unjailed or registered.
    Tombstoned,
    /// The validator is not jailed.
    NotJailed,
    /// The jail period has not ended; wait, or use `unjail_early`.
    JailPeriodNotOver,
    /// The validator's era-end payout or slash is still running (a few blocks); its
    /// stakes cannot change until it ends. Try again in a few blocks.
    JobPending,
    /// The account has `MAX_UNBONDING_CHUNKS` unbonding chunks; wait for one to be
    /// released.
    TooManyUnbondingChunks,
    /// The parameters are invalid (a fraction above one whole, zero validators, zero
    /// unbonding period or a zero minimum).
    InvalidParams,
    /// The equivocation proof does not hold: the votes (or headers) are equal, a
    /// signature is not the voter's (or the slot author's), or the voter is not in the
    /// current GRANDPA authority set (the slot is not of the current era).
    InvalidEquivocationProof,
    /// The offender was already slashed for a double vote in this authority set (or for
    /// two blocks in one slot in this era).
    EquivocationAlreadyReported,
}

/// Calls of the staking pallet.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Registers the caller as a validator with `stake` of its own (reserved), a
    /// commission and metadata. It is a candidate from the next election and needs
    /// session keys (`Session.set_keys`) to be elected.
    #[codec(index = 0)]
    validate {
        /// The self-stake.
        #[codec(compact)]
        stake: Balance,
        /// The commission.
        commission: Perbill,
        /// Name, website, description.
        metadata: ValidatorMetadata,
    },
    /// Changes the caller's commission (at most `max_commission_change` per era).
    #[codec(index = 1)]
    set_commission {
        /// The new commission.
        commission: Perbill,
    },
    /// Changes the caller's metadata.
    #[codec(index = 2)]
    set_metadata {
        /// The new metadata.
        metadata: ValidatorMetadata,
    },
    /// Bonds more of the caller's own funds as self-stake.
    #[codec(index = 3)]
    bond_extra {
        /// The amount.
        #[codec(compact)]
        amount: Balance,
    },
    /// Starts unbonding part of the caller's self-stake (the rest must stay at least
    /// `min_validator_stake`).
    #[codec(index = 4)]
    unbond {
        /// The amount.
        #[codec(compact)]
        amount: Balance,
    },
    /// Stops being a candidate from the next election, keeping the bond.
    #[codec(index = 5)]
    chill {},
    /// Leaves: stops being a candidate and unbonds the whole self-stake, losing
    /// `jailed_unstake_penalty` of it when jailed. Delegations stay until their owners
    /// move them.
    #[codec(index = 6)]
    unstake {},
    /// Delegates `amount` of the caller's funds to `validator`.
    #[codec(index = 7)]
    delegate {
        /// The validator.
        validator: AccountId32,
        /// The amount.
        #[codec(compact)]
        amount: Balance,
    },
    /// Starts unbonding `amount` of the caller's delegation to `validator`.
    #[codec(index = 8)]
    undelegate {
        /// The validator.
        validator: AccountId32,
        /// The amount.
        #[codec(compact)]
        amount: Balance,
    },
    /// Moves `amount` of the caller's delegation from one validator to another at once.
    #[codec(index = 9)]
    redelegate {
        /// The validator left.
        from: AccountId32,
        /// The validator joined.
        to: AccountId32,
        /// The amount.
        #[codec(compact)]
        amount: Balance,
    },
    /// Leaves jail once the jail period is over.
    #[codec(index = 10)]
    unjail {},
    /// Leaves jail before the jail period is over, paying `unjail_early_fee` to the
    /// treasury.
    #[codec(index = 11)]
    unjail_early {},
    /// Replaces the economic parameters. Origin: root (governance).
    #[codec(index = 12)]
    set_params {
        /// The new parameters.
        params: StakingParams,
    },
    /// Reports a GRANDPA double vote of a validator of the current authority set: the
    /// offender is jailed and slashed `equivocation_slash` (once per set), and
    /// `reporter` gets `reporter_share` of the slash. Unsigned: anyone may submit the
    /// proof; the pool and the block check it before it is included.
    #[codec(index = 13)]
    report_equivocation {
        /// The two signed votes.
        proof: alloc::boxed::Box<EquivocationProof>,
        /// Who is paid the reporter's share.
        reporter: Option<AccountId32>,
    },
    /// Reports two different blocks sealed for one slot of the current era by its Aura
    /// author: the offender is jailed and slashed `equivocation_slash` (once per era),
    /// and `reporter` gets `reporter_share` of the slash. Unsigned, as
    /// `report_equivocation`.
    #[codec(index = 14)]
    report_block_equivocation {
        /// The two sealed headers.
        proof: alloc::boxed::Box<BlockEquivocationProof>,
        /// Who is paid the reporter's share.
        reporter: Option<AccountId32>,
    },
}

/// The staking pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable staking call bound to a runtime.
pub struct Dispatch<T>(pub Call, PhantomData<T>);

impl<T> Dispatch<T> {
    /// Binds `call` to the runtime `T`.
    pub fn new(call: Call) -> Self {
        Self(call, PhantomData)
    }
}

impl<T: Config> Dispatchable for Dispatch<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        type P<T> = Pallet<T>;
        match self.0 {
            Call::validate { stake, commission, metadata } => {
                P::<T>::validate(origin, stake, commission, metadata)
            }
            Call::set_commission { commission } => P::<T>::set_commission(origin, commission),
            Call::set_metadata { metadata } => P::<T>::set_metadata(origin, metadata),
            Call::bond_extra { amount } => P::<T>::bond_extra(origin, amount),
            Call::unbond { amount } => P::<T>::unbond(origin, amount),
            Call::chill {} => P::<T>::chill(origin),
            Call::unstake {} => P::<T>::unstake(origin),
            Call::delegate { validator, amount } => P::<T>::delegate(origin, validator, amount),
            Call::undelegate { validator, amount } => P::<T>::undelegate(origin, validator, amount),
            Call::redelegate { from, to, amount } => P::<T>::redelegate(origin, from, to, amount),
            Call::unjail {} => P::<T>::unjail(origin, false),
            Call::unjail_early {} => P::<T>::unjail(origin, true),
            Call::set_params { params } => P::<T>::set_params(origin, params),
            Call::report_equivocation { proof, reporter } => {
                P::<T>::report_equivocation(origin, &proof, reporter)
            }
            Call::report_block_equivocation { proof, reporter } => {
                P::<T>::report_block_equivocation(origin, &proof, reporter)
            }
        }
    }
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        use weights::*;
        let (ref_time, proof_size) = match self {
            Call::validate { .. } => VALIDATE,
            Call::set_commission { .. } => SET_COMMISSION,
            Call::set_metadata { .. } => SET_METADATA,
            Call::bond_extra { .. } => BOND_EXTRA,
            Call::unbond { .. } => UNBOND,
            Call::chill {} => CHILL,
            Call::unstake {} => UNSTAKE,
            Call::delegate { .. } => DELEGATE,
            Call::undelegate { .. } => UNDELEGATE,
            Call::redelegate { .. } => REDELEGATE,
            Call::unjail {} => UNJAIL,
            Call::unjail_early {} => UNJAIL_EARLY,
            Call::report_equivocation { .. } => {
                return lattice_support::dispatch::operational(REPORT_EQUIVOCATION.0);
            }
            Call::report_block_equivocation { .. } => {
                return lattice_support::dispatch::operational(REPORT_BLOCK_EQUIVOCATION.0);
            }
            Call::set_params { .. } => {
                return lattice_support::dispatch::operational(SET_PARAMS.0);
            }
        };
        normal(ref_time, proof_size)
    }
}

impl<T: Config> Hooks for Pallet<T> {
    fn on_initialize(n: BlockNumber) -> Weight {
        Self::note_block()
            .saturating_add(Self::run_jobs())
            .saturating_add(Self::release_unbonded(n))
            .saturating_add(Self::prune_history())
            .saturating_add(Self::prune_vote_reports())
    }

    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        Self::do_try_state()
    }
}

// ---- calls ---------------------------------------------------------------------------

impl<T: Config> Pallet<T> {
    fn validate(
        origin: Origin,
        stake: Balance,
        commission: Perbill,
        metadata: ValidatorMetadata,
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let params = Self::params();
        ensure!(!Tombstoned::contains_key(&who), Self::error(Error::Tombstoned));
        let existing = Validators::get(&who);
        let returning = existing.as_ref().is_some_and(|v| v.status == ValidatorStatus::Left);
        ensure!(existing.is_none() || returning, Self::error(Error::AlreadyValidator));
        ensure!(stake >= params.min_validator_stake, Self::error(Error::InsufficientStake));
        ensure!(commission <= params.max_commission, Self::error(Error::CommissionTooHigh));
        Self::check_metadata(&metadata)?;
        ensure!(
            returning || Validators::count() < T::MAX_CANDIDATES,
            Self::error(Error::TooManyCandidates)
        );
        if returning {
            ensure!(!Self::job_pending(&who), Self::error(Error::JobPending));
        }
        T::Currency::reserve(&who, stake)?;
        let era = CurrentEra::get();
        let validator = match existing {
            Some(mut v) => {
                v.self_stake = stake;
                v.commission = commission;
                v.commission_baseline = (era, commission);
                v.metadata = metadata;
                v.status = ValidatorStatus::Active;
                v
            }
            None => Validator {
                self_stake: stake,
                delegated: 0,
                delegators: 0,
                commission,
                commission_baseline: (era, commission),
                metadata,
                status: ValidatorStatus::Active,
                jailed_until: None,
                offences: 0,
                tombstoned: false,
            },
        };
        Validators::insert(&who, &validator);
        Self::deposit_event(Event::ValidatorRegistered { validator: who, stake, commission });
        Ok(())
    }

    fn set_commission(origin: Origin, commission: Perbill) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let params = Self::params();
        let mut v = Self::live_validator(&who)?;
        ensure!(commission <= params.max_commission, Self::error(Error::CommissionTooHigh));
        let era = CurrentEra::get();
        if v.commission_baseline.0 != era {
            v.commission_baseline = (era, v.commission);
        }
        ensure!(
            commission.abs_diff(v.commission_baseline.1) <= params.max_commission_change,
            Self::error(Error::CommissionChangeTooLarge)
        );
        v.commission = commission;
        Validators::insert(&who, &v);
        Self::deposit_event(Event::CommissionSet { validator: who, commission });
        Ok(())
    }

    fn set_metadata(origin: Origin, metadata: ValidatorMetadata) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let mut v = Self::live_validator(&who)?;
        Self::check_metadata(&metadata)?;
        v.metadata = metadata;
        Validators::insert(&who, &v);
        Self::deposit_event(Event::MetadataSet { validator: who });
        Ok(())
    }

    fn bond_extra(origin: Origin, amount: Balance) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(amount > 0, Self::error(Error::ZeroAmount));
        let mut v = Self::live_validator(&who)?;
        ensure!(!v.tombstoned, Self::error(Error::Tombstoned));
        ensure!(!Self::job_pending(&who), Self::error(Error::JobPending));
        T::Currency::reserve(&who, amount)?;
        v.self_stake = v.self_stake.saturating_add(amount);
        Validators::insert(&who, &v);
        Self::deposit_event(Event::Bonded { validator: who, amount });
        Ok(())
    }

    fn unbond(origin: Origin, amount: Balance) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(amount > 0, Self::error(Error::ZeroAmount));
        let mut v = Self::live_validator(&who)?;
        ensure!(!Self::job_pending(&who), Self::error(Error::JobPending));
        let rest = v.self_stake.checked_sub(amount).ok_or(Self::error(Error::NotEnoughBonded))?;
        ensure!(rest >= Self::params().min_validator_stake, Self::error(Error::BelowMinimumStake));
        Self::add_unbonding(&who, &who, amount)?;
        v.self_stake = rest;
        Validators::insert(&who, &v);
        Ok(())
    }

    fn chill(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let mut v = Self::live_validator(&who)?;
        ensure!(v.status == ValidatorStatus::Active, Self::error(Error::AlreadyChilled));
        v.status = ValidatorStatus::Chilled;
        Validators::insert(&who, &v);
        Self::deposit_event(Event::Chilled { validator: who });
        Ok(())
    }

    fn unstake(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let mut v = Self::live_validator(&who)?;
        ensure!(!Self::job_pending(&who), Self::error(Error::JobPending));
        let mut penalty = 0;
        if v.is_jailed() && v.self_stake > 0 {
            penalty = Self::params().jailed_unstake_penalty.mul_floor(v.self_stake);
            let unslashed = T::Currency::slash_reserved(&who, penalty);
            penalty = penalty.saturating_sub(unslashed);
            TotalSlashed::mutate(|s| *s = s.saturating_add(penalty));
        }
        let amount = v.self_stake.saturating_sub(penalty);
        if amount > 0 {
            Self::add_unbonding(&who, &who, amount)?;
        }
        v.self_stake = 0;
        v.status = ValidatorStatus::Left;
        Self::store_validator(&who, v);
        Self::deposit_event(Event::Unstaked { validator: who, amount, penalty });
        Ok(())
    }

    fn delegate(origin: Origin, validator: AccountId32, amount: Balance) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(amount > 0, Self::error(Error::ZeroAmount));
        ensure!(who != validator, Self::error(Error::SelfDelegation));
        Self::do_delegate(&who, &validator, amount)?;
        T::Currency::reserve(&who, amount)?;
        Self::deposit_event(Event::Delegated { delegator: who, validator, amount });
        Ok(())
    }

    fn undelegate(origin: Origin, validator: AccountId32, amount: Balance) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(amount > 0, Self::error(Error::ZeroAmount));
        Self::do_undelegate(&who, &validator, amount)?;
        Self::add_unbonding(&who, &validator, amount)
    }

    fn redelegate(
        origin: Origin,
        from: AccountId32,
        to: AccountId32,
        amount: Balance,
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(amount > 0, Self::error(Error::ZeroAmount));
        ensure!(from != to, Self::error(Error::SameValidator));
        ensure!(who != to, Self::error(Error::SelfDelegation));
        // The dispatch is transactional: a failure of the second half undoes the first.
        Self::do_undelegate(&who, &from, amount)?;
        Self::do_delegate(&who, &to, amount)?;
        // The moved stake stays answerable for `from`'s offences of this era. Stake going
        // back to a validator it left in this era answers there through the delegation
        // again, not through the record of its move.
        let era = CurrentEra::get();
        let mut back = Redelegations::get(&(era, to), &who);
        if let Some(i) = back.iter().position(|(v, _)| *v == from) {
            back[i].1 = back[i].1.saturating_sub(amount);
            back.retain(|(_, moved)| *moved > 0);
            Self::store_moves(&(era, to), &who, back);
        }
        Redelegations::mutate(&(era, from), &who, |moves| {
            match moves.iter_mut().find(|(v, _)| *v == to) {
                Some((_, moved)) => *moved = moved.saturating_add(amount),
                None => moves.push((to, amount)),
            }
        });
        RedelegatedFrom::mutate(&era, |sources| {
            if !sources.contains(&from) {
                sources.push(from);
            }
        });
        Self::deposit_event(Event::Redelegated { delegator: who, from, to, amount });
        Ok(())
    }

    fn unjail(origin: Origin, early: bool) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(!Tombstoned::contains_key(&who), Self::error(Error::Tombstoned));
        let mut v = Validators::get(&who).ok_or(Self::error(Error::NotValidator))?;
        let until = v.jailed_until.ok_or(Self::error(Error::NotJailed))?;
        let mut fee = 0;
        if CurrentEra::get() < until {
            ensure!(early, Self::error(Error::JailPeriodNotOver));
            fee = Self::params().unjail_early_fee;
            T::Currency::transfer(&who, &T::TREASURY_ACCOUNT, fee, Existence::KeepAlive)?;
        }
        v.jailed_until = None;
        Validators::insert(&who, &v);
        Self::deposit_event(Event::Unjailed { validator: who, fee });
        Ok(())
    }

    fn report_equivocation(
        origin: Origin,
        proof: &EquivocationProof,
        reporter: Option<AccountId32>,
    ) -> DispatchResult {
        ensure_none(origin)?;
        let (offender, era) = Self::check_report(proof).map_err(Self::error)?;
        EquivocationsReported::insert(&proof.set_id, &offender, &era);
        Self::slash_equivocation(&offender, era, reporter)
    }

    fn report_block_equivocation(
        origin: Origin,
        proof: &BlockEquivocationProof,
        reporter: Option<AccountId32>,
    ) -> DispatchResult {
        ensure_none(origin)?;
        let (offender, era) = Self::check_block_report(proof).map_err(Self::error)?;
        BlockEquivocationsReported::insert(&era, &offender, &proof.slot);
        Self::slash_equivocation(&offender, era, reporter)
    }

    fn set_params(origin: Origin, params: StakingParams) -> DispatchResult {
        ensure_root(origin)?;
        ensure!(params.problem().is_none(), Self::error(Error::InvalidParams));
        Params::put(&params);
        Self::deposit_event(Event::ParamsSet);
        Ok(())
    }
}

// ---- helpers of the calls ------------------------------------------------------------

impl<T: Config> Pallet<T> {
    /// This pallet's error as a dispatch error.
    pub fn error(e: Error) -> DispatchError {
        module_error(<T as Config>::PALLET_INDEX, e)
    }

    pub(crate) fn deposit_event(event: Event) {
        pallet_system::Pallet::<T>::deposit_event(event)
    }

    /// The parameters (the defaults for a unit of one when genesis set none, which a
    /// runtime's genesis always does).
    pub fn params() -> StakingParams {
        Params::get().unwrap_or_else(|| StakingParams::defaults(1))
    }

    /// The validator record of `who`, unless it is missing or has left.
    fn live_validator(who: &AccountId32) -> Result<Validator, DispatchError> {
        Validators::get(who)
            .filter(|v| v.status != ValidatorStatus::Left)
            .ok_or(Self::error(Error::NotValidator))
    }

    /// Stores `v`, or removes it when it has left and has no delegators.
    pub(crate) fn store_validator(who: &AccountId32, v: Validator) {
        if v.status == ValidatorStatus::Left && v.delegators == 0 && v.self_stake == 0 {
            Validators::remove(who);
        } else {
            Validators::insert(who, &v);
        }
    }

    fn check_metadata(m: &ValidatorMetadata) -> DispatchResult {
        ensure!(
            m.name.len() <= T::MAX_NAME_LEN as usize
                && m.website.len() <= T::MAX_WEBSITE_LEN as usize
                && m.description.len() <= T::MAX_DESCRIPTION_LEN as usize,
            Self::error(Error::MetadataTooLong)
        );
        Ok(())
    }

    /// Whether a job is queued over `validator`'s stakers.
    pub(crate) fn job_pending(validator: &AccountId32) -> bool {
        PendingJobs::get(validator) > 0
    }

    /// Adds `amount` to `who`'s delegation to `validator` (the funds are reserved by
    /// the caller, or already reserved for a redelegation), checking every limit.
    fn do_delegate(who: &AccountId32, validator: &AccountId32, amount: Balance) -> DispatchResult {
        let params = Self::params();
        ensure!(!Tombstoned::contains_key(validator), Self::error(Error::Tombstoned));
        let mut v = Validators::get(validator)
            .filter(|v| v.status != ValidatorStatus::Left)
            .ok_or(Self::error(Error::NotValidator))?;
        ensure!(!Self::job_pending(validator), Self::error(Error::JobPending));
        let current = Delegations::get(validator, who);
        let new = current.unwrap_or(0).saturating_add(amount);
        ensure!(new >= params.min_delegation, Self::error(Error::BelowMinimumDelegation));
        if current.is_none() {
            let targets = DelegatorTargets::get(who);
            ensure!(
                (targets.len() as u32) < params.max_delegations_per_delegator,
                Self::error(Error::TooManyDelegations)
            );
            ensure!(
                v.delegators < T::MAX_DELEGATORS_PER_VALIDATOR,
                Self::error(Error::TooManyDelegators)
            );
            v.delegators += 1;
            DelegatorTargets::mutate(who, |t| t.push(*validator));
        }
        v.delegated = v.delegated.saturating_add(amount);
        ensure!(
            Self::within_cap(validator, v.total(), &params),
            Self::error(Error::ValidatorOverCap)
        );
        Delegations::insert(validator, who, &new);
        Validators::insert(validator, &v);
        Ok(())
    }

    /// Takes `amount` off `who`'s delegation to `validator`; the caller decides where
    /// the funds go (unbonding, or another validator).
    fn do_undelegate(
        who: &AccountId32,
        validator: &AccountId32,
        amount: Balance,
    ) -> DispatchResult {
        let current = Delegations::get(validator, who).ok_or(Self::error(Error::NotDelegated))?;
        ensure!(!Self::job_pending(validator), Self::error(Error::JobPending));
        let rest = current.checked_sub(amount).ok_or(Self::error(Error::NotEnoughBonded))?;
        ensure!(
            rest == 0 || rest >= Self::params().min_delegation,
            Self::error(Error::BelowMinimumDelegation)
        );
        let mut v = Validators::get(validator).ok_or(Self::error(Error::NotValidator))?;
        v.delegated = v.delegated.saturating_sub(amount);
        if rest == 0 {
            Delegations::remove(validator, who);
            DelegatorTargets::mutate(who, |t| t.retain(|x| x != validator));
            v.delegators = v.delegators.saturating_sub(1);
        } else {
            Delegations::insert(validator, who, &rest);
        }
        Self::store_validator(validator, v);
        Ok(())
    }

    /// Whether a validator with `total` stake stays within `max_validator_share` of the
    /// active stake (the other active validators' totals plus its own). The cap applies
    /// only once enough validators are active for it to be met by all of them.
    fn within_cap(validator: &AccountId32, total: Balance, params: &StakingParams) -> bool {
        let active = ActiveSet::get();
        let share = params.max_validator_share.0.max(1);
        let needed = Perbill::ACCURACY.div_ceil(share);
        if (active.len() as u32) < needed {
            return true;
        }
        let others: Balance = active
            .iter()
            .filter(|a| *a != validator)
            .filter_map(Validators::get)
            .map(|v| v.total())
            .fold(0, Balance::saturating_add);
        total <= params.max_validator_share.mul_floor(others.saturating_add(total))
    }

    /// Puts `amount` of `who`'s stake bonded to `validator` in an unbonding chunk.
    pub(crate) fn add_unbonding(
        who: &AccountId32,
        validator: &AccountId32,
        amount: Balance,
    ) -> DispatchResult {
        let now = pallet_system::Number::get();
        let unlock_at = now.saturating_add(Self::params().unbonding_period);
        let era = CurrentEra::get();
        let mut chunks = Unbonding::get(who);
        match chunks
            .iter_mut()
            .find(|c| c.validator == *validator && c.unlock_at == unlock_at && c.era == era)
        {
            Some(chunk) => chunk.amount = chunk.amount.saturating_add(amount),
            None => {
                ensure!(
                    (chunks.len() as u32) < T::MAX_UNBONDING_CHUNKS,
                    Self::error(Error::TooManyUnbondingChunks)
                );
                chunks.push(UnbondChunk { validator: *validator, amount, era, unlock_at });
            }
        }
        Unbonding::insert(who, &chunks);
        UnbondingFrom::insert(validator, who, &());
        ReleaseQueue::mutate(&unlock_at, |q| {
            if !q.contains(who) {
                q.push(*who);
            }
        });
        Self::deposit_event(Event::Unbonded {
            who: *who,
            validator: *validator,
            amount,
            unlock_at,
        });
        Ok(())
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        let [validators, counter] = Validators::metadata(&["Every registered validator."]);
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .event::<Event>()
            .error::<Error>()
            .storage([
                Params::metadata(&["The economic parameters."]),
                CurrentEra::metadata(&["The current era."]),
                validators,
                counter,
                Tombstoned::metadata(&["Accounts slashed entirely."]),
                Delegations::metadata(&["Delegations, by validator then delegator."]),
                DelegatorTargets::metadata(&["The validators each delegator delegates to."]),
                ActiveSet::metadata(&["The validators elected for the current era."]),
                ErasPerformance::metadata(&["Performance by era then validator."]),
                LastSlot::metadata(&["The slot of the last block."]),
                EraRewardPot::metadata(&["The validators' reward pot of the current era."]),
                ErasReward::metadata(&["Reward accounting of each era."]),
                Rewards::metadata(&["What each account was paid for each era."]),
                OldestHistoryEra::metadata(&["The oldest era whose history is stored."]),
                Unbonding::metadata(&["Each account's unbonding chunks."]),
                UnbondingFrom::metadata(&["Accounts unbonding from each validator."]),
                ReleaseQueue::metadata(&["Accounts with a chunk maturing at each block."]),
                NextRelease::metadata(&["The first block of the release queue not released."]),
                Jobs::metadata(&["The queue of era-end jobs."]),
                JobsRange::metadata(&["Positions of the queued jobs."]),
                PendingJobs::metadata(&["Queued jobs per validator."]),
                TotalRewarded::metadata(&["Every reward ever paid."]),
                TotalSlashed::metadata(&["Every slash ever burned."]),
                EquivocationsReported::metadata(&[
                    "Validators slashed for a double vote, by authority set.",
                ]),
                EraStartSlot::metadata(&["The slot of the block that started the era."]),
                OldestReportedSet::metadata(&[
                    "The oldest authority set that may have double-vote records.",
                ]),
                Redelegations::metadata(&[
                    "Stake redelegated away, by era and source validator, then delegator.",
                ]),
                RedelegatedFrom::metadata(&["The validators stake left by redelegation, by era."]),
                BlockEquivocationsReported::metadata(&[
                    "Validators slashed for two blocks in one slot, by era.",
                ]),
            ])
            .constants([
                constant("MaxCandidates", &T::MAX_CANDIDATES, &["The most registered validators."]),
                constant(
                    "MaxDelegatorsPerValidator",
                    &T::MAX_DELEGATORS_PER_VALIDATOR,
                    &["The most delegators of one validator."],
                ),
                constant(
                    "MaxUnbondingChunks",
                    &T::MAX_UNBONDING_CHUNKS,
                    &["The most unbonding chunks of one account."],
                ),
                constant("HistoryDepth", &T::HISTORY_DEPTH, &["Eras of history kept."]),
            ])
            .docs(&["Validators, delegation, rewards, jailing, slashing and unbonding."])
    }
}
