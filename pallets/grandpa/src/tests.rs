//! Tests of the GRANDPA pallet.

use crate::mock::*;
use crate::*;
use codec::{Decode, Encode};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::traits::Hooks;
use lattice_support::AccountId32;
use scale_info::TypeInfo;

/// The GRANDPA consensus items of the current block's digest, decoded.
fn grandpa_logs() -> Vec<ConsensusLog> {
    pallet_system::BlockDigest::get()
        .logs
        .into_iter()
        .filter_map(|item| match item {
            DigestItem::Consensus(id, data) if id == GRANDPA_ENGINE_ID => {
                Some(ConsensusLog::decode(&mut &data[..]).expect("a valid log"))
            }
            _ => None,
        })
        .collect()
}

/// The GRANDPA events of the current block.
fn grandpa_events() -> Vec<Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Grandpa(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn err(e: Error) -> DispatchError {
    module_error(GRANDPA_INDEX, e)
}

fn note_stalled(origin: Origin, delay: u32, best: u32) -> DispatchResult {
    Dispatch::<Test>::new(Call::note_stalled { delay, best_finalized_block_number: best })
        .dispatch(origin)
}

#[test]
fn genesis_sets_the_authorities() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(1), authority(2), authority(3)]);
        assert_eq!(Grandpa::current_set_id(), 0);
        assert_eq!(Grandpa::state(), StoredState::Live);
        assert_eq!(Grandpa::pending_change(), None);
    });
}

#[test]
fn genesis_rejects_bad_authority_sets() {
    let build = |authorities: AuthorityList| {
        TestExternalities::default().execute_with(|| GenesisConfig { authorities }.build::<Test>())
    };
    assert!(build(vec![]).is_err());
    assert!(build((1..=MAX_AUTHORITIES as u8 + 1).map(authority).collect()).is_err());
    assert!(build(vec![authority(1), authority(1)]).is_err());
    assert!(build(vec![(AuthorityId([1; 32]), 0)]).is_err());
    assert_eq!(build(vec![authority(1)]), Ok(()));
    ExtBuilder::default().build().execute_with(|| {
        assert!(GenesisConfig { authorities: vec![authority(9)] }.build::<Test>().is_err());
        assert_eq!(Grandpa::grandpa_authorities().len(), 3);
    });
}

#[test]
fn immediate_change_applies_in_the_signalling_block() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(1);
        start_block(2);
        let next = vec![authority(4), authority(5)];
        assert_eq!(Grandpa::schedule_change(next.clone(), 0, None), Ok(()));
        assert_eq!(
            grandpa_logs(),
            vec![ConsensusLog::ScheduledChange(ScheduledChange {
                next_authorities: next.clone(),
                delay: 0
            })]
        );
        assert_eq!(
            Grandpa::pending_change(),
            Some(StoredPendingChange {
                scheduled_at: 2,
                delay: 0,
                next_authorities: next.clone(),
                forced: None
            })
        );
        end_block();
        assert_eq!(Grandpa::grandpa_authorities(), next);
        assert_eq!(Grandpa::current_set_id(), 1);
        assert_eq!(Grandpa::pending_change(), None);
        assert_eq!(grandpa_events(), vec![Event::NewAuthorities { authority_set: next }]);
    });
}

#[test]
fn delayed_change_applies_after_its_delay() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_change(vec![authority(4)], 3, None), Ok(()));
        end_block();
        for n in 2..=3 {
            run_to_block(n);
            assert_eq!(Grandpa::current_set_id(), 0, "block {n}");
            assert!(grandpa_events().is_empty());
            assert!(grandpa_logs().is_empty());
        }
        run_to_block(4);
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(4)]);
        assert_eq!(Grandpa::current_set_id(), 1);
        assert_eq!(
            grandpa_events(),
            vec![Event::NewAuthorities { authority_set: vec![authority(4)] }]
        );
    });
}

#[test]
fn only_one_change_may_be_pending() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_change(vec![authority(4)], 5, None), Ok(()));
        assert_eq!(
            Grandpa::schedule_change(vec![authority(5)], 0, None),
            Err(err(Error::ChangePending))
        );
        assert_eq!(
            Grandpa::schedule_change(vec![authority(5)], 0, Some(0)),
            Err(err(Error::ChangePending))
        );
        assert_eq!(grandpa_logs().len(), 1);
        end_block();
        run_to_block(6);
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(4)]);
        start_block(7);
        assert_eq!(Grandpa::schedule_change(vec![authority(5)], 0, None), Ok(()));
        end_block();
        assert_eq!(Grandpa::current_set_id(), 2);
    });
}

#[test]
fn forced_changes_are_rate_limited() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_change(vec![authority(4)], 2, Some(0)), Ok(()));
        assert_eq!(
            grandpa_logs(),
            vec![ConsensusLog::ForcedChange(
                0,
                ScheduledChange { next_authorities: vec![authority(4)], delay: 2 }
            )]
        );
        assert_eq!(NextForced::get(), Some(5));
        end_block();
        run_to_block(3);
        assert_eq!(Grandpa::current_set_id(), 1);
        start_block(4);
        assert_eq!(
            Grandpa::schedule_change(vec![authority(5)], 0, Some(3)),
            Err(err(Error::TooSoon))
        );
        // A standard change is not rate limited.
        assert_eq!(Grandpa::schedule_change(vec![authority(5)], 0, None), Ok(()));
        end_block();
        start_block(5);
        assert_eq!(Grandpa::schedule_change(vec![authority(6)], 0, Some(4)), Ok(()));
        end_block();
        assert_eq!(Grandpa::current_set_id(), 3);
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(6)]);
    });
}

#[test]
fn invalid_sets_are_refused_and_oversized_ones_truncated() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_change(vec![], 0, None), Err(DispatchError::Other));
        assert_eq!(
            Grandpa::schedule_change(vec![authority(4), authority(4)], 0, None),
            Err(DispatchError::Other)
        );
        assert_eq!(
            Grandpa::schedule_change(vec![(AuthorityId([4; 32]), 0)], 0, None),
            Err(DispatchError::Other)
        );
        assert!(grandpa_logs().is_empty());
        let many: AuthorityList = (10..20).map(authority).collect();
        assert_eq!(Grandpa::schedule_change(many, 0, None), Ok(()));
        end_block();
        assert_eq!(Grandpa::grandpa_authorities(), (10..14).map(authority).collect::<Vec<_>>());
    });
}

#[test]
fn pause_and_resume() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_resume(1), Err(err(Error::ResumeFailed)));
        assert_eq!(Grandpa::schedule_pause(2), Ok(()));
        assert_eq!(Grandpa::state(), StoredState::PendingPause { scheduled_at: 1, delay: 2 });
        assert_eq!(grandpa_logs(), vec![ConsensusLog::Pause(2)]);
        assert_eq!(Grandpa::schedule_pause(2), Err(err(Error::PauseFailed)));
        assert_eq!(Grandpa::schedule_resume(2), Err(err(Error::ResumeFailed)));
        end_block();
        run_to_block(2);
        assert!(grandpa_events().is_empty());
        run_to_block(3);
        assert_eq!(Grandpa::state(), StoredState::Paused);
        assert_eq!(grandpa_events(), vec![Event::Paused]);

        start_block(4);
        assert_eq!(Grandpa::schedule_pause(0), Err(err(Error::PauseFailed)));
        assert_eq!(Grandpa::schedule_resume(0), Ok(()));
        assert_eq!(grandpa_logs(), vec![ConsensusLog::Resume(0)]);
        end_block();
        assert_eq!(Grandpa::state(), StoredState::Live);
        assert_eq!(grandpa_events(), vec![Event::Resumed]);
    });
}

#[test]
fn note_stalled_is_root_only() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        let alice = AccountId32([1; 32]);
        assert_eq!(note_stalled(Origin::Signed(alice), 10, 1), Err(DispatchError::BadOrigin));
        assert_eq!(note_stalled(Origin::None, 10, 1), Err(DispatchError::BadOrigin));
        assert_eq!(Stalled::get(), None);
        assert_eq!(note_stalled(Origin::Root, 10, 1), Ok(()));
        assert_eq!(Stalled::get(), Some((10, 1)));
        end_block();
    });
}

#[test]
fn new_session_turns_a_stall_into_a_forced_change() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(note_stalled(Origin::Root, 2, 0), Ok(()));
        // Unchanged validators and no stall: nothing happens.
        Stalled::kill();
        Grandpa::on_new_session(false, vec![authority(4)]);
        assert_eq!(Grandpa::pending_change(), None);
        assert_eq!(note_stalled(Origin::Root, 2, 0), Ok(()));
        Grandpa::on_new_session(false, vec![authority(4)]);
        assert_eq!(Grandpa::pending_change().and_then(|p| p.forced), Some(0));
        assert_eq!(Stalled::get(), None);
        end_block();
        run_to_block(3);
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(4)]);
        assert_eq!(Grandpa::current_set_id(), 1);
    });
}

#[test]
fn new_session_with_changed_validators_schedules_an_immediate_change() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        Grandpa::on_new_session(true, vec![authority(7)]);
        end_block();
        assert_eq!(Grandpa::grandpa_authorities(), vec![authority(7)]);
    });
}

#[test]
fn new_session_keeps_the_stall_when_a_change_is_pending() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        assert_eq!(Grandpa::schedule_change(vec![authority(4)], 5, None), Ok(()));
        assert_eq!(note_stalled(Origin::Root, 2, 0), Ok(()));
        Grandpa::on_new_session(true, vec![authority(5)]);
        assert_eq!(Stalled::get(), Some((2, 0)));
        assert_eq!(Grandpa::pending_change().map(|p| p.next_authorities), Some(vec![authority(4)]));
        end_block();
    });
}

#[test]
fn on_disabled_signals_the_index() {
    ExtBuilder::default().build().execute_with(|| {
        start_block(1);
        Grandpa::on_disabled(2);
        assert_eq!(grandpa_logs(), vec![ConsensusLog::OnDisabled(2)]);
        end_block();
    });
}

#[test]
fn try_state_detects_broken_invariants() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(5);
        let overdue = StoredPendingChange {
            scheduled_at: 3,
            delay: 1,
            next_authorities: vec![authority(4)],
            forced: None,
        };
        PendingChange::put(&overdue);
        assert_eq!(Grandpa::try_state(5), Err("Grandpa: a pending change is overdue"));
        PendingChange::put(&StoredPendingChange { scheduled_at: 9, ..overdue });
        assert!(Grandpa::try_state(5).is_err());
        PendingChange::kill();
        State::put(&StoredState::PendingPause { scheduled_at: 2, delay: 1 });
        assert!(Grandpa::try_state(5).is_err());
        State::put(&StoredState::Live);
        Authorities::put(&vec![authority(1), authority(1)]);
        assert_eq!(Grandpa::try_state(5), Err("Grandpa: an authority appears twice"));
        Authorities::put(&vec![]);
        assert!(Grandpa::try_state(5).is_err());
    });
}

#[test]
fn encodings_match_substrate() {
    // note_stalled: call index 2, then two plain u32.
    let call = Call::note_stalled { delay: 1000, best_finalized_block_number: 7 };
    assert_eq!(call.encode(), [vec![2], 1000u32.encode(), 7u32.encode()].concat());
    assert_eq!(Call::decode(&mut &call.encode()[..]), Ok(call.clone()));
    assert_eq!(call.get_dispatch_info().class, lattice_support::dispatch::DispatchClass::Normal);
    // ConsensusLog::ScheduledChange: index 1, the list of (key, u64 weight), the u32 delay.
    let log = ConsensusLog::ScheduledChange(ScheduledChange {
        next_authorities: vec![authority(9)],
        delay: 3,
    });
    let expected = [vec![1, 1 << 2], vec![9; 32], 1u64.encode(), 3u32.encode()].concat();
    assert_eq!(log.encode(), expected);
    assert_eq!(ConsensusLog::OnDisabled(5).encode(), [vec![3], 5u64.encode()].concat());
    assert_eq!(ConsensusLog::Pause(5).encode(), [vec![4], 5u32.encode()].concat());
    assert_eq!(ConsensusLog::Resume(5).encode(), [vec![5], 5u32.encode()].concat());
    assert_eq!(
        ConsensusLog::ForcedChange(8, ScheduledChange { next_authorities: vec![], delay: 1 })
            .encode(),
        [vec![2], 8u32.encode(), vec![0], 1u32.encode()].concat()
    );
    assert_eq!(
        StoredState::PendingPause { scheduled_at: 1, delay: 2 }.encode(),
        vec![1, 1, 0, 0, 0, 2, 0, 0, 0]
    );
    assert_eq!(Event::Resumed.encode(), vec![2]);
    assert_eq!(
        err(Error::DuplicateOffenceReport),
        DispatchError::Module(lattice_support::dispatch::ModuleError {
            index: GRANDPA_INDEX,
            error: [6, 0, 0, 0],
        })
    );
}

#[test]
fn metadata_uses_substrate_names_and_paths() {
    let meta = Grandpa::metadata();
    assert_eq!(meta.name, "Grandpa");
    let names: Vec<_> = meta.storage.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        ["State", "PendingChange", "NextForced", "Stalled", "CurrentSetId", "Authorities"]
    );
    assert_eq!(meta.constants[0].name, "MaxAuthorities");
    assert_eq!(meta.constants[0].value, MAX_AUTHORITIES.encode());
    let mut registry = scale_info::Registry::new();
    for ty in [meta.calls, meta.event, meta.error].into_iter().flatten() {
        registry.register_type(&ty);
    }
    let path = |t: scale_info::Type| t.path.segments.join("::");
    assert_eq!(path(AuthorityId::type_info()), "sp_consensus_grandpa::app::Public");
    assert_eq!(path(StoredState::type_info()), "pallet_grandpa::StoredState");
    assert_eq!(path(StoredPendingChange::type_info()), "pallet_grandpa::StoredPendingChange");
}
