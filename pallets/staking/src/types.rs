//! Types of the staking pallet: validators, parameters, unbonding chunks, performance
//! records and the paged jobs of an era's end.

use alloc::vec::Vec;
use codec::{Decode, DecodeAll, Encode};
use lattice_support::arithmetic::Perbill;
use lattice_support::lattice_primitives::{DigestItem, Header};
use lattice_support::{AccountId32, Balance, BlockNumber, H256};
use scale_info::TypeInfo;

pub use lattice_support::lattice_primitives::staking::{EraIndex, ValidatorStatus};

/// What a validator tells delegators about itself. Bounded by the pallet's
/// `MAX_NAME_LEN`, `MAX_WEBSITE_LEN` and `MAX_DESCRIPTION_LEN`.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct ValidatorMetadata {
    /// A display name (UTF-8 by convention; not checked).
    pub name: Vec<u8>,
    /// A web address.
    pub website: Vec<u8>,
    /// A free description.
    pub description: Vec<u8>,
}

/// A validator's record.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Validator {
    /// The validator's own bonded stake (reserved in its account).
    pub self_stake: Balance,
    /// The sum of all delegations to it.
    pub delegated: Balance,
    /// How many accounts delegate to it.
    pub delegators: u32,
    /// The share of its rewards it takes before the rest is shared pro rata.
    pub commission: Perbill,
    /// The era of the last commission change and the commission before that era's
    /// first change: a change may move at most `max_commission_change` away from it
    /// within one era.
    pub commission_baseline: (EraIndex, Perbill),
    /// Its name, website and description.
    pub metadata: ValidatorMetadata,
    /// Whether it is a candidate.
    pub status: ValidatorStatus,
    /// Jailed (never elected) until `unjail` in or after this era.
    pub jailed_until: Option<EraIndex>,
    /// Offline offences so far: the first is slashed 5%, the second 10%, the third
    /// 100% and tombstones it (with the default parameters).
    pub offences: u32,
    /// Slashed entirely; never elected again.
    pub tombstoned: bool,
}

impl Validator {
    /// Self-stake plus delegations.
    pub fn total(&self) -> Balance {
        self.self_stake.saturating_add(self.delegated)
    }

    /// Whether it is jailed.
    pub fn is_jailed(&self) -> bool {
        self.jailed_until.is_some()
    }
}

/// The economic parameters of staking, set at genesis (from the chain spec) and
/// changeable by root (`set_params`, governance).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct StakingParams {
    /// The least self-stake a validator may register with and keep.
    pub min_validator_stake: Balance,
    /// The least a delegation may hold (unless slashes took it lower).
    pub min_delegation: Balance,
    /// The most validators one account may delegate to.
    pub max_delegations_per_delegator: u32,
    /// No validator may hold more than this share of all active stake through a
    /// delegation (applied once the active set is large enough for it to be met).
    pub max_validator_share: Perbill,
    /// The largest number of validators elected.
    pub max_validators: u32,
    /// The highest commission.
    pub max_commission: Perbill,
    /// How far a commission may move within one era.
    pub max_commission_change: Perbill,
    /// Units minted with every block.
    pub block_reward: Balance,
    /// The share of each block's reward paid to validators (and their delegators);
    /// the rest goes to the compute-rewards pot.
    pub validator_reward_share: Perbill,
    /// A validator that authors less than this share of its assigned slots in an era
    /// is jailed and slashed.
    pub min_uptime: Perbill,
    /// Slash of the first, second and third offline offence (the third tombstones).
    pub offline_slashes: [Perbill; 3],
    /// Slash of an equivocation.
    pub equivocation_slash: Perbill,
    /// The reporter's share of an equivocation slash.
    pub reporter_share: Perbill,
    /// Eras a jailed validator waits before `unjail`.
    pub jail_eras: u32,
    /// The fee of `unjail_early`, paid to the treasury.
    pub unjail_early_fee: Balance,
    /// The share of its self-stake a jailed validator loses when it unstakes.
    pub jailed_unstake_penalty: Perbill,
    /// Blocks unbonded stake waits before it returns to its owner.
    pub unbonding_period: BlockNumber,
}

impl StakingParams {
    /// The defaults of a network whose token has `unit` smallest units: 10,000 tokens
    /// of self-stake, 100 tokens of delegation, 10 validators per delegator, 20% per
    /// validator, 100 validators, 50% commission at most, moved 1 point per era, 10
    /// tokens a block (70% to validators), 75% uptime, slashes of 5%, 10% and 100%, 10%
    /// for an equivocation (10% of it to the reporter), 2 eras of jail, 1,000 tokens to
    /// leave early, 10% to unstake while jailed, and 907,200 blocks (21 days of
    /// 2-second blocks) of unbonding.
    pub fn defaults(unit: Balance) -> Self {
        Self {
            min_validator_stake: 10_000 * unit,
            min_delegation: 100 * unit,
            max_delegations_per_delegator: 10,
            max_validator_share: Perbill::from_percent(20),
            max_validators: 100,
            max_commission: Perbill::from_percent(50),
            max_commission_change: Perbill::from_percent(1),
            block_reward: 10 * unit,
            validator_reward_share: Perbill::from_percent(70),
            min_uptime: Perbill::from_percent(75),
            offline_slashes: [
                Perbill::from_percent(5),
                Perbill::from_percent(10),
                Perbill::from_percent(100),
            ],
            equivocation_slash: Perbill::from_percent(10),
            reporter_share: Perbill::from_percent(10),
            jail_eras: 2,
            unjail_early_fee: 1_000 * unit,
            jailed_unstake_penalty: Perbill::from_percent(10),
            unbonding_period: 907_200,
        }
    }

    /// Why these parameters cannot be used, if they cannot: a fraction above one
    /// whole, no validators, no unbonding period or a zero minimum.
    pub fn problem(&self) -> Option<&'static str> {
        let fractions = [
            self.max_validator_share,
            self.max_commission,
            self.max_commission_change,
            self.validator_reward_share,
            self.min_uptime,
            self.offline_slashes[0],
            self.offline_slashes[1],
            self.offline_slashes[2],
            self.equivocation_slash,
            self.reporter_share,
            self.jailed_unstake_penalty,
        ];
        if fractions.iter().any(|f| !f.is_valid()) {
            return Some("a fraction is above one whole");
        }
        if self.max_validators == 0 {
            return Some("max_validators must be at least one");
        }
        if self.unbonding_period == 0 {
            return Some("unbonding_period must be at least one block");
        }
        if self.min_validator_stake == 0 || self.min_delegation == 0 {
            return Some("the minimum stakes must be above zero");
        }
        if self.max_validator_share == Perbill::ZERO {
            return Some("max_validator_share must be above zero");
        }
        None
    }
}

/// Stake on its way back to its owner.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct UnbondChunk {
    /// The validator the stake was bonded to (the owner itself for self-stake): its
    /// slashes for offences of the eras the stake was bonded in still apply.
    pub validator: AccountId32,
    /// The amount (still reserved in the owner's account).
    pub amount: Balance,
    /// The era the unbonding began in.
    pub era: EraIndex,
    /// The block from which it is released.
    pub unlock_at: BlockNumber,
}

/// How a validator did in one era.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct Performance {
    /// Slots in which it was the Aura author.
    pub assigned: u32,
    /// Blocks it authored.
    pub authored: u32,
}

impl Performance {
    /// Assigned slots it did not author a block in.
    pub fn missed(&self) -> u32 {
        self.assigned.saturating_sub(self.authored)
    }

    /// Authored over assigned; a validator assigned nothing has full uptime.
    pub fn uptime(&self) -> Perbill {
        if self.assigned == 0 {
            return Perbill::ONE;
        }
        Perbill::from_rational(u128::from(self.authored), u128::from(self.assigned))
    }
}

/// Where a paged job over one validator's stakers stands.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Stage {
    /// The validator's own stake is next.
    SelfStake,
    /// Delegations after this delegator (from the first for `None`) are next.
    Delegations(Option<AccountId32>),
    /// Unbonding chunks of accounts after this one (from the first for `None`) are next.
    Unbonding(Option<AccountId32>),
    /// Stake that delegators after this one (from the first for `None`) redelegated away
    /// in the job's era is next (slashes only).
    Redelegated(Option<AccountId32>),
}

/// What a job does.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum JobKind {
    /// Pays a validator's reward for an era: its commission first, then `to_share` pro
    /// rata to the self-stake and each delegation, measured against `total`; what
    /// rounding leaves goes to the validator.
    Payout {
        /// The validator's whole reward for the era.
        reward: Balance,
        /// The part shared pro rata (the reward less the commission).
        to_share: Balance,
        /// The validator's total stake when the era ended.
        total: Balance,
        /// Paid so far.
        paid: Balance,
        /// Recipients so far.
        recipients: u32,
    },
    /// Burns `fraction` of the validator's self-stake, of every delegation to it and of
    /// the unbonding chunks that left it in or after the job's era.
    Slash {
        /// The share burned.
        fraction: Perbill,
        /// Who reported the offence, paid `reporter_share` of the slash at the end.
        reporter: Option<AccountId32>,
        /// Burned so far.
        slashed: Balance,
    },
}

/// A paged job of an era's end (or of an equivocation report), run in `on_initialize`
/// with bounded work per block. While a validator has a job pending, its stakes cannot
/// change (`JobPending`), so every page sees the stakes of the era.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Job {
    /// The era the job is for.
    pub era: EraIndex,
    /// The validator whose stakers it visits.
    pub validator: AccountId32,
    /// What it does.
    pub kind: JobKind,
    /// Where it stands.
    pub stage: Stage,
}

/// An era's rewards, for accounting.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct EraReward {
    /// The validators' reward pot of the era, remainders of earlier eras included.
    pub pot: Balance,
    /// What was given to validators (the rest carried to the next era).
    pub allotted: Balance,
    /// Blocks authored in the era.
    pub blocks: u32,
}

/// A GRANDPA vote's target: a prevote's or a precommit's (`finality_grandpa::Prevote`
/// and `Precommit` have this encoding).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VoteTarget {
    /// The block voted for.
    pub target_hash: H256,
    /// Its number.
    pub target_number: BlockNumber,
}

/// Two different votes of one kind by one voter in one round
/// (`finality_grandpa::Equivocation`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VoteEquivocation {
    /// The round.
    pub round_number: u64,
    /// The voter's GRANDPA key (ed25519).
    pub identity: [u8; 32],
    /// The first vote and its signature.
    pub first: (VoteTarget, [u8; 64]),
    /// The second vote and its signature.
    pub second: (VoteTarget, [u8; 64]),
}

/// Which kind of vote was cast twice.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum GrandpaEquivocation {
    /// Two prevotes.
    #[codec(index = 0)]
    Prevote(VoteEquivocation),
    /// Two precommits.
    #[codec(index = 1)]
    Precommit(VoteEquivocation),
}

/// The proof of a GRANDPA double vote in authority set `set_id`, encoded as Substrate's
/// `sp_consensus_grandpa::EquivocationProof` (what the node's voter records).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct EquivocationProof {
    /// The authority set the votes were cast in.
    pub set_id: u64,
    /// The two votes.
    pub equivocation: GrandpaEquivocation,
}

impl EquivocationProof {
    /// The voter's GRANDPA key.
    pub fn identity(&self) -> [u8; 32] {
        self.votes().1.identity
    }

    fn votes(&self) -> (u8, &VoteEquivocation) {
        match &self.equivocation {
            GrandpaEquivocation::Prevote(e) => (0, e),
            GrandpaEquivocation::Precommit(e) => (1, e),
        }
    }

    /// The bytes a voter signs for `vote` (`(message, round, set_id)`, the message being
    /// `finality_grandpa::Message` with the vote's kind as its index).
    pub fn signing_payload(&self, vote: &VoteTarget) -> Vec<u8> {
        let (kind, e) = self.votes();
        (kind, vote, e.round_number, self.set_id).encode()
    }

    /// Whether the votes differ and both signatures are the identity's.
    pub fn signatures_hold(&self) -> bool {
        let e = self.votes().1;
        e.first.0 != e.second.0
            && [&e.first, &e.second].iter().all(|(vote, sig)| {
                lattice_support::lattice_io::crypto::ed25519_verify(
                    sig,
                    &self.signing_payload(vote),
                    &e.identity,
                )
            })
    }
}

/// The consensus engine id of Aura in pre-runtime digests and seals.
pub const AURA_ENGINE_ID: [u8; 4] = *b"aura";

/// The proof that an Aura author sealed two different blocks for one slot, encoded as
/// Substrate's `sp_consensus_slots::EquivocationProof<Header, AuthorityId>` (what the
/// node's import records).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct BlockEquivocationProof {
    /// The author's Aura key (sr25519).
    pub offender: [u8; 32],
    /// The slot both blocks claim.
    pub slot: u64,
    /// One sealed header.
    pub first_header: Header,
    /// Another sealed header of the same slot.
    pub second_header: Header,
}

impl BlockEquivocationProof {
    /// Whether the headers differ, both claim `slot` in their Aura pre-digest, and both
    /// end in an Aura seal by `offender` over the header without it.
    pub fn seals_hold(&self) -> bool {
        self.first_header.hash() != self.second_header.hash()
            && [&self.first_header, &self.second_header]
                .iter()
                .all(|h| aura_slot(h) == Some(self.slot) && sealed_by(h, &self.offender))
    }
}

/// The slot of `header`'s Aura pre-runtime digest; `None` without one or with two.
fn aura_slot(header: &Header) -> Option<u64> {
    let mut slots = header.digest.logs.iter().filter_map(|log| match log {
        DigestItem::PreRuntime(id, data) if *id == AURA_ENGINE_ID => Some(data),
        _ => None,
    });
    let data = slots.next()?;
    if slots.next().is_some() {
        return None;
    }
    u64::decode_all(&mut &data[..]).ok()
}

/// Whether the last item of `header`'s digest is an Aura seal by `author` over the hash
/// of the header without that item.
fn sealed_by(header: &Header, author: &[u8; 32]) -> bool {
    let mut unsealed = header.clone();
    let Some(DigestItem::Seal(id, signature)) = unsealed.digest.logs.pop() else {
        return false;
    };
    let Ok(signature) = <[u8; 64]>::try_from(signature.as_slice()) else {
        return false;
    };
    id == AURA_ENGINE_ID
        && lattice_support::lattice_io::crypto::sr25519_verify(
            &signature,
            unsealed.hash().as_bytes(),
            author,
        )
}
