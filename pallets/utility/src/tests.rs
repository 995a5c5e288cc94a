//! Tests of the utility pallet.

use crate::mock::logger::{self, Log, Who};
use crate::mock::*;
use crate::*;
use codec::DecodeLimit;
use lattice_support::dispatch::ModuleError;

fn log(i: u32) -> RuntimeCall {
    RuntimeCall::Logger(logger::Call::log { i, fail: false })
}

fn failing(i: u32) -> RuntimeCall {
    RuntimeCall::Logger(logger::Call::log { i, fail: true })
}

fn privileged(i: u32) -> RuntimeCall {
    RuntimeCall::Logger(logger::Call::privileged_log { i })
}

fn utility_events() -> Vec<Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Utility(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn signed(call: Call<Test>) -> DispatchResult {
    call.dispatch(Origin::Signed(ALICE))
}

fn too_many_calls() -> DispatchError {
    DispatchError::Module(ModuleError { index: UTILITY_INDEX, error: [0, 0, 0, 0] })
}

fn logged(items: &[u32]) -> Vec<(Who, u32)> {
    items.iter().map(|i| (Who::Signed(ALICE), *i)).collect()
}

#[test]
fn batch_dispatches_every_call_in_order() {
    ExtBuilder.build().execute_with(|| {
        assert_eq!(signed(Call::batch { calls: vec![log(1), log(2), log(3)] }), Ok(()));
        assert_eq!(Log::get(), logged(&[1, 2, 3]));
        use Event::*;
        assert_eq!(
            utility_events(),
            vec![ItemCompleted, ItemCompleted, ItemCompleted, BatchCompleted]
        );
        end_block();
    });
}

#[test]
fn batch_stops_at_the_first_failure() {
    ExtBuilder.build().execute_with(|| {
        assert_eq!(signed(Call::batch { calls: vec![log(1), failing(2), log(3)] }), Ok(()));
        // The failed item's own write is rolled back; the earlier item's stays.
        assert_eq!(Log::get(), logged(&[1]));
        assert_eq!(
            utility_events(),
            vec![
                Event::ItemCompleted,
                Event::BatchInterrupted { index: 1, error: DispatchError::Other }
            ]
        );
        end_block();
    });
}

#[test]
fn batch_keeps_the_origin_of_the_batch() {
    ExtBuilder.build().execute_with(|| {
        assert_eq!(signed(Call::batch { calls: vec![log(1), privileged(2)] }), Ok(()));
        pallet_system::assert_last_event::<Test>(
            Event::BatchInterrupted { index: 1, error: DispatchError::BadOrigin }.into(),
        );
        assert_eq!(Log::get(), logged(&[1]));
        let from_root = Call::<Test>::batch { calls: vec![log(3), privileged(4)] };
        assert_eq!(from_root.dispatch(Origin::Root), Ok(()));
        assert_eq!(Log::get()[1..], [(Who::Root, 3), (Who::Root, 4)]);
        pallet_system::assert_last_event::<Test>(Event::BatchCompleted.into());
        end_block();
    });
}

#[test]
fn batch_all_is_atomic() {
    ExtBuilder.build().execute_with(|| {
        let remark = RuntimeCall::System(pallet_system::Call::remark_with_event {
            remark: b"hello".to_vec(),
        });
        let calls = vec![log(1), remark.clone(), failing(2), log(3)];
        assert_eq!(signed(Call::batch_all { calls }), Err(DispatchError::Other));
        assert_eq!(Log::get(), vec![]);
        // Every event of the batch is reverted with it, the remark's too.
        assert!(System::events().is_empty());

        assert_eq!(signed(Call::batch_all { calls: vec![log(1), remark, log(3)] }), Ok(()));
        assert_eq!(Log::get(), logged(&[1, 3]));
        let events = System::events();
        assert!(matches!(
            events[1].event,
            RuntimeEvent::System(pallet_system::Event::Remarked { sender: ALICE, .. })
        ));
        use Event::*;
        assert_eq!(
            utility_events(),
            vec![ItemCompleted, ItemCompleted, ItemCompleted, BatchCompleted]
        );
        end_block();
    });
}

#[test]
fn batch_all_fails_with_a_root_only_call_from_a_signed_origin() {
    ExtBuilder.build().execute_with(|| {
        let calls = vec![log(1), privileged(2)];
        assert_eq!(signed(Call::batch_all { calls: calls.clone() }), Err(DispatchError::BadOrigin));
        assert_eq!(Log::get(), vec![]);
        assert_eq!(Call::<Test>::batch_all { calls }.dispatch(Origin::Root), Ok(()));
        assert_eq!(Log::get(), vec![(Who::Root, 1), (Who::Root, 2)]);
        end_block();
    });
}

#[test]
fn force_batch_dispatches_every_call_whatever_fails() {
    ExtBuilder.build().execute_with(|| {
        let calls = vec![log(1), failing(2), privileged(3), log(4)];
        assert_eq!(signed(Call::force_batch { calls }), Ok(()));
        assert_eq!(Log::get(), logged(&[1, 4]));
        assert_eq!(
            utility_events(),
            vec![
                Event::ItemCompleted,
                Event::ItemFailed { error: DispatchError::Other },
                Event::ItemFailed { error: DispatchError::BadOrigin },
                Event::ItemCompleted,
                Event::BatchCompletedWithErrors,
            ]
        );
        assert_eq!(signed(Call::force_batch { calls: vec![log(5)] }), Ok(()));
        pallet_system::assert_last_event::<Test>(Event::BatchCompleted.into());
        end_block();
    });
}

#[test]
fn batches_refuse_the_none_origin() {
    ExtBuilder.build().execute_with(|| {
        for call in [
            Call::<Test>::batch { calls: vec![log(1)] },
            Call::batch_all { calls: vec![log(1)] },
            Call::force_batch { calls: vec![log(1)] },
        ] {
            assert_eq!(call.dispatch(Origin::None), Err(DispatchError::BadOrigin));
        }
        assert_eq!(Log::get(), vec![]);
        assert!(System::events().is_empty());
        end_block();
    });
}

#[test]
fn batches_are_limited_in_size() {
    ExtBuilder.build().execute_with(|| {
        let over: Vec<_> = (0..=BATCHED_CALLS_LIMIT).map(log).collect();
        for call in [
            Call::<Test>::batch { calls: over.clone() },
            Call::batch_all { calls: over.clone() },
            Call::force_batch { calls: over },
        ] {
            assert_eq!(signed(call), Err(too_many_calls()));
        }
        assert_eq!(Log::get(), vec![]);
        assert!(System::events().is_empty());
        let at_limit: Vec<_> = (0..BATCHED_CALLS_LIMIT).map(log).collect();
        assert_eq!(signed(Call::batch_all { calls: at_limit }), Ok(()));
        assert_eq!(Log::get().len(), BATCHED_CALLS_LIMIT as usize);
        end_block();
    });
}

#[test]
fn empty_batches_complete() {
    ExtBuilder.build().execute_with(|| {
        for call in [
            Call::<Test>::batch { calls: vec![] },
            Call::batch_all { calls: vec![] },
            Call::force_batch { calls: vec![] },
        ] {
            assert_eq!(signed(call), Ok(()));
            pallet_system::assert_last_event::<Test>(Event::BatchCompleted.into());
        }
        end_block();
    });
}

#[test]
fn nested_batches() {
    ExtBuilder.build().execute_with(|| {
        let inner = RuntimeCall::Utility(Call::batch_all { calls: vec![log(1), failing(2)] });
        assert_eq!(signed(Call::batch { calls: vec![inner, log(3)] }), Ok(()));
        assert_eq!(Log::get(), vec![]);
        assert_eq!(
            utility_events(),
            vec![Event::BatchInterrupted { index: 0, error: DispatchError::Other }]
        );
        let inner = RuntimeCall::Utility(Call::batch { calls: vec![log(1), failing(2)] });
        assert_eq!(signed(Call::batch_all { calls: vec![inner, log(3)] }), Ok(()));
        assert_eq!(Log::get(), logged(&[1, 3]));
        run_to_block(3);
    });
}

#[test]
fn dispatch_info_sums_the_items() {
    let own = |n: u64| BATCH_BASE_WEIGHT + n * BATCH_ITEM_WEIGHT;
    let call = Call::<Test>::batch { calls: vec![log(1), privileged(2)] };
    let info = call.get_dispatch_info();
    let items = logger::log_weight(1) + logger::log_weight(2);
    assert_eq!(info.weight, Weight::from_parts(own(2) + items, 7));
    assert_eq!(info.class, DispatchClass::Normal);
    assert_eq!(info.pays_fee, Pays::Yes);
    // Only operational items: the batch is operational, as in Substrate.
    let call = Call::<Test>::force_batch { calls: vec![privileged(2), privileged(3)] };
    assert_eq!(call.get_dispatch_info().class, DispatchClass::Operational);
    // A mandatory item does not make the batch mandatory.
    let inherent = RuntimeCall::Logger(logger::Call::inherent_log { i: 1 });
    let call = Call::<Test>::batch { calls: vec![inherent.clone()] };
    assert_eq!(call.get_dispatch_info().class, DispatchClass::Operational);
    let call = Call::<Test>::batch { calls: vec![inherent, log(1)] };
    assert_eq!(call.get_dispatch_info().class, DispatchClass::Normal);
    let call = Call::<Test>::batch_all { calls: vec![] };
    assert_eq!(call.get_dispatch_info().weight, Weight::from_parts(own(0), 0));
    let nested = Call::<Test>::batch { calls: vec![RuntimeCall::Utility(call), log(1)] };
    assert_eq!(
        nested.get_dispatch_info().weight,
        Weight::from_parts(own(2) + own(0) + logger::log_weight(1), 7)
    );
}

#[test]
fn encodings_match_substrate() {
    let calls = vec![log(1), log(2)];
    let body = [vec![2 << 2], log(1).encode(), log(2).encode()].concat();
    assert_eq!(
        Call::<Test>::batch { calls: calls.clone() }.encode(),
        [vec![0], body.clone()].concat()
    );
    assert_eq!(
        Call::<Test>::batch_all { calls: calls.clone() }.encode(),
        [vec![2], body.clone()].concat()
    );
    let force = Call::<Test>::force_batch { calls };
    assert_eq!(force.encode(), [vec![4], body].concat());
    assert_eq!(Call::<Test>::decode(&mut &force.encode()[..]), Ok(force));
    // Indices 1 and 3 (as_derivative, dispatch_as) are not implemented.
    assert!(Call::<Test>::decode(&mut &[1u8, 0][..]).is_err());
    assert!(Call::<Test>::decode(&mut &[3u8, 0][..]).is_err());
    assert_eq!(
        Event::BatchInterrupted { index: 1, error: DispatchError::BadOrigin }.encode(),
        vec![0, 1, 0, 0, 0, 2]
    );
    assert_eq!(Event::ItemFailed { error: DispatchError::Other }.encode(), vec![4, 0]);
    assert_eq!(Event::BatchCompletedWithErrors.encode(), vec![2]);
    assert_eq!(Event::ItemCompleted.encode(), vec![3]);
}

#[test]
fn deeply_nested_batches_fail_to_decode_within_a_depth_limit() {
    let mut call = log(1);
    for _ in 0..100 {
        call = RuntimeCall::Utility(Call::batch { calls: vec![call] });
    }
    let encoded = call.encode();
    assert!(RuntimeCall::decode_with_depth_limit(50, &mut &encoded[..]).is_err());
    assert_eq!(RuntimeCall::decode_with_depth_limit(256, &mut &encoded[..]), Ok(call));
    // A length prefix far beyond the input is an error, not a huge allocation.
    let lying = [vec![7, 0], codec::Compact(u32::MAX).encode()].concat();
    assert!(RuntimeCall::decode(&mut &lying[..]).is_err());
}

#[test]
fn metadata_describes_the_pallet() {
    let meta = Utility::metadata();
    assert_eq!(meta.name, "Utility");
    assert!(meta.storage.is_empty());
    assert_eq!(meta.constants[0].name, "batched_calls_limit");
    assert_eq!(meta.constants[0].value, BATCHED_CALLS_LIMIT.encode());
    let mut registry = scale_info::Registry::new();
    for ty in [meta.calls, meta.event, meta.error].into_iter().flatten() {
        registry.register_type(&ty);
    }
    let portable: scale_info::PortableRegistry = registry.into();
    let call = portable
        .types
        .iter()
        .find(|t| t.ty.path.segments == ["pallet_utility", "Call"])
        .expect("the call type is registered");
    let scale_info::TypeDef::Variant(variants) = &call.ty.type_def else {
        panic!("calls are an enum");
    };
    let names: Vec<_> = variants.variants.iter().map(|v| (v.name.as_str(), v.index)).collect();
    assert_eq!(names, [("batch", 0), ("batch_all", 2), ("force_batch", 4)]);
}
