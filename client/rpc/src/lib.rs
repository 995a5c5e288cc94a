//! The node's JSON-RPC server: Substrate's method names and JSON shapes over HTTP and
//! WebSocket on one port, so unmodified polkadot.js, py-substrate-interface and subxt
//! work against a Lattice node.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  HTTP / WS ─▶ jsonrpsee server ── origin filter, CORS, size/batch/connection limits
//!                    │
//!                    ▼ RpcModule (rpc_module): one handler per method
//!   system_* ── SystemInfo, NetworkInfo, runtime (AccountNonceApi) + pool (nonce tags)
//!   chain_*  ── Client reads; head subscriptions fed by import/finality notifications
//!   state_*  ── Client state, runtime calls (Metadata, Core_version), read proofs;
//!               storage subscriptions fed by the import notifications' changes
//!   author_* ── Pool (submit, watch, pending, remove); keystore + SessionKeys API
//!   payment_* ─ TransactionPaymentApi;  grandpa_roundState ── GrandpaInfo
//!   staking_* ─ LatticeStakingApi (validators, delegations, rewards, unbonding)
//! ```
//!
//! - Handlers that touch the database or the runtime run on tokio's blocking pool
//!   (`register_blocking_method`); subscriptions are tasks that forward the chain's and
//!   the pool's `futures` streams until the client unsubscribes or disconnects.
//! - All input is hostile (architecture invariant 6): every parameter is checked for
//!   type, hex and size (the `json` module), bad input answers -32602 naming the
//!   parameter, SCALE input (extrinsics) must decode exactly (1001 otherwise), and
//!   results are bounded (`state_getKeysPaged` ≤ 1000 keys, key lists ≤ 1024).
//! - Errors carry Substrate's codes ([`Error::code`]): pool refusals 1010-1020 with the
//!   pool's message and data, `state_*` client errors 4003, `chain_*` 3000, unsafe
//!   methods denied to external callers -32601 ([`RpcMethods`]).
//! - The node implements [`NetworkInfo`] and [`GrandpaInfo`]; this crate depends on no
//!   network or consensus crate.
//!
//! ## Example
//!
//! ```no_run
//! # async fn example(deps: lattice_rpc::RpcDeps) -> lattice_rpc::Result<()> {
//! use lattice_rpc::{rpc_module, start_server, RpcConfig, RpcMethods};
//!
//! let config = RpcConfig::new("127.0.0.1:9944".parse().expect("a socket address"));
//! let deny_unsafe = RpcMethods::Auto.deny_unsafe(&config.addr);
//! let server = start_server(config, rpc_module(deps, deny_unsafe)).await?;
//! println!("RPC on {}", server.local_addr());
//! server.stop();
//! server.stopped().await;
//! # Ok(()) }
//! ```
//!
//! ## Feature flags
//!
//! None.

mod author;
mod chain;
mod error;
mod info;
mod json;
mod payment;
mod server;
mod staking;
mod state;
mod system;

pub use error::{Api, Error, Result};
pub use info::{ChainType, GrandpaInfo, NetworkInfo, NoNetwork, PeerInfo, SyncState, SystemInfo};
pub use server::{start_server, RpcConfig, RpcMethods, RpcServerHandle};
pub use state::{KEYS_PAGED_MAX_COUNT, MAX_UNPAGED_ENTRIES};

use jsonrpsee::RpcModule;
use lattice_chain::{CachedState, Client, FullChainApi};
use lattice_primitives::H256;
use lattice_txpool::Pool;
use std::sync::Arc;

/// Everything the RPC methods read from or act on.
#[derive(Clone)]
pub struct RpcDeps {
    /// The chain client.
    pub client: Arc<Client>,
    /// The transaction pool.
    pub pool: Arc<Pool<FullChainApi>>,
    /// The node's keystore (`author_insertKey`, `author_hasKey`,
    /// `author_hasSessionKeys`); `None` answers those with an error. `author_rotateKeys`
    /// uses the keystore the client gives the runtime.
    pub keystore: Option<Arc<lattice_keystore::LocalKeystore>>,
    /// The node's identity.
    pub system: SystemInfo,
    /// The node's network.
    pub network: Arc<dyn NetworkInfo>,
    /// The GRANDPA voter, when the node runs one (`grandpa_roundState`).
    pub grandpa: Option<Arc<dyn GrandpaInfo>>,
    /// The node's roles for `system_nodeRoles`: `"Authority"` or `"Full"`.
    pub roles: Vec<String>,
}

/// The context every handler gets.
pub(crate) struct Ctx {
    deps: RpcDeps,
    deny_unsafe: bool,
}

impl Ctx {
    /// Refuses an unsafe method on a server that denies them.
    fn check_unsafe(&self) -> Result<()> {
        if self.deny_unsafe {
            Err(Error::UnsafeDenied)
        } else {
            Ok(())
        }
    }

    /// The block `at` names (default: the best block), checked to exist.
    fn at(&self, at: Option<H256>, api: Api) -> Result<H256> {
        let hash = at.unwrap_or_else(|| self.deps.client.info().best_hash);
        match self.deps.client.header(&hash) {
            Ok(Some(_)) => Ok(hash),
            Ok(None) => Err(Error::UnknownBlock { api, hash }),
            Err(e) => Err(Error::client(api, e)),
        }
    }

    /// The state after the block `at` names (default: the best block).
    fn state(&self, at: Option<H256>) -> Result<CachedState> {
        let hash = self.at(at, Api::State)?;
        self.deps.client.state_at(&hash).map_err(|e| Error::client(Api::State, e))
    }
}

/// Every RPC method of the node over `deps`, plus `rpc_methods` listing them. With
/// `deny_unsafe` (see [`RpcMethods::deny_unsafe`]) the unsafe methods (`system_peers`,
/// `state_getPairs`, `author_removeExtrinsic`, `author_rotateKeys`, `author_insertKey`,
/// `author_hasKey`, `author_hasSessionKeys`, and `state_subscribeStorage` without keys)
/// answer -32601 "RPC call is unsafe to be called externally".
pub fn rpc_module(deps: RpcDeps, deny_unsafe: bool) -> RpcModule<()> {
    let mut module = RpcModule::new(Ctx { deps, deny_unsafe });
    register_all(&mut module).expect("method names are distinct literals, registered once each");
    let names: Vec<&'static str> = module.method_names().collect();
    let methods = system::methods_json(&names);
    module
        .register_method("rpc_methods", move |_, _, _| methods.clone())
        .expect("rpc_methods is registered once");
    module.remove_context()
}

fn register_all(module: &mut RpcModule<Ctx>) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    system::register(module)?;
    chain::register(module)?;
    state::register(module)?;
    author::register(module)?;
    payment::register(module)?;
    staking::register(module)?;
    Ok(())
}
