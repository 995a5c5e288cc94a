//! The error type of the crate.

use crate::PruningMode;
use lattice_primitives::{BlockNumber, H256};
use std::path::PathBuf;

/// Result of the database's fallible operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a database operation failed.
///
/// Every variant leaves the database as it was: a failed write writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process (or another [`crate::Database`] in this one) holds the lock file of
    /// the database directory.
    #[error(
        "the database at {} is in use by another process{}; stop that node or choose \
         another base path",
        path.display(),
        holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
    )]
    Locked {
        /// The database directory.
        path: PathBuf,
        /// The process id the holder wrote into the lock file, when readable.
        holder: Option<u32>,
    },
    /// Creating the database directory or its lock file failed.
    #[error("cannot use {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// RocksDB failed: an I/O error, or files it cannot read.
    #[error("RocksDB failed")]
    RocksDb(#[from] rocksdb::Error),
    /// The database was created with another state pruning mode. The mode is fixed at
    /// creation because a pruned database cannot become an archive; purge the chain to
    /// change it.
    #[error(
        "the database was created with state pruning `{stored}` and cannot be opened with \
         `{requested}`; keep `--state-pruning {stored}` or purge the chain"
    )]
    PruningModeMismatch {
        /// The mode recorded in the database.
        stored: PruningMode,
        /// The mode asked for.
        requested: PruningMode,
    },
    /// A pruning mode was neither `archive` nor a positive number of blocks.
    #[error("invalid state pruning mode `{input}`: expected `archive` or a number of blocks >= 1")]
    InvalidPruningMode {
        /// What was given.
        input: String,
    },
    /// The database was written by a version of this crate with another layout.
    #[error(
        "database schema version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedSchema {
        /// The version recorded in the database.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// A stored entry does not decode: the database is corrupt.
    #[error("corrupt entry in column `{column}` at key 0x{}", hex::encode(key))]
    Corrupt {
        /// The column family.
        column: &'static str,
        /// The key of the entry.
        key: Vec<u8>,
        /// Why it does not decode, when a decoder said so.
        #[source]
        source: Option<codec::Error>,
    },
    /// An entry the database's own records point to is absent: the database is corrupt
    /// or was modified by another program.
    #[error("missing entry in column `{column}` at key 0x{}", hex::encode(key))]
    Missing {
        /// The column family.
        column: &'static str,
        /// The key of the entry.
        key: Vec<u8>,
    },
    /// The operation needs a genesis block and the database has none yet.
    #[error("the database holds no genesis block yet")]
    NoGenesis,
    /// No block with this hash is stored (never imported, reverted, or on a fork
    /// discarded by finality).
    #[error("block {hash} is not in the database")]
    UnknownBlock {
        /// The hash asked for.
        hash: H256,
    },
    /// A block was committed before its parent.
    #[error("block {hash} has unknown parent {parent}")]
    UnknownParent {
        /// The block.
        hash: H256,
        /// Its parent.
        parent: H256,
    },
    /// The block is already stored; committing it twice would count its trie nodes twice.
    #[error("block {hash} is already in the database")]
    AlreadyImported {
        /// The block.
        hash: H256,
    },
    /// A genesis block was committed to a database that already has one.
    #[error("the database already has genesis block {existing}; cannot add genesis {new}")]
    GenesisExists {
        /// The stored genesis.
        existing: H256,
        /// The one committed.
        new: H256,
    },
    /// A block's number is not its parent's plus one, or a genesis block (number 0) has a
    /// non-zero parent hash.
    #[error("block {hash} has number {number} but its parent has number {parent_number:?}")]
    InvalidNumber {
        /// The block.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The parent's number (`None` for a genesis block with a parent).
        parent_number: Option<BlockNumber>,
    },
    /// The state committed with a block does not have the root its header claims.
    #[error("block {hash} claims state root {header} but its state changes give {computed}")]
    StateRootMismatch {
        /// The block.
        hash: H256,
        /// The header's state root.
        header: H256,
        /// The root of the committed state.
        computed: H256,
    },
    /// The state committed with a block was computed on another state than its parent's.
    #[error("block {hash}: state changes computed on {found}, but the parent state is {expected}")]
    ParentStateMismatch {
        /// The block.
        hash: H256,
        /// The parent's state root (the empty trie's root for genesis).
        expected: H256,
        /// The root the changes were computed on.
        found: H256,
    },
    /// A block at or below the finalized height that is not the finalized chain's: it
    /// would fork off below finality.
    #[error("block {hash} (#{number}) conflicts with finalized block #{finalized_number}")]
    BelowFinalized {
        /// The block.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The finalized number.
        finalized_number: BlockNumber,
    },
    /// Finalizing or making best a block that does not descend from the finalized block
    /// would revert finality (invariant 5).
    #[error("block {hash} does not descend from finalized block {finalized}")]
    NotDescendantOfFinalized {
        /// The block.
        hash: H256,
        /// The finalized block.
        finalized: H256,
    },
    /// `revert` was asked to go below the finalized block (invariant 5). Nothing was
    /// reverted.
    #[error("cannot revert {requested} block(s): only {revertible} are above the finalized block")]
    RevertFinalized {
        /// How many blocks were asked for.
        requested: BlockNumber,
        /// How many unfinalized blocks the best chain has.
        revertible: BlockNumber,
    },
    /// History was offered to a database that lacks no blocks.
    #[error("the database lacks no blocks below its warp-sync target")]
    NoGap,
    /// A block offered as history does not fit the gap.
    #[error("history block #{number}: {reason}")]
    HistoryMismatch {
        /// Its number.
        number: BlockNumber,
        /// Why it does not fit.
        reason: String,
    },
    /// A warp-sync target was offered to a database holding more than its genesis block.
    #[error("the database already holds blocks up to #{best_number}: warp sync needs a fresh one")]
    NotFresh {
        /// The best block's number.
        best_number: BlockNumber,
    },
    /// The state of a block is no longer kept (state pruning).
    #[error(
        "the state of block {hash} (#{number}) is pruned; states from #{lowest_kept} are kept"
    )]
    StatePruned {
        /// The block.
        hash: H256,
        /// Its number.
        number: BlockNumber,
        /// The lowest block number whose state is kept.
        lowest_kept: BlockNumber,
    },
}

impl From<Error> for lattice_state::Error {
    fn from(e: Error) -> Self {
        lattice_state::Error::Database(Box::new(e))
    }
}
