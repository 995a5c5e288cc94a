//! Block benchmark: builds and imports one block of signed transfers between distinct
//! accounts through the Wasm runtime in the executor, over the in-memory state.
//!
//! ```text
//! cargo run --release -p lattice-runtime --example block_bench -- [TRANSFERS] [RUNS]
//! ```
//!
//! `TRANSFERS` defaults to 3,500: with the provisional weights (Substrate's reference
//! weights for a transfer) a block holds at most 3,846.
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
use sp_core::{sr25519, Pair};
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
        args.next().map(|a| a.parse().expect("TRANSFERS is a number")).unwrap_or(3_500);
    let runs: usize = args.next().map(|a| a.parse().expect("RUNS is a number")).unwrap_or(5);

    eprintln!("deriving {} keys...", transfers);
    // Keys from plain seeds: deriving them from phrases (PBKDF2) would dominate set-up.
    let seeded = |tag: &str, i: usize| {
        sr25519::Pair::from_seed(&lattice_io::hashing::blake2_256(format!("{tag}/{i}").as_bytes()))
    };
    let senders: Vec<_> = (0..transfers).map(|i| seeded("sender", i)).collect();
    let receivers: Vec<_> = (0..transfers).map(|i| account(&seeded("receiver", i))).collect();
    let endowed: Vec<_> =
        senders.iter().map(|p| (account(p), 1_000 * lattice_runtime::LAT)).collect();
    let base = Chain::new(&[0], &endowed);
    let xts: Vec<Vec<u8>> = senders
        .iter()
        .zip(&receivers)
        .map(|(from, to)| base.sign(from, transfer_allow_death(to, lattice_runtime::LAT), 0, 0))
        .collect();
    eprintln!("state: {} keys; {} signed transfers", base.state.len(), xts.len());

    // `BENCH_PROFILE=native|wasm`: only import the block, many times, for a profiler.
    if let Ok(which) = std::env::var("BENCH_PROFILE") {
        let block = base.build(&Engine::Native, &xts).expect("builds").0;
        let engine = if which == "wasm" { Engine::wasm(wasm_binary()) } else { Engine::Native };
        for _ in 0..runs {
            let mut importer =
                Chain::from_pairs(base.state.pairs_map().clone().into_iter().collect());
            let t = Instant::now();
            importer.import(&engine, &block).expect("imports");
            report("import_profiled", transfers, t.elapsed().as_secs_f64() * 1e3);
        }
        return;
    }
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
    // Where the import time goes: execution (with signature checks), root and commit.
    {
        let block = base.build(&Engine::wasm(wasm_binary()), &xts).expect("builds").0;
        let engine = Engine::wasm(wasm_binary());
        let state = lattice_state::InMemoryBackend::from_pairs(base.state.pairs_map().clone());
        let mut overlay = OverlayedChanges::new();
        let t = Instant::now();
        {
            let mut ext = Ext::new(&mut overlay, &state);
            engine.call(&mut ext, "Core_execute_block", &block.encode()).expect("executes");
        }
        let exec = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let commit = overlay.drain_commit(&state).expect("root");
        let root = t.elapsed().as_secs_f64() * 1e3;
        let mut state = state;
        let t = Instant::now();
        state.commit(commit).expect("commits");
        let apply = t.elapsed().as_secs_f64() * 1e3;
        let sig = xts.len().min(1000);
        let pk = senders[0].public();
        let s0 = senders[0].sign(b"message");
        let t = Instant::now();
        for _ in 0..sig {
            assert!(lattice_io::native::sr25519_verify(&s0.0, b"message", &pk.0));
        }
        let verify_us = t.elapsed().as_secs_f64() * 1e6 / sig as f64;
        println!(
            "phases: execute_block_ms={exec:.1} root_ms={root:.1} commit_ms={apply:.1} sr25519_verify_us={verify_us:.1}"
        );
    }
    println!("median over {runs} runs:");
    report("build_warm", transfers, median(warm));
    report("build_cold", transfers, median(cold));
    report("import", transfers, median(import));
    report("import_native", transfers, median(native));
}
