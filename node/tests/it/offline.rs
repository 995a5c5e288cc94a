//! The offline subcommands on a real chain: export, import, revert, purge; and the
//! Prometheus endpoint of a running node.

use crate::harness::*;
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn exported_blocks_import_into_a_fresh_node_with_their_finality_then_revert_and_purge() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let a = a.to_str().unwrap();
    let mut node = Node::start(&["--dev", "--base-path", a], &dir.path().join("a.log"));
    node.wait_ready(Duration::from_secs(60));
    let started = Instant::now();
    while node.finalized().0 < 4 {
        assert!(started.elapsed() < Duration::from_secs(40), "{}", node.log_tail());
        std::thread::sleep(Duration::from_millis(200));
    }
    let health = node.rpc("system_health", json!([]));
    assert_eq!(health["isSyncing"], json!(false));
    assert!(node.terminate(Duration::from_secs(20)).success(), "{}", node.log_tail());

    let file = dir.path().join("blocks.bin");
    let (ok, text) = run(&["export-blocks", "--dev", "--base-path", a, file.to_str().unwrap()]);
    assert!(ok, "{text}");
    // Another node imports them: the same best block, finality from the justifications.
    let b = dir.path().join("b");
    let b = b.to_str().unwrap();
    let (ok, text) = run(&["import-blocks", "--dev", "--base-path", b, file.to_str().unwrap()]);
    assert!(ok, "{text}");
    assert!(text.contains("Imported"), "{text}");
    let (ok, again) = run(&["import-blocks", "--dev", "--base-path", b, file.to_str().unwrap()]);
    assert!(ok && again.contains("Imported 0 blocks"), "{again}");

    // A corrupted export is refused with the block it fails at, and nothing else is lost.
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0xff;
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, &bytes).unwrap();
    let c = dir.path().join("c");
    let (ok, text) =
        run(&["import-blocks", "--dev", "--base-path", c.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!ok && text.contains("block"), "{text}");
    std::fs::write(&bad, b"not an export").unwrap();
    let (ok, text) =
        run(&["import-blocks", "--dev", "--base-path", c.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!ok && text.contains("not a block export"), "{text}");

    // Both nodes agree on the chain.
    let mut na =
        Node::start(&["--dev", "--base-path", a, "--validator"], &dir.path().join("a2.log"));
    na.wait_ready(Duration::from_secs(60));
    let hash_a = na.rpc("chain_getBlockHash", json!([3]));
    drop(na);
    let mut nb = Node::start(&["--base-path", b, "--chain", "dev"], &dir.path().join("b2.log"));
    nb.wait_ready(Duration::from_secs(60));
    assert_eq!(nb.rpc("chain_getBlockHash", json!([3])), hash_a);
    let (fin, _) = nb.finalized();
    assert!(fin >= 3, "imported finality: #{fin}");
    drop(nb);

    // Revert never touches finality; purge removes the database.
    let (ok, text) = run(&["revert", "--dev", "--base-path", b, "1000"]);
    assert!(!ok && text.contains("finalized"), "{text}");
    let (ok, text) = run(&["purge-chain", "--dev", "--base-path", b, "-y"]);
    assert!(ok, "{text}");
    assert!(!std::path::Path::new(b).join("chains/dev/db").exists());
}

#[test]
fn prometheus_serves_substrate_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let rpc = free_port().to_string();
    let log = std::fs::File::create(dir.path().join("node.log")).unwrap();
    let mut child = Command::new(binary())
        .args(["--dev", "--tmp", "--rpc-port", &rpc, "--prometheus-port", &port.to_string()])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let text = loop {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        if let Ok(mut s) = std::net::TcpStream::connect(addr) {
            use std::io::{Read, Write};
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            let finalized = out
                .lines()
                .find_map(|l| l.strip_prefix("substrate_block_height{status=\"finalized\"} "))
                .and_then(|n| n.trim().parse::<u64>().ok());
            if finalized.is_some_and(|n| n >= 1) {
                break out;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no metrics");
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    for name in [
        "substrate_block_height{status=\"best\"}",
        "substrate_ready_transactions_number",
        "substrate_build_info",
        "process_resident_memory_bytes",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
}
