//! A world of simulated nodes: a genesis with N validators, a random topology, the
//! executor that runs every node's tasks, and the loop that delivers messages and moves
//! the clock.

use crate::exec::Executor;
use crate::net::{Conditions, Net, NetStats, NodeId};
use crate::node::{Behaviour, Shared, SimNode};
use codec::Decode;
use lattice_chain::{test_utils, Client, StoragePairs};
use lattice_db::{Database, DatabaseConfig};
use lattice_executor::WasmExecutor;
use lattice_primitives::api::methods::STAKING_VALIDATORS;
use lattice_primitives::staking::ValidatorInfo;
use lattice_primitives::{AccountId32, BlockNumber, H256};
use parking_lot::Mutex;
use serde_json::{json, Value};
use sp_core::Pair;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Blocks per era in the simulated chains: no era ends during a run, so the authority
/// set stays the genesis one.
const ERA_LENGTH: u32 = 10_000;

/// A world's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Validators.
    pub nodes: usize,
    /// Links per node, at least (a ring, then random links).
    pub degree: usize,
    /// Latency and loss.
    pub conditions: Conditions,
    /// The seed of everything random.
    pub seed: u64,
    /// How each node behaves (missing: honest).
    pub behaviours: BTreeMap<NodeId, Behaviour>,
}

/// The genesis of `n` validators `//Sim0..`, built by the runtime once per size.
fn genesis(executor: &WasmExecutor, n: usize) -> StoragePairs {
    static GENESES: OnceLock<Mutex<BTreeMap<usize, StoragePairs>>> = OnceLock::new();
    let cache = GENESES.get_or_init(Default::default);
    if let Some(pairs) = cache.lock().get(&n) {
        return pairs.clone();
    }
    let preset = test_utils::preset(executor, "local_testnet");
    let mut config: Value = serde_json::from_slice(&preset).expect("JSON");
    let endowment = config["balances"]["balances"][0][1].clone();
    let stake = config["staking"]["validators"][0][1].clone();
    let hex = |b: [u8; 32]| format!("0x{}", hex::encode(b));
    let mut keys = Vec::new();
    let mut validators = Vec::new();
    let balances = config["balances"]["balances"].as_array_mut().expect("list");
    for i in 0..n {
        let account = hex(validator_account(i).0);
        let ed = sp_core::ed25519::Pair::from_string(&format!("//Sim{i}"), None).expect("seed");
        balances.push(json!([account, endowment]));
        keys.push(json!([account, { "aura": account, "grandpa": hex(ed.public().0) }]));
        validators.push(json!([account, stake, 0]));
    }
    config["session"]["period"] = json!(ERA_LENGTH);
    config["session"]["keys"] = Value::Array(keys);
    config["staking"]["validators"] = Value::Array(validators);
    let pairs = test_utils::genesis_state(executor, &serde_json::to_vec(&config).expect("JSON"));
    cache.lock().insert(n, pairs.clone());
    pairs
}

/// The account (and Aura key) of validator `i`: `//Sim{i}`.
pub fn validator_account(i: usize) -> AccountId32 {
    let sr = sp_core::sr25519::Pair::from_string(&format!("//Sim{i}"), None).expect("seed");
    AccountId32::from(sr.public().0)
}

/// One executor for every node of every world: the runtime compiles once.
fn executor() -> WasmExecutor {
    static EXECUTOR: OnceLock<WasmExecutor> = OnceLock::new();
    EXECUTOR.get_or_init(test_utils::executor).clone()
}

/// The nodes, their network and the executor of their tasks.
pub struct World {
    /// The tasks and the clock.
    pub exec: Executor,
    /// The network.
    pub net: Arc<Mutex<Net>>,
    /// The nodes.
    pub nodes: Vec<Arc<SimNode>>,
    shared: Arc<Shared>,
    config: Config,
    genesis: StoragePairs,
    /// Each node's directory (database, keystore, voter state), kept across restarts.
    dirs: Vec<tempfile::TempDir>,
    /// Each running node's tasks.
    tasks: Vec<Vec<usize>>,
}

/// A node on the database under `dir` (created if missing).
fn open_node(
    id: NodeId,
    dir: &std::path::Path,
    config: &Config,
    genesis: &StoragePairs,
    shared: &Arc<Shared>,
) -> Arc<SimNode> {
    let db = Database::open(DatabaseConfig::new(dir.join("db"))).expect("opens");
    let client = Client::new(db, executor(), genesis.clone(), None).expect("starts");
    let behaviour = config.behaviours.get(&id).copied().unwrap_or(Behaviour::Honest);
    Arc::new(SimNode::new(id, client, behaviour, shared.clone(), config.seed, dir.to_path_buf()))
}

/// Spawns the tasks of a node; returns their ids.
fn spawn_node(exec: &mut Executor, node: &Arc<SimNode>) -> Vec<usize> {
    vec![
        exec.spawn(node.clone().voter()),
        exec.spawn(node.clone().author()),
        exec.spawn(node.clone().follow()),
        exec.spawn(node.clone().tick()),
        exec.spawn(node.clone().double_vote()),
        exec.spawn(node.clone().rebroadcast()),
        exec.spawn(node.clone().send_garbage()),
    ]
}

impl World {
    /// Starts a world at time 0: every node on genesis, linked and running.
    pub fn new(config: &Config) -> Self {
        let mut exec = Executor::new();
        let net = Arc::new(Mutex::new(Net::new(config.conditions, config.seed)));
        let shared = Arc::new(Shared {
            net: net.clone(),
            clock: exec.clock.clone(),
            reports: Default::default(),
        });
        let genesis = genesis(&executor(), config.nodes);
        let dirs: Vec<tempfile::TempDir> =
            (0..config.nodes).map(|_| tempfile::tempdir().expect("temporary directory")).collect();
        let nodes: Vec<Arc<SimNode>> = (0..config.nodes)
            .map(|id| open_node(id, dirs[id].path(), config, &genesis, &shared))
            .collect();
        {
            let mut net = net.lock();
            let n = config.nodes;
            for i in 0..n {
                net.link(i, (i + 1) % n);
            }
            for i in 0..n {
                while net.neighbours(i).len() < config.degree.min(n - 1) {
                    let j = net.rng().below(n as u64) as usize;
                    if j != i {
                        net.link(i, j);
                    }
                }
            }
        }
        for node in &nodes {
            for peer in net.lock().neighbours(node.id) {
                node.gossip.on_peer_connected(&peer);
            }
        }
        let tasks = nodes.iter().map(|node| spawn_node(&mut exec, node)).collect();
        Self { exec, net, nodes, shared, config: config.clone(), genesis, dirs, tasks }
    }

    /// Stops node `id` as a crash would: its tasks end, nothing reaches it or leaves it,
    /// its peers see it disconnect. Its directory stays.
    pub fn stop(&mut self, id: NodeId) {
        for task in std::mem::take(&mut self.tasks[id]) {
            self.exec.cancel(task);
        }
        let peers = {
            let mut net = self.net.lock();
            net.set_down(id, true);
            net.neighbours(id)
        };
        for peer in peers {
            self.nodes[peer].gossip.on_peer_disconnected(&id);
        }
    }

    /// Starts the stopped node `id` again on its directory: its database, keystore and
    /// voter state as it left them.
    pub fn restart(&mut self, id: NodeId) {
        let old = self.nodes.remove(id);
        assert_eq!(Arc::strong_count(&old), 1, "node {id} is still running");
        drop(old);
        let node = open_node(id, self.dirs[id].path(), &self.config, &self.genesis, &self.shared);
        self.nodes.insert(id, node.clone());
        let peers = {
            let mut net = self.net.lock();
            net.set_down(id, false);
            net.neighbours(id)
        };
        for peer in peers {
            node.gossip.on_peer_connected(&peer);
            self.nodes[peer].gossip.on_peer_connected(&id);
        }
        self.tasks[id] = spawn_node(&mut self.exec, &node);
    }

    /// The time now.
    pub fn now_ms(&self) -> u64 {
        self.exec.now_ms()
    }

    /// Runs every task and delivers every message until the clock reaches `until_ms`.
    pub fn run_until(&mut self, until_ms: u64) {
        loop {
            self.exec.run_ready();
            let now = self.exec.now_ms();
            loop {
                let next = self.net.lock().pop_due(now);
                let Some((from, to, wire)) = next else { break };
                self.nodes[to].on_wire(from, wire);
                self.exec.run_ready();
            }
            let next_timer = self.exec.next_timer();
            let next_message = self.net.lock().next_delivery();
            let next = match (next_timer, next_message) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match next {
                Some(t) if t <= until_ms => self.exec.advance_to(t),
                _ => {
                    self.exec.advance_to(until_ms);
                    self.exec.run_ready();
                    return;
                }
            }
        }
    }

    /// Runs for `ms` more.
    pub fn run_for(&mut self, ms: u64) {
        let until = self.now_ms() + ms;
        self.run_until(until);
    }

    /// Splits the nodes: `side[i]` is node i's side; `None` heals.
    pub fn partition(&self, side: Option<Vec<u8>>) {
        self.net.lock().partition(side);
    }

    /// What the network did.
    pub fn stats(&self) -> NetStats {
        self.net.lock().stats()
    }

    /// Every gossip complaint so far: (reporter, offender, misbehaviour).
    pub fn gossip_reports(&self) -> Vec<crate::node::GossipReport> {
        self.shared.reports.lock().clone()
    }
}

/// The blocks of `node`'s chain from genesis to `head`, oldest first.
pub fn chain_to(node: &SimNode, head: H256) -> Vec<H256> {
    let mut chain = Vec::new();
    let mut at = head;
    loop {
        chain.push(at);
        let header = node.client.expect_header(&at).expect("stored");
        if header.number == 0 {
            break;
        }
        at = header.parent_hash;
    }
    chain.reverse();
    chain
}

/// `node`'s finalized chain, oldest first.
pub fn finalized_chain(node: &SimNode) -> Vec<H256> {
    chain_to(node, node.client.info().finalized_hash)
}

/// Finalized numbers of every node.
pub fn finalized_numbers(world: &World) -> Vec<BlockNumber> {
    world.nodes.iter().map(|n| n.client.info().finalized_number).collect()
}

/// Panics unless every node's finalized chain is a prefix of the longest one: no two
/// nodes finalized conflicting blocks. Returns the longest.
pub fn assert_finality_agrees(world: &World) -> Vec<H256> {
    let chains: Vec<Vec<H256>> = world.nodes.iter().map(|n| finalized_chain(n)).collect();
    let longest = chains.iter().max_by_key(|c| c.len()).expect("nodes").clone();
    for (i, chain) in chains.iter().enumerate() {
        assert_eq!(
            chain[..],
            longest[..chain.len()],
            "node {i} finalized a block off the longest finalized chain"
        );
    }
    longest
}

/// The self-stake of every validator in `node`'s finalized state.
pub fn self_stakes(node: &SimNode) -> BTreeMap<AccountId32, u128> {
    let at = node.client.info().finalized_hash;
    let out = node.client.call(&at, STAKING_VALIDATORS, &[]).expect("the runtime answers");
    let list = Vec::<ValidatorInfo>::decode(&mut &out[..]).expect("decodes");
    list.into_iter().map(|v| (v.account, v.self_stake)).collect()
}
