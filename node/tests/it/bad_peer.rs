//! A dev node's network under hostile peers: a peer that sends a garbage status, or
//! garbage on a protocol after a valid status (warp sync's among them), is disconnected
//! and banned, and the node goes on authoring and finalizing.

use crate::harness::{free_port, Node};
use codec::{Decode, Encode};
use lattice_consensus::grandpa::warp::{verify_warp_proof, WarpProofRequest, WarpSyncProof};
use lattice_network::{start, Event, NetworkConfig, NetworkService, NodeKeyConfig, Protocol};
use lattice_primitives::H256;
use lattice_service::network::message::{StateRequest, StateResponse, Status, ROLE_FULL};
use serde_json::json;
use sp_core::Pair;
use std::time::{Duration, Instant};

type Peer = (NetworkService, tokio::sync::mpsc::Receiver<Event>, tokio::task::JoinHandle<()>);

/// A network of the node's chain with `status`, dialing the node.
async fn peer(genesis: [u8; 32], key: u8, node_addr: &str, status: Vec<u8>) -> Peer {
    let mut config = NetworkConfig::new(genesis, NodeKeyConfig::Secret([key; 32]));
    config.status = status;
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.mdns = false;
    config.boot_nodes = vec![node_addr.parse().unwrap()];
    start(config).await.unwrap()
}

/// Waits until the node disconnects (it drops the hostile peer): a `Disconnected` event,
/// or no connection left (the node may close it before this side saw its status). The
/// bans themselves are counted in the node's log at the end.
async fn dropped(service: &NetworkService, events: &mut tokio::sync::mpsc::Receiver<Event>) {
    let started = Instant::now();
    loop {
        match tokio::time::timeout(Duration::from_millis(100), events.recv()).await {
            Ok(Some(Event::Disconnected { .. })) => return,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the network stopped"),
            Err(_) => {}
        }
        if started.elapsed() > Duration::from_millis(500) && service.peers().is_empty() {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the node kept the bad peer");
    }
}

async fn status_received(events: &mut tokio::sync::mpsc::Receiver<Event>) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(e) = events.recv().await {
            if matches!(e, Event::Status { .. }) {
                return;
            }
        }
    })
    .await
    .expect("the node sends its status");
}

#[test]
fn hostile_peers_are_banned_and_the_node_keeps_finalizing() {
    let dir = tempfile::tempdir().unwrap();
    let p2p = free_port();
    let key = "11".repeat(32);
    let node_peer_id = lattice_network::peer_id_of([0x11; 32]).unwrap().to_base58();
    let mut node = Node::start_on(
        &["--dev", "--node-key", &key],
        &dir.path().join("node.log"),
        free_port(),
        p2p,
    );
    node.wait_ready(Duration::from_secs(60));
    let genesis_hex = node.rpc("chain_getBlockHash", json!([0]));
    let genesis: [u8; 32] = hex::decode(genesis_hex.as_str().unwrap().trim_start_matches("0x"))
        .unwrap()
        .try_into()
        .unwrap();
    let addr = format!("/ip4/127.0.0.1/tcp/{p2p}/p2p/{node_peer_id}");
    let finalized_before = node.finalized().0;

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        // 1. A status that does not decode.
        let (service, mut events, task) = peer(genesis, 1, &addr, vec![0xde, 0xad]).await;
        dropped(&service, &mut events).await;
        task.abort();

        // 2. A valid status, then a block announcement that does not decode.
        let status = Status {
            roles: ROLE_FULL,
            best_number: 0,
            best_hash: H256(genesis),
            genesis_hash: H256(genesis),
        };
        let (service, mut events, task) = peer(genesis, 2, &addr, status.encode()).await;
        status_received(&mut events).await;
        let node_id = service.peers()[0].peer_id;
        service.notify(node_id, Protocol::BlockAnnounces, vec![0xff; 100]);
        dropped(&service, &mut events).await;
        task.abort();

        // 3. Garbage GRANDPA gossip.
        let (service, mut events, task) = peer(genesis, 3, &addr, status.encode()).await;
        status_received(&mut events).await;
        let node_id = service.peers()[0].peer_id;
        service.notify(node_id, Protocol::Grandpa, vec![9; 64]);
        dropped(&service, &mut events).await;

        // The banned peer cannot come back while the ban lasts.
        service.dial(addr.parse().unwrap());
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(service.peers().iter().all(|p| !p.ready), "a banned peer got back in");
        task.abort();

        // 4. A status of another chain.
        let other = Status { genesis_hash: H256([7; 32]), ..status.clone() };
        let (service, mut events, task) = peer(genesis, 4, &addr, other.encode()).await;
        dropped(&service, &mut events).await;
        task.abort();

        // 6. Warp sync's protocols: honest requests get answers that verify, garbage
        // requests get the sender banned.
        let (service, mut events, task) = peer(genesis, 6, &addr, status.encode()).await;
        status_received(&mut events).await;
        let node_id = service.peers()[0].peer_id;
        let alice = sp_core::ed25519::Pair::from_string("//Alice", None).unwrap();
        let started = Instant::now();
        let target = loop {
            let request = WarpProofRequest { begin: H256(genesis) };
            let answer =
                service.request(node_id, Protocol::WarpSync, request.encode()).await.unwrap();
            let proof = WarpSyncProof::decode(&mut &answer[..]).unwrap();
            let progress = verify_warp_proof(&proof, 0, 0, vec![(alice.public().0, 1)]).unwrap();
            if let Some(last) = progress.last {
                break last.header;
            }
            // Nothing justified yet.
            assert!(started.elapsed() < Duration::from_secs(20), "no justification served");
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let request = StateRequest { block: target.hash(), after: None };
        let answer = service.request(node_id, Protocol::State, request.encode()).await.unwrap();
        let answer = StateResponse::decode(&mut &answer[..]).unwrap();
        let range = lattice_state::verify_range_proof(
            target.state_root.0,
            &lattice_state::StorageProof::new(answer.proof),
            None,
        )
        .unwrap();
        assert!(!range.entries.is_empty());
        let unknown = StateRequest { block: H256([3; 32]), after: None };
        assert!(service.request(node_id, Protocol::State, unknown.encode()).await.is_err());
        let _ = service.request(node_id, Protocol::State, vec![0xff; 40]).await;
        dropped(&service, &mut events).await;
        task.abort();
        let (service, mut events, task) = peer(genesis, 7, &addr, status.encode()).await;
        status_received(&mut events).await;
        let node_id = service.peers()[0].peer_id;
        let _ = service.request(node_id, Protocol::WarpSync, vec![1, 2, 3]).await;
        dropped(&service, &mut events).await;
        task.abort();
    });

    // 5. A peer that claims a best block a million blocks ahead and answers no request:
    // the node stops believing it and does not stay "syncing".
    rt.block_on(async {
        let liar = Status {
            roles: ROLE_FULL,
            best_number: 1_000_000,
            best_hash: H256([9; 32]),
            genesis_hash: H256(genesis),
        };
        let (_service, mut events, task) = peer(genesis, 5, &addr, liar.encode()).await;
        status_received(&mut events).await;
        // Requests arrive as events; dropping them answers each with a failure.
        let started = Instant::now();
        loop {
            while let Ok(event) = events.try_recv() {
                drop(event);
            }
            let state = node.rpc("system_syncState", json!([]));
            let health = node.rpc("system_health", json!([]));
            if state["highestBlock"].as_u64().unwrap() < 1_000_000
                && health["isSyncing"] == json!(false)
                && started.elapsed() > Duration::from_secs(1)
            {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the lie stuck: {state}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        task.abort();
    });

    // The node went on: it authored and finalized past where it was.
    let started = Instant::now();
    while node.finalized().0 < finalized_before + 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "finality stopped:\n{}",
            node.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(dir.path().join("node.log")).unwrap();
    assert!(log.matches("banning peer").count() >= 6, "six bans logged:\n{log}");
}
