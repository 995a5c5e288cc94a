//! Warp sync (`--sync warp`): instead of executing the chain from genesis, a fresh node
//! downloads a GRANDPA warp proof (one justification per authority set, checked from the
//! genesis set on), then the whole state of the proof's last block in range proofs
//! checked against that header's state root, then that block, and stores it as its best
//! and finalized block. Block sync goes on from there.
//!
//! [`WarpSync`] is the asking side's state machine: the bridge gives it idle peers and
//! the answers, it says what to ask next and when to import. Every answer is checked
//! before use; a peer whose answer fails a check is reported by the bridge.

use crate::network::message::*;
use codec::Encode;
use lattice_chain::Client;
use lattice_consensus::grandpa::warp::{
    verify_warp_proof, WarpProofRequest, WarpSyncFragment, WarpSyncProof, WARP_FRAGMENTS_KEY,
};
use lattice_consensus::grandpa::{authority_set, AuthorityId};
use lattice_network::{PeerId, Protocol};
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_primitives::{Block, BlockNumber, H256};
use lattice_state::{verify_range_proof, StorageProof};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Failed requests of a state download after which a fresh proof (a newer target, whose
/// state peers still keep) is fetched.
const MAX_FAILURES: u32 = 8;
/// Most authority sets a warp proof may cross (bounds what a peer makes this node keep).
const MAX_FRAGMENTS: usize = 100_000;
/// How often the download's progress is logged.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// What a warp request asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WarpRequest {
    /// Warp proof fragments.
    Proof,
    /// A stretch of the target's state.
    State,
    /// The target block.
    Block,
}

/// What the bridge does with an answer.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing more to do now.
    Continue,
    /// The peer's answer does not decode (`undecodable`) or fails a check: report it.
    Bad { undecodable: bool, reason: String },
    /// The state is complete: store the target.
    Import(Box<Target>),
}

/// A proven warp-sync target, ready to store.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) block: Block,
    pub(crate) justification: (lattice_primitives::ConsensusEngineId, Vec<u8>),
    pub(crate) entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// The verified fragments, kept so this node can prove its chain to others.
    pub(crate) aux: Vec<(Vec<u8>, Vec<u8>)>,
}

enum Phase {
    /// Fragments after `begin`, which set `set_id` with `authorities` finalized.
    Proof { begin: (H256, BlockNumber), set_id: u64, authorities: Vec<(AuthorityId, u64)> },
    /// The target's state, `entries` so far.
    State { target: WarpSyncFragment, entries: Vec<(Vec<u8>, Vec<u8>)>, size: usize },
    /// The target block's body.
    Block { target: WarpSyncFragment, entries: Vec<(Vec<u8>, Vec<u8>)> },
    /// Handed to the import.
    Importing,
}

/// A warp sync under way.
pub(crate) struct WarpSync {
    /// The genesis hash, set id and voters.
    genesis: (H256, u64, Vec<(AuthorityId, u64)>),
    phase: Phase,
    /// The fragments verified so far, from genesis on.
    fragments: Vec<WarpSyncFragment>,
    /// The peer asked, while a request is out (one at a time).
    asked: Option<PeerId>,
    /// Peers whose request failed in this phase: asked again only once all have failed.
    failed: HashSet<PeerId>,
    failures: u32,
    started: Instant,
    logged: Instant,
}

impl WarpSync {
    /// Starts from the genesis set of `client`'s chain.
    pub(crate) fn new(client: &Client) -> Result<Self, String> {
        let genesis = client.genesis_hash();
        let (authorities, set_id) =
            authority_set(client, &genesis).map_err(|e| format!("the genesis set: {e}"))?;
        let mut sync = Self {
            genesis: (genesis, set_id, authorities),
            phase: Phase::Importing,
            fragments: Vec::new(),
            asked: None,
            failed: HashSet::new(),
            failures: 0,
            started: Instant::now(),
            logged: Instant::now(),
        };
        sync.restart();
        Ok(sync)
    }

    /// Starts over from genesis (also after a failed import).
    pub(crate) fn restart(&mut self) {
        let (hash, set_id, authorities) = self.genesis.clone();
        self.phase = Phase::Proof { begin: (hash, 0), set_id, authorities };
        self.fragments.clear();
        self.asked = None;
        self.failed.clear();
        self.failures = 0;
    }

    /// When the sync began.
    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// The next request, to one of `idle` (best first), when none is out.
    pub(crate) fn next_request(
        &mut self,
        idle: &[PeerId],
    ) -> Option<(PeerId, Protocol, Vec<u8>, WarpRequest)> {
        if self.asked.is_some() || matches!(self.phase, Phase::Importing) {
            return None;
        }
        if !idle.is_empty() && idle.iter().all(|p| self.failed.contains(p)) {
            self.failed.clear();
        }
        let peer = *idle.iter().find(|p| !self.failed.contains(p))?;
        let (protocol, bytes, request) = match &self.phase {
            Phase::Proof { begin, .. } => (
                Protocol::WarpSync,
                WarpProofRequest { begin: begin.0 }.encode(),
                WarpRequest::Proof,
            ),
            Phase::State { target, entries, .. } => (
                Protocol::State,
                StateRequest {
                    block: target.header.hash(),
                    after: entries.last().map(|(k, _)| k.clone()),
                }
                .encode(),
                WarpRequest::State,
            ),
            Phase::Block { target, .. } => (
                Protocol::Sync,
                BlockRequest {
                    fields: FIELD_HEADER | FIELD_BODY | FIELD_JUSTIFICATION,
                    from: FromBlock::Hash(target.header.hash()),
                    direction: Direction::Ascending,
                    max: 1,
                }
                .encode(),
                WarpRequest::Block,
            ),
            Phase::Importing => return None,
        };
        self.asked = Some(peer);
        Some((peer, protocol, bytes, request))
    }

    /// A request failed (no answer, or the peer could not serve it).
    pub(crate) fn on_failure(&mut self, peer: PeerId) {
        if self.asked == Some(peer) {
            self.asked = None;
        }
        self.failed.insert(peer);
        self.failures += 1;
        if self.failures >= MAX_FAILURES && !matches!(self.phase, Phase::Proof { .. }) {
            tracing::info!(target: "sync", "⏩ Warp sync: peers stopped serving the target's state; asking for a newer proof");
            self.restart();
        }
    }

    /// A peer answered `request` with `bytes`.
    pub(crate) fn on_response(
        &mut self,
        peer: PeerId,
        request: WarpRequest,
        bytes: &[u8],
    ) -> Outcome {
        if self.asked != Some(peer) {
            return Outcome::Continue;
        }
        self.asked = None;
        let undecodable = |e: String| Outcome::Bad { undecodable: true, reason: e };
        let bad = |reason: String| Outcome::Bad { undecodable: false, reason };
        let phase = std::mem::replace(&mut self.phase, Phase::Importing);
        match (phase, request) {
            (Phase::Proof { begin, set_id, authorities }, WarpRequest::Proof) => {
                let proof = match decode_all::<WarpSyncProof>(bytes) {
                    Ok(p) => p,
                    Err(e) => {
                        self.phase = Phase::Proof { begin, set_id, authorities };
                        return undecodable(e);
                    }
                };
                match verify_warp_proof(&proof, begin.1, set_id, authorities.clone()) {
                    Err(e) => {
                        self.phase = Phase::Proof { begin, set_id, authorities };
                        bad(e.to_string())
                    }
                    Ok(progress) => match progress.last {
                        Some(_) if self.fragments.len() + proof.proofs.len() > MAX_FRAGMENTS => {
                            self.phase = Phase::Proof { begin, set_id, authorities };
                            bad(format!("more than {MAX_FRAGMENTS} authority sets"))
                        }
                        None => {
                            // Nothing past our block: this peer cannot help.
                            self.failed.insert(peer);
                            self.phase = Phase::Proof { begin, set_id, authorities };
                            Outcome::Continue
                        }
                        Some(last) if proof.is_finished => {
                            self.fragments.extend(proof.proofs);
                            tracing::info!(
                                target: "sync",
                                "⏩ Warp sync: #{} ({:?}) is final (authority set {}); downloading its state",
                                last.header.number,
                                last.header.hash(),
                                progress.set_id
                            );
                            self.enter(Phase::State { target: last, entries: Vec::new(), size: 0 });
                            Outcome::Continue
                        }
                        Some(last) => {
                            self.fragments.extend(proof.proofs);
                            tracing::info!(target: "sync", "⏩ Warp sync: verified the sets up to #{} (set {})", last.header.number, progress.set_id);
                            self.enter(Phase::Proof {
                                begin: (last.header.hash(), last.header.number),
                                set_id: progress.set_id,
                                authorities: progress.authorities,
                            });
                            Outcome::Continue
                        }
                    },
                }
            }
            (Phase::State { target, mut entries, mut size }, WarpRequest::State) => {
                let response = match decode_all::<StateResponse>(bytes) {
                    Ok(r) => r,
                    Err(e) => {
                        self.phase = Phase::State { target, entries, size };
                        return undecodable(e);
                    }
                };
                let proof = StorageProof::new(response.proof);
                let after = entries.last().map(|(k, _)| k.clone());
                match verify_range_proof(target.header.state_root.0, &proof, after.as_deref()) {
                    Err(e) => {
                        let reason = format!("state of #{}: {e}", target.header.number);
                        self.phase = Phase::State { target, entries, size };
                        bad(reason)
                    }
                    Ok(range) => {
                        size += range.entries.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
                        entries.extend(range.entries);
                        self.failures = 0;
                        if self.logged.elapsed() >= LOG_EVERY || range.complete {
                            self.logged = Instant::now();
                            tracing::info!(
                                target: "sync",
                                "⏩ Warp sync: state of #{}: {} entries, {:.1} MiB{}",
                                target.header.number,
                                entries.len(),
                                size as f64 / (1024.0 * 1024.0),
                                if range.complete { ", complete" } else { "" }
                            );
                        }
                        if range.complete {
                            self.enter(Phase::Block { target, entries });
                        } else {
                            self.phase = Phase::State { target, entries, size };
                        }
                        Outcome::Continue
                    }
                }
            }
            (Phase::Block { target, entries }, WarpRequest::Block) => {
                let hash = target.header.hash();
                let block = decode_all::<BlockResponse>(bytes).map(|r| r.blocks);
                let data = match block {
                    Err(e) => {
                        self.phase = Phase::Block { target, entries };
                        return undecodable(e);
                    }
                    Ok(mut blocks) if blocks.len() == 1 => blocks.remove(0),
                    Ok(blocks) => {
                        self.phase = Phase::Block { target, entries };
                        return bad(format!("{} blocks for a request of the target", blocks.len()));
                    }
                };
                match (data.header, data.body) {
                    (Some(header), Some(body)) if data.hash == hash && header == target.header => {
                        let justification = (GRANDPA_ENGINE_ID, target.justification.encode());
                        let aux = vec![(WARP_FRAGMENTS_KEY.to_vec(), self.fragments.encode())];
                        Outcome::Import(Box::new(Target {
                            block: Block { header, extrinsics: body },
                            justification,
                            entries,
                            aux,
                        }))
                    }
                    _ => {
                        self.phase = Phase::Block { target, entries };
                        bad("not the target block, or without its body".into())
                    }
                }
            }
            (phase, _) => {
                // An answer of an earlier phase: ignored.
                self.phase = phase;
                Outcome::Continue
            }
        }
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        self.failed.clear();
        self.failures = 0;
    }
}

/// Answers a state request: a range proof of the block's state from the asked key, of
/// about `max_bytes` of entries. `None` when the state is not kept here.
pub(crate) fn answer_state_request(
    client: &Client,
    request: &StateRequest,
    max_bytes: usize,
) -> Option<StateResponse> {
    let state = client.state_at(&request.block).ok()?;
    match lattice_state::prove_range(state.inner(), request.after.as_deref(), max_bytes) {
        Ok(proof) => Some(StateResponse { proof: proof.into_iter_nodes().collect() }),
        Err(e) => {
            tracing::debug!(target: "sync", "cannot prove the state of {:?}: {e}", request.block);
            None
        }
    }
}

impl std::fmt::Debug for WarpSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let phase = match &self.phase {
            Phase::Proof { begin, .. } => format!("proof from #{}", begin.1),
            Phase::State { target, entries, .. } => {
                format!("state of #{} ({} entries)", target.header.number, entries.len())
            }
            Phase::Block { target, .. } => format!("block #{}", target.header.number),
            Phase::Importing => "importing".into(),
        };
        f.debug_struct("WarpSync").field("phase", &phase).finish()
    }
}

/// What the warp-sync target's import gave: its number, or why it failed.
pub(crate) type WarpImported = Result<BlockNumber, String>;
