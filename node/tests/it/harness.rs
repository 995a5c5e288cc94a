//! Starting `lattice` processes on free loopback ports and talking JSON-RPC over HTTP.

#![allow(unreachable_pub, missing_docs)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_lattice")
}

/// Runs `lattice ARGS` to completion: (success, stdout and stderr).
pub fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(binary()).args(args).output().unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Ports the tests hand out: below Linux's ephemeral range (32768 and up), so an
/// outgoing connection of one node never takes the port another node is about to listen
/// on, which a port the kernel picked (`bind(0)`) could not promise.
const TEST_PORTS: std::ops::Range<u16> = 20_000..32_000;

/// A loopback port nobody listens on, never the same twice in this process. The tests
/// pick ports before the nodes start (peers need each other's addresses), so the port
/// must stay free until then: the counter keeps the tests of this process apart, the
/// range keeps outgoing connections away, and the start, spread by the process id,
/// keeps other test processes of the machine apart.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(u32::MAX);
    let span = u32::from(TEST_PORTS.end - TEST_PORTS.start);
    let _ = NEXT.compare_exchange(
        u32::MAX,
        std::process::id().wrapping_mul(7919) % span,
        Ordering::SeqCst,
        Ordering::SeqCst,
    );
    for _ in 0..span {
        let offset = NEXT.fetch_add(1, Ordering::SeqCst) % span;
        let port = TEST_PORTS.start + offset as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {TEST_PORTS:?}");
}

/// A running node; killed (SIGKILL) when dropped.
pub struct Node {
    pub child: Child,
    pub rpc_port: u16,
    pub log: std::path::PathBuf,
}

impl Node {
    /// Starts `lattice ARGS --rpc-port P --listen-addr /ip4/127.0.0.1/tcp/Q --no-mdns
    /// --no-prometheus`, logging to `log`.
    pub fn start(args: &[&str], log: &Path) -> Node {
        Self::start_on(args, log, free_port(), free_port())
    }

    /// [`Node::start`] on given ports (a restart keeps its peers' view of the address).
    pub fn start_on(args: &[&str], log: &Path, rpc_port: u16, p2p_port: u16) -> Node {
        let p2p = p2p_port.to_string();
        let rpc = rpc_port.to_string();
        let out = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let child = Command::new(binary())
            .args(args)
            .args(["--rpc-port", &rpc, "--no-prometheus", "--no-mdns", "--listen-addr"])
            .arg(format!("/ip4/127.0.0.1/tcp/{p2p}"))
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        Node { child, rpc_port, log: log.to_path_buf() }
    }

    /// Waits until `system_health` answers; panics with the log after `timeout`.
    pub fn wait_ready(&mut self, timeout: Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("node exited with {status} before its RPC answered:\n{}", self.log_tail());
            }
            if rpc_call(self.rpc_port, "system_health", json!([])).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < timeout,
                "RPC not ready in {timeout:?}:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        rpc_call(self.rpc_port, method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}\n{}", self.log_tail()))
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// SIGKILL and wait.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn terminate(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < timeout, "no exit after SIGTERM:\n{}", self.log_tail());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn best_number(&self) -> u32 {
        number(&self.rpc("chain_getHeader", json!([]))["number"])
    }

    pub fn finalized(&self) -> (u32, String) {
        let hash = self.rpc("chain_getFinalizedHead", json!([]));
        let header = self.rpc("chain_getHeader", json!([hash]));
        (number(&header["number"]), hash.as_str().unwrap().to_string())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn number(v: &Value) -> u32 {
    u32::from_str_radix(v.as_str().expect("hex number").trim_start_matches("0x"), 16).unwrap()
}

fn addr(port: u16) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}

/// An HTTP POST of `body` to the node's RPC port: (status, response body).
pub fn http_post(port: u16, body: &[u8]) -> std::io::Result<(u16, String)> {
    lattice_node::http::post(addr(port), body)
}

/// A JSON-RPC call: the `result`, or the `error` object as `Err`.
pub fn rpc_call(port: u16, method: &str, params: Value) -> Result<Value, String> {
    lattice_node::http::call(addr(port), method, params)
}

/// Signed extrinsics for the node's chain, call indices from its own metadata.
pub fn extrinsic_builder(node: &Node) -> lattice_node::tx::ExtrinsicBuilder {
    let metadata = hex_bytes(&node.rpc("state_getMetadata", json!([])));
    let genesis = hex_bytes(&node.rpc("chain_getBlockHash", json!([0])));
    let version = node.rpc("state_getRuntimeVersion", json!([]));
    lattice_node::tx::ExtrinsicBuilder::with_versions(
        &metadata,
        lattice_primitives::H256(genesis.try_into().unwrap()),
        version["specVersion"].as_u64().unwrap() as u32,
        version["transactionVersion"].as_u64().unwrap() as u32,
    )
    .unwrap()
}

pub fn hex_bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn dev(name: &str) -> sp_core::sr25519::Pair {
    <sp_core::sr25519::Pair as sp_core::Pair>::from_string(&format!("//{name}"), None).unwrap()
}

#[test]
fn free_ports_are_distinct_and_below_the_ephemeral_range() {
    let ports: Vec<u16> = (0..64).map(|_| free_port()).collect();
    let distinct: std::collections::HashSet<u16> = ports.iter().copied().collect();
    assert_eq!(distinct.len(), ports.len());
    assert!(ports.iter().all(|p| TEST_PORTS.contains(p)));
}
