//! A development chain for tests of the client crates: a client on a temporary RocksDB
//! with the Wasm runtime's `development` genesis (Alice the only authority), signed
//! transfers and blocks built in given slots. Behind the `test-utils` feature.

use crate::{build_genesis_state, genesis_preset, BlockBuilder, BuiltBlock, Client, StoragePairs};
use codec::{Decode, Encode};
use lattice_db::{Database, DatabaseConfig};
use lattice_executor::{ExecutorConfig, WasmExecutor};
use lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_primitives::{
    AccountId32, Address, Digest, DigestItem, Era, InherentData, MultiSignature, H256,
};
use lattice_runtime::{extensions, Extrinsic, RuntimeCall};
use sp_core::{sr25519, Pair};
use std::path::Path;
use std::sync::Arc;

/// The runtime's Wasm blob.
pub fn wasm() -> &'static [u8] {
    lattice_runtime_wasm::WASM_BINARY.expect("the Wasm runtime is built (SKIP_WASM_BUILD unset)")
}

/// A fresh executor with default settings.
pub fn executor() -> WasmExecutor {
    WasmExecutor::new(ExecutorConfig::default()).expect("the executor starts")
}

/// The JSON of the Wasm runtime's genesis preset `name`.
pub fn preset(executor: &WasmExecutor, name: &str) -> Vec<u8> {
    genesis_preset(executor, wasm(), name)
        .expect("the runtime answers")
        .unwrap_or_else(|| panic!("the {name} preset exists"))
}

/// The genesis state the Wasm runtime builds from the JSON `config`, `:code` included.
pub fn genesis_state(executor: &WasmExecutor, config: &[u8]) -> StoragePairs {
    let mut pairs = build_genesis_state(executor, wasm(), config).expect("the config builds");
    pairs.push((b":code".to_vec(), wasm().to_vec()));
    pairs
}

/// The `development` genesis built by the Wasm runtime, `:code` included.
pub fn dev_genesis(executor: &WasmExecutor) -> StoragePairs {
    genesis_state(executor, &preset(executor, "development"))
}

/// A client of the development chain on the database at `path` (created if missing).
pub fn dev_client(
    path: &Path,
    keystore: Option<Arc<dyn lattice_io::Keystore + Send + Sync>>,
) -> Client {
    let executor = executor();
    let genesis = dev_genesis(&executor);
    let db = Database::open(DatabaseConfig::new(path)).expect("the test database opens");
    Client::new(db, executor, genesis, keystore).expect("the development chain starts")
}

/// A client of the `local_testnet` chain (Alice, Bob, Charlie and Dave are the Aura and
/// GRANDPA authorities) on the database at `path` (created if missing).
pub fn local_testnet_client(
    path: &Path,
    keystore: Option<Arc<dyn lattice_io::Keystore + Send + Sync>>,
) -> Client {
    let executor = executor();
    let genesis = genesis_state(&executor, &preset(&executor, "local_testnet"));
    let db = Database::open(DatabaseConfig::new(path)).expect("the test database opens");
    Client::new(db, executor, genesis, keystore).expect("the local testnet chain starts")
}

/// The key pair of a dev seed such as `//Alice`.
pub fn pair(seed: &str) -> sr25519::Pair {
    sr25519::Pair::from_string(seed, None).expect("dev seeds are valid")
}

/// The account of a key pair.
pub fn account(p: &sr25519::Pair) -> AccountId32 {
    AccountId32(p.public().0)
}

/// A signed, immortal, tip-less `transfer_keep_alive` for the chain of `client`.
pub fn transfer(
    client: &Client,
    from: &sr25519::Pair,
    to: &AccountId32,
    value: u128,
    nonce: u32,
) -> Vec<u8> {
    let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
        dest: Address::Id(*to),
        value,
    });
    sign(client, from, call, nonce)
}

/// `call` signed by `from` with `nonce`, immortal and tip-less, for the chain of `client`.
pub fn sign(client: &Client, from: &sr25519::Pair, call: RuntimeCall, nonce: u32) -> Vec<u8> {
    let extra = extensions::extra(nonce, Era::Immortal, 0);
    let v = lattice_runtime::VERSION;
    let g = client.genesis_hash();
    let implicit: extensions::Implicit = (v.spec_version, v.transaction_version, g, g);
    let payload = lattice_primitives::extrinsic::signing_payload(
        &call,
        &extra,
        &implicit,
        lattice_io::hashing::blake2_256,
    );
    let signature = from.sign(&payload);
    Extrinsic::new_signed(
        call,
        Address::Id(account(from)),
        MultiSignature::Sr25519(signature.0),
        extra,
    )
    .encode()
}

/// Builds (unsealed, not imported) a block on `parent` in `slot` with `txs`; panics if
/// the runtime refuses one or its call fails.
pub fn build(client: &Client, parent: H256, slot: u64, txs: &[Vec<u8>]) -> BuiltBlock {
    build_at(client, parent, slot, slot * lattice_runtime::configs::SLOT_DURATION, txs)
}

/// [`build`] with the timestamp inherent at `timestamp_ms` (inside the slot).
pub fn build_at(
    client: &Client,
    parent: H256,
    slot: u64,
    timestamp_ms: u64,
    txs: &[Vec<u8>],
) -> BuiltBlock {
    let digest = Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] };
    let mut builder = BlockBuilder::new(client, parent, digest).expect("the parent is known");
    let mut data = InherentData::default();
    data.put(TIMESTAMP_INHERENT, &timestamp_ms);
    for xt in builder.create_inherents(&data).expect("the runtime gives inherents") {
        builder.push(&xt).expect("runs").expect("inherent applies").expect("inherent dispatches");
    }
    for xt in txs {
        builder
            .push(xt)
            .expect("runs")
            .expect("transaction applies")
            .expect("transaction dispatches");
    }
    builder.build().expect("the block builds")
}

/// The storage key of `System.Account(who)`.
pub fn account_key(who: &AccountId32) -> Vec<u8> {
    pallet_system::Account::<lattice_runtime::Runtime>::key(who)
}

/// The free balance of `who` after block `at`.
pub fn free(client: &Client, at: H256, who: &AccountId32) -> u128 {
    client
        .storage(&at, &account_key(who))
        .expect("the state is kept")
        .map(|raw| {
            pallet_system::AccountInfo::<pallet_balances::types::AccountData>::decode(&mut &raw[..])
                .expect("System.Account decodes")
                .data
                .free
        })
        .unwrap_or(0)
}
