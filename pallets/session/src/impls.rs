//! How sessions rotate, what the pallet offers other pallets ([`ValidatorSet`],
//! [`CurrentSlot`], [`FindSessionAuthor`]) and the pallet's invariants.

use crate::{
    Config, CurrentIndex, Event, KeyOwner, KeyTypeId, NextKeys, Pallet, Period, QueuedKeys,
    SessionKeys, Validators, LOG_TARGET,
};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::marker::PhantomData;
use lattice_support::traits::{
    CurrentSlot, FindAuthor, SessionIndex, SessionManager, ValidatorSet,
};
use lattice_support::{log, AccountId32};

type Aura<T> = pallet_aura::Pallet<T>;
type Grandpa<T> = pallet_grandpa::Pallet<T>;

/// The author of the current block as an account: the owner of the Aura key that authored
/// it. The runtime's `FindAuthor` (fees, rewards) when validators' accounts differ from
/// their keys.
///
/// The Aura author key (`pallet_aura::Pallet::author`) is looked up in the keys in effect
/// ([`QueuedKeys`]) first: that names the right account even after the validator replaced
/// its keys mid-session and another account registered the old ones. Then in
/// [`KeyOwner`] (an Aura set not chosen by this pallet); and for a key nobody registered,
/// the key itself is the account (genesis authorities whose account is their Aura key).
/// `None` without an author (no slot digest).
pub struct FindSessionAuthor<T>(PhantomData<T>);

impl<T: Config> FindAuthor for FindSessionAuthor<T> {
    fn find_author() -> Option<AccountId32> {
        let key = Aura::<T>::author()?;
        let in_effect = QueuedKeys::get().into_iter().find(|(_, keys)| keys.aura.0 == key.0);
        if let Some((who, _)) = in_effect {
            return Some(who);
        }
        Some(Pallet::<T>::key_owner(KeyTypeId::AURA, &key.0).unwrap_or(key))
    }
}

impl<T: Config> ValidatorSet for Pallet<T> {
    fn session_index() -> SessionIndex {
        CurrentIndex::get()
    }

    fn validators() -> Vec<AccountId32> {
        Validators::get()
    }

    fn has_keys(who: &AccountId32) -> bool {
        NextKeys::contains_key(who)
    }
}

/// Aura's slot, so that a runtime can name this pallet for both of staking's needs.
impl<T: Config> CurrentSlot for Pallet<T> {
    fn current_slot() -> u64 {
        Aura::<T>::current_slot().0
    }
}

impl<T: Config> Pallet<T> {
    /// Ends the current session and starts the next (see the crate docs, "Lifecycle of a
    /// rotation").
    pub(crate) fn rotate_session() {
        let ending = CurrentIndex::get();
        T::SessionManager::end_session(ending);
        let index = ending.saturating_add(1);
        CurrentIndex::put(&index);
        let candidates = T::SessionManager::new_session(index);
        Self::enact_validators(candidates);
        T::SessionManager::start_session(index);
        Self::deposit_event(Event::NewSession { session_index: index });
    }

    /// Hands the keys of `candidates` (the current validators for `None`) to GRANDPA and
    /// Aura if they differ from the keys in effect; both or neither.
    fn enact_validators(candidates: Option<Vec<AccountId32>>) {
        let current = QueuedKeys::get();
        let accounts = match candidates {
            Some(accounts) => accounts,
            // Keep the validators, but take up keys they replaced during the session (and
            // drop those that purged theirs), as Substrate does.
            None => current.iter().map(|(who, _)| *who).collect(),
        };
        let next = Self::with_keys(accounts);
        if next.is_empty() {
            log!(Warn, LOG_TARGET, "no candidate has session keys: the validators stay");
            return;
        }
        let changed = next != current;
        if Grandpa::<T>::pending_change().is_some() {
            if changed {
                log!(
                    Warn,
                    LOG_TARGET,
                    "GRANDPA has a change pending: the validators stay another session"
                );
            }
            return;
        }
        let grandpa = next.iter().map(|(_, keys)| (keys.grandpa, 1)).collect();
        // Schedules a standard change when the set changed, a forced one when governance
        // noted a stall (even for an unchanged set), or nothing.
        Grandpa::<T>::on_new_session(changed, grandpa);
        if !changed {
            return;
        }
        if Grandpa::<T>::pending_change().is_none() {
            // GRANDPA logged why; Aura must not get a set GRANDPA does not have.
            log!(Warn, LOG_TARGET, "GRANDPA refused the new set: the validators stay");
            return;
        }
        Aura::<T>::change_authorities(next.iter().map(|(_, keys)| keys.aura).collect());
        Validators::put(&next.iter().map(|(who, _)| *who).collect());
        QueuedKeys::put(&next);
    }

    /// `accounts` with their registered keys, in order: without those that have no keys
    /// (logged) or appear a second time, and at most [`Pallet::max_validators`] (the
    /// candidates after the last one taken are left out, logged once). Stops reading keys
    /// once the set is full, so a long candidate list costs no more than its first entries.
    fn with_keys(accounts: Vec<AccountId32>) -> Vec<(AccountId32, SessionKeys)> {
        let max = Self::max_validators() as usize;
        let total = accounts.len();
        let mut seen = BTreeSet::new();
        let mut next = Vec::new();
        for (position, who) in accounts.into_iter().enumerate() {
            if next.len() == max {
                log!(
                    Warn,
                    LOG_TARGET,
                    "the set is full ({} validators): {} more candidates left out",
                    max,
                    total - position
                );
                break;
            }
            if !seen.insert(who) {
                continue;
            }
            match NextKeys::get(&who) {
                Some(keys) => next.push((who, keys)),
                None => log!(Warn, LOG_TARGET, "{:?} has no session keys: left out", who),
            }
        }
        next
    }

    /// Checks the pallet's invariants:
    ///
    /// 1. the period is greater than zero;
    /// 2. there are validators, at most [`Pallet::max_validators`], none twice;
    /// 3. [`QueuedKeys`] holds keys for exactly the [`Validators`], in order;
    /// 4. Aura's authorities are the validators' Aura keys in effect, in order;
    /// 5. GRANDPA's set (the pending change's, while one is pending) is the validators'
    ///    GRANDPA keys in effect, in order, each with weight 1;
    /// 6. [`KeyOwner`] is the inverse of [`NextKeys`]: each registered key is owned by the
    ///    account that registered it, and each owned key is registered by its owner;
    /// 7. every account with registered keys exists and holds a consumer reference.
    ///
    /// 3 to 5 hold between blocks and during a block alike: a rotation changes the three
    /// in the same `on_finalize`.
    pub fn do_try_state() -> Result<(), &'static str> {
        if Period::get() == 0 {
            return Err("Session: the period is zero");
        }
        let validators = Validators::get();
        if validators.is_empty() {
            return Err("Session: there are no validators");
        }
        if validators.len() > Self::max_validators() as usize {
            return Err("Session: more validators than Aura or GRANDPA allow");
        }
        if validators.iter().collect::<BTreeSet<_>>().len() != validators.len() {
            return Err("Session: a validator appears twice");
        }
        let queued = QueuedKeys::get();
        if !queued.iter().map(|(who, _)| who).eq(validators.iter()) {
            return Err("Session: the keys in effect are not the validators' ones");
        }
        if !queued.iter().map(|(_, keys)| keys.aura).eq(Aura::<T>::authorities()) {
            return Err("Session: Aura's authorities are not the validators' Aura keys");
        }
        let grandpa = match Grandpa::<T>::pending_change() {
            Some(pending) => pending.next_authorities,
            None => Grandpa::<T>::grandpa_authorities(),
        };
        if !queued.iter().map(|(_, keys)| (keys.grandpa, 1)).eq(grandpa) {
            return Err("Session: GRANDPA's set is not the validators' GRANDPA keys");
        }
        for (who, keys) in NextKeys::iter() {
            for id in keys.key_ids() {
                if KeyOwner::get(&id) != Some(who) {
                    return Err("Session: a registered key is not owned by its account");
                }
            }
            let info = pallet_system::Account::<T>::get(&who);
            if !pallet_system::Pallet::<T>::account_exists(&who) || info.consumers == 0 {
                return Err("Session: an account with keys has no consumer reference");
            }
        }
        for ((key_type, raw), who) in KeyOwner::iter() {
            let keys = NextKeys::get(&who);
            if keys.as_ref().and_then(|k| k.get_raw(key_type)) != Some(raw.as_slice()) {
                return Err("Session: an owned key is not registered by its owner");
            }
        }
        Ok(())
    }
}
