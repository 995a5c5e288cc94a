//! `do_try_state` notices each broken invariant.

use super::*;
use crate::{KeyOwner, KeyTypeId, NextKeys, Period, QueuedKeys, Validators};

/// Builds the default genesis, breaks it with `corrupt`, and expects `why`.
fn broken(corrupt: impl FnOnce(), why: &str) {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(Session::do_try_state(), Ok(()));
        corrupt();
        assert_eq!(Session::do_try_state(), Err(why));
    });
}

#[test]
fn try_state_detects_broken_invariants() {
    broken(|| Period::put(&0), "Session: the period is zero");
    broken(|| Validators::put(&vec![]), "Session: there are no validators");
    broken(
        || Validators::put(&accounts(&[1, 2, 3, 4, 5])),
        "Session: more validators than Aura or GRANDPA allow",
    );
    broken(|| Validators::put(&accounts(&[1, 2, 1])), "Session: a validator appears twice");
    broken(
        || QueuedKeys::mutate(|q| q.swap(0, 1)),
        "Session: the keys in effect are not the validators' ones",
    );
    broken(
        || pallet_aura::Authorities::put(&aura_keys(&[1, 3, 2])),
        "Session: Aura's authorities are not the validators' Aura keys",
    );
    broken(
        || pallet_grandpa::Authorities::put(&grandpa_set(&[1, 2, 4])),
        "Session: GRANDPA's set is not the validators' GRANDPA keys",
    );
    broken(
        || {
            let weighted = vec![(keys(1).grandpa, 2), (keys(2).grandpa, 1), (keys(3).grandpa, 1)];
            pallet_grandpa::Authorities::put(&weighted)
        },
        "Session: GRANDPA's set is not the validators' GRANDPA keys",
    );
    broken(
        || KeyOwner::remove(&(KeyTypeId::GRANDPA, keys(2).grandpa.0.to_vec())),
        "Session: a registered key is not owned by its account",
    );
    broken(
        || KeyOwner::insert(&(KeyTypeId::AURA, keys(2).aura.0.to_vec()), &account(1)),
        "Session: a registered key is not owned by its account",
    );
    broken(
        || KeyOwner::insert(&(KeyTypeId::AURA, vec![9; 32]), &account(1)),
        "Session: an owned key is not registered by its owner",
    );
    broken(
        || KeyOwner::insert(&(KeyTypeId(*b"babe"), vec![9; 32]), &account(1)),
        "Session: an owned key is not registered by its owner",
    );
    broken(
        || System::dec_consumers(&account(3)),
        "Session: an account with keys has no consumer reference",
    );
    broken(
        || NextKeys::insert(&account(9), &keys(9)),
        "Session: a registered key is not owned by its account",
    );
}

#[test]
fn invariants_hold_while_a_rotation_is_pending_in_grandpa() {
    ExtBuilder::default().build_and_execute(|| {
        run_to_block(2);
        // A delayed change to the same voters: compared against the pending set.
        assert_eq!(Grandpa::schedule_change(grandpa_set(&[1, 2, 3]), 4, None), Ok(()));
        assert_eq!(Session::do_try_state(), Ok(()));
        pallet_grandpa::PendingChange::mutate(|p| {
            if let Some(p) = p {
                p.next_authorities = grandpa_set(&[1, 2]);
            }
        });
        assert_eq!(
            Session::do_try_state(),
            Err("Session: GRANDPA's set is not the validators' GRANDPA keys")
        );
        pallet_grandpa::PendingChange::kill();
    });
}
