//! GRANDPA gossip between voters over any peer-to-peer transport.
//!
//! [`GrandpaGossip`] is the [`GrandpaNetwork`] of a node with peers. The network layer
//! owns the connections and feeds it events; it answers through a [`GossipTransport`]:
//!
//! ```text
//!  network ── on_peer_connected / on_peer_disconnected / on_message(bytes) ──▶ GrandpaGossip
//!  network ◀── GossipTransport::send(peer, bytes) / report(peer, Misbehaviour) ── GrandpaGossip
//!  voter   ◀── round_messages (votes), global_messages (commits, catch-ups) ── GrandpaGossip
//!  voter   ── broadcast (own votes), broadcast_commit, note_round, note_completed ──▶ GrandpaGossip
//! ```
//!
//! - Every message is size-checked before decoding ([`MAX_MESSAGE_SIZE`]), then
//!   verified (voter set membership, signatures, thresholds) before it reaches the voter
//!   or is forwarded. Invalid input is reported with a fatal [`Misbehaviour`]; stale or
//!   duplicate input is dropped, at most reported as non-fatal.
//! - Only the current authority set and a window of rounds around the voter's round are
//!   kept; messages of other sets or far-away rounds are ignored without penalty.
//!   Memory is bounded: a seen-cache of message hashes, a known-cache per peer, at most
//!   two votes of each kind per voter and round, a bounded number of peers.
//! - A peer whose round is more than one ahead of ours is asked for a catch-up: the
//!   votes of its last completed round, which let the voter jump to the network's round.
//!   Each peer gets at most one answer per completed round.
//! - Messages may be lost (a full queue, a partition). A round that stalls between two
//!   calls of [`GrandpaGossip::rebroadcast_if_stalled`] sends this node's own votes of
//!   the round and its neighbor packet again, so a network that heals finalizes again.
//! - The gossip layer never blocks on the transport: `send` must queue and return, and
//!   it is never called with the gossip's lock held.
//!
//! ## Plugging it into a network
//!
//! ```no_run
//! use lattice_consensus::grandpa::gossip::{GossipTransport, GrandpaGossip, Misbehaviour};
//! use lattice_consensus::grandpa::{EquivocationLog, GrandpaNetwork};
//! use std::sync::Arc;
//!
//! /// The network's side: queue bytes for a peer, ban on fatal misbehaviour.
//! struct Net;
//! impl GossipTransport<u64> for Net {
//!     fn send(&self, to: &u64, message: Vec<u8>) { /* queue on the GRANDPA protocol */ }
//!     fn report(&self, who: &u64, m: Misbehaviour) { if m.is_fatal() { /* ban `who` */ } }
//! }
//!
//! let equivocations = EquivocationLog::default();
//! let gossip = Arc::new(GrandpaGossip::new(Arc::new(Net), equivocations.clone()));
//! // Give `gossip.clone()` as `GrandpaParams::network` and `equivocations` as
//! // `GrandpaParams::equivocations`; then, from the network's event loop:
//! gossip.on_peer_connected(&7);
//! gossip.on_message(&7, &[0x02, 0x00]); // undecodable: reported as fatal
//! gossip.on_peer_disconnected(&7);
//! let _network: Arc<dyn GrandpaNetwork> = gossip;
//! ```

mod message;

pub use message::{GossipMessage, MAX_MESSAGE_SIZE};

use crate::grandpa::equivocation::{EquivocationLog, EquivocationProof, VoteEquivocation};
use crate::grandpa::{
    AuthorityId, CompactGrandpaCommit, GlobalMessage, GrandpaCatchUp, GrandpaCommit,
    GrandpaNetwork, SignedVote,
};
use codec::Encode;
use finality_grandpa::voter_set::VoterSet;
use finality_grandpa::{Equivocation, Message};
use futures::channel::mpsc;
use futures::stream::BoxStream;
use futures::StreamExt;
use lattice_primitives::BlockNumber;
use message::{check_catch_up, check_commit, check_vote};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

/// Peers tracked at once; further connections are ignored until one leaves.
pub const MAX_PEERS: usize = 512;
/// How often the network layer calls [`GrandpaGossip::rebroadcast_if_stalled`]: a round
/// that has not moved for this long is taken as stalled by lost messages.
pub const REBROADCAST_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
/// Hashes of messages already handled.
const SEEN_CAPACITY: usize = 8192;
/// Hashes of messages a peer is known to have, per peer.
const KNOWN_PER_PEER: usize = 2048;
/// Commits and catch-ups waiting for the voter; more are dropped.
const GLOBAL_BUFFER: usize = 64;
/// Votes are accepted for rounds within this distance of the voter's round.
const ROUND_WINDOW: u64 = 1;
/// Ignored signs of a peer far ahead after which an unanswered catch-up request is
/// sent again (a count, not a clock: protocol code takes no wall-clock time).
const CATCH_UP_RETRY: u32 = 16;

/// Bad behaviour of a peer, reported to the transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misbehaviour {
    /// The message does not decode, or has trailing bytes.
    Undecodable,
    /// The message is longer than [`MAX_MESSAGE_SIZE`].
    Oversized,
    /// A vote, commit or catch-up carries a signature that does not verify.
    BadSignature,
    /// A vote, commit or catch-up is signed by a key outside the voter set.
    NotAVoter,
    /// A commit is malformed or its signers do not reach the threshold.
    InvalidCommit,
    /// A catch-up's prevotes or precommits do not reach the threshold.
    InvalidCatchUp,
    /// A catch-up that was not asked for, or no longer useful.
    Unsolicited,
    /// A message about a round or block we are past.
    Stale,
    /// The peer sent the same message twice.
    Duplicate,
}

impl Misbehaviour {
    /// Whether the peer is certainly faulty or hostile (the network bans it) rather than
    /// slow or unlucky.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::Undecodable
                | Self::Oversized
                | Self::BadSignature
                | Self::NotAVoter
                | Self::InvalidCommit
                | Self::InvalidCatchUp
        )
    }
}

/// How the gossip layer reaches peers; implemented by the network.
pub trait GossipTransport<P>: Send + Sync + 'static {
    /// Queues `message` (an encoded [`GossipMessage`]) for peer `to`. Must not block nor
    /// call back into the gossip layer.
    fn send(&self, to: &P, message: Vec<u8>);
    /// Reports that `who` misbehaved; the network bans it when
    /// [`Misbehaviour::is_fatal`].
    fn report(&self, who: &P, misbehaviour: Misbehaviour);
}

/// The GRANDPA gossip of one node: validates, deduplicates and forwards votes and commits,
/// exchanges neighbor packets and catch-ups, and feeds the voter.
pub struct GrandpaGossip<P> {
    transport: Arc<dyn GossipTransport<P>>,
    equivocations: EquivocationLog,
    state: Mutex<State<P>>,
}

impl<P> GrandpaGossip<P>
where
    P: Clone + Eq + Hash + Ord + Debug + Send + Sync + 'static,
{
    /// Gossip over `transport`; conflicting votes are recorded in `equivocations` (give
    /// the same log to [`crate::grandpa::GrandpaParams`]).
    pub fn new(transport: Arc<dyn GossipTransport<P>>, equivocations: EquivocationLog) -> Self {
        Self {
            transport,
            equivocations,
            state: Mutex::new(State {
                set: None,
                peers: BTreeMap::new(),
                seen: BoundedSet::new(SEEN_CAPACITY),
                global: None,
                catch_up: CatchUpState { pending: None, misses: 0 },
            }),
        }
    }

    /// The authority set id and round of the voter, once it runs.
    pub fn round(&self) -> Option<(u64, u64)> {
        self.state.lock().set.as_ref().map(|s| (s.set_id, s.round))
    }

    /// A peer connected: it gets our neighbor packet, the votes of the current rounds and
    /// the best commit we know.
    pub fn on_peer_connected(&self, peer: &P) {
        let mut out = Effects::default();
        {
            let mut state = self.state.lock();
            if state.peers.len() >= MAX_PEERS || state.peers.contains_key(peer) {
                return;
            }
            let mut known = BoundedSet::new(KNOWN_PER_PEER);
            if let Some(set) = &state.set {
                out.send(peer, set.neighbor());
                for (&round, votes) in set.rounds.range(set.round.saturating_sub(ROUND_WINDOW)..) {
                    for vote in &votes.votes {
                        let message = GossipMessage::Vote {
                            round,
                            set_id: set.set_id,
                            message: vote.clone(),
                        }
                        .encode();
                        known.insert(hash(&message), false);
                        out.sends.push((peer.clone(), message));
                    }
                }
                if let Some((_, _, commit)) = &set.best_commit {
                    known.insert(hash(commit), false);
                    out.sends.push((peer.clone(), commit.clone()));
                }
            }
            state.peers.insert(peer.clone(), PeerState { view: None, known, answered: None });
        }
        self.apply(out);
    }

    /// A peer disconnected: its state is dropped.
    pub fn on_peer_disconnected(&self, peer: &P) {
        let mut state = self.state.lock();
        state.peers.remove(peer);
        if state.catch_up.pending.as_ref().is_some_and(|(p, _)| p == peer) {
            state.catch_up.pending = None;
        }
    }

    /// A message from `peer`: checked, used and forwarded, or reported.
    pub fn on_message(&self, peer: &P, bytes: &[u8]) {
        let mut out = Effects::default();
        {
            let mut state = self.state.lock();
            if !state.peers.contains_key(peer) {
                return;
            }
            match GossipMessage::decode_bounded(bytes) {
                Ok(message) => state.handle(peer, message, &self.equivocations, &mut out),
                Err(m) => out.report(peer, m),
            }
        }
        self.apply(out);
    }

    /// Call every [`REBROADCAST_INTERVAL`]. When the voter is in the same round as at
    /// the previous call, sends this node's own votes of the round again to every peer
    /// that has not sent them back, and the neighbor packet to every peer (a peer ahead
    /// then answers a catch-up request, a peer behind asks for one). A vote lost on its
    /// way (a full queue, a partition that healed) would otherwise keep the round from
    /// completing for good; a peer that had it drops the copy as a duplicate.
    pub fn rebroadcast_if_stalled(&self) {
        let mut out = Effects::default();
        {
            let mut guard = self.state.lock();
            let state = &mut *guard;
            let Some(set) = state.set.as_mut() else { return };
            let round = (set.set_id, set.round);
            if set.last_check.replace(round) != Some(round) || set.round == 0 {
                return;
            }
            tracing::debug!(target: "grandpa", "round {} of set {} stalled: sending our votes again", round.1, round.0);
            let neighbor = set.neighbor().encode();
            let own: Vec<([u8; 32], &Vec<u8>)> = set
                .own
                .iter()
                .filter(|(r, _)| *r == set.round)
                .map(|(_, m)| (hash(m), m))
                .collect();
            for (peer, p) in state.peers.iter() {
                out.sends.push((peer.clone(), neighbor.clone()));
                for (h, message) in &own {
                    if p.known.get(h) != Some(&true) {
                        out.sends.push((peer.clone(), (*message).clone()));
                    }
                }
            }
        }
        self.apply(out);
    }

    fn apply(&self, out: Effects<P>) {
        for (peer, m) in out.reports {
            tracing::debug!(target: "grandpa", "peer {peer:?} misbehaved: {m:?}");
            self.transport.report(&peer, m);
        }
        for (peer, bytes) in out.sends {
            self.transport.send(&peer, bytes);
        }
    }
}

impl<P> GrandpaNetwork for GrandpaGossip<P>
where
    P: Clone + Eq + Hash + Ord + Debug + Send + Sync + 'static,
{
    fn round_messages(&self, set_id: u64, round: u64) -> BoxStream<'static, SignedVote> {
        let mut state = self.state.lock();
        let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) else {
            return futures::stream::pending().boxed();
        };
        if round + ROUND_WINDOW + 1 < set.round {
            return futures::stream::pending().boxed();
        }
        let (tx, rx) = mpsc::unbounded();
        let entry = set.rounds.entry(round).or_default();
        for vote in &entry.votes {
            let _ = tx.unbounded_send(vote.clone());
        }
        entry.subscribers.push(tx);
        rx.boxed()
    }

    fn broadcast(&self, set_id: u64, round: u64, vote: SignedVote) {
        let mut out = Effects::default();
        {
            let mut guard = self.state.lock();
            let state = &mut *guard;
            let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) else { return };
            let message = GossipMessage::Vote { round, set_id, message: vote.clone() }.encode();
            let h = hash(&message);
            if !state.seen.insert(h, ()) {
                return;
            }
            set.rounds.entry(round).or_default().add(vote, set_id, round, &self.equivocations);
            for (peer, p) in state.peers.iter_mut() {
                if p.known.insert(h, false) {
                    out.sends.push((peer.clone(), message.clone()));
                }
            }
            set.own.push((round, message));
        }
        self.apply(out);
    }

    fn start_set(&self, set_id: u64, voters: &[(AuthorityId, u64)]) {
        let Some(voters) = VoterSet::new(voters.iter().cloned()) else { return };
        let mut state = self.state.lock();
        if let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) {
            // The same set's voter restarted, maybe at a lower round: follow it.
            set.round = 0;
            return;
        }
        state.set = Some(SetState {
            set_id,
            voters,
            round: 0,
            finalized_number: 0,
            rounds: BTreeMap::new(),
            completed: None,
            best_commit: None,
            own: Vec::new(),
            last_check: None,
        });
        state.catch_up = CatchUpState { pending: None, misses: 0 };
        for p in state.peers.values_mut() {
            p.answered = None;
        }
    }

    fn note_round(&self, set_id: u64, round: u64, finalized_number: BlockNumber) {
        let mut out = Effects::default();
        {
            let mut guard = self.state.lock();
            let state = &mut *guard;
            let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) else { return };
            set.finalized_number = set.finalized_number.max(finalized_number);
            if round <= set.round {
                return;
            }
            set.round = round;
            let keep_from = round.saturating_sub(ROUND_WINDOW + 1);
            set.rounds = set.rounds.split_off(&keep_from);
            set.own.retain(|(r, _)| *r >= keep_from);
            let neighbor = set.neighbor().encode();
            for peer in state.peers.keys() {
                out.sends.push((peer.clone(), neighbor.clone()));
            }
            // A peer seen far ahead before this round started may now be worth asking.
            let ahead = state
                .peers
                .iter()
                .filter_map(|(peer, p)| match p.view {
                    Some((s, r, _)) if s == set_id => Some((r, peer.clone())),
                    _ => None,
                })
                .max();
            if let Some((their_round, peer)) = ahead {
                state.maybe_catch_up(&peer, their_round, &mut out);
            }
        }
        self.apply(out);
    }

    fn note_completed(&self, set_id: u64, catch_up: GrandpaCatchUp) {
        let mut state = self.state.lock();
        if let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) {
            if set.completed.as_ref().is_none_or(|c| c.round_number < catch_up.round_number) {
                set.completed = Some(catch_up);
            }
        }
    }

    fn global_messages(&self, set_id: u64) -> BoxStream<'static, GlobalMessage> {
        let (tx, rx) = mpsc::channel(GLOBAL_BUFFER);
        self.state.lock().global = Some((set_id, tx));
        rx.boxed()
    }

    fn broadcast_commit(&self, set_id: u64, round: u64, commit: GrandpaCommit) {
        let mut out = Effects::default();
        {
            let mut guard = self.state.lock();
            let state = &mut *guard;
            let Some(set) = state.set.as_mut().filter(|s| s.set_id == set_id) else { return };
            let commit = CompactGrandpaCommit::from(commit);
            if set.best_commit.as_ref().is_some_and(|(_, n, _)| *n >= commit.target_number) {
                return;
            }
            let number = commit.target_number;
            let message = GossipMessage::Commit { round, set_id, commit }.encode();
            let h = hash(&message);
            state.seen.insert(h, ());
            for (peer, p) in state.peers.iter_mut() {
                if p.known.insert(h, false) {
                    out.sends.push((peer.clone(), message.clone()));
                }
            }
            set.best_commit = Some((round, number, message));
        }
        self.apply(out);
    }
}

/// Sends and reports decided under the lock, performed after it is released.
struct Effects<P> {
    sends: Vec<(P, Vec<u8>)>,
    reports: Vec<(P, Misbehaviour)>,
}

impl<P> Default for Effects<P> {
    fn default() -> Self {
        Self { sends: Vec::new(), reports: Vec::new() }
    }
}

impl<P: Clone> Effects<P> {
    fn send(&mut self, to: &P, message: GossipMessage) {
        self.sends.push((to.clone(), message.encode()));
    }

    fn report(&mut self, who: &P, m: Misbehaviour) {
        self.reports.push((who.clone(), m));
    }
}

struct State<P> {
    set: Option<SetState>,
    /// Ordered, so a node's sends (and a simulation's history) follow the peer order.
    peers: BTreeMap<P, PeerState>,
    seen: BoundedSet<()>,
    global: Option<(u64, mpsc::Sender<GlobalMessage>)>,
    catch_up: CatchUpState<P>,
}

/// The current authority set as the gossip layer follows it.
struct SetState {
    set_id: u64,
    voters: VoterSet<AuthorityId>,
    /// The voter's round (the highest it started).
    round: u64,
    finalized_number: BlockNumber,
    rounds: BTreeMap<u64, RoundVotes>,
    /// The votes of the last completed round, for catch-up answers.
    completed: Option<GrandpaCatchUp>,
    /// Round, target number and encoding of the best commit seen or made.
    best_commit: Option<(u64, BlockNumber, Vec<u8>)>,
    /// This node's own votes (round, encoded message) of the kept rounds.
    own: Vec<(u64, Vec<u8>)>,
    /// The set and round at the last stall check.
    last_check: Option<(u64, u64)>,
}

impl SetState {
    fn neighbor(&self) -> GossipMessage {
        GossipMessage::Neighbor {
            round: self.round,
            set_id: self.set_id,
            finalized_number: self.finalized_number,
        }
    }
}

/// The votes of one round and the voter's subscriptions to them.
#[derive(Default)]
struct RoundVotes {
    votes: Vec<SignedVote>,
    subscribers: Vec<mpsc::UnboundedSender<SignedVote>>,
}

impl RoundVotes {
    /// Keeps and delivers `vote` unless it adds nothing: at most two different votes of
    /// a kind per voter (the second is an equivocation, recorded). Returns whether kept.
    fn add(&mut self, vote: SignedVote, set_id: u64, round: u64, log: &EquivocationLog) -> bool {
        let kind = std::mem::discriminant(&vote.message);
        let mut same_kind = self
            .votes
            .iter()
            .filter(|v| v.id == vote.id && std::mem::discriminant(&v.message) == kind);
        match (same_kind.next(), same_kind.next()) {
            (None, _) => {}
            (Some(first), None) if first.message != vote.message => {
                let proof = match (&first.message, &vote.message) {
                    (Message::Prevote(a), Message::Prevote(b)) => {
                        Some(VoteEquivocation::Prevote(Equivocation {
                            round_number: round,
                            identity: vote.id,
                            first: (a.clone(), first.signature),
                            second: (b.clone(), vote.signature),
                        }))
                    }
                    (Message::Precommit(a), Message::Precommit(b)) => {
                        Some(VoteEquivocation::Precommit(Equivocation {
                            round_number: round,
                            identity: vote.id,
                            first: (a.clone(), first.signature),
                            second: (b.clone(), vote.signature),
                        }))
                    }
                    _ => None,
                };
                match proof {
                    Some(equivocation) => {
                        log.record(EquivocationProof { set_id, equivocation });
                    }
                    // Two primary proposals: nothing to prove on chain, nothing to keep.
                    None => return false,
                }
            }
            _ => return false,
        }
        self.subscribers.retain(|tx| tx.unbounded_send(vote.clone()).is_ok());
        self.votes.push(vote);
        true
    }
}

struct PeerState {
    /// The peer's last neighbor packet: set id, round, finalized number.
    view: Option<(u64, u64, BlockNumber)>,
    /// Messages the peer has (`true`: it sent them to us).
    known: BoundedSet<bool>,
    /// The last completed round we sent it as a catch-up.
    answered: Option<u64>,
}

struct CatchUpState<P> {
    /// The peer asked and our round when we asked.
    pending: Option<(P, u64)>,
    /// Signs of a peer far ahead seen since the request.
    misses: u32,
}

impl<P> State<P>
where
    P: Clone + Eq + Hash + Ord + Debug + Send + Sync + 'static,
{
    fn handle(
        &mut self,
        peer: &P,
        message: GossipMessage,
        log: &EquivocationLog,
        out: &mut Effects<P>,
    ) {
        match message {
            GossipMessage::Vote { round, set_id, message } => {
                self.on_vote(peer, round, set_id, message, log, out)
            }
            GossipMessage::Commit { round, set_id, commit } => {
                self.on_commit(peer, round, set_id, commit, out)
            }
            GossipMessage::Neighbor { round, set_id, finalized_number } => {
                if let Some(p) = self.peers.get_mut(peer) {
                    p.view = Some((set_id, round, finalized_number));
                }
                if self.set.as_ref().is_some_and(|s| s.set_id == set_id) {
                    self.maybe_catch_up(peer, round, out);
                }
            }
            GossipMessage::CatchUpRequest { round, set_id } => {
                self.on_catch_up_request(peer, round, set_id, out)
            }
            GossipMessage::CatchUp { set_id, catch_up } => {
                self.on_catch_up(peer, set_id, catch_up, out)
            }
        }
    }

    fn on_vote(
        &mut self,
        peer: &P,
        round: u64,
        set_id: u64,
        vote: SignedVote,
        log: &EquivocationLog,
        out: &mut Effects<P>,
    ) {
        let Some(our_round) = self.set.as_ref().filter(|s| s.set_id == set_id).map(|s| s.round)
        else {
            return;
        };
        if round > our_round + ROUND_WINDOW {
            self.maybe_catch_up(peer, round, out);
            return;
        }
        if round + ROUND_WINDOW < our_round {
            return;
        }
        let Some(set) = self.set.as_mut() else { return };
        let message = GossipMessage::Vote { round, set_id, message: vote.clone() }.encode();
        let h = hash(&message);
        if !note_received(&mut self.peers, &self.seen, peer, h, out) {
            return;
        }
        if let Err(m) = check_vote(&set.voters, set_id, round, &vote) {
            out.report(peer, m);
            return;
        }
        self.seen.insert(h, ());
        if set.rounds.entry(round).or_default().add(vote, set_id, round, log) {
            forward(&mut self.peers, h, &message, out);
        }
    }

    fn on_commit(
        &mut self,
        peer: &P,
        round: u64,
        set_id: u64,
        commit: CompactGrandpaCommit,
        out: &mut Effects<P>,
    ) {
        let Some(set) = self.set.as_mut().filter(|s| s.set_id == set_id) else { return };
        let message = GossipMessage::Commit { round, set_id, commit: commit.clone() }.encode();
        let h = hash(&message);
        if !note_received(&mut self.peers, &self.seen, peer, h, out) {
            return;
        }
        // Commits that finalize nothing new cost a signature check each: drop them first.
        let best = set.best_commit.as_ref().map_or(set.finalized_number, |(_, n, _)| *n);
        if commit.target_number <= best {
            return;
        }
        if let Err(m) = check_commit(&set.voters, set_id, round, &commit) {
            out.report(peer, m);
            return;
        }
        self.seen.insert(h, ());
        let number = commit.target_number;
        if let Some((s, tx)) = &mut self.global {
            if *s == set_id && tx.try_send(GlobalMessage::Commit { round, commit }).is_err() {
                tracing::debug!(target: "grandpa", "the voter lags; dropping a commit");
            }
        }
        forward(&mut self.peers, h, &message, out);
        set.best_commit = Some((round, number, message));
    }

    fn on_catch_up_request(&mut self, peer: &P, round: u64, set_id: u64, out: &mut Effects<P>) {
        let Some(set) = self.set.as_ref().filter(|s| s.set_id == set_id) else { return };
        let Some(completed) = set.completed.as_ref().filter(|c| c.round_number > round) else {
            return;
        };
        let Some(p) = self.peers.get_mut(peer) else { return };
        if p.answered.is_some_and(|r| r >= completed.round_number) {
            return;
        }
        p.answered = Some(completed.round_number);
        out.send(peer, GossipMessage::CatchUp { set_id, catch_up: completed.clone() });
    }

    fn on_catch_up(
        &mut self,
        peer: &P,
        set_id: u64,
        catch_up: GrandpaCatchUp,
        out: &mut Effects<P>,
    ) {
        if self.catch_up.pending.as_ref().is_none_or(|(p, _)| p != peer) {
            out.report(peer, Misbehaviour::Unsolicited);
            return;
        }
        self.catch_up.pending = None;
        let Some(set) = self.set.as_ref().filter(|s| s.set_id == set_id) else { return };
        if catch_up.round_number <= set.round {
            out.report(peer, Misbehaviour::Stale);
            return;
        }
        if let Err(m) = check_catch_up(&set.voters, set_id, &catch_up) {
            out.report(peer, m);
            return;
        }
        tracing::debug!(target: "grandpa", "catching up to round {} from {peer:?}", catch_up.round_number);
        if let Some((s, tx)) = &mut self.global {
            if *s == set_id && tx.try_send(GlobalMessage::CatchUp(catch_up)).is_err() {
                tracing::debug!(target: "grandpa", "the voter lags; dropping a catch-up");
            }
        }
    }

    /// Asks `peer` for a catch-up when `their_round` is more than one ahead of ours and
    /// no request is pending (or the pending one looks lost).
    fn maybe_catch_up(&mut self, peer: &P, their_round: u64, out: &mut Effects<P>) {
        let Some(set) = self.set.as_ref() else { return };
        if set.round == 0 || their_round <= set.round + 1 {
            return;
        }
        if let Some((_, asked_at)) = &self.catch_up.pending {
            if *asked_at == set.round && self.catch_up.misses < CATCH_UP_RETRY {
                self.catch_up.misses += 1;
                return;
            }
        }
        self.catch_up = CatchUpState { pending: Some((peer.clone(), set.round)), misses: 0 };
        out.send(peer, GossipMessage::CatchUpRequest { round: set.round, set_id: set.set_id });
    }
}

/// Notes that `peer` sent the message with hash `h`; returns whether it is new to us.
fn note_received<P: Clone + Ord>(
    peers: &mut BTreeMap<P, PeerState>,
    seen: &BoundedSet<()>,
    peer: &P,
    h: [u8; 32],
    out: &mut Effects<P>,
) -> bool {
    if let Some(p) = peers.get_mut(peer) {
        if p.known.get(&h) == Some(&true) {
            out.report(peer, Misbehaviour::Duplicate);
        }
        p.known.set(h, true);
    }
    !seen.contains(&h)
}

/// Sends `message` (hash `h`) to every peer not known to have it.
fn forward<P: Clone + Ord>(
    peers: &mut BTreeMap<P, PeerState>,
    h: [u8; 32],
    message: &[u8],
    out: &mut Effects<P>,
) {
    for (peer, p) in peers.iter_mut() {
        if p.known.insert(h, false) {
            out.sends.push((peer.clone(), message.to_vec()));
        }
    }
}

/// A set of message hashes with values, forgetting the oldest beyond its capacity.
struct BoundedSet<V> {
    map: HashMap<[u8; 32], V>,
    order: VecDeque<[u8; 32]>,
    capacity: usize,
}

impl<V> BoundedSet<V> {
    fn new(capacity: usize) -> Self {
        Self { map: HashMap::new(), order: VecDeque::new(), capacity }
    }

    fn contains(&self, h: &[u8; 32]) -> bool {
        self.map.contains_key(h)
    }

    fn get(&self, h: &[u8; 32]) -> Option<&V> {
        self.map.get(h)
    }

    /// Inserts `h` if missing; returns whether it was missing.
    fn insert(&mut self, h: [u8; 32], value: V) -> bool {
        if self.map.contains_key(&h) {
            return false;
        }
        self.set(h, value);
        true
    }

    /// Inserts or overwrites.
    fn set(&mut self, h: [u8; 32], value: V) {
        if self.map.insert(h, value).is_none() {
            self.order.push_back(h);
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
}

fn hash(bytes: &[u8]) -> [u8; 32] {
    lattice_io::hashing::blake2_256(bytes)
}
