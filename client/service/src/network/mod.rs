//! The node on the network: status exchange, block announcements, block sync
//! (ranges from several peers in parallel, ancestry searches for forks and orphans),
//! transaction propagation, and answers to peers' block requests.
//!
//! The libp2p side lives in `lattice-network`, which carries bytes; everything here
//! decodes, checks and reports peers that send garbage.

mod grandpa;
pub mod message;
mod warp;

pub use grandpa::NetworkTransport;
use lattice_consensus::grandpa::warp::WarpProofRequest;

use crate::network::message::*;
use codec::Encode;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use lattice_chain::{BlockOrigin, Client, FullChainApi};
use lattice_consensus::aura;
use lattice_consensus::import::{import_peer_block, PeerBlockError};
pub use lattice_consensus::report::SlotEquivocation;
use lattice_consensus::report::SlotWatch;
use lattice_network::{Event, Misbehaviour, NetworkService, PeerId, Protocol, RequestError};
use lattice_primitives::{Block, BlockNumber, TransactionSource, H256};
use lattice_txpool::Pool;
use parking_lot::RwLock;
use schnellru::{ByLength, LruMap};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Blocks ahead of the best block beyond which the node is in a major sync.
const MAJOR_SYNC_DISTANCE: BlockNumber = 16;
/// Ranges downloaded ahead of the import.
const RANGES_AHEAD: u32 = 8;
/// Block hashes remembered per peer (not announced to it again).
const KNOWN_BLOCKS: u32 = 1024;
/// Transaction hashes remembered per peer.
const KNOWN_TRANSACTIONS: u32 = 10_240;
/// Unknown blocks of GRANDPA votes remembered for fetching.
const MAX_VOTE_TARGETS: usize = 64;
/// Most transactions in one `transactions/1` message.
const MAX_TRANSACTIONS_PER_MESSAGE: usize = 512;

/// How a node with a fresh database catches up (`--sync`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncMode {
    /// Download and execute every block from genesis.
    #[default]
    Full,
    /// Download a GRANDPA warp proof and the finalized state it proves, then the blocks
    /// after it. A database that holds more than genesis syncs in full.
    Warp,
}

/// What the RPC server and the informant read about the network.
pub struct NetworkShared {
    network: NetworkService,
    peers: RwLock<HashMap<PeerId, (u8, BlockNumber, H256)>>,
    starting_block: BlockNumber,
    highest: AtomicU32,
    syncing: AtomicBool,
    should_have_peers: bool,
    slot_equivocations: Arc<parking_lot::Mutex<std::collections::VecDeque<SlotEquivocation>>>,
}

impl NetworkShared {
    /// Peers that finished the status exchange.
    pub fn peer_count(&self) -> usize {
        self.peers.read().len()
    }

    /// Whether the node is catching up (major sync).
    pub fn is_major_syncing(&self) -> bool {
        self.syncing.load(Ordering::Relaxed)
    }

    /// The highest block a peer has.
    pub fn highest_block(&self) -> BlockNumber {
        self.highest.load(Ordering::Relaxed)
    }

    /// Takes the authors seen sealing two blocks in one slot (both headers of each)
    /// since the last call, for a report.
    pub fn take_slot_equivocations(&self) -> Vec<SlotEquivocation> {
        self.slot_equivocations.lock().drain(..).collect()
    }
}

impl lattice_rpc::NetworkInfo for NetworkShared {
    fn peers(&self) -> Vec<lattice_rpc::PeerInfo> {
        let mut out: Vec<_> = self
            .peers
            .read()
            .iter()
            .map(|(peer, (roles, number, hash))| lattice_rpc::PeerInfo {
                peer_id: peer.to_base58(),
                roles: if roles & ROLE_AUTHORITY != 0 { "AUTHORITY" } else { "FULL" }.into(),
                best_hash: format!("{hash:?}"),
                best_number: *number,
            })
            .collect();
        out.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        out
    }

    fn local_peer_id(&self) -> String {
        self.network.local_peer_id().to_base58()
    }

    fn listen_addresses(&self) -> Vec<String> {
        let id = self.network.local_peer_id();
        self.network.listen_addresses().iter().map(|a| format!("{a}/p2p/{id}")).collect()
    }

    fn is_syncing(&self) -> bool {
        self.is_major_syncing()
    }

    fn should_have_peers(&self) -> bool {
        self.should_have_peers
    }

    fn sync_state(&self, best_number: u32) -> lattice_rpc::SyncState {
        lattice_rpc::SyncState {
            starting_block: self.starting_block,
            current_block: best_number,
            highest_block: self.highest_block().max(best_number),
        }
    }
}

struct Peer {
    roles: u8,
    best_number: BlockNumber,
    best_hash: H256,
    known_blocks: LruMap<H256, ()>,
    known_transactions: LruMap<H256, ()>,
    busy: bool,
    /// It answered a history request with nothing (it lacks the blocks too) or failed it.
    no_history: bool,
}

#[derive(Clone, Debug)]
enum Pending {
    /// Blocks `start..start + max` of the peer's best chain.
    Range { start: BlockNumber, max: u32 },
    /// `from` and its ancestors, newest first.
    Ancestry { from: H256, max: u32 },
    /// A request of the warp sync.
    Warp(warp::WarpRequest),
    /// History below a warp-sync target: `from` and its ancestors, newest first.
    History { from: H256, max: u32 },
}

type RequestDone = (PeerId, Pending, Result<Vec<u8>, RequestError>);

struct ImportJob {
    blocks: Vec<(PeerId, BlockData)>,
    origin: BlockOrigin,
}

enum ImportResult {
    Done,
    /// The parent of `hash` is unknown: the peer is on another fork below it.
    UnknownParent {
        peer: PeerId,
        parent: H256,
    },
    /// The peer sent a block that fails verification or import.
    Bad {
        peer: PeerId,
        reason: String,
    },
}

/// What the imports run beside the import worker's jobs report.
enum SideImport {
    /// The warp-sync target was stored (its number), or not.
    Warp(warp::WarpImported),
    /// History blocks from `peer` were stored, or refused.
    History { peer: PeerId, result: Result<(), String> },
}

/// What the node brings to the network.
pub struct BridgeParams {
    /// The chain.
    pub client: Arc<Client>,
    /// The transaction pool.
    pub pool: Arc<Pool<FullChainApi>>,
    /// This node's role bits.
    pub roles: u8,
    /// The slot duration (for the seal's future-slot check).
    pub slot_ms: u64,
    /// Whether the node expects peers (false for a lone `--dev` node).
    pub should_have_peers: bool,
    /// How to catch up from a fresh database.
    pub sync: SyncMode,
}

/// A running network and its bridge.
pub struct StartedNetwork {
    /// The network's handle.
    pub service: NetworkService,
    /// What the RPC server and the informant read.
    pub shared: Arc<NetworkShared>,
    /// The network's and the bridge's tasks (abort them to stop).
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Receives GRANDPA's messages and peer changes from the bridge.
pub trait GrandpaSink: Send + Sync + 'static {
    /// A peer finished the status exchange.
    fn peer_connected(&self, peer: &PeerId);
    /// A peer left.
    fn peer_disconnected(&self, peer: &PeerId);
    /// A message on `grandpa/1` (size already checked).
    fn message(&self, peer: &PeerId, bytes: &[u8]);
}

/// Starts the network of `params.client`'s chain (the configuration's genesis hash and
/// initial status are taken from the chain) and the bridge between it and the node.
/// `grandpa` makes the receiver of GRANDPA's messages from the network's handle (`None`
/// drops them).
pub async fn start(
    mut config: lattice_network::NetworkConfig,
    params: BridgeParams,
    grandpa: impl FnOnce(&NetworkService) -> Option<Arc<dyn GrandpaSink>>,
) -> Result<StartedNetwork, lattice_network::Error> {
    let info = params.client.info();
    config.genesis_hash = info.genesis_hash.0;
    config.status = status(&params.client, params.roles);
    let (service, events, network_task) = lattice_network::start(config).await?;
    let grandpa = grandpa(&service);
    let shared = Arc::new(NetworkShared {
        network: service.clone(),
        peers: RwLock::new(HashMap::new()),
        starting_block: info.best_number,
        highest: AtomicU32::new(info.best_number),
        syncing: AtomicBool::new(false),
        should_have_peers: params.should_have_peers,
        slot_equivocations: Default::default(),
    });
    let (import_tx, import_rx) = mpsc::unbounded_channel();
    let (result_tx, result_rx) = mpsc::unbounded_channel();
    let (side_tx, side_rx) = mpsc::unbounded_channel();
    {
        let client = params.client.clone();
        let slot_ms = params.slot_ms;
        let equivocations = shared.slot_equivocations.clone();
        tokio::task::spawn_blocking(move || {
            import_worker(client, slot_ms, import_rx, result_tx, equivocations)
        });
    }
    let warp = match params.sync {
        SyncMode::Warp if info.best_number > 0 => {
            tracing::info!(target: "sync", "the database holds blocks up to #{}: syncing in full, not warping", info.best_number);
            None
        }
        SyncMode::Warp => match warp::WarpSync::new(&params.client) {
            Ok(w) => {
                tracing::info!(target: "sync", "⏩ Warp sync starts from genesis");
                shared.syncing.store(true, Ordering::Relaxed);
                Some(w)
            }
            Err(e) => {
                tracing::warn!(target: "sync", "cannot warp sync ({e}): syncing in full");
                None
            }
        },
        SyncMode::Full => None,
    };
    let bridge = Bridge {
        client: params.client,
        pool: params.pool,
        network: service.clone(),
        shared: shared.clone(),
        roles: params.roles,
        grandpa,
        peers: HashMap::new(),
        downloaded: BTreeMap::new(),
        ancestry: None,
        in_flight: BTreeMap::new(),
        importing: false,
        vote_targets: Default::default(),
        queued_to: 0,
        import_tx,
        side_tx,
        requests: FuturesUnordered::new(),
        warp,
        history_busy: false,
        set_changes: Default::default(),
    };
    let bridge_task = tokio::spawn(bridge.run(events, result_rx, side_rx));
    Ok(StartedNetwork { service, shared, tasks: vec![network_task, bridge_task] })
}

struct Bridge {
    client: Arc<Client>,
    pool: Arc<Pool<FullChainApi>>,
    network: NetworkService,
    shared: Arc<NetworkShared>,
    roles: u8,
    grandpa: Option<Arc<dyn GrandpaSink>>,
    peers: HashMap<PeerId, Peer>,
    /// Downloaded ranges by first number: the sender and the blocks.
    downloaded: BTreeMap<BlockNumber, (PeerId, Vec<BlockData>)>,
    /// An ancestry walk under way: its peer and the fork's blocks found so far, oldest
    /// first (one walk at a time; a new one replaces it).
    ancestry: Option<(PeerId, Vec<BlockData>)>,
    /// Ranges being downloaded: first number → last number.
    in_flight: BTreeMap<BlockNumber, BlockNumber>,
    importing: bool,
    /// Blocks GRANDPA votes are for that this node lacks (another fork), with the peer
    /// that sent the vote: fetched with their ancestry so the voter can count them.
    vote_targets: std::collections::VecDeque<(PeerId, H256, BlockNumber)>,
    /// The highest block handed to the import worker (not requested again meanwhile).
    queued_to: BlockNumber,
    import_tx: mpsc::UnboundedSender<ImportJob>,
    /// Results of the warp-sync target's and history's imports.
    side_tx: mpsc::UnboundedSender<SideImport>,
    requests: FuturesUnordered<BoxFuture<'static, RequestDone>>,
    /// A warp sync under way (block sync waits for it).
    warp: Option<warp::WarpSync>,
    /// A history request or import is under way.
    history_busy: bool,
    /// Where the authority set changed, for answering warp proof requests.
    set_changes: Arc<parking_lot::Mutex<lattice_consensus::grandpa::warp::SetChanges>>,
}

impl Bridge {
    async fn run(
        mut self,
        mut events: mpsc::Receiver<Event>,
        mut results: mpsc::UnboundedReceiver<ImportResult>,
        mut side: mpsc::UnboundedReceiver<SideImport>,
    ) {
        let mut imports = self.client.import_notification_stream();
        let mut ready = self.pool.import_notification_stream();
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        self.update_status();
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Some(event) => self.on_event(event),
                    None => return,
                },
                n = imports.next() => match n {
                    Some(n) => self.on_import(n),
                    None => imports = self.client.import_notification_stream(),
                },
                hash = ready.next() => match hash {
                    Some(hash) => self.on_ready_transaction(hash, &mut ready),
                    None => ready = self.pool.import_notification_stream(),
                },
                Some(done) = self.requests.next(), if !self.requests.is_empty() => self.on_response(done),
                Some(result) = results.recv() => self.on_import_result(result),
                Some(result) = side.recv() => self.on_side_import(result),
                _ = tick.tick() => self.schedule(),
            }
        }
    }

    fn update_status(&self) {
        self.network.set_status(status(&self.client, self.roles));
    }

    fn update_sync_state(&self) {
        let best = self.client.info().best_number;
        let highest = self.peers.values().map(|p| p.best_number).max().unwrap_or(0).max(best);
        self.shared.highest.store(highest, Ordering::Relaxed);
        self.shared
            .syncing
            .store(self.warp.is_some() || highest > best + MAJOR_SYNC_DISTANCE, Ordering::Relaxed);
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Status { peer, bytes } => self.on_status(peer, &bytes),
            Event::Disconnected { peer } => {
                if self.peers.remove(&peer).is_some() {
                    self.shared.peers.write().remove(&peer);
                    if let Some(g) = &self.grandpa {
                        g.peer_disconnected(&peer);
                    }
                    self.downloaded.retain(|_, (p, _)| *p != peer);
                    if self.ancestry.as_ref().is_some_and(|(p, _)| *p == peer) {
                        self.ancestry = None;
                    }
                    self.update_sync_state();
                }
            }
            Event::Notification { peer, protocol, bytes } => match protocol {
                Protocol::BlockAnnounces => self.on_announce(peer, &bytes),
                Protocol::Transactions => self.on_transactions(peer, &bytes),
                Protocol::Grandpa => {
                    self.note_vote_target(peer, &bytes);
                    if let Some(g) = &self.grandpa {
                        g.message(&peer, &bytes);
                    }
                }
                _ => {}
            },
            Event::Request { peer, protocol, bytes, respond } => match protocol {
                Protocol::Sync => match decode_all::<BlockRequest>(&bytes) {
                    Ok(request) => {
                        let client = self.client.clone();
                        tokio::task::spawn_blocking(move || {
                            let _ = respond.send(answer_block_request(&client, &request).encode());
                        });
                    }
                    Err(e) => {
                        tracing::debug!(target: "sync", "undecodable block request from {peer}: {e}");
                        self.network.report(peer, Misbehaviour::Undecodable(Protocol::Sync));
                    }
                },
                Protocol::State => match decode_all::<StateRequest>(&bytes) {
                    Ok(request) => {
                        let client = self.client.clone();
                        tokio::task::spawn_blocking(move || {
                            // A state not kept here: dropping `respond` answers a failure.
                            if let Some(answer) =
                                warp::answer_state_request(&client, &request, STATE_RESPONSE_BYTES)
                            {
                                let _ = respond.send(answer.encode());
                            }
                        });
                    }
                    Err(e) => {
                        tracing::debug!(target: "sync", "undecodable state request from {peer}: {e}");
                        self.network.report(peer, Misbehaviour::Undecodable(Protocol::State));
                    }
                },
                Protocol::WarpSync => match decode_all::<WarpProofRequest>(&bytes) {
                    Ok(request) => {
                        let (client, changes) = (self.client.clone(), self.set_changes.clone());
                        tokio::task::spawn_blocking(move || {
                            let mut changes = changes.lock();
                            match lattice_consensus::grandpa::warp::warp_proof(
                                &client,
                                &mut changes,
                                request.begin,
                            ) {
                                Ok(proof) => {
                                    let _ = respond.send(proof.encode());
                                }
                                Err(e) => {
                                    tracing::debug!(target: "sync", "no warp proof for {peer}: {e}")
                                }
                            }
                        });
                    }
                    Err(e) => {
                        tracing::debug!(target: "sync", "undecodable warp proof request from {peer}: {e}");
                        self.network.report(peer, Misbehaviour::Undecodable(Protocol::WarpSync));
                    }
                },
                _ => drop(respond),
            },
        }
    }

    fn on_status(&mut self, peer: PeerId, bytes: &[u8]) {
        let status = match decode_all::<Status>(bytes) {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(target: "sync", "undecodable status from {peer}: {e}");
                self.network.report(peer, Misbehaviour::Undecodable(Protocol::Status));
                return;
            }
        };
        if status.genesis_hash != self.client.genesis_hash() {
            self.network.report(peer, Misbehaviour::Invalid(Protocol::Status));
            return;
        }
        let new = !self.peers.contains_key(&peer);
        let entry = self.peers.entry(peer).or_insert_with(|| Peer {
            roles: status.roles,
            best_number: 0,
            best_hash: H256::default(),
            known_blocks: LruMap::new(ByLength::new(KNOWN_BLOCKS)),
            known_transactions: LruMap::new(ByLength::new(KNOWN_TRANSACTIONS)),
            busy: false,
            no_history: false,
        });
        entry.roles = status.roles;
        entry.best_number = status.best_number;
        entry.best_hash = status.best_hash;
        entry.known_blocks.insert(status.best_hash, ());
        self.shared
            .peers
            .write()
            .insert(peer, (status.roles, status.best_number, status.best_hash));
        if new {
            tracing::debug!(target: "sync", "peer {peer} at #{} ({:?})", status.best_number, status.best_hash);
            if let Some(g) = &self.grandpa {
                g.peer_connected(&peer);
            }
            self.send_pool_to(peer);
        }
        self.update_sync_state();
        self.schedule();
    }

    fn on_announce(&mut self, peer: PeerId, bytes: &[u8]) {
        let announce = match decode_all::<BlockAnnounce>(bytes) {
            Ok(a) => a,
            Err(e) => {
                tracing::debug!(target: "sync", "undecodable announcement from {peer}: {e}");
                self.network.report(peer, Misbehaviour::Undecodable(Protocol::BlockAnnounces));
                return;
            }
        };
        let hash = announce.header.hash();
        let number = announce.header.number;
        let Some(p) = self.peers.get_mut(&peer) else { return };
        p.known_blocks.insert(hash, ());
        if announce.is_best {
            p.best_number = number;
            p.best_hash = hash;
            self.shared.peers.write().insert(peer, (p.roles, number, hash));
        }
        self.update_sync_state();
        if matches!(self.client.header(&hash), Ok(Some(_))) {
            return;
        }
        let info = self.client.info();
        if number <= info.finalized_number {
            return;
        }
        if number > info.best_number {
            // Range sync fetches it from the peer's best chain.
            self.schedule();
        } else if !self.peers.get(&peer).is_some_and(|p| p.busy) {
            // A fork at or below our best: fetch it with its unknown ancestors.
            let max = (number - info.finalized_number).min(MAX_BLOCKS_PER_REQUEST);
            self.send_request(peer, Pending::Ancestry { from: hash, max });
        }
    }

    fn on_transactions(&mut self, peer: PeerId, bytes: &[u8]) {
        let txs = match decode_all::<Transactions>(bytes) {
            Ok(t) if t.len() <= MAX_TRANSACTIONS_PER_MESSAGE => t,
            Ok(_) => {
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Transactions));
                return;
            }
            Err(e) => {
                tracing::debug!(target: "sync", "undecodable transactions from {peer}: {e}");
                self.network.report(peer, Misbehaviour::Undecodable(Protocol::Transactions));
                return;
            }
        };
        if self.shared.is_major_syncing() {
            return;
        }
        if let Some(p) = self.peers.get_mut(&peer) {
            for tx in &txs {
                p.known_transactions.insert(lattice_primitives::blake2_256(tx), ());
            }
        }
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let at = pool.best().hash;
            let results = pool.submit_many(at, TransactionSource::External, txs);
            let refused = results.iter().filter(|r| r.is_err()).count();
            if refused > 0 {
                tracing::trace!(target: "sync", "{refused} transactions from {peer} refused by the pool");
            }
        });
    }

    fn on_ready_transaction(
        &mut self,
        first: H256,
        ready: &mut lattice_txpool::ReadyNotifications,
    ) {
        let mut hashes = vec![first];
        while hashes.len() < MAX_TRANSACTIONS_PER_MESSAGE {
            match ready.try_recv() {
                Ok(h) => hashes.push(h),
                Err(_) => break,
            }
        }
        let txs: Vec<(H256, Vec<u8>)> = hashes
            .into_iter()
            .filter_map(|h| self.pool.transaction(&h))
            .filter(|t| t.propagate)
            .map(|t| (t.hash, t.data.clone()))
            .collect();
        self.propagate(&txs, None);
    }

    fn send_pool_to(&mut self, peer: PeerId) {
        let txs: Vec<(H256, Vec<u8>)> = self
            .pool
            .ready()
            .filter(|t| t.propagate)
            .take(MAX_TRANSACTIONS_PER_MESSAGE * 4)
            .map(|t| (t.hash, t.data.clone()))
            .collect();
        self.propagate(&txs, Some(peer));
    }

    fn propagate(&mut self, txs: &[(H256, Vec<u8>)], only: Option<PeerId>) {
        if txs.is_empty() {
            return;
        }
        for (peer, p) in self.peers.iter_mut() {
            if only.is_some_and(|o| o != *peer) {
                continue;
            }
            let mut fresh: Vec<Vec<u8>> = Vec::new();
            for (h, data) in txs {
                if p.known_transactions.get(h).is_none() {
                    p.known_transactions.insert(*h, ());
                    fresh.push(data.clone());
                }
            }
            for chunk in fresh.chunks(MAX_TRANSACTIONS_PER_MESSAGE) {
                self.network.notify(*peer, Protocol::Transactions, chunk.to_vec().encode());
            }
        }
    }

    fn on_import(&mut self, n: lattice_chain::BlockImportNotification) {
        if n.is_new_best {
            self.update_status();
            self.update_sync_state();
        }
        // Own blocks are announced; blocks from peers are passed on as they become the
        // best block (a peer that has not seen them gets them), except in a major sync.
        let announce = n.origin == BlockOrigin::Own
            || (n.is_new_best && !self.shared.is_major_syncing() && n.origin != BlockOrigin::File);
        if !announce {
            return;
        }
        let message = BlockAnnounce { header: n.header.clone(), is_best: n.is_new_best }.encode();
        for (peer, p) in self.peers.iter_mut() {
            if p.known_blocks.get(&n.hash).is_none() {
                p.known_blocks.insert(n.hash, ());
                self.network.notify(*peer, Protocol::BlockAnnounces, message.clone());
            }
        }
    }

    /// Notes the block of a GRANDPA vote when this node lacks it. The gossip layer checks
    /// the vote; a forged one costs at most a bounded, useless request to its sender.
    fn note_vote_target(&mut self, peer: PeerId, bytes: &[u8]) {
        use lattice_consensus::grandpa::gossip::GossipMessage;
        if self.warp.is_some() {
            // Votes far above genesis: the warp sync brings their chain.
            return;
        }
        let Ok(GossipMessage::Vote { message, .. }) = GossipMessage::decode_bounded(bytes) else {
            return;
        };
        let (hash, number) = match &message.message {
            finality_grandpa::Message::Prevote(v) => (v.target_hash, v.target_number),
            finality_grandpa::Message::Precommit(v) => (v.target_hash, v.target_number),
            finality_grandpa::Message::PrimaryPropose(v) => (v.target_hash, v.target_number),
        };
        if number <= self.client.info().finalized_number
            || matches!(self.client.header(&hash), Ok(Some(_)))
            || self.vote_targets.iter().any(|(_, h, _)| *h == hash)
        {
            return;
        }
        self.vote_targets.push_back((peer, hash, number));
        if self.vote_targets.len() > MAX_VOTE_TARGETS {
            self.vote_targets.pop_front();
        }
        self.fetch_vote_targets();
    }

    /// Asks the senders of votes for blocks this node lacks for those blocks and their
    /// unknown ancestors.
    fn fetch_vote_targets(&mut self) {
        let finalized = self.client.info().finalized_number;
        let client = self.client.clone();
        self.vote_targets
            .retain(|(_, h, n)| *n > finalized && !matches!(client.header(h), Ok(Some(_))));
        let mut kept = std::collections::VecDeque::new();
        while let Some((peer, hash, number)) = self.vote_targets.pop_front() {
            match self.peers.get(&peer) {
                Some(p) if !p.busy => {
                    let max = (number - finalized).min(MAX_BLOCKS_PER_REQUEST);
                    self.send_request(peer, Pending::Ancestry { from: hash, max });
                }
                Some(_) => kept.push_back((peer, hash, number)),
                None => {}
            }
        }
        self.vote_targets = kept;
    }

    /// Asks idle peers for the next ranges above the best block (during a warp sync,
    /// for what it needs next).
    fn schedule(&mut self) {
        if self.warp.is_some() {
            self.schedule_warp();
            return;
        }
        self.fetch_vote_targets();
        let info = self.client.info();
        let next = info.best_number.max(self.queued_to) + 1;
        // Forget what is below the best block.
        self.downloaded.retain(|start, (_, blocks)| *start + blocks.len() as u32 > next);
        let mut idle: Vec<(PeerId, BlockNumber)> = self
            .peers
            .iter()
            .filter(|(_, p)| !p.busy && p.best_number >= next)
            .map(|(id, p)| (*id, p.best_number))
            .collect();
        idle.sort_by_key(|(_, best)| std::cmp::Reverse(*best));
        for (peer, best) in idle {
            let Some((start, max)) = self.free_range(next, best) else { continue };
            self.in_flight.insert(start, start + max - 1);
            self.send_request(peer, Pending::Range { start, max });
        }
        self.schedule_history();
        self.drain();
    }

    /// After a warp sync, downloads the blocks below the target from an idle peer, one
    /// request at a time, newest first (stored without execution, linked by hash).
    fn schedule_history(&mut self) {
        if self.history_busy {
            return;
        }
        let Some((first, last)) = self.client.block_gap() else { return };
        let Some(peer) = self
            .peers
            .iter()
            .filter(|(_, p)| !p.busy && !p.no_history && p.best_number > last)
            .map(|(id, _)| *id)
            .min()
        else {
            return;
        };
        let from = match self.client.hash(last + 1) {
            Ok(Some(above)) => match self.client.header(&above) {
                Ok(Some(header)) => header.parent_hash,
                _ => return,
            },
            _ => return,
        };
        let max = (last - first + 1).min(MAX_BLOCKS_PER_REQUEST);
        self.history_busy = true;
        self.send_request(peer, Pending::History { from, max });
    }

    /// The first stretch of blocks from `next` up to `until` that is neither downloaded
    /// nor being downloaded, within the [`RANGES_AHEAD`] ranges of the fixed grid
    /// (`k * 128 + 1 ..= (k + 1) * 128`) from the one holding `next`. Requests never
    /// cross a grid line, so a moving best block does not split them into slivers.
    fn free_range(&self, next: BlockNumber, until: BlockNumber) -> Option<(BlockNumber, u32)> {
        let mut covered: Vec<(BlockNumber, BlockNumber)> = self
            .downloaded
            .iter()
            .map(|(s, (_, b))| (*s, *s + b.len() as u32 - 1))
            .chain(self.in_flight.iter().map(|(s, e)| (*s, *e)))
            .collect();
        covered.sort();
        let first = (next - 1) / MAX_BLOCKS_PER_REQUEST;
        for k in first..first + RANGES_AHEAD {
            let grid_start = k * MAX_BLOCKS_PER_REQUEST + 1;
            let grid_end = grid_start + MAX_BLOCKS_PER_REQUEST - 1;
            let mut start = grid_start.max(next);
            let end = grid_end.min(until);
            for (s, e) in &covered {
                if *s <= start && *e >= start {
                    start = e + 1;
                }
            }
            if start > end {
                continue;
            }
            let stop = covered
                .iter()
                .filter(|(s, _)| *s > start)
                .map(|(s, _)| s - 1)
                .min()
                .unwrap_or(end)
                .min(end);
            return Some((start, stop - start + 1));
        }
        None
    }

    fn schedule_warp(&mut self) {
        let Some(warp) = self.warp.as_mut() else { return };
        let mut idle: Vec<(PeerId, BlockNumber)> = self
            .peers
            .iter()
            .filter(|(_, p)| !p.busy && p.best_number > 0)
            .map(|(id, p)| (*id, p.best_number))
            .collect();
        idle.sort_by_key(|(id, best)| (std::cmp::Reverse(*best), *id));
        let idle: Vec<PeerId> = idle.into_iter().map(|(id, _)| id).collect();
        let Some((peer, protocol, bytes, request)) = warp.next_request(&idle) else { return };
        if let Some(p) = self.peers.get_mut(&peer) {
            p.busy = true;
        }
        tracing::trace!(target: "sync", "warp sync: asking {peer} for {request:?}");
        let fut = self.network.request(peer, protocol, bytes);
        let pending = Pending::Warp(request);
        self.requests.push(async move { (peer, pending, fut.await) }.boxed());
    }

    fn on_history_response(
        &mut self,
        peer: PeerId,
        pending: &Pending,
        result: Result<Vec<u8>, RequestError>,
    ) {
        let response = result
            .map_err(|e| (false, e.to_string()))
            .and_then(|bytes| decode_all::<BlockResponse>(&bytes).map_err(|e| (true, e)))
            .and_then(|r| check_response(pending, &r).map(|()| r).map_err(|e| (true, e)));
        let blocks = match response {
            Ok(r) if !r.blocks.is_empty() => r.blocks,
            Err((true, reason)) => {
                tracing::debug!(target: "sync", "bad history response from {peer}: {reason}");
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Sync));
                self.history_busy = false;
                return;
            }
            // No answer, or nothing: the peer lacks the history too (it warp-synced).
            failed_or_empty => {
                if let Err((_, reason)) = failed_or_empty {
                    tracing::debug!(target: "sync", "history request to {peer} failed: {reason}");
                }
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.no_history = true;
                }
                self.history_busy = false;
                return;
            }
        };
        let blocks: Vec<Block> = blocks
            .into_iter()
            .filter_map(|b| Some(Block { header: b.header?, extrinsics: b.body? }))
            .collect();
        let (client, results) = (self.client.clone(), self.side_tx.clone());
        tokio::task::spawn_blocking(move || {
            let result = client.import_history(blocks).map_err(|e| e.to_string());
            let _ = results.send(SideImport::History { peer, result });
        });
    }

    fn on_warp_response(
        &mut self,
        peer: PeerId,
        request: warp::WarpRequest,
        result: Result<Vec<u8>, RequestError>,
    ) {
        let Some(warp) = self.warp.as_mut() else { return };
        let bytes = match result {
            Ok(b) => b,
            Err(e) => {
                tracing::debug!(target: "sync", "warp sync: {request:?} request to {peer} failed: {e}");
                warp.on_failure(peer);
                return;
            }
        };
        let protocol = match request {
            warp::WarpRequest::Proof => Protocol::WarpSync,
            warp::WarpRequest::State => Protocol::State,
            warp::WarpRequest::Block => Protocol::Sync,
        };
        match warp.on_response(peer, request, &bytes) {
            warp::Outcome::Continue => {}
            warp::Outcome::Bad { undecodable, reason } => {
                tracing::warn!(target: "sync", "💔 warp sync: bad {request:?} answer from {peer}: {reason}");
                warp.on_failure(peer);
                let misbehaviour = if undecodable {
                    Misbehaviour::Undecodable(protocol)
                } else {
                    Misbehaviour::Invalid(protocol)
                };
                self.network.report(peer, misbehaviour);
            }
            warp::Outcome::Import(target) => {
                let (client, results) = (self.client.clone(), self.side_tx.clone());
                tokio::task::spawn_blocking(move || {
                    let warp::Target { block, justification, entries, aux } = *target;
                    let number = block.header.number;
                    let outcome = client
                        .import_warp_target(block, Some(justification), entries, aux)
                        .map(|_| number)
                        .map_err(|e| e.to_string());
                    let _ = results.send(SideImport::Warp(outcome));
                });
            }
        }
    }

    fn send_request(&mut self, peer: PeerId, pending: Pending) {
        let Some(p) = self.peers.get_mut(&peer) else { return };
        p.busy = true;
        let request = match &pending {
            Pending::Range { start, max } => BlockRequest {
                fields: FIELD_HEADER | FIELD_BODY | FIELD_JUSTIFICATION,
                from: FromBlock::Number(*start),
                direction: Direction::Ascending,
                max: *max,
            },
            Pending::Ancestry { from, max } => BlockRequest {
                fields: FIELD_HEADER | FIELD_BODY | FIELD_JUSTIFICATION,
                from: FromBlock::Hash(*from),
                direction: Direction::Descending,
                max: *max,
            },
            Pending::History { from, max } => BlockRequest {
                fields: FIELD_HEADER | FIELD_BODY,
                from: FromBlock::Hash(*from),
                direction: Direction::Descending,
                max: *max,
            },
            Pending::Warp(_) => return,
        };
        tracing::trace!(target: "sync", "requesting {pending:?} from {peer}");
        let fut = self.network.request(peer, Protocol::Sync, request.encode());
        self.requests.push(async move { (peer, pending, fut.await) }.boxed());
    }

    fn on_response(&mut self, (peer, pending, result): RequestDone) {
        if let Some(p) = self.peers.get_mut(&peer) {
            p.busy = false;
        }
        if let Pending::Range { start, .. } = &pending {
            self.in_flight.remove(start);
        }
        if let Pending::Warp(request) = pending {
            self.on_warp_response(peer, request, result);
            self.schedule();
            return;
        }
        if let Pending::History { .. } = pending {
            self.on_history_response(peer, &pending, result);
            self.schedule();
            return;
        }
        let bytes = match result {
            Ok(b) => b,
            Err(e) => {
                tracing::debug!(target: "sync", "block request to {peer} failed: {e}");
                self.distrust_best(peer, &pending);
                self.schedule();
                return;
            }
        };
        let response = match decode_all::<BlockResponse>(&bytes) {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(target: "sync", "undecodable block response from {peer}: {e}");
                self.network.report(peer, Misbehaviour::Undecodable(Protocol::Sync));
                return;
            }
        };
        match check_response(&pending, &response) {
            Err(reason) => {
                tracing::debug!(target: "sync", "bad block response from {peer}: {reason}");
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Sync));
            }
            Ok(()) if response.blocks.is_empty() => {
                self.network.report(peer, Misbehaviour::Useless(Protocol::Sync));
                self.distrust_best(peer, &pending);
            }
            Ok(()) => match pending {
                Pending::Range { start, .. } => {
                    if let Some(p) = self.peers.get_mut(&peer) {
                        for b in &response.blocks {
                            p.known_blocks.insert(b.hash, ());
                        }
                    }
                    self.downloaded.insert(start, (peer, response.blocks));
                }
                Pending::Ancestry { .. } => self.on_ancestry(peer, response.blocks),
                Pending::Warp(_) | Pending::History { .. } => {}
            },
        }
        self.schedule();
    }

    /// A peer failed to give a range up to the best block it claimed (a re-org, a slow
    /// link, or a lie): it is not asked for those numbers again until it announces more,
    /// and its claim no longer counts towards the sync target.
    fn distrust_best(&mut self, peer: PeerId, pending: &Pending) {
        if let (Pending::Range { start, .. }, Some(p)) = (pending, self.peers.get_mut(&peer)) {
            p.best_number = p.best_number.min(start.saturating_sub(1));
            self.shared.peers.write().insert(peer, (p.roles, p.best_number, p.best_hash));
        }
        self.update_sync_state();
    }

    /// Imports the unknown part of a descending chain, or asks for more of it.
    fn on_ancestry(&mut self, peer: PeerId, blocks: Vec<BlockData>) {
        let finalized = self.client.info().finalized_number;
        let mut unknown = Vec::new();
        for b in blocks {
            if matches!(self.client.header(&b.hash), Ok(Some(_))) {
                break;
            }
            unknown.push(b);
        }
        let Some(oldest) = unknown.last() else { return };
        let oldest = oldest.header.as_ref().expect("checked");
        let (number, parent) = (oldest.number, oldest.parent_hash);
        let parent_known = matches!(self.client.header(&parent), Ok(Some(_)));
        // What an earlier answer of this walk brought: the newer part of the fork.
        let newer = match self.ancestry.take() {
            Some((p, chain)) if p == peer => chain,
            _ => Vec::new(),
        };
        unknown.reverse();
        unknown.extend(newer);
        if !parent_known {
            if number <= finalized + 1 {
                tracing::debug!(target: "sync", "peer {peer} is on a fork below the finalized block");
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Sync));
                return;
            }
            // Keep the fork so far and walk on from its oldest block's parent; the walk
            // ends at the finalized block, so the kept part stays bounded.
            let max = (number - 1 - finalized).min(MAX_BLOCKS_PER_REQUEST);
            self.downloaded.retain(|_, (p, _)| *p != peer);
            self.ancestry = Some((peer, unknown));
            self.send_request(peer, Pending::Ancestry { from: parent, max });
            return;
        }
        let origin = BlockOrigin::NetworkBroadcast;
        let _ = self
            .import_tx
            .send(ImportJob { blocks: unknown.into_iter().map(|b| (peer, b)).collect(), origin });
        self.importing = true;
    }

    /// Hands the downloaded blocks that follow the best block to the import worker.
    fn drain(&mut self) {
        if self.importing {
            return;
        }
        let info = self.client.info();
        let mut next = info.best_number + 1;
        let mut job = Vec::new();
        while let Some((&start, _)) = self.downloaded.range(1..=next).next_back() {
            let (peer, blocks) = self.downloaded.remove(&start).expect("present");
            let end = start + blocks.len() as u32;
            if end <= next {
                continue;
            }
            for b in blocks.into_iter().skip((next - start) as usize) {
                job.push((peer, b));
            }
            next = end;
            if job.len() >= 4 * MAX_BLOCKS_PER_REQUEST as usize {
                break;
            }
        }
        if job.is_empty() {
            return;
        }
        let origin = if self.shared.is_major_syncing() {
            BlockOrigin::NetworkInitialSync
        } else {
            BlockOrigin::NetworkBroadcast
        };
        self.importing = true;
        self.queued_to = next - 1;
        let _ = self.import_tx.send(ImportJob { blocks: job, origin });
    }

    fn on_import_result(&mut self, result: ImportResult) {
        self.importing = false;
        if !matches!(result, ImportResult::Done) {
            self.queued_to = 0;
        }
        match result {
            ImportResult::Done => {}
            ImportResult::UnknownParent { peer, parent } => {
                // The peer's chain left ours below the best block: find where.
                self.downloaded.retain(|_, (p, _)| *p != peer);
                let finalized = self.client.info().finalized_number;
                let best = self.client.info().best_number;
                let max = (best.saturating_sub(finalized)).clamp(1, MAX_BLOCKS_PER_REQUEST);
                if self.peers.get(&peer).is_some_and(|p| !p.busy) {
                    self.send_request(peer, Pending::Ancestry { from: parent, max });
                }
            }
            ImportResult::Bad { peer, reason } => {
                tracing::warn!(target: "sync", "💔 peer {peer} sent a bad block: {reason}");
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Sync));
                self.downloaded.retain(|_, (p, _)| *p != peer);
            }
        }
        self.update_sync_state();
        self.schedule();
    }

    fn on_side_import(&mut self, result: SideImport) {
        match result {
            SideImport::Warp(Ok(number)) => {
                if let Some(warp) = self.warp.take() {
                    tracing::info!(
                        target: "sync",
                        "✨ Warp sync done: #{number} is the best and finalized block after {:.1} s; block sync goes on from it",
                        warp.started().elapsed().as_secs_f64()
                    );
                }
                self.update_status();
            }
            SideImport::History { peer, result: Ok(()) } => {
                self.history_busy = false;
                match self.client.block_gap() {
                    Some((_, last)) => {
                        tracing::debug!(target: "sync", "history from {peer}: down to #{}", last + 1)
                    }
                    None => {
                        tracing::info!(target: "sync", "✨ History below the warp-sync target complete")
                    }
                }
            }
            SideImport::History { peer, result: Err(e) } => {
                self.history_busy = false;
                tracing::warn!(target: "sync", "💔 peer {peer} sent bad history: {e}");
                self.network.report(peer, Misbehaviour::Invalid(Protocol::Sync));
            }
            SideImport::Warp(Err(e)) => {
                tracing::warn!(target: "sync", "warp sync: storing the target failed ({e}); starting over");
                if let Some(warp) = self.warp.as_mut() {
                    warp.restart();
                }
            }
        }
        self.update_sync_state();
        self.schedule();
    }
}

/// This node's status, as sent to peers.
fn status(client: &Client, roles: u8) -> Vec<u8> {
    let info = client.info();
    Status {
        roles,
        best_number: info.best_number,
        best_hash: info.best_hash,
        genesis_hash: info.genesis_hash,
    }
    .encode()
}

/// Checks a response against its request: complete blocks, hashes that match their
/// headers, the requested start, and a chain (consecutive numbers, each the parent or
/// child of the one before).
fn check_response(pending: &Pending, response: &BlockResponse) -> Result<(), String> {
    let max = match pending {
        Pending::Range { max, .. }
        | Pending::Ancestry { max, .. }
        | Pending::History { max, .. } => *max,
        Pending::Warp(_) => 1,
    };
    if response.blocks.len() > max as usize {
        return Err(format!("{} blocks for a request of {max}", response.blocks.len()));
    }
    let mut previous: Option<(H256, BlockNumber, H256)> = None;
    for (i, b) in response.blocks.iter().enumerate() {
        let header = b.header.as_ref().ok_or("a block without its header")?;
        if b.body.is_none() {
            return Err("a block without its body".into());
        }
        if header.hash() != b.hash {
            return Err(format!("block {i}: the hash does not match the header"));
        }
        match (pending, previous) {
            (Pending::Range { start, .. }, None) if header.number != *start => {
                return Err(format!("starts at #{} instead of #{start}", header.number));
            }
            (Pending::Ancestry { from, .. } | Pending::History { from, .. }, None)
                if b.hash != *from =>
            {
                return Err("starts at another block".into());
            }
            (Pending::Range { .. }, Some((prev_hash, prev_number, _)))
                if header.parent_hash != prev_hash
                    || Some(header.number) != prev_number.checked_add(1) =>
            {
                return Err(format!("block {i} does not extend the one before"));
            }
            (
                Pending::Ancestry { .. } | Pending::History { .. },
                Some((_, prev_number, prev_parent)),
            ) if b.hash != prev_parent || header.number.checked_add(1) != Some(prev_number) => {
                return Err(format!("block {i} is not the parent of the one before"));
            }
            _ => {}
        }
        previous = Some((b.hash, header.number, header.parent_hash));
    }
    Ok(())
}

/// Answers a peer's block request from the database.
fn answer_block_request(client: &Client, request: &BlockRequest) -> BlockResponse {
    let mut response = BlockResponse::default();
    let max = request.max.min(MAX_BLOCKS_PER_REQUEST);
    let mut at = match request.from {
        FromBlock::Hash(h) => Some(h),
        FromBlock::Number(n) => client.hash(n).ok().flatten(),
    };
    let mut bytes = 0usize;
    while let Some(hash) = at {
        if response.blocks.len() as u32 >= max || bytes > RESPONSE_BYTES {
            break;
        }
        let Ok(Some(header)) = client.header(&hash) else { break };
        let body = if request.fields & FIELD_BODY != 0 {
            match client.body(&hash) {
                Ok(Some(body)) => Some(body),
                _ => break,
            }
        } else {
            None
        };
        let justifications = if request.fields & FIELD_JUSTIFICATION != 0 {
            client.justifications(&hash).ok().flatten()
        } else {
            None
        };
        at = match request.direction {
            Direction::Ascending => client.hash(header.number + 1).ok().flatten(),
            Direction::Descending if header.number > 0 => Some(header.parent_hash),
            Direction::Descending => None,
        };
        let data = BlockData {
            hash,
            header: (request.fields & FIELD_HEADER != 0).then_some(header),
            body,
            justifications,
        };
        bytes += data.encoded_size();
        response.blocks.push(data);
    }
    response
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Imports jobs in order, one at a time: seal, justification, execution.
fn import_worker(
    client: Arc<Client>,
    slot_ms: u64,
    mut jobs: mpsc::UnboundedReceiver<ImportJob>,
    results: mpsc::UnboundedSender<ImportResult>,
    equivocations: Arc<parking_lot::Mutex<std::collections::VecDeque<SlotEquivocation>>>,
) {
    let mut watch = SlotWatch::new(equivocations);
    while let Some(job) = jobs.blocking_recv() {
        let result = import_job(&client, slot_ms, &mut watch, job);
        if results.send(result).is_err() {
            return;
        }
    }
}

fn import_job(
    client: &Client,
    slot_ms: u64,
    watch: &mut SlotWatch,
    job: ImportJob,
) -> ImportResult {
    for (peer, data) in job.blocks {
        let (Some(header), Some(body)) = (data.header, data.body) else {
            return ImportResult::Bad { peer, reason: "incomplete block".into() };
        };
        let now_slot = aura::slot_at(now_ms(), slot_ms);
        let block = Block { header, extrinsics: body };
        match import_peer_block(client, watch, block, data.justifications, now_slot, job.origin) {
            Ok(()) => {}
            Err(PeerBlockError::UnknownParent(parent)) => {
                return ImportResult::UnknownParent { peer, parent }
            }
            Err(PeerBlockError::Bad(reason)) => return ImportResult::Bad { peer, reason },
        }
    }
    ImportResult::Done
}

#[cfg(test)]
mod tests;
