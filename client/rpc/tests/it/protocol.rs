//! JSON-RPC protocol errors, limits, unsafe methods and origins.

use crate::harness::*;
use jsonrpsee::core::client::SubscriptionClientT;
use jsonrpsee::rpc_params;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_errors_limits_and_batches() {
    let node = node_with(
        |c| {
            c.max_request_size_bytes = 64 * 1024;
            c.max_batch_len = Some(4);
        },
        false,
    )
    .await;
    let addr = node.addr();
    let (status, body) = http_raw(addr, b"{not json", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("-32700"), "{body}");
    let (_, body) =
        http_raw(addr, br#"{"jsonrpc":"2.0","id":1,"method":"no_such_method","params":[]}"#, None)
            .await;
    assert!(body.contains("-32601"), "{body}");
    // Too large: refused, and the server goes on serving.
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x{}"]}}"#,
        "00".repeat(64 * 1024)
    );
    let (status, _) = http_raw(addr, big.as_bytes(), None).await;
    assert_eq!(status, 413);
    let (status, body) =
        http_raw(addr, br#"{"jsonrpc":"2.0","id":1,"method":"system_name","params":[]}"#, None)
            .await;
    assert_eq!(status, 200);
    assert!(body.contains("Lattice Node"), "{body}");
    // Batches up to the limit are served; a longer one is refused.
    let call = r#"{"jsonrpc":"2.0","id":1,"method":"system_name"}"#;
    let batch = |n: usize| format!("[{}]", vec![call; n].join(","));
    let (_, body) = http_raw(addr, batch(4).as_bytes(), None).await;
    assert_eq!(body.matches("Lattice Node").count(), 4, "{body}");
    let (_, body) = http_raw(addr, batch(5).as_bytes(), None).await;
    assert!(body.contains("-32010"), "{body}");
    // Named parameters are refused clearly.
    let (_, body) = http_raw(
        addr,
        br#"{"jsonrpc":"2.0","id":1,"method":"chain_getHeader","params":{"hash":"0x00"}}"#,
        None,
    )
    .await;
    assert!(body.contains("-32602"), "{body}");
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsafe_methods_are_denied_and_origins_filtered() {
    let node = node_with(|c| c.cors = Some(vec!["http://allowed.example".into()]), true).await;
    let http = node.http();
    for (method, params) in [
        ("system_peers", vec![]),
        ("author_rotateKeys", vec![]),
        ("state_getPairs", vec![json!("0x")]),
        ("author_removeExtrinsic", vec![json!([])]),
        ("author_insertKey", vec![json!("aura"), json!("//Alice"), json!("0x00")]),
    ] {
        let (code, msg, _) = call(&http, method, params).await.unwrap_err();
        assert_eq!(
            (code, msg.as_str()),
            (-32601, "RPC call is unsafe to be called externally"),
            "{method}"
        );
    }
    // Safe methods still work.
    assert_eq!(call(&http, "system_name", vec![]).await.unwrap(), json!("Lattice Node"));
    // A storage subscription without keys is unsafe; with keys it is served.
    let ws = node.ws().await;
    let err = ws
        .subscribe::<Value, _>("state_subscribeStorage", rpc_params![], "state_unsubscribeStorage")
        .await
        .unwrap_err();
    assert_eq!(error_of(err).0, -32601);
    let mut sub = ws
        .subscribe::<Value, _>(
            "state_subscribeStorage",
            rpc_params![vec!["0x00"]],
            "state_unsubscribeStorage",
        )
        .await
        .unwrap();
    let first = sub.next().await.unwrap().unwrap();
    assert_eq!(first["changes"], json!([["0x00", null]]));
    // Origins.
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"system_name","params":[]}"#;
    let (status, _) = http_raw(node.addr(), body, Some("http://evil.example")).await;
    assert_eq!(status, 403);
    let (status, text) = http_raw(node.addr(), body, Some("http://allowed.example")).await;
    assert_eq!(status, 200, "{text}");
    let (status, _) = http_raw(node.addr(), body, None).await;
    assert_eq!(status, 200);
    node.stop().await;
}
