//! Dispatching the command line.

use crate::chain_spec::load_spec;
use crate::cli::{
    BuildSpecCmd, Cli, Command, ExportBlocksCmd, ExportChainSpecCmd, ImportBlocksCmd,
    PurgeChainCmd, RevertCmd, RpcMethodsArg, RunCmd, SharedParams, SyncArg,
};
use crate::version::{impl_version, IMPL_NAME};
use clap::Parser;
use codec::{Decode, Encode};
use lattice_chain::{build_genesis_state, BlockOrigin, ImportParams};
use lattice_chain_spec::ChainSpec;
use lattice_db::{Justifications, PruningMode};
use lattice_executor::{ExecutorConfig, WasmExecutor};
use lattice_primitives::Block;
use lattice_service::{Configuration, Role, RpcSettings};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Parses the command line and runs what it asks for.
pub(crate) fn run() -> Result<(), String> {
    let cli = Cli::parse();
    match cli.subcommand {
        None => run_node(cli.run),
        Some(Command::BuildSpec(cmd)) => build_spec(cmd),
        Some(Command::ExportChainSpec(cmd)) => export_chain_spec(cmd),
        Some(Command::Key(cmd)) => crate::key::run(cmd),
        Some(Command::PurgeChain(cmd)) => purge_chain(cmd),
        Some(Command::ExportBlocks(cmd)) => export_blocks(cmd),
        Some(Command::ImportBlocks(cmd)) => import_blocks(cmd),
        Some(Command::Revert(cmd)) => revert(cmd),
        Some(Command::Benchmark(cmd)) => crate::benchmark::run(cmd),
    }
}

pub(crate) fn init_logging(patterns: &[String]) {
    // libp2p's own logs are for debugging it; the network's events are logged by the
    // node under `network` and `sync`.
    let mut filter = std::env::var("RUST_LOG").unwrap_or_else(|_| {
        "info,libp2p=warn,libp2p_swarm=warn,libp2p_kad=warn,libp2p_mdns=warn,libp2p_tcp=warn".into()
    });
    for p in patterns {
        filter.push(',');
        filter.push_str(p);
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|e| {
        eprintln!("Invalid log filter {filter:?} ({e}); using \"info\"");
        tracing_subscriber::EnvFilter::new("info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn chain_id(shared: &SharedParams) -> String {
    match (&shared.chain, shared.dev) {
        (Some(chain), _) => chain.clone(),
        (None, true) => "dev".into(),
        (None, false) => "local".into(),
    }
}

fn default_base_path() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/lattice")
}

/// A configuration for the offline subcommands (no RPC, no metrics, no keys).
fn offline_config(shared: &SharedParams) -> Result<Configuration, String> {
    let spec = load_spec(&chain_id(shared))?;
    let base = shared.base_path.clone().unwrap_or_else(default_base_path);
    Ok(Configuration {
        chain_path: Configuration::chain_path_of(&base, &spec.id),
        chain_spec: spec,
        node_name: "offline".into(),
        impl_name: IMPL_NAME.into(),
        impl_version: impl_version().into(),
        role: Role::Full,
        pruning: None,
        rpc: None,
        prometheus: None,
        dev_key_seed: None,
        informant_interval: Duration::from_secs(5),
        grandpa_gossip: Duration::from_millis(333),
        pool: lattice_txpool::Options::default(),
        network: None,
        sync: Default::default(),
    })
}

/// The pool's limits from `--pool-limit` and `--pool-kbytes`, as Substrate sets them: the
/// future queue gets a tenth of each.
fn pool_options(limit: usize, kbytes: usize) -> lattice_txpool::Options {
    let ready = lattice_txpool::Limit { count: limit, total_bytes: kbytes.saturating_mul(1024) };
    let future =
        lattice_txpool::Limit { count: limit / 10, total_bytes: kbytes.saturating_mul(1024) / 10 };
    lattice_txpool::Options { ready, future, ..Default::default() }
}

fn run_node(cmd: RunCmd) -> Result<(), String> {
    init_logging(&cmd.shared.log);
    let spec = load_spec(&chain_id(&cmd.shared))?;
    let is_dev = cmd.shared.dev;
    let seeds = [
        (cmd.alice, "Alice"),
        (cmd.bob, "Bob"),
        (cmd.charlie, "Charlie"),
        (cmd.dave, "Dave"),
        (cmd.eve, "Eve"),
        (cmd.ferdie, "Ferdie"),
    ];
    let dev_key = seeds
        .iter()
        .find(|(on, _)| *on)
        .map(|(_, name)| *name)
        .or(is_dev.then_some("Alice"))
        .map(|name| format!("//{name}"));
    let validator = cmd.validator || dev_key.is_some();
    let tmp = cmd.tmp || (is_dev && cmd.shared.base_path.is_none());
    let tmp_dir = if tmp {
        Some(tempfile::Builder::new().prefix("lattice-").tempdir().map_err(|e| e.to_string())?)
    } else {
        None
    };
    let base = match (&tmp_dir, &cmd.shared.base_path) {
        (Some(dir), _) => dir.path().to_path_buf(),
        (None, Some(path)) => path.clone(),
        (None, None) => default_base_path(),
    };
    let pruning = match &cmd.state_pruning {
        Some(p) => Some(p.parse::<PruningMode>().map_err(|e| e.to_string())?),
        None => None,
    };
    let sync = match cmd.sync {
        SyncArg::Full => lattice_service::network::SyncMode::Full,
        // An archive keeps every state from genesis on; a warp-synced node has none
        // before its target.
        SyncArg::Warp if pruning.is_some_and(|p| p.is_archive()) => {
            return Err("--sync warp cannot build an archive node (--state-pruning archive): \
                        it never has the states before the block it warps to"
                .into());
        }
        SyncArg::Warp => lattice_service::network::SyncMode::Warp,
    };

    let external = cmd.rpc_external || cmd.unsafe_rpc_external;
    let methods = match cmd.rpc_methods {
        RpcMethodsArg::Auto => lattice_rpc::RpcMethods::Auto,
        RpcMethodsArg::Safe => lattice_rpc::RpcMethods::Safe,
        RpcMethodsArg::Unsafe => lattice_rpc::RpcMethods::Unsafe,
    };
    // As Substrate: a validator exposing its RPC must say it knows the risk.
    if cmd.rpc_external && validator && methods != lattice_rpc::RpcMethods::Unsafe {
        return Err("--rpc-external option shouldn't be used if the node is running as a \
                    validator. Use `--unsafe-rpc-external` or `--rpc-methods=unsafe` if you \
                    understand the risks."
            .into());
    }
    if external && methods == lattice_rpc::RpcMethods::Unsafe {
        tracing::warn!(
            "It isn't safe to expose RPC publicly without a proxy server that filters the \
             available set of RPC methods."
        );
    }
    let rpc_ip = if external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
    let cors = match cmd.rpc_cors.as_deref() {
        Some("all") | Some("*") => None,
        Some(list) => {
            Some(list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        }
        None if is_dev => None,
        None => Some(
            [
                "http://localhost:*",
                "http://127.0.0.1:*",
                "https://localhost:*",
                "https://127.0.0.1:*",
                "https://polkadot.js.org",
            ]
            .map(String::from)
            .to_vec(),
        ),
    };
    const MIB: u32 = 1024 * 1024;
    let mut rpc = lattice_rpc::RpcConfig::new(SocketAddr::from((rpc_ip, cmd.rpc_port)));
    rpc.cors = cors;
    rpc.max_connections = cmd.rpc_max_connections;
    rpc.max_request_size_bytes = cmd.rpc_max_request_size.saturating_mul(MIB);
    rpc.max_response_size_bytes = cmd.rpc_max_response_size.saturating_mul(MIB);
    rpc.max_subscriptions_per_connection = cmd.rpc_max_subscriptions_per_connection;
    rpc.max_batch_len = Some(cmd.rpc_max_batch_request_len);

    let prometheus = (!cmd.no_prometheus).then(|| {
        let ip = if cmd.prometheus_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
        SocketAddr::from((ip, cmd.prometheus_port))
    });
    let node_name = cmd.name.clone().unwrap_or_else(|| "lattice-node".into());
    let config = Configuration {
        chain_path: Configuration::chain_path_of(&base, &spec.id),
        chain_spec: spec,
        node_name: node_name.clone(),
        impl_name: IMPL_NAME.into(),
        impl_version: impl_version().into(),
        role: if validator { Role::Authority } else { Role::Full },
        pruning,
        rpc: Some(RpcSettings { config: rpc, methods }),
        prometheus,
        dev_key_seed: dev_key,
        informant_interval: Duration::from_secs(5),
        grandpa_gossip: Duration::from_millis(333),
        pool: pool_options(cmd.pool_limit, cmd.pool_kbytes),
        network: None,
        sync,
    };
    let mut config = config;
    config.network = Some(network_config(&cmd, &config)?);
    tracing::info!("{IMPL_NAME}");
    tracing::info!("✌️  version {}", impl_version());
    tracing::info!("📋 Chain specification: {}", config.chain_spec.name);
    tracing::info!("🏷  Node name: {node_name}");
    tracing::info!("👤 Role: {}", if validator { "AUTHORITY" } else { "FULL" });
    tracing::info!("💾 Database: RocksDB at {}", config.database_path().display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("lattice-worker")
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let result = runtime.block_on(lattice_service::run(config, shutdown_signal()));
    runtime.shutdown_timeout(Duration::from_secs(5));
    drop(tmp_dir);
    result.map_err(|e| e.to_string())
}

/// The network's settings from the command line and the chain spec.
fn network_config(
    cmd: &RunCmd,
    config: &Configuration,
) -> Result<lattice_network::NetworkConfig, String> {
    use lattice_network::{parse_addr, split_peer_addr, NodeKeyConfig};
    let node_key = match (&cmd.node_key, &cmd.node_key_file) {
        (Some(hex), _) => {
            let text = hex.trim().strip_prefix("0x").unwrap_or(hex.trim());
            let bytes = ::hex::decode(text).map_err(|e| format!("--node-key: invalid hex: {e}"))?;
            let secret: [u8; 32] = bytes.try_into().map_err(|v: Vec<u8>| {
                format!("--node-key: a node key has 32 bytes, this one {}", v.len())
            })?;
            NodeKeyConfig::Secret(secret)
        }
        (None, Some(path)) => NodeKeyConfig::File { path: path.clone(), create: false },
        (None, None) => NodeKeyConfig::File { path: config.node_key_path(), create: true },
    };
    // The key is read now so a bad file stops the node before anything starts.
    node_key.keypair().map_err(|e| e.to_string())?;
    let mut net = lattice_network::NetworkConfig::new([0; 32], node_key);
    let port = cmd.port.unwrap_or(30333);
    net.listen_addresses = if cmd.listen_addr.is_empty() {
        vec![parse_addr(&format!("/ip4/0.0.0.0/tcp/{port}")).map_err(|e| e.to_string())?]
    } else {
        cmd.listen_addr
            .iter()
            .map(|a| parse_addr(a))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?
    };
    let peer_addrs =
        |list: &[String], flag: &str| -> Result<Vec<lattice_network::Multiaddr>, String> {
            list.iter()
                .map(|a| {
                    let addr = parse_addr(a).map_err(|e| format!("{flag}: {e}"))?;
                    split_peer_addr(&addr).map_err(|e| format!("{flag}: {e}"))?;
                    Ok(addr)
                })
                .collect()
        };
    net.public_addresses = cmd
        .public_addr
        .iter()
        .map(|a| parse_addr(a).map_err(|e| format!("--public-addr: {e}")))
        .collect::<Result<_, _>>()?;
    let mut boot = peer_addrs(&config.chain_spec.boot_nodes, "chain spec bootNodes")?;
    boot.extend(peer_addrs(&cmd.bootnodes, "--bootnodes")?);
    net.boot_nodes = boot;
    net.reserved_nodes = peer_addrs(&cmd.reserved_nodes, "--reserved-nodes")?;
    net.reserved_only = cmd.reserved_only;
    net.in_peers = cmd.in_peers;
    net.out_peers = cmd.out_peers;
    // A development chain is one node's: it does not look for others on the LAN.
    net.mdns = !cmd.no_mdns && !cmd.shared.dev;
    net.discover_local = cmd.discover_local || cmd.shared.dev;
    net.agent_version = format!("{IMPL_NAME}/{}", impl_version());
    Ok(net)
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("cannot listen for SIGTERM: {e}");
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => tracing::info!("Received SIGINT"),
            _ = term.recv() => tracing::info!("Received SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn to_raw(spec: &ChainSpec) -> Result<ChainSpec, String> {
    let executor = WasmExecutor::new(ExecutorConfig::default()).map_err(|e| e.to_string())?;
    spec.to_raw(|code, json| build_genesis_state(&executor, code, json)).map_err(|e| e.to_string())
}

fn build_spec(cmd: BuildSpecCmd) -> Result<(), String> {
    let mut spec = load_spec(&chain_id(&cmd.shared))?;
    if cmd.disable_default_bootnode {
        spec.boot_nodes.clear();
    }
    let spec = if cmd.raw { to_raw(&spec)? } else { spec };
    println!("{}", spec.to_json());
    Ok(())
}

fn export_chain_spec(cmd: ExportChainSpecCmd) -> Result<(), String> {
    let spec = load_spec(&cmd.chain)?;
    let spec = if cmd.raw { to_raw(&spec)? } else { spec };
    match cmd.output {
        Some(path) => spec.to_file(&path).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            println!("{}", spec.to_json());
            Ok(())
        }
    }
}

fn purge_chain(cmd: PurgeChainCmd) -> Result<(), String> {
    let config = offline_config(&cmd.shared)?;
    let path = config.database_path();
    if !path.exists() {
        println!("{} did not exist.", path.display());
        return Ok(());
    }
    if !cmd.yes {
        print!("Are you sure to remove {}? [y/N]: ", path.display());
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).map_err(|e| e.to_string())?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Aborted");
            return Ok(());
        }
    }
    // Refuse while a node runs on it: opening takes the lock.
    drop(lattice_service::open_database(&config).map_err(|e| e.to_string())?);
    std::fs::remove_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{} removed.", path.display());
    Ok(())
}

fn revert(cmd: RevertCmd) -> Result<(), String> {
    init_logging(&cmd.shared.log);
    let config = offline_config(&cmd.shared)?;
    let parts = lattice_service::new_parts(&config).map_err(|e| e.to_string())?;
    let (hash, number) = parts.client.revert(cmd.num).map_err(|e| e.to_string())?;
    println!("Reverted; best block is now #{number} ({hash:?})");
    Ok(())
}

/// Magic bytes of an export file, then the SCALE `u64` count and each block with its
/// justifications.
const EXPORT_MAGIC: &[u8; 8] = b"LATBLKS1";
/// Largest block read from an import file.
const MAX_IMPORTED_BLOCK: u32 = 64 * 1024 * 1024;

fn export_blocks(cmd: ExportBlocksCmd) -> Result<(), String> {
    init_logging(&cmd.shared.log);
    let config = offline_config(&cmd.shared)?;
    let parts = lattice_service::new_parts(&config).map_err(|e| e.to_string())?;
    let client = parts.client;
    let to = cmd.to.unwrap_or(client.info().best_number);
    if cmd.from > to {
        return Err(format!("--from {} is above the last block #{to}", cmd.from));
    }
    let file =
        std::fs::File::create(&cmd.output).map_err(|e| format!("{}: {e}", cmd.output.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let write = |out: &mut std::io::BufWriter<std::fs::File>, bytes: &[u8]| {
        out.write_all(bytes).map_err(|e| format!("{}: {e}", cmd.output.display()))
    };
    write(&mut out, EXPORT_MAGIC)?;
    write(&mut out, &u64::from(to - cmd.from + 1).encode())?;
    for number in cmd.from..=to {
        let hash =
            client.hash(number).map_err(|e| e.to_string())?.ok_or(format!("no block #{number}"))?;
        let block = client
            .block(&hash)
            .map_err(|e| e.to_string())?
            .ok_or(format!("no body of #{number}"))?;
        let justifications = client.justifications(&hash).map_err(|e| e.to_string())?;
        let encoded = (block, justifications).encode();
        write(&mut out, &(encoded.len() as u32).encode())?;
        write(&mut out, &encoded)?;
    }
    out.flush().map_err(|e| e.to_string())?;
    println!("Exported blocks #{}..=#{to} to {}", cmd.from, cmd.output.display());
    Ok(())
}

fn import_blocks(cmd: ImportBlocksCmd) -> Result<(), String> {
    init_logging(&cmd.shared.log);
    let config = offline_config(&cmd.shared)?;
    let file =
        std::fs::File::open(&cmd.input).map_err(|e| format!("{}: {e}", cmd.input.display()))?;
    let mut input = std::io::BufReader::new(file);
    let mut magic = [0u8; 8];
    input.read_exact(&mut magic).map_err(|e| format!("{}: {e}", cmd.input.display()))?;
    if &magic != EXPORT_MAGIC {
        return Err(format!("{} is not a block export of this node", cmd.input.display()));
    }
    let mut count = [0u8; 8];
    input.read_exact(&mut count).map_err(|e| format!("truncated file: {e}"))?;
    let count = u64::from_le_bytes(count);
    let parts = lattice_service::new_parts(&config).map_err(|e| e.to_string())?;
    let client = parts.client;
    let started = Instant::now();
    let (mut imported, mut known) = (0u64, 0u64);
    for index in 0..count {
        let mut len = [0u8; 4];
        input.read_exact(&mut len).map_err(|e| format!("truncated file at block {index}: {e}"))?;
        let len = u32::from_le_bytes(len);
        if len > MAX_IMPORTED_BLOCK {
            return Err(format!("block {index} claims {len} bytes, above the limit"));
        }
        let mut buf = vec![0u8; len as usize];
        input.read_exact(&mut buf).map_err(|e| format!("truncated file at block {index}: {e}"))?;
        let (block, justifications) = <(Block, Option<Justifications>)>::decode(&mut &buf[..])
            .map_err(|e| format!("block {index} does not decode: {e}"))?;
        let number = block.header.number;
        let hash = block.header.hash();
        if client.header(&hash).map_err(|e| e.to_string())?.is_some() {
            known += 1;
            continue;
        }
        // Exported blocks are from the past: every slot is acceptable, so the check of a
        // slot against the local clock is given no upper bound.
        lattice_consensus::aura::verify_seal(&client, &block.header, u64::MAX)
            .map_err(|e| format!("block #{number}: {e}"))?;
        let grandpa =
            justifications.unwrap_or_default().into_iter().find(|(engine, _)| engine == b"FRNK");
        let mut finalize = false;
        if let Some((_, proof)) = &grandpa {
            let (voters, set_id) =
                lattice_consensus::grandpa::authority_set(&client, &block.header.parent_hash)
                    .map_err(|e| format!("block #{number}: {e}"))?;
            lattice_consensus::grandpa::GrandpaJustification::verify(
                proof, hash, number, set_id, &voters,
            )
            .map_err(|e| format!("block #{number}: {e}"))?;
            finalize = true;
        }
        client
            .import_block(ImportParams {
                block,
                justification: grandpa,
                origin: BlockOrigin::File,
                finalize,
            })
            .map_err(|e| format!("block #{number}: {e}"))?;
        imported += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Imported {imported} blocks ({known} already known) in {secs:.2} s ({:.0} blocks/s); best #{}, finalized #{}",
        imported as f64 / secs.max(1e-9),
        client.info().best_number,
        client.info().finalized_number
    );
    Ok(())
}
