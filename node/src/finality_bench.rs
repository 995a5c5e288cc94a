//! `lattice benchmark finality`: watches running nodes over RPC and measures how long
//! blocks wait for finality. For every block number it notes, per node, when the node
//! first had a best block that high and when it first had a finalized block that high;
//! the difference is that block's finality lag on that node.

use crate::cli::BenchmarkFinalityCmd;
use lattice_node::http;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn number_of(v: &serde_json::Value) -> Result<u32, String> {
    let s = v.as_str().ok_or_else(|| format!("expected a hex number, got {v}"))?;
    u32::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| e.to_string())
}

fn heads(addr: SocketAddr) -> Result<(u32, u32), String> {
    let best = http::call(addr, "chain_getHeader", json!([]))?;
    let head = http::call(addr, "chain_getFinalizedHead", json!([]))?;
    let finalized = http::call(addr, "chain_getHeader", json!([head]))?;
    Ok((number_of(&best["number"])?, number_of(&finalized["number"])?))
}

pub(crate) fn run(cmd: BenchmarkFinalityCmd) -> Result<(), String> {
    if cmd.rpc.is_empty() {
        return Err("give at least one --rpc address".into());
    }
    let started = Instant::now();
    let mut best_at: Vec<BTreeMap<u32, Instant>> = vec![BTreeMap::new(); cmd.rpc.len()];
    let mut final_at: Vec<BTreeMap<u32, Instant>> = vec![BTreeMap::new(); cmd.rpc.len()];
    let mut first: Vec<Option<(u32, u32)>> = vec![None; cmd.rpc.len()];
    while started.elapsed() < Duration::from_secs(cmd.duration) {
        let now = Instant::now();
        for (i, addr) in cmd.rpc.iter().enumerate() {
            let Ok((best, finalized)) = heads(*addr) else { continue };
            // Blocks already there when watching began are not measured.
            let (b0, f0) = *first[i].get_or_insert((best, finalized));
            for n in b0 + 1..=best {
                best_at[i].entry(n).or_insert(now);
            }
            for n in f0.max(b0) + 1..=finalized {
                final_at[i].entry(n).or_insert(now);
            }
        }
        std::thread::sleep(Duration::from_millis(cmd.interval_ms));
    }
    let mut lags = Vec::new();
    for i in 0..cmd.rpc.len() {
        for (n, t) in &final_at[i] {
            if let Some(b) = best_at[i].get(n) {
                lags.push(t.saturating_duration_since(*b).as_secs_f64());
            }
        }
    }
    if lags.is_empty() {
        return Err("no block was both seen and finalized while watching".into());
    }
    lags.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| lags[((lags.len() - 1) as f64 * p).round() as usize];
    let slot = cmd.slot_ms as f64 / 1000.0;
    println!(
        "finality lag over {} (block, node) pairs on {} nodes in {} s: median {:.2} s ({:.2} block times), p90 {:.2} s, max {:.2} s (polled every {} ms)",
        lags.len(),
        cmd.rpc.len(),
        cmd.duration,
        pct(0.5),
        pct(0.5) / slot,
        pct(0.9),
        pct(1.0),
        cmd.interval_ms
    );
    Ok(())
}
