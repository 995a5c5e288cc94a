//! Block benchmark: builds and imports one block of signed transfers between distinct
//! accounts through the Wasm runtime in the executor, over the in-memory state.
//!
//! ```text
//! cargo run --release -p lattice-runtime --example block_bench -- [TRANSFERS] [RUNS]
//! ```
//!
//! Prints, per run and as medians, machine-readable lines:
//! `bench=<name> transfers=<n> ms=<t> per_s=<rate>` for
//! - `build_warm`: building after pool validation (signatures verified once, cached),
//! - `build_cold`: building with a cold signature cache,
//! - `import`: executing the block as an importer does (fresh executor, module compiled
//!   ahead, cold signature cache), including the state root and commit,
//! - `import_native`: the same block through the native runtime, for comparison.

#[path = "../tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use codec::Encode;
use common::*;
use lattice_primitives::TransactionSource;
use lattice_state::{Ext, OverlayedChanges};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN timings"));
    v[v.len() / 2]
}

fn report(name: &str, transfers: usize, ms: f64) {
    println!(
        "bench={name} transfers={transfers} ms={ms:.1} per_s={:.0}",
        transfers as f64 / ms * 1000.0
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let transfers: usize =
        args.next().map(|a| a.parse().expect("TRANSFERS is a number")).unwrap_or(5_000);
    let runs: usize = args.next().map(|a| a.parse().expect("RUNS is a number")).unwrap_or(5);

    eprintln!("deriving {} keys...", transfers);
    let senders: Vec<_> = (0..transfers).map(|i| pair(&format!("//sender/{i}"))).collect();
    let receivers: Vec<_> =
        (0..transfers).map(|i| account(&pair(&format!("//receiver/{i}")))).collect();
    let endowed: Vec<_> =
        senders.iter().map(|p| (account(p), 1_000 * lattice_runtime::LAT)).collect();
    let base = Chain::new(&[0], &endowed);
    let xts: Vec<Vec<u8>> = senders
        .iter()
        .zip(&receivers)
        .map(|(from, to)| base.sign(from, transfer_allow_death(to, lattice_runtime::LAT), 0, 0))
        .collect();
    eprintln!("state: {} keys; {} signed transfers", base.state.len(), xts.len());

    let (mut warm, mut cold, mut import, mut native) = (vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        // Pool validation on a fresh executor warms its signature cache, as in a node.
        let engine = Engine::wasm(wasm_binary());
        for xt in &xts {
            let mut overlay = OverlayedChanges::new();
            let mut ext = Ext::new(&mut overlay, &base.state);
            let mut input = TransactionSource::External.encode();
            input.extend_from_slice(xt);
            input.extend_from_slice(&base.best.hash().encode());
            engine
                .call(&mut ext, "TaggedTransactionQueue_validate_transaction", &input)
                .expect("validates");
        }
        let t = Instant::now();
        let (block, results) = base.build(&engine, &xts).expect("builds");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(
            block.extrinsics.len(),
            transfers + 1,
            "every transfer fits: {:?}",
            results.iter().find(|r| r.is_err())
        );
        report("build_warm", transfers, ms);
        warm.push(ms);

        let engine = Engine::wasm(wasm_binary());
        let t = Instant::now();
        base.build(&engine, &xts).expect("builds");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        report("build_cold", transfers, ms);
        cold.push(ms);

        let engine = Engine::wasm(wasm_binary());
        let mut importer = Chain::from_pairs(base.state.pairs_map().clone().into_iter().collect());
        let t = Instant::now();
        importer.import(&engine, &block).expect("imports");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        report("import", transfers, ms);
        import.push(ms);

        let mut importer = Chain::from_pairs(base.state.pairs_map().clone().into_iter().collect());
        let t = Instant::now();
        importer.import(&Engine::Native, &block).expect("imports natively");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        report("import_native", transfers, ms);
        native.push(ms);
        eprintln!("run {} done", run + 1);
    }
    println!("median over {runs} runs:");
    report("build_warm", transfers, median(warm));
    report("build_cold", transfers, median(cold));
    report("import", transfers, median(import));
    report("import_native", transfers, median(native));
}
