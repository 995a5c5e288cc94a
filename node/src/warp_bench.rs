//! `lattice benchmark warp`: one node builds a chain whose state holds many accounts
//! (blocks of transfers from Alice to fresh accounts, RocksDB, Wasm runtime) and
//! finalizes its head with a justification of the dev chain's voter; fresh nodes then
//! warp-sync it over libp2p on loopback TCP through the node's own network and warp
//! code: the warp proof, the state in range proofs, the target block. Prints each warp
//! sync's time, the median, and one full sync of the same chain for comparison.

use crate::benchmark::{alice_transfers, build_block, config, median};
use crate::cli::BenchmarkWarpCmd;
use crate::sync_bench::{catch_up, runtime, source_node};
use codec::Encode;
use lattice_chain::BlockOrigin;
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_service::network::SyncMode;
use sp_core::Pair;
use std::time::Instant;

pub(crate) fn run(cmd: BenchmarkWarpCmd) -> Result<(), String> {
    if cmd.accounts == 0 || cmd.transfers == 0 {
        return Err("--accounts and --transfers must be at least 1".into());
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (source, builder) = source_node(dir.path())?;
    let client = &source.client;

    let started = Instant::now();
    let (mut nonce, mut slot) = (0u32, 0u64);
    while nonce < cmd.accounts {
        slot += 1;
        let count = cmd.transfers.min(cmd.accounts - nonce);
        let txs = alice_transfers(&builder, slot as u32, count, nonce);
        let (built, included) = build_block(&source, slot, &txs)?;
        if included == 0 {
            return Err(format!("block {slot} took none of {count} transfers"));
        }
        nonce += included;
        client
            .import_built(built.block, built.state, BlockOrigin::Own)
            .map_err(|e| e.to_string())?;
    }
    let info = client.info();
    let alice = sp_core::ed25519::Pair::from_string("//Alice", None).expect("a dev seed");
    let justification = lattice_consensus::grandpa::sign_justification(
        &[alice],
        1,
        0,
        info.best_hash,
        info.best_number,
    );
    client
        .finalize_block(info.best_hash, Some((GRANDPA_ENGINE_ID, justification.encode())))
        .map_err(|e| e.to_string())?;
    let state = client.state_at(&info.best_hash).map_err(|e| e.to_string())?;
    let pairs =
        lattice_state::Backend::pairs(&state, b"", None, usize::MAX).map_err(|e| e.to_string())?;
    let bytes: usize = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
    println!(
        "benchmark warp: built #{} ({nonce} new accounts; state of {} entries, {:.1} MiB) in {:.1} s",
        info.best_number,
        pairs.len(),
        bytes as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );

    let runtime = runtime()?;
    let mut times = Vec::new();
    for round in 1..=cmd.repeat.max(1) {
        let sink = lattice_service::new_parts(&config(dir.path(), &format!("warp{round}"))?)
            .map_err(|e| e.to_string())?;
        let elapsed = runtime.block_on(catch_up(&source, &sink, SyncMode::Warp))?;
        if sink.client.info().lowest_state < info.best_number {
            return Err("the warp node executed the history".into());
        }
        println!(
            "warp {round}: #{} and its state in {:.2} s",
            info.best_number,
            elapsed.as_secs_f64()
        );
        times.push(elapsed.as_secs_f64());
    }
    let warp = median(times);
    let sink =
        lattice_service::new_parts(&config(dir.path(), "full")?).map_err(|e| e.to_string())?;
    let full = runtime.block_on(catch_up(&source, &sink, SyncMode::Full))?.as_secs_f64();
    println!(
        "median: warp sync {warp:.2} s for {nonce} accounts; full sync of the same {} blocks {full:.2} s ({:.1}x) (one peer, loopback TCP, RocksDB, Wasm runtime)",
        info.best_number,
        full / warp
    );
    Ok(())
}
