//! How a database is opened: its directory, state pruning and cache sizes.

use crate::{Error, Result};
use lattice_primitives::BlockNumber;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Which states the database keeps (`--state-pruning archive|N`). Fixed when the
/// database is created.
///
/// Blocks are kept either way (except forks that finality displaces, which are removed
/// with their states, as Substrate's default `--blocks-pruning archive-canonical`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PruningMode {
    /// Keep the state of every canonical block.
    Archive,
    /// Keep the states of the last `N` finalized blocks (the finalized block and the
    /// `N - 1` before it) and of every unfinalized block. `N >= 1`.
    Constrained(BlockNumber),
}

impl PruningMode {
    /// Substrate's default: the states of the last 256 finalized blocks.
    pub const DEFAULT: Self = Self::Constrained(256);

    /// Whether every canonical state is kept.
    pub fn is_archive(&self) -> bool {
        matches!(self, Self::Archive)
    }
}

impl Default for PruningMode {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for PruningMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Archive => f.write_str("archive"),
            Self::Constrained(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for PruningMode {
    type Err = Error;

    /// `archive` or a number of blocks `>= 1`, as `--state-pruning` takes them.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "archive" => Ok(Self::Archive),
            _ => match s.parse::<BlockNumber>() {
                Ok(n) if n >= 1 => Ok(Self::Constrained(n)),
                _ => Err(Error::InvalidPruningMode { input: s.to_owned() }),
            },
        }
    }
}

/// How to open a [`crate::Database`].
#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// The database directory (created if missing). It holds the lock file and the
    /// RocksDB files.
    pub path: PathBuf,
    /// The state pruning mode. `None` takes the mode recorded in an existing database,
    /// or [`PruningMode::DEFAULT`] for a new one; `Some` must match an existing one.
    pub pruning: Option<PruningMode>,
    /// Bytes of decoded trie nodes kept in the node cache in front of RocksDB (0 turns
    /// it off).
    pub node_cache_bytes: usize,
    /// Bytes of RocksDB's block cache, shared by every column family.
    pub rocksdb_cache_bytes: usize,
}

impl DatabaseConfig {
    /// The defaults for a database in `path`: the pruning mode already recorded (or
    /// the default), a 64 MiB node cache and a 128 MiB block cache.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            pruning: None,
            node_cache_bytes: 64 << 20,
            rocksdb_cache_bytes: 128 << 20,
        }
    }

    /// The same with state pruning `mode`.
    pub fn with_pruning(mut self, mode: PruningMode) -> Self {
        self.pruning = Some(mode);
        self
    }

    /// The same with a node cache of `bytes` (0 turns it off).
    pub fn with_node_cache(mut self, bytes: usize) -> Self {
        self.node_cache_bytes = bytes;
        self
    }
}
