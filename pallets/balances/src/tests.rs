//! Tests of the balances pallet: every call's success and errors, the events, the
//! existential-deposit rules, reserves, freezes, genesis and the invariants.

use crate::mock::*;
use crate::{
    AccountData, Call, Error, Event, ExtraFlags, Freezes, GenesisConfig, IdAmount, TotalIssuance,
};
use codec::{Decode, Encode};
use lattice_support::dispatch::{DispatchClass, GetDispatchInfo, Origin, Pays};
use lattice_support::lattice_primitives::{Address, ArithmeticError, MultiAddress};
use lattice_support::traits::{Currency, Existence, Hooks};
use lattice_support::{AccountId32, Balance, DispatchError};

type SystemEvent = pallet_system::Event;

fn err(e: Error) -> DispatchError {
    Balances::error(e)
}

fn id(who: AccountId32) -> Address {
    MultiAddress::Id(who)
}

fn signed(who: AccountId32) -> Origin {
    Origin::Signed(who)
}

fn info(who: &AccountId32) -> pallet_system::AccountInfo<AccountData> {
    pallet_system::Account::<Test>::get(who)
}

fn transfer(from: AccountId32, to: AccountId32, value: Balance) -> Result<(), DispatchError> {
    dispatch(signed(from), Call::transfer_allow_death { dest: id(to), value })
}

const FREEZE_A: [u8; 8] = *b"freeze-a";
const FREEZE_B: [u8; 8] = *b"freeze-b";
const FREEZE_C: [u8; 8] = *b"freeze-c";

// ---- genesis -----------------------------------------------------------------------

#[test]
fn genesis_endows_accounts_and_sets_issuance() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::free_balance(&ALICE), 1_000);
        assert_eq!(Balances::free_balance(&BOB), 2_000);
        assert_eq!(Balances::total_issuance(), 3_000);
        let alice = info(&ALICE);
        assert_eq!((alice.providers, alice.consumers, alice.nonce), (1, 0, 0));
        assert!(alice.data.flags.is_new_logic());
        assert!(!System::account_exists(&CHARLIE));
    });
}

#[test]
fn genesis_refuses_bad_configs() {
    lattice_support::lattice_io::TestExternalities::default().execute_with(|| {
        let below_ed = GenesisConfig { balances: vec![(ALICE, ED - 1)] };
        assert!(below_ed.build::<Test>().is_err());
        let twice = GenesisConfig { balances: vec![(ALICE, 100), (ALICE, 200)] };
        assert_eq!(twice.build::<Test>(), Err("duplicate balances in genesis"));
        let overflow = GenesisConfig { balances: vec![(ALICE, u128::MAX), (BOB, 100)] };
        assert_eq!(overflow.build::<Test>(), Err("the total issuance overflows"));
        // Nothing was written by the refused configs.
        assert_eq!(Balances::total_issuance(), 0);
        assert!(!System::account_exists(&ALICE));
        GenesisConfig { balances: vec![(ALICE, 100)] }.build::<Test>().expect("valid");
        let again = GenesisConfig { balances: vec![(ALICE, 100)] };
        assert_eq!(again.build::<Test>(), Err("duplicate balances in genesis"));
    });
}

// ---- transfers -----------------------------------------------------------------------

#[test]
fn transfer_allow_death_moves_funds() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, BOB, 300), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), 700);
        assert_eq!(Balances::free_balance(&BOB), 2_300);
        assert_eq!(Balances::total_issuance(), 3_000);
        pallet_system::assert_last_event::<Test>(
            Event::Transfer { from: ALICE, to: BOB, amount: 300 }.into(),
        );
    });
}

#[test]
fn transfer_creates_the_receiver() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, CHARLIE, ED), Ok(()));
        assert_eq!(Balances::free_balance(&CHARLIE), ED);
        assert_eq!(info(&CHARLIE).providers, 1);
        assert!(info(&CHARLIE).data.flags.is_new_logic());
        assert_eq!(
            events(),
            vec![
                SystemEvent::NewAccount { account: CHARLIE }.into(),
                Event::Endowed { account: CHARLIE, free_balance: ED }.into(),
                Event::Transfer { from: ALICE, to: CHARLIE, amount: ED }.into(),
            ]
        );
    });
}

#[test]
fn transfer_below_ed_to_a_new_account_fails() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(transfer(ALICE, CHARLIE, ED - 1), err(Error::ExistentialDeposit));
        // Any amount is fine to an existing account.
        assert_eq!(transfer(ALICE, BOB, 1), Ok(()));
    });
}

#[test]
fn transfer_allow_death_reaps_the_sender_and_burns_dust() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, BOB, 995), Ok(()));
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::free_balance(&ALICE), 0);
        assert_eq!(Balances::free_balance(&BOB), 2_995);
        assert_eq!(Balances::total_issuance(), 2_995);
        assert_eq!(
            events(),
            vec![
                SystemEvent::KilledAccount { account: ALICE }.into(),
                Event::DustLost { account: ALICE, amount: 5 }.into(),
                Event::Transfer { from: ALICE, to: BOB, amount: 995 }.into(),
            ]
        );
    });
}

#[test]
fn transfer_of_everything_reaps_without_dust() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, BOB, 1_000), Ok(()));
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::total_issuance(), 3_000);
        assert!(!balances_events().iter().any(|e| matches!(e, Event::DustLost { .. })));
    });
}

#[test]
fn transfer_keep_alive_refuses_to_reap() {
    ExtBuilder::default().build_and_execute(|| {
        let call =
            |value| dispatch(signed(ALICE), Call::transfer_keep_alive { dest: id(BOB), value });
        assert_noop!(call(991), err(Error::Expendability));
        assert_noop!(call(1_000), err(Error::Expendability));
        assert_eq!(call(990), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), ED);
        assert!(System::account_exists(&ALICE));
        pallet_system::assert_last_event::<Test>(
            Event::Transfer { from: ALICE, to: BOB, amount: 990 }.into(),
        );
    });
}

#[test]
fn transfer_more_than_free_fails() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(transfer(ALICE, BOB, 1_001), err(Error::InsufficientBalance));
        assert_noop!(transfer(CHARLIE, BOB, 1), err(Error::InsufficientBalance));
        assert_noop!(transfer(ALICE, ALICE, 1_001), err(Error::InsufficientBalance));
    });
}

#[test]
fn transfer_to_oneself_changes_nothing() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, ALICE, 1_000), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), 1_000);
        assert!(events().is_empty());
    });
}

#[test]
fn transfer_of_zero_is_a_no_op_with_an_event() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, CHARLIE, 0), Ok(()));
        assert!(!System::account_exists(&CHARLIE));
        assert_eq!(Balances::free_balance(&ALICE), 1_000);
        pallet_system::assert_last_event::<Test>(
            Event::Transfer { from: ALICE, to: CHARLIE, amount: 0 }.into(),
        );
    });
}

#[test]
fn unresolvable_addresses_and_wrong_origins_fail() {
    ExtBuilder::default().build_and_execute(|| {
        let index = MultiAddress::Index(7);
        assert_noop!(
            dispatch(signed(ALICE), Call::transfer_allow_death { dest: index.clone(), value: 1 }),
            DispatchError::CannotLookup
        );
        // A 32-byte address resolves to the account with those bytes.
        let raw = MultiAddress::Address32(BOB.0);
        assert_eq!(
            dispatch(signed(ALICE), Call::transfer_keep_alive { dest: raw, value: 1 }),
            Ok(())
        );
        assert_noop!(
            dispatch(Origin::Root, Call::transfer_allow_death { dest: id(BOB), value: 1 }),
            DispatchError::BadOrigin
        );
        assert_noop!(
            dispatch(Origin::None, Call::burn { value: 1, keep_alive: false }),
            DispatchError::BadOrigin
        );
        let force = Call::force_transfer { source: id(ALICE), dest: id(BOB), value: 1 };
        assert_noop!(dispatch(signed(ALICE), force), DispatchError::BadOrigin);
        let set = Call::force_set_balance { who: id(ALICE), new_free: 5_000 };
        assert_noop!(dispatch(signed(ALICE), set), DispatchError::BadOrigin);
        let unreserve = Call::force_unreserve { who: id(ALICE), amount: 1 };
        assert_noop!(dispatch(signed(ALICE), unreserve), DispatchError::BadOrigin);
        let force = Call::force_transfer { source: index, dest: id(BOB), value: 1 };
        assert_noop!(dispatch(Origin::Root, force), DispatchError::CannotLookup);
    });
}

#[test]
fn force_transfer_moves_funds_of_any_account() {
    ExtBuilder::default().build_and_execute(|| {
        let call = Call::force_transfer { source: id(BOB), dest: id(CHARLIE), value: 2_000 };
        assert_eq!(dispatch(Origin::Root, call), Ok(()));
        assert!(!System::account_exists(&BOB));
        assert_eq!(Balances::free_balance(&CHARLIE), 2_000);
        pallet_system::assert_last_event::<Test>(
            Event::Transfer { from: BOB, to: CHARLIE, amount: 2_000 }.into(),
        );
        let too_much = Call::force_transfer { source: id(ALICE), dest: id(BOB), value: 1_001 };
        assert_noop!(dispatch(Origin::Root, too_much), err(Error::InsufficientBalance));
    });
}

#[test]
fn transfer_all_sends_everything_or_all_but_the_ed() {
    ExtBuilder::default().build_and_execute(|| {
        let call = |keep_alive| Call::transfer_all { dest: id(CHARLIE), keep_alive };
        assert_eq!(dispatch(signed(ALICE), call(true)), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), ED);
        assert_eq!(Balances::free_balance(&CHARLIE), 1_000 - ED);
        assert_eq!(dispatch(signed(ALICE), call(false)), Ok(()));
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::free_balance(&CHARLIE), 1_000);
        assert_eq!(Balances::total_issuance(), 3_000);
    });
}

#[test]
fn transfer_all_keeps_what_cannot_leave() {
    ExtBuilder::default().build_and_execute(|| {
        // A reserve below the ED keeps the account alive, so the ED minus the reserve
        // stays free.
        assert_eq!(Balances::reserve(&ALICE, 4), Ok(()));
        let call = Call::transfer_all { dest: id(BOB), keep_alive: false };
        assert_eq!(dispatch(signed(ALICE), call.clone()), Ok(()));
        assert_eq!(Balances::account(&ALICE).free, ED - 4);
        assert_eq!(Balances::account(&ALICE).reserved, 4);
        // A freeze keeps its amount (minus what is reserved) in place.
        assert_eq!(Balances::set_freeze(FREEZE_A, &BOB, 500), Ok(()));
        let bob_all = Call::transfer_all { dest: id(CHARLIE), keep_alive: false };
        assert_eq!(dispatch(signed(BOB), bob_all), Ok(()));
        assert_eq!(Balances::free_balance(&BOB), 500);
        // A new receiver needs at least the ED: ALICE can send 5 of her 15.
        assert_eq!(transfer(CHARLIE, ALICE, 5), Ok(()));
        let dust_all = Call::transfer_all { dest: id(AccountId32([9; 32])), keep_alive: true };
        assert_noop!(dispatch(signed(ALICE), dust_all), err(Error::ExistentialDeposit));
    });
}

// ---- reaping rules -------------------------------------------------------------------

#[test]
fn an_account_with_reserves_cannot_be_reaped() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::reserve(&ALICE, 5), Ok(()));
        assert_noop!(transfer(ALICE, BOB, 995), err(Error::Expendability));
        // Reserved funds count in the total: free may go to zero above the ED.
        assert_eq!(Balances::reserve(&ALICE, 95), Ok(()));
        assert_eq!(transfer(ALICE, BOB, 900), Ok(()));
        assert_eq!(Balances::account(&ALICE).free, 0);
        assert!(System::account_exists(&ALICE));
    });
}

#[test]
fn an_account_with_other_consumers_cannot_be_reaped() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(System::inc_consumers(&ALICE), Ok(()));
        assert_noop!(transfer(ALICE, BOB, 1_000), err(Error::Expendability));
        let all = Call::transfer_all { dest: id(BOB), keep_alive: false };
        assert_eq!(dispatch(signed(ALICE), all), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), ED);
        System::dec_consumers(&ALICE);
        assert_eq!(transfer(ALICE, BOB, ED), Ok(()));
        assert!(!System::account_exists(&ALICE));
    });
}

#[test]
fn an_account_with_another_provider_survives_losing_its_balance() {
    ExtBuilder::default().build_and_execute(|| {
        System::inc_providers(&ALICE);
        assert_eq!(transfer(ALICE, BOB, 995), Ok(()));
        assert!(System::account_exists(&ALICE));
        assert_eq!(info(&ALICE).providers, 1);
        assert_eq!(Balances::account(&ALICE), AccountData::default());
        assert_eq!(Balances::total_issuance(), 2_995);
        // Clean up so that the system invariant (providers) and ours hold.
        assert_eq!(System::dec_providers(&ALICE), Ok(pallet_system::DecRefStatus::Reaped));
    });
}

// ---- root calls ----------------------------------------------------------------------

#[test]
fn force_unreserve_moves_reserved_back_to_free() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::reserve(&ALICE, 300), Ok(()));
        assert_eq!(info(&ALICE).consumers, 1);
        let call = |amount| Call::force_unreserve { who: id(ALICE), amount };
        assert_eq!(dispatch(Origin::Root, call(100)), Ok(()));
        assert_eq!(Balances::reserved_balance(&ALICE), 200);
        pallet_system::assert_last_event::<Test>(
            Event::Unreserved { who: ALICE, amount: 100 }.into(),
        );
        assert_eq!(dispatch(Origin::Root, call(1_000)), Ok(()));
        assert_eq!(Balances::account(&ALICE).free, 1_000);
        assert_eq!(Balances::reserved_balance(&ALICE), 0);
        assert_eq!(info(&ALICE).consumers, 0);
        pallet_system::assert_last_event::<Test>(
            Event::Unreserved { who: ALICE, amount: 200 }.into(),
        );
        // Nothing reserved: nothing happens.
        let before = events().len();
        assert_eq!(dispatch(Origin::Root, call(5)), Ok(()));
        assert_eq!(events().len(), before);
    });
}

#[test]
fn force_set_balance_mints_burns_creates_and_reaps() {
    ExtBuilder::default().build_and_execute(|| {
        let set = |who, new_free| {
            dispatch(Origin::Root, Call::force_set_balance { who: id(who), new_free })
        };
        assert_eq!(set(ALICE, 5_000), Ok(()));
        assert_eq!(Balances::total_issuance(), 7_000);
        pallet_system::assert_last_event::<Test>(
            Event::BalanceSet { who: ALICE, free: 5_000 }.into(),
        );
        assert_eq!(set(ALICE, 100), Ok(()));
        assert_eq!(Balances::total_issuance(), 2_100);
        assert_eq!(set(CHARLIE, 50), Ok(()));
        assert_eq!(info(&CHARLIE).providers, 1);
        assert_eq!(Balances::total_issuance(), 2_150);
        // Below the ED means zero: the account is reaped, its funds leave the issuance.
        assert_eq!(set(CHARLIE, ED - 1), Ok(()));
        assert!(!System::account_exists(&CHARLIE));
        assert_eq!(Balances::total_issuance(), 2_100);
        pallet_system::assert_last_event::<Test>(
            Event::BalanceSet { who: CHARLIE, free: 0 }.into(),
        );
    });
}

#[test]
fn force_set_balance_refuses_overflow_and_frozen_funds() {
    ExtBuilder::default().build_and_execute(|| {
        let set = |who, new_free| {
            dispatch(Origin::Root, Call::force_set_balance { who: id(who), new_free })
        };
        assert_noop!(set(ALICE, u128::MAX), DispatchError::Arithmetic(ArithmeticError::Overflow));
        assert_eq!(Balances::set_freeze(FREEZE_A, &ALICE, 600), Ok(()));
        assert_noop!(set(ALICE, 599), err(Error::LiquidityRestrictions));
        assert_eq!(Balances::reserve(&ALICE, 5), Ok(()));
        Balances::thaw(FREEZE_A, &ALICE);
        // Wiping the free balance would leave 5 reserved, below the ED.
        assert_noop!(set(ALICE, 0), err(Error::Expendability));
    });
}

// ---- burn ----------------------------------------------------------------------------

#[test]
fn burn_reduces_the_issuance() {
    ExtBuilder::default().build_and_execute(|| {
        let burn = |who, value, keep_alive| dispatch(signed(who), Call::burn { value, keep_alive });
        assert_eq!(burn(ALICE, 400, true), Ok(()));
        assert_eq!(Balances::free_balance(&ALICE), 600);
        assert_eq!(Balances::total_issuance(), 2_600);
        pallet_system::assert_last_event::<Test>(Event::Burned { who: ALICE, amount: 400 }.into());
        assert_noop!(burn(ALICE, 595, true), err(Error::Expendability));
        assert_noop!(burn(ALICE, 601, false), err(Error::InsufficientBalance));
        assert_eq!(burn(ALICE, 595, false), Ok(()));
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::total_issuance(), 2_000);
        assert_eq!(
            balances_events()[1..],
            [
                Event::DustLost { account: ALICE, amount: 5 },
                Event::Burned { who: ALICE, amount: 595 },
            ]
        );
    });
}

// ---- the Currency trait --------------------------------------------------------------

#[test]
fn withdraw_and_deposit_change_the_issuance() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::withdraw(&ALICE, 100, Existence::KeepAlive), Ok(()));
        assert_eq!(Balances::total_issuance(), 2_900);
        pallet_system::assert_last_event::<Test>(
            Event::Withdraw { who: ALICE, amount: 100 }.into(),
        );
        assert_noop!(
            Balances::withdraw(&ALICE, 900, Existence::KeepAlive),
            err(Error::Expendability)
        );
        assert_noop!(
            Balances::withdraw(&ALICE, 901, Existence::AllowDeath),
            err(Error::InsufficientBalance)
        );
        assert_eq!(Balances::withdraw(&ALICE, 0, Existence::KeepAlive), Ok(()));
        assert_eq!(Balances::deposit(&BOB, 100), 100);
        assert_eq!(Balances::total_issuance(), 3_000);
        pallet_system::assert_last_event::<Test>(Event::Deposit { who: BOB, amount: 100 }.into());
        // A new account needs the ED; nothing happens otherwise.
        assert_eq!(Balances::deposit(&CHARLIE, ED - 1), 0);
        assert!(!System::account_exists(&CHARLIE));
        assert_eq!(Balances::deposit(&CHARLIE, ED), ED);
        assert_eq!(
            balances_events().last_chunk::<2>(),
            Some(&[
                Event::Endowed { account: CHARLIE, free_balance: ED },
                Event::Deposit { who: CHARLIE, amount: ED },
            ])
        );
        assert_eq!(Balances::total_issuance(), 3_000 + ED);
        // The issuance cannot overflow.
        assert_eq!(Balances::deposit(&BOB, u128::MAX), 0);
        assert_eq!(Balances::deposit(&BOB, 0), 0);
        assert_eq!(<Balances as Currency>::minimum_balance(), ED);
        assert_eq!(<Balances as Currency>::total_issuance(), 3_000 + ED);
    });
}

#[test]
fn currency_transfer_follows_the_existence_rule() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(
            <Balances as Currency>::transfer(&ALICE, &BOB, 1_000, Existence::KeepAlive),
            err(Error::Expendability)
        );
        assert_eq!(
            <Balances as Currency>::transfer(&ALICE, &BOB, 1_000, Existence::AllowDeath),
            Ok(())
        );
        assert!(!System::account_exists(&ALICE));
    });
}

#[test]
fn reserve_and_unreserve() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::reserve(&ALICE, 250), Ok(()));
        assert_eq!(Balances::account(&ALICE).free, 750);
        assert_eq!(<Balances as Currency>::reserved_balance(&ALICE), 250);
        assert_eq!(Balances::total_balance(&ALICE), 1_000);
        assert_eq!(info(&ALICE).consumers, 1);
        pallet_system::assert_last_event::<Test>(
            Event::Reserved { who: ALICE, amount: 250 }.into(),
        );
        assert_eq!(Balances::reserve(&ALICE, 250), Ok(()));
        assert_eq!(info(&ALICE).consumers, 1);
        assert_noop!(Balances::reserve(&ALICE, 501), err(Error::InsufficientBalance));
        assert_noop!(Balances::reserve(&CHARLIE, 1), err(Error::InsufficientBalance));
        assert_eq!(Balances::reserve(&ALICE, 0), Ok(()));
        // Reserved funds cannot be transferred.
        assert_noop!(transfer(ALICE, BOB, 501), err(Error::InsufficientBalance));
        assert_eq!(Balances::unreserve(&ALICE, 600), 100);
        assert_eq!(Balances::account(&ALICE).free, 1_000);
        assert_eq!(info(&ALICE).consumers, 0);
        assert_eq!(Balances::unreserve(&ALICE, 0), 0);
        assert_eq!(Balances::unreserve(&CHARLIE, 7), 7);
        assert_eq!(Balances::total_issuance(), 3_000);
    });
}

// ---- freezes -------------------------------------------------------------------------

#[test]
fn freezes_keep_the_total_in_place() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::set_freeze(FREEZE_A, &ALICE, 600), Ok(()));
        assert_eq!(Balances::account(&ALICE).frozen, 600);
        assert_eq!(info(&ALICE).consumers, 1);
        pallet_system::assert_last_event::<Test>(Event::Frozen { who: ALICE, amount: 600 }.into());
        assert_noop!(transfer(ALICE, BOB, 401), err(Error::LiquidityRestrictions));
        assert_noop!(
            Balances::withdraw(&ALICE, 401, Existence::AllowDeath),
            err(Error::LiquidityRestrictions)
        );
        assert_noop!(
            dispatch(signed(ALICE), Call::burn { value: 401, keep_alive: false }),
            err(Error::LiquidityRestrictions)
        );
        assert_noop!(transfer(ALICE, ALICE, 401), err(Error::LiquidityRestrictions));
        // Reserving frozen funds is fine: the total does not change.
        assert_eq!(Balances::reserve(&ALICE, 700), Ok(()));
        assert_eq!(Balances::reducible_balance(&ALICE, false), 300);
        assert_eq!(transfer(ALICE, BOB, 300), Ok(()));
        assert_eq!(Balances::unreserve(&ALICE, 700), 0);
        assert_eq!(Balances::free_balance(&ALICE), 700);
        assert_eq!(Balances::reducible_balance(&ALICE, false), 100);
    });
}

#[test]
fn the_largest_freeze_counts() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Balances::set_freeze(FREEZE_A, &ALICE, 300), Ok(()));
        assert_eq!(Balances::set_freeze(FREEZE_B, &ALICE, 500), Ok(()));
        pallet_system::assert_last_event::<Test>(Event::Frozen { who: ALICE, amount: 200 }.into());
        assert_eq!(Balances::account(&ALICE).frozen, 500);
        assert_eq!(
            Freezes::get(&ALICE),
            vec![IdAmount { id: FREEZE_A, amount: 300 }, IdAmount { id: FREEZE_B, amount: 500 }]
        );
        // Lowering a freeze below another one thaws down to the other one.
        assert_eq!(Balances::set_freeze(FREEZE_B, &ALICE, 100), Ok(()));
        pallet_system::assert_last_event::<Test>(Event::Thawed { who: ALICE, amount: 200 }.into());
        assert_eq!(Balances::account(&ALICE).frozen, 300);
        // Zero removes the freeze.
        assert_eq!(Balances::set_freeze(FREEZE_A, &ALICE, 0), Ok(()));
        assert_eq!(Balances::account(&ALICE).frozen, 100);
        Balances::thaw(FREEZE_B, &ALICE);
        pallet_system::assert_last_event::<Test>(Event::Thawed { who: ALICE, amount: 100 }.into());
        assert_eq!(Balances::account(&ALICE).frozen, 0);
        assert!(!Freezes::contains_key(&ALICE));
        assert_eq!(info(&ALICE).consumers, 0);
        // Thawing what is not frozen does nothing.
        let before = events().len();
        Balances::thaw(FREEZE_C, &ALICE);
        Balances::thaw(FREEZE_C, &CHARLIE);
        assert_eq!(events().len(), before);
        // The account can die again.
        assert_eq!(transfer(ALICE, BOB, 1_000), Ok(()));
    });
}

#[test]
fn freeze_errors() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(Balances::set_freeze(FREEZE_A, &CHARLIE, 1), err(Error::DeadAccount));
        assert_noop!(
            Balances::set_freeze(FREEZE_A, &ALICE, 1_001),
            err(Error::InsufficientBalance)
        );
        assert_eq!(Balances::set_freeze(FREEZE_A, &ALICE, 1_000), Ok(()));
        assert_eq!(Balances::set_freeze(FREEZE_B, &ALICE, 10), Ok(()));
        assert_noop!(Balances::set_freeze(FREEZE_C, &ALICE, 10), err(Error::TooManyFreezes));
        // Updating an existing id is fine at the limit.
        assert_eq!(Balances::set_freeze(FREEZE_B, &ALICE, 20), Ok(()));
        // A frozen account cannot be reaped.
        assert_noop!(transfer(ALICE, BOB, 1), err(Error::LiquidityRestrictions));
    });
}

// ---- blocks, invariants, formats -------------------------------------------------------

#[test]
fn invariants_hold_across_blocks() {
    ExtBuilder::default().build_and_execute(|| {
        for n in 1..=5u8 {
            let who = AccountId32([10 + n; 32]);
            assert_eq!(transfer(BOB, who, 100), Ok(()));
            assert_eq!(Balances::reserve(&who, u128::from(n)), Ok(()));
            assert_eq!(Balances::set_freeze(FREEZE_A, &who, 50), Ok(()));
            assert_eq!(transfer(ALICE, BOB, 199), Ok(()));
            run_to_block(u32::from(n) + 1);
            assert!(events().is_empty(), "events are cleared with each block");
        }
        assert!(!System::account_exists(&ALICE));
        // ALICE's last 5 were dust.
        assert_eq!(Balances::total_issuance(), 3_000 - 5);
    });
}

#[test]
fn try_state_detects_broken_invariants() {
    ExtBuilder::default().build_and_execute(|| {
        TotalIssuance::put(&3_001);
        assert!(Balances::try_state(1).is_err());
        TotalIssuance::put(&3_000);
        System::set_account_data(
            &ALICE,
            AccountData { free: 1_000, frozen: 5, ..Default::default() },
        );
        assert!(Balances::try_state(1).is_err());
        System::set_account_data(&ALICE, AccountData { free: 1_000, ..Default::default() });
        Freezes::insert(&ALICE, &vec![]);
        assert!(Balances::try_state(1).is_err());
        Freezes::remove(&ALICE);
        assert_eq!(Balances::try_state(1), Ok(()));
    });
}

#[test]
fn account_data_has_substrates_layout() {
    ExtBuilder::default().build_and_execute(|| {
        let raw =
            lattice_support::lattice_io::storage::get(&pallet_system::Account::<Test>::key(&ALICE))
                .expect("stored");
        // nonce, consumers, providers, sufficients, then free, reserved, frozen, flags.
        assert_eq!(raw.len(), 16 + 4 * 16);
        assert_eq!(raw[8..12], 1u32.to_le_bytes());
        assert_eq!(raw[16..32], 1_000u128.to_le_bytes());
        assert_eq!(raw[64..80], (1u128 << 127).to_le_bytes());
        assert_eq!(ExtraFlags::NEW_LOGIC.0, 0x8000_0000_0000_0000_0000_0000_0000_0000);
    });
    let path = |ty: scale_info::MetaType| ty.type_info().path.segments.join("::");
    assert_eq!(path(scale_info::meta_type::<AccountData>()), "pallet_balances::types::AccountData");
    assert_eq!(path(scale_info::meta_type::<ExtraFlags>()), "pallet_balances::types::ExtraFlags");
    assert_eq!(
        path(scale_info::meta_type::<IdAmount>()),
        "frame_support::traits::tokens::misc::IdAmount"
    );
}

#[test]
fn calls_events_and_errors_use_substrates_indices() {
    let value = 5u128;
    let call = Call::transfer_allow_death { dest: id(BOB), value };
    let mut expected = vec![0u8, 0];
    expected.extend_from_slice(&BOB.0);
    expected.push(20); // compact(5)
    assert_eq!(call.encode(), expected);
    let index = |c: Call| c.encode()[0];
    assert_eq!(index(Call::force_transfer { source: id(ALICE), dest: id(BOB), value }), 2);
    assert_eq!(index(Call::transfer_keep_alive { dest: id(BOB), value }), 3);
    assert_eq!(index(Call::transfer_all { dest: id(BOB), keep_alive: true }), 4);
    assert_eq!(index(Call::force_unreserve { who: id(BOB), amount: value }), 5);
    assert_eq!(index(Call::force_set_balance { who: id(BOB), new_free: value }), 8);
    assert_eq!(index(Call::burn { value, keep_alive: true }), 10);
    // force_unreserve's amount is not compact, as in Substrate.
    assert_eq!(Call::force_unreserve { who: id(BOB), amount: value }.encode().len(), 1 + 33 + 16);

    assert_eq!(Event::Burned { who: ALICE, amount: 1 }.encode()[0], 11);
    assert_eq!(Event::Frozen { who: ALICE, amount: 1 }.encode()[0], 19);
    assert_eq!(Event::Thawed { who: ALICE, amount: 1 }.encode()[0], 20);
    assert_eq!(Event::Withdraw { who: ALICE, amount: 1 }.encode()[0], 8);
    assert_eq!(Error::TooManyFreezes.encode(), vec![9]);
    assert_eq!(
        err(Error::Expendability),
        DispatchError::Module(lattice_support::lattice_primitives::ModuleError {
            index: 5,
            error: [4, 0, 0, 0]
        })
    );
    // Hostile bytes decode to errors, never panics.
    assert!(Call::decode(&mut &[0u8, 9, 1, 2][..]).is_err());
    assert!(Call::decode(&mut &[1u8][..]).is_err());
    assert!(Call::decode(&mut &[0xff; 40][..]).is_err());
}

#[test]
fn dispatch_info_is_normal_and_paid() {
    let calls = [
        Call::transfer_allow_death { dest: id(BOB), value: 1 },
        Call::force_transfer { source: id(ALICE), dest: id(BOB), value: 1 },
        Call::transfer_keep_alive { dest: id(BOB), value: 1 },
        Call::transfer_all { dest: id(BOB), keep_alive: false },
        Call::force_unreserve { who: id(BOB), amount: 1 },
        Call::force_set_balance { who: id(BOB), new_free: 1 },
        Call::burn { value: 1, keep_alive: false },
    ];
    for call in calls {
        let info = call.get_dispatch_info();
        assert_eq!((info.class, info.pays_fee), (DispatchClass::Normal, Pays::Yes));
        assert!(info.weight.ref_time > 100_000_000, "{call:?}");
    }
}

#[test]
fn metadata_lists_storage_and_constants() {
    let meta = Balances::metadata();
    assert_eq!(meta.name, "Balances");
    let storage: Vec<_> = meta.storage.iter().map(|s| s.name).collect();
    assert_eq!(
        storage,
        ["TotalIssuance", "InactiveIssuance", "Freezes", "GenesisIssuance", "Minted", "Burned"]
    );
    let constants: Vec<_> = meta.constants.iter().map(|c| (c.name, c.value.clone())).collect();
    assert_eq!(
        constants,
        [
            ("ExistentialDeposit", ED.encode()),
            ("MaxLocks", 0u32.encode()),
            ("MaxReserves", 0u32.encode()),
            ("MaxFreezes", 2u32.encode()),
        ]
    );
    assert!(meta.calls.is_some() && meta.event.is_some() && meta.error.is_some());
}

#[test]
fn an_account_at_the_ed_dies_on_any_withdrawal() {
    ExtBuilder::default().balances(vec![(ALICE, ED), (BOB, ED)]).build_and_execute(|| {
        assert_noop!(
            Balances::withdraw(&ALICE, 1, Existence::KeepAlive),
            err(Error::Expendability)
        );
        assert_eq!(Balances::withdraw(&ALICE, 1, Existence::AllowDeath), Ok(()));
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::total_issuance(), ED);
        assert_eq!(
            events(),
            vec![
                SystemEvent::KilledAccount { account: ALICE }.into(),
                Event::DustLost { account: ALICE, amount: ED - 1 }.into(),
                Event::Withdraw { who: ALICE, amount: 1 }.into(),
            ]
        );
    });
}

// ---- slashes and issuance accounting ----------------------------------------------------

#[test]
fn slash_reserved_burns_reserved_funds_only() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(<Balances as Currency>::reserve(&ALICE, 300), Ok(()));
        assert_eq!(<Balances as Currency>::slash_reserved(&ALICE, 100), 0);
        assert_eq!(Balances::reserved_balance(&ALICE), 200);
        assert_eq!(Balances::free_balance(&ALICE), 700);
        assert_eq!(Balances::total_issuance(), 2_900);
        assert!(balances_events().contains(&Event::Slashed { who: ALICE, amount: 100 }));
        // More than is reserved: the rest is returned unslashed.
        assert_eq!(<Balances as Currency>::slash_reserved(&ALICE, 250), 50);
        assert_eq!(Balances::reserved_balance(&ALICE), 0);
        assert_eq!(info(&ALICE).consumers, 0, "no reserve left, no consumer");
        assert_eq!(<Balances as Currency>::slash_reserved(&ALICE, 10), 10);
        assert_eq!(<Balances as Currency>::slash_reserved(&CHARLIE, 10), 10);
        assert_eq!(crate::Burned::get(), 300);
    });
}

#[test]
fn slashing_everything_reaps_the_account() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(transfer(ALICE, BOB, 1_000 - 100), Ok(()));
        assert_eq!(<Balances as Currency>::reserve(&ALICE, 95), Ok(()));
        // 5 free stays below the ED of 10 once the reserve is gone: reaped, dust burned.
        assert_eq!(<Balances as Currency>::slash_reserved(&ALICE, 95), 0);
        assert!(!System::account_exists(&ALICE));
        assert_eq!(Balances::total_issuance(), 2_900);
    });
}

#[test]
fn issuance_is_genesis_plus_minted_minus_burned() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(crate::GenesisIssuance::get(), 3_000);
        assert_eq!(<Balances as Currency>::deposit(&BOB, 50), 50);
        assert_eq!(<Balances as Currency>::withdraw(&BOB, 20, Existence::KeepAlive), Ok(()));
        assert_eq!(
            dispatch(Origin::Root, Call::force_set_balance { who: id(ALICE), new_free: 400 }),
            Ok(())
        );
        assert_eq!(crate::Minted::get(), 50);
        assert_eq!(crate::Burned::get(), 20 + 600);
        assert_eq!(Balances::total_issuance(), 3_000 + 50 - 620);
        // The invariant notices issuance that moved outside these paths.
        crate::Minted::put(&51);
        assert!(Balances::do_try_state().is_err());
        crate::Minted::put(&50);
    });
}
