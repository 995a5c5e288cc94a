//! # Balances pallet
//!
//! The chain's native currency: free and reserved balances per account, freezes, the
//! existential deposit and the total issuance. Balances live in `System.Account` as
//! [`AccountData`] (Substrate's layout), so clients read them where they expect them.
//!
//! ## Terminology
//!
//! - **Existential deposit (ED)**: the smallest total (free + reserved) an account may
//!   hold. An account whose total falls below it is *reaped*: what is left (the *dust*)
//!   is burned from the issuance (`DustLost`) and `System` removes the account
//!   (`KilledAccount`). A transfer that would create an account below the ED fails with
//!   [`Error::ExistentialDeposit`]; the keep-alive variants refuse to reap the sender
//!   ([`Error::Expendability`]).
//! - **Provider reference**: the pallet holds one on every account whose total is at
//!   least the ED; that is what makes the account exist in `System`.
//! - **Reserved**: funds set aside by other pallets through
//!   [`Currency`](lattice_support::traits::Currency) (deposits). They still count in the
//!   total but cannot be spent; the account keeps a consumer reference while it has any,
//!   so it cannot be reaped with reserved funds in it.
//! - **Freezes**: each pallet may freeze part of an account's total under an 8-byte id
//!   ([`Pallet::set_freeze`]); `frozen` is the largest freeze. Transfers and withdrawals
//!   cannot take the total below it ([`Error::LiquidityRestrictions`]); reserved funds
//!   count towards it, as in Substrate.
//! - **Total issuance**: the sum of every account's total, tracked exactly: deposits,
//!   withdrawals, burns, dust and `force_set_balance` all adjust it.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::traits::Currency;
//! # use lattice_support::AccountId32;
//! # use pallet_balances::AccountData;
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event), Balances(pallet_balances::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Balances(pallet_balances::Event)
//! # });
//! // Balances live in `System.Account`: the system pallet holds `AccountData`.
//! pallet_system::impl_test_config!(Runtime, RuntimeEvent, AccountData);
//! impl pallet_balances::Config for Runtime {
//!     const PALLET_INDEX: u8 = 5;
//!     const EXISTENTIAL_DEPOSIT: u128 = 10;
//!     const MAX_FREEZES: u32 = 2;
//! }
//!
//! let (alice, bob) = (AccountId32([1; 32]), AccountId32([2; 32]));
//! TestExternalities::default().execute_with(|| {
//!     // Genesis: endow two accounts.
//!     pallet_balances::GenesisConfig { balances: vec![(alice, 1_000), (bob, 500)] }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     // A pallet charging a deposit through the `Currency` trait.
//!     <pallet_balances::Pallet<Runtime> as Currency>::reserve(&alice, 100).expect("free");
//!     assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(&alice), 900);
//!     assert_eq!(pallet_balances::Pallet::<Runtime>::reserved_balance(&alice), 100);
//! });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use impls::GenesisConfig;
pub use types::{AccountData, ExtraFlags, IdAmount};

use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    ensure_root, ensure_signed, module_error, normal, DispatchInfo, Dispatchable, GetDispatchInfo,
    Origin,
};
use lattice_support::lattice_primitives::Address;
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{Blake2_128Concat, StorageMap, StorageValue, ValueQuery};
use lattice_support::traits::{Existence, Hooks};
use lattice_support::{
    storage_prefix, AccountId32, Balance, BlockNumber, DispatchError, DispatchResult,
};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Balances";

/// Parameters of the balances pallet.
pub trait Config:
    pallet_system::Config<RuntimeEvent: From<Event>, AccountData = AccountData>
{
    /// Index of the pallet in the runtime (its calls, events and errors carry it).
    const PALLET_INDEX: u8;
    /// The smallest total balance an account may hold. Must be greater than zero (genesis
    /// refuses zero); accounts below it are reaped.
    const EXISTENTIAL_DEPOSIT: Balance;
    /// The most freezes one account may have at once.
    const MAX_FREEZES: u32;
}

storage_prefix!(pub struct TotalIssuancePrefix = PALLET, "TotalIssuance";);
storage_prefix!(pub struct InactiveIssuancePrefix = PALLET, "InactiveIssuance";);
storage_prefix!(pub struct FreezesPrefix = PALLET, "Freezes";);
storage_prefix!(pub struct GenesisIssuancePrefix = PALLET, "GenesisIssuance";);
storage_prefix!(pub struct MintedPrefix = PALLET, "Minted";);
storage_prefix!(pub struct BurnedPrefix = PALLET, "Burned";);

/// The total units issued: the sum of every account's free and reserved balance.
pub type TotalIssuance = StorageValue<TotalIssuancePrefix, Balance, ValueQuery>;
/// The part of the issuance deactivated (excluded from governance turnout). Nothing in
/// Lattice deactivates funds yet, so it stays zero; kept for client compatibility.
pub type InactiveIssuance = StorageValue<InactiveIssuancePrefix, Balance, ValueQuery>;
/// The freezes of each account, at most `MAX_FREEZES`; absent when there are none.
/// Blake2 because anyone can choose account ids.
pub type Freezes =
    StorageMap<FreezesPrefix, Blake2_128Concat, AccountId32, Vec<IdAmount>, ValueQuery>;

/// The total issuance when genesis was built.
pub type GenesisIssuance = StorageValue<GenesisIssuancePrefix, Balance, ValueQuery>;
/// Every unit created since genesis: deposits (rewards, fee payouts), `force_set_balance`
/// raises. With [`Burned`], `TotalIssuance = GenesisIssuance + Minted - Burned` always.
pub type Minted = StorageValue<MintedPrefix, Balance, ValueQuery>;
/// Every unit destroyed since genesis: withdrawals (fees), burns, slashes, dust and
/// `force_set_balance` cuts.
pub type Burned = StorageValue<BurnedPrefix, Balance, ValueQuery>;

/// Events of the balances pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An account was created with some free balance.
    #[codec(index = 0)]
    Endowed {
        /// The account.
        account: AccountId32,
        /// Its free balance when created.
        free_balance: Balance,
    },
    /// An account was removed whose balance was non-zero but below the existential
    /// deposit; the rest was burned.
    #[codec(index = 1)]
    DustLost {
        /// The account.
        account: AccountId32,
        /// The amount burned.
        amount: Balance,
    },
    /// Transfer succeeded.
    #[codec(index = 2)]
    Transfer {
        /// The sender.
        from: AccountId32,
        /// The receiver.
        to: AccountId32,
        /// The amount moved.
        amount: Balance,
    },
    /// A balance was set by root.
    #[codec(index = 3)]
    BalanceSet {
        /// The account.
        who: AccountId32,
        /// Its new free balance.
        free: Balance,
    },
    /// Some balance was reserved (moved from free to reserved).
    #[codec(index = 4)]
    Reserved {
        /// The account.
        who: AccountId32,
        /// The amount reserved.
        amount: Balance,
    },
    /// Some balance was unreserved (moved from reserved to free).
    #[codec(index = 5)]
    Unreserved {
        /// The account.
        who: AccountId32,
        /// The amount unreserved.
        amount: Balance,
    },
    /// Some amount was deposited (e.g. for transaction fees).
    #[codec(index = 7)]
    Deposit {
        /// The account.
        who: AccountId32,
        /// The amount deposited.
        amount: Balance,
    },
    /// Some amount was withdrawn from the account (e.g. for transaction fees).
    #[codec(index = 8)]
    Withdraw {
        /// The account.
        who: AccountId32,
        /// The amount withdrawn.
        amount: Balance,
    },
    /// Some amount was removed from the account's reserved balance as a penalty, and
    /// burned.
    #[codec(index = 9)]
    Slashed {
        /// The account.
        who: AccountId32,
        /// The amount burned.
        amount: Balance,
    },
    /// Some amount was burned from an account.
    #[codec(index = 11)]
    Burned {
        /// The account.
        who: AccountId32,
        /// The amount burned.
        amount: Balance,
    },
    /// Some balance was frozen (the account's frozen amount grew by `amount`).
    #[codec(index = 19)]
    Frozen {
        /// The account.
        who: AccountId32,
        /// By how much the frozen amount grew.
        amount: Balance,
    },
    /// Some balance was thawed (the account's frozen amount shrank by `amount`).
    #[codec(index = 20)]
    Thawed {
        /// The account.
        who: AccountId32,
        /// By how much the frozen amount shrank.
        amount: Balance,
    },
}

/// Errors of the balances pallet. Variant indices are Substrate's.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// Vesting balance too high to send value. Never returned: Lattice has no vesting;
    /// kept so that the indices of the other errors match Substrate's.
    VestingBalance,
    /// The transfer or withdrawal would take the account's total below its frozen
    /// amount. Thaw the freeze first, or move less.
    LiquidityRestrictions,
    /// The free balance is smaller than the amount to transfer, withdraw, burn or
    /// reserve, or a freeze larger than the account's total was requested. Move less.
    InsufficientBalance,
    /// The transfer would create the receiving account with less than the existential
    /// deposit. Send at least the existential deposit to a new account.
    ExistentialDeposit,
    /// The operation would reap the account, but it was asked to keep it alive
    /// (keep-alive variants, fees), or the account cannot be reaped because it has
    /// reserved or frozen funds or other consumers. Leave the existential deposit, or
    /// release the reserves and freezes first.
    Expendability,
    /// A vesting schedule already exists. Never returned (no vesting in Lattice); kept
    /// for index compatibility.
    ExistingVestingSchedule,
    /// The account does not exist (for example, a freeze on an account without
    /// balance). Endow the account first.
    DeadAccount,
    /// Too many named reserves. Never returned: Lattice has no named reserves; kept for
    /// index compatibility.
    TooManyReserves,
    /// Too many holds. Never returned: Lattice has no holds; kept for index
    /// compatibility.
    TooManyHolds,
    /// The account already has `MAX_FREEZES` freezes and a new id was given. Reuse an
    /// existing id or thaw one first.
    TooManyFreezes,
}

/// Calls of the balances pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Transfers some free balance to another account. If the sender's total falls below
    /// the existential deposit, the sender is reaped and the dust burned.
    ///
    /// Origin: signed by the sender.
    #[codec(index = 0)]
    transfer_allow_death {
        /// The receiver.
        dest: Address,
        /// The amount to move.
        #[codec(compact)]
        value: Balance,
    },
    /// Exactly as `transfer_allow_death`, except that the origin must be root and the
    /// source account may be specified.
    #[codec(index = 2)]
    force_transfer {
        /// The sender.
        source: Address,
        /// The receiver.
        dest: Address,
        /// The amount to move.
        #[codec(compact)]
        value: Balance,
    },
    /// Same as `transfer_allow_death`, but fails with `Expendability` instead of reaping
    /// the sender.
    ///
    /// Origin: signed by the sender.
    #[codec(index = 3)]
    transfer_keep_alive {
        /// The receiver.
        dest: Address,
        /// The amount to move.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfers everything the sender can: its whole free balance minus what freezes
    /// keep in place and, with `keep_alive` (or when the account cannot be reaped), the
    /// existential deposit.
    ///
    /// Origin: signed by the sender.
    #[codec(index = 4)]
    transfer_all {
        /// The receiver.
        dest: Address,
        /// Whether to leave the existential deposit so that the sender survives.
        keep_alive: bool,
    },
    /// Moves up to `amount` of an account's reserved balance back to free.
    ///
    /// Origin: root.
    #[codec(index = 5)]
    force_unreserve {
        /// The account.
        who: Address,
        /// The most to unreserve.
        amount: Balance,
    },
    /// Sets an account's free balance, adjusting the total issuance. A value below the
    /// existential deposit sets zero (reaping the account if it has nothing reserved).
    ///
    /// Origin: root.
    #[codec(index = 8)]
    force_set_balance {
        /// The account.
        who: Address,
        /// The new free balance.
        #[codec(compact)]
        new_free: Balance,
    },
    /// Burns some free balance of the sender, reducing the total issuance (unlike sending
    /// funds to an unreachable address). Without `keep_alive` the sender may be reaped.
    ///
    /// Origin: signed by the owner of the funds.
    #[codec(index = 10)]
    burn {
        /// The amount to burn.
        #[codec(compact)]
        value: Balance,
        /// Whether to fail rather than reap the account.
        keep_alive: bool,
    },
}

/// The balances pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable balances call bound to a runtime.
pub struct Dispatch<T>(pub Call, PhantomData<T>);

impl<T> Dispatch<T> {
    /// Binds `call` to the runtime `T`.
    pub fn new(call: Call) -> Self {
        Self(call, PhantomData)
    }
}

impl<T: Config> Dispatchable for Dispatch<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self.0 {
            Call::transfer_allow_death { dest, value } => {
                Pallet::<T>::transfer_allow_death(origin, dest, value)
            }
            Call::force_transfer { source, dest, value } => {
                Pallet::<T>::force_transfer(origin, source, dest, value)
            }
            Call::transfer_keep_alive { dest, value } => {
                Pallet::<T>::transfer_keep_alive(origin, dest, value)
            }
            Call::transfer_all { dest, keep_alive } => {
                Pallet::<T>::transfer_all(origin, dest, keep_alive)
            }
            Call::force_unreserve { who, amount } => {
                Pallet::<T>::force_unreserve(origin, who, amount)
            }
            Call::force_set_balance { who, new_free } => {
                Pallet::<T>::force_set_balance(origin, who, new_free)
            }
            Call::burn { value, keep_alive } => Pallet::<T>::burn(origin, value, keep_alive),
        }
    }
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        use weights::*;
        let (ref_time, proof_size) = match self {
            Call::transfer_allow_death { .. } => TRANSFER_ALLOW_DEATH,
            Call::force_transfer { .. } => FORCE_TRANSFER,
            Call::transfer_keep_alive { .. } => TRANSFER_KEEP_ALIVE,
            Call::transfer_all { .. } => TRANSFER_ALL,
            Call::force_unreserve { .. } => FORCE_UNRESERVE,
            Call::force_set_balance { .. } => FORCE_SET_BALANCE,
            Call::burn { .. } => BURN,
        };
        normal(ref_time, proof_size)
    }
}

impl<T: Config> Hooks for Pallet<T> {
    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        Self::do_try_state()
    }
}

// ---- calls ---------------------------------------------------------------------------

impl<T: Config> Pallet<T> {
    fn transfer_allow_death(origin: Origin, dest: Address, value: Balance) -> DispatchResult {
        let source = ensure_signed(origin)?;
        let dest = lookup(&dest)?;
        Self::do_transfer(&source, &dest, value, Existence::AllowDeath)
    }

    fn force_transfer(
        origin: Origin,
        source: Address,
        dest: Address,
        value: Balance,
    ) -> DispatchResult {
        ensure_root(origin)?;
        let source = lookup(&source)?;
        let dest = lookup(&dest)?;
        Self::do_transfer(&source, &dest, value, Existence::AllowDeath)
    }

    fn transfer_keep_alive(origin: Origin, dest: Address, value: Balance) -> DispatchResult {
        let source = ensure_signed(origin)?;
        let dest = lookup(&dest)?;
        Self::do_transfer(&source, &dest, value, Existence::KeepAlive)
    }

    fn transfer_all(origin: Origin, dest: Address, keep_alive: bool) -> DispatchResult {
        let source = ensure_signed(origin)?;
        let dest = lookup(&dest)?;
        let value = Self::reducible_balance(&source, keep_alive);
        let existence = if keep_alive { Existence::KeepAlive } else { Existence::AllowDeath };
        Self::do_transfer(&source, &dest, value, existence)
    }

    fn force_unreserve(origin: Origin, who: Address, amount: Balance) -> DispatchResult {
        ensure_root(origin)?;
        let who = lookup(&who)?;
        let _not_reserved = Self::do_unreserve(&who, amount);
        Ok(())
    }

    fn force_set_balance(origin: Origin, who: Address, new_free: Balance) -> DispatchResult {
        ensure_root(origin)?;
        let who = lookup(&who)?;
        let new_free = if new_free < Self::ed() { 0 } else { new_free };
        let issuance = TotalIssuance::get();
        let (minted, burned) = Self::mutate_account(&who, Existence::AllowDeath, |a| {
            let old = a.free;
            a.free = new_free;
            Self::ensure_liquid(a)?;
            if new_free >= old {
                let minted = new_free.saturating_sub(old);
                issuance.checked_add(minted).ok_or(DispatchError::Arithmetic(
                    lattice_support::lattice_primitives::ArithmeticError::Overflow,
                ))?;
                Ok((minted, 0))
            } else {
                Ok((0, old.saturating_sub(new_free)))
            }
        })?;
        Self::mint_into_issuance(minted);
        Self::burn_from_issuance(burned);
        Self::deposit_event(Event::BalanceSet { who, free: new_free });
        Ok(())
    }

    fn burn(origin: Origin, value: Balance, keep_alive: bool) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let existence = if keep_alive { Existence::KeepAlive } else { Existence::AllowDeath };
        Self::do_withdraw(&who, value, existence)?;
        Self::deposit_event(Event::Burned { who, amount: value });
        Ok(())
    }
}

// ---- queries, freezes and metadata ----------------------------------------------------

impl<T: Config> Pallet<T> {
    /// This pallet's error as a dispatch error.
    pub fn error(e: Error) -> DispatchError {
        module_error(<T as Config>::PALLET_INDEX, e)
    }

    /// Deposits an event of this pallet.
    fn deposit_event(event: Event) {
        pallet_system::Pallet::<T>::deposit_event(event)
    }

    /// The balances of `who` (all zero for an account that does not exist).
    pub fn account(who: &AccountId32) -> AccountData {
        pallet_system::Pallet::<T>::account_data(who)
    }

    /// The free balance of `who`.
    pub fn free_balance(who: &AccountId32) -> Balance {
        Self::account(who).free
    }

    /// The reserved balance of `who`.
    pub fn reserved_balance(who: &AccountId32) -> Balance {
        Self::account(who).reserved
    }

    /// Free plus reserved balance of `who`.
    pub fn total_balance(who: &AccountId32) -> Balance {
        Self::account(who).total()
    }

    /// All funds in existence.
    pub fn total_issuance() -> Balance {
        TotalIssuance::get()
    }

    /// The freezes of `who`.
    pub fn freezes(who: &AccountId32) -> Vec<IdAmount> {
        Freezes::get(who)
    }

    /// How much of its free balance `who` can transfer or withdraw now: everything
    /// except what freezes keep in place and, when `keep_alive` is asked or the account
    /// cannot be reaped (reserves, freezes, other consumers), what keeps its total at
    /// the existential deposit.
    pub fn reducible_balance(who: &AccountId32, keep_alive: bool) -> Balance {
        let info = pallet_system::Account::<T>::get(who);
        let a = info.data;
        let mut untouchable = a.frozen.saturating_sub(a.reserved);
        if keep_alive || !Self::can_be_reaped(&a, info.consumers, info.providers) {
            untouchable = untouchable.max(Self::ed().saturating_sub(a.reserved));
        }
        a.free.saturating_sub(untouchable)
    }

    /// Sets the freeze `id` of `who` to `amount` (zero removes it): from now on
    /// transfers and withdrawals cannot take the account's total below its largest
    /// freeze. Emits `Frozen` or `Thawed` when the frozen amount changes.
    ///
    /// Fails with `DeadAccount` for an account without balance, `InsufficientBalance`
    /// when `amount` exceeds the account's total, and `TooManyFreezes` when `id` is new
    /// and the account already has `MAX_FREEZES` freezes.
    pub fn set_freeze(id: [u8; 8], who: &AccountId32, amount: Balance) -> DispatchResult {
        if amount == 0 {
            Self::thaw(id, who);
            return Ok(());
        }
        let total = Self::total_balance(who);
        lattice_support::ensure!(total > 0, Self::error(Error::DeadAccount));
        lattice_support::ensure!(amount <= total, Self::error(Error::InsufficientBalance));
        let mut freezes = Freezes::get(who);
        match freezes.iter_mut().find(|f| f.id == id) {
            Some(existing) => existing.amount = amount,
            None => {
                lattice_support::ensure!(
                    freezes.len() < T::MAX_FREEZES as usize,
                    Self::error(Error::TooManyFreezes)
                );
                freezes.push(IdAmount { id, amount });
            }
        }
        Self::update_freezes(who, freezes)
    }

    /// Removes the freeze `id` of `who`, if any.
    pub fn thaw(id: [u8; 8], who: &AccountId32) {
        let mut freezes = Freezes::get(who);
        let before = freezes.len();
        freezes.retain(|f| f.id != id);
        if freezes.len() == before {
            return;
        }
        // Lowering the frozen amount cannot fail: the total does not change and no
        // consumer reference is added.
        if let Err(e) = Self::update_freezes(who, freezes) {
            lattice_support::log!(Error, "balances", "thawing {:?} failed: {:?}", who, e);
        }
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .event::<Event>()
            .error::<Error>()
            .storage([
                TotalIssuance::metadata(&["The total units issued in the system."]),
                InactiveIssuance::metadata(&[
                    "The total units of outstanding deactivated balance in the system.",
                ]),
                Freezes::metadata(&["Freeze locks on account balances."]),
                GenesisIssuance::metadata(&["The total issuance when genesis was built."]),
                Minted::metadata(&["Every unit created since genesis."]),
                Burned::metadata(&["Every unit destroyed since genesis."]),
            ])
            .constants([
                constant(
                    "ExistentialDeposit",
                    &T::EXISTENTIAL_DEPOSIT,
                    &["The minimum amount required to keep an account open. MUST BE GREATER \
                         THAN ZERO!"],
                ),
                constant(
                    "MaxLocks",
                    &0u32,
                    &["The maximum number of locks that should exist on an account (Lattice \
                       has no locks)."],
                ),
                constant(
                    "MaxReserves",
                    &0u32,
                    &["The maximum number of named reserves that can exist on an account \
                       (Lattice has no named reserves)."],
                ),
                constant(
                    "MaxFreezes",
                    &T::MAX_FREEZES,
                    &["The maximum number of individual freeze locks that can exist on an \
                       account at any time."],
                ),
            ])
            .docs(&["The balances pallet: the native currency, reserves, freezes and issuance."])
    }
}

/// The account an address names, or `CannotLookup`.
fn lookup(address: &Address) -> Result<AccountId32, DispatchError> {
    address.account().ok_or(DispatchError::CannotLookup)
}
