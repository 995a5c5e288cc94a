//! `lattice benchmark block`: blocks of signed transfers built by one node and imported
//! by another, both on RocksDB databases, through the Wasm runtime as the node runs it.

use crate::cli::{BenchmarkBlockCmd, BenchmarkCmd};
use codec::{Decode, Encode};
use lattice_chain::{BlockBuilder, BlockOrigin, ImportParams};
use lattice_node::tx::ExtrinsicBuilder;
use lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_primitives::{Digest, DigestItem, InherentData};
use lattice_service::{Configuration, Role};
use sp_core::{sr25519, Pair};
use std::time::{Duration, Instant};

pub(crate) fn run(cmd: BenchmarkCmd) -> Result<(), String> {
    match cmd {
        BenchmarkCmd::Block(cmd) => block(cmd),
        BenchmarkCmd::Sync(cmd) => crate::sync_bench::run(cmd),
        BenchmarkCmd::Warp(cmd) => crate::warp_bench::run(cmd),
        BenchmarkCmd::Finality(cmd) => crate::finality_bench::run(cmd),
        BenchmarkCmd::Load(cmd) => crate::load::run(cmd),
    }
}

pub(crate) fn config(dir: &std::path::Path, name: &str) -> Result<Configuration, String> {
    let spec = crate::chain_spec::load_spec("dev")?;
    Ok(Configuration {
        chain_path: dir.join(name),
        chain_spec: spec,
        node_name: name.into(),
        impl_name: crate::version::IMPL_NAME.into(),
        impl_version: crate::version::impl_version().into(),
        role: Role::Full,
        pruning: None,
        rpc: None,
        prometheus: None,
        dev_key_seed: Some("//Alice".into()),
        informant_interval: Duration::from_secs(5),
        grandpa_gossip: Duration::from_millis(333),
        pool: lattice_txpool::Options::default(),
        network: None,
        sync: Default::default(),
    })
}

/// A transfer builder for the chain of `client` (call index from its metadata).
pub(crate) fn transfer_builder(client: &lattice_chain::Client) -> Result<ExtrinsicBuilder, String> {
    let genesis = client.genesis_hash();
    let raw = client.call(&genesis, "Metadata_metadata", &[]).map_err(|e| e.to_string())?;
    let metadata = Vec::<u8>::decode(&mut &raw[..]).map_err(|e| e.to_string())?;
    let version = client.runtime_version(&genesis).map_err(|e| e.to_string())?;
    ExtrinsicBuilder::new(&metadata, genesis, &version)
}

/// `count` transfers from Alice, nonces from `nonce`, each to a fresh account derived
/// from `(tag, i)`.
pub(crate) fn alice_transfers(
    builder: &ExtrinsicBuilder,
    tag: u32,
    count: u32,
    nonce: u32,
) -> Vec<Vec<u8>> {
    let alice = sr25519::Pair::from_string("//Alice", None).expect("a dev seed");
    (0..count)
        .map(|i| {
            let dest = lattice_primitives::blake2_256(&(tag, i).encode()).0;
            builder.transfer(&alice, dest, 10_000_000_000, nonce + i)
        })
        .collect()
}

/// Builds and seals (as Alice) a block in `slot` on the best block of `author` with the
/// `txs` the runtime accepts; returns it with its state, and how many transactions it
/// holds.
pub(crate) fn build_block(
    author: &lattice_service::NodeParts,
    slot: u64,
    txs: &[Vec<u8>],
) -> Result<(lattice_chain::BuiltBlock, u32), String> {
    let client = &author.client;
    let parent = client.info().best_hash;
    let digest = Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] };
    let mut block = BlockBuilder::new(client, parent, digest).map_err(|e| e.to_string())?;
    let mut data = InherentData::default();
    data.put(TIMESTAMP_INHERENT, &(slot * 2000));
    for xt in block.create_inherents(&data).map_err(|e| e.to_string())? {
        block
            .push(&xt)
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("inherent refused: {e:?}"))?
            .map_err(|e| format!("inherent failed: {e:?}"))?;
    }
    let mut included = 0u32;
    for xt in txs {
        if block.push(xt).map_err(|e| e.to_string())?.is_ok() {
            included += 1;
        }
    }
    let mut built = block.build().map_err(|e| e.to_string())?;
    let alice = sr25519::Pair::from_string("//Alice", None).expect("a dev seed");
    built.block = lattice_consensus::aura::seal(built.block, &author.keystore, &alice.public().0)
        .map_err(|e| e.to_string())?
        .ok_or("the keystore lacks Alice's Aura key")?;
    Ok((built, included))
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn block(cmd: BenchmarkBlockCmd) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let author =
        lattice_service::new_parts(&config(dir.path(), "author")?).map_err(|e| e.to_string())?;
    let importer =
        lattice_service::new_parts(&config(dir.path(), "importer")?).map_err(|e| e.to_string())?;
    let client = &author.client;
    let builder = transfer_builder(client)?;
    let mut nonce = 0u32;
    let (mut build_rates, mut import_rates) = (Vec::new(), Vec::new());
    println!(
        "benchmark block: {} transfers per block, {} measured blocks (+1 warm-up)",
        cmd.transfers, cmd.repeat
    );
    for round in 0..=cmd.repeat {
        let txs = alice_transfers(&builder, round, cmd.transfers, nonce);
        let slot = u64::from(round) + 1;
        let started = Instant::now();
        let (built, included) = build_block(&author, slot, &txs)?;
        let build_time = started.elapsed();
        nonce += included;
        let sealed = built.block.clone();
        client
            .import_built(built.block, built.state, BlockOrigin::Own)
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        importer
            .client
            .import_block(ImportParams {
                block: sealed,
                justification: None,
                origin: BlockOrigin::File,
                finalize: false,
            })
            .map_err(|e| e.to_string())?;
        let import_time = started.elapsed();
        let build_rate = f64::from(included) / build_time.as_secs_f64();
        let import_rate = f64::from(included) / import_time.as_secs_f64();
        println!(
            "block #{:<3} {} transfers: build {:>7.1} ms ({:>8.0} tx/s), import {:>7.1} ms ({:>8.0} tx/s){}",
            slot,
            included,
            build_time.as_secs_f64() * 1e3,
            build_rate,
            import_time.as_secs_f64() * 1e3,
            import_rate,
            if round == 0 { "  (warm-up)" } else { "" }
        );
        if round > 0 {
            build_rates.push(build_rate);
            import_rates.push(import_rate);
        }
    }
    println!(
        "median: build {:.0} transfers/s, import {:.0} transfers/s (RocksDB, Wasm runtime)",
        median(build_rates),
        median(import_rates)
    );
    Ok(())
}
