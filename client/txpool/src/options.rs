//! The pool's configuration.

use std::time::Duration;

/// Bounds of one queue (ready or future).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limit {
    /// The most transactions the queue holds.
    pub count: usize,
    /// The most encoded bytes the queue holds, summed over its transactions.
    pub total_bytes: usize,
}

impl Limit {
    /// Whether a queue of `count` transactions and `bytes` bytes exceeds the limit.
    pub fn is_exceeded(&self, count: usize, bytes: usize) -> bool {
        count > self.count || bytes > self.total_bytes
    }
}

/// The pool's configuration. The defaults are Substrate's
/// (`--pool-limit 8192 --pool-kbytes 20480`, futures a tenth of that, 30-minute bans).
#[derive(Clone, Debug)]
pub struct Options {
    /// Bounds of the ready queue; beyond them the lowest-priority transactions (and
    /// what depends on them) are dropped.
    pub ready: Limit,
    /// Bounds of the future queue; beyond them the lowest-priority, oldest transactions
    /// are dropped.
    pub future: Limit,
    /// How long the hash of an invalid or included transaction is refused.
    pub ban_time: Duration,
    /// The most hashes the ban list keeps; past it the oldest bans are forgotten early.
    pub max_bans: usize,
    /// How many transactions are re-validated against the new best block per
    /// maintenance, oldest validation first. Bounds the runtime calls per block.
    pub revalidation_batch: usize,
    /// How many blocks a watched, included transaction waits for finality before its
    /// watcher gets `finalityTimeout` (Substrate: 512).
    pub finality_timeout_blocks: usize,
    /// How many unfinalized blocks' pruned tags the pool remembers, to undo them when a
    /// re-org retracts the blocks.
    pub max_pruned_blocks: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ready: Limit { count: 8192, total_bytes: 20 * 1024 * 1024 },
            future: Limit { count: 819, total_bytes: 2 * 1024 * 1024 },
            ban_time: Duration::from_secs(30 * 60),
            max_bans: 4096,
            revalidation_batch: 1000,
            finality_timeout_blocks: 512,
            max_pruned_blocks: 256,
        }
    }
}
