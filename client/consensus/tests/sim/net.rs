//! The simulated network: links between nodes, latency with jitter, message loss and
//! partitions, all decided by one seeded generator; messages wait in a queue ordered by
//! delivery time and send order.

use lattice_primitives::{Block, H256};
use std::collections::{BTreeMap, BTreeSet};

/// A node's index in the world.
pub type NodeId = usize;

/// The GRANDPA justifications that may come with a block.
pub type Justifications = Option<Vec<([u8; 4], Vec<u8>)>>;

/// What travels between nodes.
#[derive(Clone, Debug)]
pub enum Wire {
    /// A message of the GRANDPA gossip (encoded as on the `grandpa/1` protocol).
    Grandpa(Vec<u8>),
    /// A block pushed to a peer: its author's new block, or one a node took as best.
    Block(Block, Justifications),
    /// Asks for `from` and its ancestors, newest first.
    BlockRequest { from: H256, max: u32 },
    /// The answer: blocks newest first.
    BlockResponse(Vec<Block>),
}

impl Wire {
    /// A short digest of the message, for the delivery trace.
    fn digest(&self) -> [u8; 32] {
        use codec::Encode;
        let bytes = match self {
            Wire::Grandpa(b) => (0u8, b).encode(),
            Wire::Block(b, j) => (1u8, b.header.hash(), j).encode(),
            Wire::BlockRequest { from, max } => (2u8, from, max).encode(),
            Wire::BlockResponse(blocks) => {
                (3u8, blocks.iter().map(|b| b.header.hash()).collect::<Vec<_>>()).encode()
            }
        };
        lattice_primitives::blake2_256(&bytes).0
    }
}

/// SplitMix64: small, fast and the same on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// How messages travel.
#[derive(Clone, Copy, Debug)]
pub struct Conditions {
    /// Shortest one-way delay.
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=jitter_ms` per message.
    pub jitter_ms: u64,
    /// Percent of messages lost.
    pub loss_percent: u64,
}

/// Counts of what the network did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Messages handed to the network.
    pub sent: u64,
    /// Lost at random.
    pub lost: u64,
    /// Dropped at a partition or a missing link.
    pub cut: u64,
    /// Delivered.
    pub delivered: u64,
}

/// The network of the world.
pub struct Net {
    conditions: Conditions,
    rng: Rng,
    links: BTreeSet<(NodeId, NodeId)>,
    /// Each node's side of a partition; nodes on different sides do not hear each other.
    side: Option<Vec<u8>>,
    /// Stopped nodes: nothing reaches them or leaves them.
    down: BTreeSet<NodeId>,
    queue: BTreeMap<(u64, u64), (NodeId, NodeId, Wire)>,
    next_seq: u64,
    stats: NetStats,
    /// Blake2 of every delivery so far: (time, from, to, message digest), chained.
    trace: [u8; 32],
}

impl Net {
    /// A network with no links yet.
    pub fn new(conditions: Conditions, seed: u64) -> Self {
        Self {
            conditions,
            rng: Rng::new(seed),
            links: BTreeSet::new(),
            side: None,
            down: BTreeSet::new(),
            queue: BTreeMap::new(),
            next_seq: 0,
            stats: NetStats::default(),
            trace: [0; 32],
        }
    }

    /// The generator (the topology and the byzantine nodes draw from it too).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Links `a` and `b` both ways.
    pub fn link(&mut self, a: NodeId, b: NodeId) {
        self.links.insert((a, b));
        self.links.insert((b, a));
    }

    /// Cuts the link between `a` and `b` both ways (a ban); messages on it are dropped.
    pub fn unlink(&mut self, a: NodeId, b: NodeId) {
        self.links.remove(&(a, b));
        self.links.remove(&(b, a));
    }

    /// The nodes linked to `a`, in order.
    pub fn neighbours(&self, a: NodeId) -> Vec<NodeId> {
        self.links.range((a, 0)..(a + 1, 0)).map(|(_, b)| *b).collect()
    }

    /// Splits the nodes: `side[i]` is node i's side. `None` heals.
    pub fn partition(&mut self, side: Option<Vec<u8>>) {
        self.side = side;
    }

    /// Stops (`true`) or starts `node`: a stopped node's messages are dropped, both ways.
    pub fn set_down(&mut self, node: NodeId, down: bool) {
        if down {
            self.down.insert(node);
        } else {
            self.down.remove(&node);
        }
    }

    /// Whether `from` cannot reach `to` now (a partition, no link, a stopped node).
    fn blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.side.as_ref().is_some_and(|s| s[from] != s[to])
            || !self.links.contains(&(from, to))
            || self.down.contains(&from)
            || self.down.contains(&to)
    }

    /// Sends `wire` from `from` to `to` at `now_ms`: lost, cut or queued for delivery.
    pub fn send(&mut self, now_ms: u64, from: NodeId, to: NodeId, wire: Wire) {
        self.stats.sent += 1;
        if self.blocked(from, to) {
            self.stats.cut += 1;
            return;
        }
        if self.rng.below(100) < self.conditions.loss_percent {
            self.stats.lost += 1;
            return;
        }
        let at =
            now_ms + self.conditions.latency_ms + self.rng.below(self.conditions.jitter_ms + 1);
        self.queue.insert((at, self.next_seq), (from, to, wire));
        self.next_seq += 1;
    }

    /// When the next message arrives.
    pub fn next_delivery(&self) -> Option<u64> {
        self.queue.keys().next().map(|(at, _)| *at)
    }

    /// The next message due by `now_ms`, in delivery order. A partition made, a link cut
    /// or a node stopped while it travelled drops it.
    pub fn pop_due(&mut self, now_ms: u64) -> Option<(NodeId, NodeId, Wire)> {
        loop {
            let entry = self.queue.first_entry()?;
            if entry.key().0 > now_ms {
                return None;
            }
            let ((at, _), (from, to, wire)) = entry.remove_entry();
            if self.blocked(from, to) {
                self.stats.cut += 1;
                continue;
            }
            self.stats.delivered += 1;
            let mut chained = self.trace.to_vec();
            chained.extend_from_slice(&at.to_le_bytes());
            chained.extend_from_slice(&(from as u64).to_le_bytes());
            chained.extend_from_slice(&(to as u64).to_le_bytes());
            chained.extend_from_slice(&wire.digest());
            self.trace = lattice_primitives::blake2_256(&chained).0;
            return Some((from, to, wire));
        }
    }

    /// What the network did so far.
    pub fn stats(&self) -> NetStats {
        self.stats
    }

    /// The digest of every delivery so far, in order.
    pub fn trace(&self) -> [u8; 32] {
        self.trace
    }
}
