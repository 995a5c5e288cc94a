//! Running a node until shutdown.

use crate::{new_parts, Configuration, Error, NodeParts, Result, Role};
use futures::{FutureExt, StreamExt};
use lattice_chain::{Client, FullChainApi};
use lattice_consensus::aura::{self, ProposalLimits};
use lattice_consensus::grandpa::{self, GrandpaParams, LocalNetwork, RoundReport};
use lattice_consensus::report;
use lattice_metrics::{BuildInfo, InformantSnapshot, MetricsRegistry, NodeMetrics};
use lattice_txpool::Pool;
use parking_lot::Mutex;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// The timestamp a block of `slot` carries: the start of the slot. Consecutive authored
/// slots are then a whole slot apart, above the runtime's minimum period (half a slot),
/// however late in its slot a block is built.
fn slot_timestamp(slot: u64, slot_ms: u64) -> u64 {
    slot.saturating_mul(slot_ms)
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Runs the node of `config` until `shutdown` resolves, then stops every task and closes
/// the database. Fails early (before any task starts) when a part cannot open: a locked
/// or foreign database, a bad chain spec, a taken port.
pub async fn run(config: Configuration, shutdown: impl Future<Output = ()>) -> Result<()> {
    let parts = tokio::task::block_in_place(|| new_parts(&config))?;
    let NodeParts { client, pool, keystore } = parts;
    let info = client.info();
    tracing::info!(
        "📦 Chain {} ({}), genesis {:?}, best #{} ({:?}), finalized #{}",
        config.chain_spec.name,
        config.chain_spec.id,
        info.genesis_hash,
        info.best_number,
        info.best_hash,
        info.finalized_number,
    );
    let version = client.runtime_version(&info.best_hash)?;
    tracing::info!("🏷  Runtime {}-{}", version.spec_name, version.spec_version);

    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };

    // Metrics.
    let registry = MetricsRegistry::new();
    let metrics = NodeMetrics::register(
        &registry,
        &BuildInfo {
            name: config.node_name.clone(),
            version: config.impl_version.clone(),
            chain: config.chain_spec.id.clone(),
        },
    )?;
    metrics.set_roles(if config.role == Role::Authority { 4 } else { 1 });
    metrics.set_best(info.best_number.into());
    metrics.set_finalized(info.finalized_number.into());
    let mut tasks = Vec::new();
    if let Some(addr) = config.prometheus {
        let listener = lattice_metrics::bind(addr).await?;
        tracing::info!(
            "〽️ Prometheus exporter started at {}",
            listener.local_addr().map(|a| a.to_string()).unwrap_or_default()
        );
        tasks.push(tokio::spawn(
            lattice_metrics::serve(listener, registry.clone(), stopped()).map(|_| ()),
        ));
    }

    // An authority authors in the current slot at once (rather than from the next slot
    // boundary), so a fresh dev chain has its first block, with a timestamp, by the time
    // the RPC server answers.
    let slot_ms = aura::slot_duration(&client, &info.best_hash)?;
    if config.role == Role::Authority {
        let slot = aura::slot_at(now_ms(), slot_ms);
        let timestamp = slot_timestamp(slot, slot_ms);
        let (c, p, k) = (client.clone(), pool.clone(), keystore.clone());
        let limits = ProposalLimits::for_slot(Duration::from_millis(slot_ms));
        match tokio::task::spawn_blocking(move || {
            aura::author_slot(&c, &p, &k, slot, timestamp, limits)
        })
        .await
        {
            Ok(Ok(Some(p))) => {
                tracing::info!(target: "aura", "🎁 Authored block #{} ({:?}) in slot {slot} at start", p.number, p.hash)
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(target: "aura", "authoring at start failed: {e}"),
            Err(e) => tracing::error!(target: "aura", "authoring task panicked: {e}"),
        }
    }

    // Network.
    let equivocations = grandpa::EquivocationLog::default();
    let mut network = None;
    let mut gossip = None;
    if let Some(net_config) = &config.network {
        let params = crate::network::BridgeParams {
            client: client.clone(),
            pool: pool.clone(),
            roles: match config.role {
                Role::Authority => crate::network::message::ROLE_AUTHORITY,
                Role::Full => crate::network::message::ROLE_FULL,
            },
            slot_ms,
            should_have_peers: config.chain_spec.chain_type
                != lattice_chain_spec::ChainType::Development,
            sync: config.sync,
        };
        let started = crate::network::start(net_config.clone(), params, |service| {
            let g = Arc::new(grandpa::gossip::GrandpaGossip::new(
                Arc::new(crate::network::NetworkTransport(service.clone())),
                equivocations.clone(),
            ));
            gossip = Some(g.clone());
            Some(g as Arc<dyn crate::network::GrandpaSink>)
        })
        .await?;
        tracing::info!("🏷  Local node identity is: {}", started.service.local_peer_id());
        tasks.extend(started.tasks);
        network = Some((started.service, started.shared));
    }

    // RPC.
    let grandpa_report = Arc::new(Mutex::new(RoundReport::default()));
    let rpc = match &config.rpc {
        Some(settings) => {
            let deny_unsafe = settings.methods.deny_unsafe(&settings.config.addr);
            let deps = lattice_rpc::RpcDeps {
                client: client.clone(),
                pool: pool.clone(),
                keystore: Some(keystore.clone()),
                system: lattice_rpc::SystemInfo {
                    chain_name: config.chain_spec.name.clone(),
                    chain_type: lattice_rpc::ChainType::from_name(&chain_type_name(&config)),
                    node_name: config.impl_name.clone(),
                    version: config.impl_version.clone(),
                    properties: config.chain_spec.properties.clone(),
                },
                network: match &network {
                    Some((_, shared)) => shared.clone(),
                    None => Arc::new(lattice_rpc::NoNetwork::default()),
                },
                grandpa: Some(Arc::new(GrandpaRoundInfo(grandpa_report.clone()))),
                roles: vec![match config.role {
                    Role::Authority => "Authority".into(),
                    Role::Full => "Full".into(),
                }],
            };
            let module = lattice_rpc::rpc_module(deps, deny_unsafe);
            let handle = lattice_rpc::start_server(settings.config.clone(), module)
                .await
                .map_err(|e| Error::Rpc(e.to_string()))?;
            tracing::info!(
                "Running JSON-RPC server: addr={}, methods={:?}",
                handle.local_addr(),
                settings.methods
            );
            Some(handle)
        }
        None => None,
    };

    // Chain events: pool maintenance and metrics, imports before finality.
    tasks.push(tokio::spawn(follow_chain(client.clone(), pool.clone(), metrics.clone())));

    // Authoring.
    let authoring = if config.role == Role::Authority {
        Some(tokio::spawn(author_loop(
            client.clone(),
            pool.clone(),
            keystore.clone(),
            slot_ms,
            metrics.clone(),
            stopped(),
        )))
    } else {
        None
    };

    // Votes lost on the way (a full queue, a partition that healed) are sent again
    // when the voter's round stalls.
    if let Some(g) = &gossip {
        tasks.push(tokio::spawn(rebroadcast_stalled_rounds(g.clone(), stopped())));
    }

    // Finality.
    let grandpa_params = GrandpaParams {
        client: client.clone(),
        keystore: (config.role == Role::Authority).then(|| keystore.clone()),
        network: match gossip {
            Some(g) => g,
            None => Arc::new(LocalNetwork::default()),
        },
        gossip_duration: config.grandpa_gossip,
        state_file: Some(config.grandpa_state_path()),
        sleep: grandpa::wall_clock_sleep(),
        report: grandpa_report.clone(),
        equivocations: equivocations.clone(),
    };
    // Double votes the voter or the gossip saw, and blocks the import saw sealed twice
    // for one slot, go on chain as unsigned reports.
    tasks.push(tokio::spawn(report_equivocations(
        client.clone(),
        pool.clone(),
        equivocations.clone(),
        network.as_ref().map(|(_, shared)| shared.clone()),
        Duration::from_millis(slot_ms),
        stopped(),
    )));
    let voter = tokio::spawn(async move {
        if let Err(e) = grandpa::run_grandpa(grandpa_params).await {
            tracing::error!(target: "grandpa", "GRANDPA voter failed: {e}");
        }
    });

    // Informant.
    {
        let client = client.clone();
        let pool = pool.clone();
        let shared = network.as_ref().map(|(_, s)| s.clone());
        let metrics = metrics.clone();
        tasks.push(tokio::spawn(lattice_metrics::run_informant(
            config.informant_interval,
            move || snapshot(&client, &pool, shared.as_deref(), &metrics),
            stopped(),
        )));
    }

    shutdown.await;
    tracing::info!("Stopping the node");
    let _ = stop_tx.send(true);
    voter.abort();
    if let Some(handle) = rpc {
        handle.stop();
        let _ = tokio::time::timeout(Duration::from_secs(5), handle.stopped()).await;
    }
    if let Some(authoring) = authoring {
        let _ = tokio::time::timeout(Duration::from_secs(10), authoring).await;
    }
    for task in tasks {
        task.abort();
        let _ = task.await;
    }
    let _ = voter.await;
    tracing::info!("Node stopped");
    Ok(())
}

fn chain_type_name(config: &Configuration) -> String {
    let json = serde_json::to_value(&config.chain_spec.chain_type).unwrap_or_default();
    match json {
        serde_json::Value::String(s) => s,
        serde_json::Value::Object(map) => map
            .get("Custom")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| "Custom".into()),
        _ => "Live".into(),
    }
}

/// `grandpa_roundState` from the voter's report.
struct GrandpaRoundInfo(Arc<Mutex<RoundReport>>);

impl lattice_rpc::GrandpaInfo for GrandpaRoundInfo {
    fn round_state(&self) -> Option<serde_json::Value> {
        let r = self.0.lock().clone();
        if r.round == 0 {
            return None;
        }
        let hex = |id: &[u8; 32]| {
            format!("0x{}", id.iter().map(|b| format!("{b:02x}")).collect::<String>())
        };
        let weight_of = |set: &std::collections::BTreeSet<[u8; 32]>| -> u64 {
            r.voters.iter().filter(|(id, _)| set.contains(id)).map(|(_, w)| w).sum()
        };
        let missing = |set: &std::collections::BTreeSet<[u8; 32]>| -> Vec<String> {
            r.voters.iter().filter(|(id, _)| !set.contains(id)).map(|(id, _)| hex(id)).collect()
        };
        Some(serde_json::json!({
            "setId": r.set_id,
            "best": {
                "round": r.round,
                "totalWeight": r.total_weight,
                "thresholdWeight": r.threshold_weight,
                "prevotes": { "currentWeight": weight_of(&r.prevoted), "missing": missing(&r.prevoted) },
                "precommits": { "currentWeight": weight_of(&r.precommitted), "missing": missing(&r.precommitted) },
            },
            "background": [],
        }))
    }
}

fn snapshot(
    client: &Client,
    pool: &Pool<FullChainApi>,
    network: Option<&crate::network::NetworkShared>,
    metrics: &NodeMetrics,
) -> InformantSnapshot {
    let info = client.info();
    let status = pool.status();
    let peers = network.map_or(0, |n| n.peer_count());
    let is_syncing = network.is_some_and(|n| n.is_major_syncing());
    let target = network.map(|n| n.highest_block()).filter(|_| is_syncing);
    metrics.set_peers(peers as u64);
    if let Some(n) = network {
        metrics.set_sync_target(n.highest_block().into());
    }
    InformantSnapshot {
        best_number: info.best_number.into(),
        best_hash: info.best_hash.0,
        finalized_number: info.finalized_number.into(),
        finalized_hash: info.finalized_hash.0,
        ready_txs: status.ready,
        future_txs: status.future,
        peers,
        is_syncing,
        target: target.map(Into::into),
    }
}

/// Follows imports and finality: the pool moves with the best and finalized blocks.
async fn follow_chain(client: Arc<Client>, pool: Arc<Pool<FullChainApi>>, metrics: NodeMetrics) {
    let mut imports = client.import_notification_stream().fuse();
    let mut finality = client.finality_notification_stream().fuse();
    loop {
        let event = futures::select_biased! {
            n = imports.next() => match n {
                Some(n) => match n.pool_event() {
                    Some(event) => {
                        metrics.set_best(n.header.number.into());
                        event
                    }
                    None => continue,
                },
                None => return,
            },
            n = finality.next() => match n {
                Some(n) => {
                    metrics.set_finalized(n.header.number.into());
                    n.pool_event()
                }
                None => return,
            },
        };
        let pool2 = pool.clone();
        match tokio::task::spawn_blocking(move || pool2.maintain(event)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(target: "txpool", "pool maintenance failed: {e}"),
            Err(e) => tracing::error!(target: "txpool", "pool maintenance panicked: {e}"),
        }
        metrics.set_ready_transactions(pool.status().ready as u64);
        if let Ok(leaves) = client.leaves() {
            metrics.set_leaves(leaves.len() as u64);
        }
    }
}

/// Every [`grandpa::gossip::REBROADCAST_INTERVAL`] until `stopped` resolves, lets the
/// gossip send the node's votes of a stalled round again.
async fn rebroadcast_stalled_rounds(
    gossip: Arc<grandpa::gossip::GrandpaGossip<lattice_network::PeerId>>,
    stopped: impl Future<Output = ()>,
) {
    let mut stopped = std::pin::pin!(stopped.fuse());
    loop {
        futures::select! {
            _ = tokio::time::sleep(grandpa::gossip::REBROADCAST_INTERVAL).fuse() => {}
            _ = stopped.as_mut() => return,
        }
        gossip.rebroadcast_if_stalled();
    }
}

/// Every `interval` until `stopped` resolves, submits the double votes recorded in `log`
/// and the blocks sealed twice for one slot that `network`'s import saw.
async fn report_equivocations(
    client: Arc<Client>,
    pool: Arc<Pool<FullChainApi>>,
    log: grandpa::EquivocationLog,
    network: Option<Arc<crate::network::NetworkShared>>,
    interval: Duration,
    stopped: impl Future<Output = ()>,
) {
    let mut stopped = std::pin::pin!(stopped.fuse());
    loop {
        futures::select! {
            _ = tokio::time::sleep(interval).fuse() => {}
            _ = stopped.as_mut() => return,
        }
        let votes = log.take();
        let blocks = network.as_ref().map(|n| n.take_slot_equivocations()).unwrap_or_default();
        if votes.is_empty() && blocks.is_empty() {
            continue;
        }
        let (c, p) = (client.clone(), pool.clone());
        if let Err(e) = tokio::task::spawn_blocking(move || {
            report::submit_equivocations(&c, &p, votes);
            report::submit_slot_equivocations(&c, &p, blocks);
        })
        .await
        {
            tracing::error!(target: "grandpa", "equivocation reporting panicked: {e}");
        }
    }
}

/// Authors in this node's slots until `stopped` resolves.
async fn author_loop(
    client: Arc<Client>,
    pool: Arc<Pool<FullChainApi>>,
    keystore: Arc<lattice_keystore::LocalKeystore>,
    slot_ms: u64,
    metrics: NodeMetrics,
    stopped: impl Future<Output = ()>,
) {
    let limits = ProposalLimits::for_slot(Duration::from_millis(slot_ms));
    let mut stopped = std::pin::pin!(stopped.fuse());
    loop {
        let (slot, delay) = aura::next_slot_delay(now_ms(), slot_ms);
        futures::select! {
            _ = tokio::time::sleep(delay).fuse() => {}
            _ = stopped.as_mut() => return,
        }
        let timestamp = slot_timestamp(slot, slot_ms);
        let (c, p, k) = (client.clone(), pool.clone(), keystore.clone());
        let result = tokio::task::spawn_blocking(move || {
            aura::author_slot(&c, &p, &k, slot, timestamp, limits)
        })
        .await;
        match result {
            Ok(Ok(Some(proposal))) => {
                metrics.observe_proposal(proposal.elapsed);
                metrics.observe_proposal_transactions(proposal.transactions);
                tracing::info!(
                    target: "aura",
                    "🎁 Authored block #{} ({:?}) in slot {slot} with {} transactions in {} ms",
                    proposal.number,
                    proposal.hash,
                    proposal.transactions,
                    proposal.elapsed.as_millis(),
                );
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(target: "aura", "authoring in slot {slot} failed: {e}"),
            Err(e) => tracing::error!(target: "aura", "authoring task panicked: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use finality_grandpa::{Equivocation, Message, Precommit};
    use lattice_consensus::report::{submit_equivocations, submit_slot_equivocations};
    use lattice_primitives::H256;
    use lattice_txpool::{BlockInfo, Options, SystemClock};
    use sp_core::Pair;

    /// A double precommit in round 1 of set 0 by `//Alice`'s GRANDPA key, signed by
    /// `signer`'s.
    fn double_precommit(signer: &str) -> grandpa::EquivocationProof {
        let alice = sp_core::ed25519::Pair::from_string("//Alice", None).unwrap();
        let key = sp_core::ed25519::Pair::from_string(signer, None).unwrap();
        let vote = |byte| Precommit { target_hash: H256([byte; 32]), target_number: 1u32 };
        let signed = |v: Precommit<H256, u32>| {
            let payload = grandpa::localized_payload(1, 0, &Message::Precommit(v.clone()));
            (v, key.sign(&payload).0)
        };
        grandpa::EquivocationProof {
            set_id: 0,
            equivocation: grandpa::VoteEquivocation::Precommit(Equivocation {
                round_number: 1,
                identity: alice.public().0,
                first: signed(vote(1)),
                second: signed(vote(2)),
            }),
        }
    }

    #[test]
    fn recorded_double_votes_reach_the_pool_as_reports_and_bad_ones_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let client = Arc::new(lattice_chain::test_utils::dev_client(dir.path(), None));
        let genesis = client.genesis_hash();
        let pool = Pool::new(
            FullChainApi::new(client.clone()),
            Options::default(),
            Arc::new(SystemClock::new()),
            BlockInfo { hash: genesis, number: 0 },
        );
        // Signed by a key that is not the voter's: the runtime refuses the report.
        assert_eq!(submit_equivocations(&client, &pool, vec![double_precommit("//Bob")]), 0);
        assert_eq!(pool.status().ready, 0);
        assert_eq!(submit_equivocations(&client, &pool, vec![double_precommit("//Alice")]), 1);
        assert_eq!(pool.status().ready, 1);
        // The same offence again is the same transaction (or the same tag): not twice.
        assert_eq!(submit_equivocations(&client, &pool, vec![double_precommit("//Alice")]), 0);
        assert_eq!(pool.status().ready, 1);
    }

    /// `built` sealed with `signer`'s sr25519 key over its header hash.
    fn sealed(mut built: lattice_chain::BuiltBlock, signer: &str) -> lattice_chain::BuiltBlock {
        let key = sp_core::sr25519::Pair::from_string(signer, None).unwrap();
        let signature = key.sign(built.block.header.hash().as_bytes());
        built
            .block
            .header
            .digest
            .logs
            .push(lattice_primitives::DigestItem::Seal(*b"aura", signature.0.to_vec()));
        built
    }

    #[test]
    fn blocks_sealed_twice_for_a_slot_reach_the_pool_as_a_report_and_forged_ones_do_not() {
        use lattice_chain::test_utils::{account, build, pair, transfer};
        use lattice_chain::BlockOrigin;
        let dir = tempfile::tempdir().unwrap();
        let client = Arc::new(lattice_chain::test_utils::dev_client(dir.path(), None));
        let genesis = client.genesis_hash();
        // Alice, the dev chain's only author, seals blocks #1 (slot 1) and #2 (slot 2),
        // and a second, different #2 for slot 2.
        let one = sealed(build(&client, genesis, 1, &[]), "//Alice");
        let one_hash = one.block.header.hash();
        client.import_built(one.block, one.state, BlockOrigin::Own).unwrap();
        let xt = transfer(&client, &pair("//Alice"), &account(&pair("//Bob")), 1_000, 0);
        let two = sealed(build(&client, one_hash, 2, &[]), "//Alice");
        let other = sealed(build(&client, one_hash, 2, &[xt]), "//Alice");
        let (first, second) = (two.block.header.clone(), other.block.header.clone());
        client.import_built(two.block, two.state, BlockOrigin::Own).unwrap();
        let pool = Pool::new(
            FullChainApi::new(client.clone()),
            Options::default(),
            Arc::new(SystemClock::new()),
            BlockInfo { hash: client.info().best_hash, number: 2 },
        );
        let found = |second: &lattice_primitives::Header| crate::network::SlotEquivocation {
            slot: 2,
            first: first.clone(),
            second: second.clone(),
        };
        // The second header sealed by Bob's key is no proof against Alice.
        let forged = sealed(build(&client, one_hash, 2, &[]), "//Bob").block.header;
        assert_eq!(submit_slot_equivocations(&client, &pool, vec![found(&forged)]), 0);
        assert_eq!(pool.status().ready, 0);
        assert_eq!(submit_slot_equivocations(&client, &pool, vec![found(&second)]), 1);
        assert_eq!(pool.status().ready, 1);
        assert_eq!(submit_slot_equivocations(&client, &pool, vec![found(&second)]), 0);
        assert_eq!(pool.status().ready, 1);
    }
}
