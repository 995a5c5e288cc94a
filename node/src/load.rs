//! `lattice benchmark load`: signed transfers from the dev accounts, submitted in RPC
//! batches to a running node; the rate of transfers in finalized blocks is measured.

use crate::cli::BenchmarkLoadCmd;
use codec::Encode;
use lattice_node::http;
use lattice_node::tx::ExtrinsicBuilder;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The endowed dev accounts that send.
const SENDERS: [&str; 12] = [
    "Alice",
    "Bob",
    "Charlie",
    "Dave",
    "Eve",
    "Ferdie",
    "Alice//stash",
    "Bob//stash",
    "Charlie//stash",
    "Dave//stash",
    "Eve//stash",
    "Ferdie//stash",
];

fn hex_of(v: &Value) -> Result<Vec<u8>, String> {
    let s = v.as_str().ok_or_else(|| format!("expected a hex string, got {v}"))?;
    hex::decode(s.trim_start_matches("0x")).map_err(|e| e.to_string())
}

fn number_of(v: &Value) -> Result<u64, String> {
    let s = v.as_str().ok_or_else(|| format!("expected a hex number, got {v}"))?;
    u64::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| e.to_string())
}

/// The number of the finalized head.
fn finalized_number(cmd: &BenchmarkLoadCmd) -> Result<u64, String> {
    let head = http::call(cmd.rpc, "chain_getFinalizedHead", json!([]))?;
    let header = http::call(cmd.rpc, "chain_getHeader", json!([head]))?;
    number_of(&header["number"])
}

/// Transfers (not counting inherents) in the finalized blocks above `after`, up to the
/// finalized head: (new finalized number, transfers).
fn finalized_transfers(cmd: &BenchmarkLoadCmd, after: u64) -> Result<(u64, u64), String> {
    let number = finalized_number(cmd)?;
    let mut count = 0;
    for n in after + 1..=number {
        let hash = http::call(cmd.rpc, "chain_getBlockHash", json!([n]))?;
        let block = http::call(cmd.rpc, "chain_getBlock", json!([hash]))?;
        let xts = block["block"]["extrinsics"].as_array().map_or(0, Vec::len) as u64;
        count += xts.saturating_sub(1);
    }
    Ok((number, count))
}

pub(crate) fn run(cmd: BenchmarkLoadCmd) -> Result<(), String> {
    let metadata = hex_of(&http::call(cmd.rpc, "state_getMetadata", json!([]))?)?;
    let genesis = hex_of(&http::call(cmd.rpc, "chain_getBlockHash", json!([0]))?)?;
    let version = http::call(cmd.rpc, "state_getRuntimeVersion", json!([]))?;
    let builder = ExtrinsicBuilder::with_versions(
        &metadata,
        lattice_primitives::H256(genesis.try_into().map_err(|_| "genesis hash is not 32 bytes")?),
        version["specVersion"].as_u64().ok_or("no specVersion")? as u32,
        version["transactionVersion"].as_u64().ok_or("no transactionVersion")? as u32,
    )?;
    let mut senders = Vec::new();
    for name in SENDERS {
        let pair =
            sr25519::Pair::from_string(&format!("//{name}"), None).expect("dev seeds are valid");
        let nonce = http::call(
            cmd.rpc,
            "system_accountNextIndex",
            json!([format!("0x{}", hex::encode(pair.public().0))]),
        )?
        .as_u64()
        .ok_or("bad nonce")? as u32;
        senders.push((pair, nonce));
    }
    let submitted = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let finalized_total = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    println!(
        "load: {} senders, batches of {}, up to {} in flight, {} s warm-up, {} s measured, node {}",
        senders.len(),
        cmd.batch,
        cmd.in_flight,
        cmd.warmup,
        cmd.duration,
        cmd.rpc
    );

    // Signing runs on its own thread so the submitter only sends.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Value>>(8);
    let signer = {
        let stop = stop.clone();
        let batch = cmd.batch;
        std::thread::spawn(move || {
            let mut round = 0u64;
            'outer: loop {
                let mut params = Vec::with_capacity(batch);
                while params.len() < batch {
                    let i = (round as usize) % senders.len();
                    let (pair, nonce) = &mut senders[i];
                    let dest = lattice_primitives::blake2_256(&round.encode()).0;
                    let xt = builder.transfer(pair, dest, 10_000_000_000, *nonce);
                    *nonce += 1;
                    round += 1;
                    params.push(json!([format!("0x{}", hex::encode(xt))]));
                }
                if stop.load(Ordering::Relaxed) || tx.send(params).is_err() {
                    break 'outer;
                }
            }
        })
    };
    let submitter = {
        let (stop, submitted, refused, finalized_total) =
            (stop.clone(), submitted.clone(), refused.clone(), finalized_total.clone());
        let (rpc, in_flight) = (cmd.rpc, cmd.in_flight);
        std::thread::spawn(move || {
            // Refused transfers (a full pool) are sent again, so no sender's nonces gap.
            let mut retry: Vec<Value> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let pending = submitted
                    .load(Ordering::Relaxed)
                    .saturating_sub(finalized_total.load(Ordering::Relaxed));
                if pending >= in_flight {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                let params = if retry.is_empty() {
                    let Ok(params) = rx.recv() else { break };
                    params
                } else {
                    std::thread::sleep(Duration::from_millis(100));
                    std::mem::take(&mut retry)
                };
                match http::batch(rpc, "author_submitExtrinsic", &params) {
                    Ok(outcomes) => {
                        for (p, o) in params.iter().zip(&outcomes) {
                            // 1016: the pool is full; anything else (already imported,
                            // invalid) is not retried.
                            if matches!(o, Err(e) if e.contains("1016")) {
                                retry.push(p.clone());
                            }
                        }
                        let ok = outcomes.iter().filter(|o| o.is_ok()).count() as u64;
                        if refused.load(Ordering::Relaxed) < 3 {
                            if let Some(Err(e)) = outcomes.iter().find(|o| o.is_err()) {
                                eprintln!("load: a transfer was refused: {e}");
                            }
                        }
                        submitted.fetch_add(ok, Ordering::Relaxed);
                        refused.fetch_add(outcomes.len() as u64 - ok, Ordering::Relaxed);
                    }
                    Err(e) => {
                        eprintln!("load: submission failed: {e}");
                        retry = params;
                        std::thread::sleep(Duration::from_millis(200));
                    }
                }
            }
        })
    };

    // Counting starts at the finalized block of now.
    let mut last = finalized_number(&cmd)?;
    let started = Instant::now();
    let warmup = Duration::from_secs(cmd.warmup);
    let end = warmup + Duration::from_secs(cmd.duration);
    let mut measured = 0u64;
    let mut measured_from: Option<Instant> = None;
    let mut tick = Instant::now();
    let mut tick_count = 0u64;
    while started.elapsed() < end {
        std::thread::sleep(Duration::from_millis(500));
        let (number, count) = finalized_transfers(&cmd, last)?;
        last = number;
        finalized_total.fetch_add(count, Ordering::Relaxed);
        if started.elapsed() >= warmup {
            measured_from.get_or_insert_with(Instant::now);
            measured += count;
            tick_count += count;
        }
        if tick.elapsed() >= Duration::from_secs(10) {
            let rate = tick_count as f64 / tick.elapsed().as_secs_f64();
            println!(
                "load: {:>4.0} s finalized #{number}: {rate:>7.0} transfers/s (submitted {}, refused {})",
                started.elapsed().as_secs_f64(),
                submitted.load(Ordering::Relaxed),
                refused.load(Ordering::Relaxed),
            );
            tick = Instant::now();
            tick_count = 0;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let window = measured_from.map_or(0.0, |f| f.elapsed().as_secs_f64());
    let _ = submitter.join();
    let _ = signer.join();
    let rate = measured as f64 / window.max(1e-9);
    println!(
        "load: sustained {rate:.0} finalized transfers/s over {window:.0} s ({measured} transfers; submitted {}, refused {})",
        submitted.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed)
    );
    Ok(())
}
