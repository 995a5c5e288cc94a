//! Head, storage and runtime-version subscriptions over WebSocket.

use crate::harness::*;
use jsonrpsee::core::client::{Subscription, SubscriptionClientT};
use jsonrpsee::rpc_params;
use serde_json::{json, Value};
use std::time::Duration;

async fn next(sub: &mut Subscription<Value>) -> Value {
    tokio::time::timeout(Duration::from_secs(20), sub.next())
        .await
        .expect("a notification")
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heads_arrive_in_order_and_finality_includes_implicit_blocks() {
    let node = node().await;
    let ws = node.ws().await;
    let mut new = ws
        .subscribe::<Value, _>(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await
        .unwrap();
    let mut fin = ws
        .subscribe::<Value, _>(
            "chain_subscribeFinalizedHeads",
            rpc_params![],
            "chain_unsubscribeFinalizedHeads",
        )
        .await
        .unwrap();
    let mut all = ws
        .subscribe::<Value, _>(
            "chain_subscribeAllHeads",
            rpc_params![],
            "chain_unsubscribeAllHeads",
        )
        .await
        .unwrap();
    let genesis = node.client.genesis_hash().to_string();
    assert_eq!(next(&mut new).await["number"], json!("0x0"));
    assert_eq!(next(&mut fin).await["number"], json!("0x0"));
    assert_eq!(next(&mut all).await["number"], json!("0x0"));
    let h1 = node.import(vec![]).await;
    let h2 = node.import(vec![]).await;
    let first = next(&mut new).await;
    assert_eq!(
        (first["number"].clone(), first["parentHash"].clone()),
        (json!("0x1"), json!(genesis))
    );
    let second = next(&mut new).await;
    assert_eq!(
        (second["number"].clone(), second["parentHash"].clone()),
        (json!("0x2"), json!(h1.to_string()))
    );
    assert_eq!(next(&mut all).await["number"], json!("0x1"));
    assert_eq!(next(&mut all).await["number"], json!("0x2"));
    // Finalizing block 2 finalizes block 1 implicitly: both are reported, in order.
    node.finalize(h2).await;
    assert_eq!(next(&mut fin).await["number"], json!("0x1"));
    let f2 = next(&mut fin).await;
    assert_eq!(f2["number"], json!("0x2"));
    assert_eq!(f2["parentHash"], json!(h1.to_string()));
    // The aliases exist.
    let mut alias = ws
        .subscribe::<Value, _>(
            "chain_subscribeFinalisedHeads",
            rpc_params![],
            "chain_unsubscribeFinalisedHeads",
        )
        .await
        .unwrap();
    assert_eq!(next(&mut alias).await["number"], json!("0x2"));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_subscriptions_report_changes_of_new_blocks() {
    let node = node().await;
    let ws = node.ws().await;
    let bob = account(&pair("//Bob"));
    let key = hex(&account_key(&bob));
    let mut sub = ws
        .subscribe::<Value, _>(
            "state_subscribeStorage",
            rpc_params![vec![key.clone()]],
            "state_unsubscribeStorage",
        )
        .await
        .unwrap();
    let first = next(&mut sub).await;
    assert_eq!(first["block"], json!(node.client.genesis_hash().to_string()));
    let before = first["changes"][0][1].clone();
    assert!(before.is_string());
    let mut versions = ws
        .subscribe::<Value, _>(
            "state_subscribeRuntimeVersion",
            rpc_params![],
            "state_unsubscribeRuntimeVersion",
        )
        .await
        .unwrap();
    assert!(next(&mut versions).await["specVersion"].as_u64().unwrap() >= 1);

    // A block that does not touch Bob sends nothing; one paying Bob does.
    node.import(vec![]).await;
    let xt = node.transfer(&pair("//Alice"), &bob, 1_000_000, 0);
    let block = node.import(vec![xt]).await;
    let change = next(&mut sub).await;
    assert_eq!(change["block"], json!(block.to_string()));
    assert_eq!(change["changes"][0][0], json!(key));
    assert_ne!(change["changes"][0][1], before);
    let now = node.client.storage(&block, &account_key(&bob)).unwrap().unwrap();
    assert_eq!(change["changes"][0][1], json!(hex(&now)));
    // Bad keys are refused at subscription.
    let err = ws
        .subscribe::<Value, _>(
            "state_subscribeStorage",
            rpc_params![vec!["nothex"]],
            "state_unsubscribeStorage",
        )
        .await
        .unwrap_err();
    assert_eq!(error_of(err).0, -32602);
    node.stop().await;
}
