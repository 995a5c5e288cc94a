//! Tests of the transaction-payment pallet: fee arithmetic to the unit, the fee round
//! (withdraw, refund, distribution, issuance), the multiplier and the formats.

use crate::mock::*;
use crate::types::{mul_div, Rounding};
use crate::{
    Event, FeeDetails, GenesisConfig, InclusionFee, Multiplier, NextFeeMultiplier,
    RuntimeDispatchInfo, StorageVersion,
};
use codec::Encode;
use lattice_support::dispatch::{
    mandatory, normal, operational, DispatchClass, DispatchInfo, Pays,
};
use lattice_support::lattice_primitives::{InvalidTransaction, PostDispatchInfo};
use lattice_support::traits::{Currency, Existence, Hooks};
use lattice_support::{Balance, Weight};
use pallet_system::PerDispatchClass;

/// A normal call of 175 µs: a weight fee of 175 at multiplier 1.0.
const INFO: DispatchInfo = normal(175_000_000, 0);

fn balances_event(e: pallet_balances::Event) -> RuntimeEvent {
    RuntimeEvent::Balances(e)
}

/// One full fee round as the executive runs it; returns what was withdrawn.
fn pay(who: &lattice_support::AccountId32, actual_ref_time: u64, tip: Balance) -> Balance {
    let fee = TransactionPayment::compute_fee(100, &INFO, tip);
    assert_eq!(TransactionPayment::withdraw_fee(who, fee), Ok(()));
    let post = PostDispatchInfo {
        actual_weight: Some(Weight::from_parts(actual_ref_time, 0)),
        pays_fee: Pays::Yes,
    };
    let actual = TransactionPayment::compute_actual_fee(100, &INFO, &post, tip);
    TransactionPayment::settle_fee(who, fee, actual, tip);
    fee
}

// ---- fee arithmetic ------------------------------------------------------------------

#[test]
fn fee_is_base_plus_length_plus_weight_plus_tip() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(TransactionPayment::compute_fee(100, &INFO, 7), 1_000 + 1_000 + 175 + 7);
        assert_eq!(
            TransactionPayment::compute_fee_details(100, &INFO, 7),
            FeeDetails {
                inclusion_fee: Some(InclusionFee {
                    base_fee: 1_000,
                    len_fee: 1_000,
                    adjusted_weight_fee: 175,
                }),
                tip: 7,
            }
        );
        // The weight fee rounds down: 1.999999 µs costs 1.
        assert_eq!(TransactionPayment::compute_fee(0, &normal(1_999_999, 0), 0), 1_001);
        assert_eq!(TransactionPayment::compute_fee(0, &normal(0, 0), 0), 1_000);
        // Proof size does not cost anything (yet).
        assert_eq!(TransactionPayment::compute_fee(0, &normal(0, 1_000_000), 0), 1_000);
        // Operational dispatches that pay, pay the same fee.
        let op = DispatchInfo { class: DispatchClass::Operational, ..INFO };
        assert_eq!(TransactionPayment::compute_fee(100, &op, 7), 2_182);
    });
}

#[test]
fn free_dispatches_pay_only_their_tip() {
    ExtBuilder::default().build_and_execute(|| {
        for info in [operational(1_000_000_000), mandatory(1_000_000_000)] {
            assert_eq!(TransactionPayment::compute_fee(100, &info, 7), 7);
            assert_eq!(
                TransactionPayment::compute_fee_details(100, &info, 7),
                FeeDetails { inclusion_fee: None, tip: 7 }
            );
        }
        let free = DispatchInfo { pays_fee: Pays::No, ..INFO };
        assert_eq!(TransactionPayment::compute_fee(100, &free, 0), 0);
    });
}

#[test]
fn the_multiplier_scales_only_the_weight_fee() {
    ExtBuilder::default().build_and_execute(|| {
        NextFeeMultiplier::put(&Multiplier::from_rational(3, 2));
        // 175 * 1.5 = 262.5, rounded down.
        assert_eq!(TransactionPayment::compute_fee(100, &INFO, 7), 1_000 + 1_000 + 262 + 7);
        NextFeeMultiplier::put(&Multiplier::from_rational(1, 10));
        assert_eq!(TransactionPayment::compute_fee(100, &INFO, 0), 1_000 + 1_000 + 17);
    });
}

#[test]
fn query_info_and_fee_details_leave_out_the_tip() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(
            TransactionPayment::query_info(100, &INFO),
            RuntimeDispatchInfo {
                weight: INFO.weight,
                class: DispatchClass::Normal,
                partial_fee: 2_175
            }
        );
        assert_eq!(TransactionPayment::query_fee_details(100, &INFO).final_fee(), 2_175);
        assert_eq!(TransactionPayment::query_info(100, &operational(1)).partial_fee, 0);
    });
}

#[test]
fn the_actual_fee_follows_the_actual_weight() {
    ExtBuilder::default().build_and_execute(|| {
        let post = |ref_time: Option<u64>, pays_fee| PostDispatchInfo {
            actual_weight: ref_time.map(|r| Weight::from_parts(r, 0)),
            pays_fee,
        };
        let actual = |p| TransactionPayment::compute_actual_fee(100, &INFO, &p, 7);
        assert_eq!(actual(post(Some(75_000_000), Pays::Yes)), 2_082);
        assert_eq!(actual(post(None, Pays::Yes)), 2_182);
        // Never more than declared.
        assert_eq!(actual(post(Some(500_000_000), Pays::Yes)), 2_182);
        // A dispatch that turned out free pays its tip only.
        assert_eq!(actual(post(None, Pays::No)), 7);
        let free = DispatchInfo { pays_fee: Pays::No, ..INFO };
        assert_eq!(
            TransactionPayment::compute_actual_fee(100, &free, &post(None, Pays::Yes), 7),
            7
        );
    });
}

#[test]
fn fees_saturate_instead_of_overflowing() {
    ExtBuilder::default().build_and_execute(|| {
        let huge = normal(u64::MAX, u64::MAX);
        assert_eq!(TransactionPayment::compute_fee(u32::MAX, &huge, u128::MAX), u128::MAX);
        assert_eq!(
            TransactionPayment::weight_to_fee(huge.weight),
            u128::from(u64::MAX) / 1_000_000
        );
        NextFeeMultiplier::put(&Multiplier::MAX);
        let weight_fee = u128::from(u64::MAX) / 1_000_000;
        assert_eq!(
            TransactionPayment::compute_fee(0, &huge, 0),
            1_000 + Multiplier::MAX.saturating_mul_int(weight_fee)
        );
        NextFeeMultiplier::put(&Multiplier::ONE);
    });
}

// ---- the fee round -------------------------------------------------------------------

#[test]
fn a_fee_round_refunds_and_pays_author_and_treasury() {
    ExtBuilder::default().build_and_execute(|| {
        let issuance = Balances::total_issuance();
        let withdrawn = pay(&ALICE, 75_000_000, 7);
        assert_eq!(withdrawn, 2_182);
        // 2182 withdrawn, 100 refunded: 2082 paid into the block's fees...
        assert_eq!(Balances::free_balance(&ALICE), 100_000 - 2_082);
        assert_eq!(crate::BlockFees::get(), 2_082);
        assert_eq!(Balances::free_balance(&BOB), 2_000);
        assert_eq!(Balances::total_issuance(), issuance - 2_082);
        // ... and at the end of the block 90% (rounded down) to the author.
        TransactionPayment::on_finalize(1);
        assert_eq!(crate::BlockFees::get(), 0);
        assert_eq!(Balances::free_balance(&BOB), 2_000 + 1_873);
        assert_eq!(Balances::free_balance(&TREASURY), 100 + 209);
        assert_eq!(Balances::total_issuance(), issuance);
        assert_eq!(
            events(),
            vec![
                balances_event(pallet_balances::Event::Withdraw { who: ALICE, amount: 2_182 }),
                balances_event(pallet_balances::Event::Deposit { who: ALICE, amount: 100 }),
                Event::TransactionFeePaid { who: ALICE, actual_fee: 2_082, tip: 7 }.into(),
                balances_event(pallet_balances::Event::Deposit { who: BOB, amount: 1_873 }),
                balances_event(pallet_balances::Event::Deposit { who: TREASURY, amount: 209 }),
            ]
        );
    });
}

#[test]
fn without_an_author_the_treasury_takes_everything() {
    ExtBuilder::default().build_and_execute(|| {
        set_author(None);
        let issuance = Balances::total_issuance();
        pay(&ALICE, 175_000_000, 0);
        pallet_system::assert_last_event::<Test>(
            Event::TransactionFeePaid { who: ALICE, actual_fee: 2_175, tip: 0 }.into(),
        );
        TransactionPayment::on_finalize(1);
        assert_eq!(Balances::free_balance(&ALICE), 100_000 - 2_175);
        assert_eq!(Balances::free_balance(&BOB), 2_000);
        assert_eq!(Balances::free_balance(&TREASURY), 100 + 2_175);
        assert_eq!(Balances::total_issuance(), issuance);
    });
}

#[test]
fn an_author_share_below_the_ed_goes_to_the_treasury() {
    ExtBuilder::default().build_and_execute(|| {
        set_author(Some(CHARLIE));
        let issuance = Balances::total_issuance();
        // A fee of 10: the author's 9 cannot create CHARLIE's account.
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 10), Ok(()));
        TransactionPayment::settle_fee(&ALICE, 10, 10, 0);
        TransactionPayment::on_finalize(1);
        assert!(!System::account_exists(&CHARLIE));
        assert_eq!(Balances::free_balance(&TREASURY), 110);
        // A larger fee creates it.
        // (The first `on_finalize` moved the multiplier: take the fee actually paid.)
        let fee = pay(&ALICE, 175_000_000, 0);
        TransactionPayment::on_finalize(1);
        assert_eq!(Balances::free_balance(&CHARLIE), fee * 9 / 10);
        assert_eq!(Balances::total_issuance(), issuance);
    });
}

#[test]
fn a_reaped_payer_gets_no_refund() {
    ExtBuilder::default().build_and_execute(|| {
        let issuance = Balances::total_issuance();
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 2_182), Ok(()));
        // The call sends everything away.
        let all = Balances::free_balance(&ALICE);
        assert_eq!(Balances::transfer(&ALICE, &CHARLIE, all, Existence::AllowDeath), Ok(()));
        TransactionPayment::settle_fee(&ALICE, 2_182, 2_082, 0);
        TransactionPayment::on_finalize(1);
        assert!(!System::account_exists(&ALICE));
        // The unrefunded 100 is shared like the fee.
        assert_eq!(Balances::free_balance(&BOB), 2_000 + 1_963);
        assert_eq!(Balances::free_balance(&TREASURY), 100 + 219);
        assert_eq!(Balances::total_issuance(), issuance);
    });
}

#[test]
fn settle_never_charges_more_than_withdrawn() {
    ExtBuilder::default().build_and_execute(|| {
        let issuance = Balances::total_issuance();
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 1_000), Ok(()));
        TransactionPayment::settle_fee(&ALICE, 1_000, 5_000, 0);
        pallet_system::assert_last_event::<Test>(
            Event::TransactionFeePaid { who: ALICE, actual_fee: 1_000, tip: 0 }.into(),
        );
        TransactionPayment::on_finalize(1);
        assert_eq!(Balances::free_balance(&ALICE), 99_000);
        assert_eq!(Balances::total_issuance(), issuance);
    });
}

#[test]
fn a_sender_who_cannot_pay_is_refused() {
    ExtBuilder::default().build_and_execute(|| {
        let payment = Err(InvalidTransaction::Payment);
        // Paying would reap ALICE: refused, nothing taken.
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 99_991), payment);
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 100_001), payment);
        assert_eq!(TransactionPayment::withdraw_fee(&CHARLIE, 1), payment);
        assert_eq!(Balances::free_balance(&ALICE), 100_000);
        // Frozen funds cannot pay fees.
        assert_eq!(Balances::set_freeze(*b"staking ", &ALICE, 99_000), Ok(()));
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 1_001), payment);
        assert_eq!(TransactionPayment::withdraw_fee(&ALICE, 1_000), Ok(()));
        // A zero fee is always fine.
        assert_eq!(TransactionPayment::withdraw_fee(&CHARLIE, 0), Ok(()));
        TransactionPayment::settle_fee(&ALICE, 1_000, 1_000, 0);
    });
}

#[test]
fn issuance_is_conserved_over_many_rounds_and_blocks() {
    ExtBuilder::default().build_and_execute(|| {
        let issuance = Balances::total_issuance();
        for n in 1..=6u32 {
            set_author(if n % 2 == 0 { Some(BOB) } else { None });
            pay(&ALICE, 100_000_000 + u64::from(n) * 1_000_000, u128::from(n));
            run_to_block(n + 1);
            assert_eq!(Balances::total_issuance(), issuance);
        }
    });
}

// ---- priority ------------------------------------------------------------------------

#[test]
fn priority_scales_the_tip_and_boosts_operational() {
    ExtBuilder::default().build_and_execute(|| {
        // 2e12 / 175e6 = 11428 such transactions fit in a block (length allows more).
        assert_eq!(TransactionPayment::get_priority(&INFO, 100, 7, 2_182), 8 * 11_428);
        let op = DispatchInfo { class: DispatchClass::Operational, ..INFO };
        assert_eq!(
            TransactionPayment::get_priority(&op, 100, 7, 2_182),
            8 * 11_428 + 2_182 * 5 * 11_428
        );
        let mand = DispatchInfo { class: DispatchClass::Mandatory, ..INFO };
        assert_eq!(TransactionPayment::get_priority(&mand, 100, 7, 2_182), 8 * 11_428);
        // Length limits too: 3_932_160 / 1_000_000 = 3 of these fit.
        assert_eq!(TransactionPayment::get_priority(&normal(1, 0), 1_000_000, 0, 0), 3);
        assert_eq!(TransactionPayment::get_priority(&INFO, 100, u128::MAX, 0), u64::MAX);
    });
}

// ---- the multiplier ------------------------------------------------------------------

fn use_weight(ref_time: u64, proof_size: u64) {
    pallet_system::BlockWeight::put(&PerDispatchClass {
        normal: Weight::from_parts(ref_time, proof_size),
        ..Default::default()
    });
}

#[test]
fn an_empty_block_lowers_the_multiplier() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(NextFeeMultiplier::get(), Multiplier::ONE);
        run_to_block(2);
        // 1 - v/4 + v^2/32 with v = 0.000075.
        assert_eq!(NextFeeMultiplier::get(), Multiplier(999_981_250_175_781_250));
        let mut previous = NextFeeMultiplier::get();
        for n in 3..=10 {
            run_to_block(n);
            assert!(NextFeeMultiplier::get() < previous);
            previous = NextFeeMultiplier::get();
        }
    });
}

#[test]
fn a_full_block_raises_the_multiplier() {
    ExtBuilder::default().build_and_execute(|| {
        use_weight(1_500_000_000_000, 0);
        TransactionPayment::on_finalize(1);
        // 1 + 3v/4 + 9v^2/32.
        assert_eq!(NextFeeMultiplier::get(), Multiplier(1_000_056_251_582_031_250));
        // At the target, nothing changes.
        use_weight(375_000_000_000, 0);
        let before = NextFeeMultiplier::get();
        TransactionPayment::on_finalize(1);
        assert_eq!(NextFeeMultiplier::get(), before);
        // Proof size counts when it is the more constrained dimension.
        use_weight(0, u64::MAX / 2);
        TransactionPayment::on_finalize(1);
        assert!(NextFeeMultiplier::get() > before);
    });
}

#[test]
fn the_multiplier_stays_within_its_bounds() {
    ExtBuilder::default().build_and_execute(|| {
        let min = Multiplier::from_rational(1, 10);
        NextFeeMultiplier::put(&min);
        run_to_block(2);
        assert_eq!(NextFeeMultiplier::get(), min);
        assert_eq!(TransactionPayment::next_multiplier(Multiplier::ZERO), min);
        let max = Multiplier(2 * Multiplier::DIV);
        NextFeeMultiplier::put(&max);
        use_weight(u64::MAX, u64::MAX);
        TransactionPayment::on_finalize(2);
        assert_eq!(NextFeeMultiplier::get(), max);
        NextFeeMultiplier::put(&Multiplier::MAX);
        assert!(TransactionPayment::try_state(2).is_err());
        NextFeeMultiplier::put(&max);
    });
}

#[test]
fn genesis_sets_the_multiplier_and_version() {
    lattice_support::lattice_io::TestExternalities::default().execute_with(|| {
        let half = Multiplier::from_rational(1, 2);
        assert_eq!(GenesisConfig { multiplier: half }.build::<Test>(), Ok(()));
        assert_eq!(NextFeeMultiplier::get(), half);
        assert_eq!(StorageVersion::get(), 1);
        let too_high = GenesisConfig { multiplier: Multiplier(3 * Multiplier::DIV) };
        assert!(too_high.build::<Test>().is_err());
        let too_low = GenesisConfig { multiplier: Multiplier::from_rational(1, 100) };
        assert!(too_low.build::<Test>().is_err());
        assert_eq!(NextFeeMultiplier::get(), half);
    });
}

// ---- arithmetic and formats ------------------------------------------------------------

#[test]
fn mul_div_is_exact_on_256_bits() {
    for (a, b, d) in [(0, 5, 3), (7, 9, 4), (1 << 70, 1 << 50, 3), (u128::MAX, 1, 7)] {
        let wide = mul_div(a, b, d, Rounding::Down);
        if let Some(p) = a.checked_mul(b) {
            assert_eq!(wide, p / d);
        }
    }
    assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX, Rounding::Down), u128::MAX);
    assert_eq!(mul_div(1 << 100, 1 << 100, 1 << 90, Rounding::Down), 1 << 110);
    assert_eq!(mul_div(u128::MAX, 3, 4, Rounding::Down), 3 * (1 << 126) - 1);
    assert_eq!(mul_div(u128::MAX, 2, 1, Rounding::Down), u128::MAX);
    assert_eq!(mul_div(1, 1, 0, Rounding::Down), u128::MAX);
    // Rounding to the nearest, ties down.
    assert_eq!(mul_div(5, 1, 2, Rounding::NearestPrefDown), 2);
    assert_eq!(mul_div(7, 1, 4, Rounding::NearestPrefDown), 2);
    assert_eq!(mul_div(5, 1, 4, Rounding::NearestPrefDown), 1);
    assert_eq!(
        mul_div(u128::MAX, u128::MAX - 1, u128::MAX, Rounding::NearestPrefDown),
        u128::MAX - 1
    );
    assert_eq!(Multiplier::from_rational(1, 3), Multiplier(333_333_333_333_333_333));
    assert_eq!(Multiplier::from_rational(2, 3), Multiplier(666_666_666_666_666_667));
    assert_eq!(Multiplier::ONE.saturating_mul_int(12_345), 12_345);
    assert_eq!(Multiplier::MAX.saturating_mul(Multiplier::MAX), Multiplier::MAX);
}

#[test]
fn formats_match_substrate() {
    let path = |ty: scale_info::MetaType| ty.type_info().path.segments.join("::");
    assert_eq!(
        path(scale_info::meta_type::<Multiplier>()),
        "sp_arithmetic::fixed_point::FixedU128"
    );
    assert_eq!(
        path(scale_info::meta_type::<FeeDetails>()),
        "pallet_transaction_payment::types::FeeDetails"
    );
    assert_eq!(
        path(scale_info::meta_type::<InclusionFee>()),
        "pallet_transaction_payment::types::InclusionFee"
    );
    assert_eq!(
        path(scale_info::meta_type::<RuntimeDispatchInfo>()),
        "pallet_transaction_payment::types::RuntimeDispatchInfo"
    );
    assert_eq!(Multiplier::ONE.encode(), 1_000_000_000_000_000_000u128.encode());
    let info = RuntimeDispatchInfo {
        weight: Weight::from_parts(1, 2),
        class: DispatchClass::Operational,
        partial_fee: 3,
    };
    let mut expected = vec![4, 8, 1];
    expected.extend_from_slice(&3u128.to_le_bytes());
    assert_eq!(info.encode(), expected);
    let details = FeeDetails { inclusion_fee: Some(InclusionFee::default()), tip: 1 };
    assert_eq!(details.encode().len(), 1 + 48 + 16);
    assert_eq!(Event::TransactionFeePaid { who: ALICE, actual_fee: 1, tip: 0 }.encode()[0], 0);

    let meta = TransactionPayment::metadata();
    assert_eq!(meta.name, "TransactionPayment");
    let storage: Vec<_> = meta.storage.iter().map(|s| (s.name, s.default.clone())).collect();
    assert_eq!(
        storage,
        [
            ("NextFeeMultiplier", Multiplier::ONE.encode()),
            ("StorageVersion", vec![0]),
            ("BlockFees", 0u128.encode()),
        ]
    );
    let constants: Vec<_> = meta.constants.iter().map(|c| (c.name, c.value.clone())).collect();
    assert_eq!(constants, [("OperationalFeeMultiplier", vec![5])]);
    assert!(meta.calls.is_none() && meta.error.is_none() && meta.event.is_some());
}
