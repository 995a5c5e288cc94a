//! The ban list: invalid, removed and included hashes are refused for a while.

use crate::Harness;
use lattice_primitives::InvalidTransaction;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{Error, Options, RemoveBy};
use std::time::Duration;

#[test]
fn invalid_transaction_is_banned_until_the_ban_expires() {
    let h =
        Harness::with_options(Options { ban_time: Duration::from_secs(60), ..Options::default() });
    let tx = MockTx::new(1, 0);
    h.chain.set_invalid_sender(1, true);
    let err = h.submit(&tx).unwrap_err();
    assert!(matches!(err, Error::Invalid(InvalidTransaction::Payment)));
    assert_eq!(err.rpc_code(), 1010);
    assert_eq!(
        err.rpc_data().as_deref(),
        Some("Inability to pay some fees (e.g. account balance too low)")
    );
    // Valid again, but still banned: refused without asking the runtime.
    h.chain.set_invalid_sender(1, false);
    let validations = h.chain.validations();
    let err = h.submit(&tx).unwrap_err();
    assert!(matches!(err, Error::TemporarilyBanned));
    assert_eq!(err.rpc_code(), 1012);
    assert_eq!(h.chain.validations(), validations);
    h.clock.advance(Duration::from_secs(59));
    assert!(h.pool.is_banned(&tx.hash()));
    h.clock.advance(Duration::from_secs(1));
    assert!(!h.pool.is_banned(&tx.hash()));
    h.submit(&tx).unwrap();
}

#[test]
fn unknown_validity_is_not_banned() {
    let h = Harness::new();
    h.chain.set_unknown_sender(1, true);
    let err = h.submit(&MockTx::new(1, 0)).unwrap_err();
    assert_eq!(err.rpc_code(), 1011);
    assert!(!h.pool.is_banned(&MockTx::new(1, 0).hash()));
}

#[test]
fn included_transactions_are_banned() {
    let mut h = Harness::new();
    let tx = MockTx::new(1, 0);
    h.submit(&tx).unwrap();
    h.import_ready();
    assert!(matches!(h.submit(&tx), Err(Error::TemporarilyBanned)));
}

#[test]
fn removed_transactions_are_banned() {
    let h = Harness::new();
    let tx = MockTx::new(1, 0);
    let hash = h.submit(&tx).unwrap();
    assert_eq!(h.pool.remove(&[RemoveBy::Hash(hash)]), [hash]);
    assert!(matches!(h.submit(&tx), Err(Error::TemporarilyBanned)));
}

#[test]
fn ban_list_stays_bounded() {
    let h = Harness::with_options(Options { max_bans: 8, ..Options::default() });
    h.chain.set_invalid_sender(1, true);
    for nonce in 0..100 {
        assert!(h.submit(&MockTx::new(1, nonce)).is_err());
    }
    // The oldest bans were forgotten early; the newest hold.
    assert!(!h.pool.is_banned(&MockTx::new(1, 0).hash()));
    assert!(h.pool.is_banned(&MockTx::new(1, 99).hash()));
}
