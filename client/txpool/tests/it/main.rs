//! Integration tests of `lattice-txpool`, one module per topic, over the deterministic
//! mock chain of `test_utils`.

mod bans;
mod limits;
mod maintain;
mod ordering;
mod property;
mod replacement;
mod rpc;
mod watchers;

use lattice_primitives::{TransactionSource, H256};
use lattice_txpool::test_utils::{MockChain, MockTx};
use lattice_txpool::{BlockInfo, ChainEvent, ManualClock, Options, Pool, Result, Watcher};
use std::sync::Arc;

pub(crate) const EXT: TransactionSource = TransactionSource::External;

/// A pool over a mock chain, following the chain's best block.
pub(crate) struct Harness {
    pub(crate) chain: Arc<MockChain>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) pool: Pool<Arc<MockChain>>,
    pub(crate) best: BlockInfo,
}

impl Harness {
    pub(crate) fn new() -> Self {
        Self::with_options(Options::default())
    }

    pub(crate) fn with_options(options: Options) -> Self {
        let chain = Arc::new(MockChain::new());
        let clock = Arc::new(ManualClock::new());
        let best = chain.genesis();
        let pool = Pool::new(chain.clone(), options, clock.clone(), best);
        Self { chain, clock, pool, best }
    }

    pub(crate) fn submit(&self, tx: &MockTx) -> Result<H256> {
        self.pool.submit(EXT, tx.xt())
    }

    pub(crate) fn watch(&self, tx: &MockTx) -> Watcher {
        self.pool.submit_and_watch(EXT, tx.xt()).expect("submission accepted")
    }

    /// `(sender, nonce)` of the ready transactions in block-building order.
    pub(crate) fn ready_order(&self) -> Vec<(u32, u64)> {
        self.pool.ready().map(|t| decode(&t.data)).map(|t| (t.sender, t.nonce)).collect()
    }

    /// Builds a block on the best one and tells the pool.
    pub(crate) fn import(&mut self, txs: &[MockTx]) -> BlockInfo {
        let block = self.chain.build_block(self.best.hash, txs);
        self.switch_to(block);
        block
    }

    /// Builds a block with the pool's ready transactions on the best one.
    pub(crate) fn import_ready(&mut self) -> BlockInfo {
        let txs: Vec<MockTx> = self.pool.ready().map(|t| decode(&t.data)).collect();
        self.import(&txs)
    }

    /// Makes `to` the best block (a re-org if it is not a descendant).
    pub(crate) fn switch_to(&mut self, to: BlockInfo) {
        let event = self.chain.route(self.best.hash, to.hash);
        self.pool.maintain(event).expect("maintenance succeeds");
        self.best = to;
    }

    pub(crate) fn finalize(&self, block: BlockInfo) {
        self.pool.maintain(ChainEvent::finalized(block.hash)).expect("finality succeeds");
    }
}

pub(crate) fn decode(xt: &[u8]) -> MockTx {
    MockTx::decode_xt(xt).expect("mock extrinsic")
}

/// A small deterministic PRNG (SplitMix64), so failures replay from their seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
