//! A simulated node: the real chain (Wasm runtime, RocksDB), transaction pool, Aura
//! authoring, GRANDPA voter and gossip, block import checks and equivocation reports,
//! on the simulated network and clock. Blocks travel as in a simplified sync: an author
//! pushes its block to its neighbours, a node passes on each block that becomes its best,
//! and a block with an unknown parent is kept while its ancestry is fetched from the
//! sender.

use crate::exec::{grandpa_sleep, sleep, SharedClock};
use crate::net::{Justifications, Net, NodeId, Rng, Wire};
use codec::Encode;
use finality_grandpa::{Message, Prevote, SignedMessage};
use futures::StreamExt;
use lattice_chain::test_utils::build_at;
use lattice_chain::{BlockOrigin, Client, FullChainApi};
use lattice_consensus::aura::{self, ProposalLimits, SealKeys};
use lattice_consensus::grandpa::gossip::{
    GossipMessage, GossipTransport, GrandpaGossip, Misbehaviour, REBROADCAST_INTERVAL,
};
use lattice_consensus::grandpa::{localized_payload, run_grandpa, EquivocationLog, GrandpaParams};
use lattice_consensus::import::{import_peer_block, PeerBlockError};
use lattice_consensus::report::{self, SlotEquivocation, SlotWatch};
use lattice_keystore::LocalKeystore;
use lattice_primitives::{Block, DigestItem, H256};
use lattice_txpool::{BlockInfo, Clock, Options, Pool};
use parking_lot::Mutex;
use sp_core::Pair;
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Blocks with an unknown parent kept per node.
const MAX_ORPHANS: usize = 256;
/// Blocks asked for in one ancestry request.
const ANCESTRY: u32 = 32;

/// How a node behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Follows the protocol.
    Honest,
    /// From `from_ms` on, seals two blocks in each of its slots and sends one to half
    /// of its neighbours and the other to the rest.
    EquivocatingAuthor { from_ms: u64 },
    /// From `from_ms` on, casts two conflicting prevotes (for its best block and its
    /// parent) in each round it sees, besides its honest voter's.
    DoubleVoter { from_ms: u64 },
    /// From `from_ms` on, sends its neighbours random bytes as GRANDPA messages and its
    /// best block with a broken seal, every slot.
    Garbage { from_ms: u64 },
}

/// The Aura keys of a simulated validator. Its seals are sr25519 signatures whose nonce
/// comes from a generator seeded with the signed hash, so a run can be replayed exactly
/// (a node's keystore draws the nonce from the operating system).
pub struct SimKeys(Vec<sp_core::sr25519::Pair>);

impl SealKeys for SimKeys {
    fn aura_keys(&self) -> lattice_consensus::Result<Vec<[u8; 32]>> {
        Ok(self.0.iter().map(|p| p.public().0).collect())
    }

    fn sign_seal(
        &self,
        author: &[u8; 32],
        pre_hash: &H256,
    ) -> lattice_consensus::Result<Option<[u8; 64]>> {
        let Some(pair) = self.0.iter().find(|p| p.public().0 == *author) else {
            return Ok(None);
        };
        let secret = schnorrkel::SecretKey::from_bytes(&pair.to_raw_vec()).expect("64 bytes");
        let transcript = schnorrkel::signing_context(b"substrate").bytes(pre_hash.as_bytes());
        let transcript =
            schnorrkel::context::attach_rng(transcript, HashRng(Rng::new(seed_of(pre_hash))));
        Ok(Some(secret.to_keypair().sign(transcript).to_bytes()))
    }
}

fn seed_of(hash: &H256) -> u64 {
    u64::from_le_bytes(hash.0[..8].try_into().expect("8 bytes"))
}

/// The nonce generator of [`SimKeys`]: deterministic, for simulations only.
struct HashRng(Rng);

impl rand_core::RngCore for HashRng {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u64() as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.0.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for HashRng {}

/// The transaction pool's clock: the simulated one.
struct PoolClock(SharedClock);

impl Clock for PoolClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.lock().now_ms())
    }
}

/// A fatal or minor complaint of one node's gossip about a peer.
pub type GossipReport = (NodeId, NodeId, Misbehaviour);

/// The GRANDPA gossip's transport: the simulated network.
struct SimTransport {
    me: NodeId,
    shared: Arc<Shared>,
}

impl GossipTransport<NodeId> for SimTransport {
    fn send(&self, to: &NodeId, message: Vec<u8>) {
        let now = self.shared.clock.lock().now_ms();
        self.shared.net.lock().send(now, self.me, *to, Wire::Grandpa(message));
    }

    /// A fatal misbehaviour bans the peer: the link is cut, as the node's network
    /// disconnects and bans it.
    fn report(&self, who: &NodeId, misbehaviour: Misbehaviour) {
        self.shared.reports.lock().push((self.me, *who, misbehaviour));
        if misbehaviour.is_fatal() {
            self.shared.net.lock().unlink(self.me, *who);
        }
    }
}

/// What a node shares with the world.
pub struct Shared {
    /// The network.
    pub net: Arc<Mutex<Net>>,
    /// The clock.
    pub clock: SharedClock,
    /// Every gossip complaint: (reporter, offender, misbehaviour).
    pub reports: Arc<Mutex<Vec<GossipReport>>>,
}

/// One node of the world.
pub struct SimNode {
    /// Its index.
    pub id: NodeId,
    /// Its chain.
    pub client: Arc<Client>,
    /// Its transaction pool.
    pub pool: Arc<Pool<FullChainApi>>,
    /// Its GRANDPA gossip.
    pub gossip: Arc<GrandpaGossip<NodeId>>,
    /// Double votes its voter and gossip saw.
    equivocations: EquivocationLog,
    /// Blocks sealed twice for one slot that its import saw.
    slot_equivocations: Arc<Mutex<VecDeque<SlotEquivocation>>>,
    /// Blocks from peers refused as bad: (sender, reason).
    pub bad_blocks: Mutex<Vec<(NodeId, String)>>,
    /// How it behaves.
    pub behaviour: Behaviour,
    /// Reports of double votes and of two blocks in a slot its pool took.
    pub reports_submitted: Mutex<(usize, usize)>,
    watch: Mutex<SlotWatch>,
    /// Blocks waiting for their parent.
    orphans: Mutex<VecDeque<Block>>,
    /// Blocks it has pushed to its neighbours.
    pushed: Mutex<BTreeSet<H256>>,
    keys: Arc<SimKeys>,
    grandpa_key: sp_core::ed25519::Pair,
    keystore: Arc<LocalKeystore>,
    shared: Arc<Shared>,
    slot_ms: u64,
    rng: Mutex<Rng>,
    dir: PathBuf,
}

impl SimNode {
    /// A node on `client` (its database under `dir`), holding the session keys of
    /// `//Sim{id}` in a keystore under `dir`.
    pub fn new(
        id: NodeId,
        client: Client,
        behaviour: Behaviour,
        shared: Arc<Shared>,
        seed: u64,
        dir: PathBuf,
    ) -> Self {
        let client = Arc::new(client);
        let suri = format!("//Sim{id}");
        let sr = sp_core::sr25519::Pair::from_string(&suri, None).expect("dev seed");
        let ed = sp_core::ed25519::Pair::from_string(&suri, None).expect("dev seed");
        let keystore = Arc::new(LocalKeystore::open(dir.join("keystore")).expect("opens"));
        keystore.insert(*b"gran", &suri, &ed.public().0).expect("inserts");
        let equivocations = EquivocationLog::default();
        let transport = SimTransport { me: id, shared: shared.clone() };
        let gossip = Arc::new(GrandpaGossip::new(Arc::new(transport), equivocations.clone()));
        let best = BlockInfo { hash: client.genesis_hash(), number: 0 };
        let pool = Arc::new(Pool::new(
            FullChainApi::new(client.clone()),
            Options::default(),
            Arc::new(PoolClock(shared.clock.clone())),
            best,
        ));
        let slot_ms = aura::slot_duration(&client, &client.genesis_hash()).expect("slot duration");
        let slot_equivocations = Arc::new(Mutex::new(VecDeque::new()));
        Self {
            id,
            client,
            pool,
            gossip,
            equivocations,
            watch: Mutex::new(SlotWatch::new(slot_equivocations.clone())),
            slot_equivocations,
            bad_blocks: Mutex::new(Vec::new()),
            behaviour,
            reports_submitted: Mutex::new((0, 0)),
            orphans: Mutex::new(VecDeque::new()),
            pushed: Mutex::new(BTreeSet::new()),
            keys: Arc::new(SimKeys(vec![sr])),
            grandpa_key: ed,
            keystore,
            shared,
            slot_ms,
            rng: Mutex::new(Rng::new(seed ^ (id as u64).wrapping_mul(0x2545_F491_4F6C_DD1D))),
            dir,
        }
    }

    fn now_ms(&self) -> u64 {
        self.shared.clock.lock().now_ms()
    }

    fn send(&self, to: NodeId, wire: Wire) {
        let now = self.now_ms();
        self.shared.net.lock().send(now, self.id, to, wire);
    }

    fn neighbours(&self) -> Vec<NodeId> {
        self.shared.net.lock().neighbours(self.id)
    }

    /// Sends `block` to every neighbour but `except`, once per block.
    fn push(&self, block: &Block, except: Option<NodeId>) {
        if !self.pushed.lock().insert(block.header.hash()) {
            return;
        }
        for to in self.neighbours() {
            if Some(to) != except {
                self.send(to, Wire::Block(block.clone(), None));
            }
        }
    }

    /// Handles a message from `from`.
    pub fn on_wire(&self, from: NodeId, wire: Wire) {
        match wire {
            Wire::Grandpa(bytes) => self.gossip.on_message(&from, &bytes),
            Wire::Block(block, justifications) => self.receive(from, block, justifications),
            Wire::BlockRequest { from: start, max } => {
                let mut blocks = Vec::new();
                let mut at = start;
                while blocks.len() < max.min(ANCESTRY) as usize {
                    match self.client.block(&at) {
                        Ok(Some(block)) if block.header.number > 0 => {
                            at = block.header.parent_hash;
                            blocks.push(block);
                        }
                        _ => break,
                    }
                }
                if !blocks.is_empty() {
                    self.send(from, Wire::BlockResponse(blocks));
                }
            }
            Wire::BlockResponse(blocks) => {
                for block in blocks.into_iter().rev() {
                    self.receive(from, block, None);
                }
            }
        }
    }

    /// Imports a block from `from`, then the orphans it was the missing parent of.
    fn receive(&self, from: NodeId, block: Block, justifications: Justifications) {
        let mut next = vec![(block, justifications)];
        while let Some((block, justifications)) = next.pop() {
            let hash = block.header.hash();
            if matches!(self.client.header(&hash), Ok(Some(_))) {
                continue;
            }
            let now_slot = aura::slot_at(self.now_ms(), self.slot_ms);
            let result = import_peer_block(
                &self.client,
                &mut self.watch.lock(),
                block.clone(),
                justifications,
                now_slot,
                BlockOrigin::NetworkBroadcast,
            );
            match result {
                Ok(()) => {
                    if self.client.info().best_hash == hash {
                        self.push(&block, Some(from));
                    }
                    let mut orphans = self.orphans.lock();
                    let (children, rest): (VecDeque<_>, VecDeque<_>) =
                        orphans.drain(..).partition(|b| b.header.parent_hash == hash);
                    *orphans = rest;
                    next.extend(children.into_iter().map(|b| (b, None)));
                }
                Err(PeerBlockError::UnknownParent(parent)) => {
                    let mut orphans = self.orphans.lock();
                    // The parent waits too (a longer fork arriving oldest first): its
                    // own request covers both.
                    let parent_waits = orphans.iter().any(|b| b.header.hash() == parent);
                    if !orphans.iter().any(|b| b.header.hash() == hash) {
                        if orphans.len() >= MAX_ORPHANS {
                            orphans.pop_front();
                        }
                        orphans.push_back(block);
                    }
                    drop(orphans);
                    if !parent_waits {
                        self.send(from, Wire::BlockRequest { from: parent, max: ANCESTRY });
                    }
                }
                Err(PeerBlockError::Bad(reason)) => {
                    // The node's bridge bans a peer that sends a bad block.
                    self.bad_blocks.lock().push((from, reason));
                    self.shared.net.lock().unlink(self.id, from);
                }
            }
        }
    }

    /// Asks a random neighbour for the missing parents of the orphans (a request or its
    /// answer may have been lost).
    fn chase_orphans(&self) {
        let parents: BTreeSet<H256> = {
            let orphans = self.orphans.lock();
            let waiting: BTreeSet<H256> = orphans.iter().map(|b| b.header.hash()).collect();
            orphans.iter().map(|b| b.header.parent_hash).filter(|p| !waiting.contains(p)).collect()
        };
        let neighbours = self.neighbours();
        if neighbours.is_empty() {
            return;
        }
        for parent in parents {
            if matches!(self.client.header(&parent), Ok(Some(_))) {
                continue;
            }
            let to = neighbours[self.rng.lock().below(neighbours.len() as u64) as usize];
            self.send(to, Wire::BlockRequest { from: parent, max: ANCESTRY });
        }
    }

    /// The voter of the node, on the simulated clock and network.
    pub async fn voter(self: Arc<Self>) {
        let params = GrandpaParams {
            client: self.client.clone(),
            keystore: Some(self.keystore.clone()),
            network: self.gossip.clone(),
            // The node's default (`lattice` passes 333 ms).
            gossip_duration: Duration::from_millis(333),
            state_file: Some(self.dir.join("grandpa-round")),
            sleep: grandpa_sleep(&self.shared.clock),
            report: Default::default(),
            equivocations: self.equivocations.clone(),
        };
        if let Err(e) = run_grandpa(params).await {
            panic!("the voter of node {} failed: {e}", self.id);
        }
    }

    /// Authors in the node's slots.
    pub async fn author(self: Arc<Self>) {
        let limits = ProposalLimits::for_slot(Duration::from_millis(self.slot_ms));
        loop {
            let (slot, delay) = aura::next_slot_delay(self.now_ms(), self.slot_ms);
            sleep(&self.shared.clock, delay).await;
            let timestamp = slot * self.slot_ms;
            if let Behaviour::EquivocatingAuthor { from_ms } = self.behaviour {
                if self.now_ms() >= from_ms {
                    self.author_twice(slot, timestamp);
                    continue;
                }
            }
            match aura::author_slot(&self.client, &self.pool, &*self.keys, slot, timestamp, limits)
            {
                Ok(Some(proposal)) => {
                    let block = self.client.block(&proposal.hash).expect("reads").expect("stored");
                    self.push(&block, None);
                }
                Ok(None) => {}
                Err(e) => panic!("node {} failed to author in slot {slot}: {e}", self.id),
            }
        }
    }

    /// Seals two blocks on the best block in `slot` if the slot is this node's, keeps
    /// the first and sends each to half of the neighbours.
    fn author_twice(&self, slot: u64, timestamp: u64) {
        let best = self.client.info().best_hash;
        let authorities = aura::authorities(&self.client, &best).expect("authorities");
        let author = authorities[(slot % authorities.len() as u64) as usize];
        if !self.keys.aura_keys().expect("keys").contains(&author) {
            return;
        }
        let seal = |block| aura::seal(block, &*self.keys, &author).expect("seals").expect("key");
        let first = build_at(&self.client, best, slot, timestamp, &[]);
        let second = seal(build_at(&self.client, best, slot, timestamp + 1, &[]).block);
        let (first, state) = (seal(first.block), first.state);
        self.client.import_built(first.clone(), state, BlockOrigin::Own).expect("imports");
        self.pushed.lock().insert(first.header.hash());
        self.pushed.lock().insert(second.header.hash());
        for (i, to) in self.neighbours().into_iter().enumerate() {
            let block = if i % 2 == 0 { first.clone() } else { second.clone() };
            self.send(to, Wire::Block(block, None));
        }
    }

    /// Keeps the pool in step with the chain, as the node's `follow_chain` does.
    pub async fn follow(self: Arc<Self>) {
        let mut imports = self.client.import_notification_stream().fuse();
        let mut finality = self.client.finality_notification_stream().fuse();
        loop {
            // A subscriber that lags (many blocks imported in one handler) is dropped by
            // the client: subscribe again.
            let event = futures::select_biased! {
                n = imports.next() => match n {
                    Some(n) => match n.pool_event() {
                        Some(event) => event,
                        None => continue,
                    },
                    None => {
                        imports = self.client.import_notification_stream().fuse();
                        continue;
                    }
                },
                n = finality.next() => match n {
                    Some(n) => n.pool_event(),
                    None => {
                        finality = self.client.finality_notification_stream().fuse();
                        continue;
                    }
                },
            };
            if let Err(e) = self.pool.maintain(event) {
                panic!("pool maintenance of node {} failed: {e}", self.id);
            }
        }
    }

    /// Every slot: reports the equivocations seen (as the node's `report_equivocations`
    /// does) and chases the parents of orphans.
    pub async fn tick(self: Arc<Self>) {
        loop {
            sleep(&self.shared.clock, Duration::from_millis(self.slot_ms)).await;
            let votes = self.equivocations.take();
            let blocks: Vec<_> = self.slot_equivocations.lock().drain(..).collect();
            let votes = report::submit_equivocations(&self.client, &self.pool, votes);
            let blocks = report::submit_slot_equivocations(&self.client, &self.pool, blocks);
            let mut submitted = self.reports_submitted.lock();
            submitted.0 += votes;
            submitted.1 += blocks;
            self.chase_orphans();
        }
    }

    /// A garbage sender's messages, every slot from `from_ms` on.
    pub async fn send_garbage(self: Arc<Self>) {
        let Behaviour::Garbage { from_ms } = self.behaviour else { return };
        loop {
            sleep(&self.shared.clock, Duration::from_millis(self.slot_ms)).await;
            if self.now_ms() < from_ms {
                continue;
            }
            let noise: Vec<u8> = {
                let mut rng = self.rng.lock();
                let len = 1 + rng.below(64) as usize;
                (0..len).map(|_| rng.next_u64() as u8).collect()
            };
            let best = self.client.info().best_hash;
            let mut forged = self.client.block(&best).expect("reads").expect("stored");
            if let Some(DigestItem::Seal(_, seal)) = forged.header.digest.logs.last_mut() {
                if let Some(byte) = seal.last_mut() {
                    *byte ^= 1;
                }
            }
            for to in self.neighbours() {
                self.send(to, Wire::Grandpa(noise.clone()));
                self.send(to, Wire::Block(forged.clone(), None));
            }
        }
    }

    /// Lets the gossip send the node's votes of a stalled round again, as the node does.
    pub async fn rebroadcast(self: Arc<Self>) {
        loop {
            sleep(&self.shared.clock, REBROADCAST_INTERVAL).await;
            self.gossip.rebroadcast_if_stalled();
        }
    }

    /// A double voter's second and third prevotes in each round it sees from `from_ms` on.
    pub async fn double_vote(self: Arc<Self>) {
        let Behaviour::DoubleVoter { from_ms } = self.behaviour else { return };
        let mut last_round = None;
        loop {
            sleep(&self.shared.clock, Duration::from_millis(250)).await;
            if self.now_ms() < from_ms {
                continue;
            }
            let Some((set_id, round)) = self.gossip.round() else { continue };
            let best = self.client.info();
            if last_round == Some((set_id, round)) || best.best_number < 2 {
                continue;
            }
            last_round = Some((set_id, round));
            let header = self.client.expect_header(&best.best_hash).expect("best header");
            for (hash, number) in
                [(best.best_hash, best.best_number), (header.parent_hash, best.best_number - 1)]
            {
                let message =
                    Message::Prevote(Prevote { target_hash: hash, target_number: number });
                let payload = localized_payload(round, set_id, &message);
                let vote = SignedMessage {
                    message,
                    signature: self.grandpa_key.sign(&payload).0,
                    id: self.grandpa_key.public().0,
                };
                let bytes = GossipMessage::Vote { round, set_id, message: vote }.encode();
                for to in self.neighbours() {
                    self.send(to, Wire::Grandpa(bytes.clone()));
                }
            }
        }
    }
}
