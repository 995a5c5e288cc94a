//! The genesis state of the session pallet.

use crate::{Config, KeyOwner, NextKeys, Pallet, Period, QueuedKeys, SessionKeys, Validators};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use lattice_support::storage::with_transaction;
use lattice_support::{AccountId32, BlockNumber};

/// The genesis state of the session pallet: the session length and the first validators
/// with their keys.
///
/// It does not build Aura's or GRANDPA's genesis: the runtime builds them from
/// [`aura_authorities`](Self::aura_authorities) and
/// [`grandpa_authorities`](Self::grandpa_authorities), so that the three agree (the
/// pallet's invariants check it).
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct GenesisConfig {
    /// The length of a session in blocks; greater than zero.
    pub period: BlockNumber,
    /// The first validators, in turn order, with their session keys.
    pub keys: Vec<(AccountId32, SessionKeys)>,
}

impl GenesisConfig {
    /// Writes the genesis state: each validator's keys (with the consumer reference
    /// `set_keys` would take), the validators in the given order, the period.
    ///
    /// Refuses, writing nothing (a chain spec is outside input), a zero period, no
    /// validators, more than [`Pallet::max_validators`], an account or a key listed twice,
    /// an account that does not exist (build the balances genesis first), and a second
    /// build.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        if self.period == 0 {
            return Err("Session genesis: the period must be greater than zero");
        }
        if self.keys.is_empty() {
            return Err("Session genesis: at least one validator is needed");
        }
        if self.keys.len() > Pallet::<T>::max_validators() as usize {
            return Err("Session genesis: more validators than Aura or GRANDPA allow");
        }
        let mut accounts = BTreeSet::new();
        let mut key_ids = BTreeSet::new();
        for (who, keys) in &self.keys {
            if !accounts.insert(*who) {
                return Err("Session genesis: a validator appears twice");
            }
            for id in keys.key_ids() {
                if KeyOwner::contains_key(&id) || !key_ids.insert(id) {
                    return Err("Session genesis: a session key appears twice");
                }
            }
            if !Pallet::<T>::can_hold_keys(who) {
                return Err("Session genesis: a validator's account does not exist (build the \
                            balances genesis first)");
            }
        }
        if Validators::exists() || Period::exists() {
            return Err("Session genesis: validators are already initialized");
        }
        with_transaction(|| {
            for (who, keys) in &self.keys {
                pallet_system::Pallet::<T>::inc_consumers(who)
                    .map_err(|_| "Session genesis: a validator's account does not exist")?;
                NextKeys::insert(who, keys);
                for id in keys.key_ids() {
                    KeyOwner::insert(&id, who);
                }
            }
            Validators::put(&self.keys.iter().map(|(who, _)| *who).collect());
            QueuedKeys::put(&self.keys);
            Period::put(&self.period);
            Ok(())
        })
    }

    /// The Aura genesis authorities: the validators' Aura keys, in order.
    pub fn aura_authorities(&self) -> Vec<pallet_aura::AuthorityId> {
        self.keys.iter().map(|(_, keys)| keys.aura).collect()
    }

    /// The GRANDPA genesis authorities: the validators' GRANDPA keys, in order, each with
    /// weight 1.
    pub fn grandpa_authorities(&self) -> pallet_grandpa::AuthorityList {
        self.keys.iter().map(|(_, keys)| (keys.grandpa, 1)).collect()
    }
}
