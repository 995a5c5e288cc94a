//! What the `author_*` RPC methods need: error codes and messages, pending extrinsics,
//! removal, and the runtime call's encoding.

use crate::{Harness, EXT};
use codec::Encode;
use lattice_primitives::{
    InvalidTransaction, TransactionSource, TransactionValidity, UnknownTransaction,
    ValidTransaction, H256,
};
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{decode_validity, encode_validate_call, Error, RemoveBy, TransactionStatus};

#[test]
fn error_codes_and_messages_are_substrates() {
    let cases: Vec<(Error, i32, &str, Option<&str>)> = vec![
        (
            Error::Invalid(InvalidTransaction::Stale),
            1010,
            "Invalid Transaction",
            Some("Transaction is outdated"),
        ),
        (
            Error::Invalid(InvalidTransaction::Custom(3)),
            1010,
            "Invalid Transaction",
            Some("Custom error: 3"),
        ),
        (
            Error::Unknown(UnknownTransaction::CannotLookup),
            1011,
            "Unknown Transaction Validity",
            Some("CannotLookup"),
        ),
        (Error::TemporarilyBanned, 1012, "Transaction is temporarily banned", None),
        (
            Error::AlreadyImported { hash: H256([1; 32]) },
            1013,
            "Transaction Already Imported",
            None,
        ),
        (Error::TooLowPriority { old: 5, new: 3 }, 1014, "Priority is too low: (5 vs 3)", None),
        (Error::ImmediatelyDropped, 1016, "Immediately Dropped", None),
        (Error::NoTagsProvided, 1019, "No tags provided", None),
    ];
    for (err, code, message, data) in cases {
        assert_eq!(err.rpc_code(), code, "{err}");
        assert_eq!(err.rpc_message(), message);
        if let Some(data) = data {
            assert_eq!(err.rpc_data().as_deref(), Some(data));
        }
    }
}

#[test]
fn malformed_extrinsic_is_invalid_call() {
    let h = Harness::new();
    let err = h.pool.submit(EXT, vec![0xff; 7]).unwrap_err();
    assert!(matches!(err, Error::Invalid(InvalidTransaction::Call)));
    assert_eq!(err.rpc_code(), 1010);
}

#[test]
fn stale_nonce_is_invalid() {
    let mut h = Harness::new();
    h.import(&[MockTx::new(1, 0)]);
    let err = h.submit(&MockTx::new(1, 0).payload(1, 1)).unwrap_err();
    assert!(matches!(err, Error::Invalid(InvalidTransaction::Stale)));
}

#[test]
fn submit_at_an_unknown_block_is_refused() {
    let h = Harness::new();
    let err = h.pool.submit_at(H256([7; 32]), EXT, MockTx::new(1, 0).xt()).unwrap_err();
    assert!(matches!(err, Error::UnknownBlock { .. }));
}

#[test]
fn submit_many_answers_each() {
    let h = Harness::new();
    let results = h.pool.submit_many(
        h.best.hash,
        EXT,
        [MockTx::new(1, 0).xt(), MockTx::new(1, 0).xt(), vec![1, 2, 3]],
    );
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().rpc_code(), 1013);
    assert_eq!(results[2].as_ref().unwrap_err().rpc_code(), 1010);
}

#[test]
fn pending_extrinsics_lists_ready_in_block_order() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 1)).unwrap();
    h.submit(&MockTx::new(2, 0).priority(3)).unwrap();
    h.submit(&MockTx::new(1, 0)).unwrap();
    h.submit(&MockTx::new(9, 4)).unwrap();
    let pending: Vec<_> = h.pool.pending_extrinsics().iter().map(|t| t.data.clone()).collect();
    assert_eq!(
        pending,
        [MockTx::new(2, 0).priority(3).xt(), MockTx::new(1, 0).xt(), MockTx::new(1, 1).xt()]
    );
    assert_eq!(h.pool.future_transactions().len(), 1);
}

#[test]
fn remove_by_hash_extrinsic_and_tag() {
    let h = Harness::new();
    let mut chain = Vec::new();
    for nonce in 0..3 {
        chain.push(h.watch(&MockTx::new(1, nonce)));
    }
    let other = h.submit(&MockTx::new(2, 0)).unwrap();
    let third = h.submit(&MockTx::new(3, 0)).unwrap();
    // By tag: the provider of (1, 1) and what depends on it.
    let removed = h.pool.remove(&[RemoveBy::Tag(MockTx::tag(1, 1))]);
    assert_eq!(removed, [MockTx::new(1, 1).hash(), MockTx::new(1, 2).hash()]);
    assert_eq!(chain[0].drain(), [TransactionStatus::Ready]);
    for w in &mut chain[1..] {
        assert_eq!(w.drain(), [TransactionStatus::Ready, TransactionStatus::Invalid]);
    }
    assert_eq!(h.pool.remove(&[RemoveBy::Extrinsic(MockTx::new(2, 0).xt())]), [other]);
    assert_eq!(h.pool.remove(&[RemoveBy::Hash(third), RemoveBy::Hash(H256([0; 32]))]), [third]);
    assert_eq!(h.ready_order(), [(1, 0)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn validate_call_encoding_matches_the_runtime_layout() {
    let xt = MockTx::new(1, 0).xt();
    let at = H256([3; 32]);
    let call = encode_validate_call(TransactionSource::External, &xt, at);
    // The runtime splits one source byte, the extrinsic, and a 32-byte hash.
    assert_eq!(call[0], TransactionSource::External.encode()[0]);
    assert_eq!(&call[1..call.len() - 32], &xt[..]);
    assert_eq!(&call[call.len() - 32..], &at.0);
    assert_eq!(call, (TransactionSource::External, MockTx::new(1, 0).encode(), at).encode());

    let validity: TransactionValidity = Ok(ValidTransaction {
        priority: 7,
        requires: vec![vec![1]],
        provides: vec![vec![2]],
        longevity: 64,
        propagate: true,
    });
    let bytes = validity.encode();
    assert_eq!(decode_validity(&bytes).unwrap(), validity);
    assert!(decode_validity(&[bytes.clone(), vec![0]].concat()).is_err());
    assert!(decode_validity(&bytes[..bytes.len() - 1]).is_err());
}
