//! Random submit / import / re-org sequences from a seeded PRNG, checking after every
//! step that the pool's invariants hold, and that with full re-validation the ready
//! queue is exactly what a block builder on the best block can include.

use crate::{decode, Harness, Rng};
use lattice_primitives::TransactionSource;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{BlockInfo, Limit, Options};
use std::collections::HashMap;

const SENDERS: u32 = 8;

/// What a run went through, to check that the random operations reach every path.
#[derive(Default, Debug)]
struct Coverage {
    reorgs: usize,
    max_ready: usize,
    max_future: usize,
    refused: usize,
    pruned: usize,
}

/// Runs `steps` random operations; returns a digest of what happened (for the
/// determinism check) and the coverage.
///
/// With `full_revalidation` every maintenance re-validates the whole pool, and the ready
/// queue must match the chain exactly; otherwise batches of 3 leave stale validity
/// behind, and only the structural invariants are checked.
fn run(seed: u64, steps: usize, full_revalidation: bool) -> (Vec<(u32, u64)>, Coverage) {
    let mut coverage = Coverage::default();
    let options = Options {
        ready: Limit { count: 30, total_bytes: 30 * 60 },
        future: Limit { count: 12, total_bytes: 12 * 60 },
        revalidation_batch: if full_revalidation { usize::MAX } else { 3 },
        ..Options::default()
    };
    let mut h = Harness::with_options(options);
    let mut rng = Rng::new(seed);
    let mut blocks: Vec<BlockInfo> = vec![h.best];
    let mut digest = Vec::new();
    for step in 0..steps {
        let context = format!("seed {seed} step {step}");
        match rng.below(11) {
            // Submit: mostly the next nonces, sometimes gaps, duplicates and stale ones.
            0..=5 => {
                let sender = rng.below(u64::from(SENDERS)) as u32;
                let next = h.chain.nonce(h.best.hash, sender);
                let nonce = (next + rng.below(5)).saturating_sub(1);
                let tx = MockTx::new(sender, nonce)
                    .priority(1 + rng.below(4))
                    .payload(rng.below(20) as usize, rng.below(3) as u8);
                let source = TransactionSource::External;
                if h.pool.submit(source, tx.xt()).is_err() {
                    coverage.refused += 1;
                }
            }
            // Import a block of some ready transactions, maybe with a foreign one.
            6..=7 => {
                let take = rng.below(12) as usize;
                let mut txs: Vec<MockTx> =
                    h.pool.ready().take(take).map(|t| decode(&t.data)).collect();
                if rng.below(3) == 0 {
                    let sender = rng.below(u64::from(SENDERS)) as u32;
                    let next = h.chain.nonce(h.best.hash, sender);
                    txs.push(MockTx::new(sender, next).payload(1, 99));
                }
                let before = h.pool.status().ready;
                let block = h.import(&txs);
                coverage.pruned += before.saturating_sub(h.pool.status().ready);
                blocks.push(block);
            }
            // Re-org: a fork from a recent ancestor, one block longer.
            8 => {
                let depth = 1 + rng.below(3) as usize;
                if blocks.len() > depth {
                    let ancestor = blocks[blocks.len() - 1 - depth];
                    let mut tip = ancestor;
                    for _ in 0..=depth {
                        tip = h.chain.build_block(
                            tip.hash,
                            &[MockTx::new(0, h.chain.nonce(tip.hash, 0)).payload(2, 5)],
                        );
                    }
                    blocks.truncate(blocks.len() - depth);
                    blocks.push(tip);
                    h.switch_to(tip);
                    coverage.reorgs += 1;
                }
            }
            // Finalize below the deepest re-org.
            9 => {
                if blocks.len() > 4 {
                    h.finalize(blocks[blocks.len() - 5]);
                }
            }
            // Invalidate or restore a sender.
            _ => {
                let sender = rng.below(u64::from(SENDERS)) as u32;
                h.chain.set_invalid_sender(sender, rng.below(2) == 0);
            }
        }
        h.pool.check_invariants().unwrap_or_else(|e| panic!("{context}: {e}"));
        if full_revalidation {
            check_buildable(&h, &context);
        }
        digest.extend(h.ready_order());
        let status = h.pool.status();
        coverage.max_ready = coverage.max_ready.max(status.ready);
        coverage.max_future = coverage.max_future.max(status.future);
    }
    (digest, coverage)
}

/// Every ready transaction was validated at the best block (full re-validation), so the
/// ready order must give each sender consecutive nonces from its chain nonce on.
fn check_buildable(h: &Harness, context: &str) {
    let mut expected: HashMap<u32, u64> = HashMap::new();
    for tx in h.pool.ready() {
        // Submissions validate at the best block, maintenance re-validates everything.
        assert_eq!(tx.validated_at, h.best, "{context}");
        let t = decode(&tx.data);
        let next = expected.entry(t.sender).or_insert_with(|| h.chain.nonce(h.best.hash, t.sender));
        assert_eq!(t.nonce, *next, "{context}: sender {} out of order", t.sender);
        *next += 1;
    }
}

#[test]
fn random_sequences_keep_the_invariants() {
    let mut total = Coverage::default();
    for seed in 0..40 {
        let (_, c) = run(seed, 300, true);
        total.reorgs += c.reorgs;
        total.max_ready = total.max_ready.max(c.max_ready);
        total.max_future = total.max_future.max(c.max_future);
        total.refused += c.refused;
        total.pruned += c.pruned;
    }
    // The runs reach the limits, futures, refusals, pruning and re-orgs.
    assert_eq!(total.max_ready, 30, "{total:?}");
    assert_eq!(total.max_future, 12, "{total:?}");
    assert!(total.reorgs > 100 && total.refused > 100 && total.pruned > 100, "{total:?}");
}

#[test]
fn random_sequences_with_bounded_revalidation_keep_the_invariants() {
    for seed in 100..140 {
        run(seed, 300, false);
    }
}

#[test]
fn same_seed_same_run() {
    assert_eq!(run(7, 300, true).0, run(7, 300, true).0);
    assert_eq!(run(8, 300, false).0, run(8, 300, false).0);
}

#[test]
fn concurrent_submission_and_maintenance() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<lattice_txpool::Pool<std::sync::Arc<lattice_txpool::test_utils::MockChain>>>(
    );

    let mut h = Harness::new();
    let source = TransactionSource::External;
    std::thread::scope(|s| {
        for sender in 0..4u32 {
            let pool = &h.pool;
            s.spawn(move || {
                for nonce in 0..200 {
                    let _ = pool.submit(source, MockTx::new(sender, nonce).xt());
                }
            });
        }
        s.spawn(|| {
            let mut best = h.best;
            for _ in 0..50 {
                let txs: Vec<MockTx> = h.pool.ready().take(20).map(|t| decode(&t.data)).collect();
                let block = h.chain.build_block(best.hash, &txs);
                h.pool.maintain(h.chain.route(best.hash, block.hash)).expect("maintained");
                best = block;
                h.pool.check_invariants().expect("invariants hold mid-run");
            }
        });
    });
    h.pool.check_invariants().unwrap();
    // Nothing was lost: the rest goes into blocks and every nonce ends up on chain.
    h.best = h.pool.best();
    for _ in 0..100 {
        if h.pool.status().ready == 0 {
            break;
        }
        h.import_ready();
    }
    let status = h.pool.status();
    assert_eq!((status.ready, status.future), (0, 0));
    for sender in 0..4 {
        assert_eq!(h.chain.nonce(h.best.hash, sender), 200);
    }
}
