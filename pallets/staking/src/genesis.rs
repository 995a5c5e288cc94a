//! The genesis state of staking: the parameters, the first validators and delegations.

use crate::{
    ActiveSet, Config, Delegations, DelegatorTargets, NextRelease, Params, StakingParams,
    Validator, ValidatorMetadata, ValidatorStatus, Validators,
};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use lattice_support::arithmetic::Perbill;
use lattice_support::traits::Currency;
use lattice_support::{AccountId32, Balance};

/// The genesis state of the staking pallet.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GenesisConfig {
    /// The economic parameters.
    pub params: StakingParams,
    /// The first validators: account, self-stake, commission. They form the first
    /// active set (the session pallet's genesis must name the same accounts).
    pub validators: Vec<(AccountId32, Balance, Perbill)>,
    /// The first delegations: delegator, validator, amount.
    pub delegations: Vec<(AccountId32, AccountId32, Balance)>,
}

impl Default for GenesisConfig {
    fn default() -> Self {
        Self { params: StakingParams::defaults(1), validators: Vec::new(), delegations: Vec::new() }
    }
}

impl GenesisConfig {
    /// Writes the genesis state, reserving every stake from its owner's free balance
    /// (so balances' genesis comes first). Refuses invalid parameters, a validator
    /// twice, a stake below the minimum, a commission above the maximum, more than
    /// `max_validators`, a delegation to an unknown validator, to itself, twice, below
    /// the minimum or beyond the per-delegator and per-validator limits, and funds
    /// that are not there. The stake cap per validator is not applied at genesis.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        let p = &self.params;
        if let Some(problem) = p.problem() {
            return Err(problem);
        }
        if self.validators.len() > p.max_validators as usize
            || self.validators.len() > T::MAX_CANDIDATES as usize
        {
            return Err("Staking genesis: more validators than max_validators");
        }
        let mut seen = BTreeSet::new();
        for (who, stake, commission) in &self.validators {
            if !seen.insert(*who) {
                return Err("Staking genesis: a validator is listed twice");
            }
            if *stake < p.min_validator_stake {
                return Err("Staking genesis: a validator's stake is below min_validator_stake");
            }
            if *commission > p.max_commission {
                return Err("Staking genesis: a commission is above max_commission");
            }
        }
        let mut pairs = BTreeSet::new();
        for (delegator, validator, amount) in &self.delegations {
            if !seen.contains(validator) {
                return Err("Staking genesis: a delegation to an unknown validator");
            }
            if delegator == validator {
                return Err("Staking genesis: a validator delegates to itself");
            }
            if !pairs.insert((*delegator, *validator)) {
                return Err("Staking genesis: a delegation is listed twice");
            }
            if *amount < p.min_delegation {
                return Err("Staking genesis: a delegation is below min_delegation");
            }
        }
        let per_delegator = |d: &AccountId32| pairs.iter().filter(|(x, _)| x == d).count();
        let per_validator = |v: &AccountId32| pairs.iter().filter(|(_, x)| x == v).count();
        if pairs.iter().any(|(d, v)| {
            per_delegator(d) > p.max_delegations_per_delegator as usize
                || per_validator(v) > T::MAX_DELEGATORS_PER_VALIDATOR as usize
        }) {
            return Err("Staking genesis: too many delegations of an account or to a validator");
        }
        // The funds: everything an account stakes must be free.
        let mut needed: alloc::collections::BTreeMap<AccountId32, Balance> = Default::default();
        for (who, stake, _) in &self.validators {
            *needed.entry(*who).or_default() += stake;
        }
        for (delegator, _, amount) in &self.delegations {
            *needed.entry(*delegator).or_default() += amount;
        }
        if needed.iter().any(|(who, n)| T::Currency::free_balance(who) < *n) {
            return Err("Staking genesis: an account does not have the funds it stakes");
        }

        Params::put(p);
        NextRelease::put(&1);
        for (who, stake, commission) in &self.validators {
            T::Currency::reserve(who, *stake).map_err(|_| "Staking genesis: reserve failed")?;
            Validators::insert(
                who,
                &Validator {
                    self_stake: *stake,
                    delegated: 0,
                    delegators: 0,
                    commission: *commission,
                    commission_baseline: (0, *commission),
                    metadata: ValidatorMetadata::default(),
                    status: ValidatorStatus::Active,
                    jailed_until: None,
                    offences: 0,
                    tombstoned: false,
                },
            );
        }
        for (delegator, validator, amount) in &self.delegations {
            T::Currency::reserve(delegator, *amount)
                .map_err(|_| "Staking genesis: reserve failed")?;
            Delegations::insert(validator, delegator, amount);
            DelegatorTargets::mutate(delegator, |t| t.push(*validator));
            Validators::mutate(validator, |v| {
                if let Some(v) = v {
                    v.delegated += amount;
                    v.delegators += 1;
                }
            });
        }
        let mut active: Vec<AccountId32> = self.validators.iter().map(|(v, _, _)| *v).collect();
        active.sort();
        ActiveSet::put(&active);
        Ok(())
    }
}
