//! A node without networking for the RPC tests: a chain on a temporary database with the
//! Wasm development genesis, a real pool, and the RPC server on a free loopback port.

#![allow(unreachable_pub, dead_code)]

use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
pub use lattice_chain::test_utils::{account, account_key, build, pair, transfer};
use lattice_chain::{BlockOrigin, Client, FullChainApi};
use lattice_primitives::{AccountId32, H256};
use lattice_rpc::{
    rpc_module, start_server, ChainType, NoNetwork, RpcConfig, RpcDeps, RpcServerHandle, SystemInfo,
};
use lattice_txpool::{BlockInfo, ChainEvent, Options, Pool, SystemClock};
use serde_json::Value;
use sp_core::{sr25519, Pair};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn ss58(p: &sr25519::Pair) -> String {
    use sp_core::crypto::Ss58Codec;
    sp_core::crypto::AccountId32::from(p.public().0).to_ss58check()
}

/// A running node: chain, pool and RPC server.
pub struct TestNode {
    pub client: Arc<Client>,
    pub pool: Arc<Pool<FullChainApi>>,
    pub server: RpcServerHandle,
    pub dir: tempfile::TempDir,
}

/// The default limits, deny_unsafe off.
pub async fn node() -> TestNode {
    node_with(|_| {}, false).await
}

/// A node whose server config `tweak` adjusts.
pub async fn node_with(tweak: impl FnOnce(&mut RpcConfig), deny_unsafe: bool) -> TestNode {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let client = tokio::task::spawn_blocking(move || {
        Arc::new(lattice_chain::test_utils::dev_client(&path, None))
    })
    .await
    .unwrap();
    let genesis = client.genesis_hash();
    let pool = Arc::new(Pool::new(
        FullChainApi::new(client.clone()),
        Options::default(),
        Arc::new(SystemClock::new()),
        BlockInfo { hash: genesis, number: 0 },
    ));
    let mut properties = serde_json::Map::new();
    properties.insert("ss58Format".into(), 42.into());
    properties.insert("tokenDecimals".into(), 12.into());
    properties.insert("tokenSymbol".into(), "LAT".into());
    let deps = RpcDeps {
        client: client.clone(),
        pool: pool.clone(),
        keystore: None,
        system: SystemInfo {
            chain_name: "Development".into(),
            chain_type: ChainType::Development,
            node_name: "Lattice Node".into(),
            version: "0.1.0-test".into(),
            properties,
        },
        network: Arc::new(NoNetwork { peer_id: "12D3KooWTest".into() }),
        grandpa: None,
        roles: vec!["Authority".into()],
    };
    let mut config = RpcConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)));
    tweak(&mut config);
    let server = start_server(config, rpc_module(deps, deny_unsafe)).await.unwrap();
    TestNode { client, pool, server, dir }
}

impl TestNode {
    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    pub fn http(&self) -> HttpClient {
        HttpClientBuilder::default().build(format!("http://{}", self.addr())).unwrap()
    }

    pub async fn ws(&self) -> WsClient {
        WsClientBuilder::default().build(format!("ws://{}", self.addr())).await.unwrap()
    }

    /// Builds a block with `txs` on the best block, imports it and tells the pool.
    pub async fn import(&self, txs: Vec<Vec<u8>>) -> H256 {
        let client = self.client.clone();
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let best = client.info();
            let built = build(&client, best.best_hash, u64::from(best.best_number) + 1, &txs);
            let hash = built.block.header.hash();
            client.import_built(built.block, built.state, BlockOrigin::Own).unwrap();
            pool.maintain(ChainEvent::new_best(hash)).unwrap();
            hash
        })
        .await
        .unwrap()
    }

    /// Finalizes `hash` and tells the pool.
    pub async fn finalize(&self, hash: H256) {
        let client = self.client.clone();
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            client.finalize_block(hash, None).unwrap();
            pool.maintain(ChainEvent::finalized(hash)).unwrap();
        })
        .await
        .unwrap()
    }

    /// Stops the server and waits for it.
    pub async fn stop(self) {
        self.server.stop();
        self.server.clone().stopped().await;
    }

    /// A signed immortal `transfer_keep_alive`.
    pub fn transfer(
        &self,
        from: &sr25519::Pair,
        to: &AccountId32,
        value: u128,
        nonce: u32,
    ) -> Vec<u8> {
        transfer(&self.client, from, to, value, nonce)
    }
}

/// `0x`-hex.
pub fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Calls `method` over HTTP and returns the result or the error object.
pub async fn call(
    client: &HttpClient,
    method: &str,
    params: Vec<Value>,
) -> Result<Value, (i32, String, Option<String>)> {
    let mut p = jsonrpsee::core::params::ArrayParams::new();
    for v in params {
        p.insert(v).unwrap();
    }
    client.request::<Value, _>(method, p).await.map_err(error_of)
}

/// The (code, message, data) of a call error.
pub fn error_of(e: jsonrpsee::core::client::Error) -> (i32, String, Option<String>) {
    match e {
        jsonrpsee::core::client::Error::Call(obj) => {
            (obj.code(), obj.message().to_string(), obj.data().map(|d| d.get().to_string()))
        }
        other => panic!("expected a JSON-RPC error object, got {other:?}"),
    }
}

/// Sends a raw HTTP/1.1 POST of `body` and returns (status, body).
pub async fn http_raw(addr: SocketAddr, body: &[u8], origin: Option<&str>) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{origin}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (413) and close before the whole body is written.
    let _ = stream.write_all(body).await;
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}
