//! The network worker (a libp2p swarm in its own task) and the handle the node uses.

use crate::config::{split_peer_addr, NetworkConfig};
use crate::peers::{Misbehaviour, PeerSet};
use crate::protocol::{FrameCodec, Protocol, OVERSIZED};
use crate::{Error, Result};
use futures::channel::oneshot;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use libp2p::core::ConnectedPoint;
use libp2p::kad::{self, store::MemoryStore};
use libp2p::request_response::{self, OutboundRequestId, ProtocolSupport, ResponseChannel};
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{identify, mdns, noise, ping, tcp, yamux, Multiaddr, PeerId, StreamProtocol, Swarm};
use parking_lot::RwLock;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

type Rr = request_response::Behaviour<FrameCodec>;

#[derive(NetworkBehaviour)]
struct Behaviour {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    kad: kad::Behaviour<MemoryStore>,
    mdns: Toggle<mdns::tokio::Behaviour>,
    status: Rr,
    announces: Rr,
    transactions: Rr,
    grandpa: Rr,
    sync: Rr,
    state: Rr,
    warp: Rr,
}

impl Behaviour {
    fn rr(&mut self, protocol: Protocol) -> &mut Rr {
        match protocol {
            Protocol::Status => &mut self.status,
            Protocol::BlockAnnounces => &mut self.announces,
            Protocol::Transactions => &mut self.transactions,
            Protocol::Grandpa => &mut self.grandpa,
            Protocol::Sync => &mut self.sync,
            Protocol::State => &mut self.state,
            Protocol::WarpSync => &mut self.warp,
        }
    }
}

/// What the network tells the node.
#[derive(Debug)]
pub enum Event {
    /// A peer of this chain sent its status (on connection, and again whenever it asks
    /// for ours). Until then it gets no notifications.
    Status {
        /// The peer.
        peer: PeerId,
        /// Its status, undecoded.
        bytes: Vec<u8>,
    },
    /// A peer disconnected.
    Disconnected {
        /// The peer.
        peer: PeerId,
    },
    /// A notification from a peer.
    Notification {
        /// The peer.
        peer: PeerId,
        /// Which protocol.
        protocol: Protocol,
        /// The message, undecoded (size already checked).
        bytes: Vec<u8>,
    },
    /// A request from a peer; drop `respond` to refuse it.
    Request {
        /// The peer.
        peer: PeerId,
        /// Which protocol.
        protocol: Protocol,
        /// The request, undecoded (size already checked).
        bytes: Vec<u8>,
        /// Where the answer goes.
        respond: oneshot::Sender<Vec<u8>>,
    },
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The peer is not connected.
    #[error("not connected")]
    NotConnected,
    /// The request failed on the way.
    #[error("{0}")]
    Failed(String),
    /// The network stopped.
    #[error("the network stopped")]
    Stopped,
}

/// A connected peer.
#[derive(Clone, Debug)]
pub struct PeerInfo {
    /// Its id.
    pub peer_id: PeerId,
    /// The address of the first connection.
    pub address: Multiaddr,
    /// Whether it dialed us.
    pub inbound: bool,
    /// Whether it sent its status (it speaks this chain's protocols).
    pub ready: bool,
    /// Its reputation.
    pub reputation: i32,
}

enum Command {
    Notify {
        peer: PeerId,
        protocol: Protocol,
        bytes: Vec<u8>,
    },
    Broadcast {
        protocol: Protocol,
        bytes: Vec<u8>,
    },
    Request {
        peer: PeerId,
        protocol: Protocol,
        bytes: Vec<u8>,
        tx: oneshot::Sender<std::result::Result<Vec<u8>, RequestError>>,
    },
    Report {
        peer: PeerId,
        misbehaviour: Misbehaviour,
    },
    Dial {
        addr: Multiaddr,
    },
}

struct Shared {
    local_peer_id: PeerId,
    status: RwLock<Vec<u8>>,
    listen_addresses: RwLock<Vec<Multiaddr>>,
    peers: RwLock<HashMap<PeerId, PeerInfo>>,
}

/// The node's handle on the network; cheap to clone.
#[derive(Clone)]
pub struct NetworkService {
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
}

impl NetworkService {
    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.shared.local_peer_id
    }

    /// The addresses the node listens on (known once the sockets are bound).
    pub fn listen_addresses(&self) -> Vec<Multiaddr> {
        self.shared.listen_addresses.read().clone()
    }

    /// The connected peers.
    pub fn peers(&self) -> Vec<PeerInfo> {
        self.shared.peers.read().values().cloned().collect()
    }

    /// How many peers sent their status.
    pub fn ready_peers(&self) -> usize {
        self.shared.peers.read().values().filter(|p| p.ready).count()
    }

    /// Sets the status sent to peers (encoded by the node).
    pub fn set_status(&self, bytes: Vec<u8>) {
        *self.shared.status.write() = bytes;
    }

    /// Sends a notification to one peer.
    pub fn notify(&self, peer: PeerId, protocol: Protocol, bytes: Vec<u8>) {
        let _ = self.commands.send(Command::Notify { peer, protocol, bytes });
    }

    /// Sends a notification to every peer that sent its status.
    pub fn broadcast(&self, protocol: Protocol, bytes: Vec<u8>) {
        let _ = self.commands.send(Command::Broadcast { protocol, bytes });
    }

    /// Sends a request and waits for the answer.
    pub fn request(
        &self,
        peer: PeerId,
        protocol: Protocol,
        bytes: Vec<u8>,
    ) -> BoxFuture<'static, std::result::Result<Vec<u8>, RequestError>> {
        if bytes.len() > protocol.max_request() {
            let len = bytes.len();
            return futures::future::ready(Err(RequestError::Failed(format!(
                "a request of {len} bytes is over the {} limit of {}",
                protocol.suffix(),
                protocol.max_request()
            ))))
            .boxed();
        }
        let (tx, rx) = oneshot::channel();
        let sent = self.commands.send(Command::Request { peer, protocol, bytes, tx }).is_ok();
        async move {
            if !sent {
                return Err(RequestError::Stopped);
            }
            rx.await.unwrap_or(Err(RequestError::Stopped))
        }
        .boxed()
    }

    /// Tells the network a peer misbehaved: it loses reputation, and is disconnected and
    /// banned when the misbehaviour is fatal or its reputation runs out.
    pub fn report(&self, peer: PeerId, misbehaviour: Misbehaviour) {
        let _ = self.commands.send(Command::Report { peer, misbehaviour });
    }

    /// Dials an address (it must end in `/p2p/<peer id>`).
    pub fn dial(&self, addr: Multiaddr) {
        let _ = self.commands.send(Command::Dial { addr });
    }
}

/// Starts the network: binds the listening sockets and spawns the worker on the current
/// tokio runtime. Returns the handle, the event stream and the worker's task (abort it
/// to stop the network).
pub async fn start(
    config: NetworkConfig,
) -> Result<(NetworkService, mpsc::Receiver<Event>, tokio::task::JoinHandle<()>)> {
    let keypair = config.node_key.keypair()?;
    let local_peer_id = keypair.public().to_peer_id();
    let genesis = config.genesis_hash;
    let request_timeout = config.request_timeout;
    let mdns_enabled = config.mdns;
    let swarm_err = |e: String| Error::Transport(e);
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|e| swarm_err(e.to_string()))?
        .with_behaviour(|key| {
            let peer_id = key.public().to_peer_id();
            let kad_protocol =
                StreamProtocol::try_from_owned(format!("/{}/kad", crate::protocol::hex(&genesis)))
                    .expect("starts with a slash");
            let mut kad = kad::Behaviour::with_config(
                peer_id,
                MemoryStore::new(peer_id),
                kad::Config::new(kad_protocol),
            );
            kad.set_mode(Some(kad::Mode::Server));
            let mdns = if mdns_enabled {
                match mdns::tokio::Behaviour::new(mdns::Config::default(), peer_id) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        tracing::warn!(target: "network", "mDNS is off: {e}");
                        None
                    }
                }
            } else {
                None
            };
            let rr = |protocol: Protocol| {
                Rr::with_codec(
                    FrameCodec::new(protocol),
                    [(protocol.name(&genesis), ProtocolSupport::Full)],
                    request_response::Config::default()
                        .with_request_timeout(request_timeout)
                        .with_max_concurrent_streams(256),
                )
            };
            Ok(Behaviour {
                identify: identify::Behaviour::new(
                    identify::Config::new("/lattice/1".into(), key.public())
                        .with_agent_version(config.agent_version.clone()),
                ),
                ping: ping::Behaviour::new(ping::Config::new()),
                kad,
                mdns: Toggle::from(mdns),
                status: rr(Protocol::Status),
                announces: rr(Protocol::BlockAnnounces),
                transactions: rr(Protocol::Transactions),
                grandpa: rr(Protocol::Grandpa),
                sync: rr(Protocol::Sync),
                state: rr(Protocol::State),
                warp: rr(Protocol::WarpSync),
            })
        })
        .map_err(|e| swarm_err(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();

    for addr in &config.listen_addresses {
        swarm
            .listen_on(addr.clone())
            .map_err(|e| Error::Listen { addr: addr.to_string(), reason: e.to_string() })?;
    }
    // Wait for the sockets: a taken port is an error at start, not a log line later.
    let mut bound = Vec::new();
    while bound.len() < config.listen_addresses.len() {
        match tokio::time::timeout(Duration::from_secs(5), swarm.select_next_some()).await {
            Ok(SwarmEvent::NewListenAddr { address, .. }) => bound.push(address),
            Ok(SwarmEvent::ListenerClosed { addresses, reason, .. }) => {
                return Err(Error::Listen {
                    addr: format!("{addresses:?}"),
                    reason: format!("{reason:?}"),
                })
            }
            Ok(SwarmEvent::ListenerError { error, .. }) => {
                return Err(Error::Listen {
                    addr: format!("{:?}", config.listen_addresses),
                    reason: error.to_string(),
                })
            }
            Ok(_) => {}
            Err(_) => break,
        }
        if bound.len() >= config.listen_addresses.len() {
            break;
        }
    }
    for addr in &bound {
        tracing::info!(target: "network", "🏷  Listening on {addr}/p2p/{local_peer_id}");
    }
    for addr in &config.public_addresses {
        swarm.add_external_address(addr.clone());
    }
    let mut reserved = HashMap::new();
    for addr in &config.reserved_nodes {
        let (peer, a) = split_peer_addr(addr)?;
        reserved.insert(peer, a);
    }
    for addr in &config.boot_nodes {
        let (peer, a) = split_peer_addr(addr)?;
        if peer == local_peer_id {
            continue;
        }
        swarm.behaviour_mut().kad.add_address(&peer, a);
    }
    for (peer, a) in &reserved {
        swarm.behaviour_mut().kad.add_address(peer, a.clone());
    }

    let shared = Arc::new(Shared {
        local_peer_id,
        status: RwLock::new(config.status.clone()),
        listen_addresses: RwLock::new(bound),
        peers: RwLock::new(HashMap::new()),
    });
    let (commands_tx, commands_rx) = mpsc::unbounded_channel();
    let (events_tx, events_rx) = mpsc::channel(16 * 1024);
    let worker = Worker {
        swarm,
        shared: shared.clone(),
        events: events_tx,
        peerset: PeerSet::new(config.ban_duration),
        reserved,
        reserved_only: config.reserved_only,
        in_peers: config.in_peers,
        out_peers: config.out_peers,
        boot_nodes: config.boot_nodes.clone(),
        pending_requests: HashMap::new(),
        responses: FuturesUnordered::new(),
        dialing: HashSet::new(),
        dropped_events: 0,
        discover_local: config.discover_local,
        next_walk: 1,
        walk_gap: 1,
    };
    let task = tokio::spawn(worker.run(commands_rx));
    Ok((NetworkService { shared, commands: commands_tx }, events_rx, task))
}

type Answer = (Protocol, ResponseChannel<Vec<u8>>, Option<Vec<u8>>);
type Answerer = oneshot::Sender<std::result::Result<Vec<u8>, RequestError>>;

struct Worker {
    swarm: Swarm<Behaviour>,
    shared: Arc<Shared>,
    events: mpsc::Sender<Event>,
    peerset: PeerSet,
    reserved: HashMap<PeerId, Multiaddr>,
    reserved_only: bool,
    in_peers: usize,
    out_peers: usize,
    boot_nodes: Vec<Multiaddr>,
    pending_requests: HashMap<(Protocol, OutboundRequestId), Answerer>,
    responses: FuturesUnordered<BoxFuture<'static, Answer>>,
    dialing: HashSet<PeerId>,
    dropped_events: u64,
    discover_local: bool,
    /// The tick of the next Kademlia walk.
    next_walk: u64,
    /// Ticks between the last walk and the next one (doubling up to [`MAX_WALK_GAP`]).
    walk_gap: u64,
}

/// The longest gap, in one-second ticks, between two Kademlia walks.
const MAX_WALK_GAP: u64 = 30;

/// Whether an address is reachable from the internet (not loopback, private or
/// link-local); others are only used with `--discover-local`.
fn is_global(addr: &Multiaddr) -> bool {
    use libp2p::multiaddr::Protocol as P;
    match addr.iter().next() {
        Some(P::Ip4(ip)) => {
            !(ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified())
        }
        Some(P::Ip6(ip)) => !(ip.is_loopback() || ip.is_unspecified()),
        _ => true,
    }
}

impl Worker {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut ticks: u64 = 0;
        if !self.boot_nodes.is_empty() {
            self.bootstrap();
        }
        self.dial_reserved();
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = commands.recv() => match command {
                    Some(c) => self.on_command(c),
                    None => return,
                },
                Some((protocol, channel, answer)) = self.responses.next(), if !self.responses.is_empty() => {
                    if let Some(bytes) = answer {
                        let _ = self.swarm.behaviour_mut().rr(protocol).send_response(channel, bytes);
                    }
                }
                _ = tick.tick() => {
                    ticks += 1;
                    self.on_tick(ticks);
                }
            }
        }
    }

    fn on_tick(&mut self, ticks: u64) {
        for peer in self.peerset.tick() {
            tracing::debug!(target: "network", "peer {peer} is no longer banned");
        }
        // Every connected peer's figure, so one that healed back to zero shows it.
        for (peer, info) in self.shared.peers.write().iter_mut() {
            info.reputation = self.peerset.reputation(peer);
        }
        if ticks.is_multiple_of(5) {
            self.dial_reserved();
        }
        let outbound = self.shared.peers.read().values().filter(|p| !p.inbound).count();
        // Walks at ticks 1, 3, 7, 15, 31, then every 30: peers that joined the boot node
        // after this node's first walk are found in seconds, not after half a minute;
        // and every 5 ticks while no outbound peer is connected.
        let due = ticks >= self.next_walk;
        if due {
            self.walk_gap = (self.walk_gap * 2).min(MAX_WALK_GAP);
            self.next_walk = ticks + self.walk_gap;
        }
        if due || (ticks.is_multiple_of(5) && outbound == 0) {
            self.bootstrap();
        }
        if ticks.is_multiple_of(10) {
            self.dial_discovered();
        }
    }

    /// Starts a Kademlia walk when Kademlia knows anyone (else there is no one to ask).
    fn bootstrap(&mut self) {
        let kad = &mut self.swarm.behaviour_mut().kad;
        if kad.kbuckets().any(|b| b.num_entries() > 0) {
            let _ = kad.bootstrap();
        }
    }

    fn dial_reserved(&mut self) {
        let targets: Vec<_> = self
            .reserved
            .iter()
            .filter(|(p, _)| !self.swarm.is_connected(p))
            .map(|(p, a)| (*p, a.clone()))
            .collect();
        for (peer, addr) in targets {
            self.dial(peer, Some(addr));
        }
    }

    /// Dials peers Kademlia knows while there are free outbound slots.
    fn dial_discovered(&mut self) {
        if self.reserved_only {
            return;
        }
        let mut candidates = Vec::new();
        for bucket in self.swarm.behaviour_mut().kad.kbuckets() {
            for entry in bucket.iter() {
                candidates.push(*entry.node.key.preimage());
            }
        }
        for peer in candidates {
            if self.outbound_count() + self.dialing.len() >= self.out_peers {
                break;
            }
            self.dial(peer, None);
        }
    }

    fn outbound_count(&self) -> usize {
        self.shared
            .peers
            .read()
            .values()
            .filter(|p| !p.inbound && !self.reserved.contains_key(&p.peer_id))
            .count()
    }

    fn dial(&mut self, peer: PeerId, addr: Option<Multiaddr>) {
        if peer == self.shared.local_peer_id
            || self.swarm.is_connected(&peer)
            || self.dialing.contains(&peer)
            || self.peerset.is_banned(&peer)
        {
            return;
        }
        let opts = libp2p::swarm::dial_opts::DialOpts::peer_id(peer);
        let opts = match addr {
            Some(addr) => opts.addresses(vec![addr]).build(),
            None => opts.build(),
        };
        match self.swarm.dial(opts) {
            Ok(()) => {
                self.dialing.insert(peer);
            }
            Err(e) => tracing::debug!(target: "network", "cannot dial {peer}: {e}"),
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Notify { peer, protocol, bytes } => {
                if self.is_ready(&peer) {
                    self.swarm.behaviour_mut().rr(protocol).send_request(&peer, bytes);
                }
            }
            Command::Broadcast { protocol, bytes } => {
                let peers: Vec<PeerId> = self
                    .shared
                    .peers
                    .read()
                    .values()
                    .filter(|p| p.ready)
                    .map(|p| p.peer_id)
                    .collect();
                for peer in peers {
                    self.swarm.behaviour_mut().rr(protocol).send_request(&peer, bytes.clone());
                }
            }
            Command::Request { peer, protocol, bytes, tx } => {
                if !self.swarm.is_connected(&peer) {
                    let _ = tx.send(Err(RequestError::NotConnected));
                    return;
                }
                let id = self.swarm.behaviour_mut().rr(protocol).send_request(&peer, bytes);
                self.pending_requests.insert((protocol, id), tx);
            }
            Command::Report { peer, misbehaviour } => self.report(peer, misbehaviour),
            Command::Dial { addr } => match split_peer_addr(&addr) {
                Ok((peer, a)) => {
                    self.swarm.behaviour_mut().kad.add_address(&peer, a.clone());
                    self.dial(peer, Some(a));
                }
                Err(e) => tracing::warn!(target: "network", "{e}"),
            },
        }
    }

    fn is_ready(&self, peer: &PeerId) -> bool {
        self.shared.peers.read().get(peer).is_some_and(|p| p.ready)
    }

    fn report(&mut self, peer: PeerId, misbehaviour: Misbehaviour) {
        if self.peerset.report(peer, misbehaviour) {
            tracing::info!(
                target: "network",
                "🚫 banning peer {peer} for {:?}: {misbehaviour}",
                self.peerset.ban_duration()
            );
            let _ = self.swarm.disconnect_peer_id(peer);
        } else {
            tracing::debug!(target: "network", "peer {peer} misbehaved: {misbehaviour}");
        }
    }

    fn emit(&mut self, event: Event) {
        if let Err(e) = self.events.try_send(event) {
            self.dropped_events += 1;
            if self.dropped_events.is_power_of_two() {
                tracing::warn!(target: "network", "the node lags behind the network: {} events dropped ({e})", self.dropped_events);
            }
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(target: "network", "🏷  Listening on {address}/p2p/{}", self.shared.local_peer_id);
                let mut addrs = self.shared.listen_addresses.write();
                if !addrs.contains(&address) {
                    addrs.push(address);
                }
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                self.shared.listen_addresses.write().retain(|a| a != &address);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                num_established,
                connection_id,
                ..
            } => {
                self.dialing.remove(&peer_id);
                let inbound = matches!(endpoint, ConnectedPoint::Listener { .. });
                let is_reserved = self.reserved.contains_key(&peer_id);
                let refuse = if self.peerset.is_banned(&peer_id) {
                    Some("banned")
                } else if self.reserved_only && !is_reserved {
                    Some("not a reserved peer")
                } else if num_established.get() == 1 && !is_reserved {
                    let (ins, outs) = {
                        let peers = self.shared.peers.read();
                        let ins = peers
                            .values()
                            .filter(|p| p.inbound && !self.reserved.contains_key(&p.peer_id))
                            .count();
                        (ins, peers.len() - ins)
                    };
                    if inbound && ins >= self.in_peers {
                        Some("no inbound slot")
                    } else if !inbound && outs >= self.out_peers + self.in_peers {
                        // This node dials peers only while it has outbound slots, but
                        // Kademlia also dials for its queries: those connections are
                        // kept up to a total cap rather than refused at `out_peers`.
                        Some("no outbound slot")
                    } else {
                        None
                    }
                } else {
                    None
                };
                if let Some(reason) = refuse {
                    tracing::debug!(target: "network", "refusing {peer_id}: {reason}");
                    self.swarm.close_connection(connection_id);
                    return;
                }
                if num_established.get() == 1 {
                    let address = match &endpoint {
                        ConnectedPoint::Dialer { address, .. } => address.clone(),
                        ConnectedPoint::Listener { send_back_addr, .. } => send_back_addr.clone(),
                    };
                    tracing::debug!(target: "network", "connected to {peer_id} at {address}");
                    self.shared.peers.write().insert(
                        peer_id,
                        PeerInfo { peer_id, address, inbound, ready: false, reputation: 0 },
                    );
                    let status = self.shared.status.read().clone();
                    self.swarm.behaviour_mut().status.send_request(&peer_id, status);
                }
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } => {
                let was = self.shared.peers.write().remove(&peer_id);
                if was.is_some_and(|p| p.ready) {
                    self.emit(Event::Disconnected { peer: peer_id });
                }
            }
            SwarmEvent::OutgoingConnectionError { peer_id: Some(peer), error, .. } => {
                self.dialing.remove(&peer);
                tracing::debug!(target: "network", "dialing {peer} failed: {error}");
            }
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                for addr in info.listen_addrs {
                    if self.discover_local || is_global(&addr) {
                        self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
                    }
                }
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, .. })
                if !self.reserved_only
                    && self.outbound_count() + self.dialing.len() < self.out_peers =>
            {
                self.dial(peer, None);
            }
            BehaviourEvent::Mdns(mdns::Event::Discovered(list)) => {
                for (peer, addr) in list {
                    self.swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
                    if !self.reserved_only
                        && self.outbound_count() + self.dialing.len() < self.out_peers
                    {
                        self.dial(peer, Some(addr));
                    }
                }
            }
            BehaviourEvent::Status(e) => self.on_rr_event(Protocol::Status, e),
            BehaviourEvent::Announces(e) => self.on_rr_event(Protocol::BlockAnnounces, e),
            BehaviourEvent::Transactions(e) => self.on_rr_event(Protocol::Transactions, e),
            BehaviourEvent::Grandpa(e) => self.on_rr_event(Protocol::Grandpa, e),
            BehaviourEvent::Sync(e) => self.on_rr_event(Protocol::Sync, e),
            BehaviourEvent::State(e) => self.on_rr_event(Protocol::State, e),
            BehaviourEvent::Warp(e) => self.on_rr_event(Protocol::WarpSync, e),
            _ => {}
        }
    }

    fn on_rr_event(
        &mut self,
        protocol: Protocol,
        event: request_response::Event<Vec<u8>, Vec<u8>>,
    ) {
        use request_response::{Event as E, InboundFailure, Message, OutboundFailure};
        match event {
            E::Message { peer, message: Message::Request { request, channel, .. }, .. } => {
                if self.peerset.is_banned(&peer) {
                    return;
                }
                if !self.peerset.note_message(peer, protocol) {
                    self.report(peer, Misbehaviour::Flood(protocol));
                    return;
                }
                match protocol {
                    Protocol::Status => {
                        let status = self.shared.status.read().clone();
                        let _ = self.swarm.behaviour_mut().status.send_response(channel, status);
                        self.on_status(peer, request);
                    }
                    p if p.is_notification() => {
                        let _ = self.swarm.behaviour_mut().rr(p).send_response(channel, Vec::new());
                        if self.is_ready(&peer) {
                            self.emit(Event::Notification { peer, protocol: p, bytes: request });
                        }
                    }
                    p => {
                        let (tx, rx) = oneshot::channel();
                        self.emit(Event::Request {
                            peer,
                            protocol: p,
                            bytes: request,
                            respond: tx,
                        });
                        self.responses.push(async move { (p, channel, rx.await.ok()) }.boxed());
                    }
                }
            }
            E::Message { peer, message: Message::Response { request_id, response }, .. } => {
                if protocol == Protocol::Status {
                    self.on_status(peer, response);
                } else if let Some(tx) = self.pending_requests.remove(&(protocol, request_id)) {
                    let _ = tx.send(Ok(response));
                }
            }
            E::OutboundFailure { peer, request_id, error, .. } => {
                if let Some(tx) = self.pending_requests.remove(&(protocol, request_id)) {
                    let _ = tx.send(Err(RequestError::Failed(error.to_string())));
                }
                match &error {
                    OutboundFailure::UnsupportedProtocols if protocol == Protocol::Status => {
                        tracing::debug!(target: "network", "{peer} is not on this chain; disconnecting");
                        let _ = self.swarm.disconnect_peer_id(peer);
                    }
                    OutboundFailure::Io(e) if e.to_string() == OVERSIZED => {
                        self.report(peer, Misbehaviour::Oversized(protocol));
                    }
                    _ => {}
                }
            }
            E::InboundFailure { peer, error, .. } => {
                if let InboundFailure::Io(e) = &error {
                    if e.to_string() == OVERSIZED {
                        self.report(peer, Misbehaviour::Oversized(protocol));
                    }
                }
            }
            E::ResponseSent { .. } => {}
        }
    }

    fn on_status(&mut self, peer: PeerId, bytes: Vec<u8>) {
        let newly_ready = {
            let mut peers = self.shared.peers.write();
            match peers.get_mut(&peer) {
                Some(info) => !std::mem::replace(&mut info.ready, true),
                None => return,
            }
        };
        if newly_ready {
            tracing::debug!(target: "network", "peer {peer} is ready");
        }
        self.emit(Event::Status { peer, bytes });
    }
}
