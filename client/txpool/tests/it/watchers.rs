//! Watcher status sequences for each path, the stream API and the JSON form.

use crate::{Harness, EXT};
use futures::executor::block_on_stream;
use lattice_primitives::H256;
use lattice_txpool::test_utils::MockTx;
use lattice_txpool::{Limit, Options, TransactionStatus};
use std::collections::HashMap;

use TransactionStatus::*;

#[test]
fn ready_in_block_finalized() {
    let mut h = Harness::new();
    let mut w = h.watch(&MockTx::new(1, 0));
    let block = h.import_ready();
    h.finalize(block);
    assert_eq!(w.drain(), [Ready, InBlock(block.hash), Finalized(block.hash)]);
    assert!(w.is_ended());
    assert_eq!(h.pool.watched(), 0);
}

#[test]
fn future_ready_in_block() {
    let mut h = Harness::new();
    let mut w = h.watch(&MockTx::new(1, 1));
    h.submit(&MockTx::new(1, 0)).unwrap();
    let block = h.import_ready();
    assert_eq!(w.drain(), [Future, Ready, InBlock(block.hash)]);
    assert!(!w.is_ended());
}

#[test]
fn stream_ends_after_a_terminal_status() {
    let mut h = Harness::new();
    let w = h.watch(&MockTx::new(1, 0));
    let block = h.import_ready();
    h.finalize(block);
    // A blocking stream returns, so it ended.
    let statuses: Vec<_> = block_on_stream(w).collect();
    assert_eq!(statuses, [Ready, InBlock(block.hash), Finalized(block.hash)]);
}

#[test]
fn retracted_then_included_again_then_finalized() {
    let mut h = Harness::new();
    let genesis = h.best;
    let mut w = h.watch(&MockTx::new(1, 0));
    let a = h.import_ready();
    let b1 = h.chain.build_block(genesis.hash, &[]);
    let b2 = h.chain.build_block(b1.hash, &[]);
    h.switch_to(b2);
    let b3 = h.import_ready();
    h.finalize(b3);
    assert_eq!(
        w.drain(),
        [Ready, InBlock(a.hash), Retracted(a.hash), Ready, InBlock(b3.hash), Finalized(b3.hash)]
    );
}

#[test]
fn finality_timeout() {
    let mut h = Harness::with_options(Options { finality_timeout_blocks: 2, ..Options::default() });
    let mut w = h.watch(&MockTx::new(1, 0));
    let block = h.import_ready();
    h.import(&[]);
    h.import(&[]);
    assert_eq!(w.drain(), [Ready, InBlock(block.hash)]);
    h.import(&[]);
    assert_eq!(w.drain(), [FinalityTimeout(block.hash)]);
    assert!(w.is_ended());
}

#[test]
fn usurped_dropped_invalid() {
    let h = Harness::with_options(Options {
        ready: Limit { count: 2, total_bytes: 1 << 20 },
        ..Options::default()
    });
    let mut usurped = h.watch(&MockTx::new(1, 0).priority(2));
    let by = h.submit(&MockTx::new(1, 0).priority(3).payload(1, 0)).unwrap();
    assert_eq!(usurped.drain(), [Ready, Usurped(by)]);

    let mut dropped = h.watch(&MockTx::new(2, 0).priority(1));
    h.submit(&MockTx::new(3, 0).priority(9)).unwrap();
    assert_eq!(dropped.drain(), [Ready, Dropped]);

    let mut invalid = h.watch(&MockTx::new(4, 0).priority(20));
    h.pool.report_invalid(&[MockTx::new(4, 0).priority(20).hash()]);
    assert_eq!(invalid.drain(), [Ready, Invalid]);
    for w in [&usurped, &dropped, &invalid] {
        assert!(w.is_ended());
    }
}

#[test]
fn demoted_and_promoted_again_by_a_reorg() {
    let mut h = Harness::with_options(Options { revalidation_batch: 0, ..Options::default() });
    let genesis = h.best;
    let mut w = h.watch(&MockTx::new(1, 1));
    h.import(&[MockTx::new(1, 0)]);
    // The chain's nonce 0 goes away and comes back in one maintenance: no status.
    let b1 = h.chain.build_block(genesis.hash, &[]);
    let b2 = h.chain.build_block(b1.hash, &[]);
    h.switch_to(b2);
    assert_eq!(w.drain(), [Future, Ready]);
}

#[test]
fn broadcast_status() {
    let h = Harness::new();
    let mut w = h.watch(&MockTx::new(1, 0));
    let hash = w.hash();
    h.pool.on_broadcasted(HashMap::from([(hash, vec!["peer-a".to_string()])]));
    assert_eq!(w.drain(), [Ready, Broadcast(vec!["peer-a".into()])]);
}

#[test]
fn dropping_a_watcher_stops_sending() {
    let mut h = Harness::new();
    let w = h.watch(&MockTx::new(1, 0));
    assert_eq!(h.pool.watched(), 1);
    drop(w);
    h.import_ready();
    assert_eq!(h.pool.watched(), 0);
}

#[test]
fn statuses_serialize_as_substrate() {
    let hash = H256([0xab; 32]);
    let hex = format!("0x{}", "ab".repeat(32));
    let cases = [
        (Future, "\"future\"".to_string()),
        (Ready, "\"ready\"".to_string()),
        (Broadcast(vec!["p".into()]), "{\"broadcast\":[\"p\"]}".to_string()),
        (InBlock(hash), format!("{{\"inBlock\":\"{hex}\"}}")),
        (Retracted(hash), format!("{{\"retracted\":\"{hex}\"}}")),
        (FinalityTimeout(hash), format!("{{\"finalityTimeout\":\"{hex}\"}}")),
        (Finalized(hash), format!("{{\"finalized\":\"{hex}\"}}")),
        (Usurped(hash), format!("{{\"usurped\":\"{hex}\"}}")),
        (Dropped, "\"dropped\"".to_string()),
        (Invalid, "\"invalid\"".to_string()),
    ];
    for (status, json) in cases {
        assert_eq!(serde_json::to_string(&status).unwrap(), json);
    }
}

#[test]
fn ready_notifications() {
    let h = Harness::new();
    let mut notifications = h.pool.import_notification_stream();
    h.submit(&MockTx::new(1, 1)).unwrap();
    h.submit(&MockTx::new(1, 0)).unwrap();
    let mut got = Vec::new();
    while let Ok(hash) = notifications.try_recv() {
        got.push(hash);
    }
    assert_eq!(got, [MockTx::new(1, 0).hash(), MockTx::new(1, 1).hash()]);
    let _ = h.pool.submit(EXT, MockTx::new(1, 0).xt());
    assert!(notifications.try_recv().is_err());
}
