//! The informant: one status line in the log every few seconds.

use std::fmt::{self, Write as _};
use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

/// What the informant reports, sampled from the node at each interval.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InformantSnapshot {
    /// Number of the best block.
    pub best_number: u64,
    /// Hash of the best block.
    pub best_hash: [u8; 32],
    /// Number of the last finalized block.
    pub finalized_number: u64,
    /// Hash of the last finalized block.
    pub finalized_hash: [u8; 32],
    /// Transactions in the pool's ready queue.
    pub ready_txs: usize,
    /// Transactions in the pool's future queue.
    pub future_txs: usize,
    /// Connected peers.
    pub peers: usize,
    /// Whether the node is catching up with its peers.
    pub is_syncing: bool,
    /// The best block peers announce while syncing; `None` when unknown.
    pub target: Option<u64>,
}

/// The informant's line for `current`, in the format of Substrate's informant:
///
/// ```text
/// 💤 Idle (3 peers), best: #42 (0x1234…abcd), finalized #40 (0x5678…ef01), txpool: 3 ready, 0 future
/// ⚙️  Syncing 12.3 bps, target=#1000 (8 peers), best: #512 (0x…), finalized #510 (0x…), txpool: 0 ready, 0 future
/// ```
///
/// The import rate in blocks per second is shown when `previous` (the snapshot
/// `elapsed` earlier) has a lower best block; it is omitted on the first line, when
/// nothing was imported, after a reorganisation to a lower block and when `elapsed` is
/// zero. Hashes show their first and last two bytes.
pub fn informant_line(
    current: &InformantSnapshot,
    previous: Option<&InformantSnapshot>,
    elapsed: Duration,
) -> String {
    let rate = previous
        .filter(|previous| current.best_number > previous.best_number && !elapsed.is_zero())
        .map(|previous| {
            (current.best_number - previous.best_number) as f64 / elapsed.as_secs_f64()
        });

    let mut line = String::with_capacity(160);
    // `⚙️` is narrow in most terminals, hence the second space.
    line.push_str(if current.is_syncing { "⚙️  Syncing" } else { "💤 Idle" });
    // Writing to a `String` cannot fail.
    if let Some(rate) = rate {
        let _ = write!(line, " {rate:.1} bps");
    }
    if let (true, Some(target)) = (current.is_syncing, current.target) {
        let _ = write!(line, ", target=#{target}");
    }
    let _ = write!(
        line,
        " ({} peers), best: #{} ({}), finalized #{} ({}), txpool: {} ready, {} future",
        current.peers,
        current.best_number,
        ShortHash(&current.best_hash),
        current.finalized_number,
        ShortHash(&current.finalized_hash),
        current.ready_txs,
        current.future_txs,
    );
    line
}

/// Logs [`informant_line`] at `info` level under the `informant` target every `interval`
/// until `shutdown` resolves.
///
/// `snapshot` is called once per line, on the async executor: it should only read values
/// the node keeps at hand (atomics, a cached header), not query a database. The first
/// line comes after one `interval`; the import rate uses the time actually elapsed
/// between lines. A zero `interval` is treated as one millisecond.
pub async fn run_informant(
    interval: Duration,
    snapshot: impl Fn() -> InformantSnapshot + Send + 'static,
    shutdown: impl Future<Output = ()> + Send,
) {
    let interval = interval.max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval_at(Instant::now() + interval, interval);
    // A stalled executor should not produce a burst of lines afterwards.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut previous: Option<(InformantSnapshot, Instant)> = None;

    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = ticks.tick() => {
                let now = Instant::now();
                let current = snapshot();
                let line = match &previous {
                    Some((before, at)) => informant_line(&current, Some(before), now - *at),
                    None => informant_line(&current, None, Duration::ZERO),
                };
                tracing::info!(target: "informant", "{line}");
                previous = Some((current, now));
            }
        }
    }
}

/// Displays a hash as `0x1234…abcd`, like Substrate's `H256`.
struct ShortHash<'a>(&'a [u8; 32]);

impl fmt::Display for ShortHash<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.0;
        write!(f, "0x{:02x}{:02x}…{:02x}{:02x}", h[0], h[1], h[30], h[31])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash() {
        let mut hash = [0u8; 32];
        hash[0] = 0x12;
        hash[1] = 0x34;
        hash[30] = 0xab;
        hash[31] = 0xcd;
        assert_eq!(ShortHash(&hash).to_string(), "0x1234…abcd");
        assert_eq!(ShortHash(&[0; 32]).to_string(), "0x0000…0000");
    }
}
