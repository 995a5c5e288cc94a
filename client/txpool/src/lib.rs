//! The transaction pool of the Lattice node: it validates extrinsics through the
//! runtime, orders them for block builders by tags and priority, and follows the chain.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  RPC author_submit*  ─┐                         ┌─▶ ready(): block builder (consensus)
//!  network gossip     ──┼─▶ Pool ── ChainApi ──▶  │   pending_extrinsics(): RPC
//!                       │    │   validate_transaction (runtime, at a block)
//!  chain import/finality ─▶ maintain(ChainEvent)  └─▶ Watcher streams, ready notifications
//! ```
//!
//! - [`Pool`] keeps two queues. A transaction is **ready** when every tag it `requires`
//!   is provided by the chain or by a ready transaction; otherwise it waits in the
//!   **future** queue until one arrives (a nonce gap filled). [`Pool::ready`] iterates in
//!   an order a block builder can include: dependencies first, then higher priority,
//!   then older.
//! - A tag has one provider: a transaction providing a tag already provided in the pool
//!   replaces the holders (`usurped`) if its priority beats theirs summed, and is refused
//!   with [`Error::TooLowPriority`] otherwise.
//! - Limits bound each queue by count and bytes ([`Options`]); the lowest priority goes
//!   first. Invalid and included hashes are banned for [`Options::ban_time`].
//! - [`Pool::maintain`] follows the chain ([`ChainEvent`]): prune included transactions
//!   (by hash and by tag), re-submit those of retracted blocks, drop expired ones,
//!   re-validate a bounded batch at the new best block, report finality.
//! - [`Watcher`] streams the statuses of `author_submitAndWatchExtrinsic`
//!   ([`TransactionStatus`]); [`Error::rpc_code`] gives Substrate's RPC error codes.
//!
//! The pool reaches the chain only through the [`ChainApi`] trait and time only through
//! a [`Clock`] (architecture invariant 7): no executor, database, socket or wall clock in
//! here, so the node wires in the real runtime and tests a deterministic mock. Nothing
//! needs an async runtime; watchers are `futures` streams.
//!
//! ## Example
//!
//! ```
//! use lattice_primitives::TransactionSource;
//! use lattice_txpool::test_utils::{MockChain, MockTx};
//! use lattice_txpool::{ChainEvent, ManualClock, Options, Pool, TransactionStatus};
//! use std::sync::Arc;
//!
//! let chain = Arc::new(MockChain::new());
//! let genesis = chain.genesis();
//! let pool = Pool::new(chain.clone(), Options::default(), Arc::new(ManualClock::new()), genesis);
//!
//! // Nonce 1 waits for nonce 0; nonce 0 makes both ready, in nonce order.
//! let mut watcher = pool.submit_and_watch(TransactionSource::External, MockTx::new(7, 1).xt())?;
//! pool.submit(TransactionSource::External, MockTx::new(7, 0).xt())?;
//! let order: Vec<_> = pool.ready().map(|tx| tx.hash).collect();
//! assert_eq!(order, [MockTx::new(7, 0).hash(), MockTx::new(7, 1).hash()]);
//!
//! // A block includes both; then it is finalized.
//! let block = chain.build_block(genesis.hash, &[MockTx::new(7, 0), MockTx::new(7, 1)]);
//! pool.maintain(ChainEvent::new_best(block.hash))?;
//! pool.maintain(ChainEvent::finalized(block.hash))?;
//! assert_eq!(pool.status().ready, 0);
//! assert_eq!(
//!     watcher.drain(),
//!     [
//!         TransactionStatus::Future,
//!         TransactionStatus::Ready,
//!         TransactionStatus::InBlock(block.hash),
//!         TransactionStatus::Finalized(block.hash),
//!     ]
//! );
//! # Ok::<(), lattice_txpool::Error>(())
//! ```
//!
//! ## Feature flags
//!
//! - `test-utils`: the `test_utils` module, a deterministic mock chain (`MockChain`)
//!   modelling the runtime's nonce tags, for tests and simulations of other crates.

mod api;
mod ban;
mod base;
mod clock;
mod error;
mod listener;
mod maintain;
mod options;
mod pool;
mod transaction;

#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

pub use api::{decode_validity, encode_validate_call, BlockInfo, ChainApi};
pub use base::ReadyIter;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use listener::{ReadyNotifications, Watcher};
pub use maintain::{ChainEvent, MaintainReport};
pub use options::{Limit, Options};
pub use pool::{Pool, PoolStatus, RemoveBy};
pub use transaction::{Tag, Transaction, TransactionStatus};
