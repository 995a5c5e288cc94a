//! Warp proofs: the chain of GRANDPA authority sets from a block a node knows (genesis)
//! to the latest finalized block, as Substrate's `WarpSyncProof` encodes it.
//!
//! A proof is a list of fragments, each a header and the justification of the set that
//! finalized it. Every fragment but the last is a block that enacts an authority set
//! change: its digest names the next set, which must justify the next fragment. The
//! last fragment of a finished proof is the latest justified block. A node that trusts
//! its genesis set can so check, with one justification per set, that a header is
//! final, and then download the state under that header's root.
//!
//! The runtime's changes are standard changes with delay 0 (the session pallet's), so
//! the signalling block enacts the change. Signals with a delay and forced changes are
//! not followed: a proof across one cannot be built here (and a proof that relies on one
//! does not verify).

use super::{AuthorityId, GrandpaJustification};
use crate::{Error, Result};
use codec::{Decode, Encode};
use lattice_chain::Client;
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_primitives::{BlockNumber, DigestItem, Header, H256};

/// The most bytes of fragments one proof carries (the rest follows in another request).
pub const MAX_WARP_PROOF_BYTES: usize = 8 * 1024 * 1024;

/// The key under which a warp-synced node keeps the fragments it verified (SCALE
/// `Vec<WarpSyncFragment>`, stored with the target by `Client::import_warp_target`), so
/// it can prove its chain to others without the blocks it skipped.
pub const WARP_FRAGMENTS_KEY: &[u8] = b"grandpa:warp-fragments";

/// Ask for the fragments after `begin`, a finalized block the asker has.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct WarpProofRequest {
    /// The block to start from (the asker's genesis, or the last fragment it verified).
    pub begin: H256,
}

/// A finalized header and the justification proving it final.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct WarpSyncFragment {
    /// The header.
    pub header: Header,
    /// The justification, by the set in force before the header's change.
    pub justification: GrandpaJustification,
}

/// The answer to a [`WarpProofRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct WarpSyncProof {
    /// The fragments, in chain order.
    pub proofs: Vec<WarpSyncFragment>,
    /// The last fragment is the latest justified block (otherwise ask again from it).
    pub is_finished: bool,
}

/// The standard authority set change a header's digest signals: the next set and the
/// delay. `None` without one.
pub fn scheduled_change(header: &Header) -> Option<(Vec<(AuthorityId, u64)>, BlockNumber)> {
    header.digest.logs.iter().find_map(|item| match item {
        DigestItem::Consensus(engine, data) if *engine == GRANDPA_ENGINE_ID => {
            // `ConsensusLog::ScheduledChange` is variant 1: the list, then the delay.
            let (tag, mut rest) = data.split_first()?;
            if *tag != 1 {
                return None;
            }
            let next = Vec::<(AuthorityId, u64)>::decode(&mut rest).ok()?;
            let delay = BlockNumber::decode(&mut rest).ok()?;
            rest.is_empty().then_some((next, delay))
        }
        _ => None,
    })
}

/// Where the authority set changed on this node's finalized chain: the blocks that
/// signal (and, with delay 0, enact) a change, found by reading the finalized headers
/// once and then only the new ones. A warp-synced node starts from the fragments it
/// verified ([`WARP_FRAGMENTS_KEY`]) and reads the headers after its target.
#[derive(Debug, Default)]
pub struct SetChanges {
    loaded: bool,
    /// Fragments of changes below the headers this node stores (warp-synced node).
    stored: Vec<WarpSyncFragment>,
    scanned_to: BlockNumber,
    changes: Vec<BlockNumber>,
}

impl SetChanges {
    /// Reads the warp fragments once, then the finalized headers not read yet.
    fn update(&mut self, client: &Client) -> Result<()> {
        if !self.loaded {
            if let Some(encoded) = client.aux(WARP_FRAGMENTS_KEY)? {
                let fragments = Vec::<WarpSyncFragment>::decode(&mut &encoded[..])
                    .map_err(|e| Error::WarpProof(format!("stored warp fragments: {e}")))?;
                self.scanned_to = fragments.last().map_or(0, |f| f.header.number);
                self.stored = fragments
                    .into_iter()
                    .filter(|f| scheduled_change(&f.header).is_some())
                    .collect();
            }
            self.loaded = true;
        }
        let finalized = client.info().finalized_number;
        while self.scanned_to < finalized {
            let number = self.scanned_to + 1;
            let header = client
                .hash(number)?
                .and_then(|hash| client.header(&hash).transpose())
                .transpose()?
                .ok_or_else(|| Error::WarpProof(format!("block #{number} is not stored")))?;
            if let Some((_, delay)) = scheduled_change(&header) {
                if delay != 0 {
                    return Err(Error::WarpProof(format!(
                        "block #{number} signals a change with delay {delay}"
                    )));
                }
                self.changes.push(number);
            }
            self.scanned_to = number;
        }
        Ok(())
    }
}

/// The GRANDPA justification stored with block `hash`, if any.
fn stored_justification(client: &Client, hash: &H256) -> Result<Option<GrandpaJustification>> {
    let Some(all) = client.justifications(hash)? else { return Ok(None) };
    let Some((_, encoded)) = all.into_iter().find(|(engine, _)| *engine == GRANDPA_ENGINE_ID)
    else {
        return Ok(None);
    };
    GrandpaJustification::decode(&mut &encoded[..])
        .map(Some)
        .map_err(|e| Error::WarpProof(format!("stored justification of {hash:?}: {e}")))
}

/// How far below the finalized block the latest justification is looked for.
const JUSTIFICATION_SEARCH: BlockNumber = 4096;

/// Builds the warp proof from `begin`, a block of this node's finalized chain, up to
/// the latest justified block, within [`MAX_WARP_PROOF_BYTES`] (`is_finished` false
/// when it stops short).
///
/// A warp-synced node proves the part before its target with the fragments it kept.
/// Fails when `begin` is not on the finalized chain (nor genesis, nor a kept fragment),
/// or when a block that enacts a change lacks its justification.
pub fn warp_proof(client: &Client, changes: &mut SetChanges, begin: H256) -> Result<WarpSyncProof> {
    let info = client.info();
    changes.update(client)?;
    let begin_number = if begin == client.genesis_hash() {
        0
    } else if let Some(f) = changes.stored.iter().find(|f| f.header.hash() == begin) {
        f.header.number
    } else {
        client
            .header(&begin)?
            .map(|h| h.number)
            .filter(|n| *n <= info.finalized_number)
            .filter(|n| client.hash(*n).ok().flatten() == Some(begin))
            .ok_or_else(|| Error::WarpProof(format!("{begin:?} is not a finalized block here")))?
    };
    let mut proof = WarpSyncProof::default();
    let mut bytes = 0usize;
    let stored = changes
        .stored
        .iter()
        .filter(|f| f.header.number > begin_number)
        .cloned()
        .map(Ok::<_, Error>);
    let scanned =
        changes.changes.iter().filter(|n| **n > begin_number).map(|&number| -> Result<_> {
            let hash =
                client.hash(number)?.ok_or_else(|| Error::WarpProof(format!("no #{number}")))?;
            let header = client.expect_header(&hash)?;
            let justification = stored_justification(client, &hash)?.ok_or_else(|| {
                Error::WarpProof(format!(
                    "block #{number} enacts a set change but has no justification"
                ))
            })?;
            Ok(WarpSyncFragment { header, justification })
        });
    for fragment in stored.chain(scanned) {
        let fragment: WarpSyncFragment = fragment?;
        bytes += fragment.encoded_size();
        if bytes > MAX_WARP_PROOF_BYTES && !proof.proofs.is_empty() {
            return Ok(proof);
        }
        proof.proofs.push(fragment);
    }
    // The latest justified block of the current set, when it is above the last change.
    let floor = proof.proofs.last().map_or(begin_number, |f| f.header.number);
    let lowest = info.finalized_number.saturating_sub(JUSTIFICATION_SEARCH).max(floor + 1);
    for number in (lowest..=info.finalized_number).rev() {
        let Some(hash) = client.hash(number)? else { break };
        if let Some(justification) = stored_justification(client, &hash)? {
            let header = client.expect_header(&hash)?;
            proof.proofs.push(WarpSyncFragment { header, justification });
            break;
        }
    }
    proof.is_finished = true;
    Ok(proof)
}

/// What a verified warp proof leads to: the set after its last fragment and that
/// fragment (`None` for a proof without fragments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarpProgress {
    /// The authority set id after the last fragment.
    pub set_id: u64,
    /// Its voters and weights.
    pub authorities: Vec<(AuthorityId, u64)>,
    /// The last fragment.
    pub last: Option<WarpSyncFragment>,
}

/// Checks `proof` starting from block number `begin_number`, finalized under set
/// `set_id` with `authorities`: each fragment is justified by the set in force, follows
/// the one before, and, except the last of a finished proof, signals the next set.
pub fn verify_warp_proof(
    proof: &WarpSyncProof,
    begin_number: BlockNumber,
    set_id: u64,
    authorities: Vec<(AuthorityId, u64)>,
) -> Result<WarpProgress> {
    let mut progress = WarpProgress { set_id, authorities, last: None };
    let mut previous = begin_number;
    for (i, fragment) in proof.proofs.iter().enumerate() {
        let header = &fragment.header;
        if header.number <= previous {
            return Err(Error::WarpProof(format!(
                "fragment {i} (#{}) does not follow #{previous}",
                header.number
            )));
        }
        fragment.justification.check(
            header.hash(),
            header.number,
            progress.set_id,
            &progress.authorities,
        )?;
        match scheduled_change(header) {
            Some((next, 0)) if !next.is_empty() => {
                progress.set_id += 1;
                progress.authorities = next;
            }
            Some((_, delay)) => {
                return Err(Error::WarpProof(format!(
                    "fragment {i} signals an unsupported change (delay {delay})"
                )));
            }
            None if i + 1 == proof.proofs.len() && proof.is_finished => {}
            None => {
                return Err(Error::WarpProof(format!("fragment {i} enacts no set change")));
            }
        }
        previous = header.number;
    }
    progress.last = proof.proofs.last().cloned();
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grandpa::sign_justification;
    use lattice_primitives::Digest;
    use sp_core::{ed25519, Pair};

    fn keys(seeds: &[&str]) -> Vec<ed25519::Pair> {
        seeds.iter().map(|s| ed25519::Pair::from_string(&format!("//{s}"), None).unwrap()).collect()
    }

    fn set(pairs: &[ed25519::Pair]) -> Vec<(AuthorityId, u64)> {
        pairs.iter().map(|p| (p.public().0, 1)).collect()
    }

    fn change_log(next: &[(AuthorityId, u64)], delay: BlockNumber) -> DigestItem {
        let mut data = vec![1u8];
        data.extend(next.encode());
        data.extend(delay.encode());
        DigestItem::Consensus(GRANDPA_ENGINE_ID, data)
    }

    fn header(number: BlockNumber, logs: Vec<DigestItem>) -> Header {
        Header {
            parent_hash: H256([number as u8; 32]),
            number,
            state_root: H256([1; 32]),
            extrinsics_root: H256([2; 32]),
            digest: Digest { logs },
        }
    }

    fn justify(header: &Header, set_id: u64, signers: &[ed25519::Pair]) -> GrandpaJustification {
        sign_justification(signers, 3, set_id, header.hash(), header.number)
    }

    /// Set 0 (Alice, Bob, Charlie) hands over to set 1 (Dave, Eve, Ferdie, One) at #10,
    /// which hands over to set 2 (Alice, Dave, Eve) at #20; #25 is the latest justified
    /// block. Set 1 justifies with three of its four votes.
    fn chain() -> (WarpSyncProof, Vec<Vec<ed25519::Pair>>) {
        let sets = vec![
            keys(&["Alice", "Bob", "Charlie"]),
            keys(&["Dave", "Eve", "Ferdie", "One"]),
            keys(&["Alice", "Dave", "Eve"]),
        ];
        let h10 = header(10, vec![change_log(&set(&sets[1]), 0)]);
        let h20 = header(20, vec![change_log(&set(&sets[2]), 0)]);
        let h25 = header(25, Vec::new());
        let proof = WarpSyncProof {
            proofs: vec![
                WarpSyncFragment { justification: justify(&h10, 0, &sets[0]), header: h10 },
                WarpSyncFragment { justification: justify(&h20, 1, &sets[1][..3]), header: h20 },
                WarpSyncFragment { justification: justify(&h25, 2, &sets[2]), header: h25 },
            ],
            is_finished: true,
        };
        (proof, sets)
    }

    #[test]
    fn a_proof_across_two_set_changes_verifies_and_survives_encoding() {
        let (proof, sets) = chain();
        let proof = WarpSyncProof::decode(&mut &proof.encode()[..]).unwrap();
        let progress = verify_warp_proof(&proof, 0, 0, set(&sets[0])).unwrap();
        assert_eq!(progress.set_id, 2);
        assert_eq!(progress.authorities, set(&sets[2]));
        assert_eq!(progress.last.unwrap().header.number, 25);
        // An unfinished proof stops at a change; the next request goes on from there.
        let first = WarpSyncProof { proofs: proof.proofs[..1].to_vec(), is_finished: false };
        let progress = verify_warp_proof(&first, 0, 0, set(&sets[0])).unwrap();
        assert_eq!((progress.set_id, progress.last.unwrap().header.number), (1, 10));
        let rest = WarpSyncProof { proofs: proof.proofs[1..].to_vec(), is_finished: true };
        assert_eq!(verify_warp_proof(&rest, 10, 1, set(&sets[1])).unwrap().set_id, 2);
        // Nothing newer than the asker's block.
        let empty = WarpSyncProof { proofs: Vec::new(), is_finished: true };
        assert_eq!(verify_warp_proof(&empty, 0, 0, set(&sets[0])).unwrap().last, None);
    }

    #[test]
    fn forged_or_broken_proofs_are_refused() {
        let (proof, sets) = chain();
        let verify = |p: &WarpSyncProof| verify_warp_proof(p, 0, 0, set(&sets[0]));
        let refused = |p: WarpSyncProof, what: &str| {
            assert!(verify(&p).is_err(), "{what} was accepted");
        };

        // The second set signs for the first, or too few of the first set sign.
        let mut p = proof.clone();
        p.proofs[0].justification = justify(&p.proofs[0].header, 0, &sets[1]);
        refused(p, "a justification by another set");
        let mut p = proof.clone();
        p.proofs[0].justification = justify(&p.proofs[0].header, 0, &sets[0][..1]);
        refused(p, "one vote of three");
        // Right signers, wrong set id in the signed payload.
        let mut p = proof.clone();
        p.proofs[1].justification = justify(&p.proofs[1].header, 0, &sets[1]);
        refused(p, "a signature over another set id");
        // A header changed after it was justified (another next set named).
        let mut p = proof.clone();
        p.proofs[0].header.digest.logs = vec![change_log(&set(&sets[2]), 0)];
        refused(p, "a header that is not the justified one");
        // The chain skips a set: the fragment of set 1 left out.
        let mut p = proof.clone();
        p.proofs.remove(1);
        refused(p, "a skipped set");
        // A middle fragment without a change, or out of order.
        let mut p = proof.clone();
        let h15 = header(15, Vec::new());
        p.proofs
            .insert(1, WarpSyncFragment { justification: justify(&h15, 1, &sets[1]), header: h15 });
        refused(p, "a middle fragment that enacts nothing");
        let mut p = proof.clone();
        p.proofs.swap(0, 1);
        refused(p, "fragments out of order");
        // The last fragment without a change, in a proof that says it is not finished.
        let mut p = proof.clone();
        p.is_finished = false;
        refused(p, "an unfinished proof ending off a change");
        // A change with a delay, which the runtime never signals.
        let mut p = proof.clone();
        let h10 = header(10, vec![change_log(&set(&sets[1]), 5)]);
        p.proofs[0] = WarpSyncFragment { justification: justify(&h10, 0, &sets[0]), header: h10 };
        refused(p, "a delayed change");
        // A fragment at or below the block the asker starts from.
        assert!(verify_warp_proof(&proof, 10, 0, set(&sets[0])).is_err());
        // The untouched proof still verifies.
        assert!(verify(&proof).is_ok());
    }
}
