//! Era-transition benchmark: a chain with many validators and delegations runs through
//! the Wasm runtime to the end of an era and on until every paged era-end job (payouts,
//! slashes) has run.
//!
//! ```text
//! cargo run --release -p lattice-runtime --example staking_bench -- [VALIDATORS] [DELEGATIONS] [RUNS]
//! ```
//!
//! Defaults: 100 validators, 10,000 delegations (spread evenly), 3 runs. The era is
//! `VALIDATORS` blocks long, so every validator is assigned one slot; the slots of
//! every tenth validator are skipped, so those are jailed and slashed at the era's end.
//!
//! Prints machine-readable lines, per run and as medians over the runs:
//! - `bench=ordinary_block ms=<t> weight_ms=<w>`: a block in the middle of the era,
//! - `bench=era_end_block ms=<t> weight_ms=<w>`: the block that ends the era (election,
//!   judgement, queueing of the jobs, rotation of the authorities),
//! - `bench=largest_block ms=<t> weight_ms=<w> max_weight_ms=<m>`: the slowest block
//!   from the era's end until the job queue is empty, with the largest block weight of
//!   those blocks and the block weight limit,
//! - `bench=era_jobs blocks=<n>`: how many blocks the jobs took.
//!
//! Each run checks that the offline validators were jailed.
//!
//! `ms` is the time to build the block (execute it through the executor, as the author
//! does); `weight_ms` is the weight the runtime charged for it (`System.BlockWeight`,
//! all classes), in milliseconds of reference time.

#[path = "../tests/common/mod.rs"]
#[allow(dead_code)]
mod common;

use common::*;
use lattice_primitives::Weight;
use lattice_runtime::genesis::{preset, Account, SessionKeysConfig, DEV_VALIDATOR_STAKE};
use lattice_runtime::LAT;
use std::time::Instant;

const WEIGHT_PER_MS: f64 = 1_000_000_000.0;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN timings"));
    v[v.len() / 2]
}

fn id(tag: &str, i: usize) -> [u8; 32] {
    lattice_io::hashing::blake2_256(format!("{tag}/{i}").as_bytes())
}

/// The weight charged for the best block, all classes.
fn block_weight(chain: &Chain) -> f64 {
    let key = pallet_system::BlockWeight::key();
    let w: pallet_system::PerDispatchClass<Weight> = chain.read(&key).unwrap_or_default();
    (w.normal.ref_time + w.operational.ref_time + w.mandatory.ref_time) as f64 / WEIGHT_PER_MS
}

fn jobs_pending(chain: &Chain) -> bool {
    let (first, end): (u32, u32) =
        chain.read(&pallet_staking::JobsRange::key()).unwrap_or_default();
    first < end
}

/// Builds and imports the next block; returns its build time and weight (ms).
fn step(chain: &mut Chain, wasm: &Engine) -> Measure {
    let started = Instant::now();
    let (block, _) = chain.build(wasm, &[]).expect("the block builds");
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    chain.import(wasm, &block).expect("the block imports");
    (ms, block_weight(chain))
}

/// A block's build time and weight, in milliseconds.
type Measure = (f64, f64);

struct Run {
    ordinary: Measure,
    era_end: Measure,
    largest: Measure,
    job_blocks: usize,
    jailed: usize,
}

fn run(validators: usize, delegations: usize, wasm: &Engine) -> Run {
    let mut config = preset(&[], validators as u32);
    let validator_ids: Vec<[u8; 32]> = (0..validators).map(|i| id("validator", i)).collect();
    for (i, v) in validator_ids.iter().enumerate() {
        config.balances.balances.push((Account(*v), 10 * DEV_VALIDATOR_STAKE));
        config.session.keys.push((
            Account(*v),
            SessionKeysConfig { aura: Account(id("aura", i)), grandpa: Account(id("gran", i)) },
        ));
        config.staking.validators.push((Account(*v), DEV_VALIDATOR_STAKE, 50_000_000));
    }
    for d in 0..delegations {
        let who = id("delegator", d);
        config.balances.balances.push((Account(who), 1_000 * LAT));
        let target = validator_ids[d % validators];
        config.staking.delegations.push((Account(who), Account(target), 100 * LAT));
    }
    let mut chain = Chain::from_pairs(genesis_pairs(&config, wasm_binary()));

    // Aura's author of slot `s` is authority `s % n`: every tenth authority stays
    // offline (its slots are skipped).
    let out = chain.call(wasm, "AuraApi_authorities", &[]).expect("Aura answers");
    let authorities = <Vec<[u8; 32]> as codec::Decode>::decode(&mut &out[..]).expect("decodes");
    assert_eq!(authorities.len(), validators, "every validator is an authority");
    let skip = |slot: u64| (slot % validators as u64).is_multiple_of(10);

    let era_end = validators as u32;
    let mut ordinary = (0.0, 0.0);
    while chain.best.number + 1 < era_end {
        while skip(chain.slot) {
            chain.slot += 1;
        }
        let measured = step(&mut chain, wasm);
        if chain.best.number == era_end / 2 {
            ordinary = measured;
        }
    }
    while skip(chain.slot) {
        chain.slot += 1;
    }
    let era_end_block = step(&mut chain, wasm);
    let mut largest = era_end_block;
    let mut job_blocks = 0;
    while jobs_pending(&chain) {
        let (ms, weight) = step(&mut chain, wasm);
        largest = (largest.0.max(ms), largest.1.max(weight));
        job_blocks += 1;
    }
    let out = chain.call(wasm, "LatticeStakingApi_validators", &[]).expect("staking answers");
    let list: Vec<lattice_primitives::staking::ValidatorInfo> =
        codec::Decode::decode(&mut &out[..]).expect("decodes");
    let jailed = list.iter().filter(|v| v.jailed_until.is_some()).count();
    assert_eq!(jailed, validators.div_ceil(10), "every tenth validator was offline");
    Run { ordinary, era_end: era_end_block, largest, job_blocks, jailed }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut arg = |default: usize, name: &str| {
        args.next()
            .map(|a| a.parse().unwrap_or_else(|_| panic!("{name} is a number")))
            .unwrap_or(default)
    };
    let validators = arg(100, "VALIDATORS");
    let delegations = arg(10_000, "DELEGATIONS");
    let runs = arg(3, "RUNS").max(1);
    assert!((1..=100).contains(&validators), "VALIDATORS is between 1 and 100 (Aura's limit)");

    let wasm = Engine::wasm(wasm_binary());
    let max_weight = lattice_runtime::configs::MAXIMUM_BLOCK_WEIGHT.ref_time as f64 / WEIGHT_PER_MS;
    let mut results = Vec::new();
    for i in 0..runs {
        eprintln!("run {}/{runs}: {validators} validators, {delegations} delegations", i + 1);
        let r = run(validators, delegations, &wasm);
        println!(
            "run={i} ordinary_ms={:.1} era_end_ms={:.1} era_end_weight_ms={:.1} largest_ms={:.1} largest_weight_ms={:.1} job_blocks={} jailed={}",
            r.ordinary.0, r.era_end.0, r.era_end.1, r.largest.0, r.largest.1, r.job_blocks, r.jailed
        );
        results.push(r);
    }
    for (name, measures) in [
        ("ordinary_block", results.iter().map(|r| r.ordinary).collect::<Vec<Measure>>()),
        ("era_end_block", results.iter().map(|r| r.era_end).collect()),
        ("largest_block", results.iter().map(|r| r.largest).collect()),
    ] {
        let limit = if name == "largest_block" {
            format!(" max_weight_ms={max_weight:.0}")
        } else {
            String::new()
        };
        println!(
            "bench={name} validators={validators} delegations={delegations} ms={:.1} weight_ms={:.1}{limit}",
            median(measures.iter().map(|m| m.0).collect()),
            median(measures.iter().map(|m| m.1).collect())
        );
    }
    println!(
        "bench=era_jobs validators={validators} delegations={delegations} blocks={:.0}",
        median(results.iter().map(|r| r.job_blocks as f64).collect())
    );
}
