//! The wire format of GRANDPA gossip and the checks every message passes before it is
//! used or forwarded.

use super::Misbehaviour;
use crate::grandpa::{
    check_message_signature, AuthorityId, CompactGrandpaCommit, GrandpaCatchUp, SignedVote,
};
use codec::{Decode, DecodeLimit, Encode};
use finality_grandpa::voter_set::VoterSet;
use finality_grandpa::Message;
use lattice_primitives::BlockNumber;
use std::collections::BTreeSet;

/// The largest gossip message accepted; longer ones are refused before decoding.
pub const MAX_MESSAGE_SIZE: usize = 1024 * 1024;

/// Nesting depth allowed while decoding (the format nests a few levels at most).
const MAX_DECODE_DEPTH: u32 = 16;

/// A GRANDPA gossip message, SCALE encoded. The variants, their indices and fields follow
/// Substrate's `sc-consensus-grandpa` gossip messages, except that the neighbor packet
/// carries no version byte.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum GossipMessage {
    /// A voter's signed prevote, precommit or primary proposal in a round.
    #[codec(index = 0)]
    Vote {
        /// The round.
        round: u64,
        /// The authority set id.
        set_id: u64,
        /// The signed vote.
        message: SignedVote,
    },
    /// A commit: precommits of more than two thirds of the voters finalizing a block.
    #[codec(index = 1)]
    Commit {
        /// The round of the precommits.
        round: u64,
        /// The authority set id.
        set_id: u64,
        /// The commit.
        commit: CompactGrandpaCommit,
    },
    /// Where the sender is: its round, set and finalized block number. Sent when its
    /// round changes and to new peers.
    #[codec(index = 2)]
    Neighbor {
        /// The sender's current round.
        round: u64,
        /// The sender's authority set id.
        set_id: u64,
        /// The sender's finalized block number.
        finalized_number: BlockNumber,
    },
    /// Asks a peer ahead of the sender for the votes of its last completed round.
    #[codec(index = 3)]
    CatchUpRequest {
        /// The requester's current round.
        round: u64,
        /// The requester's authority set id.
        set_id: u64,
    },
    /// The answer to a catch-up request: the prevotes and precommits of a completed round.
    #[codec(index = 4)]
    CatchUp {
        /// The authority set id.
        set_id: u64,
        /// The completed round's votes and base.
        catch_up: GrandpaCatchUp,
    },
}

impl GossipMessage {
    /// Decodes `bytes`: refused when longer than [`MAX_MESSAGE_SIZE`] (checked first),
    /// undecodable, or followed by trailing bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, Misbehaviour> {
        if bytes.len() > MAX_MESSAGE_SIZE {
            return Err(Misbehaviour::Oversized);
        }
        let mut input = bytes;
        let message = Self::decode_with_depth_limit(MAX_DECODE_DEPTH, &mut input)
            .map_err(|_| Misbehaviour::Undecodable)?;
        if !input.is_empty() {
            return Err(Misbehaviour::Undecodable);
        }
        Ok(message)
    }
}

/// Checks that `vote` of `round` is signed by a voter of `voters`.
pub(super) fn check_vote(
    voters: &VoterSet<AuthorityId>,
    set_id: u64,
    round: u64,
    vote: &SignedVote,
) -> Result<(), Misbehaviour> {
    if !voters.contains(&vote.id) {
        return Err(Misbehaviour::NotAVoter);
    }
    if !check_message_signature(&vote.message, &vote.id, &vote.signature, round, set_id) {
        return Err(Misbehaviour::BadSignature);
    }
    Ok(())
}

/// The weight of the distinct voters among `ids` (all known to be voters).
fn weight_of<'a>(
    voters: &VoterSet<AuthorityId>,
    ids: impl Iterator<Item = &'a AuthorityId>,
) -> u64 {
    let distinct: BTreeSet<&AuthorityId> = ids.collect();
    distinct
        .into_iter()
        .filter_map(|id| voters.get(id))
        .fold(0u64, |sum, info| sum.saturating_add(info.weight().get()))
}

/// Checks a commit's shape, signers, signatures and that the signers reach the threshold.
/// Whether its precommits descend from the target is left to the voter, which has the
/// chain.
pub(super) fn check_commit(
    voters: &VoterSet<AuthorityId>,
    set_id: u64,
    round: u64,
    commit: &CompactGrandpaCommit,
) -> Result<(), Misbehaviour> {
    // A voter may appear twice (an equivocation), never more.
    let most = voters.len().get().saturating_mul(2);
    if commit.precommits.len() != commit.auth_data.len() || commit.precommits.len() > most {
        return Err(Misbehaviour::InvalidCommit);
    }
    for (precommit, (signature, id)) in commit.precommits.iter().zip(&commit.auth_data) {
        if !voters.contains(id) {
            return Err(Misbehaviour::NotAVoter);
        }
        let message = Message::Precommit(precommit.clone());
        if !check_message_signature(&message, id, signature, round, set_id) {
            return Err(Misbehaviour::BadSignature);
        }
    }
    if weight_of(voters, commit.auth_data.iter().map(|(_, id)| id)) < voters.threshold().get() {
        return Err(Misbehaviour::InvalidCommit);
    }
    Ok(())
}

/// Checks a catch-up's signers and signatures and that both its prevotes and its
/// precommits reach the threshold.
pub(super) fn check_catch_up(
    voters: &VoterSet<AuthorityId>,
    set_id: u64,
    catch_up: &GrandpaCatchUp,
) -> Result<(), Misbehaviour> {
    let most = voters.len().get().saturating_mul(2);
    if catch_up.prevotes.len() > most || catch_up.precommits.len() > most {
        return Err(Misbehaviour::InvalidCatchUp);
    }
    let round = catch_up.round_number;
    for signed in &catch_up.prevotes {
        if !voters.contains(&signed.id) {
            return Err(Misbehaviour::NotAVoter);
        }
        let message = Message::Prevote(signed.prevote.clone());
        if !check_message_signature(&message, &signed.id, &signed.signature, round, set_id) {
            return Err(Misbehaviour::BadSignature);
        }
    }
    for signed in &catch_up.precommits {
        if !voters.contains(&signed.id) {
            return Err(Misbehaviour::NotAVoter);
        }
        let message = Message::Precommit(signed.precommit.clone());
        if !check_message_signature(&message, &signed.id, &signed.signature, round, set_id) {
            return Err(Misbehaviour::BadSignature);
        }
    }
    let threshold = voters.threshold().get();
    if weight_of(voters, catch_up.prevotes.iter().map(|s| &s.id)) < threshold
        || weight_of(voters, catch_up.precommits.iter().map(|s| &s.id)) < threshold
    {
        return Err(Misbehaviour::InvalidCatchUp);
    }
    Ok(())
}
