//! How balances change: the one function every mutation goes through (account creation,
//! reaping, reference counts), the [`Currency`] implementation, freezes, genesis and the
//! pallet's invariants.

use crate::{
    AccountData, Burned, Config, Error, Event, ExtraFlags, Freezes, GenesisIssuance, IdAmount,
    Minted, Pallet, TotalIssuance,
};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use lattice_support::lattice_primitives::ArithmeticError;
use lattice_support::storage::with_transaction;
use lattice_support::traits::{Currency, Existence};
use lattice_support::{ensure, AccountId32, Balance, DispatchError, DispatchResult};
use pallet_system::Pallet as System;

impl<T: Config> Pallet<T> {
    /// The existential deposit, at least one: an account with nothing is never stored.
    pub(crate) fn ed() -> Balance {
        T::EXISTENTIAL_DEPOSIT.max(1)
    }

    /// Whether an account with balances `a` and these reference counts may be reaped:
    /// nothing reserved or frozen (those funds would be lost) and no consumer left that
    /// depends on this pallet's provider reference.
    pub(crate) fn can_be_reaped(a: &AccountData, consumers: u32, providers: u32) -> bool {
        a.reserved == 0 && a.frozen == 0 && (consumers == 0 || providers > 1)
    }

    /// `LiquidityRestrictions` unless the total of `a` still covers its frozen amount.
    pub(crate) fn ensure_liquid(a: &AccountData) -> DispatchResult {
        ensure!(a.total() >= a.frozen, Self::error(Error::LiquidityRestrictions));
        Ok(())
    }

    /// Applies `f` to the balances of `who`, then enforces the account rules and stores
    /// the result. Nothing is written when `f` or a rule fails.
    ///
    /// - A new total of at least the ED creates the account if needed (a provider
    ///   reference, `Endowed`) and stores it.
    /// - A total below the ED for an account that does not exist fails with
    ///   `ExistentialDeposit` (zero is fine and stores nothing).
    /// - A total below the ED for an existing account reaps it, unless `existence` is
    ///   `KeepAlive` or it cannot be reaped (`Expendability`): the dust is burned from the
    ///   issuance (`DustLost`) and the provider reference dropped (`KilledAccount`).
    /// - The account holds a consumer reference while it has reserved or frozen funds.
    ///
    /// The caller adjusts the total issuance for what `f` created or destroyed; dust is
    /// accounted here.
    pub(crate) fn mutate_account<R>(
        who: &AccountId32,
        existence: Existence,
        f: impl FnOnce(&mut AccountData) -> Result<R, DispatchError>,
    ) -> Result<R, DispatchError> {
        let info = pallet_system::Account::<T>::get(who);
        let old = info.data;
        let existed = old.total() > 0;
        let mut new = old;
        let result = f(&mut new)?;
        let total = new.free.checked_add(new.reserved).ok_or(ArithmeticError::Overflow)?;
        let did_consume = existed && (old.reserved > 0 || old.frozen > 0);
        let does_consume = new.reserved > 0 || new.frozen > 0;

        if total >= Self::ed() {
            if !existed {
                System::<T>::inc_providers(who);
            }
            if does_consume && !did_consume {
                // Cannot fail: the account has this pallet's provider reference.
                System::<T>::inc_consumers(who)?;
            } else if did_consume && !does_consume {
                System::<T>::dec_consumers(who);
            }
            new.flags = ExtraFlags(new.flags.0 | ExtraFlags::NEW_LOGIC.0);
            System::<T>::set_account_data(who, new);
            if !existed {
                Self::deposit_event(Event::Endowed { account: *who, free_balance: new.free });
            }
            return Ok(result);
        }

        if !existed {
            ensure!(total == 0 && new.frozen == 0, Self::error(Error::ExistentialDeposit));
            return Ok(result);
        }

        // The account falls below the existential deposit: reap it, if allowed.
        ensure!(existence == Existence::AllowDeath, Self::error(Error::Expendability));
        let consumers_after = info.consumers.saturating_sub(u32::from(did_consume));
        ensure!(
            Self::can_be_reaped(&new, consumers_after, info.providers),
            Self::error(Error::Expendability)
        );
        if did_consume {
            System::<T>::dec_consumers(who);
        }
        System::<T>::set_account_data(who, AccountData::default());
        System::<T>::dec_providers(who)?;
        let dust = new.free;
        if dust > 0 {
            Self::burn_from_issuance(dust);
            Self::deposit_event(Event::DustLost { account: *who, amount: dust });
        }
        Ok(result)
    }

    /// Moves `value` of free balance from `from` to `to`; atomic (a failure leaves
    /// nothing changed). A transfer to oneself only checks that the funds are there.
    pub(crate) fn do_transfer(
        from: &AccountId32,
        to: &AccountId32,
        value: Balance,
        existence: Existence,
    ) -> DispatchResult {
        if from == to {
            let a = Self::account(from);
            ensure!(a.free >= value, Self::error(Error::InsufficientBalance));
            ensure!(a.liquid() >= value, Self::error(Error::LiquidityRestrictions));
            return Ok(());
        }
        with_transaction(|| {
            Self::mutate_account(from, existence, |a| {
                a.free =
                    a.free.checked_sub(value).ok_or(Self::error(Error::InsufficientBalance))?;
                Self::ensure_liquid(a)
            })?;
            Self::mutate_account(to, Existence::AllowDeath, |a| {
                a.free = a.free.checked_add(value).ok_or(ArithmeticError::Overflow)?;
                Ok(())
            })?;
            Self::deposit_event(Event::Transfer { from: *from, to: *to, amount: value });
            Ok(())
        })
    }

    /// Removes `value` from the free balance of `who` and from the issuance.
    pub(crate) fn do_withdraw(
        who: &AccountId32,
        value: Balance,
        existence: Existence,
    ) -> DispatchResult {
        Self::mutate_account(who, existence, |a| {
            a.free = a.free.checked_sub(value).ok_or(Self::error(Error::InsufficientBalance))?;
            Self::ensure_liquid(a)
        })?;
        Self::burn_from_issuance(value);
        Ok(())
    }

    /// Lowers the total issuance by `amount` and counts it in [`Burned`].
    pub(crate) fn burn_from_issuance(amount: Balance) {
        TotalIssuance::mutate(|i| *i = i.saturating_sub(amount));
        Burned::mutate(|b| *b = b.saturating_add(amount));
    }

    /// Raises the total issuance by `amount` and counts it in [`Minted`].
    pub(crate) fn mint_into_issuance(amount: Balance) {
        TotalIssuance::mutate(|i| *i = i.saturating_add(amount));
        Minted::mutate(|m| *m = m.saturating_add(amount));
    }

    /// Moves up to `amount` from reserved to free; returns what could not be moved.
    pub(crate) fn do_unreserve(who: &AccountId32, amount: Balance) -> Balance {
        if amount == 0 {
            return 0;
        }
        let moved = Self::mutate_account(who, Existence::AllowDeath, |a| {
            let actual = amount.min(a.reserved);
            a.reserved = a.reserved.saturating_sub(actual);
            a.free = a.free.checked_add(actual).ok_or(ArithmeticError::Overflow)?;
            Ok(actual)
        });
        match moved {
            Ok(0) => amount,
            Ok(actual) => {
                Self::deposit_event(Event::Unreserved { who: *who, amount: actual });
                amount.saturating_sub(actual)
            }
            // Cannot happen: the total does not change, so the account is neither created
            // nor reaped.
            Err(_) => amount,
        }
    }

    /// Stores `freezes` for `who` and sets its frozen amount to the largest of them.
    pub(crate) fn update_freezes(who: &AccountId32, freezes: Vec<IdAmount>) -> DispatchResult {
        let frozen = freezes.iter().map(|f| f.amount).max().unwrap_or(0);
        let before = Self::mutate_account(who, Existence::AllowDeath, |a| {
            let before = a.frozen;
            a.frozen = frozen;
            Self::ensure_liquid(a)?;
            Ok(before)
        })?;
        if freezes.is_empty() {
            Freezes::remove(who);
        } else {
            Freezes::insert(who, &freezes);
        }
        if frozen > before {
            Self::deposit_event(Event::Frozen { who: *who, amount: frozen - before });
        } else if frozen < before {
            Self::deposit_event(Event::Thawed { who: *who, amount: before - frozen });
        }
        Ok(())
    }

    /// Checks the pallet's invariants:
    ///
    /// 1. the total issuance equals the sum of free plus reserved over all accounts;
    /// 2. every account's frozen amount is at most its total;
    /// 3. every stored account with balance holds at least the existential deposit;
    /// 4. an account with reserved or frozen funds has a consumer reference;
    /// 5. an account's frozen amount is the largest of its freezes, which are at most
    ///    `MAX_FREEZES` and never stored empty;
    /// 6. the inactive issuance is at most the total issuance;
    /// 7. the total issuance equals the genesis issuance plus everything minted since,
    ///    minus everything burned since.
    pub fn do_try_state() -> Result<(), &'static str> {
        let mut sum: Balance = 0;
        for (who, info) in pallet_system::Account::<T>::iter() {
            let a = info.data;
            let total = a.free.checked_add(a.reserved).ok_or("an account's total overflows")?;
            sum = sum.checked_add(total).ok_or("the sum of all balances overflows")?;
            if a.frozen > total {
                return Err("an account's frozen amount exceeds its total");
            }
            if total > 0 && total < Self::ed() {
                return Err("an account below the existential deposit is stored");
            }
            if (a.reserved > 0 || a.frozen > 0) && info.consumers == 0 {
                return Err("an account with reserved or frozen funds has no consumer");
            }
            let max_freeze = Freezes::get(&who).iter().map(|f| f.amount).max().unwrap_or(0);
            if a.frozen != max_freeze {
                return Err("an account's frozen amount is not its largest freeze");
            }
        }
        if sum != TotalIssuance::get() {
            return Err("total issuance is not the sum of all balances");
        }
        let accounted = GenesisIssuance::get()
            .checked_add(Minted::get())
            .and_then(|i| i.checked_sub(Burned::get()));
        if accounted != Some(TotalIssuance::get()) {
            return Err("total issuance is not genesis issuance plus minted minus burned");
        }
        for (who, freezes) in Freezes::iter() {
            if freezes.is_empty() || freezes.len() > T::MAX_FREEZES as usize {
                return Err("an account has an empty or oversized list of freezes");
            }
            if Self::account(&who).frozen == 0 {
                return Err("freezes are stored for an account with nothing frozen");
            }
        }
        if crate::InactiveIssuance::get() > TotalIssuance::get() {
            return Err("inactive issuance exceeds total issuance");
        }
        Ok(())
    }
}

impl<T: Config> Currency for Pallet<T> {
    fn minimum_balance() -> Balance {
        Self::ed()
    }

    fn total_issuance() -> Balance {
        TotalIssuance::get()
    }

    fn free_balance(who: &AccountId32) -> Balance {
        Self::account(who).free
    }

    fn reserved_balance(who: &AccountId32) -> Balance {
        Self::account(who).reserved
    }

    /// Emits `Withdraw` (nothing for zero).
    fn withdraw(who: &AccountId32, amount: Balance, existence: Existence) -> DispatchResult {
        if amount == 0 {
            return Ok(());
        }
        Self::do_withdraw(who, amount, existence)?;
        Self::deposit_event(Event::Withdraw { who: *who, amount });
        Ok(())
    }

    /// Emits `Deposit` (and `Endowed` for a new account). Deposits nothing, returning
    /// zero, when the account does not exist and `amount` is below the existential
    /// deposit, or when the issuance would overflow.
    fn deposit(who: &AccountId32, amount: Balance) -> Balance {
        if amount == 0 {
            return 0;
        }
        let Some(issuance) = TotalIssuance::get().checked_add(amount) else {
            return 0;
        };
        let deposited = Self::mutate_account(who, Existence::AllowDeath, |a| {
            a.free = a.free.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
            Ok(())
        });
        if deposited.is_err() {
            return 0;
        }
        TotalIssuance::put(&issuance);
        Minted::mutate(|m| *m = m.saturating_add(amount));
        Self::deposit_event(Event::Deposit { who: *who, amount });
        amount
    }

    /// Emits `Transfer`; see the `transfer_*` calls for the rules.
    fn transfer(
        from: &AccountId32,
        to: &AccountId32,
        amount: Balance,
        existence: Existence,
    ) -> DispatchResult {
        Self::do_transfer(from, to, amount, existence)
    }

    /// Moves `amount` from free to reserved (`InsufficientBalance` when free is
    /// smaller); emits `Reserved`. Freezes do not prevent it: they apply to the total,
    /// which does not change.
    fn reserve(who: &AccountId32, amount: Balance) -> DispatchResult {
        if amount == 0 {
            return Ok(());
        }
        Self::mutate_account(who, Existence::AllowDeath, |a| {
            a.free = a.free.checked_sub(amount).ok_or(Self::error(Error::InsufficientBalance))?;
            a.reserved = a.reserved.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
            Ok(())
        })?;
        Self::deposit_event(Event::Reserved { who: *who, amount });
        Ok(())
    }

    /// Emits `Unreserved` with the amount actually moved.
    fn unreserve(who: &AccountId32, amount: Balance) -> Balance {
        Self::do_unreserve(who, amount)
    }

    /// Emits `Slashed` with the amount actually burned. An account left with less than
    /// the existential deposit is reaped (its dust burned too).
    fn slash_reserved(who: &AccountId32, amount: Balance) -> Balance {
        if amount == 0 {
            return 0;
        }
        let slashed = Self::mutate_account(who, Existence::AllowDeath, |a| {
            let actual = amount.min(a.reserved);
            a.reserved = a.reserved.saturating_sub(actual);
            // A slash may take the total below a freeze: the frozen amount follows it
            // down rather than making the slash fail.
            a.frozen = a.frozen.min(a.total());
            Ok(actual)
        });
        match slashed {
            Ok(0) => amount,
            Ok(actual) => {
                Self::burn_from_issuance(actual);
                Self::deposit_event(Event::Slashed { who: *who, amount: actual });
                amount.saturating_sub(actual)
            }
            // Reaping can fail only for an account with other consumers; then nothing
            // was slashed.
            Err(_) => amount,
        }
    }
}

/// The balances at genesis.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct GenesisConfig {
    /// Each account and its free balance.
    pub balances: Vec<(AccountId32, Balance)>,
}

impl GenesisConfig {
    /// Endows every account (a provider reference and its free balance) and sets the
    /// total issuance. Refuses, before writing anything, a zero existential deposit, an
    /// account listed twice or already endowed, a balance below the existential deposit
    /// and an issuance that overflows.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        if T::EXISTENTIAL_DEPOSIT == 0 {
            return Err("the existential deposit must be greater than zero");
        }
        let mut seen = BTreeSet::new();
        let mut issuance = TotalIssuance::get();
        for (who, free) in &self.balances {
            if *free < T::EXISTENTIAL_DEPOSIT {
                return Err("the balance of any account should always be at least the \
                            existential deposit");
            }
            if !seen.insert(*who) || Pallet::<T>::total_balance(who) > 0 {
                return Err("duplicate balances in genesis");
            }
            issuance = issuance.checked_add(*free).ok_or("the total issuance overflows")?;
        }
        for (who, free) in &self.balances {
            System::<T>::inc_providers(who);
            System::<T>::set_account_data(
                who,
                AccountData { free: *free, flags: ExtraFlags::NEW_LOGIC, ..Default::default() },
            );
        }
        TotalIssuance::put(&issuance);
        GenesisIssuance::put(&issuance);
        Ok(())
    }
}
