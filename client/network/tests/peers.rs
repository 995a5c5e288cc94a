//! Two or three networks on loopback: status exchange, notifications, requests, and
//! what happens to peers that send oversized, flooding or invalid messages.

use lattice_network::{
    start, Event, Misbehaviour, NetworkConfig, NetworkService, NodeKeyConfig, PeerId, Protocol,
};
use std::time::Duration;
use tokio::sync::mpsc::Receiver;

struct Node {
    service: NetworkService,
    events: Receiver<Event>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn node(genesis: u8, key: u8, boot: Option<&Node>) -> Node {
    let mut config = NetworkConfig::new([genesis; 32], NodeKeyConfig::Secret([key; 32]));
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.mdns = false;
    config.ban_duration = Duration::from_secs(30);
    if let Some(b) = boot {
        let addr = format!("{}/p2p/{}", b.service.listen_addresses()[0], b.service.local_peer_id());
        config.boot_nodes = vec![addr.parse().unwrap()];
    }
    config.status = vec![key];
    let (service, events, task) = start(config).await.expect("the network starts");
    Node { service, events, task }
}

async fn next_event(node: &mut Node, what: impl Fn(&Event) -> bool) -> Event {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let e = node.events.recv().await.expect("the network runs");
            if what(&e) {
                return e;
            }
        }
    })
    .await
    .expect("the event arrives in time")
}

async fn wait_until(what: impl Fn() -> bool) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while !what() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the condition holds in time")
}

fn is_status_of(peer: PeerId) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::Status { peer: p, .. } if *p == peer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_exchange_status_notifications_and_requests() {
    let mut a = node(1, 1, None).await;
    let mut b = node(1, 2, Some(&a)).await;
    let (pa, pb) = (a.service.local_peer_id(), b.service.local_peer_id());
    match next_event(&mut a, is_status_of(pb)).await {
        Event::Status { bytes, .. } => assert_eq!(bytes, vec![2]),
        _ => unreachable!(),
    }
    match next_event(&mut b, is_status_of(pa)).await {
        Event::Status { bytes, .. } => assert_eq!(bytes, vec![1]),
        _ => unreachable!(),
    }
    wait_until(|| a.service.ready_peers() == 1 && b.service.ready_peers() == 1).await;

    a.service.broadcast(Protocol::BlockAnnounces, b"announce".to_vec());
    match next_event(&mut b, |e| matches!(e, Event::Notification { .. })).await {
        Event::Notification { peer, protocol, bytes } => {
            assert_eq!(
                (peer, protocol, bytes),
                (pa, Protocol::BlockAnnounces, b"announce".to_vec())
            )
        }
        _ => unreachable!(),
    }

    let request = a.service.request(pb, Protocol::Sync, b"give".to_vec());
    let answer = tokio::spawn(request);
    match next_event(&mut b, |e| matches!(e, Event::Request { .. })).await {
        Event::Request { peer, protocol, bytes, respond } => {
            assert_eq!((peer, protocol, bytes), (pa, Protocol::Sync, b"give".to_vec()));
            respond.send(b"take".to_vec()).unwrap();
        }
        _ => unreachable!(),
    }
    assert_eq!(answer.await.unwrap().unwrap(), b"take".to_vec());

    // A refused request (the responder drops its channel) fails on the asking side.
    let answer = tokio::spawn(a.service.request(pb, Protocol::Sync, b"again".to_vec()));
    match next_event(&mut b, |e| matches!(e, Event::Request { .. })).await {
        Event::Request { respond, .. } => drop(respond),
        _ => unreachable!(),
    }
    assert!(answer.await.unwrap().is_err());

    // A request over the protocol's limit is refused before it leaves, and costs the
    // other side nothing.
    let big = vec![0u8; Protocol::Sync.max_request() + 1];
    let err = b.service.request(pa, Protocol::Sync, big).await.unwrap_err();
    assert!(err.to_string().contains("over the sync/2 limit"), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(a.service.ready_peers(), 1);
    assert_eq!(b.service.ready_peers(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reported_peer_is_disconnected_and_banned() {
    let mut a = node(3, 1, None).await;
    let mut b = node(3, 2, Some(&a)).await;
    let pb = b.service.local_peer_id();
    next_event(&mut a, is_status_of(pb)).await;
    a.service.report(pb, Misbehaviour::Undecodable(Protocol::Grandpa));
    next_event(&mut a, |e| matches!(e, Event::Disconnected { .. })).await;
    wait_until(|| a.service.peers().is_empty() && b.service.peers().is_empty()).await;
    // b dials again (it knows a from its boot nodes): a refuses it while the ban lasts.
    b.service.dial(
        format!("{}/p2p/{}", a.service.listen_addresses()[0], a.service.local_peer_id())
            .parse()
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(a.service.peers().iter().all(|p| p.peer_id != pb), "a banned peer stays out");
    let _ = &mut b;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_peer_is_banned() {
    let mut a = node(4, 1, None).await;
    let mut b = node(4, 2, Some(&a)).await;
    let (pa, pb) = (a.service.local_peer_id(), b.service.local_peer_id());
    next_event(&mut a, is_status_of(pb)).await;
    next_event(&mut b, is_status_of(pa)).await;
    wait_until(|| b.service.ready_peers() == 1).await;
    for i in 0..(Protocol::BlockAnnounces.rate_limit() * 3) {
        b.service.notify(pa, Protocol::BlockAnnounces, i.to_le_bytes().to_vec());
    }
    next_event(&mut a, |e| matches!(e, Event::Disconnected { peer } if *peer == pb)).await;
    wait_until(|| a.service.peers().is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_of_another_chain_never_become_peers() {
    let a = node(5, 1, None).await;
    let mut b = node(6, 2, Some(&a)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(a.service.ready_peers(), 0);
    assert_eq!(b.service.ready_peers(), 0);
    assert!(b.events.try_recv().is_err(), "no status from another chain");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_through_a_boot_node_connects_the_others() {
    let boot = node(7, 1, None).await;
    let b = node(7, 2, Some(&boot)).await;
    let c = node(7, 3, Some(&boot)).await;
    let (pb, pc) = (b.service.local_peer_id(), c.service.local_peer_id());
    wait_until(|| {
        b.service.peers().iter().any(|p| p.peer_id == pc)
            || c.service.peers().iter().any(|p| p.peer_id == pb)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configuration_is_refused() {
    let mut config = NetworkConfig::new([0; 32], NodeKeyConfig::Secret([9; 32]));
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.boot_nodes = vec!["/ip4/127.0.0.1/tcp/1".parse().unwrap()];
    let err = start(config).await.err().expect("a boot node without a peer id is refused");
    assert!(err.to_string().contains("/p2p/<peer id>"), "{err}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut config = NetworkConfig::new([0; 32], NodeKeyConfig::Secret([9; 32]));
    config.listen_addresses = vec![format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap()];
    let err = start(config).await.err().expect("a taken port is refused");
    assert!(err.to_string().contains("cannot listen"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    std::fs::write(&path, "not a key").unwrap();
    let config =
        NetworkConfig::new([0; 32], NodeKeyConfig::File { path: path.clone(), create: true });
    let err = start(config).await.err().expect("a malformed key file is refused");
    assert!(err.to_string().contains("node key file"), "{err}");

    // A missing default file is created, and the same identity comes back next time.
    let path = dir.path().join("network").join("secret_ed25519");
    let key = NodeKeyConfig::File { path: path.clone(), create: true };
    let first = key.keypair().unwrap().public().to_peer_id();
    assert_eq!(std::fs::read(&path).unwrap().len(), 32);
    assert_eq!(key.keypair().unwrap().public().to_peer_id(), first);
    let named = NodeKeyConfig::File { path: dir.path().join("absent"), create: false };
    assert!(named.keypair().is_err(), "a named key file must exist");
}
