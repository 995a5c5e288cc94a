//! The informant's status line and its loop.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lattice_metrics::{informant_line, run_informant, InformantSnapshot};

fn hash(first: [u8; 2], last: [u8; 2]) -> [u8; 32] {
    let mut hash = [0x77; 32];
    hash[..2].copy_from_slice(&first);
    hash[30..].copy_from_slice(&last);
    hash
}

fn idle() -> InformantSnapshot {
    InformantSnapshot {
        best_number: 42,
        best_hash: hash([0x12, 0x34], [0xab, 0xcd]),
        finalized_number: 40,
        finalized_hash: hash([0x56, 0x78], [0xef, 0x01]),
        ready_txs: 3,
        future_txs: 0,
        peers: 0,
        is_syncing: false,
        target: None,
    }
}

#[test]
fn idle_line() {
    assert_eq!(
        informant_line(&idle(), None, Duration::from_secs(5)),
        "💤 Idle (0 peers), best: #42 (0x1234…abcd), finalized #40 (0x5678…ef01), \
         txpool: 3 ready, 0 future"
    );
    // Nothing imported since the previous line: no rate.
    assert_eq!(
        informant_line(&idle(), Some(&idle()), Duration::from_secs(5)),
        informant_line(&idle(), None, Duration::from_secs(5))
    );
}

#[test]
fn idle_with_imports_shows_the_rate() {
    let previous = idle();
    let current = InformantSnapshot { best_number: 43, peers: 5, ..idle() };
    assert_eq!(
        informant_line(&current, Some(&previous), Duration::from_secs(5)),
        "💤 Idle 0.2 bps (5 peers), best: #43 (0x1234…abcd), finalized #40 (0x5678…ef01), \
         txpool: 3 ready, 0 future"
    );
}

#[test]
fn syncing_line() {
    let previous = InformantSnapshot { best_number: 438, is_syncing: true, ..idle() };
    let current = InformantSnapshot {
        best_number: 500,
        peers: 8,
        is_syncing: true,
        target: Some(1000),
        ready_txs: 0,
        ..idle()
    };
    let line = informant_line(&current, Some(&previous), Duration::from_secs(5));
    assert_eq!(
        line,
        "⚙️  Syncing 12.4 bps, target=#1000 (8 peers), best: #500 (0x1234…abcd), \
         finalized #40 (0x5678…ef01), txpool: 0 ready, 0 future"
    );
    assert!(!line.contains('\n'));

    // First line of a sync with no target known yet.
    let first = InformantSnapshot { is_syncing: true, ..idle() };
    assert!(informant_line(&first, None, Duration::ZERO)
        .starts_with("⚙️  Syncing (0 peers), best: #42"));
}

#[test]
fn no_rate_after_reorg_or_without_elapsed_time() {
    let previous = InformantSnapshot { best_number: 50, ..idle() };
    let line = informant_line(&idle(), Some(&previous), Duration::from_secs(5));
    assert!(!line.contains("bps"), "{line}");
    let ahead = InformantSnapshot { best_number: 60, ..idle() };
    let line = informant_line(&ahead, Some(&previous), Duration::ZERO);
    assert!(!line.contains("bps"), "{line}");
}

#[tokio::test]
async fn run_informant_ticks_until_shutdown() {
    let calls = Arc::new(AtomicUsize::new(0));
    let third_line = Arc::new(tokio::sync::Notify::new());
    let (counter, notify) = (calls.clone(), third_line.clone());
    let informant = run_informant(
        Duration::from_millis(5),
        move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 3 {
                notify.notify_one();
            }
            InformantSnapshot { best_number: n as u64, ..InformantSnapshot::default() }
        },
        async move { third_line.notified().await },
    );
    tokio::time::timeout(Duration::from_secs(10), informant).await.expect("stops at shutdown");
    let lines = calls.load(Ordering::SeqCst);
    // Shutdown may race with one more tick.
    assert!((3..=4).contains(&lines), "{lines} lines");
}
