//! Ready order: nonce chains, priority, arrival; future → ready promotion.

use crate::Harness;
use lattice_txpool::test_utils::MockTx;

#[test]
fn nonce_chains_come_out_in_nonce_order() {
    let h = Harness::new();
    // Submitted out of order: later nonces wait in the future queue.
    for (sender, nonce) in [(1, 2), (2, 1), (1, 0), (3, 0), (2, 0), (1, 1), (2, 2)] {
        h.submit(&MockTx::new(sender, nonce)).unwrap();
    }
    assert_eq!(h.pool.status().future, 0);
    let order = h.ready_order();
    assert_eq!(order.len(), 7);
    for sender in 1..=3 {
        let nonces: Vec<u64> =
            order.iter().filter(|(s, _)| *s == sender).map(|(_, n)| *n).collect();
        let expected: Vec<u64> = (0..nonces.len() as u64).collect();
        assert_eq!(nonces, expected, "sender {sender}");
    }
}

#[test]
fn priority_orders_independent_transactions() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 0).priority(5)).unwrap();
    h.submit(&MockTx::new(2, 0).priority(10)).unwrap();
    h.submit(&MockTx::new(3, 0).priority(1)).unwrap();
    assert_eq!(h.ready_order(), [(2, 0), (1, 0), (3, 0)]);
}

#[test]
fn dependencies_come_before_priority() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 1).priority(100)).unwrap();
    h.submit(&MockTx::new(1, 0).priority(1)).unwrap();
    h.submit(&MockTx::new(2, 0).priority(50)).unwrap();
    // 1/1 has the highest priority but needs 1/0 first.
    assert_eq!(h.ready_order(), [(2, 0), (1, 0), (1, 1)]);
}

#[test]
fn equal_priorities_are_first_come_first_served() {
    let h = Harness::new();
    for sender in [5, 3, 9, 1] {
        h.submit(&MockTx::new(sender, 0)).unwrap();
    }
    assert_eq!(h.ready_order(), [(5, 0), (3, 0), (9, 0), (1, 0)]);
}

#[test]
fn future_is_promoted_when_the_gap_is_filled() {
    let h = Harness::new();
    let a2 = h.submit(&MockTx::new(1, 2)).unwrap();
    let a1 = h.submit(&MockTx::new(1, 1)).unwrap();
    assert!(h.pool.is_future(&a2) && h.pool.is_future(&a1));
    assert_eq!(h.pool.status().ready, 0);
    assert_eq!(h.pool.future_transactions().len(), 2);
    h.submit(&MockTx::new(1, 0)).unwrap();
    assert!(h.pool.is_ready(&a1) && h.pool.is_ready(&a2));
    assert_eq!(h.ready_order(), [(1, 0), (1, 1), (1, 2)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn future_is_promoted_when_a_block_provides_the_tag() {
    let mut h = Harness::new();
    let a1 = h.submit(&MockTx::new(1, 1)).unwrap();
    assert!(h.pool.is_future(&a1));
    // A block from elsewhere includes nonce 0, which the pool never saw.
    h.import(&[MockTx::new(1, 0).payload(3, 7)]);
    assert!(h.pool.is_ready(&a1));
    assert_eq!(h.ready_order(), [(1, 1)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn report_invalid_skips_dependents_in_the_iterator() {
    let h = Harness::new();
    for nonce in 0..3 {
        h.submit(&MockTx::new(1, nonce)).unwrap();
    }
    h.submit(&MockTx::new(2, 0)).unwrap();
    let mut iter = h.pool.ready();
    let first = iter.next().unwrap();
    assert_eq!(first.hash, MockTx::new(1, 0).hash());
    iter.report_invalid(&first.hash);
    let rest: Vec<_> = iter.map(|t| t.hash).collect();
    assert_eq!(rest, [MockTx::new(2, 0).hash()]);
    // The snapshot did not change the pool.
    assert_eq!(h.pool.status().ready, 4);
}

#[test]
fn ready_snapshot_is_unaffected_by_later_submissions() {
    let h = Harness::new();
    h.submit(&MockTx::new(1, 0)).unwrap();
    let iter = h.pool.ready();
    h.submit(&MockTx::new(2, 0)).unwrap();
    assert_eq!(iter.count(), 1);
    assert_eq!(h.pool.ready().count(), 2);
}
