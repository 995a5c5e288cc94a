//! GRANDPA finality through `finality-grandpa`'s voter.
//!
//! [`GrandpaEnvironment`] gives the voter the chain (ancestry, best block), the timers
//! and the round messages; votes are signed with the node's ed25519 `gran` key over
//! Substrate's payload `(message, round, set_id)`, and a finalized block is stored with
//! its [`GrandpaJustification`] (Substrate's encoding, engine `FRNK`).
//!
//! Messages travel through a [`GrandpaNetwork`]: [`LocalNetwork`] loops them back inside
//! the process (a dev chain's single voter); [`gossip::GrandpaGossip`] carries them
//! between voters over any peer-to-peer transport.
//!
//! ## Authority set changes
//!
//! The runtime's GRANDPA pallet increments `GrandpaApi_current_set_id` in `on_finalize`
//! of the block that enacts a change (signalling block + delay). The voter of set `n`
//! finalizes up to that block and no further ([`GrandpaEnvironment`] cuts the best chain
//! there); when a finalized block (by this voter, by a commit, or by a justification
//! imported with a block) reports another set id, [`run_grandpa`] ends the voter and
//! starts the next set's voter from that block, at round 1.
//!
//! Not handled: forced changes (the pallet's `ForcedChange` log, for a stalled set, is
//! enacted here only once a block at or after it is finalized by other means, e.g. a
//! justification from sync), pauses and resumes (`Pause`/`Resume` logs) and disabled
//! authorities (`OnDisabled`): the voter ignores these digest items. Catching up across
//! sets is left to block sync, which brings justifications.

pub mod equivocation;
pub mod gossip;
mod voter;
pub mod warp;

pub use equivocation::{EquivocationLog, EquivocationProof, VoteEquivocation};
pub use voter::run_grandpa;

use crate::{Error, Result};
use codec::{Decode, Encode};
use finality_grandpa::voter::{
    Callback, CommunicationIn, CommunicationOut, Environment, RoundData, Voter,
};
use finality_grandpa::voter_set::VoterSet;
use finality_grandpa::{
    CatchUp, Chain, Commit, CompactCommit, Equivocation, HistoricalVotes, Message, Precommit,
    Prevote, PrimaryPropose, SignedMessage, SignedPrecommit, SignedPrevote,
};
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt, Sink, StreamExt};
use lattice_chain::Client;
use lattice_io::KeyScheme;
use lattice_keystore::LocalKeystore;
use lattice_primitives::api::methods::{GRANDPA_AUTHORITIES, GRANDPA_CURRENT_SET_ID};
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_primitives::{BlockNumber, Header, H256};
use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Key type of GRANDPA keys in the keystore.
pub const GRANDPA_KEY_TYPE: [u8; 4] = *b"gran";

/// A voter's id: its ed25519 public key.
pub type AuthorityId = [u8; 32];
/// An ed25519 signature.
pub type AuthoritySignature = [u8; 64];
/// A signed vote.
pub type SignedVote = SignedMessage<H256, BlockNumber, AuthoritySignature, AuthorityId>;
/// A commit: a block and the precommits that finalize it.
pub type GrandpaCommit = Commit<H256, BlockNumber, AuthoritySignature, AuthorityId>;
/// A commit as sent on the wire: precommits and signatures in two lists.
pub type CompactGrandpaCommit = CompactCommit<H256, BlockNumber, AuthoritySignature, AuthorityId>;
/// The prevotes and precommits of a completed round, which let a lagging voter jump to
/// the next round.
pub type GrandpaCatchUp = CatchUp<H256, BlockNumber, AuthoritySignature, AuthorityId>;

/// Proof that a block is final: a commit of a round and the headers linking its
/// precommits' targets to the committed block (Substrate's `GrandpaJustification`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct GrandpaJustification {
    /// The round that finalized the block.
    pub round: u64,
    /// The commit.
    pub commit: GrandpaCommit,
    /// Headers between precommit targets and the committed block.
    pub votes_ancestries: Vec<Header>,
}

/// The bytes a voter signs: `(message, round, set_id)`, SCALE encoded.
pub fn localized_payload(round: u64, set_id: u64, message: &Message<H256, BlockNumber>) -> Vec<u8> {
    (message, round, set_id).encode()
}

/// Whether `signature` is `id`'s over the localized payload of `message`.
pub fn check_message_signature(
    message: &Message<H256, BlockNumber>,
    id: &AuthorityId,
    signature: &AuthoritySignature,
    round: u64,
    set_id: u64,
) -> bool {
    use sp_core::Pair as _;
    sp_core::ed25519::Pair::verify(
        &sp_core::ed25519::Signature::from_raw(*signature),
        localized_payload(round, set_id, message),
        &sp_core::ed25519::Public::from_raw(*id),
    )
}

/// The GRANDPA authorities (id, weight) at block `at` and the current set id.
pub fn authority_set(client: &Client, at: &H256) -> Result<(Vec<(AuthorityId, u64)>, u64)> {
    let out = client.call(at, GRANDPA_AUTHORITIES, &[])?;
    let authorities = Vec::<(AuthorityId, u64)>::decode(&mut &out[..]).map_err(|e| {
        Error::BadRuntimeAnswer { method: GRANDPA_AUTHORITIES, reason: e.to_string() }
    })?;
    Ok((authorities, current_set_id(client, at)?))
}

/// The authority set id after block `at`.
fn current_set_id(client: &Client, at: &H256) -> Result<u64> {
    let out = client.call(at, GRANDPA_CURRENT_SET_ID, &[])?;
    u64::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
        method: GRANDPA_CURRENT_SET_ID,
        reason: e.to_string(),
    })
}

/// Ancestry over a set of headers (a justification's `votes_ancestries` plus the target).
struct AncestryChain {
    headers: HashMap<H256, Header>,
}

impl Chain<H256, BlockNumber> for AncestryChain {
    fn ancestry(&self, base: H256, block: H256) -> Result<Vec<H256>, finality_grandpa::Error> {
        let mut route = Vec::new();
        let mut current = block;
        loop {
            if current == base {
                break;
            }
            let header =
                self.headers.get(&current).ok_or(finality_grandpa::Error::NotDescendent)?;
            current = header.parent_hash;
            route.push(current);
        }
        route.pop();
        Ok(route)
    }
}

impl GrandpaJustification {
    /// Decodes `encoded` and checks that it proves `(hash, number)` final for the voter
    /// set `voters` with id `set_id`: every precommit signed by a voter of the set, for a
    /// descendant of the block, and more than two thirds of the weight behind it.
    pub fn verify(
        encoded: &[u8],
        hash: H256,
        number: BlockNumber,
        set_id: u64,
        voters: &[(AuthorityId, u64)],
    ) -> Result<Self> {
        let bad = |reason: String| Error::BadJustification { hash, reason };
        let mut input = encoded;
        let justification = Self::decode(&mut input).map_err(|e| bad(e.to_string()))?;
        if !input.is_empty() {
            return Err(bad("trailing bytes".into()));
        }
        justification.check(hash, number, set_id, voters)?;
        Ok(justification)
    }

    /// Checks that this justification proves `(hash, number)` final for the voter set
    /// `voters` with id `set_id` (see [`GrandpaJustification::verify`]).
    pub fn check(
        &self,
        hash: H256,
        number: BlockNumber,
        set_id: u64,
        voters: &[(AuthorityId, u64)],
    ) -> Result<()> {
        let bad = |reason: String| Error::BadJustification { hash, reason };
        let justification = self;
        let commit = &justification.commit;
        if (commit.target_hash, commit.target_number) != (hash, number) {
            return Err(bad(format!(
                "it is for block #{} {:?}",
                commit.target_number, commit.target_hash
            )));
        }
        let set =
            VoterSet::new(voters.iter().cloned()).ok_or_else(|| bad("empty voter set".into()))?;
        for signed in &commit.precommits {
            let message = Message::Precommit(signed.precommit.clone());
            if !check_message_signature(
                &message,
                &signed.id,
                &signed.signature,
                justification.round,
                set_id,
            ) {
                return Err(bad(format!("bad signature of voter {}", hex(&signed.id))));
            }
        }
        let mut headers: HashMap<H256, Header> =
            justification.votes_ancestries.iter().map(|h| (h.hash(), h.clone())).collect();
        headers.remove(&hash);
        let chain = AncestryChain { headers };
        let result = finality_grandpa::validate_commit(commit, &set, &chain)
            .map_err(|e| bad(format!("{e:?}")))?;
        if !result.is_valid() {
            return Err(bad("the precommits do not reach the threshold".into()));
        }
        Ok(())
    }
}

/// A justification of `(hash, number)` made of one precommit by each of `voters` in
/// round `round` of set `set_id`: what a commit of those voters amounts to. For chains
/// whose voters are all local keys (benchmarks, tests); a running network's
/// justifications come from the voter.
pub fn sign_justification(
    voters: &[sp_core::ed25519::Pair],
    round: u64,
    set_id: u64,
    hash: H256,
    number: BlockNumber,
) -> GrandpaJustification {
    use sp_core::Pair;
    let precommit = Precommit { target_hash: hash, target_number: number };
    let payload = localized_payload(round, set_id, &Message::Precommit(precommit.clone()));
    let precommits = voters
        .iter()
        .map(|pair| finality_grandpa::SignedPrecommit {
            precommit: precommit.clone(),
            signature: pair.sign(&payload).0,
            id: pair.public().0,
        })
        .collect();
    GrandpaJustification {
        round,
        commit: Commit { target_hash: hash, target_number: number, precommits },
        votes_ancestries: Vec::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A message for the voter as a whole rather than one round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalMessage {
    /// A commit of another voter, its signatures and threshold checked.
    Commit {
        /// The round of the precommits.
        round: u64,
        /// The commit.
        commit: CompactGrandpaCommit,
    },
    /// A catch-up answered by a peer, its signatures and thresholds checked.
    CatchUp(GrandpaCatchUp),
}

/// Carries messages between voters. The methods with default bodies serve transports
/// with peers; a single node's [`LocalNetwork`] needs none of them.
pub trait GrandpaNetwork: Send + Sync + 'static {
    /// The messages of round `round` of set `set_id` from every voter, this node's own
    /// included, as they arrive (unverified: the environment checks signatures).
    fn round_messages(&self, set_id: u64, round: u64) -> BoxStream<'static, SignedVote>;
    /// Sends this node's `message` of `round` to every voter (and to itself).
    fn broadcast(&self, set_id: u64, round: u64, message: SignedVote);
    /// The voter of authority set `set_id`, with these voters and weights, starts.
    fn start_set(&self, _set_id: u64, _voters: &[(AuthorityId, u64)]) {}
    /// The voter started `round`; `finalized_number` is the node's finalized block.
    fn note_round(&self, _set_id: u64, _round: u64, _finalized_number: BlockNumber) {}
    /// A round completed with these votes (kept to answer catch-up requests).
    fn note_completed(&self, _set_id: u64, _catch_up: GrandpaCatchUp) {}
    /// Commits and catch-ups from peers for the voter of `set_id`; a new call replaces
    /// the previous stream. Never ends by default.
    fn global_messages(&self, _set_id: u64) -> BoxStream<'static, GlobalMessage> {
        futures::stream::pending().boxed()
    }
    /// Sends this node's commit of `round` to the peers.
    fn broadcast_commit(&self, _set_id: u64, _round: u64, _commit: GrandpaCommit) {}
}

/// Rounds of messages kept for late subscribers.
const KEPT_ROUNDS: usize = 8;

/// The network of a single node: messages loop back to their sender.
#[derive(Default)]
pub struct LocalNetwork {
    rounds: Mutex<BTreeMap<(u64, u64), LocalRound>>,
}

#[derive(Default)]
struct LocalRound {
    messages: Vec<SignedVote>,
    subscribers: Vec<futures::channel::mpsc::UnboundedSender<SignedVote>>,
}

impl GrandpaNetwork for LocalNetwork {
    fn round_messages(&self, set_id: u64, round: u64) -> BoxStream<'static, SignedVote> {
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let mut rounds = self.rounds.lock();
        let entry = rounds.entry((set_id, round)).or_default();
        for m in &entry.messages {
            let _ = tx.unbounded_send(m.clone());
        }
        entry.subscribers.push(tx);
        while rounds.len() > KEPT_ROUNDS {
            rounds.pop_first();
        }
        rx.boxed()
    }

    fn broadcast(&self, set_id: u64, round: u64, message: SignedVote) {
        let mut rounds = self.rounds.lock();
        let entry = rounds.entry((set_id, round)).or_default();
        entry.subscribers.retain(|tx| tx.unbounded_send(message.clone()).is_ok());
        entry.messages.push(message);
        while rounds.len() > KEPT_ROUNDS {
            rounds.pop_first();
        }
    }
}

/// A sleep: the voter's timers take their clock from here (tests may simulate time).
pub type Sleep = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// The wall-clock sleep.
pub fn wall_clock_sleep() -> Sleep {
    Arc::new(|d| futures_timer::Delay::new(d).boxed())
}

/// Votes seen in the current round, for `grandpa_roundState`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// The authority set id.
    pub set_id: u64,
    /// The round.
    pub round: u64,
    /// Total weight of the voters.
    pub total_weight: u64,
    /// Weight needed to finalize (more than two thirds).
    pub threshold_weight: u64,
    /// Voters with their weight.
    pub voters: Vec<(AuthorityId, u64)>,
    /// Voters whose prevote arrived.
    pub prevoted: BTreeSet<AuthorityId>,
    /// Voters whose precommit arrived.
    pub precommitted: BTreeSet<AuthorityId>,
}

/// Settings of the voter.
pub struct GrandpaParams {
    /// The chain.
    pub client: Arc<Client>,
    /// Where the node's `gran` key lives; `None` observes without voting.
    pub keystore: Option<Arc<LocalKeystore>>,
    /// The transport of round messages.
    pub network: Arc<dyn GrandpaNetwork>,
    /// Expected time for a message to reach every voter; prevotes wait 2×, precommits 4×.
    pub gossip_duration: Duration,
    /// Where the last round this node voted in is kept across restarts, so a restarted
    /// voter never votes twice in one round.
    pub state_file: Option<PathBuf>,
    /// The clock of the timers.
    pub sleep: Sleep,
    /// Shared with the RPC's `grandpa_roundState`.
    pub report: Arc<Mutex<RoundReport>>,
    /// Where double votes seen by the voter are recorded (give the same log to
    /// [`gossip::GrandpaGossip::new`]).
    pub equivocations: EquivocationLog,
}

/// The environment of one authority set's voter.
pub struct GrandpaEnvironment(Arc<EnvInner>);

impl std::ops::Deref for GrandpaEnvironment {
    type Target = EnvInner;

    fn deref(&self) -> &EnvInner {
        &self.0
    }
}

/// What the environment and its outgoing sinks share.
pub struct EnvInner {
    client: Arc<Client>,
    keystore: Option<Arc<LocalKeystore>>,
    network: Arc<dyn GrandpaNetwork>,
    local_id: Option<AuthorityId>,
    set_id: u64,
    voters: Arc<VoterSet<AuthorityId>>,
    gossip_duration: Duration,
    state_file: Option<PathBuf>,
    sleep: Sleep,
    report: Arc<Mutex<RoundReport>>,
    equivocations: EquivocationLog,
}

impl EnvInner {
    fn timer(&self, d: Duration) -> Pin<Box<dyn futures::Future<Output = Result<()>> + Send>> {
        (self.sleep)(d).map(Ok).boxed()
    }

    /// Notes that this node takes part in `round`: kept on disk before the vote leaves.
    fn note_round(&self, round: u64) {
        if let Some(path) = &self.state_file {
            if let Err(e) = write_last_round(path, self.set_id, round) {
                tracing::error!(target: "grandpa", "cannot persist the voter's round to {}: {e}", path.display());
            }
        }
    }
}

fn write_last_round(path: &std::path::Path, set_id: u64, round: u64) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("{set_id} {round}\n"))?;
    std::fs::rename(&tmp, path)
}

/// The last round this node voted in for `set_id`, from `path`; 0 when unknown.
fn read_last_round(path: &std::path::Path, set_id: u64) -> u64 {
    let Ok(text) = std::fs::read_to_string(path) else { return 0 };
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>());
    match (parts.next(), parts.next()) {
        (Some(Ok(s)), Some(Ok(r))) if s == set_id => r,
        _ => 0,
    }
}

impl GrandpaEnvironment {
    /// Cuts `best` (a descendant of `base`) at the block enacting an authority set change:
    /// this set finalizes up to that block, the next set the blocks after it.
    fn limit_to_set(&self, base: H256, best: (H256, BlockNumber)) -> (H256, BlockNumber) {
        match current_set_id(&self.client, &best.0) {
            Ok(id) if id == self.set_id => return best,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(target: "grandpa", "cannot read the set id at {:?}: {e}", best.0);
                return best;
            }
        }
        let mut at = best;
        loop {
            let Ok(Some(header)) = self.client.header(&at.0) else { return at };
            if header.parent_hash == base {
                return at;
            }
            let parent = (header.parent_hash, header.number.saturating_sub(1));
            match current_set_id(&self.client, &parent.0) {
                Ok(id) if id != self.set_id => at = parent,
                _ => return at,
            }
        }
    }
}

impl Chain<H256, BlockNumber> for GrandpaEnvironment {
    fn ancestry(&self, base: H256, block: H256) -> Result<Vec<H256>, finality_grandpa::Error> {
        if base == block {
            return Ok(Vec::new());
        }
        let not = || finality_grandpa::Error::NotDescendent;
        let base_number = self.client.header(&base).ok().flatten().ok_or_else(not)?.number;
        let mut current = self.client.header(&block).ok().flatten().ok_or_else(not)?;
        let mut route = Vec::new();
        loop {
            if current.number <= base_number {
                return Err(not());
            }
            let parent = current.parent_hash;
            if parent == base {
                return Ok(route);
            }
            route.push(parent);
            current = self.client.header(&parent).ok().flatten().ok_or_else(not)?;
        }
    }
}

/// The outgoing votes of one round: signed, noted on disk, handed to the network.
pub struct Outgoing {
    round: u64,
    env: Arc<EnvInner>,
}

impl Sink<Message<H256, BlockNumber>> for Outgoing {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, message: Message<H256, BlockNumber>) -> Result<()> {
        let env = &self.env;
        let (Some(id), Some(keystore)) = (env.local_id, env.keystore.as_ref()) else {
            return Ok(());
        };
        let payload = localized_payload(self.round, env.set_id, &message);
        let Some(signature) = keystore.ed25519_sign(GRANDPA_KEY_TYPE, &id, &payload)? else {
            tracing::warn!(target: "grandpa", "the GRANDPA key left the keystore; not voting");
            return Ok(());
        };
        env.note_round(self.round);
        env.network.broadcast(env.set_id, self.round, SignedMessage { message, signature, id });
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }
}

type BoxTimer = Pin<Box<dyn futures::Future<Output = Result<()>> + Send>>;

/// Votes for blocks this node does not have yet, kept for the voter (which cannot place
/// a vote on an unknown block) until the block is imported; more push out the oldest.
const MAX_WAITING_VOTES: usize = 1024;

/// A round's incoming votes, each held until its target block is imported. Votes for
/// blocks at or below the finalized one that are still unknown are of another fork and
/// dropped. The node's sync fetches unknown targets (it sees the same gossip).
struct UntilImported {
    client: Arc<Client>,
    imports: futures::channel::mpsc::Receiver<lattice_chain::BlockImportNotification>,
    inner: BoxStream<'static, SignedVote>,
    waiting: VecDeque<SignedVote>,
    ready: VecDeque<SignedVote>,
}

fn vote_target(message: &Message<H256, BlockNumber>) -> (H256, BlockNumber) {
    match message {
        Message::Prevote(v) => (v.target_hash, v.target_number),
        Message::Precommit(v) => (v.target_hash, v.target_number),
        Message::PrimaryPropose(v) => (v.target_hash, v.target_number),
    }
}

impl UntilImported {
    fn has_block(&self, hash: &H256) -> bool {
        matches!(self.client.header(hash), Ok(Some(_)))
    }

    fn accept(&mut self, vote: SignedVote) {
        let (hash, number) = vote_target(&vote.message);
        if self.has_block(&hash) {
            self.ready.push_back(vote);
        } else if number > self.client.info().finalized_number {
            tracing::debug!(target: "grandpa", "holding a vote for unknown block #{number} ({hash:?})");
            self.waiting.push_back(vote);
            if self.waiting.len() > MAX_WAITING_VOTES {
                self.waiting.pop_front();
            }
        }
    }

    fn release(&mut self) {
        let finalized = self.client.info().finalized_number;
        for vote in std::mem::take(&mut self.waiting) {
            let (hash, number) = vote_target(&vote.message);
            if self.has_block(&hash) {
                self.ready.push_back(vote);
            } else if number > finalized {
                self.waiting.push_back(vote);
            }
        }
    }
}

impl futures::Stream for UntilImported {
    type Item = Result<SignedVote>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(vote) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(vote)));
            }
            match this.inner.poll_next_unpin(cx) {
                Poll::Ready(Some(vote)) => {
                    this.accept(vote);
                    continue;
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => {}
            }
            match this.imports.poll_next_unpin(cx) {
                Poll::Ready(Some(_)) => this.release(),
                // A lagging subscriber is dropped by the client: subscribe again and
                // look at what waits.
                Poll::Ready(None) => {
                    this.imports = this.client.import_notification_stream();
                    this.release();
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Environment<H256, BlockNumber> for GrandpaEnvironment {
    type Timer = BoxTimer;
    type BestChain =
        Pin<Box<dyn futures::Future<Output = Result<Option<(H256, BlockNumber)>>> + Send>>;
    type Id = AuthorityId;
    type Signature = AuthoritySignature;
    type In = Pin<Box<dyn futures::Stream<Item = Result<SignedVote>> + Send>>;
    type Out = Pin<Box<Outgoing>>;
    type Error = Error;

    fn best_chain_containing(&self, base: H256) -> Self::BestChain {
        let info = self.client.info();
        let best = if info.best_hash == base || self.ancestry(base, info.best_hash).is_ok() {
            Some(self.limit_to_set(base, (info.best_hash, info.best_number)))
        } else {
            None
        };
        futures::future::ready(Ok(best)).boxed()
    }

    fn round_data(&self, round: u64) -> RoundData<AuthorityId, BoxTimer, Self::In, Self::Out> {
        self.network.note_round(self.set_id, round, self.client.info().finalized_number);
        {
            let mut report = self.report.lock();
            if report.round != round || report.set_id != self.set_id {
                *report = RoundReport {
                    set_id: self.set_id,
                    round,
                    total_weight: self.voters.total_weight().get(),
                    threshold_weight: self.voters.threshold().get(),
                    voters: self
                        .voters
                        .iter()
                        .map(|(id, info)| (*id, info.weight().get()))
                        .collect(),
                    ..Default::default()
                };
            }
        }
        let set_id = self.set_id;
        let voters = self.voters.clone();
        let report = self.report.clone();
        let incoming = self.network.round_messages(set_id, round).filter_map(move |m| {
            let valid = voters.contains(&m.id)
                && check_message_signature(&m.message, &m.id, &m.signature, round, set_id);
            if !valid {
                tracing::debug!(target: "grandpa", "dropping a vote with a bad signature or voter");
                return futures::future::ready(None);
            }
            let mut r = report.lock();
            if r.round == round {
                match m.message {
                    Message::Prevote(_) => {
                        r.prevoted.insert(m.id);
                    }
                    Message::Precommit(_) => {
                        r.precommitted.insert(m.id);
                    }
                    Message::PrimaryPropose(_) => {}
                }
            }
            futures::future::ready(Some(m))
        });
        let incoming = UntilImported {
            client: self.client.clone(),
            imports: self.client.import_notification_stream(),
            inner: incoming.boxed(),
            waiting: VecDeque::new(),
            ready: VecDeque::new(),
        };
        RoundData {
            voter_id: self.local_id,
            prevote_timer: self.timer(self.gossip_duration * 2),
            precommit_timer: self.timer(self.gossip_duration * 4),
            incoming: Box::pin(incoming),
            outgoing: Box::pin(Outgoing { round, env: self.0.clone() }),
        }
    }

    fn round_commit_timer(&self) -> BoxTimer {
        self.timer(self.gossip_duration)
    }

    fn proposed(&self, _round: u64, _propose: PrimaryPropose<H256, BlockNumber>) -> Result<()> {
        Ok(())
    }

    fn prevoted(&self, _round: u64, _prevote: Prevote<H256, BlockNumber>) -> Result<()> {
        Ok(())
    }

    fn precommitted(&self, _round: u64, _precommit: Precommit<H256, BlockNumber>) -> Result<()> {
        Ok(())
    }

    fn completed(
        &self,
        round: u64,
        _state: finality_grandpa::round::State<H256, BlockNumber>,
        base: (H256, BlockNumber),
        votes: &HistoricalVotes<H256, BlockNumber, AuthoritySignature, AuthorityId>,
    ) -> Result<()> {
        tracing::trace!(target: "grandpa", "round {round} completed");
        let mut prevotes = Vec::new();
        let mut precommits = Vec::new();
        for signed in votes.seen() {
            let (signature, id) = (signed.signature, signed.id);
            match &signed.message {
                Message::Prevote(prevote) => {
                    prevotes.push(SignedPrevote { prevote: prevote.clone(), signature, id })
                }
                Message::Precommit(precommit) => {
                    precommits.push(SignedPrecommit { precommit: precommit.clone(), signature, id })
                }
                Message::PrimaryPropose(_) => {}
            }
        }
        self.network.note_completed(
            self.set_id,
            CatchUp {
                round_number: round,
                prevotes,
                precommits,
                base_hash: base.0,
                base_number: base.1,
            },
        );
        Ok(())
    }

    fn concluded(
        &self,
        _round: u64,
        _state: finality_grandpa::round::State<H256, BlockNumber>,
        _base: (H256, BlockNumber),
        _votes: &HistoricalVotes<H256, BlockNumber, AuthoritySignature, AuthorityId>,
    ) -> Result<()> {
        Ok(())
    }

    fn finalize_block(
        &self,
        hash: H256,
        number: BlockNumber,
        round: u64,
        commit: GrandpaCommit,
    ) -> Result<()> {
        let finalized = self.client.info().finalized_number;
        if number <= finalized {
            return Ok(());
        }
        let mut ancestries = BTreeMap::new();
        for signed in &commit.precommits {
            let mut at = signed.precommit.target_hash;
            while at != hash {
                let Some(header) = self.client.header(&at)? else { break };
                if header.number <= number {
                    break;
                }
                at = header.parent_hash;
                ancestries.insert(header.hash(), header);
            }
        }
        let justification = GrandpaJustification {
            round,
            commit,
            votes_ancestries: ancestries.into_values().collect(),
        };
        match self.client.finalize_block(hash, Some((GRANDPA_ENGINE_ID, justification.encode()))) {
            Ok(()) => {
                tracing::debug!(target: "grandpa", "finalized #{number} ({hash:?}) in round {round}");
            }
            Err(e) => {
                tracing::warn!(target: "grandpa", "cannot finalize #{number} ({hash:?}): {e}")
            }
        }
        Ok(())
    }

    fn prevote_equivocation(
        &self,
        round: u64,
        equivocation: Equivocation<AuthorityId, Prevote<H256, BlockNumber>, AuthoritySignature>,
    ) {
        tracing::warn!(target: "grandpa", "voter {} prevoted twice in round {round}", hex(&equivocation.identity));
        self.equivocations.record(EquivocationProof {
            set_id: self.set_id,
            equivocation: VoteEquivocation::Prevote(equivocation),
        });
    }

    fn precommit_equivocation(
        &self,
        round: u64,
        equivocation: Equivocation<AuthorityId, Precommit<H256, BlockNumber>, AuthoritySignature>,
    ) {
        tracing::warn!(target: "grandpa", "voter {} precommitted twice in round {round}", hex(&equivocation.identity));
        self.equivocations.record(EquivocationProof {
            set_id: self.set_id,
            equivocation: VoteEquivocation::Precommit(equivocation),
        });
    }
}
