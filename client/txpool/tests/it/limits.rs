//! Count and byte limits of each queue, eviction by priority.

use crate::Harness;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{Error, Limit, Options, TransactionStatus};

fn options(ready: Limit, future: Limit) -> Options {
    Options { ready, future, ..Options::default() }
}

const BIG: Limit = Limit { count: 1000, total_bytes: 1 << 20 };

#[test]
fn ready_count_limit_evicts_the_lowest_priority() {
    let h = Harness::with_options(options(Limit { count: 3, total_bytes: 1 << 20 }, BIG));
    let mut low = h.watch(&MockTx::new(1, 0).priority(1));
    h.submit(&MockTx::new(2, 0).priority(5)).unwrap();
    h.submit(&MockTx::new(3, 0).priority(5)).unwrap();
    h.submit(&MockTx::new(4, 0).priority(10)).unwrap();
    assert_eq!(h.pool.status().ready, 3);
    assert_eq!(low.drain(), [TransactionStatus::Ready, TransactionStatus::Dropped]);
    assert_eq!(h.ready_order(), [(4, 0), (2, 0), (3, 0)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn full_pool_refuses_a_lowest_priority_newcomer() {
    let h = Harness::with_options(options(Limit { count: 2, total_bytes: 1 << 20 }, BIG));
    h.submit(&MockTx::new(1, 0).priority(5)).unwrap();
    h.submit(&MockTx::new(2, 0).priority(5)).unwrap();
    // Equal priority: the newest goes, so first come stays first served.
    let err = h.submit(&MockTx::new(3, 0).priority(5)).unwrap_err();
    assert!(matches!(err, Error::ImmediatelyDropped));
    assert_eq!(err.rpc_code(), 1016);
    assert_eq!(h.ready_order(), [(1, 0), (2, 0)]);
}

#[test]
fn eviction_takes_dependents_along() {
    let h = Harness::with_options(options(Limit { count: 3, total_bytes: 1 << 20 }, BIG));
    h.submit(&MockTx::new(1, 0).priority(1)).unwrap();
    h.submit(&MockTx::new(1, 1).priority(9)).unwrap();
    h.submit(&MockTx::new(2, 0).priority(5)).unwrap();
    h.submit(&MockTx::new(3, 0).priority(5)).unwrap();
    // 1/0 ranked lowest; 1/1 cannot stay without it.
    assert_eq!(h.ready_order(), [(2, 0), (3, 0)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn ready_byte_limit() {
    let h = Harness::with_options(options(Limit { count: 100, total_bytes: 250 }, BIG));
    for sender in 0..3 {
        h.submit(&MockTx::new(sender, 0).payload(90, 0).priority(u64::from(sender) + 1)).ok();
    }
    let status = h.pool.status();
    assert!(status.ready_bytes <= 250, "{status:?}");
    assert_eq!(status.ready, 2);
    // The lowest priority (sender 0) went.
    assert_eq!(h.ready_order(), [(2, 0), (1, 0)]);
}

#[test]
fn oversized_transaction_is_dropped_before_validation() {
    let h = Harness::with_options(options(Limit { count: 100, total_bytes: 50 }, BIG));
    let before = h.chain.validations();
    let err = h.submit(&MockTx::new(1, 0).payload(100, 0)).unwrap_err();
    assert!(matches!(err, Error::ImmediatelyDropped));
    assert_eq!(h.chain.validations(), before);
}

#[test]
fn future_limits_evict_lowest_priority_then_oldest() {
    let h = Harness::with_options(options(BIG, Limit { count: 2, total_bytes: 1 << 20 }));
    let mut oldest = h.watch(&MockTx::new(1, 5).priority(3));
    h.submit(&MockTx::new(2, 5).priority(3)).unwrap();
    h.submit(&MockTx::new(3, 5).priority(4)).unwrap();
    assert_eq!(h.pool.status().future, 2);
    assert_eq!(oldest.drain(), [TransactionStatus::Future, TransactionStatus::Dropped]);
    let err = h.submit(&MockTx::new(4, 5).priority(1)).unwrap_err();
    assert!(matches!(err, Error::ImmediatelyDropped));
    h.pool.check_invariants().unwrap();
}
