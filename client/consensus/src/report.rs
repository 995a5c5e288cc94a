//! Equivocations turned into on-chain reports: [`SlotWatch`] finds blocks sealed twice
//! for one slot among the blocks a node imports, and the `submit_*` functions ask the
//! runtime for the unsigned report extrinsic of a proof (a double vote from the
//! [`crate::grandpa::EquivocationLog`], or two blocks of one slot) and submit it to the
//! transaction pool, so the node's next block, or a peer's, carries it.

use crate::grandpa::EquivocationProof;
use codec::{Decode, Encode};
use lattice_chain::Client;
use lattice_primitives::api::methods::{
    STAKING_BLOCK_EQUIVOCATION_REPORT, STAKING_EQUIVOCATION_REPORT,
};
use lattice_primitives::{AccountId32, Header, TransactionSource, H256};
use lattice_txpool::{ChainApi, Pool};
use parking_lot::Mutex;
use schnellru::{ByLength, LruMap};
use std::collections::VecDeque;
use std::sync::Arc;

/// Two blocks sealed for one slot: the slot's author signed both (an equivocation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotEquivocation {
    /// The slot.
    pub slot: u64,
    /// The block seen first.
    pub first: Header,
    /// The other block.
    pub second: Header,
}

/// Slots seen lately; both headers of each equivocation found are kept.
const WATCHED_SLOTS: u32 = 4096;
/// Equivocations kept for reporting.
const MAX_SLOT_EQUIVOCATIONS: usize = 64;

/// Watches the slots of imported blocks for a second block in one slot.
pub struct SlotWatch {
    seen: LruMap<u64, Header>,
    found: Arc<Mutex<VecDeque<SlotEquivocation>>>,
}

impl SlotWatch {
    /// A watch that pushes what it finds to `found` (the oldest beyond 64 dropped).
    pub fn new(found: Arc<Mutex<VecDeque<SlotEquivocation>>>) -> Self {
        Self { seen: LruMap::new(ByLength::new(WATCHED_SLOTS)), found }
    }

    /// Notes a block whose seal verified. With one authority set, a slot has one author,
    /// so a second, different block in the slot is that author's equivocation.
    pub fn note(&mut self, header: &Header) {
        let Some(slot) = crate::aura::find_slot(header) else { return };
        match self.seen.get(&slot) {
            Some(first) if first.hash() != header.hash() => {
                tracing::warn!(
                    target: "aura",
                    "⚠️ the author of slot {slot} sealed two blocks: #{} ({:?}) and #{} ({:?})",
                    first.number,
                    first.hash(),
                    header.number,
                    header.hash()
                );
                let proof = SlotEquivocation { slot, first: first.clone(), second: header.clone() };
                let mut found = self.found.lock();
                if !found.iter().any(|e| e.slot == slot) {
                    found.push_back(proof);
                    if found.len() > MAX_SLOT_EQUIVOCATIONS {
                        found.pop_front();
                    }
                }
            }
            Some(_) => {}
            None => {
                self.seen.insert(slot, header.clone());
            }
        }
    }
}

/// Asks the runtime at `best` for the unsigned report extrinsic (`method` with `input`)
/// and submits it to the pool; `what` names the offence in the log. Whether the pool
/// took it.
fn submit_report<A: ChainApi>(
    client: &Client,
    pool: &Pool<A>,
    best: H256,
    method: &str,
    input: &[u8],
    what: &str,
) -> bool {
    let xt = match client.call(&best, method, input) {
        Ok(out) => match Vec::<u8>::decode(&mut &out[..]) {
            Ok(xt) => xt,
            Err(e) => {
                tracing::warn!(target: "staking", "undecodable report of {what}: {e}");
                return false;
            }
        },
        Err(e) => {
            tracing::warn!(target: "staking", "the runtime cannot build a report of {what}: {e}");
            return false;
        }
    };
    match pool.submit_at(best, TransactionSource::Local, xt) {
        Ok(hash) => {
            tracing::info!(target: "staking", "reported {what} ({hash:?})");
            true
        }
        Err(e) => {
            tracing::warn!(target: "staking", "report of {what} refused: {e}");
            false
        }
    }
}

/// Turns each double vote into the runtime's unsigned report extrinsic
/// (`LatticeStakingApi_equivocation_report`) at the best block and submits it to the
/// pool; returns how many the pool took. A proof the runtime refuses (an old set, one
/// already punished) is logged and dropped.
pub fn submit_equivocations<A: ChainApi>(
    client: &Client,
    pool: &Pool<A>,
    proofs: Vec<EquivocationProof>,
) -> usize {
    let best = client.info().best_hash;
    let what = |p: &EquivocationProof| {
        format!("the double vote of round {} in set {}", p.round(), p.set_id)
    };
    proofs
        .iter()
        // No reporter account: the node has session keys, not an account key; the
        // reporter's share is then burned with the rest.
        .filter(|proof| {
            let input = (proof, None::<AccountId32>).encode();
            submit_report(client, pool, best, STAKING_EQUIVOCATION_REPORT, &input, &what(proof))
        })
        .count()
}

/// Turns each pair of blocks sealed for one slot into the runtime's unsigned report
/// (`LatticeStakingApi_block_equivocation_report`, the proof in Substrate's
/// `sp_consensus_slots::EquivocationProof` encoding: the author's key, the slot, both
/// headers) at the best block and submits it; returns how many the pool took. The
/// author is the slot's owner among the best block's Aura authorities (the runtime
/// refuses slots before the current era).
pub fn submit_slot_equivocations<A: ChainApi>(
    client: &Client,
    pool: &Pool<A>,
    found: Vec<SlotEquivocation>,
) -> usize {
    if found.is_empty() {
        return 0;
    }
    let best = client.info().best_hash;
    let authorities = match crate::aura::authorities(client, &best) {
        Ok(a) if !a.is_empty() => a,
        Ok(_) => return 0,
        Err(e) => {
            tracing::warn!(target: "staking", "no Aura authorities to report against: {e}");
            return 0;
        }
    };
    found
        .iter()
        .filter(|e| {
            let offender = authorities[(e.slot % authorities.len() as u64) as usize];
            let proof = (offender, e.slot, &e.first, &e.second);
            let input = (proof, None::<AccountId32>).encode();
            let what = format!("the two blocks of slot {}", e.slot);
            submit_report(client, pool, best, STAKING_BLOCK_EQUIVOCATION_REPORT, &input, &what)
        })
        .count()
}
