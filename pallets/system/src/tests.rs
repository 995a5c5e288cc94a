//! Tests of the system pallet.

use crate::mock::{new_test_ext, version, RuntimeEvent, System, Test};
use crate::*;
use lattice_support::dispatch::module_error;
use lattice_support::lattice_io::TestExternalities;

fn dispatch(call: Call, origin: Origin) -> DispatchResult {
    Dispatch::<Test>::new(call).dispatch(origin)
}

fn alice() -> AccountId32 {
    AccountId32([1; 32])
}

fn ext() -> TestExternalities {
    new_test_ext(|code| {
        // `code` is "spec_name:spec_version" in these tests.
        let text = core::str::from_utf8(code).ok()?;
        let (name, v) = text.split_once(':')?;
        let mut version = version();
        version.spec_name = alloc::borrow::Cow::Owned(name.into());
        version.spec_version = v.parse().ok()?;
        Some(version.encode())
    })
}

#[test]
fn remarks_need_a_signed_origin_and_may_emit_an_event() {
    ext().execute_with(|| {
        System::initialize(1, H256([0; 32]), Digest::default());
        assert_eq!(
            dispatch(Call::remark { remark: vec![1] }, Origin::Root),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(dispatch(Call::remark { remark: vec![1] }, Origin::Signed(alice())), Ok(()));
        assert_eq!(
            dispatch(Call::remark_with_event { remark: b"x".to_vec() }, Origin::Signed(alice())),
            Ok(())
        );
        let hash = H256(lattice_io::hashing::blake2_256(b"x"));
        assert_last_event::<Test>(RuntimeEvent::System(Event::Remarked { sender: alice(), hash }));
    });
}

#[test]
fn root_calls_refuse_other_origins_and_write_storage() {
    ext().execute_with(|| {
        System::initialize(1, H256([0; 32]), Digest::default());
        for call in [
            Call::set_heap_pages { pages: 64 },
            Call::set_storage { items: vec![(b"k".to_vec(), b"v".to_vec())] },
            Call::kill_storage { keys: vec![b"k".to_vec()] },
            Call::kill_prefix { prefix: b"k".to_vec(), subkeys: 1 },
            Call::set_code_without_checks { code: b"x".to_vec() },
        ] {
            assert_eq!(
                dispatch(call.clone(), Origin::Signed(alice())),
                Err(DispatchError::BadOrigin)
            );
            assert_eq!(dispatch(call, Origin::None), Err(DispatchError::BadOrigin));
        }
        assert_eq!(dispatch(Call::set_heap_pages { pages: 64 }, Origin::Root), Ok(()));
        assert_eq!(lattice_io::storage::get(b":heappages"), Some(64u64.encode()));
        assert!(BlockDigest::get().logs.contains(&DigestItem::RuntimeEnvironmentUpdated));
        let items = vec![(b"k1".to_vec(), b"v".to_vec()), (b"k2".to_vec(), b"v".to_vec())];
        assert_eq!(dispatch(Call::set_storage { items }, Origin::Root), Ok(()));
        assert_eq!(
            dispatch(Call::kill_storage { keys: vec![b"k1".to_vec()] }, Origin::Root),
            Ok(())
        );
        assert!(!lattice_io::storage::exists(b"k1"));
        assert_eq!(
            dispatch(Call::kill_prefix { prefix: b"k".to_vec(), subkeys: 10 }, Origin::Root),
            Ok(())
        );
        assert!(!lattice_io::storage::exists(b"k2"));
    });
}

#[test]
fn set_code_checks_name_and_version() {
    ext().execute_with(|| {
        System::initialize(1, H256([0; 32]), Digest::default());
        let err = |e| Err(module_error(0, e));
        assert_eq!(
            dispatch(Call::set_code { code: b"test:10".to_vec() }, Origin::Root),
            err(Error::SpecVersionNeedsToIncrease)
        );
        assert_eq!(
            dispatch(Call::set_code { code: b"test:9".to_vec() }, Origin::Root),
            err(Error::SpecVersionNeedsToIncrease)
        );
        assert_eq!(
            dispatch(Call::set_code { code: b"other:11".to_vec() }, Origin::Root),
            err(Error::InvalidSpecName)
        );
        assert_eq!(
            dispatch(Call::set_code { code: b"garbage".to_vec() }, Origin::Root),
            err(Error::FailedToExtractRuntimeVersion)
        );
        assert!(lattice_io::storage::get(b":code").is_none());
        assert_eq!(
            dispatch(Call::set_code { code: b"test:11".to_vec() }, Origin::Signed(alice())),
            Err(DispatchError::BadOrigin)
        );
        assert_eq!(dispatch(Call::set_code { code: b"test:11".to_vec() }, Origin::Root), Ok(()));
        assert_eq!(lattice_io::storage::get(b":code"), Some(b"test:11".to_vec()));
        assert_last_event::<Test>(RuntimeEvent::System(Event::CodeUpdated));
        assert!(BlockDigest::get().logs.contains(&DigestItem::RuntimeEnvironmentUpdated));
    });
}

#[test]
fn blocks_assemble_events_keep_recent_hashes_and_compute_roots() {
    ext().execute_with(|| {
        let mut parent = H256([0; 32]);
        for n in 1..=6u32 {
            System::initialize(n, parent, Digest::default());
            assert!(System::events().is_empty(), "events of the previous block are cleared");
            System::deposit_event(Event::CodeUpdated);
            System::note_finished_initialize();
            System::note_applied_extrinsic(vec![n as u8], &Ok(()), DispatchInfo::default());
            System::note_applied_extrinsic(
                vec![0xff],
                &Err(DispatchError::BadOrigin),
                DispatchInfo::default(),
            );
            System::note_finished_extrinsics();
            let header = System::finalize();
            assert_eq!(header.number, n);
            assert_eq!(header.parent_hash, parent);
            let root = lattice_io::trie::blake2_256_ordered_root(&[vec![n as u8], vec![0xff]]);
            assert_eq!(header.extrinsics_root, H256(root));
            assert_eq!(header.state_root, H256(lattice_io::storage::root()));
            let records = Events::<Test>::get();
            assert_eq!(records.len(), 3);
            assert_eq!(records[0].phase, Phase::Initialization);
            assert_eq!(records[1].phase, Phase::ApplyExtrinsic(0));
            assert!(matches!(
                records[2].event,
                RuntimeEvent::System(Event::ExtrinsicFailed { .. })
            ));
            assert_eq!(EventBuffer::iter_keys().count(), 0, "the buffer is emptied");
            assert_eq!(ExtrinsicData::iter_keys().count(), 0);
            parent = header.hash();
        }
        // Only the last BLOCK_HASH_COUNT hashes are kept (and block 0's, for CheckGenesis).
        assert!(BlockHash::contains_key(&0));
        assert!(!BlockHash::contains_key(&1));
        assert!(BlockHash::contains_key(&5));
    });
}

#[test]
fn providers_and_consumers_create_and_reap_accounts() {
    ext().execute_with(|| {
        System::initialize(1, H256([0; 32]), Digest::default());
        assert_eq!(System::inc_consumers(&alice()), Err(DispatchError::NoProviders));
        assert_eq!(System::inc_providers(&alice()), IncRefStatus::Created);
        assert_last_event::<Test>(RuntimeEvent::System(Event::NewAccount { account: alice() }));
        assert_eq!(System::inc_providers(&alice()), IncRefStatus::Existed);
        assert_eq!(System::inc_consumers(&alice()), Ok(()));
        assert_eq!(System::dec_providers(&alice()), Ok(DecRefStatus::Exists));
        assert_eq!(System::dec_providers(&alice()), Err(DispatchError::ConsumerRemaining));
        System::dec_consumers(&alice());
        System::inc_account_nonce(&alice());
        assert_eq!(System::account_nonce(&alice()), 1);
        assert_eq!(System::dec_providers(&alice()), Ok(DecRefStatus::Reaped));
        assert!(!System::account_exists(&alice()));
        assert_last_event::<Test>(RuntimeEvent::System(Event::KilledAccount { account: alice() }));
        assert_eq!(<Pallet<Test> as lattice_support::traits::Hooks>::try_state(1), Ok(()));
    });
}

#[test]
fn runtime_upgrades_are_noted_once() {
    ext().execute_with(|| {
        assert!(!System::note_runtime_upgrade(), "genesis recorded the running version");
        LastRuntimeUpgrade::put(&LastRuntimeUpgradeInfo {
            spec_version: 9,
            spec_name: "test".into(),
        });
        assert!(System::note_runtime_upgrade());
        assert!(!System::note_runtime_upgrade());
    });
}

#[test]
fn try_state_finds_accounts_without_providers() {
    ext().execute_with(|| {
        Account::<Test>::insert(
            &alice(),
            &AccountInfo { nonce: 0, consumers: 0, providers: 0, sufficients: 0, data: 5 },
        );
        assert!(<Pallet<Test> as lattice_support::traits::Hooks>::try_state(0).is_err());
    });
}
