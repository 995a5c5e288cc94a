//! Tests of the sudo pallet.

use crate::mock::logger::{self, Log, Who};
use crate::mock::*;
use crate::*;
use codec::DecodeLimit;
use lattice_support::dispatch::{DispatchClass, ModuleError};
use lattice_support::lattice_primitives::MultiAddress;

fn log(i: u32, fail: bool) -> Box<RuntimeCall> {
    Box::new(RuntimeCall::Logger(logger::Call::log { i, fail }))
}

fn privileged(i: u32) -> Box<RuntimeCall> {
    Box::new(RuntimeCall::Logger(logger::Call::privileged_log { i }))
}

fn sudo_events() -> Vec<Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Sudo(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn require_sudo() -> DispatchError {
    DispatchError::Module(ModuleError { index: SUDO_INDEX, error: [0, 0, 0, 0] })
}

fn dispatch(call: Call<Test>, who: AccountId32) -> DispatchResult {
    call.dispatch(Origin::Signed(who))
}

#[test]
fn genesis_sets_the_key() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(Sudo::key(), Some(ALICE));
        end_block();
    });
    ExtBuilder::default().key(None).build().execute_with(|| {
        assert_eq!(Sudo::key(), None);
        assert_eq!(dispatch(Call::sudo { call: privileged(1) }, ALICE), Err(require_sudo()));
    });
}

#[test]
fn sudo_dispatches_as_root() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(dispatch(Call::sudo { call: privileged(42) }, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Root, 42)]);
        assert_eq!(sudo_events(), vec![Event::Sudid { sudo_result: Ok(()) }]);
        pallet_system::assert_last_event::<Test>(Event::Sudid { sudo_result: Ok(()) }.into());
        end_block();
    });
}

#[test]
fn sudo_reports_the_inner_failure_and_rolls_it_back() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(dispatch(Call::sudo { call: log(1, true) }, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![]);
        assert_eq!(sudo_events(), vec![Event::Sudid { sudo_result: Err(DispatchError::Other) }]);
        // A root-only call through sudo_as fails inside, not outside.
        assert_eq!(dispatch(Call::sudo_as { who: BOB.into(), call: privileged(2) }, ALICE), Ok(()));
        pallet_system::assert_last_event::<Test>(
            Event::SudoAsDone { sudo_result: Err(DispatchError::BadOrigin) }.into(),
        );
        end_block();
    });
}

#[test]
fn sudo_requires_the_key() {
    ExtBuilder::default().build().execute_with(|| {
        for call in [
            Call::sudo { call: privileged(1) },
            Call::sudo_unchecked_weight { call: privileged(1), weight: Weight::ZERO },
            Call::set_key { new: BOB.into() },
            Call::sudo_as { who: BOB.into(), call: log(1, false) },
            Call::remove_key,
        ] {
            assert_eq!(dispatch(call.clone(), BOB), Err(require_sudo()), "{call:?}");
            assert_eq!(call.dispatch(Origin::None), Err(DispatchError::BadOrigin));
        }
        assert_eq!(Log::get(), vec![]);
        assert_eq!(Sudo::key(), Some(ALICE));
        assert!(sudo_events().is_empty());
        end_block();
    });
}

#[test]
fn root_may_use_sudo_calls() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(Call::<Test>::sudo { call: privileged(3) }.dispatch(Origin::Root), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Root, 3)]);
        end_block();
    });
}

#[test]
fn sudo_unchecked_weight_dispatches_as_root_with_the_given_weight() {
    ExtBuilder::default().build().execute_with(|| {
        let weight = Weight::from_parts(123, 456);
        let call = Call::sudo_unchecked_weight { call: privileged(5), weight };
        let info = call.get_dispatch_info();
        assert_eq!(info.weight, weight);
        assert_eq!(info.class, DispatchClass::Operational);
        assert_eq!(dispatch(call, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Root, 5)]);
        assert_eq!(sudo_events(), vec![Event::Sudid { sudo_result: Ok(()) }]);
        end_block();
    });
}

#[test]
fn set_key_hands_over_the_key() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(dispatch(Call::set_key { new: BOB.into() }, ALICE), Ok(()));
        assert_eq!(Sudo::key(), Some(BOB));
        assert_eq!(sudo_events(), vec![Event::KeyChanged { old: Some(ALICE), new: BOB }]);
        assert_eq!(dispatch(Call::sudo { call: privileged(1) }, ALICE), Err(require_sudo()));
        assert_eq!(dispatch(Call::sudo { call: privileged(1) }, BOB), Ok(()));
        // `Address32` names an account too.
        let new = MultiAddress::Address32([3; 32]);
        assert_eq!(dispatch(Call::set_key { new }, BOB), Ok(()));
        assert_eq!(Sudo::key(), Some(AccountId32([3; 32])));
        end_block();
    });
}

#[test]
fn set_key_rejects_unresolvable_addresses() {
    ExtBuilder::default().build().execute_with(|| {
        let new = MultiAddress::Index(7);
        assert_eq!(dispatch(Call::set_key { new }, ALICE), Err(DispatchError::CannotLookup));
        let who = MultiAddress::Address20([1; 20]);
        let call = Call::sudo_as { who, call: log(1, false) };
        assert_eq!(dispatch(call, ALICE), Err(DispatchError::CannotLookup));
        assert_eq!(Sudo::key(), Some(ALICE));
        assert!(sudo_events().is_empty());
        end_block();
    });
}

#[test]
fn sudo_as_dispatches_as_the_given_account() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(dispatch(Call::sudo_as { who: BOB.into(), call: log(9, false) }, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Signed(BOB), 9)]);
        assert_eq!(sudo_events(), vec![Event::SudoAsDone { sudo_result: Ok(()) }]);
        assert_eq!(dispatch(Call::sudo_as { who: BOB.into(), call: log(10, true) }, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Signed(BOB), 9)]);
        pallet_system::assert_last_event::<Test>(
            Event::SudoAsDone { sudo_result: Err(DispatchError::Other) }.into(),
        );
        end_block();
    });
}

#[test]
fn remove_key_is_final() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(dispatch(Call::remove_key, ALICE), Ok(()));
        assert_eq!(Sudo::key(), None);
        assert_eq!(sudo_events(), vec![Event::KeyRemoved]);
        for call in [Call::sudo { call: privileged(1) }, Call::remove_key] {
            assert_eq!(dispatch(call, ALICE), Err(require_sudo()));
        }
        // Only root (governance) could set a key again.
        assert_eq!(Call::<Test>::set_key { new: BOB.into() }.dispatch(Origin::Root), Ok(()));
        pallet_system::assert_last_event::<Test>(Event::KeyChanged { old: None, new: BOB }.into());
        run_to_block(3);
        assert_eq!(Sudo::key(), Some(BOB));
    });
}

#[test]
fn nested_sudo_calls_work() {
    ExtBuilder::default().build().execute_with(|| {
        let inner = Box::new(RuntimeCall::Sudo(Call::sudo { call: privileged(4) }));
        assert_eq!(dispatch(Call::sudo { call: inner }, ALICE), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Root, 4)]);
        assert_eq!(sudo_events().len(), 2);
        end_block();
    });
}

#[test]
fn system_calls_through_sudo() {
    ExtBuilder::default().build().execute_with(|| {
        let call = RuntimeCall::System(pallet_system::Call::set_heap_pages { pages: 64 });
        assert_eq!(dispatch(Call::sudo { call: Box::new(call.clone()) }, ALICE), Ok(()));
        assert_eq!(sudo_events(), vec![Event::Sudid { sudo_result: Ok(()) }]);
        // Without sudo, the same call fails for a signed origin.
        assert_eq!(call.dispatch(Origin::Signed(ALICE)), Err(DispatchError::BadOrigin));
        end_block();
    });
}

#[test]
fn dispatch_info_wraps_the_inner_call() {
    let call = Call::<Test>::sudo { call: log(5, false) };
    let info = call.get_dispatch_info();
    assert_eq!(info.weight, Weight::from_parts(logger::log_weight(5) + SUDO_OVERHEAD, 7));
    assert_eq!(info.class, DispatchClass::Normal);
    assert_eq!(info.pays_fee, Pays::Yes);
    let call = Call::<Test>::sudo_as { who: BOB.into(), call: privileged(5) };
    let info = call.get_dispatch_info();
    assert_eq!(info.weight, Weight::from_parts(logger::log_weight(5) + SUDO_OVERHEAD, 0));
    assert_eq!(info.class, DispatchClass::Operational);
    assert_eq!(info.pays_fee, Pays::Yes);
    // A signed extrinsic is never mandatory: a mandatory inner call gives an operational
    // sudo call.
    let inherent = Box::new(RuntimeCall::Logger(logger::Call::inherent_log { i: 1 }));
    let call = Call::<Test>::sudo { call: inherent.clone() };
    assert_eq!(call.get_dispatch_info().class, DispatchClass::Operational);
    let call = Call::<Test>::sudo_unchecked_weight { call: inherent, weight: Weight::ZERO };
    assert_eq!(call.get_dispatch_info().class, DispatchClass::Operational);
    let saturating = Call::<Test>::sudo_unchecked_weight {
        call: Box::new(RuntimeCall::Sudo(Call::sudo { call: log(1, false) })),
        weight: Weight::from_parts(u64::MAX, u64::MAX),
    };
    let outer = Call::<Test>::sudo { call: Box::new(RuntimeCall::Sudo(saturating)) };
    assert_eq!(outer.get_dispatch_info().weight.ref_time, u64::MAX);
}

#[test]
fn encodings_match_substrate() {
    let inner = RuntimeCall::Logger(logger::Call::log { i: 1, fail: false });
    let call = Call::<Test>::sudo { call: Box::new(inner.clone()) };
    assert_eq!(call.encode(), [vec![0], inner.encode()].concat());
    let call = Call::<Test>::set_key { new: BOB.into() };
    assert_eq!(call.encode(), [vec![2, 0], vec![2; 32]].concat());
    let call = Call::<Test>::sudo_as { who: BOB.into(), call: Box::new(inner.clone()) };
    assert_eq!(call.encode(), [vec![3, 0], vec![2; 32], inner.encode()].concat());
    assert_eq!(Call::<Test>::remove_key.encode(), vec![4]);
    let weight = Weight::from_parts(1, 2);
    let call = Call::<Test>::sudo_unchecked_weight { call: Box::new(inner.clone()), weight };
    assert_eq!(call.encode(), [vec![1], inner.encode(), vec![4, 8]].concat());
    assert_eq!(Call::<Test>::decode(&mut &call.encode()[..]), Ok(call));
    assert_eq!(Event::Sudid { sudo_result: Ok(()) }.encode(), vec![0, 0]);
    assert_eq!(
        Event::SudoAsDone { sudo_result: Err(DispatchError::BadOrigin) }.encode(),
        vec![3, 1, 2]
    );
    assert_eq!(
        Event::KeyChanged { old: None, new: BOB }.encode(),
        [vec![1, 0], vec![2; 32]].concat()
    );
    assert_eq!(Event::KeyRemoved.encode(), vec![2]);
}

#[test]
fn deeply_nested_calls_fail_to_decode_within_a_depth_limit() {
    let mut call = RuntimeCall::Logger(logger::Call::log { i: 1, fail: false });
    for _ in 0..100 {
        call = RuntimeCall::Sudo(Call::sudo { call: Box::new(call) });
    }
    let encoded = call.encode();
    assert!(RuntimeCall::decode_with_depth_limit(50, &mut &encoded[..]).is_err());
    assert_eq!(RuntimeCall::decode_with_depth_limit(256, &mut &encoded[..]), Ok(call));
    // Truncated input is an error, not a panic.
    assert!(RuntimeCall::decode(&mut &encoded[..encoded.len() - 1]).is_err());
}

#[test]
fn metadata_describes_the_pallet() {
    let meta = Sudo::metadata();
    assert_eq!(meta.name, "Sudo");
    assert_eq!(meta.storage[0].name, "Key");
    assert!(meta.constants.is_empty());
    let mut registry = scale_info::Registry::new();
    for ty in [meta.calls, meta.event, meta.error].into_iter().flatten() {
        registry.register_type(&ty);
    }
    let portable: scale_info::PortableRegistry = registry.into();
    let call = portable
        .types
        .iter()
        .find(|t| t.ty.path.segments == ["pallet_sudo", "Call"])
        .expect("the call type is registered");
    let scale_info::TypeDef::Variant(variants) = &call.ty.type_def else {
        panic!("calls are an enum");
    };
    let names: Vec<_> = variants.variants.iter().map(|v| (v.name.as_str(), v.index)).collect();
    assert_eq!(
        names,
        [
            ("sudo", 0),
            ("sudo_unchecked_weight", 1),
            ("set_key", 2),
            ("sudo_as", 3),
            ("remove_key", 4)
        ]
    );
}
