//! The service's error type.

use std::path::PathBuf;

/// Why the node could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened (locked, another pruning mode, corrupt).
    #[error("database: {0}")]
    Db(#[from] lattice_db::Error),
    /// The chain client failed (genesis mismatch, runtime).
    #[error(transparent)]
    Chain(#[from] lattice_chain::Error),
    /// The chain spec is invalid or its genesis cannot be built.
    #[error("chain spec: {0}")]
    ChainSpec(#[from] lattice_chain_spec::Error),
    /// The executor could not start.
    #[error("executor: {0}")]
    Executor(#[from] lattice_executor::Error),
    /// The keystore could not be opened or written.
    #[error("keystore: {0}")]
    Keystore(#[from] lattice_keystore::Error),
    /// The RPC server could not start.
    #[error("RPC server: {0}")]
    Rpc(String),
    /// The metrics endpoint could not start.
    #[error("Prometheus endpoint: {0}")]
    Metrics(#[from] lattice_metrics::Error),
    /// The network could not start.
    #[error("network: {0}")]
    Network(#[from] lattice_network::Error),
    /// Consensus could not start.
    #[error("consensus: {0}")]
    Consensus(#[from] lattice_consensus::Error),
    /// A file or directory of the base path could not be used.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// A dev key seed does not derive a key.
    #[error("invalid key seed {seed}: {reason}")]
    InvalidSeed {
        /// The seed given.
        seed: String,
        /// Why.
        reason: String,
    },
}

/// The service's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
