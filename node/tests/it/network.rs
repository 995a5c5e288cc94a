//! Validators of the `local` chain (Alice, Bob, Charlie, Dave) as processes on loopback:
//! they find each other, author in turn and finalize one chain; losing one validator
//! does not stop finality; a restarted validator and a late full node catch up.

use crate::harness::{free_port, rpc_call, Node};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

pub(crate) struct Member {
    flag: Option<&'static str>,
    /// The base path's and log's name (default: the flag, or `full`).
    name: Option<&'static str>,
    extra: Vec<String>,
    key_hex: String,
    peer_id: String,
    rpc_port: u16,
    p2p_port: u16,
}

impl Member {
    /// A node of the `local` chain started with `--FLAG` (`None`: a full node), its
    /// libp2p key all `seed` bytes.
    pub(crate) fn new(flag: Option<&'static str>, seed: u8) -> Self {
        let secret = [seed; 32];
        let peer_id = lattice_network::peer_id_of(secret).unwrap().to_base58();
        Member {
            flag,
            name: None,
            extra: Vec::new(),
            key_hex: hex::encode(secret),
            peer_id,
            rpc_port: free_port(),
            p2p_port: free_port(),
        }
    }

    /// The node under another name, with more command-line arguments.
    pub(crate) fn with_args(mut self, name: &'static str, extra: &[&str]) -> Self {
        self.name = Some(name);
        self.extra = extra.iter().map(|a| a.to_string()).collect();
        self
    }

    pub(crate) fn addr(&self) -> String {
        format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.p2p_port, self.peer_id)
    }

    /// Starts the node under `dir` and waits for its RPC.
    pub(crate) fn start(&self, dir: &Path, bootnodes: &[String]) -> Node {
        let mut node = self.spawn(dir, bootnodes);
        node.wait_ready(Duration::from_secs(120));
        node
    }

    /// Starts the node under `dir` (base path `dir/NAME`, log `dir/NAME.log`).
    fn spawn(&self, dir: &Path, bootnodes: &[String]) -> Node {
        let name = self.name.or(self.flag).unwrap_or("full");
        let base = dir.join(name);
        let log = dir.join(format!("{name}.log"));
        let mut args: Vec<String> = vec![
            "--chain".into(),
            "local".into(),
            "--base-path".into(),
            base.display().to_string(),
            "--node-key".into(),
            self.key_hex.clone(),
            "--discover-local".into(),
            "--name".into(),
            name.into(),
        ];
        if let Some(flag) = self.flag {
            args.push(format!("--{flag}"));
        }
        args.extend(self.extra.iter().cloned());
        if !bootnodes.is_empty() {
            args.push("--bootnodes".into());
            args.extend(bootnodes.iter().cloned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Node::start_on(&args, &log, self.rpc_port, self.p2p_port)
    }
}

/// Starts every member with all the others as boot nodes, all at once (validators that
/// start one after the other would miss the slots of the wait), and waits for their RPC.
pub(crate) fn start_mesh(members: &[Member], dir: &Path) -> Vec<Node> {
    let all: Vec<String> = members.iter().map(Member::addr).collect();
    let mut nodes: Vec<Node> = members
        .iter()
        .map(|m| {
            let others: Vec<String> = all.iter().filter(|a| **a != m.addr()).cloned().collect();
            m.spawn(dir, &others)
        })
        .collect();
    for node in &mut nodes {
        node.wait_ready(Duration::from_secs(120));
    }
    nodes
}

/// Waits until `what` holds, checking every 250 ms; panics with the nodes' logs after
/// `timeout`.
pub(crate) fn wait_for(
    nodes: &[&Node],
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> bool,
) {
    let started = Instant::now();
    while !check() {
        if started.elapsed() > timeout {
            let logs: Vec<String> = nodes.iter().map(|n| n.log_tail()).collect();
            panic!("timed out waiting for {what}:\n{}", logs.join("\n-----\n"));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

pub(crate) fn hash_at(node: &Node, number: u32) -> Option<String> {
    rpc_call(node.rpc_port, "chain_getBlockHash", json!([number]))
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

/// The Aura slot of block `number` (the `aura` pre-runtime digest: engine id, then the
/// SCALE `u64` slot).
fn aura_slot(node: &Node, number: u32) -> u64 {
    let hash = hash_at(node, number).unwrap();
    let header = node.rpc("chain_getHeader", json!([hash]));
    for log in header["digest"]["logs"].as_array().unwrap() {
        let bytes = hex::decode(log.as_str().unwrap().trim_start_matches("0x")).unwrap();
        // PreRuntime (6), b"aura", compact length 32 (0x20), the slot.
        if bytes.len() >= 14 && bytes[0] == 6 && &bytes[1..5] == b"aura" {
            return u64::from_le_bytes(bytes[6..14].try_into().unwrap());
        }
    }
    panic!("block #{number} has no Aura pre-digest");
}

pub(crate) fn peers(node: &Node) -> usize {
    node.rpc("system_health", json!([]))["peers"].as_u64().unwrap_or(0) as usize
}

/// Every node has finalized at least `number`, and they agree on the hash there.
pub(crate) fn agree_on_finalized(nodes: &[&Node], number: u32) -> bool {
    if nodes.iter().any(|n| n.finalized().0 < number) {
        return false;
    }
    let hashes: Vec<_> = nodes.iter().map(|n| hash_at(n, number)).collect();
    hashes.iter().all(|h| h.is_some() && *h == hashes[0])
}

#[test]
fn four_validators_finalize_one_chain_lose_one_and_take_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<Member> =
        VALIDATORS.iter().enumerate().map(|(i, v)| Member::new(Some(v), i as u8 + 1)).collect();
    let all: Vec<String> = members.iter().map(Member::addr).collect();
    let mut nodes = start_mesh(&members, dir.path());

    let refs: Vec<&Node> = nodes.iter().collect();
    wait_for(&refs, Duration::from_secs(90), "a full mesh", || refs.iter().all(|n| peers(n) == 3));
    wait_for(&refs, Duration::from_secs(120), "four validators finalizing #4", || {
        agree_on_finalized(&refs, 4)
    });
    // The validators author in turn: the slot in each block's Aura pre-digest, modulo
    // the four authorities, names its author.
    let authors: std::collections::BTreeSet<u64> =
        (1..=nodes[0].finalized().0).map(|n| aura_slot(&nodes[0], n) % 4).collect();
    assert!(authors.len() >= 3, "blocks by {authors:?} only");

    // Dave goes away: three of four still reach the threshold.
    nodes[3].kill();
    let refs3: Vec<&Node> = nodes[..3].iter().collect();
    let f = refs3.iter().map(|n| n.finalized().0).max().unwrap();
    wait_for(&refs3, Duration::from_secs(120), "three validators finalizing", || {
        agree_on_finalized(&refs3, f + 3)
    });

    // Dave comes back on the same base path and ports and catches up.
    nodes[3] = members[3].start(dir.path(), &all[..3]);
    let refs: Vec<&Node> = nodes.iter().collect();
    let f = refs[..3].iter().map(|n| n.finalized().0).max().unwrap();
    wait_for(&refs, Duration::from_secs(120), "the restarted validator catching up", || {
        agree_on_finalized(&refs, f + 2)
    });

    // A full node that joins late syncs the chain and follows finality.
    let late = Member::new(None, 9);
    let full = late.start(dir.path(), &all[..1]);
    let f = refs.iter().map(|n| n.finalized().0).max().unwrap();
    let mut with_full: Vec<&Node> = nodes.iter().collect();
    with_full.push(&full);
    wait_for(&with_full, Duration::from_secs(120), "the late full node following finality", || {
        agree_on_finalized(&with_full, f + 2)
    });
    let health = full.rpc("system_health", json!([]));
    assert_eq!(health["isSyncing"], json!(false));
    assert!(health["peers"].as_u64().unwrap() >= 1);
    let roles = full.rpc("system_nodeRoles", json!([]));
    assert_eq!(roles, json!(["Full"]));
}

/// A 2|2 split: each half knows only its own two nodes (no discovery between them), so
/// neither has the two thirds GRANDPA needs: both author their own chain and nothing is
/// finalized on either side. The halves are joined by restarting one node of the second
/// half (same base path) with the first half's addresses: every node settles on one
/// chain and finality resumes on it (the voters' split round-1 prevotes are for blocks of
/// both forks, which the nodes fetch before counting them).
#[test]
fn a_two_two_partition_finalizes_nothing_and_heals() {
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<Member> =
        VALIDATORS.iter().enumerate().map(|(i, v)| Member::new(Some(v), i as u8 + 21)).collect();
    let mut nodes = [
        members[0].start(dir.path(), &[members[1].addr()]),
        members[1].start(dir.path(), &[members[0].addr()]),
        members[2].start(dir.path(), &[members[3].addr()]),
        members[3].start(dir.path(), &[members[2].addr()]),
    ];
    let refs: Vec<&Node> = nodes.iter().collect();
    wait_for(&refs, Duration::from_secs(90), "both halves authoring", || {
        refs.iter().all(|n| n.best_number() >= 4 && peers(n) == 1)
    });
    // Both halves author their own chains and finalize nothing past genesis.
    std::thread::sleep(Duration::from_secs(6));
    for n in &refs {
        assert_eq!(n.finalized().0, 0, "a half finalized alone:\n{}", n.log_tail());
        assert_eq!(peers(n), 1, "the partition leaked");
    }
    assert_ne!(hash_at(refs[0], 3), hash_at(refs[2], 3), "the halves hold different chains");

    // Heal: Charlie comes back knowing Alice and Bob too.
    nodes[2].kill();
    nodes[2] =
        members[2].start(dir.path(), &[members[0].addr(), members[1].addr(), members[3].addr()]);
    let refs: Vec<&Node> = nodes.iter().collect();
    wait_for(&refs, Duration::from_secs(120), "one chain after the partition heals", || {
        let best = refs.iter().map(|n| n.best_number()).min().unwrap();
        let hashes: Vec<_> = refs.iter().map(|n| hash_at(n, best)).collect();
        refs.iter().all(|n| peers(n) == 3) && hashes.iter().all(|h| h.is_some() && *h == hashes[0])
    });
    wait_for(&refs, Duration::from_secs(120), "finality after the partition heals", || {
        agree_on_finalized(&refs, 6)
    });
    let f = refs.iter().map(|n| n.finalized().0).min().unwrap();
    let first: Vec<_> = (1..=f).map(|n| hash_at(refs[0], n)).collect();
    for node in &refs[1..] {
        let theirs: Vec<_> = (1..=f).map(|n| hash_at(node, n)).collect();
        assert_eq!(theirs, first, "every node holds the same finalized chain");
    }
}

/// The `local` chain's configuration at `base` (no network, RPC or metrics).
fn offline_config(
    spec: &lattice_chain_spec::ChainSpec,
    base: &Path,
) -> lattice_service::Configuration {
    lattice_service::Configuration {
        chain_path: lattice_service::Configuration::chain_path_of(base, &spec.id),
        chain_spec: spec.clone(),
        node_name: "generator".into(),
        impl_name: "lattice".into(),
        impl_version: "test".into(),
        role: lattice_service::Role::Full,
        pruning: None,
        rpc: None,
        prometheus: None,
        dev_key_seed: None,
        informant_interval: Duration::from_secs(5),
        grandpa_gossip: Duration::from_millis(333),
        pool: Default::default(),
        network: None,
        sync: Default::default(),
    }
}

/// `count` blocks of the `local` chain in past slots, each sealed by its slot's author
/// (the four dev validators' keys are at hand), imported into the databases under
/// `bases` as the validators would have imported them.
fn prebuilt_chain(dir: &Path, count: u32, bases: &[std::path::PathBuf]) {
    use codec::Encode;
    use lattice_chain::{BlockBuilder, BlockOrigin, ImportParams};
    use lattice_primitives::inherent::TIMESTAMP_INHERENT;
    use lattice_primitives::{Digest, DigestItem, InherentData};

    let spec_file = dir.join("local.json");
    let out = std::process::Command::new(crate::harness::binary())
        .args(["build-spec", "--chain", "local", "--raw"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&spec_file, &out.stdout).unwrap();
    let spec = lattice_chain_spec::ChainSpec::from_file(&spec_file).unwrap();
    let author =
        lattice_service::new_parts(&offline_config(&spec, &dir.join("generator"))).unwrap();
    for name in ["Alice", "Bob", "Charlie", "Dave"] {
        lattice_service::insert_dev_keys(&author.keystore, &format!("//{name}")).unwrap();
    }
    let client = &author.client;
    let mut blocks = Vec::new();
    for slot in 1..=u64::from(count) {
        let parent = client.info().best_hash;
        let digest = Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] };
        let mut builder = BlockBuilder::new(client, parent, digest).unwrap();
        let mut data = InherentData::default();
        data.put(TIMESTAMP_INHERENT, &(slot * 2000));
        for xt in builder.create_inherents(&data).unwrap() {
            builder.push(&xt).unwrap().unwrap().unwrap();
        }
        let built = builder.build().unwrap();
        let authorities = lattice_consensus::aura::authorities(client, &parent).unwrap();
        let who = authorities[(slot % authorities.len() as u64) as usize];
        let sealed = lattice_consensus::aura::seal(built.block, &author.keystore, &who)
            .unwrap()
            .expect("the generator holds every validator's key");
        client.import_built(sealed.clone(), built.state, BlockOrigin::Own).unwrap();
        blocks.push(sealed);
    }
    drop(author);
    for base in bases {
        let parts = lattice_service::new_parts(&offline_config(&spec, base)).unwrap();
        for block in &blocks {
            parts
                .client
                .import_block(ImportParams {
                    block: block.clone(),
                    justification: None,
                    origin: BlockOrigin::File,
                    finalize: false,
                })
                .unwrap();
        }
    }
}

/// Four validators whose chain is 1,000 blocks long when they start finalize it; a full
/// node started from nothing syncs those blocks from them and follows finality.
#[test]
fn a_node_a_thousand_blocks_behind_syncs_and_follows_finality() {
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<Member> =
        VALIDATORS.iter().enumerate().map(|(i, v)| Member::new(Some(v), i as u8 + 41)).collect();
    let bases: Vec<_> = VALIDATORS.iter().map(|v| dir.path().join(v)).collect();
    prebuilt_chain(dir.path(), 1000, &bases);
    let all: Vec<String> = members.iter().map(Member::addr).collect();
    let nodes = start_mesh(&members, dir.path());
    let refs: Vec<&Node> = nodes.iter().collect();
    wait_for(&refs, Duration::from_secs(120), "the validators finalizing past #1000", || {
        agree_on_finalized(&refs, 1001)
    });

    let late = Member::new(None, 49);
    let started = Instant::now();
    let full = late.start(dir.path(), &all);
    let mut with_full = refs.clone();
    with_full.push(&full);
    let f = refs.iter().map(|n| n.finalized().0).max().unwrap();
    wait_for(&with_full, Duration::from_secs(120), "the late node syncing and following", || {
        agree_on_finalized(&with_full, f + 2)
    });
    eprintln!(
        "the late node synced {} blocks and followed finality in {:.1} s",
        f + 2,
        started.elapsed().as_secs_f64()
    );
}
