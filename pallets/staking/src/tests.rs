//! Tests of the staking pallet: every call's rules and errors, elections, performance,
//! reward arithmetic, graduated slashing, unbonding timing, paged jobs, history, and
//! random sequences of calls that keep the invariants.

use crate::mock::*;
use crate::{
    ActiveSet, Call, CurrentEra, Delegations, EraRewardPot, ErasPerformance, ErasReward, Error,
    Event, Jobs, JobsRange, OldestHistoryEra, Params, PendingJobs, Performance, Rewards,
    TotalRewarded, TotalSlashed, Unbonding, ValidatorMetadata, ValidatorStatus, Validators,
};
use lattice_support::arithmetic::Perbill;
use lattice_support::dispatch::Origin;
use lattice_support::{Balance, DispatchError};

fn err(e: Error) -> DispatchError {
    Staking::error(e)
}

fn signed(i: u8) -> Origin {
    Origin::Signed(acc(i))
}

fn validate(i: u8, stake: Balance) -> Result<(), DispatchError> {
    dispatch(
        signed(i),
        Call::validate {
            stake,
            commission: Perbill::from_percent(10),
            metadata: ValidatorMetadata::default(),
        },
    )
}

fn delegate(d: u8, v: u8, amount: Balance) -> Result<(), DispatchError> {
    dispatch(signed(d), Call::delegate { validator: acc(v), amount })
}

fn undelegate(d: u8, v: u8, amount: Balance) -> Result<(), DispatchError> {
    dispatch(signed(d), Call::undelegate { validator: acc(v), amount })
}

fn redelegate(d: u8, from: u8, to: u8, amount: Balance) -> Result<(), DispatchError> {
    dispatch(signed(d), Call::redelegate { from: acc(from), to: acc(to), amount })
}

fn validator(i: u8) -> crate::Validator {
    Validators::get(&acc(i)).expect("a validator")
}

fn free(i: u8) -> Balance {
    Balances::free_balance(&acc(i))
}

/// Runs blocks until no job is queued (at most 50).
fn run_jobs_out() {
    for _ in 0..50 {
        let (first, end) = JobsRange::get();
        if first == end {
            return;
        }
        run_to_block(pallet_system::Number::get() + 1);
    }
    panic!("jobs did not finish");
}

// ---- genesis ---------------------------------------------------------------------------

#[test]
fn genesis_bonds_validators_and_delegations() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(1), 500)]).build_and_execute(|| {
        assert_eq!(ActiveSet::get(), vec![acc(1), acc(2), acc(3), acc(4)]);
        assert_eq!(validator(1).self_stake, 1_000);
        assert_eq!((validator(1).delegated, validator(1).delegators), (500, 1));
        assert_eq!(Balances::reserved_balance(&acc(1)), 1_000);
        assert_eq!(Balances::reserved_balance(&acc(10)), 500);
        assert_eq!(Staking::delegations_of(&acc(10)), vec![(acc(1), 500)]);
    });
}

#[test]
fn genesis_refuses_bad_configs() {
    let cases: Vec<(ExtBuilder, &str)> = vec![
        (
            ExtBuilder::default().validators(vec![(acc(1), 999, Perbill::ZERO)]),
            "Staking genesis: a validator's stake is below min_validator_stake",
        ),
        (
            ExtBuilder::default()
                .validators(vec![(acc(1), 1_000, Perbill::ZERO), (acc(1), 1_000, Perbill::ZERO)]),
            "Staking genesis: a validator is listed twice",
        ),
        (
            ExtBuilder::default().delegations(vec![(acc(10), acc(9), 500)]),
            "Staking genesis: a delegation to an unknown validator",
        ),
        (
            ExtBuilder::default().delegations(vec![(acc(1), acc(1), 500)]),
            "Staking genesis: a validator delegates to itself",
        ),
        (
            ExtBuilder::default().delegations(vec![(acc(10), acc(1), 50)]),
            "Staking genesis: a delegation is below min_delegation",
        ),
        (
            ExtBuilder::default().delegations(vec![(acc(10), acc(1), INITIAL + 1)]),
            "Staking genesis: an account does not have the funds it stakes",
        ),
        (
            ExtBuilder::default().params(|p| p.min_uptime = Perbill(Perbill::ACCURACY + 1)),
            "a fraction is above one whole",
        ),
    ];
    for (builder, expected) in cases {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build()));
        let message = match result {
            Ok(_) => panic!("genesis accepted; expected {expected}"),
            Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
        };
        assert!(message.contains(expected), "{message} should say {expected}");
    }
}

// ---- validate, commission, metadata ---------------------------------------------------

#[test]
fn validate_registers_and_reserves() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(validate(5, 2_000), Ok(()));
        let v = validator(5);
        assert_eq!((v.self_stake, v.status), (2_000, ValidatorStatus::Active));
        assert_eq!(Balances::reserved_balance(&acc(5)), 2_000);
        assert!(staking_events().contains(&Event::ValidatorRegistered {
            validator: acc(5),
            stake: 2_000,
            commission: Perbill::from_percent(10),
        }));
    });
}

#[test]
fn validate_errors() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(validate(1, 2_000), err(Error::AlreadyValidator));
        assert_noop!(validate(5, 999), err(Error::InsufficientStake));
        let too_high = Call::validate {
            stake: 1_000,
            commission: Perbill::from_percent(51),
            metadata: ValidatorMetadata::default(),
        };
        assert_noop!(dispatch(signed(5), too_high), err(Error::CommissionTooHigh));
        let long = Call::validate {
            stake: 1_000,
            commission: Perbill::ZERO,
            metadata: ValidatorMetadata { name: vec![b'x'; 9], ..Default::default() },
        };
        assert_noop!(dispatch(signed(5), long), err(Error::MetadataTooLong));
        assert_noop!(
            validate(5, INITIAL + 1),
            Balances::error(pallet_balances::Error::InsufficientBalance)
        );
        assert_noop!(dispatch(Origin::None, Call::chill {}), DispatchError::BadOrigin);
        for i in 5..=12 {
            assert_eq!(validate(i, 1_000), Ok(()));
        }
        assert_eq!(Validators::count(), MAX_CANDIDATES);
        assert_noop!(validate(13, 1_000), err(Error::TooManyCandidates));
    });
}

#[test]
fn commission_moves_one_point_per_era() {
    ExtBuilder::default().build_and_execute(|| {
        let set = |c: u32| {
            dispatch(signed(1), Call::set_commission { commission: Perbill::from_percent(c) })
        };
        assert_noop!(set(12), err(Error::CommissionChangeTooLarge));
        assert_eq!(set(11), Ok(()));
        assert_eq!(set(9), Ok(()), "within one point of the era's starting 10%");
        assert_noop!(set(12), err(Error::CommissionChangeTooLarge));
        assert_noop!(
            dispatch(signed(5), Call::set_commission { commission: Perbill::ZERO }),
            err(Error::NotValidator)
        );
        run_to_era(1);
        assert_eq!(set(8), Ok(()), "a new era measures from 9%");
        assert_eq!(set(10), Ok(()), "one point above 9%");
        assert_noop!(set(11), err(Error::CommissionChangeTooLarge));
        // Above the maximum, whatever the step.
        Params::mutate(|p| p.as_mut().expect("set").max_commission = Perbill::from_percent(8));
        assert_noop!(set(9), err(Error::CommissionTooHigh));
    });
}

#[test]
fn set_metadata_is_bounded() {
    ExtBuilder::default().build_and_execute(|| {
        let m = ValidatorMetadata {
            name: b"val".to_vec(),
            website: b"v.io".to_vec(),
            description: b"hi".to_vec(),
        };
        assert_eq!(dispatch(signed(1), Call::set_metadata { metadata: m.clone() }), Ok(()));
        assert_eq!(validator(1).metadata, m);
        let long = ValidatorMetadata { description: vec![0; 17], ..Default::default() };
        assert_noop!(
            dispatch(signed(1), Call::set_metadata { metadata: long }),
            err(Error::MetadataTooLong)
        );
        assert_noop!(
            dispatch(signed(5), Call::set_metadata { metadata: m }),
            err(Error::NotValidator)
        );
    });
}

// ---- bonding and unbonding -----------------------------------------------------------

#[test]
fn bond_extra_and_unbond_release_after_the_period() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(dispatch(signed(1), Call::bond_extra { amount: 0 }), err(Error::ZeroAmount));
        assert_eq!(dispatch(signed(1), Call::bond_extra { amount: 500 }), Ok(()));
        assert_eq!(validator(1).self_stake, 1_500);
        assert_noop!(
            dispatch(signed(1), Call::unbond { amount: 501 }),
            err(Error::BelowMinimumStake)
        );
        assert_noop!(
            dispatch(signed(1), Call::unbond { amount: 1_501 }),
            err(Error::NotEnoughBonded)
        );
        assert_noop!(dispatch(signed(5), Call::unbond { amount: 1 }), err(Error::NotValidator));
        assert_eq!(dispatch(signed(1), Call::unbond { amount: 500 }), Ok(()));
        assert_eq!(validator(1).self_stake, 1_000);
        let chunks = Unbonding::get(&acc(1));
        assert_eq!((chunks[0].amount, chunks[0].unlock_at), (500, 26));
        let free_before = free(1);
        run_to_block(25);
        assert_eq!(Unbonding::get(&acc(1)).len(), 1, "not before its block");
        run_to_block(26);
        assert!(Unbonding::get(&acc(1)).is_empty());
        // Rewards may have been paid meanwhile; the released 500 is in free balance.
        let rewards: Balance = Staking::rewards_of(&acc(1)).iter().map(|(_, r)| r).sum();
        assert_eq!(free(1), free_before + 500 + rewards);
        assert!(staking_events().contains(&Event::Withdrawn { who: acc(1), amount: 500 }));
    });
}

#[test]
fn unbonding_chunks_are_bounded_and_releases_paged() {
    ExtBuilder::default().build_and_execute(|| {
        // One account: at most MAX_CHUNKS chunks (one per block here).
        assert_eq!(delegate(10, 2, 500), Ok(()));
        for _ in 0..MAX_CHUNKS {
            assert_eq!(undelegate(10, 2, 50), Ok(()));
            run_to_block(pallet_system::Number::get() + 1);
        }
        assert_noop!(undelegate(10, 2, 50), err(Error::TooManyUnbondingChunks));
        // Twice in one block merges into one chunk.
        assert_eq!(delegate(11, 2, 500), Ok(()));
        assert_eq!(undelegate(11, 2, 50), Ok(()));
        assert_eq!(undelegate(11, 2, 50), Ok(()));
        assert_eq!(Unbonding::get(&acc(11)).len(), 1);
        assert_eq!(Unbonding::get(&acc(11))[0].amount, 100);
        // Six delegators unbond in one block: more than RELEASES mature together and
        // are released over two blocks.
        for i in 12..=17 {
            assert_eq!(delegate(i, 1, 200), Ok(()), "delegator {i}");
        }
        let start = pallet_system::Number::get();
        for i in 12..=17 {
            assert_eq!(undelegate(i, 1, 200), Ok(()));
        }
        let unlock = start + 25;
        run_to_block(unlock);
        let left = (12..=17).filter(|i| !Unbonding::get(&acc(*i)).is_empty()).count();
        assert!(left > 0 && left < 6, "a page released at {unlock}, {left} left");
        run_to_block(unlock + 2);
        assert!((12..=17).all(|i| Unbonding::get(&acc(i)).is_empty()));
        assert!((12..=17).all(|i| Balances::reserved_balance(&acc(i)) == 0));
    });
}

#[test]
fn chill_leaves_the_next_set() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(dispatch(signed(2), Call::chill {}), Ok(()));
        assert_noop!(dispatch(signed(2), Call::chill {}), err(Error::AlreadyChilled));
        run_to_era(1);
        assert_eq!(ActiveSet::get(), vec![acc(1), acc(3), acc(4)]);
        assert_eq!(session_validators(), vec![acc(1), acc(3), acc(4)]);
        assert_eq!(validator(2).self_stake, 1_000, "the bond stays");
        // Validating again is `AlreadyValidator`: chilled validators keep their record.
        assert_noop!(validate(2, 1_000), err(Error::AlreadyValidator));
    });
}

#[test]
fn unstake_unbonds_everything_and_keeps_the_record_for_delegators() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 500)]).build_and_execute(|| {
        assert_eq!(dispatch(signed(1), Call::unstake {}), Ok(()));
        assert!(Validators::get(&acc(1)).is_none(), "no delegators: removed");
        assert_eq!(Unbonding::get(&acc(1))[0].amount, 1_000);
        assert_eq!(dispatch(signed(2), Call::unstake {}), Ok(()));
        assert_eq!(validator(2).status, ValidatorStatus::Left);
        assert_noop!(dispatch(signed(2), Call::unstake {}), err(Error::NotValidator));
        assert_noop!(delegate(11, 2, 500), err(Error::NotValidator));
        assert_eq!(undelegate(10, 2, 500), Ok(()));
        assert!(Validators::get(&acc(2)).is_none(), "the last delegator left");
        // A departed validator may register again.
        assert_eq!(validate(1, 1_000), Ok(()));
        run_to_era(1);
        assert_eq!(ActiveSet::get(), vec![acc(1), acc(3), acc(4)]);
    });
}

// ---- delegation ----------------------------------------------------------------------

#[test]
fn delegate_checks_every_limit() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(delegate(10, 1, 0), err(Error::ZeroAmount));
        assert_noop!(delegate(10, 1, 99), err(Error::BelowMinimumDelegation));
        assert_noop!(delegate(1, 1, 500), err(Error::SelfDelegation));
        assert_noop!(delegate(10, 9, 500), err(Error::NotValidator));
        assert_eq!(delegate(10, 1, 100), Ok(()));
        assert_eq!(delegate(10, 1, 1), Ok(()), "topping up may add little");
        assert_eq!(delegate(10, 2, 100), Ok(()));
        assert_eq!(delegate(10, 3, 100), Ok(()));
        assert_noop!(delegate(10, 4, 100), err(Error::TooManyDelegations));
        for d in 11..=15 {
            assert_eq!(delegate(d, 4, 100), Ok(()));
        }
        assert_eq!(delegate(16, 4, 100), Ok(()));
        assert_noop!(delegate(17, 4, 100), err(Error::TooManyDelegators));
        assert_eq!(validator(4).delegators, MAX_DELEGATORS);
        assert_eq!(
            Staking::delegations_of(&acc(10)),
            vec![(acc(1), 101), (acc(2), 100), (acc(3), 100)]
        );
    });
}

#[test]
fn no_delegation_takes_a_validator_over_the_cap() {
    // Five active validators: a 20% cap can be met by all of them, so it applies.
    let validators = (1..=5).map(|i| (acc(i), 1_000, Perbill::ZERO)).collect();
    ExtBuilder::default()
        .validators(validators)
        .params(|p| p.max_validators = 5)
        .build_and_execute(|| {
            // 1,250 of 5,250 is 23.8%: over.
            assert_noop!(delegate(10, 1, 250), err(Error::ValidatorOverCap));
            // 1,000 + x <= 20% of (4,000 + 1,000 + x) needs x <= 0: nothing can be added
            // to one of five equal validators.
            assert_noop!(delegate(10, 1, 100), err(Error::ValidatorOverCap));
            // Raise the others first, then it fits.
            for i in 2..=5 {
                assert_eq!(dispatch(signed(i), Call::bond_extra { amount: 200 }), Ok(()));
            }
            assert_eq!(delegate(10, 1, 200), Ok(()), "1,200 of 6,000 is exactly 20%");
            // Four active validators cannot all be under 20%: no cap.
        });
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(delegate(10, 1, 5_000), Ok(()));
    });
}

#[test]
fn undelegate_and_redelegate() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(1), 500)]).build_and_execute(|| {
        assert_noop!(undelegate(10, 2, 100), err(Error::NotDelegated));
        assert_noop!(undelegate(10, 1, 501), err(Error::NotEnoughBonded));
        assert_noop!(undelegate(10, 1, 450), err(Error::BelowMinimumDelegation));
        assert_eq!(undelegate(10, 1, 100), Ok(()));
        assert_eq!(Delegations::get(&acc(1), &acc(10)), Some(400));
        assert_eq!(validator(1).delegated, 400);
        let re = |from, to, amount| redelegate(10, from, to, amount);
        assert_noop!(re(1, 1, 100), err(Error::SameValidator));
        assert_noop!(re(1, 10, 100), err(Error::SelfDelegation));
        assert_noop!(re(1, 2, 50), err(Error::BelowMinimumDelegation));
        assert_eq!(re(1, 2, 400), Ok(()));
        assert_eq!(Delegations::get(&acc(1), &acc(10)), None);
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(400));
        assert_eq!((validator(1).delegators, validator(2).delegators), (0, 1));
        assert_eq!(Staking::delegations_of(&acc(10)), vec![(acc(2), 400)]);
        // Still reserved: 400 delegated plus 100 unbonding.
        assert_eq!(Balances::reserved_balance(&acc(10)), 500);
        assert_eq!(undelegate(10, 2, 400), Ok(()));
        assert!(Staking::delegations_of(&acc(10)).is_empty());
    });
}

// ---- elections -----------------------------------------------------------------------

#[test]
fn election_takes_the_top_stakes_with_keys() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(validate(5, 3_000), Ok(()));
        assert_eq!(validate(6, 2_000), Ok(()));
        assert_eq!(delegate(10, 1, 1_500), Ok(()));
        set_keys(acc(6), false);
        run_to_era(1);
        // max_validators = 4: 5 (3,000), 1 (2,500), then 2, 3, 4 tie at 1,000 and the
        // lowest ids win; 6 has no keys.
        assert_eq!(ActiveSet::get(), vec![acc(1), acc(2), acc(3), acc(5)]);
        assert_eq!(session_validators(), ActiveSet::get(), "ordered by account id");
        assert_eq!(CurrentEra::get(), 1);
    });
}

#[test]
fn no_candidate_keeps_the_set() {
    ExtBuilder::default().build_and_execute(|| {
        for i in 1..=4 {
            assert_eq!(dispatch(signed(i), Call::chill {}), Ok(()));
        }
        run_to_era(1);
        assert_eq!(session_validators(), vec![acc(1), acc(2), acc(3), acc(4)]);
        assert_eq!(ActiveSet::get().len(), 4);
    });
}

// ---- performance and rewards ---------------------------------------------------------

#[test]
fn performance_counts_assigned_authored_and_missed_slots() {
    ExtBuilder::default().build_and_execute(|| {
        set_offline(acc(1), true);
        run_to_block(10);
        // Slots 1.. skipping acc(1)'s (slot % 4 == 0): 1,2,3,5,6,7,9,10,11,13 for blocks 1..10.
        let p = |i| ErasPerformance::get(&0, &acc(i));
        assert_eq!(p(1), Performance { assigned: 3, authored: 0 });
        // Validator 2 (index 1) has slots 1, 5, 9, 13.
        assert_eq!(p(2), Performance { assigned: 4, authored: 4 });
        assert_eq!(p(1).missed(), 3);
        assert_eq!(p(1).uptime(), Perbill::ZERO);
        assert_eq!(p(2).uptime(), Perbill::ONE);
        let authored: u32 = (1..=4).map(|i| p(i).authored).sum();
        assert_eq!(authored, 10);
    });
}

#[test]
fn era_rewards_are_exact() {
    ExtBuilder::default()
        .delegations(vec![(acc(10), acc(1), 500), (acc(11), acc(1), 333)])
        .build_and_execute(|| {
            run_to_block(10);
            assert_eq!(EraRewardPot::get(), 7_000, "70% of 10 blocks of 1,000");
            assert_eq!(free(0xcc), 3_000, "30% to the compute pot");
            let before: Vec<Balance> = [1, 2, 3, 4, 10, 11].iter().map(|i| free(*i)).collect();
            run_to_block(11);
            run_jobs_out();
            let gain = |k: usize, i: u8| free(i) - before[k];
            // Slots 1..10 of [1,2,3,4]: 2 authored 1,5,9; 3: 2,6,10; 4: 3,7; 1: 4,8.
            // Validator 1: 7,000 * 2/10 = 1,400; commission 140; 1,260 shared over 1,833.
            assert_eq!(gain(4, 10), 1_260 * 500 / 1_833);
            assert_eq!(gain(5, 11), 1_260 * 333 / 1_833);
            let own = 1_260 * 1_000 / 1_833;
            let leftover = 1_260 - own - 1_260 * 500 / 1_833 - 1_260 * 333 / 1_833;
            assert_eq!(leftover, 2);
            assert_eq!(gain(0, 1), 140 + own + leftover);
            assert_eq!(gain(1, 2), 2_100);
            assert_eq!(gain(2, 3), 2_100);
            assert_eq!(gain(3, 4), 1_400);
            // Everything allotted was paid and recorded, nothing more.
            let era = ErasReward::get(&0).expect("recorded");
            assert_eq!((era.pot, era.allotted, era.blocks), (7_000, 7_000, 10));
            let recorded: Balance =
                [1, 2, 3, 4, 10, 11].iter().map(|i| Rewards::get(&0, &acc(*i))).sum();
            assert_eq!(recorded, 7_000);
            assert_eq!(TotalRewarded::get(), 7_000);
            assert_eq!(Staking::rewards_of(&acc(10)), vec![(0, 1_260 * 500 / 1_833)]);
        });
}

#[test]
fn reward_remainders_carry_to_the_next_era() {
    ExtBuilder::default().build_and_execute(|| {
        // A remainder carried from an earlier era: 7,007 over 10 blocks split 2:3:3:2.
        EraRewardPot::mutate(|p| *p += 7);
        run_to_block(11);
        let era = ErasReward::get(&0).expect("recorded");
        assert_eq!(era.pot, 7_007);
        let shares = [7_007 * 2 / 10, 7_007 * 3 / 10, 7_007 * 3 / 10, 7_007 * 2 / 10];
        assert_eq!(era.allotted, shares.iter().sum::<Balance>());
        assert_eq!(era.pot - era.allotted, 1);
        // The remainder starts the next era's pot, with block 11's 700.
        assert_eq!(EraRewardPot::get(), 1 + 700);
        run_jobs_out();
        assert_eq!(TotalRewarded::get(), era.allotted);
    });
}

#[test]
fn payouts_are_paged_and_lock_stakes_meanwhile() {
    let delegations = (10..=15).map(|d| (acc(d), acc(1), 100 + u128::from(d))).collect();
    ExtBuilder::default().delegations(delegations).build_and_execute(|| {
        run_to_block(11);
        // Block 11: 4 steps of 4 payout jobs (validator 1 has 7 stakers).
        assert!(PendingJobs::get(&acc(1)) > 0, "validator 1's payout spans blocks");
        assert_noop!(delegate(16, 1, 100), err(Error::JobPending));
        assert_noop!(undelegate(10, 1, 110), err(Error::JobPending));
        assert_noop!(dispatch(signed(1), Call::bond_extra { amount: 1 }), err(Error::JobPending));
        assert_noop!(dispatch(signed(1), Call::unstake {}), err(Error::JobPending));
        run_jobs_out();
        assert!(pallet_system::Number::get() >= 13, "paged over several blocks");
        assert_eq!(undelegate(10, 1, 110), Ok(()));
        let paid: Balance = (10..=15).map(|d| Rewards::get(&0, &acc(d))).sum::<Balance>()
            + Rewards::get(&0, &acc(1));
        assert_eq!(paid, 1_400);
    });
}

// ---- penalties -----------------------------------------------------------------------

#[test]
fn offline_validators_are_jailed_and_slashed_gradually() {
    ExtBuilder::default()
        .delegations(vec![(acc(10), acc(1), 1_000)])
        .params(|p| p.unbonding_period = 100)
        .build_and_execute(|| {
            set_offline(acc(1), true);
            // Part of the delegation starts unbonding during the offence era: still
            // slashable. Unbonding that left before the era would not be.
            assert_eq!(undelegate(10, 1, 200), Ok(()));
            run_to_era(1);
            run_jobs_out();
            let v = validator(1);
            assert_eq!(v.jailed_until, Some(3));
            assert_eq!(v.offences, 1);
            assert_eq!(v.self_stake, 950, "5%");
            assert_eq!(Delegations::get(&acc(1), &acc(10)), Some(760), "5% of 800");
            assert_eq!(Unbonding::get(&acc(10))[0].amount, 190, "5% of 200");
            assert_eq!(TotalSlashed::get(), 50 + 40 + 10);
            assert!(!ActiveSet::get().contains(&acc(1)));
            assert!(!session_validators().contains(&acc(1)));
            // Jailed: cannot come back early for free.
            assert_noop!(dispatch(signed(1), Call::unjail {}), err(Error::JailPeriodNotOver));
            run_to_era(3);
            assert_eq!(dispatch(signed(1), Call::unjail {}), Ok(()));
            // Slashed below the minimum self-stake: not electable until it bonds more.
            run_to_era(4);
            assert!(!session_validators().contains(&acc(1)));
            assert_eq!(dispatch(signed(1), Call::bond_extra { amount: 50 }), Ok(()));
            assert_noop!(dispatch(signed(1), Call::unjail {}), err(Error::NotJailed));
            run_to_era(5);
            assert!(session_validators().contains(&acc(1)), "back at a later era");
            // Second offence: 10%.
            run_to_era(6);
            run_jobs_out();
            assert_eq!(validator(1).offences, 2);
            assert_eq!(validator(1).self_stake, 900);
            assert_eq!(dispatch(signed(1), Call::bond_extra { amount: 100 }), Ok(()));
            // Third: everything, tombstoned.
            let until = validator(1).jailed_until.expect("jailed");
            run_to_era(until);
            assert_eq!(dispatch(signed(1), Call::unjail {}), Ok(()));
            run_to_era(until + 2);
            run_jobs_out();
            // Nothing is left bonded, so the record is gone; the tombstone stays.
            assert!(Validators::get(&acc(1)).is_none());
            assert!(crate::Tombstoned::contains_key(&acc(1)));
            assert_eq!(Delegations::get(&acc(1), &acc(10)), None, "the delegation is gone");
            assert_noop!(validate(1, 1_000), err(Error::Tombstoned));
            assert_noop!(dispatch(signed(1), Call::unjail {}), err(Error::Tombstoned));
            assert_noop!(delegate(11, 1, 100), err(Error::Tombstoned));
        });
}

#[test]
fn stake_redelegated_away_in_the_offence_era_is_slashed_at_its_new_validator() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        // acc(2) is offline in era 0; its delegator moves 600 of 1,000 to acc(3) before
        // the era ends, then 100 more of that on to acc(4).
        set_offline(acc(2), true);
        run_to_block(4);
        assert_eq!(redelegate(10, 2, 3, 600), Ok(()));
        assert_eq!(redelegate(10, 3, 4, 100), Ok(()));
        let burned_before = TotalSlashed::get();
        run_to_era(1);
        set_offline(acc(2), false);
        run_jobs_out();
        // 5% of everything that was at acc(2) in era 0: self 1,000, the 400 left and the
        // 600 moved (found where it stands now, acc(3), as far as it is still there).
        assert_eq!(validator(2).self_stake, 950);
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(380));
        assert_eq!(Delegations::get(&acc(3), &acc(10)), Some(500 - 30));
        assert_eq!(validator(3).delegated, 470);
        // The 100 moved on from acc(3) is acc(3)'s risk, not acc(2)'s.
        assert_eq!(Delegations::get(&acc(4), &acc(10)), Some(100));
        assert_eq!(TotalSlashed::get() - burned_before, 50 + 20 + 30);
        check_invariants();
        // acc(3) was judged and kept its own stake.
        assert_eq!(validator(3).self_stake, 1_000);
    });
}

#[test]
fn stake_moved_back_in_the_era_is_slashed_once() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        set_offline(acc(2), true);
        run_to_block(4);
        // 600 leaves acc(2), 200 of it comes back: 400 is away.
        assert_eq!(redelegate(10, 2, 3, 600), Ok(()));
        assert_eq!(redelegate(10, 3, 2, 200), Ok(()));
        run_to_era(1);
        set_offline(acc(2), false);
        run_jobs_out();
        // 5% of the 1,000 that was at acc(2), once: 30 of the 600 there, 20 of the 400 away.
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(570));
        assert_eq!(Delegations::get(&acc(3), &acc(10)), Some(380));
        check_invariants();
    });
}

#[test]
fn stake_redelegated_before_an_equivocation_report_is_slashed_with_it() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        run_to_block(3);
        assert_eq!(redelegate(10, 2, 3, 1_000), Ok(()));
        assert_eq!(dispatch(Origin::None, report(double_vote(2, 2, 0), None)), Ok(()));
        run_jobs_out();
        assert_eq!(validator(2).self_stake, 900);
        assert_eq!(Delegations::get(&acc(3), &acc(10)), Some(900));
        check_invariants();
        // Records of the era go with its history.
        run_to_era(HISTORY + 2);
        run_jobs_out();
        run_to_block(pallet_system::Number::get() + 3);
        assert_eq!(crate::Redelegations::iter_prefix(&(0, acc(2))).count(), 0);
        assert!(crate::RedelegatedFrom::get(&0).is_empty());
    });
}

#[test]
fn unjail_early_pays_the_treasury() {
    ExtBuilder::default().build_and_execute(|| {
        set_offline(acc(2), true);
        run_to_era(1);
        set_offline(acc(2), false);
        run_jobs_out();
        let before = free(2);
        assert_eq!(dispatch(signed(2), Call::unjail_early {}), Ok(()));
        assert_eq!(free(2), before - 500);
        assert_eq!(free(0xee), 500);
        assert!(staking_events().contains(&Event::Unjailed { validator: acc(2), fee: 500 }));
        assert_noop!(dispatch(signed(3), Call::unjail_early {}), err(Error::NotJailed));
    });
}

#[test]
fn unstaking_while_jailed_costs_a_penalty() {
    ExtBuilder::default().build_and_execute(|| {
        set_offline(acc(3), true);
        run_to_era(1);
        run_jobs_out();
        assert_eq!(validator(3).self_stake, 950);
        assert_eq!(dispatch(signed(3), Call::unstake {}), Ok(()));
        assert_eq!(Unbonding::get(&acc(3))[0].amount, 950 - 95);
        assert!(staking_events().contains(&Event::Unstaked {
            validator: acc(3),
            amount: 855,
            penalty: 95
        }));
    });
}

#[test]
fn equivocation_slashes_and_pays_the_reporter() {
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        assert_eq!(Staking::slash_equivocation(&acc(2), 0, Some(acc(9))), Ok(()));
        assert_eq!(Staking::slash_equivocation(&acc(7), 0, None), Err(err(Error::NotValidator)));
        let before = free(9);
        run_jobs_out();
        // 10% of 1,000 self + 1,000 delegated = 200 burned, 20 of it back to the reporter.
        assert_eq!(validator(2).self_stake, 900);
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(900));
        assert_eq!(free(9), before + 20);
        assert!(validator(2).is_jailed());
        run_to_era(1);
        assert!(!session_validators().contains(&acc(2)));
    });
}

/// A double precommit of validator `acc(i)` in round 3 of set `set_id`, signed with its
/// key (or `signer`'s).
fn double_vote(i: u8, signer: u8, set_id: u64) -> crate::EquivocationProof {
    use crate::{EquivocationProof, GrandpaEquivocation, VoteEquivocation, VoteTarget};
    use sp_core::Pair;
    let a = VoteTarget { target_hash: lattice_support::H256([1; 32]), target_number: 5 };
    let b = VoteTarget { target_hash: lattice_support::H256([2; 32]), target_number: 5 };
    let mut proof = EquivocationProof {
        set_id,
        equivocation: GrandpaEquivocation::Precommit(VoteEquivocation {
            round_number: 3,
            identity: grandpa_pair(i).public().0,
            first: (a, [0; 64]),
            second: (b, [0; 64]),
        }),
    };
    let sign = |vote: &VoteTarget| grandpa_pair(signer).sign(&proof.signing_payload(vote)).0;
    let (sa, sb) = (sign(&a), sign(&b));
    if let GrandpaEquivocation::Precommit(e) = &mut proof.equivocation {
        e.first.1 = sa;
        e.second.1 = sb;
    }
    proof
}

/// An unsigned report both the pool and dispatch refuse: `pool` as its validity, `error`
/// at dispatch, with storage unchanged.
fn assert_report_refused(
    call: Call,
    pool: lattice_support::lattice_primitives::InvalidTransaction,
    error: Error,
) {
    assert_eq!(Staking::validate_unsigned(&call), Err(pool.into()), "{call:?}");
    assert_noop!(dispatch(Origin::None, call), err(error));
}

fn report(proof: crate::EquivocationProof, reporter: Option<lattice_support::AccountId32>) -> Call {
    Call::report_equivocation { proof: alloc::boxed::Box::new(proof), reporter }
}

#[test]
fn reported_double_votes_are_verified_then_slashed_once_per_set() {
    use lattice_support::lattice_primitives::InvalidTransaction;
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        let good = double_vote(2, 2, 0);
        let valid = Staking::validate_unsigned(&report(good.clone(), Some(acc(9)))).unwrap();
        assert_eq!(valid.priority, u64::MAX);
        assert_eq!(valid.provides.len(), 1);

        // Bad proofs: signed by someone else, an old set, the same vote twice, a voter
        // outside the set; refused by the pool and by dispatch, nothing changes.
        let mut same = good.clone();
        if let crate::GrandpaEquivocation::Precommit(e) = &mut same.equivocation {
            e.second = e.first;
        }
        for bad in [double_vote(2, 3, 0), double_vote(2, 2, 1), same, double_vote(7, 7, 0)] {
            let refused = (InvalidTransaction::BadProof, Error::InvalidEquivocationProof);
            assert_report_refused(report(bad, None), refused.0, refused.1);
        }
        // Only unsigned.
        assert_noop!(dispatch(signed(9), report(good.clone(), None)), DispatchError::BadOrigin);
        // Other calls have no unsigned form.
        assert!(Staking::validate_unsigned(&Call::chill {}).is_err());

        let before = free(9);
        assert_eq!(dispatch(Origin::None, report(good.clone(), Some(acc(9)))), Ok(()));
        assert!(validator(2).is_jailed());
        // A second report in the set (even of another round) is stale.
        assert_report_refused(
            report(good, None),
            InvalidTransaction::Stale,
            Error::EquivocationAlreadyReported,
        );
        run_jobs_out();
        assert_eq!(validator(2).self_stake, 900);
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(900));
        assert_eq!(free(9), before + 20);
        check_invariants();
        // A set can outlive its era (no other candidate keeps it): the old double vote
        // is not punished again in the next era.
        CurrentEra::put(&1);
        assert_noop!(
            dispatch(Origin::None, report(double_vote(2, 2, 0), None)),
            err(Error::EquivocationAlreadyReported)
        );
    });
}

#[test]
fn double_vote_records_of_past_authority_sets_are_pruned() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(dispatch(Origin::None, report(double_vote(2, 2, 0), None)), Ok(()));
        let next = pallet_system::Number::get() + 1;
        run_to_block(next);
        assert!(crate::EquivocationsReported::contains_key(&0, &acc(2)), "set 0 is current");
        // Set 1 takes over: reports of set 0 are refused, so its records go.
        set_grandpa_set(1);
        assert_noop!(
            dispatch(Origin::None, report(double_vote(3, 3, 0), None)),
            err(Error::InvalidEquivocationProof)
        );
        run_to_block(next + 1);
        assert!(!crate::EquivocationsReported::contains_key(&0, &acc(2)));
        assert_eq!(crate::OldestReportedSet::get(), 1);
        run_to_block(next + 2);
        assert_eq!(crate::OldestReportedSet::get(), 1, "the current set is kept");
    });
}

/// A header of block #5 in `slot`, sealed with `signer`'s Aura key; `salt` tells two
/// such headers apart.
fn sealed_header(slot: u64, signer: u8, salt: u8) -> lattice_support::lattice_primitives::Header {
    use codec::Encode;
    use lattice_support::lattice_primitives::{Digest, DigestItem, Header};
    use sp_core::Pair;
    let mut header = Header {
        parent_hash: lattice_support::H256([salt; 32]),
        number: 5,
        state_root: lattice_support::H256([0; 32]),
        extrinsics_root: lattice_support::H256([0; 32]),
        digest: Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] },
    };
    let signature = aura_pair(signer).sign(header.hash().as_bytes());
    header.digest.logs.push(DigestItem::Seal(*b"aura", signature.0.to_vec()));
    header
}

/// Two blocks of `slot` that `acc(i)`'s key claims to have sealed, signed by `signer`.
fn two_blocks(i: u8, signer: u8, slot: u64) -> crate::BlockEquivocationProof {
    use sp_core::Pair;
    crate::BlockEquivocationProof {
        offender: aura_pair(i).public().0,
        slot,
        first_header: sealed_header(slot, signer, 1),
        second_header: sealed_header(slot, signer, 2),
    }
}

fn block_report(
    proof: crate::BlockEquivocationProof,
    reporter: Option<lattice_support::AccountId32>,
) -> Call {
    Call::report_block_equivocation { proof: alloc::boxed::Box::new(proof), reporter }
}

/// The latest slot of the current era so far that `who` authors (or would have).
fn slot_of(who: lattice_support::AccountId32) -> u64 {
    let validators = session_validators();
    let n = validators.len() as u64;
    let since = crate::EraStartSlot::get().unwrap_or(0);
    (since + 1..=crate::LastSlot::get().unwrap())
        .rev()
        .find(|s| validators[(s % n) as usize] == who)
        .expect("the era has a slot of every validator")
}

#[test]
fn reported_block_equivocations_are_verified_then_slashed_once_per_era() {
    use lattice_support::lattice_primitives::InvalidTransaction;
    ExtBuilder::default().delegations(vec![(acc(10), acc(2), 1_000)]).build_and_execute(|| {
        // Nine blocks into era 1: two of acc(2)'s slots are in the era.
        run_to_block(PERIOD + 9);
        let slot = slot_of(acc(2));
        let good = two_blocks(2, 2, slot);
        assert!(good.seals_hold());
        let valid = Staking::validate_unsigned(&block_report(good.clone(), Some(acc(9)))).unwrap();
        assert_eq!((valid.priority, valid.provides.len()), (u64::MAX, 1));

        // Bad proofs, refused by the pool and by dispatch with nothing changed: sealed by
        // another key; not the slot's author; one header twice; headers claiming
        // another slot; a header without a seal; a slot of the last era; a future slot.
        let mut same = good.clone();
        same.second_header = same.first_header.clone();
        let mut other_slot = good.clone();
        other_slot.second_header = sealed_header(slot + 1, 2, 2);
        let mut unsealed = good.clone();
        unsealed.second_header.digest.logs.pop();
        // Slots of acc(2)'s turn before the era and after the last block.
        let n = session_validators().len() as u64;
        let (since, last) = (crate::EraStartSlot::get().unwrap(), crate::LastSlot::get().unwrap());
        let old = (0..).map(|k| slot - k * n).find(|s| *s <= since).unwrap();
        let future = (0..).map(|k| slot + k * n).find(|s| *s > last).unwrap();
        for bad in [
            two_blocks(2, 3, slot),
            two_blocks(3, 3, slot),
            same,
            other_slot,
            unsealed,
            two_blocks(2, 2, old),
            two_blocks(2, 2, future),
        ] {
            let refused = (InvalidTransaction::BadProof, Error::InvalidEquivocationProof);
            assert_report_refused(block_report(bad, None), refused.0, refused.1);
        }
        assert_noop!(
            dispatch(signed(9), block_report(good.clone(), None)),
            DispatchError::BadOrigin
        );

        let before = free(9);
        assert_eq!(dispatch(Origin::None, block_report(good.clone(), Some(acc(9)))), Ok(()));
        assert!(validator(2).is_jailed());
        assert!(staking_events()
            .contains(&Event::EquivocationReported { offender: acc(2), reporter: Some(acc(9)) }));
        // Another pair of blocks of the same author in the era is stale.
        assert_report_refused(
            block_report(two_blocks(2, 2, slot - 4), None),
            InvalidTransaction::Stale,
            Error::EquivocationAlreadyReported,
        );
        run_jobs_out();
        // 10% of 1,000 self + 1,000 delegated burned, 10% of that to the reporter.
        assert_eq!(validator(2).self_stake, 900);
        assert_eq!(Delegations::get(&acc(2), &acc(10)), Some(900));
        assert_eq!(free(9), before + 20);
        check_invariants();
        // A double vote is another offence: it is punished too.
        assert_eq!(dispatch(Origin::None, report(double_vote(2, 2, 0), None)), Ok(()));
    });
}

// ---- parameters and history ------------------------------------------------------------

#[test]
fn set_params_is_root_only_and_checked() {
    ExtBuilder::default().build_and_execute(|| {
        let mut p = test_params();
        p.block_reward = 7;
        assert_noop!(
            dispatch(signed(1), Call::set_params { params: p.clone() }),
            DispatchError::BadOrigin
        );
        let mut bad = p.clone();
        bad.max_validators = 0;
        assert_noop!(
            dispatch(Origin::Root, Call::set_params { params: bad }),
            err(Error::InvalidParams)
        );
        assert_eq!(dispatch(Origin::Root, Call::set_params { params: p }), Ok(()));
        assert_eq!(Staking::params().block_reward, 7);
    });
}

#[test]
fn history_is_pruned_after_its_depth() {
    ExtBuilder::default().build_and_execute(|| {
        crate::BlockEquivocationsReported::insert(&0, &acc(2), &3);
        crate::BlockEquivocationsReported::insert(&(HISTORY + 1), &acc(3), &40);
        run_to_era(HISTORY + 2);
        run_jobs_out();
        run_to_block(pallet_system::Number::get() + 3);
        assert!(OldestHistoryEra::get() >= 1);
        assert!(ErasReward::get(&0).is_none());
        assert_eq!(Rewards::get(&0, &acc(2)), 0);
        assert_eq!(ErasPerformance::get(&0, &acc(2)), Performance::default());
        assert_eq!(crate::BlockEquivocationsReported::get(&0, &acc(2)), None);
        assert!(ErasReward::get(&(HISTORY + 1)).is_some());
        assert_eq!(crate::BlockEquivocationsReported::get(&(HISTORY + 1), &acc(3)), Some(40));
    });
}

#[test]
fn jobs_queue_survives_wraparound_of_positions() {
    ExtBuilder::default().build_and_execute(|| {
        JobsRange::put(&(u32::MAX - 1, u32::MAX - 1));
        run_to_block(11);
        run_jobs_out();
        let (first, end) = JobsRange::get();
        assert_eq!(first, end);
        assert!(first < 10, "wrapped");
        assert!(Jobs::iter().next().is_none());
    });
}

// ---- random sequences ----------------------------------------------------------------

/// A small deterministic generator (xorshift64*), so failures reproduce from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn random_calls_and_blocks_keep_every_invariant() {
    for seed in 1..=12u64 {
        ExtBuilder::default().params(|p| p.unbonding_period = 15).build_and_execute(|| {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let genesis = pallet_balances::GenesisIssuance::get();
            for _ in 0..300 {
                let who = 1 + rng.below(14) as u8;
                let v = 1 + rng.below(7) as u8;
                let amount = 50 + u128::from(rng.below(1_500));
                let call = match rng.below(14) {
                    0 => Call::validate {
                        stake: amount + 900,
                        commission: Perbill::from_percent(rng.below(60) as u32),
                        metadata: ValidatorMetadata::default(),
                    },
                    1 => Call::bond_extra { amount },
                    2 => Call::unbond { amount },
                    3 => Call::chill {},
                    4 => Call::unstake {},
                    5 | 6 => Call::delegate { validator: acc(v), amount },
                    7 => Call::undelegate { validator: acc(v), amount },
                    8 => Call::redelegate { from: acc(v), to: acc(1 + rng.below(7) as u8), amount },
                    9 => Call::unjail {},
                    10 => Call::unjail_early {},
                    11 => Call::set_commission {
                        commission: Perbill::from_percent(rng.below(15) as u32),
                    },
                    _ => {
                        // Blocks, with validators going offline and coming back.
                        set_offline(acc(v), rng.below(3) == 0);
                        if rng.below(10) == 0 {
                            let _ = Staking::slash_equivocation(
                                &acc(v),
                                CurrentEra::get(),
                                Some(acc(who)),
                            );
                        }
                        run_to_block(pallet_system::Number::get() + 1 + rng.below(6) as u32);
                        continue;
                    }
                };
                // Any outcome is fine; a failed call must leave no trace (transactional),
                // and the invariants are checked after every block.
                let _ = dispatch(Origin::Signed(acc(who)), call);
                check_invariants();
            }
            let minted = pallet_balances::Minted::get();
            let burned = pallet_balances::Burned::get();
            assert_eq!(Balances::total_issuance(), genesis + minted - burned);
            assert!(TotalRewarded::get() <= minted);
            assert!(TotalSlashed::get() <= burned);
        });
    }
}
