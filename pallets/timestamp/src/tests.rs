//! Tests of the timestamp pallet.

use crate::mock::*;
use crate::*;
use lattice_support::dispatch::{DispatchClass, Pays};
use lattice_support::lattice_primitives::DispatchError;
use lattice_support::traits::Hooks;
use lattice_support::AccountId32;

fn set(now: u64, origin: Origin) -> DispatchResult {
    Dispatch::<Test>::new(Call::set { now }).dispatch(origin)
}

fn err(e: Error) -> DispatchError {
    module_error(TIMESTAMP_INDEX, e)
}

fn data(time: u64) -> InherentData {
    let mut d = InherentData::default();
    d.put(TIMESTAMP_INHERENT, &time);
    d
}

#[test]
fn set_stores_the_time() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        assert_eq!(set(42, Origin::None), Ok(()));
        assert_eq!(Timestamp::now(), 42);
        assert!(DidUpdate::get());
        assert_eq!(HOOK_CALLS.with(|c| c.borrow().clone()), vec![42]);
        end_block();
        assert!(!DidUpdate::exists());
        assert_eq!(Timestamp::now(), 42);
    });
}

#[test]
fn set_requires_the_none_origin() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        assert_eq!(set(42, Origin::Signed(AccountId32([1; 32]))), Err(DispatchError::BadOrigin));
        assert_eq!(set(42, Origin::Root), Err(DispatchError::BadOrigin));
        assert_eq!(Timestamp::now(), 0);
        assert!(!DidUpdate::exists());
    });
}

#[test]
fn set_twice_in_a_block_fails() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        assert_eq!(set(5_000, Origin::None), Ok(()));
        assert_eq!(set(9_000, Origin::None), Err(err(Error::AlreadyUpdated)));
        assert_eq!(Timestamp::now(), 5_000);
    });
}

#[test]
fn set_enforces_the_minimum_period() {
    ExtBuilder.build().execute_with(|| {
        run_to_block(1);
        let previous = Timestamp::now();
        start_block(2);
        assert_eq!(set(previous + MINIMUM_PERIOD - 1, Origin::None), Err(err(Error::TooEarly)));
        assert_eq!(set(previous, Origin::None), Err(err(Error::TooEarly)));
        assert_eq!(Timestamp::now(), previous);
        assert!(!DidUpdate::exists());
        assert_eq!(set(previous + MINIMUM_PERIOD, Origin::None), Ok(()));
        end_block();
    });
}

#[test]
fn first_block_accepts_any_time() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        assert_eq!(set(0, Origin::None), Ok(()));
        end_block();
        start_block(2);
        // The previous time is still zero: any time is accepted, as in Substrate.
        assert_eq!(set(1, Origin::None), Ok(()));
        end_block();
    });
}

#[test]
fn set_near_the_maximum_time_does_not_overflow() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        assert_eq!(set(u64::MAX, Origin::None), Ok(()));
        end_block();
        start_block(2);
        assert_eq!(set(u64::MAX, Origin::None), Err(err(Error::TooEarly)));
        let call = Timestamp::create_inherent(&data(5));
        assert_eq!(call, Some(Call::set { now: u64::MAX }));
        let call = Call::set { now: u64::MAX };
        assert_eq!(
            Timestamp::check_inherent(&call, &data(u64::MAX)),
            Err(TimestampInherentError::TooEarly)
        );
    });
}

#[test]
fn failing_hook_fails_set_and_leaves_no_trace() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        FAIL_HOOK.with(|f| f.set(true));
        assert_eq!(set(42, Origin::None), Err(DispatchError::Other));
        assert_eq!(Timestamp::now(), 0);
        assert!(!DidUpdate::exists());
        FAIL_HOOK.with(|f| f.set(false));
        assert_eq!(set(42, Origin::None), Ok(()));
    });
}

#[test]
#[should_panic(expected = "the timestamp must be set once in the block")]
fn block_without_timestamp_is_invalid() {
    ExtBuilder.build().execute_with(|| {
        start_block(1);
        end_block();
    });
}

#[test]
fn run_to_block_checks_invariants_every_block() {
    ExtBuilder.build().execute_with(|| {
        run_to_block(10);
        assert_eq!(Timestamp::now(), 10 * 2 * MINIMUM_PERIOD);
        assert_eq!(HOOK_CALLS.with(|c| c.borrow().len()), 10);
    });
}

#[test]
fn try_state_detects_a_stale_did_update() {
    ExtBuilder.build().execute_with(|| {
        run_to_block(1);
        DidUpdate::put(&true);
        assert!(Timestamp::try_state(1).is_err());
    });
}

#[test]
fn create_inherent_uses_the_authors_clock() {
    ExtBuilder.build().execute_with(|| {
        assert_eq!(Timestamp::create_inherent(&data(7_000)), Some(Call::set { now: 7_000 }));
        run_to_block(3);
        let now = Timestamp::now();
        // A clock behind the chain is raised to the earliest valid time.
        assert_eq!(
            Timestamp::create_inherent(&data(now)),
            Some(Call::set { now: now + MINIMUM_PERIOD })
        );
        assert_eq!(Timestamp::create_inherent(&InherentData::default()), None);
        let mut bad = InherentData::default();
        bad.put(TIMESTAMP_INHERENT, &1u8);
        assert_eq!(Timestamp::create_inherent(&bad), None);
    });
}

#[test]
fn check_inherent_accepts_valid_times() {
    ExtBuilder.build().execute_with(|| {
        run_to_block(1);
        let now = Timestamp::now();
        let call = Call::set { now: now + MINIMUM_PERIOD };
        assert_eq!(Timestamp::check_inherent(&call, &data(now + MINIMUM_PERIOD)), Ok(()));
        // Up to 30 s ahead of the importer's clock is tolerated.
        let ahead = Call::set { now: now + MINIMUM_PERIOD + MAX_TIMESTAMP_DRIFT_MILLIS };
        assert_eq!(Timestamp::check_inherent(&ahead, &data(now + MINIMUM_PERIOD)), Ok(()));
    });
}

#[test]
fn check_inherent_rejects_bad_times() {
    ExtBuilder.build().execute_with(|| {
        run_to_block(1);
        let now = Timestamp::now();
        let own = now + 10 * MINIMUM_PERIOD;
        let future = Call::set { now: own + MAX_TIMESTAMP_DRIFT_MILLIS + 1 };
        assert_eq!(
            Timestamp::check_inherent(&future, &data(own)),
            Err(TimestampInherentError::TooFarInFuture)
        );
        let early = Call::set { now: now + MINIMUM_PERIOD - 1 };
        assert_eq!(
            Timestamp::check_inherent(&early, &data(own)),
            Err(TimestampInherentError::TooEarly)
        );
        let ok = Call::set { now: own };
        assert_eq!(
            Timestamp::check_inherent(&ok, &InherentData::default()),
            Err(TimestampInherentError::InvalidInherentData)
        );
        assert!(TimestampInherentError::TooEarly.is_fatal());
        // Substrate's encoding of `sp_timestamp::InherentError`.
        assert_eq!(TimestampInherentError::TooEarly.encode(), vec![0]);
        assert_eq!(TimestampInherentError::TooFarInFuture.encode(), vec![1]);
    });
}

#[test]
fn call_encoding_and_dispatch_info_match_substrate() {
    let call = Call::set { now: 1_700_000_000_000 };
    let encoded = call.encode();
    // Call index 0, then the time as a compact integer.
    assert_eq!(encoded[0], 0);
    assert_eq!(&encoded[1..], codec::Compact(1_700_000_000_000u64).encode());
    assert_eq!(Call::decode(&mut &encoded[..]), Ok(call.clone()));
    let info = call.get_dispatch_info();
    assert_eq!(info.class, DispatchClass::Mandatory);
    assert_eq!(info.pays_fee, Pays::No);
    assert!(Timestamp::is_inherent(&call));
    assert_eq!(
        module_error(TIMESTAMP_INDEX, Error::TooEarly),
        DispatchError::Module(lattice_support::dispatch::ModuleError {
            index: TIMESTAMP_INDEX,
            error: [1, 0, 0, 0]
        })
    );
}

#[test]
fn metadata_describes_the_pallet() {
    let meta = Timestamp::metadata();
    assert_eq!(meta.name, "Timestamp");
    let names: Vec<_> = meta.storage.iter().map(|s| s.name).collect();
    assert_eq!(names, ["Now", "DidUpdate"]);
    assert_eq!(meta.constants[0].name, "MinimumPeriod");
    assert_eq!(meta.constants[0].value, MINIMUM_PERIOD.encode());
    let mut registry = scale_info::Registry::new();
    registry.register_type(&meta.calls.expect("has calls"));
    registry.register_type(&meta.error.expect("has errors"));
}

#[test]
fn storage_keys_match_substrate() {
    // twox128("Timestamp") ++ twox128("Now"), as on every Substrate chain.
    assert_eq!(
        hex(&Now::key()),
        "f0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
