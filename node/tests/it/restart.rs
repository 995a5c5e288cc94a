//! SIGKILL while importing under a stream of transfers, then restart on the same base path.

use crate::harness::*;
use serde_json::json;
use sp_core::Pair;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Submits transfers from Alice to the node on `port` (0 while it is down) until `stop`.
fn submitter(
    port: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
    builder: lattice_node::tx::ExtrinsicBuilder,
) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let alice = dev("Alice");
        let address = to_hex(&alice.public().0);
        let mut accepted = 0u64;
        let mut round = 0u32;
        while !stop.load(Ordering::Relaxed) {
            let p = port.load(Ordering::Relaxed);
            let nonce =
                match (p != 0).then(|| rpc_call(p, "system_accountNextIndex", json!([address]))) {
                    Some(Ok(n)) => n.as_u64().unwrap() as u32,
                    _ => {
                        std::thread::sleep(Duration::from_millis(100));
                        continue;
                    }
                };
            for i in 0..20u32 {
                let dest = lattice_primitives::blake2_256(
                    &[round.to_le_bytes(), i.to_le_bytes()].concat(),
                )
                .0;
                let xt = builder.transfer(&alice, dest, 10_000_000_000, nonce + i);
                if rpc_call(p, "author_submitExtrinsic", json!([to_hex(&xt)])).is_ok() {
                    accepted += 1;
                }
            }
            round += 1;
            std::thread::sleep(Duration::from_millis(200));
        }
        accepted
    })
}

#[test]
fn twenty_sigkills_under_load_lose_no_finalized_block_and_the_chain_keeps_growing() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let base_arg = base.to_str().unwrap().to_string();
    let log = dir.path().join("node.log");
    let args = ["--dev", "--base-path", base_arg.as_str()];
    let port = Arc::new(AtomicU16::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut finalized: BTreeMap<u32, String> = BTreeMap::new();
    let mut submit = None;
    let mut last_best = 0;
    for round in 0..20u32 {
        let mut node = Node::start(&args, &log);
        node.wait_ready(Duration::from_secs(60));
        if submit.is_none() {
            submit = Some(submitter(port.clone(), stop.clone(), extrinsic_builder(&node)));
        }
        // Every finalized block seen before is still there, with the same hash.
        let (fin_number, _) = node.finalized();
        let highest = finalized.keys().next_back().copied().unwrap_or(0);
        assert!(
            fin_number >= highest,
            "round {round}: finalized #{fin_number} < #{highest} before the kill"
        );
        for (number, hash) in &finalized {
            let now = node.rpc("chain_getBlockHash", json!([number]));
            assert_eq!(
                now.as_str(),
                Some(hash.as_str()),
                "round {round}: finalized block #{number} changed"
            );
        }
        let start_best = node.best_number();
        assert!(start_best + 1 >= last_best, "round {round}: best #{start_best}, was #{last_best}");
        port.store(node.rpc_port, Ordering::Relaxed);
        // The chain grows: at least one new block, then a kill at a varying moment.
        let started = Instant::now();
        while node.best_number() <= start_best {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no new block:\n{}",
                node.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(u64::from(round * 379 % 2000)));
        let (number, hash) = node.finalized();
        finalized.insert(number, hash);
        last_best = node.best_number();
        port.store(0, Ordering::Relaxed);
        node.kill();
    }
    stop.store(true, Ordering::Relaxed);
    let accepted = submit.unwrap().join().unwrap();
    assert!(accepted > 0, "no transfer was accepted");
    // A last start: the chain resumes and finalizes beyond every block seen.
    let mut node = Node::start(&args, &log);
    node.wait_ready(Duration::from_secs(60));
    let highest = *finalized.keys().next_back().unwrap();
    let started = Instant::now();
    while node.finalized().0 <= highest {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "finality stalled:\n{}",
            node.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = node.terminate(Duration::from_secs(20));
    assert!(status.success(), "SIGTERM exit: {status}\n{}", node.log_tail());
    eprintln!(
        "20 SIGKILL restarts: {accepted} transfers accepted, finalized up to #{highest} kept"
    );
}
