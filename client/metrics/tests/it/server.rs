//! The HTTP endpoint, spoken to over a raw TCP stream.

use std::net::SocketAddr;
use std::time::Duration;

use lattice_metrics::{bind, serve, BuildInfo, Error, MetricsRegistry, NodeMetrics, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Upper bound for any single step, so a broken server fails the test instead of hanging.
const STEP: Duration = Duration::from_secs(10);

/// A server on an ephemeral local port; [`Server::stop`] shuts it down and waits for it.
struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<()>>,
}

impl Server {
    async fn start() -> Self {
        let registry = MetricsRegistry::new();
        let build = BuildInfo { name: "lattice".into(), version: "1".into(), chain: "dev".into() };
        let metrics = NodeMetrics::register(&registry, &build).expect("fresh registry");
        metrics.set_best(5);
        let listener = bind(([127, 0, 0, 1], 0).into()).await.expect("ephemeral port");
        let addr = listener.local_addr().expect("bound");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, registry, async {
            let _ = stopped.await;
        }));
        Self { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(STEP, self.task)
            .await
            .expect("server stops promptly")
            .expect("server task did not panic")
            .expect("server returns Ok");
    }
}

/// Sends raw `request` bytes on a new connection and returns the status code and the
/// whole response text (the request should say `Connection: close`).
async fn exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    tokio::time::timeout(STEP, async {
        let mut stream = TcpStream::connect(addr).await.expect("server listens");
        stream.write_all(request).await.expect("write");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        let response = String::from_utf8(response).expect("UTF-8 response");
        let status = response
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP/1.1 response: {response:?}"));
        (status, response)
    })
    .await
    .expect("response in time")
}

fn request(method: &str, path: &str) -> Vec<u8> {
    format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        .into_bytes()
}

#[tokio::test]
async fn get_metrics() {
    let server = Server::start().await;
    let (status, response) = exchange(server.addr, &request("GET", "/metrics")).await;
    assert_eq!(status, 200, "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains("\r\ncontent-type: text/plain; version=0.0.4\r\n"), "{response}");
    assert!(response.contains("\r\n\r\n# HELP "), "{response}");
    for name in [
        r#"substrate_block_height{status="best"} 5"#,
        "substrate_ready_transactions_number",
        "substrate_block_verification_and_import_time",
        "substrate_proposer_block_constructed",
        "substrate_proposer_number_of_transactions",
        "substrate_build_info",
        "substrate_node_roles",
        "substrate_sub_libp2p_peers_count",
        "substrate_number_leaves",
        "substrate_finality_grandpa_round",
    ] {
        assert!(response.contains(name), "missing {name} in:\n{response}");
    }
    #[cfg(target_os = "linux")]
    assert!(response.contains("process_resident_memory_bytes"), "{response}");
    server.stop().await;
}

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let server = Server::start().await;
    let (status, response) = exchange(server.addr, &request("GET", "/other")).await;
    assert_eq!(status, 404, "{response}");
    let (status, response) = exchange(server.addr, &request("GET", "/")).await;
    assert_eq!(status, 404, "{response}");
    let (status, response) = exchange(server.addr, &request("POST", "/metrics")).await;
    assert_eq!(status, 405, "{response}");
    assert!(response.to_ascii_lowercase().contains("\r\nallow: get, head\r\n"), "{response}");
    let (status, _) = exchange(server.addr, &request("DELETE", "/metrics")).await;
    assert_eq!(status, 405);
    // The query string is not part of the path.
    let (status, _) = exchange(server.addr, &request("GET", "/metrics?x=1")).await;
    assert_eq!(status, 200);
    server.stop().await;
}

#[tokio::test]
async fn malformed_requests_do_not_stop_the_server() {
    let server = Server::start().await;
    let (status, _) = exchange(server.addr, b"THIS IS NOT HTTP\r\n\r\n").await;
    assert_eq!(status, 400);
    let (status, _) =
        exchange(server.addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").await;
    assert_eq!(status, 400);

    // A client that connects and hangs up without a word.
    drop(TcpStream::connect(server.addr).await.expect("server listens"));
    // One that sends half a request and hangs up.
    let mut half = TcpStream::connect(server.addr).await.expect("server listens");
    half.write_all(b"GET /metr").await.expect("write");
    drop(half);

    let (status, _) = exchange(server.addr, &request("GET", "/metrics")).await;
    assert_eq!(status, 200);
    server.stop().await;
}

#[tokio::test]
async fn keep_alive_serves_several_requests() {
    let server = Server::start().await;
    let mut stream = TcpStream::connect(server.addr).await.expect("server listens");
    let two = [
        b"GET /other HTTP/1.1\r\nHost: x\r\n\r\n".as_slice(),
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]
    .concat();
    stream.write_all(&two).await.expect("write");
    let mut response = String::new();
    tokio::time::timeout(STEP, stream.read_to_string(&mut response))
        .await
        .expect("in time")
        .expect("read");
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(response.contains("HTTP/1.1 200"), "{response}");
    server.stop().await;
}

#[tokio::test]
async fn binding_a_taken_port_fails() {
    let first = bind(([127, 0, 0, 1], 0).into()).await.expect("ephemeral port");
    let addr = first.local_addr().expect("bound");
    match bind(addr).await {
        Err(Error::Bind { addr: failed, source }) => {
            assert_eq!(failed, addr);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
            let message = Error::Bind { addr, source }.to_string();
            assert!(message.contains(&addr.to_string()), "{message}");
        }
        other => panic!("expected Error::Bind, got {other:?}"),
    }
}

#[tokio::test]
async fn shutdown_frees_the_port() {
    let server = Server::start().await;
    let addr = server.addr;
    let (status, _) = exchange(addr, &request("GET", "/metrics")).await;
    assert_eq!(status, 200);

    // An idle keep-alive connection must not hold the server up.
    let mut idle = TcpStream::connect(addr).await.expect("server listens");
    server.stop().await;

    assert!(TcpStream::connect(addr).await.is_err(), "nothing listens after shutdown");
    let rebound = bind(addr).await.expect("the port is free again");
    drop(rebound);
    // The idle connection was closed by the server.
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(STEP, idle.read(&mut buf)).await.expect("closed in time");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}
