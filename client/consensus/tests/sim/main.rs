//! Many validators in one process on simulated time: each with its own chain (the Wasm
//! runtime on RocksDB), transaction pool, Aura authoring, GRANDPA voter and gossip and
//! equivocation reports, over a simulated network with latency, loss, partitions and
//! byzantine nodes, all drawn from one seed. Nothing reads the wall clock, so a seed
//! replays the same run.
//!
//! Each test prints its figures (`--nocapture`): finalized heights, the network's
//! counts and the wall time the run took.

#![allow(unreachable_pub)]

mod exec;
mod net;
mod node;
mod world;

use net::Conditions;
use node::Behaviour;
use std::collections::BTreeMap;
use std::time::Instant;
use world::{
    assert_finality_agrees, finalized_chain, finalized_numbers, self_stakes, validator_account,
    Config, World,
};

/// 200 ms one way on average (150 to 250 ms), one message in ten lost.
const LOSSY: Conditions = Conditions { latency_ms: 150, jitter_ms: 100, loss_percent: 10 };

fn config(nodes: usize, seed: u64) -> Config {
    Config { nodes, degree: 6, conditions: LOSSY, seed, behaviours: BTreeMap::new() }
}

fn median(mut v: Vec<u32>) -> u32 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Prints a run's figures.
fn print_figures(name: &str, world: &World, started: Instant) {
    let finalized = finalized_numbers(world);
    let best: Vec<u32> = world.nodes.iter().map(|n| n.client.info().best_number).collect();
    let stats = world.stats();
    println!(
        "sim {name}: {} nodes, {} s simulated in {:.1} s; best min/median/max {}/{}/{}; \
         finalized min/median/max {}/{}/{}; messages sent {} lost {} cut {} delivered {}",
        world.nodes.len(),
        world.now_ms() / 1000,
        started.elapsed().as_secs_f64(),
        best.iter().min().unwrap(),
        median(best.clone()),
        best.iter().max().unwrap(),
        finalized.iter().min().unwrap(),
        median(finalized.clone()),
        finalized.iter().max().unwrap(),
        stats.sent,
        stats.lost,
        stats.cut,
        stats.delivered,
    );
}

/// Panics if a node's gossip complained fatally about a node that is not in `byzantine`,
/// or a node refused an honest node's block.
fn assert_no_honest_node_blamed(world: &World, byzantine: &[usize]) {
    for (reporter, offender, m) in world.gossip_reports() {
        assert!(
            !m.is_fatal() || byzantine.contains(&offender),
            "node {reporter} reported honest node {offender}: {m:?}"
        );
    }
    for node in &world.nodes {
        for (from, reason) in node.bad_blocks.lock().iter() {
            assert!(
                byzantine.contains(from),
                "node {} refused a block of {from}: {reason}",
                node.id
            );
        }
    }
}

#[test]
fn twenty_four_validators_finalize_one_chain_under_loss_and_latency() {
    let started = Instant::now();
    let mut world = World::new(&config(24, 1));
    // Finality lag (best minus finalized, in blocks) of every node, once a second.
    let mut lags = Vec::new();
    for second in 1..=120 {
        world.run_until(second * 1000);
        if second > 10 {
            lags.extend(world.nodes.iter().map(|n| {
                let info = n.client.info();
                info.best_number - info.finalized_number
            }));
        }
    }
    print_figures("converge", &world, started);
    println!(
        "sim converge: finality lag median {} blocks, max {} (every node, each second after 10 s)",
        median(lags.clone()),
        lags.iter().max().unwrap()
    );
    let longest = assert_finality_agrees(&world);
    assert_no_honest_node_blamed(&world, &[]);
    // 60 slots of 2 s: a block in nearly each, finalized by every node within a few
    // block times of the head.
    let best_max = world.nodes.iter().map(|n| n.client.info().best_number).max().unwrap();
    assert!(best_max >= 50, "only {best_max} blocks in 60 slots");
    for node in &world.nodes {
        let info = node.client.info();
        assert!(
            info.finalized_number + 5 >= best_max,
            "node {} finalized only #{} of #{best_max}",
            node.id,
            info.finalized_number
        );
        // Its best chain builds on the finalized chain every node agrees on.
        let best_chain = world::chain_to(node, info.best_hash);
        let common = longest.len().min(best_chain.len());
        assert_eq!(best_chain[..common], longest[..common], "node {} left finality", node.id);
    }
}

/// What a run leaves that depends on every message and timer: the delivery trace, the
/// network's counts, and each node's best block, finalized chain and the justification
/// of its finalized block.
fn history(world: &World) -> (String, Vec<String>) {
    let trace = world.net.lock().trace();
    let net = format!("{trace:?} {:?}", world.stats());
    let nodes = world
        .nodes
        .iter()
        .map(|n| {
            let info = n.client.info();
            let justification = n.client.justifications(&info.finalized_hash).expect("reads");
            format!("{:?} {:?} {:?}", info.best_hash, finalized_chain(n), justification)
        })
        .collect();
    (net, nodes)
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let run = |seed| {
        let started = Instant::now();
        let mut world = World::new(&config(20, seed));
        world.run_until(60_000);
        print_figures(&format!("seed {seed}"), &world, started);
        assert!(finalized_numbers(&world).iter().all(|f| *f >= 20));
        history(&world)
    };
    let first = run(7);
    let again = run(7);
    assert_eq!(first.0, again.0, "the network delivered differently");
    assert_eq!(first.1, again.1, "the nodes' chains differ");
    let other = run(8);
    assert_ne!(first.0, other.0, "another seed should change the deliveries");
}

#[test]
fn byzantine_nodes_are_reported_and_slashed_or_banned_while_the_others_finalize() {
    let started = Instant::now();
    let (author, voter, garbage) = (3, 5, 7);
    let mut config = config(20, 3);
    config.behaviours.insert(author, Behaviour::EquivocatingAuthor { from_ms: 10_000 });
    config.behaviours.insert(voter, Behaviour::DoubleVoter { from_ms: 10_000 });
    config.behaviours.insert(garbage, Behaviour::Garbage { from_ms: 10_000 });
    let mut world = World::new(&config);
    let garbage_peers = world.net.lock().neighbours(garbage);
    let honest = |i: &usize| ![author, voter, garbage].contains(i);
    let stake = *self_stakes(&world.nodes[0]).values().next().unwrap();
    let slashed = stake - stake / 10;
    let reported = |world: &World| {
        world.nodes.iter().filter(|n| honest(&n.id)).all(|n| {
            let stakes = self_stakes(n);
            stakes[&validator_account(author)] < stake && stakes[&validator_account(voter)] < stake
        })
    };
    while !reported(&world) {
        assert!(world.now_ms() < 120_000, "not reported on every node by 120 s");
        world.run_for(2_000);
    }
    let when = world.now_ms();
    world.run_for(20_000);
    print_figures("byzantine", &world, started);
    println!("sim byzantine: both offences finalized on every honest node by {} s", when / 1000);
    assert_finality_agrees(&world);
    assert_no_honest_node_blamed(&world, &[author, voter, garbage]);
    // Every peer of the garbage sender found it out (by its gossip or its forged block,
    // whichever came first) and cut it off; the equivocators broke no rule a single
    // message shows and stay connected.
    let reports = world.gossip_reports();
    for &peer in &garbage_peers {
        let by_gossip = reports.iter().any(|(r, o, m)| *r == peer && *o == garbage && m.is_fatal());
        let by_block = world.nodes[peer].bad_blocks.lock().iter().any(|(from, _)| *from == garbage);
        assert!(by_gossip || by_block, "node {peer} did not find out the garbage sender");
    }
    assert!(world.net.lock().neighbours(garbage).is_empty(), "the garbage sender is banned");
    assert!(reports.iter().all(|(_, o, m)| !m.is_fatal() || *o == garbage));
    for node in world.nodes.iter().filter(|n| honest(&n.id)) {
        let stakes = self_stakes(node);
        for i in 0..config.nodes {
            let expected = if i == author || i == voter { slashed } else { stake };
            assert_eq!(stakes[&validator_account(i)], expected, "node {} sees {i}", node.id);
        }
        // Finality went on past the reports.
        assert!(node.client.info().finalized_number >= when as u32 / 2000);
    }
    // Honest nodes reported both offences: a double vote and two blocks of one slot.
    let (votes, blocks) = world
        .nodes
        .iter()
        .filter(|n| honest(&n.id))
        .map(|n| *n.reports_submitted.lock())
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("sim byzantine: reports taken by honest pools: {votes} of double votes, {blocks} of two blocks in a slot");
    assert!(votes >= 1 && blocks >= 1);
}

#[test]
fn a_partition_halts_finality_and_healing_resumes_it_on_one_chain() {
    let started = Instant::now();
    let mut world = World::new(&config(20, 4));
    world.run_until(30_000);
    let before = *finalized_numbers(&world).iter().max().unwrap();
    assert!(before >= 8, "finalized #{before} before the split");
    // Ten and ten: neither side has the two thirds GRANDPA needs.
    world.partition(Some((0..20).map(|i| (i % 2) as u8).collect()));
    world.run_for(40_000);
    let during = *finalized_numbers(&world).iter().max().unwrap();
    let best: Vec<u32> = world.nodes.iter().map(|n| n.client.info().best_number).collect();
    println!("sim partition: finalized #{before} at the split, #{during} after 40 s of it; best {best:?}");
    // Commits in flight at the split may land; nothing after.
    assert!(during <= before + 3, "finalized #{during} while split (#{before} before)");
    assert_finality_agrees(&world);
    world.partition(None);
    let healed = world.now_ms();
    while finalized_numbers(&world).iter().min().unwrap() <= &during {
        assert!(world.now_ms() < healed + 60_000, "no finality within 60 s of healing");
        world.run_for(500);
    }
    println!(
        "sim partition: every node finalized past #{during} {} ms after healing",
        world.now_ms() - healed
    );
    world.run_until(healed + 60_000);
    print_figures("partition", &world, started);
    let longest = assert_finality_agrees(&world);
    let after = *finalized_numbers(&world).iter().min().unwrap();
    assert!(after >= during + 20, "finalized only #{after} after healing (#{during} before)");
    // One chain: every node's best block builds on the finalized head.
    for node in &world.nodes {
        let chain = world::chain_to(node, node.client.info().best_hash);
        assert!(chain.len() >= longest.len() - 5);
        assert_eq!(chain[..after as usize + 1], longest[..after as usize + 1]);
    }
    assert_no_honest_node_blamed(&world, &[]);
}

#[test]
fn a_crashed_validator_is_done_without_and_rejoins_after_a_restart() {
    let started = Instant::now();
    let down = 4;
    let mut world = World::new(&config(20, 5));
    world.run_until(30_000);
    world.stop(down);
    let at_stop = world.nodes[down].client.info().finalized_number;
    world.run_for(40_000);
    let others = |world: &World| {
        world
            .nodes
            .iter()
            .filter(|n| n.id != down)
            .map(|n| n.client.info().finalized_number)
            .min()
            .unwrap()
    };
    // Nineteen of twenty voters are more than two thirds: finality goes on without it.
    let before = others(&world);
    assert!(before >= at_stop + 15, "finalized #{before} without node {down} (#{at_stop})");
    assert_eq!(world.nodes[down].client.info().finalized_number, at_stop);
    world.restart(down);
    let restarted = world.now_ms();
    while world.nodes[down].client.info().finalized_number < before {
        assert!(world.now_ms() < restarted + 60_000, "node {down} did not catch up in 60 s");
        world.run_for(500);
    }
    let caught_up = world.now_ms() - restarted;
    world.run_for(30_000);
    print_figures("restart", &world, started);
    println!(
        "sim restart: node {down} down from #{at_stop} for 40 s (the others reached #{before}), \
         finalized #{before} {caught_up} ms after its restart"
    );
    assert_finality_agrees(&world);
    assert_no_honest_node_blamed(&world, &[]);
    // Back in step, and its restarted voter never voted twice in a round.
    let info = world.nodes[down].client.info();
    assert!(info.finalized_number + 2 >= others(&world));
    let double_votes: usize = world.nodes.iter().map(|n| n.reports_submitted.lock().0).sum();
    assert_eq!(double_votes, 0);
    // It authors again: a finalized block of one of its slots after the restart.
    let node = &world.nodes[0];
    let genesis = node.client.genesis_hash();
    let authorities = lattice_consensus::aura::authorities(&node.client, &genesis).unwrap();
    let slot_ms = lattice_consensus::aura::slot_duration(&node.client, &genesis).unwrap();
    let authored_again = finalized_chain(node).iter().any(|hash| {
        let header = node.client.expect_header(hash).unwrap();
        lattice_consensus::aura::find_slot(&header).is_some_and(|slot| {
            slot * slot_ms > restarted
                && authorities[(slot % authorities.len() as u64) as usize]
                    == validator_account(down).0
        })
    });
    assert!(authored_again, "node {down} authored nothing finalized after its restart");
}
