//! Reputation, bans and per-peer rate limits.

use crate::protocol::Protocol;
use libp2p::PeerId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Reputation at or below which a peer is disconnected and banned.
pub const BAN_THRESHOLD: i32 = -(1 << 28);

/// What a peer did wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misbehaviour {
    /// A message that does not decode.
    Undecodable(Protocol),
    /// A message over the protocol's size limit.
    Oversized(Protocol),
    /// More messages than the protocol's rate limit.
    Flood(Protocol),
    /// A message that decodes but is invalid (a bad signature, a block that fails
    /// import, a status of another chain).
    Invalid(Protocol),
    /// An answer that does not match its request.
    BadResponse(Protocol),
    /// Useless but harmless (a duplicate, a stale message).
    Useless(Protocol),
}

impl Misbehaviour {
    /// The reputation it costs.
    pub fn cost(self) -> i32 {
        match self {
            Self::Undecodable(_) | Self::Oversized(_) | Self::Flood(_) | Self::Invalid(_) => {
                i32::MIN / 2
            }
            Self::BadResponse(_) => -(1 << 26),
            Self::Useless(_) => -(1 << 12),
        }
    }

    /// Whether it bans the peer at once.
    pub fn is_fatal(self) -> bool {
        self.cost() <= BAN_THRESHOLD
    }
}

impl std::fmt::Display for Misbehaviour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, p) = match self {
            Self::Undecodable(p) => ("an undecodable message", p),
            Self::Oversized(p) => ("an oversized message", p),
            Self::Flood(p) => ("a flood of messages", p),
            Self::Invalid(p) => ("an invalid message", p),
            Self::BadResponse(p) => ("a bad response", p),
            Self::Useless(p) => ("a useless message", p),
        };
        write!(f, "{what} on {}", p.suffix())
    }
}

/// Reputations, bans and message counters of the peers.
pub struct PeerSet {
    reputation: HashMap<PeerId, i32>,
    banned: HashMap<PeerId, Instant>,
    counters: HashMap<(PeerId, Protocol), (Instant, u32)>,
    ban_duration: Duration,
}

impl PeerSet {
    /// An empty set whose bans last `ban_duration`.
    pub fn new(ban_duration: Duration) -> Self {
        Self {
            reputation: HashMap::new(),
            banned: HashMap::new(),
            counters: HashMap::new(),
            ban_duration,
        }
    }

    /// How long bans last.
    pub fn ban_duration(&self) -> Duration {
        self.ban_duration
    }

    /// Whether `peer` is banned now.
    pub fn is_banned(&self, peer: &PeerId) -> bool {
        self.banned.get(peer).is_some_and(|until| *until > Instant::now())
    }

    /// Lowers `peer`'s reputation; true when this bans it.
    pub fn report(&mut self, peer: PeerId, misbehaviour: Misbehaviour) -> bool {
        let rep = self.reputation.entry(peer).or_insert(0);
        *rep = rep.saturating_add(misbehaviour.cost());
        if *rep <= BAN_THRESHOLD {
            self.banned.insert(peer, Instant::now() + self.ban_duration);
            self.reputation.remove(&peer);
            true
        } else {
            false
        }
    }

    /// Counts a message of `peer` on `protocol`; false when it is over the rate limit.
    pub fn note_message(&mut self, peer: PeerId, protocol: Protocol) -> bool {
        let now = Instant::now();
        let entry = self.counters.entry((peer, protocol)).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(1) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= protocol.rate_limit()
    }

    /// Once a second: reputations heal by 2%, expired bans and idle counters go. Returns
    /// the peers whose ban ended.
    pub fn tick(&mut self) -> Vec<PeerId> {
        let now = Instant::now();
        for rep in self.reputation.values_mut() {
            *rep -= *rep / 50 + rep.signum();
        }
        self.reputation.retain(|_, r| *r != 0);
        self.counters.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(2));
        let ended: Vec<PeerId> =
            self.banned.iter().filter(|(_, until)| **until <= now).map(|(p, _)| *p).collect();
        for peer in &ended {
            self.banned.remove(peer);
        }
        ended
    }

    /// `peer`'s reputation (0 for a peer never reported or healed).
    pub fn reputation(&self, peer: &PeerId) -> i32 {
        self.reputation.get(peer).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_misbehaviour_bans_and_small_ones_add_up_and_heal() {
        let mut set = PeerSet::new(Duration::from_millis(50));
        let (a, b) = (PeerId::random(), PeerId::random());
        assert!(set.report(a, Misbehaviour::Undecodable(Protocol::Grandpa)));
        assert!(set.is_banned(&a));
        assert!(!set.report(b, Misbehaviour::BadResponse(Protocol::Sync)));
        assert!(!set.is_banned(&b));
        assert!(!set.report(b, Misbehaviour::BadResponse(Protocol::Sync)));
        assert!(!set.report(b, Misbehaviour::BadResponse(Protocol::Sync)));
        assert!(set.report(b, Misbehaviour::BadResponse(Protocol::Sync)), "four bad answers ban");
        std::thread::sleep(Duration::from_millis(60));
        let ended = set.tick();
        assert_eq!(ended.len(), 2);
        assert!(!set.is_banned(&a));
        let c = PeerId::random();
        set.report(c, Misbehaviour::Useless(Protocol::BlockAnnounces));
        assert!(set.reputation(&c) < 0);
        for _ in 0..2000 {
            set.tick();
        }
        assert_eq!(set.reputation(&c), 0, "reputation heals back to zero");
        assert!(set.reputation.is_empty(), "a healed peer leaves the map");
    }

    #[test]
    fn rate_limit_counts_per_peer_and_protocol() {
        let mut set = PeerSet::new(Duration::from_secs(1));
        let a = PeerId::random();
        let limit = Protocol::BlockAnnounces.rate_limit();
        for _ in 0..limit {
            assert!(set.note_message(a, Protocol::BlockAnnounces));
        }
        assert!(!set.note_message(a, Protocol::BlockAnnounces));
        assert!(set.note_message(a, Protocol::Grandpa));
        assert!(set.note_message(PeerId::random(), Protocol::BlockAnnounces));
    }
}
