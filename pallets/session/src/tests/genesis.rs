//! The genesis build and its refusals.

use super::*;
use crate::{GenesisConfig, KeyTypeId, SessionKeys};
use lattice_support::lattice_io::{storage, TestExternalities};
use lattice_support::traits::ValidatorSet;

#[test]
fn genesis_stores_keys_validators_and_period() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(Session::validators(), accounts(&[1, 2, 3]));
        assert_eq!(Session::current_index(), 0);
        assert_eq!(Session::period(), PERIOD);
        assert_eq!(
            Session::queued_keys(),
            vec![(account(1), keys(1)), (account(2), keys(2)), (account(3), keys(3))]
        );
        for i in 1..=3 {
            assert_eq!(Session::next_keys(&account(i)), Some(keys(i)));
            assert_eq!(Session::key_owner(KeyTypeId::AURA, &keys(i).aura.0), Some(account(i)));
            assert_eq!(
                Session::key_owner(KeyTypeId::GRANDPA, &keys(i).grandpa.0),
                Some(account(i))
            );
            assert_eq!(consumers(account(i)), 1);
            assert!(Session::has_keys(&account(i)));
        }
        assert_eq!(consumers(account(4)), 0);
        assert!(!Session::has_keys(&account(4)));
        // The runtime builds Aura and GRANDPA from the session genesis' helpers.
        assert_eq!(Aura::authorities(), aura_keys(&[1, 2, 3]));
        assert_eq!(Grandpa::grandpa_authorities(), grandpa_set(&[1, 2, 3]));
    });
}

#[test]
fn genesis_helpers_list_the_keys_in_order() {
    let genesis = ExtBuilder::default().validators(vec![3, 1]).session_genesis();
    assert_eq!(genesis.aura_authorities(), aura_keys(&[3, 1]));
    assert_eq!(genesis.grandpa_authorities(), grandpa_set(&[3, 1]));
}

#[test]
fn genesis_refuses_bad_configs_and_writes_nothing() {
    TestExternalities::default().execute_with(|| {
        System::build_genesis();
        pallet_balances::GenesisConfig { balances: (1..=6).map(|i| (account(i), 1_000)).collect() }
            .build::<Test>()
            .expect("valid balances genesis");
        let before = storage::root();
        let refuse = |period, list: Vec<(u8, SessionKeys)>, why: &str| {
            let keys = list.into_iter().map(|(i, k)| (account(i), k)).collect();
            assert_eq!(GenesisConfig { period, keys }.build::<Test>(), Err(why));
            assert_eq!(storage::root(), before, "a refused genesis wrote: {why}");
        };
        refuse(0, vec![(1, keys(1))], "Session genesis: the period must be greater than zero");
        refuse(5, vec![], "Session genesis: at least one validator is needed");
        refuse(
            5,
            (1..=AURA_MAX as u8 + 1).map(|i| (i, keys(i))).collect(),
            "Session genesis: more validators than Aura or GRANDPA allow",
        );
        refuse(5, vec![(1, keys(1)), (1, keys(2))], "Session genesis: a validator appears twice");
        let same_aura = SessionKeys { aura: keys(1).aura, grandpa: keys(2).grandpa };
        refuse(
            5,
            vec![(1, keys(1)), (2, same_aura)],
            "Session genesis: a session key appears twice",
        );
        let same_grandpa = SessionKeys { aura: keys(2).aura, grandpa: keys(1).grandpa };
        refuse(
            5,
            vec![(1, keys(1)), (2, same_grandpa)],
            "Session genesis: a session key appears twice",
        );
        refuse(
            5,
            vec![(1, keys(1)), (9, keys(9))],
            "Session genesis: a validator's account does not exist (build the balances \
             genesis first)",
        );
        // The largest set is fine, once.
        let max: Vec<_> = (1..=AURA_MAX as u8).map(|i| (account(i), keys(i))).collect();
        assert_eq!(GenesisConfig { period: 5, keys: max }.build::<Test>(), Ok(()));
        assert_eq!(
            GenesisConfig { period: 5, keys: vec![(account(5), keys(5))] }.build::<Test>(),
            Err("Session genesis: validators are already initialized")
        );
        assert_eq!(Session::validators(), accounts(&[1, 2, 3, 4]));
    });
}
