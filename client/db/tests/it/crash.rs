//! `kill -9` during a stream of commits: every restart finds the database at one
//! consistent block, never between two.
//!
//! The test runs its own executable again as the writer (selected by an environment
//! variable), kills it with SIGKILL after a varying number of commits, reopens the
//! database, checks it, and starts the next writer on it.

use crate::common::{changes_for, commit_genesis, genesis_pairs, key, open, read_all};
use lattice_db::{Database, ImportOperation, PruningMode};
use lattice_primitives::{header::GRANDPA_ENGINE_ID, H256};
use lattice_state::{Backend, InMemoryBackend};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WRITER_ENV: &str = "LATTICE_DB_CRASH_WRITER";
const TEST_NAME: &str = "crash::sigkill_during_commits_leaves_a_consistent_block";
const MODE: PruningMode = PruningMode::Constrained(6);
const KEYS: u32 = 3_000;
const WRITES: u32 = 800;
const ROUNDS: u32 = 12;

#[test]
fn sigkill_during_commits_leaves_a_consistent_block() {
    if let Ok(path) = std::env::var(WRITER_ENV) {
        writer(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut model = Expected::new();
    let mut last_best = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(WRITER_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("test executable runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Let it commit a varying number of blocks, then kill it at a varying moment.
        let wait_for = 2 + round % 5;
        let mut committed = 0;
        while committed < wait_for {
            let line = lines.next().expect("writer alive").unwrap();
            if line.starts_with("committed ") {
                committed += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(u64::from(round) * 1_700 % 9_000));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "killed");

        let db = open(dir.path(), MODE);
        let best = check_consistent(&db, &mut model);
        assert!(best > last_best, "round {round}: best {best} did not grow past {last_best}");
        last_best = best;
    }
}

/// The writer: extends the chain from the database's best block forever, finalizing
/// two blocks behind and adding a sibling every third block (displaced later).
fn writer(path: &Path) {
    let db = open(path, MODE);
    if db.info().is_none() {
        commit_genesis(&db, genesis_pairs(KEYS));
    }
    let started = Instant::now();
    let mut stdout = std::io::stdout();
    // Bounded, should the parent die without killing it.
    while started.elapsed() < Duration::from_secs(60) {
        let info = db.info().unwrap();
        let number = info.best_number + 1;
        let changes = changes_for(number, 0, WRITES, KEYS);
        let (block, state) = crate::common::build(&db, info.best_hash, &changes, 0);
        db.commit_block(ImportOperation::new_best(block, state)).unwrap();
        if number.is_multiple_of(3) {
            let sibling = changes_for(number, 1, WRITES / 4, KEYS);
            crate::common::import(&db, info.best_hash, &sibling, 1, false);
        }
        if number >= 2 {
            let target = db.hash(number - 2).unwrap().unwrap();
            db.finalize(&target, Some((GRANDPA_ENGINE_ID, number.to_le_bytes().to_vec()))).unwrap();
        }
        writeln!(stdout, "committed {number}").unwrap();
        stdout.flush().unwrap();
    }
}

/// The canonical states by number (the writer's are a function of the number).
struct Expected {
    states: Vec<InMemoryBackend>,
}

impl Expected {
    fn new() -> Self {
        Self { states: vec![InMemoryBackend::from_pairs(genesis_pairs(KEYS))] }
    }

    fn at(&mut self, number: u32) -> &InMemoryBackend {
        while self.states.len() <= number as usize {
            let mut next = self.states.last().unwrap().clone();
            next.apply(changes_for(self.states.len() as u32, 0, WRITES, KEYS)).unwrap();
            self.states.push(next);
        }
        &self.states[number as usize]
    }
}

/// Checks the whole database against what the writer does; returns the best number.
fn check_consistent(db: &Database, expected: &mut Expected) -> u32 {
    let info = db.info().expect("genesis survives");
    assert!(info.finalized_number <= info.best_number);
    // The writer finalizes two behind, after committing: at most three behind after a kill.
    assert!(info.best_number - info.finalized_number <= 3, "{info:?}");
    assert_eq!(info.lowest_state, (info.finalized_number + 1).saturating_sub(6));

    // The canonical chain links up from genesis to best, every block complete.
    let mut parent = H256::zero();
    for n in 0..=info.best_number {
        let hash = db.hash(n).unwrap().unwrap_or_else(|| panic!("canonical #{n}"));
        let block = db.block(&hash).unwrap().unwrap_or_else(|| panic!("block #{n}"));
        assert_eq!(block.header.parent_hash, parent);
        assert_eq!(block.header.hash(), hash);
        assert_eq!(block.header.state_root.0, expected.at(n).root(), "root #{n}");
        if n > 0 && n <= info.finalized_number {
            assert_eq!(db.hashes_at(n).unwrap(), vec![hash], "no fork below finality at #{n}");
        }
        parent = hash;
    }
    assert_eq!(parent, info.best_hash);
    assert_eq!(db.hash(info.best_number + 1).unwrap(), None);
    if info.finalized_number >= 2 {
        let justifications = db.justifications(&info.finalized_hash).unwrap().unwrap();
        assert_eq!(justifications[0].1, (info.finalized_number + 2).to_le_bytes());
    }

    // Every kept state is complete; the best one equals the expected state.
    for n in info.lowest_state..=info.best_number {
        let hash = db.hash(n).unwrap().unwrap();
        let state = db.state_at(&hash).unwrap();
        assert_eq!(state.storage(&key(1)).unwrap(), expected.at(n).storage(&key(1)).unwrap());
    }
    let best = db.state_at(&info.best_hash).unwrap();
    assert_eq!(&read_all(&best), expected.at(info.best_number).pairs_map());
    let leaves = db.leaves().unwrap();
    assert!(leaves.contains(&(info.best_hash, info.best_number)), "{leaves:?}");
    info.best_number
}
