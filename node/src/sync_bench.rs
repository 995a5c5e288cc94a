//! `lattice benchmark sync`: one node builds a chain (RocksDB, Wasm runtime, Alice's
//! seals), then fresh nodes sync it from that node over libp2p on loopback TCP, through
//! the same network, sync and import code the node runs. Prints blocks and transfers
//! imported per second for each sync and their median.

use crate::benchmark::{alice_transfers, build_block, config, median, transfer_builder};
use crate::cli::BenchmarkSyncCmd;
use lattice_chain::BlockOrigin;
use lattice_network::{NetworkConfig, NodeKeyConfig};
use lattice_service::network::{self, message::ROLE_FULL, BridgeParams};
use lattice_service::NodeParts;
use std::time::{Duration, Instant};

pub(crate) fn run(cmd: BenchmarkSyncCmd) -> Result<(), String> {
    if cmd.blocks == 0 {
        return Err("--blocks must be at least 1".into());
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

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (mut block_rates, mut transfer_rates) = (Vec::new(), Vec::new());
    for round in 1..=cmd.repeat.max(1) {
        let sink = lattice_service::new_parts(&config(dir.path(), &format!("sink{round}"))?)
            .map_err(|e| e.to_string())?;
        let elapsed = runtime.block_on(sync_once(&source, &sink, cmd.blocks))?;
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
pub(crate) async fn start_node(
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

async fn sync_once(source: &NodeParts, sink: &NodeParts, target: u32) -> Result<Duration, String> {
    let (a, mut tasks) = start_node(source, 1, None, network::SyncMode::Full).await?;
    let boot = format!("{}/p2p/{}", a.listen_addresses()[0], a.local_peer_id());
    let (_b, more) = start_node(sink, 2, Some(boot), network::SyncMode::Full).await?;
    tasks.extend(more);
    let started = Instant::now();
    let (mut last, mut moved) = (0, Instant::now());
    let result = loop {
        let best = sink.client.info().best_number;
        if best >= target {
            break Ok(started.elapsed());
        }
        if best != last {
            (last, moved) = (best, Instant::now());
        } else if moved.elapsed() > Duration::from_secs(30) {
            break Err(format!("the sync stalled at #{best} of #{target} for 30 s"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    for task in tasks {
        task.abort();
        let _ = task.await;
    }
    result
}
