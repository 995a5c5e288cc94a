//! A deterministic mock chain for tests, simulations and benchmarks.
//!
//! [`MockChain`] models the part of the runtime the pool depends on, as Lattice's real
//! runtime answers `TaggedTransactionQueue_validate_transaction` (`CheckNonce`):
//! a [`MockTx`] from `sender` with nonce `n`, on a state where the sender's next nonce
//! is `s`,
//! - is `Stale` if `n < s`,
//! - provides `(sender, n).encode()`, and requires `(sender, n - 1).encode()` if `n > s`,
//! - is invalid with `AncientBirthBlock` from its `death` block on (a mortal era), with
//!   the longevity left until then.
//!
//! Blocks are real [`Header`]s; a block applies the transactions whose nonce is next, in
//! order, and skips the others.

use crate::api::{BlockInfo, ChainApi};
use crate::maintain::ChainEvent;
use crate::transaction::Tag;
use codec::{Decode, Encode};
use lattice_primitives::{
    blake2_256, Digest, Header, InvalidTransaction, OpaqueExtrinsic, TransactionSource,
    TransactionValidity, UnknownTransaction, ValidTransaction, H256,
};
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The mock runtime's extrinsic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct MockTx {
    /// The signer.
    pub sender: u32,
    /// Its nonce.
    pub nonce: u64,
    /// The priority the runtime reports (a tip).
    pub priority: u64,
    /// The first block number at which it is no longer valid (mortal era); `None` for
    /// immortal.
    pub death: Option<u32>,
    /// Whether to gossip it.
    pub propagate: bool,
    /// Filler, to vary sizes and hashes.
    pub payload: Vec<u8>,
}

impl MockTx {
    /// An immortal transaction with priority 1 and no payload.
    pub fn new(sender: u32, nonce: u64) -> Self {
        Self { sender, nonce, priority: 1, death: None, propagate: true, payload: Vec::new() }
    }

    /// With priority `priority`.
    pub fn priority(mut self, priority: u64) -> Self {
        self.priority = priority;
        self
    }

    /// Mortal: invalid from block `death` on.
    pub fn death(mut self, death: u32) -> Self {
        self.death = Some(death);
        self
    }

    /// With `len` bytes of filler (the value `fill`).
    pub fn payload(mut self, len: usize, fill: u8) -> Self {
        self.payload = vec![fill; len];
        self
    }

    /// The extrinsic's full encoding, as submitted over RPC (with the length prefix).
    pub fn xt(&self) -> Vec<u8> {
        self.encode().encode()
    }

    /// The transaction hash.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.xt())
    }

    /// The tag `(sender, nonce)` the mock runtime uses.
    pub fn tag(sender: u32, nonce: u64) -> Tag {
        (sender, nonce).encode()
    }

    /// Decodes an extrinsic's full encoding.
    pub fn decode_xt(mut xt: &[u8]) -> Option<Self> {
        let inner = Vec::<u8>::decode(&mut xt).ok()?;
        if !xt.is_empty() {
            return None;
        }
        Self::decode(&mut &inner[..]).ok()
    }
}

/// The mock chain's failure (see [`MockChain::set_failing`]).
#[derive(Debug, thiserror::Error)]
#[error("mock chain failure")]
pub struct MockError;

#[derive(Debug)]
struct MockBlock {
    header: Header,
    body: Vec<MockTx>,
    /// Next nonce of each sender after the block.
    nonces: HashMap<u32, u64>,
}

#[derive(Debug, Default)]
struct State {
    blocks: HashMap<H256, MockBlock>,
    invalid_senders: HashSet<u32>,
    unknown_senders: HashSet<u32>,
    bodiless: HashSet<H256>,
    forks: u64,
}

/// A deterministic in-memory chain implementing [`ChainApi`].
#[derive(Debug)]
pub struct MockChain {
    state: Mutex<State>,
    genesis: BlockInfo,
    validations: AtomicUsize,
    failing: AtomicBool,
}

impl Default for MockChain {
    fn default() -> Self {
        Self::new()
    }
}

impl MockChain {
    /// A chain with only its genesis block, where every nonce is 0.
    pub fn new() -> Self {
        let header = Header {
            parent_hash: H256::zero(),
            number: 0,
            state_root: H256::zero(),
            extrinsics_root: H256::zero(),
            digest: Digest::default(),
        };
        let genesis = BlockInfo::of(&header);
        let mut state = State::default();
        state
            .blocks
            .insert(genesis.hash, MockBlock { header, body: Vec::new(), nonces: HashMap::new() });
        Self {
            state: Mutex::new(state),
            genesis,
            validations: AtomicUsize::new(0),
            failing: AtomicBool::new(false),
        }
    }

    /// The genesis block.
    pub fn genesis(&self) -> BlockInfo {
        self.genesis
    }

    /// Builds a child of `parent` applying, in order, the transactions of `txs` whose
    /// nonce is the sender's next; the others are left out. Blocks with the same parent
    /// and content still get distinct hashes.
    ///
    /// # Panics
    /// If `parent` is unknown (a test bug).
    pub fn build_block(&self, parent: H256, txs: &[MockTx]) -> BlockInfo {
        let mut state = self.state.lock();
        let parent_block = state.blocks.get(&parent).expect("parent block is known");
        let mut nonces = parent_block.nonces.clone();
        let number = parent_block.header.number + 1;
        let mut body = Vec::new();
        for tx in txs {
            let next = nonces.entry(tx.sender).or_default();
            if tx.nonce == *next && tx.death.is_none_or(|d| number < d) {
                *next += 1;
                body.push(tx.clone());
            }
        }
        state.forks += 1;
        let header = Header {
            parent_hash: parent,
            number,
            state_root: blake2_256(&state.forks.encode()),
            extrinsics_root: blake2_256(&body.encode()),
            digest: Digest::default(),
        };
        let info = BlockInfo::of(&header);
        state.blocks.insert(info.hash, MockBlock { header, body, nonces });
        info
    }

    /// The transactions block `hash` applied.
    pub fn block_txs(&self, hash: H256) -> Vec<MockTx> {
        self.state.lock().blocks.get(&hash).map(|b| b.body.clone()).unwrap_or_default()
    }

    /// The next nonce of `sender` after block `at`.
    pub fn nonce(&self, at: H256, sender: u32) -> u64 {
        let state = self.state.lock();
        state.blocks.get(&at).and_then(|b| b.nonces.get(&sender).copied()).unwrap_or(0)
    }

    /// From now on `sender`'s transactions are invalid (`Payment`), or valid again.
    pub fn set_invalid_sender(&self, sender: u32, invalid: bool) {
        let mut state = self.state.lock();
        if invalid {
            state.invalid_senders.insert(sender);
        } else {
            state.invalid_senders.remove(&sender);
        }
    }

    /// From now on `sender`'s transactions have unknown validity (`CannotLookup`).
    pub fn set_unknown_sender(&self, sender: u32, unknown: bool) {
        let mut state = self.state.lock();
        if unknown {
            state.unknown_senders.insert(sender);
        } else {
            state.unknown_senders.remove(&sender);
        }
    }

    /// Makes every call fail with [`MockError`] (a broken database or runtime).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Forgets the body of `block` (a pruned database).
    pub fn drop_body(&self, block: H256) {
        self.state.lock().bodiless.insert(block);
    }

    /// The number of validations answered so far.
    pub fn validations(&self) -> usize {
        self.validations.load(Ordering::SeqCst)
    }

    /// The event of the best block moving from `from` to `to`: the tree route through
    /// their common ancestor.
    ///
    /// # Panics
    /// If either block is unknown (a test bug).
    pub fn route(&self, from: H256, to: H256) -> ChainEvent {
        let state = self.state.lock();
        let header = |h: &H256| &state.blocks.get(h).expect("known block").header;
        let (mut a, mut b) = (from, to);
        let (mut retracted, mut enacted) = (Vec::new(), Vec::new());
        while header(&a).number > header(&b).number {
            retracted.push(a);
            a = header(&a).parent_hash;
        }
        while header(&b).number > header(&a).number {
            enacted.push(b);
            b = header(&b).parent_hash;
        }
        while a != b {
            retracted.push(a);
            enacted.push(b);
            a = header(&a).parent_hash;
            b = header(&b).parent_hash;
        }
        enacted.reverse();
        ChainEvent::NewBestBlock { hash: to, enacted, retracted }
    }

    fn check(&self) -> Result<(), MockError> {
        if self.failing.load(Ordering::SeqCst) {
            Err(MockError)
        } else {
            Ok(())
        }
    }
}

impl ChainApi for MockChain {
    type Error = MockError;

    fn validate_transaction(
        &self,
        at: H256,
        _source: TransactionSource,
        xt: &[u8],
    ) -> Result<TransactionValidity, MockError> {
        self.check()?;
        self.validations.fetch_add(1, Ordering::SeqCst);
        let state = self.state.lock();
        let block = state.blocks.get(&at).ok_or(MockError)?;
        let Some(tx) = MockTx::decode_xt(xt) else {
            return Ok(Err(InvalidTransaction::Call.into()));
        };
        if state.invalid_senders.contains(&tx.sender) {
            return Ok(Err(InvalidTransaction::Payment.into()));
        }
        if state.unknown_senders.contains(&tx.sender) {
            return Ok(Err(UnknownTransaction::CannotLookup.into()));
        }
        // Validation is for inclusion in the next block.
        let number = block.header.number;
        let longevity = match tx.death {
            Some(d) if number + 1 >= d => {
                return Ok(Err(InvalidTransaction::AncientBirthBlock.into()));
            }
            Some(d) => u64::from(d - number - 1),
            None => u64::MAX,
        };
        let next = block.nonces.get(&tx.sender).copied().unwrap_or(0);
        if tx.nonce < next {
            return Ok(Err(InvalidTransaction::Stale.into()));
        }
        let requires =
            if tx.nonce > next { vec![MockTx::tag(tx.sender, tx.nonce - 1)] } else { Vec::new() };
        Ok(Ok(ValidTransaction {
            priority: tx.priority,
            requires,
            provides: vec![MockTx::tag(tx.sender, tx.nonce)],
            longevity,
            propagate: tx.propagate,
        }))
    }

    fn block_header(&self, hash: H256) -> Result<Option<Header>, MockError> {
        self.check()?;
        Ok(self.state.lock().blocks.get(&hash).map(|b| b.header.clone()))
    }

    fn block_body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, MockError> {
        self.check()?;
        let state = self.state.lock();
        if state.bodiless.contains(&hash) {
            return Ok(None);
        }
        Ok(state
            .blocks
            .get(&hash)
            .map(|b| b.body.iter().map(|tx| OpaqueExtrinsic(tx.encode())).collect()))
    }
}
