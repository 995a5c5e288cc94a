//! The JSON shapes of the methods polkadot.js relies on.

use crate::harness::*;
use serde_json::{json, Value};
use sp_core::Pair;

const REQUIRED_RPC: &[&str] = &[
    "system_chain",
    "system_properties",
    "system_health",
    "system_name",
    "system_version",
    "system_accountNextIndex",
    "chain_getBlock",
    "chain_getBlockHash",
    "chain_getHeader",
    "chain_getFinalizedHead",
    "chain_subscribeNewHeads",
    "chain_subscribeFinalizedHeads",
    "state_getStorage",
    "state_getMetadata",
    "state_getRuntimeVersion",
    "state_call",
    "state_subscribeRuntimeVersion",
    "state_subscribeStorage",
    "state_getKeysPaged",
    "author_submitExtrinsic",
    "author_submitAndWatchExtrinsic",
    "author_pendingExtrinsics",
    "payment_queryInfo",
    "staking_validators",
    "staking_delegations",
    "staking_rewards",
    "staking_unbonding",
    "rpc_methods",
];

fn is_hash(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 66 && s.starts_with("0x"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_and_rpc_methods_answer_as_substrate() {
    let node = node().await;
    let http = node.http();
    assert_eq!(call(&http, "system_chain", vec![]).await.unwrap(), json!("Development"));
    assert_eq!(call(&http, "system_name", vec![]).await.unwrap(), json!("Lattice Node"));
    assert_eq!(call(&http, "system_version", vec![]).await.unwrap(), json!("0.1.0-test"));
    assert_eq!(call(&http, "system_chainType", vec![]).await.unwrap(), json!("Development"));
    let props = call(&http, "system_properties", vec![]).await.unwrap();
    assert_eq!(props, json!({"ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "LAT"}));
    assert_eq!(
        call(&http, "system_health", vec![]).await.unwrap(),
        json!({"peers": 0, "isSyncing": false, "shouldHavePeers": false})
    );
    assert_eq!(call(&http, "system_nodeRoles", vec![]).await.unwrap(), json!(["Authority"]));
    assert_eq!(call(&http, "system_localPeerId", vec![]).await.unwrap(), json!("12D3KooWTest"));
    assert_eq!(
        call(&http, "system_syncState", vec![]).await.unwrap(),
        json!({"startingBlock": 0, "currentBlock": 0, "highestBlock": 0})
    );
    assert_eq!(call(&http, "system_peers", vec![]).await.unwrap(), json!([]));
    let methods = call(&http, "rpc_methods", vec![]).await.unwrap();
    let list: Vec<&str> =
        methods["methods"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    for m in REQUIRED_RPC {
        assert!(list.contains(m), "rpc_methods lacks {m}");
    }
    let mut sorted = list.clone();
    sorted.sort_unstable();
    assert_eq!(list, sorted, "sorted");
    // Nonce by SS58 and by hex.
    let alice = pair("//Alice");
    assert_eq!(
        call(&http, "system_accountNextIndex", vec![json!(ss58(&alice))]).await.unwrap(),
        json!(0)
    );
    assert_eq!(
        call(&http, "system_accountNextIndex", vec![json!(hex(&alice.public().0))]).await.unwrap(),
        json!(0)
    );
    let (code, msg, _) =
        call(&http, "system_accountNextIndex", vec![json!("5NotAnAddress")]).await.unwrap_err();
    assert_eq!(code, -32602, "{msg}");
    let (code, _, _) = call(&http, "grandpa_roundState", vec![]).await.unwrap_err();
    assert_eq!(code, 1);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_methods_give_headers_blocks_and_hashes() {
    let node = node().await;
    let http = node.http();
    let genesis = node.client.genesis_hash().to_string();
    assert_eq!(call(&http, "chain_getBlockHash", vec![json!(0)]).await.unwrap(), json!(genesis));
    assert_eq!(
        call(&http, "chain_getBlockHash", vec![json!("0x0")]).await.unwrap(),
        json!(genesis)
    );
    assert_eq!(call(&http, "chain_getBlockHash", vec![]).await.unwrap(), json!(genesis));
    assert_eq!(
        call(&http, "chain_getBlockHash", vec![json!([0, 7])]).await.unwrap(),
        json!([genesis, null])
    );
    let (code, _, _) = call(&http, "chain_getBlockHash", vec![json!(-1)]).await.unwrap_err();
    assert_eq!(code, -32602);
    let (code, _, _) = call(&http, "chain_getBlockHash", vec![json!(u64::MAX)]).await.unwrap_err();
    assert_eq!(code, -32602);

    let h1 = node.import(vec![]).await;
    let header = call(&http, "chain_getHeader", vec![json!(h1.to_string())]).await.unwrap();
    assert_eq!(header["number"], json!("0x1"));
    assert_eq!(header["parentHash"], json!(genesis));
    assert!(is_hash(&header["stateRoot"]) && is_hash(&header["extrinsicsRoot"]));
    let logs = header["digest"]["logs"].as_array().unwrap();
    // PreRuntime(aura, slot 1): index 6, engine, compact length 8, the slot.
    assert_eq!(logs[0], json!("0x0661757261200100000000000000"));
    assert_eq!(call(&http, "chain_getHeader", vec![]).await.unwrap(), header);
    let g = call(&http, "chain_getHeader", vec![json!(genesis)]).await.unwrap();
    assert_eq!(g["number"], json!("0x0"));
    let unknown = hex(&[7u8; 32]);
    assert_eq!(call(&http, "chain_getHeader", vec![json!(unknown)]).await.unwrap(), Value::Null);
    assert_eq!(call(&http, "chain_getBlock", vec![json!(unknown)]).await.unwrap(), Value::Null);
    let (code, _, _) = call(&http, "chain_getHeader", vec![json!("0x1234")]).await.unwrap_err();
    assert_eq!(code, -32602);

    let block = call(&http, "chain_getBlock", vec![json!(h1.to_string())]).await.unwrap();
    assert_eq!(block["block"]["header"], header);
    assert_eq!(block["justifications"], Value::Null);
    let xts = block["block"]["extrinsics"].as_array().unwrap();
    assert_eq!(xts.len(), 1, "the timestamp inherent");
    let stored = node.client.block(&h1).unwrap().unwrap();
    assert_eq!(xts[0], json!(hex(&codec::Encode::encode(&stored.extrinsics[0]))));

    assert_eq!(call(&http, "chain_getFinalizedHead", vec![]).await.unwrap(), json!(genesis));
    node.finalize(h1).await;
    assert_eq!(call(&http, "chain_getFinalisedHead", vec![]).await.unwrap(), json!(h1.to_string()));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_methods_read_storage_versions_and_metadata() {
    let node = node().await;
    let http = node.http();
    let alice = account(&pair("//Alice"));
    let key = account_key(&alice);
    let raw = call(&http, "state_getStorage", vec![json!(hex(&key))]).await.unwrap();
    let expected = node.client.storage(&node.client.genesis_hash(), &key).unwrap().unwrap();
    assert_eq!(raw, json!(hex(&expected)));
    assert_eq!(
        call(&http, "state_getStorageSize", vec![json!(hex(&key))]).await.unwrap(),
        json!(expected.len())
    );
    assert!(is_hash(&call(&http, "state_getStorageHash", vec![json!(hex(&key))]).await.unwrap()));
    assert_eq!(call(&http, "state_getStorage", vec![json!("0x00ff")]).await.unwrap(), Value::Null);
    let at = node.client.genesis_hash().to_string();
    assert_eq!(
        call(&http, "state_getStorage", vec![json!(hex(&key)), json!(at)]).await.unwrap(),
        raw
    );
    let (code, msg, _) =
        call(&http, "state_getStorage", vec![json!(hex(&key)), json!(hex(&[9; 32]))])
            .await
            .unwrap_err();
    assert_eq!(code, 4003, "{msg}");
    let (code, _, _) = call(&http, "state_getStorage", vec![json!("0xzz")]).await.unwrap_err();
    assert_eq!(code, -32602);
    let (code, _, _) = call(&http, "state_getStorage", vec![json!(12)]).await.unwrap_err();
    assert_eq!(code, -32602);

    // Paged keys under System.Account: every endowed account, in order, paging on.
    let prefix = hex(&key[..32]);
    let keys = call(&http, "state_getKeysPaged", vec![json!(prefix), json!(1000)]).await.unwrap();
    let keys = keys.as_array().unwrap();
    assert!(keys.len() >= 2, "{keys:?}");
    let next = call(&http, "state_getKeysPaged", vec![json!(prefix), json!(1), keys[0].clone()])
        .await
        .unwrap();
    assert_eq!(next, json!([keys[1]]));
    let (code, _, _) =
        call(&http, "state_getKeysPaged", vec![json!(prefix), json!(1001)]).await.unwrap_err();
    assert_eq!(code, 4002);
    let all = call(&http, "state_getKeys", vec![json!(prefix)]).await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), keys.len());
    let pairs = call(&http, "state_getPairs", vec![json!(prefix)]).await.unwrap();
    assert_eq!(pairs.as_array().unwrap().len(), keys.len());
    let at_q = call(&http, "state_queryStorageAt", vec![json!([hex(&key), "0x00"])]).await.unwrap();
    assert_eq!(at_q, json!([{ "block": at, "changes": [[hex(&key), raw], ["0x00", null]] }]));

    // Runtime version: Substrate's shape, the required API ids.
    let v = call(&http, "state_getRuntimeVersion", vec![]).await.unwrap();
    for field in [
        "specName",
        "implName",
        "authoringVersion",
        "specVersion",
        "implVersion",
        "transactionVersion",
        "systemVersion",
        "stateVersion",
    ] {
        assert!(!v[field].is_null(), "runtime version lacks {field}: {v}");
    }
    let apis = v["apis"].as_array().unwrap();
    for name in [
        "Core",
        "Metadata",
        "BlockBuilder",
        "TaggedTransactionQueue",
        "AccountNonceApi",
        "TransactionPaymentApi",
    ] {
        let id = hex(&lattice_primitives::version::api_id(name));
        assert!(apis.iter().any(|a| a[0] == json!(id) && a[1].is_u64()), "lacks {name}");
    }
    assert_eq!(call(&http, "chain_getRuntimeVersion", vec![]).await.unwrap(), v);

    // Metadata: the inner bytes, starting with the "meta" magic.
    let md = call(&http, "state_getMetadata", vec![]).await.unwrap();
    assert!(md.as_str().unwrap().starts_with("0x6d657461"), "metadata magic");

    // state_call Core_version answers the SCALE runtime version.
    let out = call(&http, "state_call", vec![json!("Core_version"), json!("0x")]).await.unwrap();
    let decoded: lattice_primitives::RuntimeVersion =
        codec::Decode::decode(&mut &hex::decode(&out.as_str().unwrap()[2..]).unwrap()[..]).unwrap();
    assert_eq!(json!(decoded.spec_version), v["specVersion"]);
    let (code, _, _) =
        call(&http, "state_call", vec![json!("No_such_method"), json!("0x")]).await.unwrap_err();
    assert_eq!(code, 4003);

    // Read proof, verified against the state root.
    let proof = call(&http, "state_getReadProof", vec![json!([hex(&key), "0x00"])]).await.unwrap();
    assert_eq!(proof["at"], json!(at));
    let nodes: Vec<Vec<u8>> = proof["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| hex::decode(&n.as_str().unwrap()[2..]).unwrap())
        .collect();
    let root = node.client.header(&node.client.genesis_hash()).unwrap().unwrap().state_root;
    let proven = lattice_state::verify_read_proof(
        root.0,
        &lattice_state::StorageProof::new(nodes),
        [key.clone(), vec![0u8]],
    )
    .unwrap();
    assert_eq!(proven, vec![(key.clone(), Some(expected)), (vec![0u8], None)]);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_methods_estimate_fees() {
    let node = node().await;
    let http = node.http();
    let xt = node.transfer(&pair("//Alice"), &account(&pair("//Bob")), 1_000_000, 0);
    let info = call(&http, "payment_queryInfo", vec![json!(hex(&xt))]).await.unwrap();
    assert_eq!(info["class"], json!("normal"));
    // The pre-V2 weight (ref_time only), as polkadot.js's `RuntimeDispatchInfoV1` reads it.
    assert!(info["weight"].as_u64().unwrap() > 0);
    let fee: u128 = info["partialFee"].as_str().unwrap().parse().unwrap();
    assert!(fee > 0);
    let details = call(&http, "payment_queryFeeDetails", vec![json!(hex(&xt))]).await.unwrap();
    let inclusion = &details["inclusionFee"];
    let part = |f: &str| u128::from_str_radix(&inclusion[f].as_str().unwrap()[2..], 16).unwrap();
    assert_eq!(part("baseFee") + part("lenFee") + part("adjustedWeightFee"), fee);
    let (code, _, _) = call(&http, "payment_queryInfo", vec![json!("0x0102")]).await.unwrap_err();
    assert_eq!(code, 2);
    node.stop().await;
}
