//! A chain on a temporary database, genesis from the runtime's development preset.

#![allow(unreachable_pub)]

use codec::Encode;
use lattice_chain::{build_genesis_state, genesis_preset, BlockBuilder, BuiltBlock, Client};
use lattice_db::{Database, DatabaseConfig};
use lattice_executor::{ExecutorConfig, WasmExecutor};
use lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_primitives::{
    AccountId32, Address, Digest, DigestItem, Era, InherentData, MultiSignature, H256,
};
use lattice_runtime::{extensions, Extrinsic, RuntimeCall};
use sp_core::{sr25519, Pair};

pub fn wasm() -> &'static [u8] {
    lattice_runtime_wasm::WASM_BINARY.expect("the Wasm runtime is built")
}

pub fn executor() -> WasmExecutor {
    WasmExecutor::new(ExecutorConfig::default()).expect("executor starts")
}

/// The development genesis, `:code` included.
pub fn genesis(executor: &WasmExecutor) -> Vec<(Vec<u8>, Vec<u8>)> {
    let json = genesis_preset(executor, wasm(), "development").unwrap().expect("dev preset");
    let mut pairs = build_genesis_state(executor, wasm(), &json).unwrap();
    pairs.push((b":code".to_vec(), wasm().to_vec()));
    pairs
}

pub struct TestChain {
    pub client: Client,
    pub dir: tempfile::TempDir,
}

pub fn chain() -> TestChain {
    let dir = tempfile::tempdir().unwrap();
    let client = open(dir.path());
    TestChain { client, dir }
}

pub fn open(path: &std::path::Path) -> Client {
    let executor = executor();
    let genesis = genesis(&executor);
    let db = Database::open(DatabaseConfig::new(path)).unwrap();
    Client::new(db, executor, genesis, None).unwrap()
}

pub fn pair(seed: &str) -> sr25519::Pair {
    sr25519::Pair::from_string(seed, None).unwrap()
}

pub fn account(p: &sr25519::Pair) -> AccountId32 {
    AccountId32(p.public().0)
}

/// A signed immortal `transfer_keep_alive`.
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

/// Builds a block on `parent` in `slot` with `txs`; panics if one is refused.
pub fn build(client: &Client, parent: H256, slot: u64, txs: &[Vec<u8>]) -> BuiltBlock {
    let digest = Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] };
    let mut builder = BlockBuilder::new(client, parent, digest).unwrap();
    let mut data = InherentData::default();
    data.put(TIMESTAMP_INHERENT, &(slot * lattice_runtime::configs::SLOT_DURATION));
    for xt in builder.create_inherents(&data).unwrap() {
        builder.push(&xt).unwrap().expect("inherent applies").expect("inherent dispatches");
    }
    for xt in txs {
        builder.push(xt).unwrap().expect("transaction applies").expect("transaction dispatches");
    }
    builder.build().unwrap()
}

/// The free balance of `who` after `at`.
pub fn free(client: &Client, at: H256, who: &AccountId32) -> u128 {
    let key = pallet_system::Account::<lattice_runtime::Runtime>::key(who);
    client
        .storage(&at, &key)
        .unwrap()
        .map(|raw| {
            <pallet_system::AccountInfo<pallet_balances::types::AccountData> as codec::Decode>::decode(
                &mut &raw[..],
            )
            .unwrap()
            .data
            .free
        })
        .unwrap_or(0)
}
