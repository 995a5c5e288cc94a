//! What a node is told to be.

use lattice_chain_spec::ChainSpec;
use lattice_db::PruningMode;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Authors blocks in its slots and votes in GRANDPA (if its keys are authorities).
    Authority,
    /// Follows the chain.
    Full,
}

/// The RPC server's settings.
#[derive(Clone, Debug)]
pub struct RpcSettings {
    /// Address and limits.
    pub config: lattice_rpc::RpcConfig,
    /// Which methods are exposed (`--rpc-methods`).
    pub methods: lattice_rpc::RpcMethods,
}

/// Everything the service needs to run a node.
#[derive(Clone, Debug)]
pub struct Configuration {
    /// The chain.
    pub chain_spec: ChainSpec,
    /// `<base-path>/chains/<chain id>`.
    pub chain_path: PathBuf,
    /// The node's name (telemetry, `system_name` is the implementation's).
    pub node_name: String,
    /// The implementation's name (`system_name`).
    pub impl_name: String,
    /// The implementation's version (`system_version`).
    pub impl_version: String,
    /// Authority or full node.
    pub role: Role,
    /// State pruning; `None` keeps the database's (or the default for a new one).
    pub pruning: Option<PruningMode>,
    /// The RPC server; `None` runs without.
    pub rpc: Option<RpcSettings>,
    /// The Prometheus endpoint; `None` runs without.
    pub prometheus: Option<SocketAddr>,
    /// A seed (`//Alice`) whose Aura and GRANDPA keys are put into the keystore at start.
    pub dev_key_seed: Option<String>,
    /// How often the informant logs.
    pub informant_interval: Duration,
    /// GRANDPA's gossip time estimate.
    pub grandpa_gossip: Duration,
    /// Limits of the transaction pool (`--pool-limit`, `--pool-kbytes`).
    pub pool: lattice_txpool::Options,
    /// The peer-to-peer network; `None` runs alone (the genesis hash in it is replaced
    /// by the chain's).
    pub network: Option<lattice_network::NetworkConfig>,
    /// How a fresh database catches up (`--sync`).
    pub sync: crate::network::SyncMode,
}

impl Configuration {
    /// The database directory.
    pub fn database_path(&self) -> PathBuf {
        self.chain_path.join("db")
    }

    /// The keystore directory.
    pub fn keystore_path(&self) -> PathBuf {
        self.chain_path.join("keystore")
    }

    /// The compiled-runtime cache directory.
    pub fn wasm_cache_path(&self) -> PathBuf {
        self.chain_path.join("wasm-cache")
    }

    /// The GRANDPA voter's round file.
    pub fn grandpa_state_path(&self) -> PathBuf {
        self.chain_path.join("grandpa-round")
    }

    /// The default node key file (`network/secret_ed25519`).
    pub fn node_key_path(&self) -> PathBuf {
        self.chain_path.join("network").join("secret_ed25519")
    }

    /// The chain directory under `base_path` for `chain_id`.
    pub fn chain_path_of(base_path: &Path, chain_id: &str) -> PathBuf {
        base_path.join("chains").join(chain_id)
    }
}
