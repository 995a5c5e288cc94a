//! Pool benchmark: submission, ready iteration and pruning of 10,000 transactions from
//! 1,000 accounts (10 nonces each) over the mock chain.
//!
//! ```text
//! cargo run --release -p lattice-txpool --example pool_bench -- [TXS] [ACCOUNTS] [RUNS]
//! ```
//!
//! Prints machine-readable lines `bench=<name> txs=<n> ms=<t> per_s=<rate>` per run and
//! as medians, for
//! - `submit_in_order`: nonces submitted in order (every transaction goes ready),
//! - `submit_shuffled`: a seeded shuffle (gaps wait as futures and are promoted),
//! - `ready_iter`: one full walk of the ready queue in block-building order,
//! - `prune_block`: the maintenance after a block including all of them.
//!
//! The mock runtime validates in well under a microsecond, so the figures are the
//! pool's own cost; the node adds one runtime call per validation.

use lattice_primitives::TransactionSource;
use lattice_txpool::test_utils::{MockChain, MockTx};
use lattice_txpool::{ChainEvent, Limit, ManualClock, Options, Pool};
use std::sync::Arc;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN timings"));
    v[v.len() / 2]
}

fn report(name: &str, txs: usize, ms: f64) {
    println!("bench={name} txs={txs} ms={ms:.2} per_s={:.0}", txs as f64 / ms * 1000.0);
}

/// SplitMix64, for a reproducible shuffle.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

fn pool(chain: &Arc<MockChain>, txs: usize) -> Pool<Arc<MockChain>> {
    let limit = Limit { count: txs * 2, total_bytes: usize::MAX };
    let options = Options { ready: limit, future: limit, ..Options::default() };
    Pool::new(chain.clone(), options, Arc::new(ManualClock::new()), chain.genesis())
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().expect("a number"));
    let txs = args.next().unwrap_or(10_000);
    let accounts = args.next().unwrap_or(1_000).max(1);
    let runs = args.next().unwrap_or(5).max(1);
    let per_account = txs.div_ceil(accounts);
    // Nonce-major order: every account's nonce 0, then every nonce 1, ...
    let ordered: Vec<MockTx> = (0..per_account as u64)
        .flat_map(|nonce| (0..accounts as u32).map(move |a| MockTx::new(a, nonce)))
        .take(txs)
        .map(|tx| {
            let priority = 1 + u64::from(tx.sender % 7);
            tx.priority(priority).payload(100, 0)
        })
        .collect();
    let xts: Vec<Vec<u8>> = ordered.iter().map(MockTx::xt).collect();
    let mut shuffled = xts.clone();
    shuffle(&mut shuffled, 42);

    let mut results: Vec<(&str, Vec<f64>)> =
        ["submit_in_order", "submit_shuffled", "ready_iter", "prune_block"]
            .into_iter()
            .map(|n| (n, Vec::new()))
            .collect();
    for _ in 0..runs {
        let chain = Arc::new(MockChain::new());

        let p = pool(&chain, txs);
        let start = Instant::now();
        for xt in &xts {
            p.submit(TransactionSource::External, xt.clone()).expect("accepted");
        }
        results[0].1.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(p.status().ready, txs);

        let shuffled_pool = pool(&chain, txs);
        let start = Instant::now();
        for xt in &shuffled {
            shuffled_pool.submit(TransactionSource::External, xt.clone()).expect("accepted");
        }
        results[1].1.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(shuffled_pool.status().ready, txs);

        let start = Instant::now();
        let walked = p.ready().count();
        results[2].1.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(walked, txs);

        let block_txs: Vec<MockTx> =
            p.ready().map(|t| MockTx::decode_xt(&t.data).expect("mock extrinsic")).collect();
        let block = chain.build_block(chain.genesis().hash, &block_txs);
        let start = Instant::now();
        p.maintain(ChainEvent::new_best(block.hash)).expect("maintained");
        results[3].1.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(p.status().ready, 0);
        for (name, times) in &results {
            report(name, txs, *times.last().expect("one run done"));
        }
    }
    println!("median over {runs} runs:");
    for (name, times) in results {
        report(name, txs, median(times));
    }
}
