//! Peer-to-peer networking of the Lattice node on libp2p.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  node (sync, GRANDPA gossip, transactions)
//!     │ NetworkService: notify / broadcast / request / report      ▲ Event stream
//!     ▼                                                            │
//!  Worker task ── Swarm ── TCP + noise + yamux
//!                   ├─ identify, ping
//!                   ├─ Kademlia (/<genesis>/kad, seeded by boot nodes), mDNS
//!                   └─ request-response per protocol: /<genesis>/{status/1,
//!                      block-announces/1, transactions/1, grandpa/1, sync/2, state/2,
//!                      sync/warp}
//! ```
//!
//! - The network carries bytes; the node decodes them. Sizes are checked while reading
//!   (before allocation) against each protocol's limit, messages per second per peer
//!   against its rate limit; the node reports undecodable or invalid messages with
//!   [`NetworkService::report`]. A peer whose reputation falls to [`BAN_THRESHOLD`] is
//!   disconnected and banned for [`NetworkConfig::ban_duration`].
//! - Every protocol name starts with the genesis hash: a node of another chain fails
//!   the status exchange and is disconnected.
//! - A peer gets notifications only after the status exchange.
//!
//! ## Example
//!
//! ```no_run
//! # async fn example() -> lattice_network::Result<()> {
//! use lattice_network::{start, NetworkConfig, NodeKeyConfig, Protocol};
//!
//! let mut config = NetworkConfig::new([0u8; 32], NodeKeyConfig::Secret([1u8; 32]));
//! config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
//! let (network, mut events, task) = start(config).await?;
//! network.set_status(b"my status".to_vec());
//! network.broadcast(Protocol::Transactions, vec![1, 2, 3]);
//! while let Some(event) = events.recv().await {
//!     println!("{event:?}");
//! }
//! task.abort();
//! # Ok(()) }
//! ```
//!
//! ## Feature flags
//!
//! None.

mod config;
mod peers;
mod protocol;
mod service;

pub use config::{
    parse_addr, peer_id_of, read_node_key, split_peer_addr, NetworkConfig, NodeKeyConfig,
};
pub use libp2p::{Multiaddr, PeerId};
pub use peers::{Misbehaviour, PeerSet, BAN_THRESHOLD};
pub use protocol::{FrameCodec, Protocol};
pub use service::{start, Event, NetworkService, PeerInfo, RequestError};

/// Errors of the network.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The node key cannot be read or made.
    #[error("node key{}: {reason}", path.as_ref().map(|p| format!(" file {}", p.display())).unwrap_or_default())]
    NodeKey {
        /// The file, when the key comes from one.
        path: Option<std::path::PathBuf>,
        /// Why.
        reason: String,
        /// Whether the file does not exist.
        missing: bool,
    },
    /// A multiaddress that cannot be used.
    #[error("address {addr}: {reason}")]
    BadAddress {
        /// The address.
        addr: String,
        /// Why.
        reason: String,
    },
    /// Listening failed (a taken port, an unusable address).
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        reason: String,
    },
    /// The transport cannot be built.
    #[error("network transport: {0}")]
    Transport(String),
}

/// Results of the network.
pub type Result<T> = std::result::Result<T, Error>;
