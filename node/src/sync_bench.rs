//! `lattice benchmark sync`: one node builds a chain (RocksDB, Wasm runtime, Alice's
//! seals), then fresh nodes sync it from that node over libp2p on loopback TCP, through
//! the same network, sync and import code the node runs. Prints blocks and transfers
//! imported per second for each sync and their median.

use crate::benchmark::{alice_transfers, build_block, config, median, transfer_builder};
use crate::cli::BenchmarkSyncCmd;
use lattice_chain::BlockOrigin;
use lattice_network::{NetworkConfig, NodeKeyConfig};
use lattice_node::tx::ExtrinsicBuilder;
use lattice_service::network::{self, message::ROLE_FULL, BridgeParams};
use lattice_service::NodeParts;
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) fn run(cmd: BenchmarkSyncCmd) -> Result<(), String> {
    if cmd.blocks == 0 {
        return Err("--blocks must be at least 1".into());
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (source, builder) = source_node(dir.path())?;
    let client = &source.client;

    let started = Instant::now();
    let (mut nonce, mut transfers) = (0u32, 0u64);
    for n in 1..=cmd.blocks {
        let txs = alice_transfers(&builder, n, cmd.transfers, nonce);
        let (built, included) = build_block(&source, u64::from(n), &txs)?;
        nonce += included;
        transfers += u64::from(included);
        client
            .import_built(built.block, built.state, BlockOrigin::Own)
            .map_err(|e| e.to_string())?;
    }
    println!(
        "benchmark sync: built {} blocks holding {transfers} transfers in {:.1} s",
        cmd.blocks,
        started.elapsed().as_secs_f64()
    );

    let runtime = runtime()?;
    let (mut block_rates, mut transfer_rates) = (Vec::new(), Vec::new());
    for round in 1..=cmd.repeat.max(1) {
        let sink = lattice_service::new_parts(&config(dir.path(), &format!("sink{round}"))?)
            .map_err(|e| e.to_string())?;
        let elapsed = runtime.block_on(catch_up(&source, &sink, network::SyncMode::Full))?;
        let secs = elapsed.as_secs_f64();
        let (blocks_per_s, transfers_per_s) =
            (f64::from(cmd.blocks) / secs, transfers as f64 / secs);
        println!(
            "sync {round}: {} blocks in {secs:.2} s: {blocks_per_s:.0} blocks/s, {transfers_per_s:.0} transfers/s",
            cmd.blocks
        );
        block_rates.push(blocks_per_s);
        transfer_rates.push(transfers_per_s);
    }
    println!(
        "median: {:.0} blocks/s, {:.0} transfers/s (one peer, loopback TCP, RocksDB, Wasm runtime)",
        median(block_rates),
        median(transfer_rates)
    );
    Ok(())
}

/// Starts a network on loopback and its bridge for `parts`, catching up with `sync`.
async fn start_node(
    parts: &NodeParts,
    key: u8,
    boot: Option<String>,
    sync: network::SyncMode,
) -> Result<(lattice_network::NetworkService, Vec<tokio::task::JoinHandle<()>>), String> {
    let mut net = NetworkConfig::new([0; 32], NodeKeyConfig::Secret([key; 32]));
    net.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().expect("a valid address")];
    net.mdns = false;
    if let Some(boot) = boot {
        net.boot_nodes = vec![boot.parse().map_err(|e| format!("{e}"))?];
    }
    let params = BridgeParams {
        client: parts.client.clone(),
        pool: parts.pool.clone(),
        roles: ROLE_FULL,
        slot_ms: 2000,
        should_have_peers: true,
        sync,
    };
    let started = network::start(net, params, |_| None).await.map_err(|e| e.to_string())?;
    Ok((started.service, started.tasks))
}

/// Starts `source` and `sink` on loopback; returns how long `sink` took to reach the
/// source's best block, catching up with `sync`. Fails when the sink's best block stops
/// moving for a minute.
pub(crate) async fn catch_up(
    source: &NodeParts,
    sink: &NodeParts,
    sync: network::SyncMode,
) -> Result<Duration, String> {
    let target = source.client.info().best_hash;
    let (a, mut tasks) = start_node(source, 1, None, network::SyncMode::Full).await?;
    let boot = format!("{}/p2p/{}", a.listen_addresses()[0], a.local_peer_id());
    let started = Instant::now();
    let (_b, more) = start_node(sink, 2, Some(boot), sync).await?;
    tasks.extend(more);
    let (mut last, mut moved) = (0, Instant::now());
    let result = loop {
        let info = sink.client.info();
        if info.best_hash == target {
            break Ok(started.elapsed());
        }
        if info.best_number != last {
            (last, moved) = (info.best_number, Instant::now());
        } else if moved.elapsed() > Duration::from_secs(60) {
            break Err(format!("the sync stalled at #{last} for 60 s"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    for task in tasks {
        task.abort();
        let _ = task.await;
    }
    result
}

/// The node that builds a benchmark's chain, under `dir`, and a transfer builder for its
/// chain. Logs only when `RUST_LOG` asks (benchmarks print their figures).
pub(crate) fn source_node(dir: &Path) -> Result<(NodeParts, ExtrinsicBuilder), String> {
    if std::env::var_os("RUST_LOG").is_some() {
        crate::command::init_logging(&[]);
    }
    let source = lattice_service::new_parts(&config(dir, "source")?).map_err(|e| e.to_string())?;
    let builder = transfer_builder(&source.client)?;
    Ok((source, builder))
}

/// The multi-threaded runtime the benchmark's networks run on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())
}
