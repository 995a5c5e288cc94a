//! The sync pipeline without sockets: one node answers block requests, the answers are
//! checked, and another node imports them (ranges, forks found through ancestry, bad
//! blocks refused).

use super::*;
use lattice_consensus::aura::{author_slot, ProposalLimits};
use lattice_keystore::LocalKeystore;
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_txpool::{BlockInfo, Options, SystemClock};
use sp_core::Pair;

struct TestNode {
    client: Arc<Client>,
    pool: Arc<Pool<FullChainApi>>,
    keystore: LocalKeystore,
    _dir: tempfile::TempDir,
}

fn node() -> TestNode {
    let dir = tempfile::tempdir().unwrap();
    let client = Arc::new(lattice_chain::test_utils::dev_client(&dir.path().join("db"), None));
    let keystore = LocalKeystore::open(dir.path().join("keystore")).unwrap();
    let sr = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
    keystore.insert(*b"aura", "//Alice", &sr.public().0).unwrap();
    let pool = Arc::new(Pool::new(
        FullChainApi::new(client.clone()),
        Options::default(),
        Arc::new(SystemClock::new()),
        BlockInfo { hash: client.genesis_hash(), number: 0 },
    ));
    TestNode { client, pool, keystore, _dir: dir }
}

/// Alice authors one block in each of `slots` on her best block.
fn author(n: &TestNode, slots: impl IntoIterator<Item = u64>) {
    let limits = ProposalLimits::for_slot(Duration::from_secs(2));
    for slot in slots {
        author_slot(&n.client, &n.pool, &n.keystore, slot, slot * 2000, limits)
            .unwrap()
            .expect("Alice authors every slot of the dev chain");
    }
}

fn range(start: BlockNumber, max: u32) -> (Pending, BlockRequest) {
    let request = BlockRequest {
        fields: FIELD_HEADER | FIELD_BODY | FIELD_JUSTIFICATION,
        from: FromBlock::Number(start),
        direction: Direction::Ascending,
        max,
    };
    (Pending::Range { start, max }, request)
}

fn ancestry(from: H256, max: u32) -> (Pending, BlockRequest) {
    let request = BlockRequest {
        fields: FIELD_HEADER | FIELD_BODY | FIELD_JUSTIFICATION,
        from: FromBlock::Hash(from),
        direction: Direction::Descending,
        max,
    };
    (Pending::Ancestry { from, max }, request)
}

fn watch() -> SlotWatch {
    SlotWatch::new(Default::default())
}

fn job(blocks: Vec<BlockData>) -> ImportJob {
    let peer = PeerId::random();
    ImportJob {
        blocks: blocks.into_iter().map(|b| (peer, b)).collect(),
        origin: BlockOrigin::NetworkInitialSync,
    }
}

#[test]
fn a_chain_is_served_in_ranges_checked_and_imported() {
    let (a, b) = (node(), node());
    author(&a, 1..=300);
    let mut rounds = 0;
    while b.client.info().best_number < 300 {
        let (pending, request) = range(b.client.info().best_number + 1, MAX_BLOCKS_PER_REQUEST);
        let response = answer_block_request(&a.client, &request);
        check_response(&pending, &response).unwrap();
        assert!(matches!(
            import_job(&b.client, 2000, &mut watch(), job(response.blocks)),
            ImportResult::Done
        ));
        rounds += 1;
    }
    assert_eq!(rounds, 3, "128 + 128 + 44 blocks");
    assert_eq!(b.client.info().best_hash, a.client.info().best_hash);

    // A request asking for more than the cap gets the cap; one past the tip gets nothing.
    let (_, request) = range(1, 10_000);
    assert_eq!(answer_block_request(&a.client, &request).blocks.len(), 128);
    let (_, request) = range(301, 10);
    assert!(answer_block_request(&a.client, &request).blocks.is_empty());
    // Descending from the tip walks parents.
    let tip = a.client.info().best_hash;
    let (pending, request) = ancestry(tip, 5);
    let response = answer_block_request(&a.client, &request);
    check_response(&pending, &response).unwrap();
    let numbers: Vec<_> =
        response.blocks.iter().map(|b| b.header.as_ref().unwrap().number).collect();
    assert_eq!(numbers, [300, 299, 298, 297, 296]);
}

#[test]
fn responses_that_do_not_match_their_request_are_refused() {
    let a = node();
    author(&a, 1..=6);
    let (pending, request) = range(2, 4);
    let good = answer_block_request(&a.client, &request);
    check_response(&pending, &good).unwrap();

    let (other_start, _) = range(3, 4);
    assert!(check_response(&other_start, &good).unwrap_err().contains("starts at #2"));
    let (fewer, _) = range(2, 3);
    assert!(check_response(&fewer, &good).unwrap_err().contains("4 blocks for a request of 3"));
    let mut gap = good.clone();
    gap.blocks.remove(1);
    assert!(check_response(&pending, &gap).unwrap_err().contains("does not extend"));
    let mut wrong_hash = good.clone();
    wrong_hash.blocks[2].hash = H256([7; 32]);
    assert!(check_response(&pending, &wrong_hash).unwrap_err().contains("hash does not match"));
    let mut no_body = good.clone();
    no_body.blocks[0].body = None;
    assert!(check_response(&pending, &no_body).unwrap_err().contains("body"));
    let mut no_header = good.clone();
    no_header.blocks[0].header = None;
    assert!(check_response(&pending, &no_header).unwrap_err().contains("header"));

    let tip = a.client.info().best_hash;
    let (pending, request) = ancestry(tip, 3);
    let good = answer_block_request(&a.client, &request);
    check_response(&pending, &good).unwrap();
    let mut reversed = good.clone();
    reversed.blocks.reverse();
    assert!(check_response(&pending, &reversed).is_err());
    let (elsewhere, _) = ancestry(H256([1; 32]), 3);
    assert!(check_response(&elsewhere, &good).unwrap_err().contains("another block"));
}

#[test]
fn a_fork_is_found_through_ancestry_and_the_longer_chain_wins() {
    let (a, b) = (node(), node());
    author(&a, 1..=5);
    copy_prefix(&a, &b, 5);
    // They part: A authors in slots 6..=10, B in 20..=22 (other blocks at #6..#8).
    author(&a, 6..=10);
    author(&b, 20..=22);
    assert_ne!(a.client.hash(6).unwrap(), b.client.hash(6).unwrap());

    // B asks A for #9..: their parent (A's #8) is unknown to B.
    let (pending, request) = range(b.client.info().best_number + 1, 10);
    let response = answer_block_request(&a.client, &request);
    check_response(&pending, &response).unwrap();
    let parent = match import_job(&b.client, 2000, &mut watch(), job(response.blocks)) {
        ImportResult::UnknownParent { parent, .. } => parent,
        _ => panic!("the fork's parent is unknown"),
    };
    assert_eq!(Some(parent), a.client.hash(8).unwrap());
    // The ancestry walk from there reaches a block B knows (#5); B imports the rest
    // oldest first, then the range, and A's longer chain becomes B's best.
    let (pending, request) = ancestry(parent, 10);
    let walk = answer_block_request(&a.client, &request);
    check_response(&pending, &walk).unwrap();
    let mut unknown: Vec<BlockData> = walk
        .blocks
        .into_iter()
        .take_while(|d| b.client.header(&d.hash).unwrap().is_none())
        .collect();
    assert_eq!(unknown.len(), 3, "A's #8, #7, #6");
    unknown.reverse();
    assert!(matches!(import_job(&b.client, 2000, &mut watch(), job(unknown)), ImportResult::Done));
    let (_, request) = range(9, 10);
    let rest = answer_block_request(&a.client, &request);
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(rest.blocks)),
        ImportResult::Done
    ));
    assert_eq!(b.client.info().best_hash, a.client.info().best_hash);
}

#[test]
fn bad_blocks_are_refused_and_change_nothing() {
    let (a, b) = (node(), node());
    author(&a, 1..=3);
    let (_, request) = range(1, 3);
    let blocks = answer_block_request(&a.client, &request).blocks;

    // A block whose seal is not its author's.
    let mut forged = blocks.clone();
    let header = forged[0].header.as_mut().unwrap();
    header.digest.logs.pop();
    header.digest.logs.push(lattice_primitives::DigestItem::Seal(*b"aura", vec![0u8; 65]));
    forged[0].hash = header.hash();
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(forged)),
        ImportResult::Bad { .. }
    ));
    assert_eq!(b.client.info().best_number, 0);

    // A block whose body does not match its extrinsics root.
    let mut tampered = blocks.clone();
    tampered[0].body.as_mut().unwrap().pop();
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(tampered)),
        ImportResult::Bad { .. }
    ));
    assert_eq!(b.client.info().best_number, 0);

    // A garbage justification.
    let mut lying = blocks.clone();
    lying[1].justifications = Some(vec![(GRANDPA_ENGINE_ID, vec![1, 2, 3])]);
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(lying)),
        ImportResult::Bad { .. }
    ));
    assert_eq!(b.client.info().best_number, 1, "the block before the bad one stays");
    assert_eq!(b.client.info().finalized_number, 0);

    // The honest blocks still import.
    assert!(matches!(import_job(&b.client, 2000, &mut watch(), job(blocks)), ImportResult::Done));
    assert_eq!(b.client.info().best_hash, a.client.info().best_hash);
}

/// A network on loopback and its bridge for `n`.
async fn start_networked(
    n: &TestNode,
    key: u8,
    boot: Option<String>,
) -> (NetworkService, Vec<tokio::task::JoinHandle<()>>) {
    start_networked_with(n, key, boot, SyncMode::Full).await
}

async fn start_networked_with(
    n: &TestNode,
    key: u8,
    boot: Option<String>,
    sync: SyncMode,
) -> (NetworkService, Vec<tokio::task::JoinHandle<()>>) {
    let mut config = lattice_network::NetworkConfig::new(
        [0; 32],
        lattice_network::NodeKeyConfig::Secret([key; 32]),
    );
    config.listen_addresses = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.mdns = false;
    if let Some(boot) = boot {
        config.boot_nodes = vec![boot.parse().unwrap()];
    }
    let params = BridgeParams {
        client: n.client.clone(),
        pool: n.pool.clone(),
        roles: ROLE_FULL,
        slot_ms: 2000,
        should_have_peers: true,
        sync,
    };
    let started = start(config, params, |_| None).await.unwrap();
    (started.service, started.tasks)
}

/// B imports A's blocks `1..=count` through the sync pipeline.
fn copy_prefix(a: &TestNode, b: &TestNode, count: u32) {
    let (_, request) = range(1, count);
    let shared = answer_block_request(&a.client, &request);
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(shared.blocks)),
        ImportResult::Done
    ));
}

/// Over real sockets: a node whose own fork is 150 blocks long meets a peer whose chain
/// left it at #5 and is 300 blocks long; the ancestry walk takes two answers (more than
/// 128 blocks), the node imports the other fork and makes the longer chain its best.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_fork_is_walked_back_and_the_longer_chain_is_synced() {
    let (a, b) = (node(), node());
    author(&a, 1..=5);
    copy_prefix(&a, &b, 5);
    author(&a, 6..=300);
    author(&b, 1000..=1144);
    assert_eq!(b.client.info().best_number, 150);

    let (sa, mut tasks) = start_networked(&a, 1, None).await;
    let boot = format!("{}/p2p/{}", sa.listen_addresses()[0], sa.local_peer_id());
    let (_sb, more) = start_networked(&b, 2, Some(boot)).await;
    tasks.extend(more);
    let target = a.client.info().best_hash;
    let started = std::time::Instant::now();
    while b.client.info().best_hash != target {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "B is at #{} and did not take A's chain",
            b.client.info().best_number
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for t in tasks {
        t.abort();
    }
}

#[test]
fn two_blocks_in_one_slot_are_recorded_as_an_equivocation() {
    let (a, b, c) = (node(), node(), node());
    author(&a, 1..=2);
    copy_prefix(&a, &b, 1);
    // B (Alice's keys too) seals another block for slot 2 on the same parent.
    author(&b, [2]);
    let (_, request) = range(1, 2);
    let from_a = answer_block_request(&a.client, &request).blocks;
    let from_b = answer_block_request(&b.client, &request).blocks;
    assert_eq!(from_a[0].hash, from_b[0].hash, "slot 1 is the same block");
    assert_ne!(from_a[1].hash, from_b[1].hash, "two blocks in slot 2");
    let found = Arc::new(parking_lot::Mutex::new(std::collections::VecDeque::new()));
    let mut watch = SlotWatch::new(found.clone());
    assert!(matches!(import_job(&c.client, 2000, &mut watch, job(from_a)), ImportResult::Done));
    assert!(found.lock().is_empty());
    assert!(matches!(import_job(&c.client, 2000, &mut watch, job(from_b)), ImportResult::Done));
    let found = found.lock();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].slot, 2);
    assert_ne!(found[0].first.hash(), found[0].second.hash());
}

/// Finalizes A's best block with a justification of the dev chain's only voter (Alice),
/// as her voter would.
fn justify_best(a: &TestNode) -> (H256, BlockNumber) {
    let info = a.client.info();
    let alice = sp_core::ed25519::Pair::from_string("//Alice", None).unwrap();
    let justification = lattice_consensus::grandpa::sign_justification(
        &[alice],
        1,
        0,
        info.best_hash,
        info.best_number,
    );
    a.client
        .finalize_block(info.best_hash, Some((GRANDPA_ENGINE_ID, justification.encode())))
        .unwrap();
    (info.best_hash, info.best_number)
}

/// A warp sync driven by hand against A's answers: proof, state in chunks, block. Every
/// forged answer on the way is refused and changes nothing; the honest ones lead to the
/// import, after which B follows A's chain by executing blocks on the warped state.
#[test]
fn a_warp_sync_checks_every_answer_and_ends_with_the_proven_state() {
    use lattice_consensus::grandpa::warp::{warp_proof, SetChanges};
    use lattice_state::Backend;
    let (a, b) = (node(), node());
    author(&a, 1..=20);
    let (target, number) = justify_best(&a);
    let peer = PeerId::random();
    let mut warp = warp::WarpSync::new(&b.client).unwrap();
    let mut changes = SetChanges::default();

    // The proof: a forged one (another key signs) is refused, the real one taken.
    let (_, _, request, kind) = warp.next_request(&[peer]).unwrap();
    assert_eq!(kind, warp::WarpRequest::Proof);
    let begin = decode_all::<WarpProofRequest>(&request).unwrap().begin;
    assert_eq!(begin, b.client.genesis_hash());
    let proof = warp_proof(&a.client, &mut changes, begin).unwrap();
    assert_eq!(proof.proofs.len(), 1, "no set change on the dev chain: the latest justification");
    assert!(proof.is_finished);
    let mut forged = proof.clone();
    let bob = sp_core::ed25519::Pair::from_string("//Bob", None).unwrap();
    forged.proofs[0].justification =
        lattice_consensus::grandpa::sign_justification(&[bob], 1, 0, target, number);
    assert!(matches!(
        warp.on_response(peer, kind, &forged.encode()),
        warp::Outcome::Bad { undecodable: false, .. }
    ));
    let (_, _, _, kind) = warp.next_request(&[peer]).unwrap();
    assert!(matches!(
        warp.on_response(peer, kind, &[1, 2, 3]),
        warp::Outcome::Bad { undecodable: true, .. }
    ));
    let (_, _, _, kind) = warp.next_request(&[peer]).unwrap();
    assert!(matches!(warp.on_response(peer, kind, &proof.encode()), warp::Outcome::Continue));

    // The state, chunk by chunk; a chunk of another block's state is refused.
    // Small chunks, so the state takes several.
    const CHUNK: usize = 2_000;
    let mut chunks = 0;
    let outcome = loop {
        let (_, protocol, request, kind) = warp.next_request(&[peer]).unwrap();
        match kind {
            warp::WarpRequest::State => {
                assert_eq!(protocol, Protocol::State);
                let request = decode_all::<StateRequest>(&request).unwrap();
                assert_eq!(request.block, target);
                if chunks == 1 {
                    let other = StateRequest {
                        block: a.client.hash(3).unwrap().unwrap(),
                        ..request.clone()
                    };
                    let wrong = warp::answer_state_request(&a.client, &other, CHUNK).unwrap();
                    assert!(matches!(
                        warp.on_response(peer, kind, &wrong.encode()),
                        warp::Outcome::Bad { .. }
                    ));
                    let (_, _, _, again) = warp.next_request(&[peer]).unwrap();
                    assert_eq!(again, warp::WarpRequest::State);
                }
                let answer = warp::answer_state_request(&a.client, &request, CHUNK).unwrap();
                chunks += 1;
                assert!(matches!(
                    warp.on_response(peer, kind, &answer.encode()),
                    warp::Outcome::Continue
                ));
            }
            warp::WarpRequest::Block => {
                let request = decode_all::<BlockRequest>(&request).unwrap();
                let mut wrong = answer_block_request(
                    &a.client,
                    &BlockRequest { from: FromBlock::Number(5), ..request.clone() },
                );
                assert!(matches!(
                    warp.on_response(peer, kind, &wrong.encode()),
                    warp::Outcome::Bad { .. }
                ));
                let (_, _, _, kind) = warp.next_request(&[peer]).unwrap();
                wrong.blocks.clear();
                assert!(matches!(
                    warp.on_response(peer, kind, &wrong.encode()),
                    warp::Outcome::Bad { .. }
                ));
                let (_, _, _, kind) = warp.next_request(&[peer]).unwrap();
                let answer = answer_block_request(&a.client, &request);
                break warp.on_response(peer, kind, &answer.encode());
            }
            warp::WarpRequest::Proof => panic!("the proof was taken"),
        }
    };
    assert!(chunks >= 5, "the state came in {chunks} chunk(s)");
    let warp::Outcome::Import(proven) = outcome else {
        panic!("the state is complete: {outcome:?}")
    };
    let warp::Target { block, justification, entries, aux } = *proven;
    assert_eq!(
        entries,
        a.client.state_at(&target).unwrap().pairs(b"", None, usize::MAX).unwrap(),
        "all of A's state"
    );
    // The database says what B does not have: nothing before the target.
    b.client.import_warp_target(block, Some(justification), entries, aux).unwrap();
    let info = b.client.info();
    assert_eq!(
        (info.best_hash, info.finalized_hash, info.finalized_number),
        (target, target, number)
    );
    assert_eq!(b.client.hash(10).unwrap(), None);
    assert!(b.client.justifications(&target).unwrap().is_some());
    // B proves its chain to others from the fragments it kept, without the blocks it
    // skipped; a block in the gap is no place to start from.
    let genesis = b.client.genesis_hash();
    let served = warp_proof(&b.client, &mut SetChanges::default(), genesis).unwrap();
    let (voters, set_id) = lattice_consensus::grandpa::authority_set(&a.client, &genesis).unwrap();
    let progress =
        lattice_consensus::grandpa::warp::verify_warp_proof(&served, 0, set_id, voters).unwrap();
    assert_eq!(progress.last.unwrap().header.hash(), target);
    let in_gap = a.client.hash(10).unwrap().unwrap();
    assert!(warp_proof(&b.client, &mut SetChanges::default(), in_gap).is_err());

    // A goes on; B executes A's next blocks on the warped state.
    author(&a, 21..=25);
    let (_, request) = range(number + 1, 10);
    let next = answer_block_request(&a.client, &request);
    assert!(matches!(
        import_job(&b.client, 2000, &mut watch(), job(next.blocks)),
        ImportResult::Done
    ));
    assert_eq!(b.client.info().best_hash, a.client.info().best_hash);
}

/// Over real sockets: a fresh node started with `SyncMode::Warp` next to a node 300
/// blocks ahead takes the justified head's state instead of the 300 blocks, then follows
/// the chain as it grows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_node_warp_syncs_over_the_network_and_follows_the_chain() {
    let (a, b) = (node(), node());
    author(&a, 1..=300);
    let (target, number) = justify_best(&a);
    let (sa, mut tasks) = start_networked(&a, 1, None).await;
    let boot = format!("{}/p2p/{}", sa.listen_addresses()[0], sa.local_peer_id());
    let (_sb, more) = start_networked_with(&b, 2, Some(boot), SyncMode::Warp).await;
    tasks.extend(more);
    let started = std::time::Instant::now();
    while b.client.info().finalized_hash != target {
        assert!(started.elapsed() < Duration::from_secs(60), "B did not warp to #{number}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // No state below the target: B never executed the history.
    assert_eq!(b.client.info().lowest_state, number, "B skipped the history");
    // A authors on; B imports the new blocks on the warped state, and downloads the
    // blocks below the target in the background.
    author(&a, 301..=305);
    let tip = a.client.info().best_hash;
    while b.client.info().best_hash != tip || b.client.block_gap().is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "B did not follow A or fill its history"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for n in [1, 150, number - 1] {
        let hash = a.client.hash(n).unwrap().unwrap();
        assert_eq!(b.client.hash(n).unwrap(), Some(hash));
        assert_eq!(b.client.block(&hash).unwrap(), a.client.block(&hash).unwrap());
        assert!(b.client.state_at(&hash).is_err(), "history is stored, not executed");
    }
    for t in tasks {
        t.abort();
    }
}
