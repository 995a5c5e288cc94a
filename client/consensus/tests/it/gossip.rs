//! GRANDPA between the four voters of the `local_testnet` genesis (Alice, Bob, Charlie,
//! Dave), each with its own chain and keystore, over an in-memory transport; and the
//! gossip layer alone against hostile input.

use codec::Encode;
use finality_grandpa::{CompactCommit, Message, Precommit, Prevote, SignedMessage};
use futures::FutureExt;
use lattice_chain::{BlockOrigin, Client, ImportParams};
use lattice_consensus::grandpa::gossip::{
    GossipMessage, GossipTransport, GrandpaGossip, Misbehaviour, MAX_MESSAGE_SIZE,
};
use lattice_consensus::grandpa::{
    authority_set, localized_payload, run_grandpa, wall_clock_sleep, AuthorityId, EquivocationLog,
    GrandpaJustification, GrandpaNetwork, GrandpaParams, RoundReport, SignedVote,
};
use lattice_keystore::LocalKeystore;
use lattice_primitives::{BlockNumber, H256};
use parking_lot::Mutex;
use sp_core::Pair;
use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NAMES: [&str; 4] = ["Alice", "Bob", "Charlie", "Dave"];

fn ed(name: &str) -> sp_core::ed25519::Pair {
    sp_core::ed25519::Pair::from_string(&format!("//{name}"), None).unwrap()
}

fn id(name: &str) -> AuthorityId {
    ed(name).public().0
}

/// Waits until `cond` holds; panics after 60 s with `what`.
fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Which messages reach a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inbox {
    All,
    /// Commits and neighbor packets only: an observer that can finalize only by commits.
    CommitsOnly,
}

/// Where a node's messages go: (sender index, encoded message).
type Mailbox = mpsc::Sender<(usize, Vec<u8>)>;

/// The in-memory network: a channel per node, links, optional deterministic loss.
struct Hub {
    inboxes: Mutex<Vec<Option<(Mailbox, Inbox)>>>,
    links: Mutex<HashSet<(usize, usize)>>,
    reports: Mutex<Vec<(usize, usize, Misbehaviour)>>,
    /// Percent of messages lost, and the xorshift state deciding which.
    loss: Mutex<(u64, u64)>,
}

impl Hub {
    fn new(loss_percent: u64, seed: u64) -> Arc<Self> {
        Arc::new(Self {
            inboxes: Mutex::new(Vec::new()),
            links: Mutex::new(HashSet::new()),
            reports: Mutex::new(Vec::new()),
            loss: Mutex::new((loss_percent, seed.max(1))),
        })
    }

    fn lost(&self) -> bool {
        let mut loss = self.loss.lock();
        if loss.0 == 0 {
            return false;
        }
        let mut x = loss.1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        loss.1 = x;
        x % 100 < loss.0
    }
}

struct Transport {
    me: usize,
    hub: Arc<Hub>,
}

impl GossipTransport<usize> for Transport {
    fn send(&self, to: &usize, message: Vec<u8>) {
        if !self.hub.links.lock().contains(&(self.me, *to)) || self.hub.lost() {
            return;
        }
        let inboxes = self.hub.inboxes.lock();
        let Some(Some((tx, inbox))) = inboxes.get(*to) else { return };
        if *inbox == Inbox::CommitsOnly {
            match GossipMessage::decode_bounded(&message) {
                Ok(GossipMessage::Commit { .. } | GossipMessage::Neighbor { .. }) => {}
                _ => return,
            }
        }
        let _ = tx.send((self.me, message));
    }

    fn report(&self, who: &usize, misbehaviour: Misbehaviour) {
        self.hub.reports.lock().push((self.me, *who, misbehaviour));
    }
}

/// A node: its chain, keystore, gossip, and voter thread.
struct GNode {
    client: Arc<Client>,
    gossip: Arc<GrandpaGossip<usize>>,
    report: Arc<Mutex<RoundReport>>,
    equivocations: EquivocationLog,
    keystore: Option<Arc<LocalKeystore>>,
    voter: Option<(futures::channel::oneshot::Sender<()>, std::thread::JoinHandle<()>)>,
    dir: tempfile::TempDir,
}

impl GNode {
    fn finalized(&self) -> BlockNumber {
        self.client.info().finalized_number
    }

    fn round(&self) -> u64 {
        self.gossip.round().map_or(0, |(_, r)| r)
    }

    /// Starts the voter on a thread.
    fn start(&mut self) {
        let params = GrandpaParams {
            client: self.client.clone(),
            keystore: self.keystore.clone(),
            network: self.gossip.clone() as Arc<dyn GrandpaNetwork>,
            gossip_duration: Duration::from_millis(50),
            state_file: Some(self.dir.path().join("grandpa-round")),
            sleep: wall_clock_sleep(),
            report: self.report.clone(),
            equivocations: self.equivocations.clone(),
        };
        let (stop_tx, stop_rx) = futures::channel::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            futures::executor::block_on(async move {
                futures::select! {
                    r = run_grandpa(params).fuse() => panic!("voter ended: {r:?}"),
                    _ = stop_rx.fuse() => {}
                }
            })
        });
        self.voter = Some((stop_tx, thread));
    }
}

impl Drop for GNode {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.voter.take() {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

/// Adds node `index` to the hub; `name` names its GRANDPA key (`None`: an observer).
fn node(hub: &Arc<Hub>, name: Option<&str>, inbox: Inbox) -> GNode {
    let dir = tempfile::tempdir().unwrap();
    let client =
        Arc::new(lattice_chain::test_utils::local_testnet_client(&dir.path().join("db"), None));
    let keystore = name.map(|name| {
        let keystore = Arc::new(LocalKeystore::open(dir.path().join("keystore")).unwrap());
        let suri = format!("//{name}");
        keystore.insert(*b"gran", &suri, &id(name)).unwrap();
        keystore
    });
    let equivocations = EquivocationLog::default();
    let (tx, rx) = mpsc::channel::<(usize, Vec<u8>)>();
    let index = {
        let mut inboxes = hub.inboxes.lock();
        inboxes.push(Some((tx, inbox)));
        inboxes.len() - 1
    };
    let transport = Arc::new(Transport { me: index, hub: hub.clone() });
    let gossip = Arc::new(GrandpaGossip::new(transport, equivocations.clone()));
    let g = gossip.clone();
    // Delivery ends when the hub drops the node's sender (see `Net::drop`).
    std::thread::spawn(move || {
        while let Ok((from, bytes)) = rx.recv() {
            g.on_message(&from, &bytes);
        }
    });
    GNode {
        client,
        gossip,
        report: Arc::new(Mutex::new(RoundReport::default())),
        equivocations,
        keystore,
        voter: None,
        dir,
    }
}

/// Nodes on one hub.
struct Net {
    hub: Arc<Hub>,
    nodes: Vec<GNode>,
}

impl Net {
    /// The four authorities (not started, not connected) and, with `observer`, a fifth
    /// node without a key that hears only commits.
    fn new(loss_percent: u64, observer: bool) -> Self {
        let hub = Hub::new(loss_percent, 0x5eed);
        let mut nodes: Vec<GNode> =
            NAMES.iter().map(|name| node(&hub, Some(name), Inbox::All)).collect();
        if observer {
            nodes.push(node(&hub, None, Inbox::CommitsOnly));
        }
        Self { hub, nodes }
    }

    fn connect(&self, a: usize, b: usize) {
        {
            let mut links = self.hub.links.lock();
            links.insert((a, b));
            links.insert((b, a));
        }
        self.nodes[a].gossip.on_peer_connected(&b);
        self.nodes[b].gossip.on_peer_connected(&a);
    }

    /// Connects `which` pairwise.
    fn mesh(&self, which: &[usize]) {
        for (i, a) in which.iter().enumerate() {
            for b in &which[i + 1..] {
                self.connect(*a, *b);
            }
        }
    }

    /// Builds `count` blocks on node 0's best block and imports them into `into`.
    fn build(&self, count: u64, into: &[usize]) -> H256 {
        let author = &self.nodes[0].client;
        let mut parent = author.info().best_hash;
        let first_slot = author.info().best_number as u64 + 1;
        for slot in first_slot..first_slot + count {
            let built = lattice_chain::test_utils::build(author, parent, slot, &[]);
            parent = built.block.header.hash();
            author.import_built(built.block.clone(), built.state, BlockOrigin::Own).unwrap();
            for i in into.iter().filter(|i| **i != 0) {
                self.import(*i, built.block.clone());
            }
        }
        parent
    }

    fn import(&self, to: usize, block: lattice_primitives::Block) {
        self.nodes[to]
            .client
            .import_block(ImportParams {
                block,
                justification: None,
                origin: BlockOrigin::NetworkBroadcast,
                finalize: false,
            })
            .unwrap();
    }

    fn fatal_reports(&self) -> Vec<(usize, usize, Misbehaviour)> {
        self.hub.reports.lock().iter().filter(|(_, _, m)| m.is_fatal()).cloned().collect()
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        self.hub.inboxes.lock().clear();
    }
}

/// The justification stored with `hash` on `client` verifies against the set there.
fn assert_justified(client: &Client, hash: H256, number: BlockNumber) -> GrandpaJustification {
    let justifications = client.justifications(&hash).unwrap().expect("a justification is stored");
    let (engine, proof) = &justifications[0];
    assert_eq!(engine, b"FRNK");
    let (voters, set_id) = authority_set(client, &hash).unwrap();
    assert_eq!(voters.len(), 4);
    GrandpaJustification::verify(proof, hash, number, set_id, &voters).unwrap()
}

#[test]
fn four_voters_finalize_the_same_block_with_a_verifiable_justification() {
    let mut net = Net::new(0, false);
    let head = net.build(3, &[0, 1, 2, 3]);
    net.mesh(&[0, 1, 2, 3]);
    for n in &mut net.nodes {
        n.start();
    }
    wait_for("all four to finalize #3", || net.nodes.iter().all(|n| n.finalized() == 3));
    for n in &net.nodes {
        assert_eq!(n.client.info().finalized_hash, head);
        let j = assert_justified(&n.client, head, 3);
        assert!(j.commit.precommits.len() >= 3, "a commit carries at least the threshold");
    }
    // Finality follows new blocks.
    let head = net.build(2, &[0, 1, 2, 3]);
    wait_for("all four to finalize #5", || net.nodes.iter().all(|n| n.finalized() == 5));
    for n in &net.nodes {
        assert_eq!(n.client.info().finalized_hash, head);
        assert_justified(&n.client, head, 5);
        assert!(n.equivocations.snapshot().is_empty());
    }
    assert!(net.fatal_reports().is_empty(), "honest voters are not reported");
}

#[test]
fn three_voters_finalize_without_the_fourth_despite_message_loss() {
    let mut net = Net::new(10, false);
    let head = net.build(3, &[0, 1, 2]);
    net.mesh(&[0, 1, 2]);
    for n in &mut net.nodes[..3] {
        n.start();
    }
    wait_for("three voters to finalize #3", || net.nodes[..3].iter().all(|n| n.finalized() == 3));
    for n in &net.nodes[..3] {
        assert_eq!(n.client.info().finalized_hash, head);
        assert_justified(&n.client, head, 3);
    }
    assert!(net.fatal_reports().is_empty());
}

#[test]
fn a_late_voter_catches_up_to_the_round_of_the_others_and_votes() {
    let mut net = Net::new(0, false);
    net.build(2, &[0, 1, 2, 3]);
    net.mesh(&[0, 1, 2]);
    for n in &mut net.nodes[..3] {
        n.start();
    }
    wait_for("three voters to finalize #2 and reach round 6", || {
        net.nodes[..3].iter().all(|n| n.finalized() == 2 && n.round() >= 6)
    });
    let others_round = net.nodes[..3].iter().map(GNode::round).min().unwrap();
    // Dave starts at round 1; the others vote in rounds past 6 and do not resend rounds 1-5.
    net.mesh(&[0, 1, 2, 3]);
    net.nodes[3].start();
    wait_for("Dave to catch up", || net.nodes[3].round() >= others_round);
    let dave = id("Dave");
    wait_for("Alice to receive Dave's prevote", || {
        net.nodes[0].report.lock().prevoted.contains(&dave)
    });
    // All four finalize new blocks.
    let head = net.build(2, &[0, 1, 2, 3]);
    wait_for("all four to finalize #4", || net.nodes.iter().all(|n| n.finalized() == 4));
    assert_justified(&net.nodes[3].client, head, 4);
    assert!(net.fatal_reports().is_empty());
}

#[test]
fn an_observer_finalizes_through_commits() {
    let mut net = Net::new(0, true);
    let head = net.build(3, &[0, 1, 2, 3]);
    net.mesh(&[0, 1, 2, 3]);
    for n in &mut net.nodes[..4] {
        n.start();
    }
    wait_for("the voters to finalize #3", || net.nodes[..4].iter().all(|n| n.finalized() == 3));
    // The observer joins without the blocks: the commit it gets waits for them.
    net.nodes[4].start();
    wait_for("the observer's voter to start", || net.nodes[4].gossip.round().is_some());
    net.mesh(&[0, 1, 2, 3, 4]);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(net.nodes[4].finalized(), 0);
    for number in 1..=3 {
        let hash = net.nodes[0].client.hash(number).unwrap().unwrap();
        let block = net.nodes[0].client.block(&hash).unwrap().unwrap();
        net.import(4, block);
    }
    wait_for("the observer to finalize #3", || net.nodes[4].finalized() == 3);
    assert_eq!(net.nodes[4].client.info().finalized_hash, head);
    assert_justified(&net.nodes[4].client, head, 3);
    assert!(net.nodes[4].report.lock().prevoted.is_empty(), "the observer hears no votes");
    assert!(net.fatal_reports().is_empty());
}

/// A transport that records what the gossip layer does.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(u8, Vec<u8>)>>,
    reports: Mutex<Vec<(u8, Misbehaviour)>>,
}

impl GossipTransport<u8> for Recorder {
    fn send(&self, to: &u8, message: Vec<u8>) {
        self.sent.lock().push((*to, message));
    }

    fn report(&self, who: &u8, misbehaviour: Misbehaviour) {
        self.reports.lock().push((*who, misbehaviour));
    }
}

impl Recorder {
    fn take_sent(&self) -> Vec<(u8, GossipMessage)> {
        std::mem::take(&mut *self.sent.lock())
            .into_iter()
            .map(|(to, m)| (to, GossipMessage::decode_bounded(&m).unwrap()))
            .collect()
    }

    fn take_reports(&self) -> Vec<(u8, Misbehaviour)> {
        std::mem::take(&mut *self.reports.lock())
    }
}

fn sign(name: &str, round: u64, set_id: u64, message: Message<H256, BlockNumber>) -> SignedVote {
    let signature = ed(name).sign(&localized_payload(round, set_id, &message)).0;
    SignedMessage { message, signature, id: id(name) }
}

fn prevote(name: &str, round: u64, target: u8) -> SignedVote {
    sign(name, round, 0, Message::Prevote(Prevote::new(H256([target; 32]), target as u32)))
}

fn vote_bytes(round: u64, message: SignedVote) -> Vec<u8> {
    GossipMessage::Vote { round, set_id: 0, message }.encode()
}

/// Gossip of set 0 (the four authorities) in round 1, with peers 1 and 2 connected.
fn lone_gossip() -> (Arc<Recorder>, GrandpaGossip<u8>, EquivocationLog) {
    let recorder = Arc::new(Recorder::default());
    let log = EquivocationLog::default();
    let gossip = GrandpaGossip::new(recorder.clone(), log.clone());
    let voters: Vec<_> = NAMES.iter().map(|n| (id(n), 1)).collect();
    gossip.start_set(0, &voters);
    gossip.note_round(0, 1, 0);
    gossip.on_peer_connected(&1);
    gossip.on_peer_connected(&2);
    recorder.take_sent();
    (recorder, gossip, log)
}

#[test]
fn hostile_messages_are_reported_as_fatal_and_change_nothing() {
    let (recorder, gossip, log) = lone_gossip();
    let mut votes = gossip.round_messages(0, 1);
    let delivered = |votes: &mut futures::stream::BoxStream<'static, SignedVote>| {
        let mut out = Vec::new();
        while let Some(Some(v)) = futures::StreamExt::next(votes).now_or_never() {
            out.push(v);
        }
        out
    };

    let good = prevote("Bob", 1, 7);
    let mut bad_signature = good.clone();
    bad_signature.signature[0] ^= 1;
    let eve = prevote("Eve", 1, 7);
    let mut trailing = vote_bytes(1, good.clone());
    trailing.push(0);
    let mut oversized = vote_bytes(1, good.clone());
    oversized.resize(MAX_MESSAGE_SIZE + 1, 0);
    let cases: Vec<(Vec<u8>, Misbehaviour)> = vec![
        (vec![0xff, 1, 2, 3], Misbehaviour::Undecodable),
        (vote_bytes(1, good.clone())[..20].to_vec(), Misbehaviour::Undecodable),
        (trailing, Misbehaviour::Undecodable),
        (oversized, Misbehaviour::Oversized),
        (vote_bytes(1, bad_signature), Misbehaviour::BadSignature),
        (vote_bytes(1, eve), Misbehaviour::NotAVoter),
    ];
    for (bytes, expected) in cases {
        gossip.on_message(&1, &bytes);
        assert_eq!(recorder.take_reports(), vec![(1, expected)]);
        assert!(expected.is_fatal());
        assert!(recorder.take_sent().is_empty(), "nothing is forwarded");
        assert!(delivered(&mut votes).is_empty(), "nothing reaches the voter");
    }

    // A commit whose signers do not reach the threshold (3 of 4), or with a forged one.
    let precommit = Precommit::new(H256([9; 32]), 9);
    let signed: Vec<_> = ["Alice", "Bob"]
        .iter()
        .map(|n| (sign(n, 1, 0, Message::Precommit(precommit.clone())).signature, id(n)))
        .collect();
    let weak = CompactCommit {
        target_hash: precommit.target_hash,
        target_number: 9,
        precommits: vec![precommit.clone(); 2],
        auth_data: signed.clone(),
    };
    gossip.on_message(&1, &GossipMessage::Commit { round: 1, set_id: 0, commit: weak }.encode());
    assert_eq!(recorder.take_reports(), vec![(1, Misbehaviour::InvalidCommit)]);
    let mut forged = signed.clone();
    forged.push((signed[0].0, id("Charlie")));
    let forged = CompactCommit {
        target_hash: precommit.target_hash,
        target_number: 9,
        precommits: vec![precommit.clone(); 3],
        auth_data: forged,
    };
    gossip.on_message(&1, &GossipMessage::Commit { round: 1, set_id: 0, commit: forged }.encode());
    assert_eq!(recorder.take_reports(), vec![(1, Misbehaviour::BadSignature)]);

    // Other sets, far rounds and unsolicited catch-ups are ignored without a ban.
    gossip.on_message(
        &1,
        &GossipMessage::Vote { round: 1, set_id: 5, message: good.clone() }.encode(),
    );
    gossip.on_message(&1, &vote_bytes(50, prevote("Bob", 50, 7)));
    let catch_up = finality_grandpa::CatchUp {
        round_number: 9,
        prevotes: vec![],
        precommits: vec![],
        base_hash: H256::zero(),
        base_number: 0,
    };
    gossip.on_message(&2, &GossipMessage::CatchUp { set_id: 0, catch_up }.encode());
    assert!(recorder.take_reports().iter().all(|(_, m)| !m.is_fatal()));
    assert!(delivered(&mut votes).is_empty());
    // Round 50 of peer 1 is far ahead: it is asked for a catch-up.
    assert_eq!(
        recorder.take_sent(),
        vec![(1, GossipMessage::CatchUpRequest { round: 1, set_id: 0 })]
    );

    // The valid vote reaches the voter and is forwarded to the other peer only, once.
    gossip.on_message(&1, &vote_bytes(1, good.clone()));
    assert_eq!(delivered(&mut votes), vec![good.clone()]);
    assert_eq!(
        recorder.take_sent(),
        vec![(2, GossipMessage::Vote { round: 1, set_id: 0, message: good.clone() })]
    );
    gossip.on_message(&2, &vote_bytes(1, good.clone()));
    gossip.on_message(&1, &vote_bytes(1, good));
    assert_eq!(recorder.take_reports(), vec![(1, Misbehaviour::Duplicate)]);
    assert!(recorder.take_sent().is_empty());
    assert!(delivered(&mut votes).is_empty());
    assert!(log.snapshot().is_empty());
}

#[test]
fn a_double_vote_is_recorded_with_both_signatures_and_forwarded() {
    let (recorder, gossip, log) = lone_gossip();
    let first = prevote("Charlie", 1, 7);
    let second = prevote("Charlie", 1, 8);
    gossip.on_message(&1, &vote_bytes(1, first.clone()));
    gossip.on_message(&1, &vote_bytes(1, second.clone()));
    // A third vote of the kind adds nothing and is not forwarded.
    gossip.on_message(&1, &vote_bytes(1, prevote("Charlie", 1, 9)));
    assert!(recorder.take_reports().is_empty());
    let forwarded: Vec<_> = recorder.take_sent().into_iter().map(|(to, _)| to).collect();
    assert_eq!(forwarded, vec![2, 2]);
    let proofs = log.snapshot();
    assert_eq!(proofs.len(), 1);
    let proof = &proofs[0];
    assert!(proof.verify(), "both signatures are valid");
    assert_eq!((proof.set_id, proof.round(), proof.offender()), (0, 1, id("Charlie")));
    match &proof.equivocation {
        lattice_consensus::grandpa::VoteEquivocation::Prevote(e) => {
            assert_eq!(e.first.1, first.signature);
            assert_eq!(e.second.1, second.signature);
        }
        other => panic!("expected prevotes, got {other:?}"),
    }
    // The proof round-trips in Substrate's encoding and a tampered one does not verify.
    let mut tampered = proof.clone();
    if let lattice_consensus::grandpa::VoteEquivocation::Prevote(e) = &mut tampered.equivocation {
        e.second.1[0] ^= 1;
    }
    assert!(!tampered.verify());
    let decoded: lattice_consensus::grandpa::EquivocationProof =
        codec::Decode::decode(&mut &proof.encode()[..]).unwrap();
    assert_eq!(&decoded, proof);
}

#[test]
fn catch_up_requests_are_answered_once_per_completed_round() {
    let (recorder, gossip, _) = lone_gossip();
    let catch_up = finality_grandpa::CatchUp {
        round_number: 4,
        prevotes: vec![],
        precommits: vec![],
        base_hash: H256::zero(),
        base_number: 0,
    };
    gossip.note_completed(0, catch_up.clone());
    let request = GossipMessage::CatchUpRequest { round: 2, set_id: 0 }.encode();
    gossip.on_message(&1, &request);
    gossip.on_message(&1, &request);
    assert_eq!(
        recorder.take_sent(),
        vec![(1, GossipMessage::CatchUp { set_id: 0, catch_up: catch_up.clone() })]
    );
    // A requester ahead of the completed round gets nothing.
    gossip.on_message(&2, &GossipMessage::CatchUpRequest { round: 4, set_id: 0 }.encode());
    assert!(recorder.take_sent().is_empty());
    assert!(recorder.take_reports().is_empty());
}

#[test]
fn a_stalled_round_sends_the_own_votes_and_the_neighbor_packet_again() {
    let (recorder, gossip, _) = lone_gossip();
    let own = prevote("Alice", 1, 7);
    gossip.broadcast(0, 1, own.clone());
    gossip.on_message(&1, &vote_bytes(1, prevote("Bob", 1, 7)));
    // Peer 2 forwards our vote back: it has it.
    gossip.on_message(&2, &vote_bytes(1, own.clone()));
    recorder.take_sent();
    // The first check only notes the round.
    gossip.rebroadcast_if_stalled();
    assert!(recorder.take_sent().is_empty());
    // Still round 1 at the next check: our vote goes again to the peer that may lack it,
    // with the neighbor packet to both; Bob's vote is Bob's to send.
    gossip.rebroadcast_if_stalled();
    let neighbor = GossipMessage::Neighbor { round: 1, set_id: 0, finalized_number: 0 };
    assert_eq!(
        recorder.take_sent(),
        vec![
            (1, neighbor.clone()),
            (1, GossipMessage::Vote { round: 1, set_id: 0, message: own }),
            (2, neighbor),
        ]
    );
    // A round that moves on is not stalled.
    gossip.note_round(0, 2, 0);
    recorder.take_sent();
    gossip.rebroadcast_if_stalled();
    assert!(recorder.take_sent().is_empty());
    assert!(recorder.take_reports().is_empty());
}
