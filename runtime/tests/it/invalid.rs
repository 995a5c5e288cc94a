//! Bad input to the runtime gets a clear refusal and changes nothing.

use crate::common::*;
use codec::Encode;
use lattice_primitives::{Era, InvalidTransaction, TransactionValidity, TransactionValidityError};
use lattice_runtime::LAT;
use lattice_state::Backend;

fn invalid(e: InvalidTransaction) -> TransactionValidity {
    Err(TransactionValidityError::Invalid(e))
}

#[test]
fn pool_validation_refuses_bad_transactions() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let alice = pair("//Alice");
    let bob = account(&pair("//Bob"));
    let good = chain.sign(&alice, transfer_keep_alive(&bob, LAT), 0, 0);
    assert_eq!(chain.validate(&Engine::Native, &good), chain.validate(&wasm, &good));
    let valid = chain.validate(&wasm, &good).expect("valid");
    assert_eq!(valid.provides, vec![(account(&alice), 0u32).encode()]);
    assert!(valid.requires.is_empty());

    // A flipped signature byte: compact length (2 bytes), version, MultiAddress::Id (33),
    // signature tag, then the signature.
    let mut bad_sig = good.clone();
    bad_sig[2 + 1 + 33 + 1 + 10] ^= 0xff;
    assert_eq!(chain.validate(&wasm, &bad_sig), invalid(InvalidTransaction::BadProof));
    let truncated = &good[..good.len() - 3];
    assert_eq!(chain.validate(&wasm, truncated), invalid(InvalidTransaction::Call), "truncated");

    // A future nonce is kept for later with a `requires` tag; a stale one is refused.
    let future = chain.sign(&alice, transfer_keep_alive(&bob, LAT), 5, 0);
    let v = chain.validate(&wasm, &future).expect("future is valid for the pool");
    assert_eq!(v.requires, vec![(account(&alice), 4u32).encode()]);
    chain.produce(&wasm, std::slice::from_ref(&good)).expect("block");
    assert_eq!(chain.validate(&wasm, &good), invalid(InvalidTransaction::Stale), "replay");

    // An account with nothing cannot pay.
    let pauper = pair("//Pauper");
    let xt = chain.sign(&pauper, transfer_keep_alive(&bob, 1), 0, 0);
    assert_eq!(chain.validate(&wasm, &xt), invalid(InvalidTransaction::Payment));

    // Signed for another chain.
    let other = sign_with(
        [9; 32].into(),
        [9; 32].into(),
        Era::Immortal,
        &alice,
        transfer_keep_alive(&bob, 1),
        1,
        0,
    );
    assert_eq!(chain.validate(&wasm, &other), invalid(InvalidTransaction::BadProof));

    // Mortal, born at an unknown block.
    let mortal = sign_with(
        chain.genesis_hash,
        [1; 32].into(),
        Era::mortal(64, 40),
        &alice,
        transfer_keep_alive(&bob, 1),
        1,
        0,
    );
    assert_eq!(chain.validate(&wasm, &mortal), invalid(InvalidTransaction::AncientBirthBlock));

    // Mortal, born at block 1 that we know: valid, with a bounded longevity.
    let birth = chain.best.hash();
    let mortal = sign_with(
        chain.genesis_hash,
        birth,
        Era::mortal(64, 1),
        &alice,
        transfer_keep_alive(&bob, 1),
        1,
        0,
    );
    let v = chain.validate(&wasm, &mortal).expect("valid mortal");
    assert!(v.longevity <= 64, "{}", v.longevity);
}

#[test]
fn garbage_extrinsics_are_refused_in_blocks_and_change_nothing() {
    let wasm = Engine::wasm(wasm_binary());
    let chain = Chain::new(&[0], &[]);
    let root = chain.state.root();
    for garbage in [vec![], vec![0u8], vec![4, 1, 2, 3, 4], vec![0xff; 100], {
        let mut v = codec::Compact(1_000_000u32).encode();
        v.push(0x84);
        v
    }] {
        let (block, results) = chain.build(&wasm, &[garbage]).expect("the block still builds");
        assert_eq!(results, vec![Err(InvalidTransaction::Call.into())]);
        assert_eq!(block.extrinsics.len(), 1, "only the timestamp inherent");
    }
    assert_eq!(chain.state.root(), root);
}

#[test]
fn blocks_with_wrong_roots_or_bad_extrinsics_are_rejected() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let xt = chain.sign(&pair("//Alice"), transfer_keep_alive(&account(&pair("//Bob")), LAT), 0, 0);
    let (block, _) = chain.build(&wasm, &[xt]).expect("builds");

    let mut wrong_root = block.clone();
    wrong_root.header.state_root.0[0] ^= 1;
    let err = chain.import(&wasm, &wrong_root).expect_err("rejected");
    assert!(err.contains("state root"), "{err}");

    let mut wrong_xt_root = block.clone();
    wrong_xt_root.header.extrinsics_root.0[0] ^= 1;
    assert!(chain.import(&wasm, &wrong_xt_root).is_err());

    let mut no_timestamp = block.clone();
    no_timestamp.extrinsics.remove(0);
    assert!(chain.import(&wasm, &no_timestamp).is_err(), "a block without the timestamp inherent");

    let mut twice = block.clone();
    let dup = twice.extrinsics[1].clone();
    twice.extrinsics.push(dup);
    assert!(chain.import(&wasm, &twice).is_err(), "a replayed transaction in a block");

    // Nothing above changed the chain; the good block still imports.
    assert_eq!(chain.best.number, 0);
    chain.import(&wasm, &block).expect("the real block imports");
}
