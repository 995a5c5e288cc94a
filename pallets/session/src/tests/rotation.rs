//! Rotations: when they happen, what they hand to Aura and GRANDPA, and when they do not.

use super::*;
use crate::Event;
use lattice_support::dispatch::Dispatchable;
use lattice_support::traits::{FindAuthor, Hooks};
use pallet_aura::ConsensusLog as AuraLog;
use pallet_grandpa::{ConsensusLog as GrandpaLog, ScheduledChange};

/// Runs to block `n` and finishes it; its header (events and digest stay readable).
fn finish(n: u32) -> lattice_support::lattice_primitives::Header {
    run_to_block(n);
    finish_block()
}

#[test]
fn sessions_end_exactly_at_multiples_of_the_period() {
    ExtBuilder::default().build_and_execute(|| {
        for n in 1..=11 {
            let header = finish(n);
            let index = n / PERIOD;
            assert_eq!(Session::current_index(), index, "after block {n}");
            let expected = if n % PERIOD == 0 {
                vec![Event::NewSession { session_index: index }]
            } else {
                vec![]
            };
            assert_eq!(session_events(), expected, "block {n}");
            assert_eq!(aura_logs(&header), vec![], "no change without a new set");
            start_next_block(&header);
        }
        use ManagerCall::*;
        assert_eq!(manager_calls(), vec![End(0), New(1), Start(1), End(1), New(2), Start(2)]);
    });
}

#[test]
fn a_period_of_one_rotates_every_block() {
    ExtBuilder::default().period(1).build_and_execute(|| {
        run_to_block(4);
        assert_eq!(Session::current_index(), 3);
    });
}

#[test]
fn on_initialize_charges_the_rotation_in_its_block() {
    ExtBuilder::default().build_and_execute(|| {
        let db = <Test as pallet_system::Config>::DB_WEIGHT;
        assert_eq!(Session::on_initialize(4), db.reads_writes(1, 0));
        assert_eq!(Session::on_initialize(0), db.reads_writes(1, 0));
        let rotation = crate::weights::rotation(db, u64::from(AURA_MAX));
        assert_eq!(Session::on_initialize(5), rotation);
        assert_eq!(Session::on_initialize(10), rotation);
        assert!(rotation.ref_time > db.reads_writes(1, 0).ref_time);
        assert_eq!(Session::max_validators(), AURA_MAX);
    });
}

#[test]
fn new_validators_take_over_aura_and_grandpa() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        set_next_validators(Some(accounts(&[2, 3, 4])));
        let header = finish(4);
        assert_eq!(aura_logs(&header), vec![]);
        assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
        start_next_block(&header);

        let header = finish_block();
        assert_eq!(Session::validators(), accounts(&[2, 3, 4]));
        assert_eq!(
            Session::queued_keys(),
            vec![(account(2), keys(2)), (account(3), keys(3)), (account(4), keys(4))]
        );
        assert_eq!(Aura::authorities(), aura_keys(&[2, 3, 4]));
        assert_eq!(aura_logs(&header), vec![AuraLog::AuthoritiesChange(aura_keys(&[2, 3, 4]))]);
        assert_eq!(
            grandpa_logs(&header),
            vec![GrandpaLog::ScheduledChange(ScheduledChange {
                next_authorities: grandpa_set(&[2, 3, 4]),
                delay: 0,
            })]
        );
        // Session's on_finalize runs before GRANDPA's: the change applies in this block.
        assert_eq!(Grandpa::pending_change(), None);
        assert_eq!(Grandpa::current_set_id(), 1);
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[2, 3, 4]));
        assert_eq!(
            grandpa_events(),
            vec![pallet_grandpa::Event::NewAuthorities { authority_set: grandpa_set(&[2, 3, 4]) }]
        );
        assert_eq!(session_events(), vec![Event::NewSession { session_index: 1 }]);
        use ManagerCall::*;
        assert_eq!(manager_calls(), vec![End(0), New(1), Start(1)]);

        // Block 6 is in slot 106: the second of three authorities, validator 3.
        start_next_block(&header);
        assert_eq!(crate::FindSessionAuthor::<Test>::find_author(), Some(account(3)));
        // The same set next session: nothing more changes.
        let header = finish(10);
        assert_eq!((aura_logs(&header), grandpa_logs(&header)), (vec![], vec![]));
        assert_eq!(Grandpa::current_set_id(), 1);
    });
}

#[test]
fn the_same_set_or_none_changes_nothing() {
    for next in [None, Some(accounts(&[1, 2, 3]))] {
        ExtBuilder::default().build_and_execute(|| {
            set_next_validators(next.clone());
            let header = finish(5);
            assert_eq!(aura_logs(&header), vec![]);
            assert_eq!(grandpa_logs(&header), vec![]);
            assert_eq!(Grandpa::current_set_id(), 0);
            assert_eq!(grandpa_events(), vec![]);
            assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
            // The session still ends.
            assert_eq!(Session::current_index(), 1);
            assert_eq!(session_events(), vec![Event::NewSession { session_index: 1 }]);
        });
    }
}

#[test]
fn a_new_turn_order_is_a_change() {
    ExtBuilder::default().build_and_execute(|| {
        set_next_validators(Some(accounts(&[3, 2, 1])));
        let header = finish(5);
        assert_eq!(Aura::authorities(), aura_keys(&[3, 2, 1]));
        assert_eq!(grandpa_logs(&header).len(), 1);
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[3, 2, 1]));
    });
}

#[test]
fn candidates_without_keys_or_listed_twice_are_left_out() {
    ExtBuilder::default().build_and_execute(|| {
        // 4 and 5 exist but have no keys; 9 does not even exist.
        set_next_validators(Some(accounts(&[4, 2, 2, 5, 9, 1, 2])));
        finish(5);
        assert_eq!(Session::validators(), accounts(&[2, 1]));
        assert_eq!(Aura::authorities(), aura_keys(&[2, 1]));
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[2, 1]));
    });
}

#[test]
fn no_candidate_with_keys_keeps_the_current_set() {
    for next in [vec![4, 5], vec![]] {
        ExtBuilder::default().build_and_execute(|| {
            set_next_validators(Some(accounts(&next)));
            let header = finish(5);
            assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
            assert_eq!((aura_logs(&header), grandpa_logs(&header)), (vec![], vec![]));
            assert_eq!(session_events(), vec![Event::NewSession { session_index: 1 }]);
        });
    }
}

#[test]
fn a_set_larger_than_aura_allows_is_cut() {
    ExtBuilder::default().build_and_execute(|| {
        for i in 4..=6 {
            assert_eq!(set_keys(account(i), keys(i)), Ok(()));
        }
        set_next_validators(Some(accounts(&[6, 5, 4, 3, 2, 1])));
        finish(5);
        // Aura allows 4 (GRANDPA 6): the first 4, the same for both.
        assert_eq!(Session::validators(), accounts(&[6, 5, 4, 3]));
        assert_eq!(Aura::authorities(), aura_keys(&[6, 5, 4, 3]));
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[6, 5, 4, 3]));
    });
}

#[test]
fn replaced_keys_take_effect_at_the_next_rotation() {
    for next in [None, Some(accounts(&[1, 2, 3]))] {
        ExtBuilder::default().build_and_execute(|| {
            set_next_validators(next.clone());
            assert_eq!(set_keys(account(2), keys(8)), Ok(()));
            let header = finish(4);
            // Until the rotation, validator 2 validates with its old keys.
            assert_eq!(Aura::authorities(), aura_keys(&[1, 2, 3]));
            start_next_block(&header);
            let header = finish_block();
            assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
            assert_eq!(Session::queued_keys()[1], (account(2), keys(8)));
            assert_eq!(Aura::authorities(), aura_keys(&[1, 8, 3]));
            assert_eq!(aura_logs(&header), vec![AuraLog::AuthoritiesChange(aura_keys(&[1, 8, 3]))]);
            assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[1, 8, 3]));
            assert_eq!(Grandpa::current_set_id(), 1);
        });
    }
}

#[test]
fn a_validator_that_purges_its_keys_is_left_out_at_the_next_rotation() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(purge_keys(account(2)), Ok(()));
        assert_eq!(consumers(account(2)), 0);
        // It validates until the session ends, with its keys in effect.
        let header = finish(4);
        assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
        assert_eq!(Session::queued_keys()[1], (account(2), keys(2)));
        start_next_block(&header);
        finish_block();
        assert_eq!(Session::validators(), accounts(&[1, 3]));
        assert_eq!(Aura::authorities(), aura_keys(&[1, 3]));
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[1, 3]));
    });
}

#[test]
fn a_pending_grandpa_change_postpones_the_new_set() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        set_next_validators(Some(accounts(&[2, 3, 4])));
        // A change to the same voters, due in block 13.
        run_to_block(3);
        assert_eq!(Grandpa::schedule_change(grandpa_set(&[1, 2, 3]), 10, None), Ok(()));
        // GRANDPA refuses the session's change: neither engine changes.
        for end in [5, 10] {
            let header = finish(end);
            assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
            assert_eq!(Aura::authorities(), aura_keys(&[1, 2, 3]));
            assert_eq!((aura_logs(&header), grandpa_logs(&header)), (vec![], vec![]));
            assert_eq!(Session::current_index(), end / PERIOD);
            assert_eq!(session_events(), vec![Event::NewSession { session_index: end / PERIOD }]);
            start_next_block(&header);
        }
        finish(13);
        assert_eq!((Grandpa::pending_change(), Grandpa::current_set_id()), (None, 1));
        // With nothing pending any more, the next rotation goes through.
        finish(15);
        assert_eq!(Session::validators(), accounts(&[2, 3, 4]));
        assert_eq!(Aura::authorities(), aura_keys(&[2, 3, 4]));
        assert_eq!(Grandpa::current_set_id(), 2);
    });
}

#[test]
fn grandpa_refusing_the_change_leaves_aura_unchanged() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        set_next_validators(Some(accounts(&[1, 4])));
        // A stall is noted, but a forced change happened recently: GRANDPA refuses to
        // force another before block 20 (`TooSoon`), with nothing pending.
        let call = pallet_grandpa::Call::note_stalled { delay: 2, best_finalized_block_number: 1 };
        assert_eq!(pallet_grandpa::Dispatch::<Test>::new(call).dispatch(Origin::Root), Ok(()));
        pallet_grandpa::NextForced::put(&20);
        let header = finish(5);
        assert_eq!(Grandpa::pending_change(), None);
        assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
        assert_eq!(Session::queued_keys()[1], (account(2), keys(2)));
        assert_eq!(Aura::authorities(), aura_keys(&[1, 2, 3]));
        assert_eq!((aura_logs(&header), grandpa_logs(&header)), (vec![], vec![]));
        assert!(pallet_grandpa::Stalled::get().is_some(), "the stall waits for the next session");
        assert_eq!(session_events(), vec![Event::NewSession { session_index: 1 }]);
        // Once GRANDPA may force again, the next rotation goes through.
        start_next_block(&header);
        finish(20);
        assert_eq!(Session::validators(), accounts(&[1, 4]));
        assert_eq!(Aura::authorities(), aura_keys(&[1, 4]));
        assert_eq!(pallet_grandpa::Stalled::get(), None);
    });
}

#[test]
fn a_stall_forces_the_new_set() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        set_next_validators(Some(accounts(&[2, 3, 4])));
        let call = pallet_grandpa::Call::note_stalled { delay: 3, best_finalized_block_number: 2 };
        assert_eq!(pallet_grandpa::Dispatch::<Test>::new(call).dispatch(Origin::Root), Ok(()));
        let header = finish(5);
        let change = ScheduledChange { next_authorities: grandpa_set(&[2, 3, 4]), delay: 3 };
        assert_eq!(grandpa_logs(&header), vec![GrandpaLog::ForcedChange(2, change)]);
        assert_eq!(pallet_grandpa::Stalled::get(), None);
        // Aura changes at once; GRANDPA's runtime set when the forced change is due.
        assert_eq!(Aura::authorities(), aura_keys(&[2, 3, 4]));
        assert_eq!(Session::validators(), accounts(&[2, 3, 4]));
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[1, 2, 3]));
        run_to_block(8);
        finish_block();
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[2, 3, 4]));
    });
}

#[test]
fn a_stall_with_the_same_set_forces_that_set() {
    ExtBuilder::default().build_and_execute(|| {
        let call = pallet_grandpa::Call::note_stalled { delay: 3, best_finalized_block_number: 2 };
        assert_eq!(pallet_grandpa::Dispatch::<Test>::new(call).dispatch(Origin::Root), Ok(()));
        let header = finish(5);
        let change = ScheduledChange { next_authorities: grandpa_set(&[1, 2, 3]), delay: 3 };
        assert_eq!(grandpa_logs(&header), vec![GrandpaLog::ForcedChange(2, change)]);
        assert_eq!(aura_logs(&header), vec![]);
    });
}

#[test]
fn with_session_after_grandpa_the_grandpa_set_changes_a_block_later() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        set_next_validators(Some(accounts(&[2, 3, 4])));
        let grandpa_then_session = |n| {
            Grandpa::on_finalize(n);
            Session::on_finalize(n);
        };
        run_to_block(5);
        let header = finish_block_with(grandpa_then_session);
        // Both engines signal in the session's last block, Aura changes at once...
        assert_eq!(aura_logs(&header).len(), 1);
        assert_eq!(grandpa_logs(&header).len(), 1);
        assert_eq!(Aura::authorities(), aura_keys(&[2, 3, 4]));
        assert_eq!(Session::try_state(5), Ok(()));
        // ...and GRANDPA's on_finalize of the next block applies its change.
        assert_eq!(Grandpa::current_set_id(), 0);
        assert!(Grandpa::pending_change().is_some());
        start_next_block(&header);
        finish_block_with(grandpa_then_session);
        assert_eq!(Grandpa::current_set_id(), 1);
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[2, 3, 4]));
        check_invariants();
    });
}
