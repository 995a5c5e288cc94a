//! Figures of the node database on this machine, printed one per line as
//! `name value unit`:
//!
//! - committing a block that changes 20,000 keys of a 200,000-key state (root computed on
//!   the parent state read from disk, then the write), pruning and archive;
//! - finalizing it with a pruning window of 2 (the parent's dropped nodes deleted);
//! - reading 20,000 random keys of a state, without the node cache and with it, cold and
//!   warm.
//!
//! Run with `cargo run --release -p lattice-db --example db_bench`.

use lattice_db::{Database, DatabaseConfig, ImportOperation, PruningMode};
use lattice_primitives::{blake2_256, Block, Header, OpaqueExtrinsic, H256};
use lattice_state::{Backend, InMemoryBackend, OverlayedChanges};
use std::time::{Duration, Instant};

const STATE_KEYS: u32 = 200_000;
const CHANGED_KEYS: u32 = 20_000;
const BLOCKS: u32 = 5;
const READS: u32 = 20_000;

/// A key shaped like `System.Account`'s: a 32-byte prefix, blake2_128 of the id, the id.
fn key(i: u32) -> Vec<u8> {
    let mut key = vec![0x26; 32];
    key.extend_from_slice(&blake2_256(&i.to_le_bytes()).0[..16]);
    key.extend_from_slice(&blake2_256(&i.to_be_bytes()).0);
    key
}

fn value(i: u32, block: u32) -> Vec<u8> {
    let mut v = vec![0u8; 80];
    v[..4].copy_from_slice(&i.to_le_bytes());
    v[4..8].copy_from_slice(&block.to_le_bytes());
    v
}

/// A pseudo-random sequence (xorshift), so every run touches the same keys.
fn picks(seed: u32, count: u32) -> impl Iterator<Item = u32> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..count).map(move |_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x % STATE_KEYS
    })
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

fn genesis(db: &Database) -> H256 {
    let mut overlay = OverlayedChanges::new();
    for i in 0..STATE_KEYS {
        overlay.set_storage(key(i), Some(value(i, 0)));
    }
    let state = overlay.drain_commit(&InMemoryBackend::default()).expect("in memory");
    let header = Header {
        parent_hash: H256::zero(),
        number: 0,
        state_root: H256(state.root),
        extrinsics_root: H256::zero(),
        digest: Default::default(),
    };
    db.commit_block(ImportOperation::genesis(header, state)).expect("genesis")
}

/// Imports `BLOCKS` blocks of `CHANGED_KEYS` changes; prints medians under `label`.
fn import_blocks(db: &Database, label: &str, finalize: bool) -> H256 {
    let mut parent = genesis(db);
    let (mut roots, mut commits, mut finals) = (Vec::new(), Vec::new(), Vec::new());
    for number in 1..=BLOCKS {
        let started = Instant::now();
        let parent_state = db.state_at(&parent).expect("kept");
        let mut overlay = OverlayedChanges::new();
        for i in picks(number, CHANGED_KEYS) {
            overlay.set_storage(key(i), Some(value(i, number)));
        }
        let state = overlay.drain_commit(&parent_state).expect("complete");
        roots.push(started.elapsed());
        let header = Header {
            parent_hash: parent,
            number,
            state_root: H256(state.root),
            extrinsics_root: H256::zero(),
            digest: Default::default(),
        };
        let extrinsics =
            (0..CHANGED_KEYS / 2).map(|i| OpaqueExtrinsic(vec![i as u8; 120])).collect();
        let started = Instant::now();
        parent = db
            .commit_block(ImportOperation::new_best(Block { header, extrinsics }, state))
            .expect("commits");
        commits.push(started.elapsed());
        if finalize {
            let started = Instant::now();
            db.finalize(&parent, None).expect("finalizes");
            finals.push(started.elapsed());
        }
    }
    println!("{label}_root_ms {:.1} ms", median(roots));
    println!("{label}_commit_ms {:.1} ms", median(commits));
    if finalize {
        println!("{label}_finalize_prune_ms {:.1} ms", median(finals));
    }
    parent
}

/// Reads `READS` random keys of the state of `hash`; returns µs per read.
fn read_pass(db: &Database, hash: &H256, seed: u32) -> f64 {
    let state = db.state_at(hash).expect("kept");
    let started = Instant::now();
    for i in picks(seed, READS) {
        assert!(state.storage(&key(i)).expect("reads").is_some());
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(READS)
}

/// The same root computation on an in-memory state, for comparison.
fn in_memory_root() {
    let mut state = InMemoryBackend::from_pairs((0..STATE_KEYS).map(|i| (key(i), value(i, 0))));
    let mut samples = Vec::new();
    for number in 1..=BLOCKS {
        let started = Instant::now();
        let mut overlay = OverlayedChanges::new();
        for i in picks(number, CHANGED_KEYS) {
            overlay.set_storage(key(i), Some(value(i, number)));
        }
        let commit = overlay.drain_commit(&state).expect("in memory");
        samples.push(started.elapsed());
        state.commit(commit).expect("same state");
    }
    println!("in_memory_root_ms {:.1} ms", median(samples));
}

fn main() {
    in_memory_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pruned");
    let config = |cache| {
        DatabaseConfig::new(&path).with_pruning(PruningMode::Constrained(2)).with_node_cache(cache)
    };
    let best = {
        let db = Database::open(config(64 << 20)).expect("opens");
        import_blocks(&db, "pruning2", true)
    };

    let archive = dir.path().join("archive");
    {
        let db = Database::open(DatabaseConfig::new(&archive).with_pruning(PruningMode::Archive))
            .expect("opens");
        import_blocks(&db, "archive", false);
    }

    for (label, cache) in [("no_node_cache", 0), ("node_cache_256mib", 256 << 20)] {
        let db = Database::open(config(cache)).expect("opens");
        let cold = read_pass(&db, &best, 99);
        let warm = read_pass(&db, &best, 99);
        println!("read_{label}_cold_us {cold:.2} us");
        println!("read_{label}_warm_us {warm:.2} us");
        if let Some(stats) = db.node_cache_stats() {
            println!("node_cache_entries {} nodes", stats.entries);
            println!("node_cache_bytes {} bytes", stats.bytes);
        }
    }
}
