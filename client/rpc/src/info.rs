//! What the RPC server needs to know about the node besides the chain and the pool: its
//! identity, its network and its finality gadget. The node implements the traits.

use serde::Serialize;

/// The node's identity, for `system_name`, `system_version`, `system_chain`,
/// `system_chainType` and `system_properties`.
#[derive(Clone, Debug, Default)]
pub struct SystemInfo {
    /// The chain's name from the chain spec (`system_chain`), e.g. "Development".
    pub chain_name: String,
    /// The chain's type from the chain spec (`system_chainType`).
    pub chain_type: ChainType,
    /// The implementation's name (`system_name`), e.g. "Lattice Node".
    pub node_name: String,
    /// The implementation's version (`system_version`), e.g. "0.1.0-abcdef".
    pub version: String,
    /// The chain spec's properties (`system_properties`): `ss58Format`, `tokenDecimals`,
    /// `tokenSymbol`, as the chain spec gives them.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// The type of a chain, as Substrate's chain specs name it. Serialized as Substrate does:
/// `"Development"`, `"Local"`, `"Live"` or `{"Custom": "name"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub enum ChainType {
    /// A development chain run by one node.
    #[default]
    Development,
    /// A local test network.
    Local,
    /// A live network.
    Live,
    /// Anything else.
    Custom(String),
}

impl ChainType {
    /// The type named `name` (`"Development"`, `"Local"`, `"Live"`; any other name is
    /// [`ChainType::Custom`]).
    pub fn from_name(name: &str) -> Self {
        match name {
            "Development" => Self::Development,
            "Local" => Self::Local,
            "Live" => Self::Live,
            other => Self::Custom(other.to_string()),
        }
    }
}

/// A connected peer, for `system_peers`. Serialized as Substrate's `PeerInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerInfo {
    /// The peer's libp2p id (base58).
    pub peer_id: String,
    /// Its roles as Substrate prints them: `"FULL"`, `"AUTHORITY"`, `"LIGHT"`.
    pub roles: String,
    /// Its best block's hash (`0x`-hex).
    pub best_hash: String,
    /// Its best block's number.
    pub best_number: u32,
}

/// Where the node's sync stands, for `system_syncState`. Serialized as Substrate's
/// `SyncState` (`startingBlock`, `currentBlock`, `highestBlock`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// The best block number when the node started.
    pub starting_block: u32,
    /// The best block number now.
    pub current_block: u32,
    /// The highest block number any peer announced (or `current_block` when no peer is
    /// ahead).
    pub highest_block: u32,
}

/// The node's network as the RPC server sees it. The network service implements it;
/// every method is a cheap snapshot read (the RPC server calls them on its executor).
pub trait NetworkInfo: Send + Sync {
    /// The connected peers (`system_peers`, `system_health`'s `peers` count).
    fn peers(&self) -> Vec<PeerInfo>;

    /// The node's own libp2p peer id, base58 (`system_localPeerId`).
    fn local_peer_id(&self) -> String;

    /// The multiaddresses the node listens on, each ending in `/p2p/<peer id>`
    /// (`system_localListenAddresses`).
    fn listen_addresses(&self) -> Vec<String>;

    /// Whether the node is catching up with its peers (major sync); `system_health`'s
    /// `isSyncing`.
    fn is_syncing(&self) -> bool;

    /// Whether the node is expected to have peers (`false` for a `--dev` node alone);
    /// `system_health`'s `shouldHavePeers`.
    fn should_have_peers(&self) -> bool;

    /// The starting, current and highest block numbers (`system_syncState`). The
    /// default takes `current` from the caller's best block and knows no peer ahead.
    fn sync_state(&self, best_number: u32) -> SyncState {
        SyncState { starting_block: 0, current_block: best_number, highest_block: best_number }
    }
}

/// The GRANDPA voter as the RPC server sees it.
pub trait GrandpaInfo: Send + Sync {
    /// Substrate's `grandpa_roundState` JSON: `{"setId": n, "best": {"round": n,
    /// "totalWeight": n, "thresholdWeight": n, "prevotes": {"currentWeight": n,
    /// "missing": [authority ids]}, "precommits": {..}}, "background": [..]}`. `None`
    /// while the voter has not started a round (answered as an error).
    fn round_state(&self) -> Option<serde_json::Value>;
}

/// A [`NetworkInfo`] for a node without a network: no peers, not syncing, no peers
/// expected (tests, `--dev` without networking).
#[derive(Clone, Debug, Default)]
pub struct NoNetwork {
    /// The peer id to report.
    pub peer_id: String,
}

impl NetworkInfo for NoNetwork {
    fn peers(&self) -> Vec<PeerInfo> {
        Vec::new()
    }

    fn local_peer_id(&self) -> String {
        self.peer_id.clone()
    }

    fn listen_addresses(&self) -> Vec<String> {
        Vec::new()
    }

    fn is_syncing(&self) -> bool {
        false
    }

    fn should_have_peers(&self) -> bool {
        false
    }
}
