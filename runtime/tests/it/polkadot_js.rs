//! The unmodified polkadot.js client against the runtime: it decodes metadata V14 and
//! V15, and extrinsics it signs offline are accepted (a flipped byte is refused).
//!
//! Needs Node.js and the npm packages of `runtime/tests/js` (`scripts/setup.sh` installs
//! them).

use crate::common::*;
use codec::{Decode, Encode};
use lattice_primitives::{InvalidTransaction, TransactionValidityError};
use lattice_state::{Ext, OverlayedChanges};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

fn metadata(engine: &Engine, chain: &Chain, version: u32) -> String {
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &chain.state);
    let out = engine.call(&mut ext, "Metadata_metadata_at_version", &version.encode()).unwrap();
    let bytes = Option::<Vec<u8>>::decode(&mut &out[..]).unwrap().expect("version supported");
    format!("0x{}", hex::encode(bytes))
}

fn run_js(chain: &Chain, engine: &Engine) -> Value {
    assert!(
        js_dir().join("node_modules/@polkadot/types").exists(),
        "npm packages missing: run scripts/setup.sh (it runs `npm ci` in runtime/tests/js)"
    );
    let v = lattice_runtime::VERSION;
    let input = serde_json::json!({
        "metadataV14": metadata(engine, chain, 14),
        "metadataV15": metadata(engine, chain, 15),
        "genesisHash": chain.genesis_hash.to_string(),
        "specVersion": v.spec_version,
        "transactionVersion": v.transaction_version,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.json");
    std::fs::write(&path, input.to_string()).unwrap();
    let out = Command::new("node")
        .arg("check.mjs")
        .arg(&path)
        .current_dir(js_dir())
        .output()
        .expect("node runs (apt-get install nodejs)");
    assert!(out.status.success(), "polkadot.js failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

#[test]
fn polkadot_js_decodes_metadata_and_signs_accepted_extrinsics() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let out = run_js(&chain, &wasm);

    for (version, summary) in [(14, &out["v14"]), (15, &out["v15"])] {
        assert_eq!(summary["version"], version);
        let pallets = &summary["pallets"];
        for (name, index) in [
            ("System", 0),
            ("Timestamp", 1),
            ("Aura", 2),
            ("Grandpa", 3),
            ("Balances", 4),
            ("TransactionPayment", 5),
            ("Sudo", 6),
            ("Utility", 7),
        ] {
            assert_eq!(pallets[name]["index"], index, "{name} in V{version}");
        }
        let balances = &pallets["Balances"];
        for call in [
            "transfer_allow_death",
            "force_transfer",
            "transfer_keep_alive",
            "transfer_all",
            "force_set_balance",
        ] {
            assert!(names(&balances["calls"]).contains(&call), "Balances.{call}");
        }
        for event in ["Endowed", "Transfer", "Withdraw", "Deposit", "DustLost"] {
            assert!(names(&balances["events"]).contains(&event), "Balances.{event}");
        }
        for error in
            ["InsufficientBalance", "ExistentialDeposit", "Expendability", "LiquidityRestrictions"]
        {
            assert!(names(&balances["errors"]).contains(&error), "Balances.{error}");
        }
        assert!(names(&balances["constants"]).contains(&"ExistentialDeposit"));
        assert!(names(&balances["storage"]).contains(&"TotalIssuance"));
        let system = &pallets["System"];
        for item in
            ["Account", "Events", "BlockHash", "Number", "ParentHash", "Digest", "EventCount"]
        {
            assert!(names(&system["storage"]).contains(&item), "System.{item}");
        }
        for c in
            ["BlockHashCount", "BlockWeights", "BlockLength", "Version", "SS58Prefix", "DbWeight"]
        {
            assert!(names(&system["constants"]).contains(&c), "System.{c}");
        }
        for e in [
            "ExtrinsicSuccess",
            "ExtrinsicFailed",
            "CodeUpdated",
            "NewAccount",
            "KilledAccount",
            "Remarked",
        ] {
            assert!(names(&system["events"]).contains(&e), "System.{e}");
        }
        for c in ["remark", "set_code", "set_heap_pages", "remark_with_event"] {
            assert!(names(&system["calls"]).contains(&c), "System.{c}");
        }
        assert!(names(&pallets["TransactionPayment"]["events"]).contains(&"TransactionFeePaid"));
        assert!(names(&pallets["Timestamp"]["calls"]).contains(&"set"));
        assert!(names(&pallets["Sudo"]["calls"]).contains(&"sudo"));
        assert!(names(&pallets["Utility"]["calls"]).contains(&"batch_all"));
        assert!(summary["constantsDecoded"].as_u64().unwrap() >= 10);
        let paths = names(&summary["paths"]);
        let missing = [
            "sp_core::crypto::AccountId32",
            "sp_runtime::multiaddress::MultiAddress",
            "sp_runtime::generic::era::Era",
            "sp_runtime::DispatchError",
            "sp_runtime::ModuleError",
            "sp_runtime::generic::digest::Digest",
            "sp_weights::weight_v2::Weight",
            "primitive_types::H256",
            "frame_system::AccountInfo",
            "frame_system::EventRecord",
            "frame_system::Phase",
            "pallet_balances::types::AccountData",
            "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
        ]
        .into_iter()
        .filter(|p| !paths.contains(p))
        .collect::<Vec<_>>();
        assert!(missing.is_empty(), "V{version} lacks type paths {missing:?}");
        if version == 15 {
            // Through the runtime APIs' argument types (`Core_execute_block`).
            assert!(paths.contains(&"sp_runtime::generic::header::Header"));
        }
        assert_eq!(
            names(&summary["signedExtensions"]),
            vec![
                "CheckNonZeroSender",
                "CheckSpecVersion",
                "CheckTxVersion",
                "CheckGenesis",
                "CheckMortality",
                "CheckNonce",
                "CheckWeight",
                "ChargeTransactionPayment"
            ]
        );
    }

    // Extrinsics polkadot.js signed are accepted; a flipped signature byte is refused.
    let signed = &out["signed"];
    let decode_hex =
        |name: &str| hex::decode(signed[name].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let good: Vec<Vec<u8>> = ["transferKeepAlive", "transferAllowDeath", "batch"]
        .iter()
        .map(|n| decode_hex(n))
        .collect();
    let mut flipped = good[0].clone();
    // compact length (2 bytes for this size), version, MultiAddress::Id (33), signature tag
    let sig_start = 2 + 1 + 33 + 1;
    flipped[sig_start + 10] ^= 0xff;
    let (_, results) = chain.build(&wasm, &[flipped]).expect("builds");
    assert_eq!(results[0], Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof)));

    let (_, results) = chain.produce(&wasm, &good).expect("block with polkadot.js extrinsics");
    assert_eq!(results, vec![Ok(Ok(())), Ok(Ok(())), Ok(Ok(()))]);
    let charlie = account(&pair("//Charlie"));
    assert_eq!(
        chain.free(&charlie),
        lattice_runtime::genesis::DEV_ENDOWMENT + 7 * lattice_runtime::LAT
    );
}
