//! The chain client's error type.

use lattice_primitives::{BlockNumber, H256};

/// Why the chain client could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed or refused the operation (unknown parent, below finality, ...).
    #[error(transparent)]
    Db(#[from] lattice_db::Error),
    /// Reading state failed (a missing trie node: the state is pruned or corrupt).
    #[error("state read failed: {0}")]
    State(#[from] lattice_state::Error),
    /// The runtime trapped, panicked or ran out of bounds in `method`.
    #[error("runtime call {method} failed: {source}")]
    Execution {
        /// The runtime entry point.
        method: String,
        /// The executor's report.
        #[source]
        source: lattice_executor::Error,
    },
    /// The runtime answered with bytes that do not decode as the expected type.
    #[error("runtime call {method} returned an undecodable answer: {reason}")]
    BadRuntimeAnswer {
        /// The runtime entry point.
        method: &'static str,
        /// The decoding error.
        reason: String,
    },
    /// The chain does not know this block.
    #[error("unknown block {0:?}")]
    UnknownBlock(H256),
    /// The block's state is not kept (pruned) or the block is unknown.
    #[error("the state of block {0:?} is not available (pruned or unknown block)")]
    StateUnavailable(H256),
    /// The state holds no runtime code at `:code`.
    #[error("the state of block {0:?} has no runtime code at :code")]
    NoCode(H256),
    /// `:heappages` does not hold a SCALE `u64`.
    #[error("the state of block {0:?} holds an invalid :heappages value")]
    InvalidHeapPages(H256),
    /// The parent of an imported block is not known.
    #[error("the parent {parent:?} of block #{number} is unknown")]
    UnknownParent {
        /// The block's number.
        number: BlockNumber,
        /// Its parent's hash.
        parent: H256,
    },
    /// A block's number is not its parent's plus one.
    #[error("block {hash:?} has number {number}, its parent {parent_number}")]
    InvalidNumber {
        /// The block.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// Its parent's number.
        parent_number: BlockNumber,
    },
    /// Executing the block gave another state root than its header names.
    #[error(
        "block {hash:?}: executing it gives state root {computed:?}, its header says {expected:?}"
    )]
    StateRootMismatch {
        /// The block.
        hash: H256,
        /// The root in the header.
        expected: H256,
        /// The root the execution produced.
        computed: H256,
    },
    /// The block is at or below the finalized block and not part of the finalized chain,
    /// or would otherwise revert finality.
    #[error("block {hash:?} #{number} is not above the finalized block #{finalized}")]
    BelowFinalized {
        /// The block.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The finalized number.
        finalized: BlockNumber,
    },
    /// The database at the base path was created for another chain.
    #[error(
        "the database holds the chain with genesis {stored:?}, but the chain spec gives \
         genesis {expected:?}; use another base path or purge the chain"
    )]
    GenesisMismatch {
        /// Genesis in the database.
        stored: H256,
        /// Genesis of the chain spec.
        expected: H256,
    },
    /// Building the genesis state failed.
    #[error("building the genesis state failed: {0}")]
    Genesis(String),
    /// A block's extrinsic does not decode.
    #[error("extrinsic {index} of the block does not decode: {reason}")]
    BadExtrinsic {
        /// Its index in the body.
        index: usize,
        /// The decoding error.
        reason: String,
    },
}

/// The chain client's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
