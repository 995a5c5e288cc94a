//! What the network is told: addresses, peers, limits and the node key.

use libp2p::identity::{ed25519, Keypair};
use libp2p::{Multiaddr, PeerId};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the node's ed25519 identity comes from.
#[derive(Clone, Debug)]
pub enum NodeKeyConfig {
    /// A given 32-byte secret (`--node-key`).
    Secret([u8; 32]),
    /// A file holding the secret (`--node-key-file`, or `<chain>/network/secret_ed25519`):
    /// 32 raw bytes or 64 hex characters. `create` makes a new key there when the file is
    /// missing (the default path); a named file must exist.
    File {
        /// The file.
        path: PathBuf,
        /// Whether a missing file is created with a fresh key.
        create: bool,
    },
}

impl NodeKeyConfig {
    /// The key pair, reading (or creating) the file when there is one.
    pub fn keypair(&self) -> Result<Keypair, crate::Error> {
        let secret = match self {
            Self::Secret(secret) => *secret,
            Self::File { path, create } => match read_node_key(path) {
                Ok(secret) => secret,
                Err(crate::Error::NodeKey { missing: true, .. }) if *create => {
                    let secret = ed25519::SecretKey::generate();
                    let mut bytes = [0u8; 32];
                    bytes.copy_from_slice(secret.as_ref());
                    write_node_key(path, &bytes)?;
                    bytes
                }
                Err(e) => return Err(e),
            },
        };
        let secret = ed25519::SecretKey::try_from_bytes(secret).map_err(|e| {
            crate::Error::NodeKey { path: None, reason: e.to_string(), missing: false }
        })?;
        Ok(ed25519::Keypair::from(secret).into())
    }
}

/// Reads a node key file: 32 raw bytes, or 64 hex characters (optionally `0x`, and
/// surrounding whitespace).
pub fn read_node_key(path: &Path) -> Result<[u8; 32], crate::Error> {
    let err = |reason: String, missing: bool| crate::Error::NodeKey {
        path: Some(path.to_path_buf()),
        reason,
        missing,
    };
    let bytes = std::fs::read(path)
        .map_err(|e| err(e.to_string(), e.kind() == std::io::ErrorKind::NotFound))?;
    if bytes.len() == 32 {
        let mut out = [0u8; 32];
        out.copy_from_slice(&bytes);
        return Ok(out);
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| err("neither 32 raw bytes nor hex text".into(), false))?
        .trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    if text.len() != 64 {
        return Err(err(
            format!(
                "a node key has 32 bytes (64 hex characters), this one {} characters",
                text.len()
            ),
            false,
        ));
    }
    let mut out = [0u8; 32];
    for (i, chunk) in text.as_bytes().chunks(2).enumerate() {
        let s = std::str::from_utf8(chunk).unwrap_or("");
        out[i] = u8::from_str_radix(s, 16)
            .map_err(|_| err(format!("invalid hex at character {}", 2 * i), false))?;
    }
    Ok(out)
}

fn write_node_key(path: &Path, secret: &[u8; 32]) -> Result<(), crate::Error> {
    let err = |e: std::io::Error| crate::Error::NodeKey {
        path: Some(path.to_path_buf()),
        reason: e.to_string(),
        missing: false,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(err)?;
        file.write_all(secret).map_err(err)?;
        file.sync_all().map_err(err)?;
    }
    std::fs::rename(&tmp, path).map_err(err)
}

/// The peer id of a node key.
pub fn peer_id_of(secret: [u8; 32]) -> Result<PeerId, crate::Error> {
    Ok(NodeKeyConfig::Secret(secret).keypair()?.public().to_peer_id())
}

/// A multiaddress that ends in `/p2p/<peer id>`, split in two.
pub fn split_peer_addr(addr: &Multiaddr) -> Result<(PeerId, Multiaddr), crate::Error> {
    let mut addr = addr.clone();
    match addr.pop() {
        Some(libp2p::multiaddr::Protocol::P2p(peer)) => Ok((peer, addr)),
        _ => Err(crate::Error::BadAddress {
            addr: addr.to_string(),
            reason: "it does not end in /p2p/<peer id>".into(),
        }),
    }
}

/// Parses a multiaddress given on the command line or in a chain spec.
pub fn parse_addr(s: &str) -> Result<Multiaddr, crate::Error> {
    s.parse::<Multiaddr>()
        .map_err(|e| crate::Error::BadAddress { addr: s.to_string(), reason: e.to_string() })
}

/// The network's settings.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
    /// The genesis hash: every protocol name starts with it, so nodes of other chains do
    /// not speak to this one.
    pub genesis_hash: [u8; 32],
    /// The node's identity.
    pub node_key: NodeKeyConfig,
    /// Where to listen.
    pub listen_addresses: Vec<Multiaddr>,
    /// Addresses others can reach this node at (`--public-addr`).
    pub public_addresses: Vec<Multiaddr>,
    /// Nodes to start discovery from (each ends in `/p2p/<peer id>`).
    pub boot_nodes: Vec<Multiaddr>,
    /// Nodes to stay connected to (each ends in `/p2p/<peer id>`).
    pub reserved_nodes: Vec<Multiaddr>,
    /// Accept and dial only reserved nodes.
    pub reserved_only: bool,
    /// Most peers that dialed in (reserved peers not counted).
    pub in_peers: usize,
    /// Most peers this node dials (reserved peers not counted).
    pub out_peers: usize,
    /// Find peers on the local network with mDNS.
    pub mdns: bool,
    /// Allow private and loopback addresses found by Kademlia (`--discover-local`).
    pub discover_local: bool,
    /// The client's name and version, sent to peers by identify.
    pub agent_version: String,
    /// How long a peer that lost all its reputation stays banned.
    pub ban_duration: Duration,
    /// How long a request may take.
    pub request_timeout: Duration,
    /// The status sent to peers until [`crate::NetworkService::set_status`] changes it
    /// (it goes out as soon as a connection is up, so it must be valid from the start).
    pub status: Vec<u8>,
}

impl NetworkConfig {
    /// Settings with Substrate's defaults: listen on `0.0.0.0:30333`, 32 in and 8 out
    /// peers, mDNS on.
    pub fn new(genesis_hash: [u8; 32], node_key: NodeKeyConfig) -> Self {
        Self {
            genesis_hash,
            node_key,
            listen_addresses: vec!["/ip4/0.0.0.0/tcp/30333".parse().expect("a valid address")],
            public_addresses: Vec::new(),
            boot_nodes: Vec::new(),
            reserved_nodes: Vec::new(),
            reserved_only: false,
            in_peers: 32,
            out_peers: 8,
            mdns: true,
            discover_local: true,
            agent_version: "lattice".into(),
            ban_duration: Duration::from_secs(300),
            request_timeout: Duration::from_secs(20),
            status: Vec::new(),
        }
    }
}
