//! `lattice benchmark warp`: one node builds a chain whose state holds many accounts
//! (blocks of transfers from Alice to fresh accounts, RocksDB, Wasm runtime) and
//! finalizes its head with a justification of the dev chain's voter; fresh nodes then
//! warp-sync it over libp2p on loopback TCP through the node's own network and warp
//! code: the warp proof, the state in range proofs, the target block. Prints each warp
//! sync's time, the median, and one full sync of the same chain for comparison.

use crate::benchmark::{alice_transfers, build_block, config, median, transfer_builder};
use crate::cli::BenchmarkWarpCmd;
use crate::sync_bench::start_node;
use codec::Encode;
use lattice_chain::BlockOrigin;
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_service::network::SyncMode;
use lattice_service::NodeParts;
use sp_core::Pair;
use std::time::{Duration, Instant};

pub(crate) fn run(cmd: BenchmarkWarpCmd) -> Result<(), String> {
    if cmd.accounts == 0 || cmd.transfers == 0 {
        return Err("--accounts and --transfers must be at least 1".into());
    }
    if std::env::var_os("RUST_LOG").is_some() {
        crate::command::init_logging(&[]);
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let source =
        lattice_service::new_parts(&config(dir.path(), "source")?).map_err(|e| e.to_string())?;
    let client = &source.client;
    let builder = transfer_builder(client)?;

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

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
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

/// Starts `source` and `sink` on loopback; returns how long `sink` took to reach the
/// source's finalized head.
async fn catch_up(
    source: &NodeParts,
    sink: &NodeParts,
    sync: SyncMode,
) -> Result<Duration, String> {
    let target = source.client.info().finalized_hash;
    let (a, mut tasks) = start_node(source, 1, None, SyncMode::Full).await?;
    let boot = format!("{}/p2p/{}", a.listen_addresses()[0], a.local_peer_id());
    let started = Instant::now();
    let (_b, more) = start_node(sink, 2, Some(boot), sync).await?;
    tasks.extend(more);
    let result = loop {
        let info = sink.client.info();
        if info.best_hash == target {
            break Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(600) {
            break Err(format!("no catch-up in 600 s (at #{})", info.best_number));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    for task in tasks {
        task.abort();
        let _ = task.await;
    }
    result
}
