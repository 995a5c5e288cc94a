//! Tests of the session pallet, by concern: genesis, the calls, rotations, the block
//! author, the invariants, and encodings and metadata.

mod author;
mod calls;
mod encoding;
mod genesis;
mod invariants;
mod rotation;

use crate::mock::*;
use crate::{Call, Error};
use lattice_support::dispatch::Origin;
use lattice_support::{AccountId32, DispatchError, DispatchResult};

fn err(e: Error) -> DispatchError {
    Session::error(e)
}

fn signed(who: AccountId32) -> Origin {
    Origin::Signed(who)
}

/// `set_keys` signed by `who`, with an empty proof.
fn set_keys(who: AccountId32, keys: crate::SessionKeys) -> DispatchResult {
    dispatch(signed(who), Call::set_keys { keys, proof: vec![] })
}

/// `purge_keys` signed by `who`.
fn purge_keys(who: AccountId32) -> DispatchResult {
    dispatch(signed(who), Call::purge_keys {})
}

fn consumers(who: AccountId32) -> u32 {
    pallet_system::Account::<Test>::get(&who).consumers
}

/// The Aura keys of accounts `ids`, in order.
fn aura_keys(ids: &[u8]) -> Vec<pallet_aura::AuthorityId> {
    ids.iter().map(|i| keys(*i).aura).collect()
}

/// The GRANDPA set of accounts `ids`, in order.
fn grandpa_set(ids: &[u8]) -> pallet_grandpa::AuthorityList {
    ids.iter().map(|i| (keys(*i).grandpa, 1)).collect()
}

fn accounts(ids: &[u8]) -> Vec<AccountId32> {
    ids.iter().map(|i| account(*i)).collect()
}
