//! Submitting and watching transactions.

use crate::harness::*;
use codec::{Compact, Decode};
use jsonrpsee::core::client::SubscriptionClientT;
use jsonrpsee::rpc_params;
use serde_json::{json, Value};
use std::time::Duration;

async fn next(sub: &mut jsonrpsee::core::client::Subscription<Value>) -> Value {
    tokio::time::timeout(Duration::from_secs(20), sub.next())
        .await
        .expect("a status")
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_transfers_enter_the_pool_and_bad_ones_get_substrate_codes() {
    let node = node().await;
    let http = node.http();
    let alice = pair("//Alice");
    let bob = account(&pair("//Bob"));
    let xt = node.transfer(&alice, &bob, 1_000_000, 0);
    let hash = call(&http, "author_submitExtrinsic", vec![json!(hex(&xt))]).await.unwrap();
    assert_eq!(hash, json!(lattice_primitives::blake2_256(&xt).to_string()));
    assert_eq!(call(&http, "author_pendingExtrinsics", vec![]).await.unwrap(), json!([hex(&xt)]));
    // The pool's transaction advances the next nonce.
    assert_eq!(
        call(&http, "system_accountNextIndex", vec![json!(ss58(&alice))]).await.unwrap(),
        json!(1)
    );

    // Again: already imported.
    let (code, msg, _) =
        call(&http, "author_submitExtrinsic", vec![json!(hex(&xt))]).await.unwrap_err();
    assert_eq!((code, msg.as_str()), (1013, "Transaction Already Imported"));

    // A corrupted signature: 1010 with the reason as data.
    let mut bad = node.transfer(&alice, &bob, 1_000_000, 1);
    let len = <Compact<u32>>::decode(&mut &bad[..]).unwrap().0 as usize;
    let offset = bad.len() - len;
    bad[offset + 1 + 33 + 1 + 10] ^= 0xff;
    let (code, msg, data) =
        call(&http, "author_submitExtrinsic", vec![json!(hex(&bad))]).await.unwrap_err();
    assert_eq!((code, msg.as_str()), (1010, "Invalid Transaction"));
    assert_eq!(data.as_deref(), Some("\"Transaction has a bad signature\""));

    // Garbage bytes and malformed hex.
    let (code, msg, _) =
        call(&http, "author_submitExtrinsic", vec![json!("0x0c010203ff")]).await.unwrap_err();
    assert_eq!(code, 1001, "{msg}");
    let (code, _, _) =
        call(&http, "author_submitExtrinsic", vec![json!("0x08abcd")]).await.unwrap_err();
    assert!(code == 1010 || code == 1011, "undecodable call: {code}");
    let (code, _, _) =
        call(&http, "author_submitExtrinsic", vec![json!("0xabc")]).await.unwrap_err();
    assert_eq!(code, -32602);
    let (code, _, _) = call(&http, "author_submitExtrinsic", vec![]).await.unwrap_err();
    assert_eq!(code, -32602);

    // Included, then replayed: refused (stale or banned).
    let block = node.import(vec![xt.clone()]).await;
    assert_eq!(call(&http, "author_pendingExtrinsics", vec![]).await.unwrap(), json!([]));
    assert!(node.client.body(&block).unwrap().unwrap().len() == 2);
    let (code, _, _) =
        call(&http, "author_submitExtrinsic", vec![json!(hex(&xt))]).await.unwrap_err();
    assert!((1010..=1013).contains(&code), "replay answered {code}");
    assert_eq!(
        call(&http, "system_accountNextIndex", vec![json!(ss58(&alice))]).await.unwrap(),
        json!(1)
    );

    // Removal by hash (unsafe, allowed here).
    let xt2 = node.transfer(&alice, &bob, 1_000_000, 1);
    let h2 = call(&http, "author_submitExtrinsic", vec![json!(hex(&xt2))]).await.unwrap();
    let removed =
        call(&http, "author_removeExtrinsic", vec![json!([{ "hash": h2 }])]).await.unwrap();
    assert_eq!(removed, json!([h2]));
    let (code, _, _) =
        call(&http, "author_removeExtrinsic", vec![json!([{ "nope": 1 }])]).await.unwrap_err();
    assert_eq!(code, -32602);
    // No keystore on this node.
    let (code, _, _) =
        call(&http, "author_hasKey", vec![json!(hex(&[1; 32])), json!("aura")]).await.unwrap_err();
    assert_eq!(code, 1000);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_and_watch_reports_ready_in_block_and_finalized() {
    let node = node().await;
    let ws = node.ws().await;
    let xt = node.transfer(&pair("//Alice"), &account(&pair("//Bob")), 1_000_000, 0);
    let mut sub = ws
        .subscribe::<Value, _>(
            "author_submitAndWatchExtrinsic",
            rpc_params![hex(&xt)],
            "author_unwatchExtrinsic",
        )
        .await
        .unwrap();
    assert_eq!(next(&mut sub).await, json!("ready"));
    let block = node.import(vec![xt.clone()]).await;
    assert_eq!(next(&mut sub).await, json!({ "inBlock": block.to_string() }));
    node.finalize(block).await;
    assert_eq!(next(&mut sub).await, json!({ "finalized": block.to_string() }));

    // A refused submission answers the subscribe call with the pool's error.
    let err = ws
        .subscribe::<Value, _>(
            "author_submitAndWatchExtrinsic",
            rpc_params![hex(&xt)],
            "author_unwatchExtrinsic",
        )
        .await
        .unwrap_err();
    let (code, _, _) = error_of(err);
    assert!((1010..=1013).contains(&code), "{code}");
    let err = ws
        .subscribe::<Value, _>(
            "author_submitAndWatchExtrinsic",
            rpc_params!["0x1234"],
            "author_unwatchExtrinsic",
        )
        .await
        .unwrap_err();
    assert_eq!(error_of(err).0, 1001);
    node.stop().await;
}
