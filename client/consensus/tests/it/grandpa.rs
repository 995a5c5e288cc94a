use crate::node;
use codec::Decode;
use futures::FutureExt;
use lattice_consensus::aura::{author_slot, ProposalLimits};
use lattice_consensus::grandpa::{
    authority_set, run_grandpa, wall_clock_sleep, GrandpaJustification, GrandpaParams,
    LocalNetwork, RoundReport,
};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn params(n: &crate::Node, report: Arc<Mutex<RoundReport>>) -> GrandpaParams {
    GrandpaParams {
        client: n.client.clone(),
        keystore: Some(n.keystore.clone()),
        network: Arc::new(LocalNetwork::default()),
        gossip_duration: Duration::from_millis(20),
        state_file: Some(n.dir.path().join("grandpa-round")),
        sleep: wall_clock_sleep(),
        report,
        equivocations: Default::default(),
    }
}

/// Runs the voter on a thread until `done` holds or 20 s pass.
fn run_until(p: GrandpaParams, done: impl Fn() -> bool) {
    let (stop_tx, stop_rx) = futures::channel::oneshot::channel::<()>();
    let voter = std::thread::spawn(move || {
        futures::executor::block_on(async move {
            futures::select! {
                r = run_grandpa(p).fuse() => panic!("voter ended: {r:?}"),
                _ = stop_rx.fuse() => {}
            }
        })
    });
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(20), "finality did not advance");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop_tx.send(()).unwrap();
    voter.join().unwrap();
}

#[test]
fn the_single_voter_finalizes_with_a_verifiable_justification_and_resumes_after_restart() {
    let alice = node(&["Alice"]);
    let limits = ProposalLimits::for_slot(Duration::from_secs(2));
    for slot in 1..=3u64 {
        author_slot(&alice.client, &alice.pool, &alice.keystore, slot, slot * 2000, limits)
            .unwrap()
            .unwrap();
    }
    let report = Arc::new(Mutex::new(RoundReport::default()));
    let client = alice.client.clone();
    run_until(params(&alice, report.clone()), || client.info().finalized_number == 3);
    let info = alice.client.info();
    let justifications =
        alice.client.justifications(&info.finalized_hash).unwrap().expect("stored");
    let (engine, proof) = &justifications[0];
    assert_eq!(engine, b"FRNK");
    let (voters, set_id) = authority_set(&alice.client, &info.finalized_hash).unwrap();
    let j = GrandpaJustification::verify(proof, info.finalized_hash, 3, set_id, &voters).unwrap();
    // The same proof does not prove another block, another set or with a flipped byte.
    assert!(GrandpaJustification::verify(proof, info.best_hash, 2, set_id, &voters).is_err());
    assert!(
        GrandpaJustification::verify(proof, info.finalized_hash, 3, set_id + 1, &voters).is_err()
    );
    let mut flipped = proof.clone();
    let at = flipped.len() - 40;
    flipped[at] ^= 1;
    assert!(
        GrandpaJustification::verify(&flipped, info.finalized_hash, 3, set_id, &voters).is_err()
    );
    assert!(GrandpaJustification::verify(&proof[..10], info.finalized_hash, 3, set_id, &voters)
        .is_err());
    let first_round = j.round;
    {
        let r = report.lock();
        assert_eq!((r.set_id, r.total_weight), (set_id, 1));
    }

    // New blocks after a restart of the voter: it starts after the last round it voted in.
    let stored = std::fs::read_to_string(alice.dir.path().join("grandpa-round")).unwrap();
    let last_round: u64 = stored.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(last_round >= first_round);
    for slot in 4..=5u64 {
        author_slot(&alice.client, &alice.pool, &alice.keystore, slot, slot * 2000, limits)
            .unwrap()
            .unwrap();
    }
    let client = alice.client.clone();
    run_until(params(&alice, report.clone()), || client.info().finalized_number == 5);
    let info = alice.client.info();
    let (_, proof) = &alice.client.justifications(&info.finalized_hash).unwrap().unwrap()[0];
    let j = GrandpaJustification::decode(&mut &proof[..]).unwrap();
    assert!(j.round > last_round, "round {} after restart, last voted {last_round}", j.round);
}

#[test]
fn a_node_without_the_key_observes_but_does_not_finalize() {
    let other = node(&[]);
    let limits = ProposalLimits::for_slot(Duration::from_secs(2));
    // No key: it cannot author either, so give it nothing to finalize but genesis.
    assert!(author_slot(&other.client, &other.pool, &other.keystore, 1, 2000, limits)
        .unwrap()
        .is_none());
    let report = Arc::new(Mutex::new(RoundReport::default()));
    let started = Instant::now();
    let r = report.clone();
    run_until(params(&other, report.clone()), move || {
        started.elapsed() > Duration::from_millis(300) && r.lock().round >= 1
    });
    assert!(report.lock().prevoted.is_empty(), "an observer casts no vote");
    assert_eq!(other.client.info().finalized_number, 0);
}
