//! Bad input on every surface gets a clear error and loses nothing.

use crate::harness::*;
use serde_json::json;
use sp_core::Pair;
use std::time::Duration;

#[test]
fn rpc_refuses_bad_requests_and_extrinsics_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::start(&["--dev", "--tmp"], &dir.path().join("node.log"));
    node.wait_ready(Duration::from_secs(60));
    let port = node.rpc_port;

    // Invalid JSON: -32700.
    let (_, body) = http_post(port, b"{\"jsonrpc\":\"2.0\",").unwrap();
    assert!(body.contains("-32700"), "{body}");
    // Unknown method: -32601.
    let err = rpc_call(port, "chain_doesNotExist", json!([])).unwrap_err();
    assert!(err.contains("-32601"), "{err}");
    // Oversized request (above the 15 MiB default): refused.
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"author_submitExtrinsic\",\"params\":[\"0x{}\"]}}",
        "00".repeat(8 * 1024 * 1024)
    );
    let (status, body) = http_post(port, big.as_bytes()).unwrap();
    assert!(status == 413 || body.contains("error"), "status {status}: {body:.200}");
    // Malformed extrinsics: not hex, garbage bytes.
    let err = rpc_call(port, "author_submitExtrinsic", json!(["0xzz"])).unwrap_err();
    assert!(err.contains("code"), "{err}");
    let err = rpc_call(port, "author_submitExtrinsic", json!(["0x0102030405"])).unwrap_err();
    assert!(err.contains("code"), "{err}");

    // An extrinsic above the 4 MiB limit, in a request under the RPC limit: refused.
    let mut huge = Vec::new();
    codec::Encode::encode_to(&codec::Compact(5u32 * 1024 * 1024), &mut huge);
    huge.push(0x84);
    huge.resize(huge.len() + 5 * 1024 * 1024 - 1, 0);
    let err = rpc_call(port, "author_submitExtrinsic", json!([to_hex(&huge)])).unwrap_err();
    assert!(err.contains("code"), "{err:.300}");

    // A good transfer, then its replay.
    let builder = extrinsic_builder(&node);
    let alice = dev("Alice");
    let nonce =
        node.rpc("system_accountNextIndex", json!([to_hex(&alice.public().0)])).as_u64().unwrap()
            as u32;
    let xt = builder.transfer(&alice, dev("Bob").public().0, 1_000_000_000_000, nonce);
    node.rpc("author_submitExtrinsic", json!([to_hex(&xt)]));
    let err = rpc_call(port, "author_submitExtrinsic", json!([to_hex(&xt)])).unwrap_err();
    assert!(err.contains("1013") || err.contains("1012") || err.contains("1010"), "{err}");
    // A flipped signature byte: 1010.
    let mut bad = builder.transfer(&alice, dev("Bob").public().0, 1, nonce + 1);
    bad[50] ^= 0xff;
    let err = rpc_call(port, "author_submitExtrinsic", json!([to_hex(&bad)])).unwrap_err();
    assert!(err.contains("1010"), "{err}");
    // The node still serves and the chain goes on.
    let best = node.best_number();
    std::thread::sleep(Duration::from_millis(4500));
    assert!(node.best_number() > best, "{}", node.log_tail());
    assert!(node.terminate(Duration::from_secs(20)).success());
}

#[test]
fn unsafe_methods_are_refused_on_an_external_interface() {
    let dir = tempfile::tempdir().unwrap();
    // A validator may not expose RPC externally without saying so.
    let (ok, text) = run(&[
        "--dev",
        "--tmp",
        "--rpc-external",
        "--no-prometheus",
        "--rpc-port",
        &free_port().to_string(),
    ]);
    assert!(!ok && text.contains("--rpc-external"), "{text}");
    // Exposed, but unsafe methods denied (`--rpc-methods auto` on 0.0.0.0).
    let mut node =
        Node::start(&["--dev", "--tmp", "--unsafe-rpc-external"], &dir.path().join("node.log"));
    node.wait_ready(Duration::from_secs(60));
    let err = rpc_call(node.rpc_port, "author_rotateKeys", json!([])).unwrap_err();
    assert!(err.contains("unsafe"), "{err}");
    let err =
        rpc_call(node.rpc_port, "author_insertKey", json!(["aura", "//Bob", "0x00"])).unwrap_err();
    assert!(err.contains("unsafe"), "{err}");
    // Safe methods answer.
    node.rpc("system_health", json!([]));
    drop(node);
    // On loopback with `--rpc-methods unsafe`, rotateKeys works.
    let mut node =
        Node::start(&["--dev", "--tmp", "--rpc-methods", "unsafe"], &dir.path().join("node2.log"));
    node.wait_ready(Duration::from_secs(60));
    let keys = node.rpc("author_rotateKeys", json!([]));
    assert_eq!(hex_bytes(&keys).len(), 64, "aura sr25519 + grandpa ed25519 keys");
}

#[test]
fn a_second_node_on_a_locked_base_path_stops_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let base = base.to_str().unwrap();
    let mut first = Node::start(&["--dev", "--base-path", base], &dir.path().join("a.log"));
    first.wait_ready(Duration::from_secs(60));
    let (ok, text) = run(&[
        "--dev",
        "--base-path",
        base,
        "--no-prometheus",
        "--rpc-port",
        &free_port().to_string(),
    ]);
    assert!(!ok, "{text}");
    assert!(text.contains("in use by another process"), "{text}");
    // The first node is unharmed.
    let best = first.best_number();
    std::thread::sleep(Duration::from_millis(4500));
    assert!(first.best_number() > best);
}

#[test]
fn corrupt_chain_specs_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8]); 4] = [
        ("not-json.json", b"{ this is not json"),
        ("empty.json", b""),
        ("no-genesis.json", br#"{"name":"x","id":"x","chainType":"Live","bootNodes":[],"properties":{}}"#),
        ("bad-hex.json", br#"{"name":"x","id":"x","chainType":"Live","bootNodes":[],"properties":{},"genesis":{"raw":{"top":{"0xzz":"0x00"},"childrenDefault":{}}}}"#),
    ];
    for (name, contents) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let (ok, text) = run(&["build-spec", "--chain", path.to_str().unwrap()]);
        assert!(!ok, "{name} accepted: {text}");
        assert!(text.contains("chain spec") && text.contains(name), "{name}: {text}");
    }
    let (ok, text) =
        run(&["build-spec", "--chain", dir.path().join("missing.json").to_str().unwrap()]);
    assert!(!ok && text.contains("missing.json"), "{text}");
    // A raw spec of the built-in chain round-trips and runs.
    let (ok, raw) = run(&["build-spec", "--chain", "dev", "--raw"]);
    assert!(ok, "{raw}");
    let raw_path = dir.path().join("raw.json");
    std::fs::write(
        &raw_path,
        raw.lines().filter(|l| !l.contains(" INFO ")).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let (ok, text) = run(&["build-spec", "--chain", raw_path.to_str().unwrap(), "--raw"]);
    assert!(ok, "{text}");
}

#[test]
fn node_key_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("node-key");
    let (ok, text) = run(&["key", "generate-node-key", "--file", key.to_str().unwrap()]);
    assert!(ok, "{text}");
    let peer_id = text.trim().to_string();
    assert!(peer_id.starts_with("12D3KooW"), "{peer_id}");
    let (ok, text) = run(&["key", "inspect-node-key", "--file", key.to_str().unwrap()]);
    assert!(ok && text.trim() == peer_id, "{text}");
    // Refuses to overwrite.
    let (ok, text) = run(&["key", "generate-node-key", "--file", key.to_str().unwrap()]);
    assert!(!ok && text.contains("refusing to overwrite"), "{text}");
    let (ok, text) =
        run(&["key", "inspect-node-key", "--file", dir.path().join("nope").to_str().unwrap()]);
    assert!(!ok && text.contains("node key file"), "{text}");
    for (name, contents) in [
        ("short", &b"0x1234"[..]),
        ("not-hex", &b"zz".repeat(32)[..]),
        ("binary", &[0xffu8; 7][..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let (ok, text) = run(&["key", "inspect-node-key", "--file", path.to_str().unwrap()]);
        assert!(!ok && text.contains("node key file"), "{name}: {text}");
    }
    // Secret URIs.
    let (ok, text) = run(&["key", "inspect", "//Alice"]);
    assert!(ok && text.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"), "{text}");
    let (ok, text) = run(&["key", "inspect", "not a valid phrase at all"]);
    assert!(!ok && text.contains("invalid secret URI"), "{text}");
    let (ok, text) = run(&[
        "key",
        "insert",
        "--base-path",
        dir.path().to_str().unwrap(),
        "--suri",
        "//Alice",
        "--key-type",
        "toolong",
    ]);
    assert!(!ok && text.contains("4 characters"), "{text}");
}

#[test]
fn sync_modes_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().to_str().unwrap();
    let (ok, text) = run(&["--dev", "--base-path", base, "--sync", "fast"]);
    assert!(!ok && text.contains("invalid value 'fast'") && text.contains("warp"), "{text}");
    let (ok, text) =
        run(&["--dev", "--base-path", base, "--sync", "warp", "--state-pruning", "archive"]);
    assert!(!ok && text.contains("--sync warp cannot build an archive node"), "{text}");
    // Nothing was created for the refused runs.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
