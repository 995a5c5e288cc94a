//! The consensus error type.

use lattice_primitives::H256;

/// Why a block, a seal, a justification or an authoring step was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chain client failed (database, runtime call).
    #[error(transparent)]
    Chain(#[from] lattice_chain::Error),
    /// The keystore failed to read or sign.
    #[error("keystore: {0}")]
    Keystore(#[from] lattice_keystore::Error),
    /// A header carries no Aura pre-runtime digest (or an undecodable one).
    #[error("block {0:?} has no valid Aura pre-runtime digest")]
    NoPreDigest(H256),
    /// A header's last digest item is not an Aura seal of 64 bytes.
    #[error("block {0:?} is not sealed with an Aura seal")]
    NoSeal(H256),
    /// The seal's signature is not the slot author's.
    #[error("block {hash:?}: bad seal signature of slot {slot} author")]
    BadSeal {
        /// The block.
        hash: H256,
        /// Its slot.
        slot: u64,
    },
    /// The slot is not after the parent's slot.
    #[error("block {hash:?}: slot {slot} is not after its parent's slot {parent_slot}")]
    SlotNotIncreasing {
        /// The block.
        hash: H256,
        /// Its slot.
        slot: u64,
        /// The parent's slot.
        parent_slot: u64,
    },
    /// The slot lies too far in the future.
    #[error("block {hash:?}: slot {slot} is in the future (now: slot {now})")]
    FutureSlot {
        /// The block.
        hash: H256,
        /// Its slot.
        slot: u64,
        /// The current slot.
        now: u64,
    },
    /// The runtime names no Aura authorities.
    #[error("no Aura authorities at block {0:?}")]
    NoAuthorities(H256),
    /// A runtime answer did not decode.
    #[error("undecodable answer of {method}: {reason}")]
    BadRuntimeAnswer {
        /// The runtime entry point.
        method: &'static str,
        /// Why.
        reason: String,
    },
    /// A GRANDPA justification does not decode or does not prove finality of its block.
    #[error("invalid GRANDPA justification for block {hash:?}: {reason}")]
    BadJustification {
        /// The block.
        hash: H256,
        /// Why.
        reason: String,
    },
    /// A warp proof cannot be built here, or does not verify.
    #[error("warp proof: {0}")]
    WarpProof(String),
    /// An error of the GRANDPA voter.
    #[error("GRANDPA voter: {0:?}")]
    Grandpa(finality_grandpa::Error),
}

impl From<finality_grandpa::Error> for Error {
    fn from(e: finality_grandpa::Error) -> Self {
        Self::Grandpa(e)
    }
}

/// The consensus result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
