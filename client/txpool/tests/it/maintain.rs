//! Maintenance on chain events: pruning, re-validation, re-orgs, longevity.

use crate::{decode, Harness};
use lattice_primitives::H256;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{ChainEvent, Error, Options, TransactionStatus};

#[test]
fn import_prunes_included_transactions() {
    let mut h = Harness::new();
    for nonce in 0..3 {
        h.submit(&MockTx::new(1, nonce)).unwrap();
    }
    h.submit(&MockTx::new(2, 0)).unwrap();
    // The block takes the first two of sender 1 only.
    h.import(&[MockTx::new(1, 0), MockTx::new(1, 1)]);
    assert_eq!(h.ready_order(), [(1, 2), (2, 0)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn import_prunes_by_tag_and_keeps_dependents() {
    let mut h = Harness::new();
    let mine = MockTx::new(1, 0);
    let mut watcher = h.watch(&mine);
    h.submit(&MockTx::new(1, 1)).unwrap();
    // Another transaction with the same nonce made it into the block.
    h.import(&[MockTx::new(1, 0).payload(4, 9)]);
    assert!(h.pool.transaction(&mine.hash()).is_none());
    assert_eq!(watcher.drain(), [TransactionStatus::Ready, TransactionStatus::Invalid]);
    // Nonce 1 now builds on the chain's nonce 0.
    assert_eq!(h.ready_order(), [(1, 1)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn revalidation_drops_transactions_that_became_invalid() {
    let mut h = Harness::new();
    let mut watcher = h.watch(&MockTx::new(5, 0));
    h.submit(&MockTx::new(5, 1)).unwrap();
    h.submit(&MockTx::new(6, 0)).unwrap();
    h.chain.set_invalid_sender(5, true);
    let block = h.chain.build_block(h.best.hash, &[]);
    let report = h.pool.maintain(ChainEvent::new_best(block.hash)).unwrap();
    h.best = block;
    assert_eq!(report.revalidated, 3);
    assert_eq!(report.invalid, 2);
    assert_eq!(h.ready_order(), [(6, 0)]);
    assert_eq!(watcher.drain(), [TransactionStatus::Ready, TransactionStatus::Invalid]);
    assert!(h.pool.is_banned(&MockTx::new(5, 1).hash()));
}

#[test]
fn revalidation_refreshes_requirements() {
    let mut h = Harness::new();
    let a1 = h.submit(&MockTx::new(1, 1)).unwrap();
    assert_eq!(h.pool.transaction(&a1).unwrap().requires, [MockTx::tag(1, 0)]);
    h.import(&[MockTx::new(1, 0)]);
    let tx = h.pool.transaction(&a1).unwrap();
    assert!(tx.requires.is_empty(), "re-validated against the block with nonce 0");
    assert_eq!(tx.validated_at, h.best);
}

#[test]
fn revalidation_is_bounded_per_block_and_oldest_first() {
    let mut h = Harness::with_options(Options { revalidation_batch: 10, ..Options::default() });
    for sender in 0..25 {
        h.submit(&MockTx::new(sender, 0)).unwrap();
    }
    let before = h.chain.validations();
    let block = h.chain.build_block(h.best.hash, &[]);
    let report = h.pool.maintain(ChainEvent::new_best(block.hash)).unwrap();
    h.best = block;
    assert_eq!(report.revalidated, 10);
    assert_eq!(h.chain.validations() - before, 10);
    let fresh: Vec<u32> = h
        .pool
        .ready()
        .filter(|t| t.validated_at == block)
        .map(|t| decode(&t.data).sender)
        .collect();
    assert_eq!(fresh, (0..10).collect::<Vec<_>>(), "the oldest first");
    // Two more blocks reach every transaction once.
    for _ in 0..2 {
        h.import(&[]);
    }
    assert!(h.pool.ready().all(|t| t.validated_at.number >= 1));
}

#[test]
fn retraction_resubmits_transactions_of_retracted_blocks() {
    let mut h = Harness::new();
    let genesis = h.best;
    let (a0, a1, b0) = (MockTx::new(1, 0), MockTx::new(1, 1), MockTx::new(2, 0));
    let mut w0 = h.watch(&a0);
    let mut w1 = h.watch(&a1);
    h.submit(&b0).unwrap();
    let fork_a = h.import_ready();
    assert_eq!(h.pool.status().ready, 0);
    // A longer fork without those transactions wins; b0 is in it.
    let fork_b1 = h.chain.build_block(genesis.hash, std::slice::from_ref(&b0));
    let fork_b2 = h.chain.build_block(fork_b1.hash, &[]);
    h.switch_to(fork_b2);
    assert_eq!(h.ready_order(), [(1, 0), (1, 1)]);
    let expected = |_| {
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(fork_a.hash),
            TransactionStatus::Retracted(fork_a.hash),
            TransactionStatus::Ready,
        ]
    };
    assert_eq!(w0.drain(), expected(0));
    assert_eq!(w1.drain(), expected(1));
    h.pool.check_invariants().unwrap();
}

#[test]
fn retraction_takes_back_tags_the_chain_provided() {
    let mut h = Harness::with_options(Options { revalidation_batch: 0, ..Options::default() });
    let genesis = h.best;
    // 1/1 is validated before 1/0 is on chain: it requires 1/0's tag.
    let a1 = h.submit(&MockTx::new(1, 1)).unwrap();
    // 1/0 can only go into block 1.
    h.import(&[MockTx::new(1, 0).death(2)]);
    assert_eq!(h.ready_order(), [(1, 1)]);
    // A re-org drops 1/0 from the chain for good: 1/1 waits again.
    let fork_b1 = h.chain.build_block(genesis.hash, &[]);
    let fork_b2 = h.chain.build_block(fork_b1.hash, &[]);
    h.switch_to(fork_b2);
    assert!(h.pool.is_future(&a1));
    assert_eq!(h.ready_order(), []);
    h.pool.check_invariants().unwrap();
    // The retracted 1/0 comes back under another era: 1/1 follows it.
    h.submit(&MockTx::new(1, 0)).unwrap();
    assert_eq!(h.ready_order(), [(1, 0), (1, 1)]);
}

#[test]
fn retracted_transactions_come_back_first() {
    let mut h = Harness::with_options(Options { revalidation_batch: 0, ..Options::default() });
    let genesis = h.best;
    h.submit(&MockTx::new(1, 1).priority(50)).unwrap();
    h.import(&[MockTx::new(1, 0)]);
    let fork_b1 = h.chain.build_block(genesis.hash, &[]);
    let fork_b2 = h.chain.build_block(fork_b1.hash, &[]);
    h.switch_to(fork_b2);
    // Re-submitted 1/0 provides the tag 1/1 took from the chain: it goes first again.
    assert_eq!(h.ready_order(), [(1, 0), (1, 1)]);
    h.pool.check_invariants().unwrap();
}

#[test]
fn transactions_in_both_forks_are_not_resubmitted() {
    let mut h = Harness::new();
    let genesis = h.best;
    let tx = MockTx::new(1, 0);
    let mut w = h.watch(&tx);
    let fork_a = h.import_ready();
    let fork_b1 = h.chain.build_block(genesis.hash, std::slice::from_ref(&tx));
    let fork_b2 = h.chain.build_block(fork_b1.hash, &[]);
    h.switch_to(fork_b2);
    assert_eq!(h.pool.status().ready, 0);
    // Finalizing b2 finalizes b1 implicitly; the node passes it in the tree route.
    h.pool
        .maintain(ChainEvent::Finalized { hash: fork_b2.hash, tree_route: vec![fork_b1.hash] })
        .unwrap();
    assert_eq!(
        w.drain(),
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(fork_a.hash),
            TransactionStatus::Retracted(fork_a.hash),
            TransactionStatus::InBlock(fork_b1.hash),
            TransactionStatus::Finalized(fork_b1.hash),
        ]
    );
}

#[test]
fn longevity_drops_mortal_transactions() {
    let mut h = Harness::with_options(Options { revalidation_batch: 0, ..Options::default() });
    // Valid for inclusion in blocks 1 and 2 only.
    let mut w = h.watch(&MockTx::new(1, 0).death(3));
    h.submit(&MockTx::new(2, 0)).unwrap();
    h.import(&[]);
    assert_eq!(h.pool.status().ready, 2);
    h.import(&[]);
    assert_eq!(h.ready_order(), [(2, 0)]);
    assert_eq!(w.drain(), [TransactionStatus::Ready, TransactionStatus::Invalid]);
}

#[test]
fn a_block_without_body_is_skipped() {
    let mut h = Harness::new();
    h.submit(&MockTx::new(1, 0)).unwrap();
    let block = h.chain.build_block(h.best.hash, &[MockTx::new(1, 0)]);
    h.chain.drop_body(block.hash);
    h.switch_to(block);
    // Not pruned from the body, but re-validation finds it stale.
    assert_eq!(h.pool.status().ready, 0);
}

#[test]
fn unknown_best_block_is_an_error() {
    let h = Harness::new();
    let err = h.pool.maintain(ChainEvent::new_best(H256([9; 32]))).unwrap_err();
    assert!(matches!(err, Error::UnknownBlock { .. }));
    assert_eq!(err.rpc_code(), 1020);
}

#[test]
fn chain_failure_keeps_transactions() {
    let mut h = Harness::new();
    h.submit(&MockTx::new(1, 0)).unwrap();
    let block = h.chain.build_block(h.best.hash, &[]);
    h.chain.set_failing(true);
    assert!(matches!(h.pool.maintain(ChainEvent::new_best(block.hash)), Err(Error::Api(_))));
    assert!(matches!(h.submit(&MockTx::new(2, 0)), Err(Error::Api(_))));
    h.chain.set_failing(false);
    h.switch_to(block);
    assert_eq!(h.ready_order(), [(1, 0)]);
}
