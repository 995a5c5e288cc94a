//! Double votes: recorded with both signed votes, so the node can build a report
//! extrinsic (Substrate's `EquivocationProof` encoding) once the runtime accepts one.

use crate::grandpa::{check_message_signature, AuthorityId, AuthoritySignature};
use codec::{Decode, Encode};
use finality_grandpa::{Equivocation, Message, Precommit, Prevote};
use lattice_primitives::{BlockNumber, H256};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;

/// Proofs kept until the node takes them; older ones are dropped first.
pub const MAX_EQUIVOCATIONS: usize = 256;

/// Two different votes of one voter of the same kind in one round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum VoteEquivocation {
    /// Two prevotes.
    #[codec(index = 0)]
    Prevote(Equivocation<AuthorityId, Prevote<H256, BlockNumber>, AuthoritySignature>),
    /// Two precommits.
    #[codec(index = 1)]
    Precommit(Equivocation<AuthorityId, Precommit<H256, BlockNumber>, AuthoritySignature>),
}

/// A double vote in authority set `set_id` (Substrate's
/// `sp_consensus_grandpa::EquivocationProof`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct EquivocationProof {
    /// The authority set id.
    pub set_id: u64,
    /// The two votes.
    pub equivocation: VoteEquivocation,
}

impl EquivocationProof {
    /// The round of the votes.
    pub fn round(&self) -> u64 {
        match &self.equivocation {
            VoteEquivocation::Prevote(e) => e.round_number,
            VoteEquivocation::Precommit(e) => e.round_number,
        }
    }

    /// The voter who voted twice.
    pub fn offender(&self) -> AuthorityId {
        match &self.equivocation {
            VoteEquivocation::Prevote(e) => e.identity,
            VoteEquivocation::Precommit(e) => e.identity,
        }
    }

    /// Whether the proof holds: two different votes, both signed by the offender for
    /// this round and set.
    pub fn verify(&self) -> bool {
        let (round, id, first, second) = match &self.equivocation {
            VoteEquivocation::Prevote(e) => (
                e.round_number,
                e.identity,
                (Message::Prevote(e.first.0.clone()), e.first.1),
                (Message::Prevote(e.second.0.clone()), e.second.1),
            ),
            VoteEquivocation::Precommit(e) => (
                e.round_number,
                e.identity,
                (Message::Precommit(e.first.0.clone()), e.first.1),
                (Message::Precommit(e.second.0.clone()), e.second.1),
            ),
        };
        first.0 != second.0
            && check_message_signature(&first.0, &id, &first.1, round, self.set_id)
            && check_message_signature(&second.0, &id, &second.1, round, self.set_id)
    }

    fn key(&self) -> (u64, u64, AuthorityId, bool) {
        let is_prevote = matches!(self.equivocation, VoteEquivocation::Prevote(_));
        (self.set_id, self.round(), self.offender(), is_prevote)
    }
}

/// The equivocations seen by the voter and the gossip layer, shared with whoever reports
/// them. Bounded to [`MAX_EQUIVOCATIONS`]; one proof per voter, round and vote kind.
#[derive(Clone, Default)]
pub struct EquivocationLog(Arc<Mutex<VecDeque<EquivocationProof>>>);

impl EquivocationLog {
    /// Records `proof` unless one for the same voter, round and kind is kept already;
    /// returns whether it was added.
    pub fn record(&self, proof: EquivocationProof) -> bool {
        let mut proofs = self.0.lock();
        let key = proof.key();
        if proofs.iter().any(|p| p.key() == key) {
            return false;
        }
        tracing::warn!(
            target: "grandpa",
            "equivocation of voter {} in round {} of set {}",
            super::hex(&proof.offender()),
            proof.round(),
            proof.set_id,
        );
        if proofs.len() >= MAX_EQUIVOCATIONS {
            proofs.pop_front();
        }
        proofs.push_back(proof);
        true
    }

    /// The kept proofs, oldest first.
    pub fn snapshot(&self) -> Vec<EquivocationProof> {
        self.0.lock().iter().cloned().collect()
    }

    /// Removes and returns the kept proofs, oldest first.
    pub fn take(&self) -> Vec<EquivocationProof> {
        self.0.lock().drain(..).collect()
    }
}
