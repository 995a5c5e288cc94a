//! The staking economy on the four-validator `local` network, process by process: a
//! fifth account funded by Alice runs a node, rotates its keys over RPC, calls
//! `Session.set_keys` and `Staking.validate`, and from the next era it is an Aura and
//! GRANDPA authority on every node and authors blocks. Dave's process is then stopped:
//! at the end of that era he is jailed and slashed 5% on every node, with his delegator,
//! while the others keep finalizing; restarted, he waits out the jail, calls `unjail`
//! and is elected again at the next era.

use crate::harness::*;
use crate::network::{
    agree_on_finalized, hash_at, peers, start_mesh, wait_for, Member, VALIDATORS,
};
use codec::{Compact, Decode, Encode};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_core::Pair;
use std::time::{Duration, Instant};

const LAT: u128 = 1_000_000_000_000;
/// Blocks per era of the `local` chain (the runtime's `LOCAL_ERA_LENGTH`).
const ERA_LENGTH: u32 = 50;
/// What each `local` validator bonds at genesis (the runtime's `DEV_VALIDATOR_STAKE`).
const GENESIS_STAKE: u128 = 100_000 * LAT;
/// Longest wait for something due within an era (50 blocks of 2 s, with room).
const ERA_WAIT: Duration = Duration::from_secs(240);

/// Whether `node` can read the state after block `hash`.
fn has_state(node: &Node, hash: &str) -> bool {
    rpc_call(node.rpc_port, "state_getRuntimeVersion", json!([hash])).is_ok()
}

fn ss58(pair: &sp_core::sr25519::Pair) -> String {
    sp_core::crypto::AccountId32::from(pair.public()).to_ss58check()
}

/// A runtime API call at the node's best block, decoded.
fn runtime_call<T: Decode>(node: &Node, method: &str) -> T {
    let out = hex_bytes(&node.rpc("state_call", json!([method, "0x"])));
    T::decode(&mut &out[..]).unwrap_or_else(|e| panic!("{method} answer: {e}"))
}

fn aura_authorities(node: &Node) -> Vec<[u8; 32]> {
    runtime_call(node, "AuraApi_authorities")
}

fn grandpa_authorities(node: &Node) -> Vec<([u8; 32], u64)> {
    runtime_call(node, "GrandpaApi_grandpa_authorities")
}

/// `who`'s entry of `staking_validators` on `node`.
fn validator(node: &Node, who: &str) -> Option<Value> {
    let list = node.rpc("staking_validators", json!([]));
    list.as_array().unwrap().iter().find(|v| v["account"] == json!(who)).cloned()
}

/// The current era at `node`'s best block.
fn era(node: &Node) -> u64 {
    let list = node.rpc("staking_validators", json!([]));
    list[0]["performance"]["current"]["era"].as_u64().unwrap()
}

fn balance(v: &Value) -> u128 {
    v.as_str().expect("a decimal string").parse().unwrap()
}

fn delegation_to(node: &Node, delegator: &str, validator: &str) -> Option<u128> {
    let list = node.rpc("staking_delegations", json!([delegator]));
    list.as_array()
        .unwrap()
        .iter()
        .find(|d| d["validator"] == json!(validator))
        .map(|d| balance(&d["amount"]))
}

/// Submits `xt` to `node` and waits until `node`'s best chain holds it; returns the
/// number of the block that does (the chain is searched again from the submission's
/// best block each time, so a re-org cannot hide the extrinsic).
fn submit_and_wait(node: &Node, xt: &[u8], what: &str) -> u32 {
    let from = node.best_number();
    node.rpc("author_submitExtrinsic", json!([to_hex(xt)]));
    let needle = json!(to_hex(xt));
    let started = Instant::now();
    loop {
        for number in from..=node.best_number() {
            let Some(hash) = hash_at(node, number) else { break };
            let block = node.rpc("chain_getBlock", json!([hash]));
            if block["block"]["extrinsics"].as_array().unwrap().contains(&needle) {
                return number;
            }
        }
        assert!(started.elapsed() < ERA_WAIT, "{what} not included:\n{}", node.log_tail());
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn nonce(node: &Node, who: &str) -> u32 {
    node.rpc("system_accountNextIndex", json!([who])).as_u64().unwrap() as u32
}

/// Waits until every node's best block is in era `era` or later.
fn wait_for_era(nodes: &[&Node], era_index: u64) {
    wait_for(nodes, ERA_WAIT, &format!("era {era_index}"), || {
        nodes.iter().all(|n| era(n) >= era_index)
    });
}

/// Waits until every node sees `who` author a block in era `era_index`.
fn wait_for_authoring(nodes: &[&Node], who: &str, era_index: u64, what: &str) {
    wait_for(nodes, ERA_WAIT, what, || {
        nodes.iter().all(|n| {
            let p = &validator(n, who).unwrap()["performance"]["current"];
            p["era"] == json!(era_index) && p["authored"].as_u64().unwrap() >= 1
        })
    });
}

/// Waits until every node has finalized the second block of era `era_index`, and they
/// agree on it.
fn wait_for_finality_in_era(nodes: &[&Node], era_index: u64, what: &str) {
    let second = ERA_LENGTH * era_index as u32 + 2;
    wait_for(nodes, ERA_WAIT, what, || agree_on_finalized(nodes, second));
}

/// Waits until every node has finalized one block more than the highest finalized
/// block any of them had, and they agree on it.
fn wait_for_finality_progress(nodes: &[&Node], what: &str) {
    let f = nodes.iter().map(|n| n.finalized().0).max().unwrap();
    wait_for(nodes, ERA_WAIT, what, || agree_on_finalized(nodes, f + 1));
}

#[test]
fn a_validator_joins_over_rpc_and_an_offline_one_is_jailed_slashed_and_returns() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<Member> =
        VALIDATORS.iter().enumerate().map(|(i, v)| Member::new(Some(v), i as u8 + 61)).collect();
    let newcomer = Member::new(Some("validator"), 65);
    let all: Vec<String> = members.iter().map(Member::addr).chain([newcomer.addr()]).collect();
    let mut nodes = start_mesh(&members, dir.path());
    let fifth = newcomer.start(dir.path(), &all[..4]);
    {
        let refs: Vec<&Node> = nodes.iter().chain([&fifth]).collect();
        wait_for(&refs, Duration::from_secs(90), "a full mesh of five", || {
            refs.iter().all(|n| peers(n) == 4)
        });
    }

    let builder = extrinsic_builder(&nodes[0]);
    let (alice, dave, ferdie) = (dev("Alice"), dev("Dave"), dev("Ferdie"));
    let erin = dev("Erin");
    let (dave_id, ferdie_id, erin_id) = (ss58(&dave), ss58(&ferdie), ss58(&erin));

    // Alice funds Erin's account; Ferdie delegates 1,000 LAT to Dave.
    let transfer =
        builder.transfer(&alice, erin.public().0, 50_000 * LAT, nonce(&nodes[0], &ss58(&alice)));
    let mut args = dave.public().0.encode();
    Compact(1_000 * LAT).encode_to(&mut args);
    let delegate = builder.signed(
        &ferdie,
        &builder.call("Staking", "delegate", &args).unwrap(),
        nonce(&nodes[0], &ferdie_id),
    );
    submit_and_wait(&nodes[0], &delegate, "Ferdie's delegation");
    submit_and_wait(&fifth, &transfer, "Alice's transfer to Erin");

    // Erin's node makes session keys; Erin registers them and validates.
    let keys = hex_bytes(&fifth.rpc("author_rotateKeys", json!([])));
    assert_eq!(keys.len(), 64, "Aura sr25519 and GRANDPA ed25519 public keys");
    let (erin_aura, erin_grandpa): ([u8; 32], [u8; 32]) =
        (keys[..32].try_into().unwrap(), keys[32..].try_into().unwrap());
    let mut args = keys.clone();
    Vec::<u8>::new().encode_to(&mut args); // the unchecked proof
    let set_keys = builder.signed(&erin, &builder.call("Session", "set_keys", &args).unwrap(), 0);
    let mut args = Compact(20_000 * LAT).encode();
    50_000_000u32.encode_to(&mut args); // 5% commission, in billionths
    (b"erin".to_vec(), b"https://erin.example".to_vec(), b"the fifth validator".to_vec())
        .encode_to(&mut args);
    let validate = builder.signed(&erin, &builder.call("Staking", "validate", &args).unwrap(), 1);
    fifth.rpc("author_submitExtrinsic", json!([to_hex(&set_keys)]));
    let registered_at = submit_and_wait(&fifth, &validate, "Erin's validate");
    let joined_era = era(&fifth);
    let candidate = validator(&fifth, &erin_id).expect("Erin is a candidate");
    assert_eq!(candidate["selfStake"], json!((20_000 * LAT).to_string()));
    assert_eq!(
        (&candidate["elected"], &candidate["commission"]),
        (&json!(false), &json!(50_000_000))
    );
    eprintln!("Erin registered in block #{registered_at} (era {joined_era})");

    // At the next era Erin is an authority on every node, authors, and finality goes on
    // under the new set of five.
    let erin_era = joined_era + 1;
    let refs: Vec<&Node> = nodes.iter().chain([&fifth]).collect();
    wait_for_era(&refs, erin_era);
    for node in &refs {
        // The eras so far ended with nobody jailed: starting up cost no validator a
        // quarter of its slots.
        for v in node.rpc("staking_validators", json!([])).as_array().unwrap() {
            assert_eq!(v["jailedUntil"], json!(null), "{v}");
        }
        assert!(aura_authorities(node).contains(&erin_aura));
        assert!(grandpa_authorities(node).iter().any(|(id, _)| *id == erin_grandpa));
        assert_eq!(aura_authorities(node).len(), 5);
        assert_eq!(validator(node, &erin_id).unwrap()["elected"], json!(true));
    }
    wait_for_authoring(&refs, &erin_id, erin_era, "Erin authoring a block");
    wait_for_finality_in_era(&refs, erin_era, "finality under the set of five");
    eprintln!(
        "era {erin_era}: Erin authors and the five finalize (#{} finalized, {:.0} s)",
        nodes[0].finalized().0,
        started.elapsed().as_secs_f64()
    );

    // Dave's process stops early in the era: too few of his slots are authored.
    let dave_before = validator(&nodes[0], &dave_id).unwrap();
    assert_eq!(balance(&dave_before["selfStake"]), GENESIS_STAKE);
    assert_eq!(delegation_to(&nodes[0], &ferdie_id, &dave_id), Some(1_000 * LAT));
    nodes[3].kill();
    let live: Vec<&Node> = nodes[..3].iter().chain([&fifth]).collect();
    wait_for_finality_progress(&live, "four of five finalizing without Dave");

    // At the era's end he is jailed and slashed 5% on every node, and so is Ferdie's
    // delegation (the slash is paged over the next blocks).
    let jail_era = erin_era + 1;
    wait_for_era(&live, jail_era);
    wait_for(&live, ERA_WAIT, "Dave slashed on every node", || {
        live.iter().all(|n| {
            let v = validator(n, &dave_id).unwrap();
            balance(&v["selfStake"]) == GENESIS_STAKE / 100 * 95
                && delegation_to(n, &ferdie_id, &dave_id) == Some(950 * LAT)
        })
    });
    for node in &live {
        let v = validator(node, &dave_id).unwrap();
        assert!(v["jailedUntil"].as_u64().is_some_and(|u| u > jail_era), "{v}");
        assert_eq!((&v["offences"], &v["elected"]), (&json!(1), &json!(false)), "{v}");
        let previous = &v["performance"]["previous"];
        assert!(previous["uptime"].as_u64().unwrap() < 750_000_000, "{previous}");
        assert_eq!(v["delegated"], json!((950 * LAT).to_string()));
        assert_eq!(aura_authorities(node).len(), 4, "Dave is out of the set");
        // Erin kept her slots and was not judged.
        assert_eq!(validator(node, &erin_id).unwrap()["jailedUntil"], json!(null));
    }
    wait_for_finality_in_era(&live, jail_era, "finality without Dave");
    eprintln!(
        "era {jail_era}: Dave jailed and slashed 5% on four nodes (#{} finalized, {:.0} s)",
        nodes[0].finalized().0,
        started.elapsed().as_secs_f64()
    );

    // Dave restarts and follows the chain as a jailed validator; once the jail is over
    // (two more eras) he calls `unjail`.
    let others: Vec<String> = all.iter().filter(|a| **a != members[3].addr()).cloned().collect();
    nodes[3] = members[3].start(dir.path(), &others);
    let refs: Vec<&Node> = nodes.iter().chain([&fifth]).collect();
    wait_for_finality_progress(&refs, "the restarted Dave following finality");
    let v = validator(&nodes[3], &dave_id).unwrap();
    assert_eq!(balance(&v["selfStake"]), GENESIS_STAKE / 100 * 95, "Dave's own node agrees");
    let until = v["jailedUntil"].as_u64().expect("jailed");
    assert_eq!(until, jail_era + 2, "jailed for the era judged and two more");
    for era_index in jail_era + 1..=until {
        wait_for_era(&refs, era_index);
        wait_for_finality_in_era(&refs, era_index, "finality by four while Dave is jailed");
    }
    let unjail = builder.signed(
        &dave,
        &builder.call("Staking", "unjail", &[]).unwrap(),
        nonce(&nodes[3], &dave_id),
    );
    submit_and_wait(&nodes[3], &unjail, "Dave's unjail");
    let unjailed_era = era(&nodes[3]);
    wait_for(&refs, ERA_WAIT, "Dave out of jail on every node", || {
        refs.iter().all(|n| validator(n, &dave_id).unwrap()["jailedUntil"] == json!(null))
    });

    // Elected again at the next era, on every node, he authors and finality goes on.
    let back_era = unjailed_era + 1;
    wait_for_era(&refs, back_era);
    for node in &refs {
        assert_eq!(validator(node, &dave_id).unwrap()["elected"], json!(true));
        assert_eq!(aura_authorities(node).len(), 5);
    }
    wait_for_authoring(&refs, &dave_id, back_era, "Dave authoring again");
    wait_for_finality_in_era(&refs, back_era, "finality with Dave back");
    eprintln!(
        "era {back_era}: Dave is back (#{} finalized, {:.0} s)",
        nodes[0].finalized().0,
        started.elapsed().as_secs_f64()
    );

    // A fresh full node warp-syncs: the proof crosses the three set changes above (Erin
    // in, Dave out, Dave back), the state comes proven from its peers, and it follows the
    // chain from there without the blocks before.
    let warped_at = Instant::now();
    let finalized_before = nodes[0].finalized().0;
    let warper = Member::new(None, 66).with_args("warp", &["--sync", "warp"]);
    let warp = warper.start(dir.path(), &all);
    let mut refs: Vec<&Node> = refs;
    refs.push(&warp);
    wait_for(&refs, ERA_WAIT, "the warp node at the finalized head", || {
        warp.finalized().0 >= finalized_before
    });
    let warp_secs = warped_at.elapsed().as_secs_f64();
    let block_1 = hash_at(&nodes[0], 1).unwrap();
    assert!(!has_state(&warp, &block_1), "the warp node executed no history");
    wait_for_finality_progress(&refs, "finality on all six, the warp node following");
    let f = warp.finalized().0;
    assert_eq!(hash_at(&warp, f), hash_at(&nodes[0], f));
    assert_eq!(validator(&warp, &dave_id).unwrap()["elected"], json!(true));
    assert_eq!(grandpa_authorities(&warp), grandpa_authorities(&nodes[0]));
    // It downloads the blocks below its target in the background (stored, not executed).
    wait_for(&refs, ERA_WAIT, "the warp node's history", || {
        hash_at(&warp, 1).as_ref() == Some(&block_1)
    });
    // Block 1 is known now, its state is not.
    assert!(
        warp.rpc("chain_getBlock", json!([block_1]))["block"]["header"]["number"] == json!("0x1")
    );
    assert!(!has_state(&warp, &block_1));
    eprintln!(
        "warp sync: finalized #{finalized_before} reached in {warp_secs:.1} s; following at #{f} ({:.0} s)",
        started.elapsed().as_secs_f64()
    );

    // A second one, connected to the first warp node only, warps from it: the first
    // proves the three set changes with the fragments it kept, not with blocks.
    let second = Member::new(None, 67).with_args(
        "warp2",
        &["--sync", "warp", "--reserved-only", "--reserved-nodes", &warper.addr()],
    );
    let second = second.start(dir.path(), &[]);
    refs.push(&second);
    let f = warp.finalized().0;
    wait_for(&refs, ERA_WAIT, "the second warp node at the first one's finality", || {
        second.finalized().0 >= f
    });
    assert_eq!(peers(&second), 1, "reserved-only: the first warp node is its only peer");
    assert!(!has_state(&second, &block_1));
    assert_eq!(hash_at(&second, f), hash_at(&nodes[0], f));
    wait_for_finality_progress(&refs, "finality on all seven");
}
