//! Replacement by tag: usurping with a higher priority, refusing an equal or lower one.

use crate::Harness;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{Error, TransactionStatus};

#[test]
fn higher_priority_replaces_and_usurps() {
    let h = Harness::new();
    let old = MockTx::new(1, 0).priority(5);
    let mut watcher = h.watch(&old);
    let new = MockTx::new(1, 0).priority(6).payload(1, 1);
    let new_hash = h.submit(&new).unwrap();
    assert!(h.pool.transaction(&old.hash()).is_none());
    assert!(h.pool.is_ready(&new_hash));
    assert_eq!(watcher.drain(), [TransactionStatus::Ready, TransactionStatus::Usurped(new_hash)]);
    assert!(watcher.is_ended());
    h.pool.check_invariants().unwrap();
}

#[test]
fn equal_or_lower_priority_is_refused() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 0).priority(5)).unwrap();
    for priority in [5, 4, 0] {
        let err = h.submit(&MockTx::new(1, 0).priority(priority).payload(1, 1)).unwrap_err();
        assert!(matches!(err, Error::TooLowPriority { old: 5, new } if new == priority), "{err:?}");
        assert_eq!(err.rpc_code(), 1014);
    }
    assert_eq!(h.pool.status().ready, 1);
}

#[test]
fn replacement_keeps_dependents_ready_and_ordered() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 0).priority(1)).unwrap();
    let mut dependent = h.watch(&MockTx::new(1, 1).priority(1));
    let new = h.submit(&MockTx::new(1, 0).priority(9).payload(2, 2)).unwrap();
    let order: Vec<_> = h.pool.ready().map(|t| t.hash).collect();
    assert_eq!(order, [new, MockTx::new(1, 1).priority(1).hash()]);
    // Moved out and back within one operation: no status noise.
    assert_eq!(dependent.drain(), [TransactionStatus::Ready]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn future_transactions_are_replaced_too() {
    let h = Harness::new();
    let old = h.submit(&MockTx::new(1, 3).priority(2)).unwrap();
    assert!(h.pool.is_future(&old));
    assert!(matches!(
        h.submit(&MockTx::new(1, 3).priority(2).payload(1, 0)),
        Err(Error::TooLowPriority { .. })
    ));
    let new = h.submit(&MockTx::new(1, 3).priority(3).payload(1, 0)).unwrap();
    assert!(h.pool.is_future(&new));
    assert!(h.pool.transaction(&old).is_none());
    assert_eq!(h.pool.status().future, 1);
    h.pool.check_invariants().unwrap();
}

#[test]
fn duplicate_submission_is_already_imported() {
    let h = Harness::new();
    let tx = MockTx::new(1, 0);
    let hash = h.submit(&tx).unwrap();
    let err = h.submit(&tx).unwrap_err();
    assert!(matches!(err, Error::AlreadyImported { hash: h2 } if h2 == hash));
    assert_eq!(err.rpc_code(), 1013);
    // Also for a future transaction.
    let future = MockTx::new(2, 5);
    h.submit(&future).unwrap();
    assert_eq!(h.submit(&future).unwrap_err().rpc_code(), 1013);
}
