//! `set_keys` and `purge_keys`: success, every error, reference counting.

use super::*;
use crate::{KeyTypeId, SessionKeys, MAX_PROOF_LEN};
use lattice_support::dispatch::{DispatchClass, Dispatchable, GetDispatchInfo, Pays};
use lattice_support::lattice_io::storage;
use lattice_support::lattice_primitives::MultiAddress;
use lattice_support::traits::ValidatorSet;

fn owner(key_type: KeyTypeId, raw: &[u8; 32]) -> Option<AccountId32> {
    Session::key_owner(key_type, raw)
}

#[test]
fn set_keys_registers_keys_and_takes_a_consumer_reference() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        assert_eq!(Session::next_keys(&account(4)), Some(keys(4)));
        assert_eq!(owner(KeyTypeId::AURA, &keys(4).aura.0), Some(account(4)));
        assert_eq!(owner(KeyTypeId::GRANDPA, &keys(4).grandpa.0), Some(account(4)));
        assert_eq!(consumers(account(4)), 1);
        assert!(Session::has_keys(&account(4)));
        // Registering makes no one a validator, and emits nothing (as in Substrate).
        assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
        assert_eq!(session_events(), vec![]);
    });
}

#[test]
fn set_keys_replaces_keys_and_frees_the_old_ones() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(1), keys(7)), Ok(()));
        assert_eq!(Session::next_keys(&account(1)), Some(keys(7)));
        assert_eq!(owner(KeyTypeId::AURA, &keys(7).aura.0), Some(account(1)));
        assert_eq!(owner(KeyTypeId::AURA, &keys(1).aura.0), None);
        assert_eq!(owner(KeyTypeId::GRANDPA, &keys(1).grandpa.0), None);
        // Still one consumer reference.
        assert_eq!(consumers(account(1)), 1);
        // The old keys stay in effect until the next rotation...
        assert_eq!(Session::queued_keys()[0], (account(1), keys(1)));
        assert_eq!(Aura::authorities(), aura_keys(&[1, 2, 3]));
        // ...and another account may register them.
        assert_eq!(set_keys(account(4), keys(1)), Ok(()));
        assert_eq!(owner(KeyTypeId::AURA, &keys(1).aura.0), Some(account(4)));
    });
}

#[test]
fn set_keys_may_replace_one_key_and_repeat_the_other() {
    ExtBuilder::default().build_and_execute(|| {
        let new_aura = SessionKeys { aura: keys(7).aura, grandpa: keys(1).grandpa };
        assert_eq!(set_keys(account(1), new_aura), Ok(()));
        assert_eq!(owner(KeyTypeId::AURA, &keys(1).aura.0), None);
        assert_eq!(owner(KeyTypeId::GRANDPA, &keys(1).grandpa.0), Some(account(1)));
    });
}

#[test]
fn set_keys_with_the_same_keys_changes_nothing() {
    ExtBuilder::default().build_and_execute(|| {
        let before = storage::root();
        assert_eq!(set_keys(account(1), keys(1)), Ok(()));
        assert_eq!(storage::root(), before);
        assert_eq!(consumers(account(1)), 1);
    });
}

#[test]
fn set_keys_needs_a_signed_origin() {
    ExtBuilder::default().build_and_execute(|| {
        for origin in [Origin::Root, Origin::None] {
            assert_noop!(
                dispatch(origin, Call::set_keys { keys: keys(4), proof: vec![] }),
                DispatchError::BadOrigin
            );
        }
    });
}

#[test]
fn set_keys_bounds_the_unchecked_proof() {
    ExtBuilder::default().build_and_execute(|| {
        let call = |proof: Vec<u8>| Call::set_keys { keys: keys(4), proof };
        assert_noop!(
            dispatch(signed(account(4)), call(vec![7; MAX_PROOF_LEN + 1])),
            err(Error::ProofTooLong)
        );
        // Any proof up to the bound is accepted: it is not checked.
        assert_eq!(dispatch(signed(account(4)), call(vec![7; MAX_PROOF_LEN])), Ok(()));
        assert_eq!(Session::next_keys(&account(4)), Some(keys(4)));
    });
}

#[test]
fn set_keys_needs_an_existing_account() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(set_keys(account(9), keys(9)), err(Error::NoAccount));
        assert!(!System::account_exists(&account(9)));
    });
}

#[test]
fn set_keys_refuses_keys_of_another_account() {
    ExtBuilder::default().build_and_execute(|| {
        let both = keys(1);
        let aura_only = SessionKeys { aura: keys(1).aura, grandpa: keys(4).grandpa };
        let grandpa_only = SessionKeys { aura: keys(4).aura, grandpa: keys(2).grandpa };
        for taken in [both, aura_only, grandpa_only] {
            assert_noop!(set_keys(account(4), taken), err(Error::DuplicatedKey));
        }
        // Also when replacing one's own keys.
        assert_noop!(set_keys(account(3), grandpa_only), err(Error::DuplicatedKey));
        assert_eq!(consumers(account(4)), 0);
    });
}

#[test]
fn purge_keys_removes_keys_and_the_consumer_reference() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        assert_eq!(purge_keys(account(4)), Ok(()));
        assert_eq!(Session::next_keys(&account(4)), None);
        assert_eq!(owner(KeyTypeId::AURA, &keys(4).aura.0), None);
        assert_eq!(owner(KeyTypeId::GRANDPA, &keys(4).grandpa.0), None);
        assert_eq!(consumers(account(4)), 0);
        assert!(!Session::has_keys(&account(4)));
        assert_noop!(purge_keys(account(4)), err(Error::NoKeys));
    });
}

#[test]
fn purge_keys_errors() {
    ExtBuilder::default().build_and_execute(|| {
        assert_noop!(purge_keys(account(5)), err(Error::NoKeys));
        assert_noop!(purge_keys(account(9)), err(Error::NoKeys));
        for origin in [Origin::Root, Origin::None] {
            assert_noop!(dispatch(origin, Call::purge_keys {}), DispatchError::BadOrigin);
        }
    });
}

#[test]
fn purge_then_register_again() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        assert_eq!(purge_keys(account(4)), Ok(()));
        // The purged keys are free: another account may take them, and the first may
        // register new ones.
        assert_eq!(set_keys(account(5), keys(4)), Ok(()));
        assert_noop!(set_keys(account(4), keys(4)), err(Error::DuplicatedKey));
        assert_eq!(set_keys(account(4), keys(6)), Ok(()));
        assert_eq!(consumers(account(4)), 1);
        assert_eq!(consumers(account(5)), 1);
        assert_eq!(owner(KeyTypeId::AURA, &keys(4).aura.0), Some(account(5)));
        assert_eq!(owner(KeyTypeId::AURA, &keys(6).aura.0), Some(account(4)));
    });
}

#[test]
fn registered_keys_keep_the_account_alive() {
    ExtBuilder::default().build_and_execute(|| {
        let transfer_all = |from: u8| {
            pallet_balances::Dispatch::<Test>::new(pallet_balances::Call::transfer_all {
                dest: MultiAddress::Id(account(6)),
                keep_alive: false,
            })
            .dispatch(signed(account(from)))
        };
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        // The consumer reference keeps the existential deposit in place.
        assert_eq!(transfer_all(4), Ok(()));
        assert_eq!(Balances::free_balance(&account(4)), ED);
        assert!(System::account_exists(&account(4)));
        // Without keys, the account can be emptied and reaped.
        assert_eq!(purge_keys(account(4)), Ok(()));
        assert_eq!(transfer_all(4), Ok(()));
        assert!(!System::account_exists(&account(4)));
    });
}

#[test]
fn calls_are_normal_and_pay_fees() {
    for call in [Call::set_keys { keys: keys(1), proof: vec![] }, Call::purge_keys {}] {
        let info = call.get_dispatch_info();
        assert_eq!(info.class, DispatchClass::Normal);
        assert_eq!(info.pays_fee, Pays::Yes);
        assert!(info.weight.ref_time > 0 && info.weight.proof_size > 0);
    }
    let set = Call::set_keys { keys: keys(1), proof: vec![] }.get_dispatch_info().weight;
    assert_eq!((set.ref_time, set.proof_size), crate::weights::SET_KEYS);
}
