//! Weights of the balances calls, as `(ref_time, proof_size)`.
//!
//! Not generated: these follow Substrate's reference weights for `pallet_balances`
//! (`substrate/frame/balances/src/weights.rs`, `SubstrateWeight`, rounded), with the database
//! accesses it lists priced at RocksDB's reference costs (25 µs a read, 100 µs a write)
//! and folded into `ref_time`. Replace them with Lattice benchmark results when the
//! benchmarking pipeline exists.

/// `ref_time` of one database read (RocksDB reference).
const READ: u64 = 25_000_000;
/// `ref_time` of one database write (RocksDB reference).
const WRITE: u64 = 100_000_000;

/// `transfer_allow_death`: System.Account r:1 w:1.
pub const TRANSFER_ALLOW_DEATH: (u64, u64) = (50_023_000 + READ + WRITE, 3_593);
/// `force_transfer`: System.Account r:2 w:2.
pub const FORCE_TRANSFER: (u64, u64) = (51_812_000 + 2 * READ + 2 * WRITE, 6_196);
/// `transfer_keep_alive`: System.Account r:1 w:1.
pub const TRANSFER_KEEP_ALIVE: (u64, u64) = (39_171_000 + READ + WRITE, 3_593);
/// `transfer_all`: System.Account r:1 w:1.
pub const TRANSFER_ALL: (u64, u64) = (48_937_000 + READ + WRITE, 3_593);
/// `force_unreserve`: System.Account r:1 w:1.
pub const FORCE_UNRESERVE: (u64, u64) = (18_252_000 + READ + WRITE, 3_593);
/// `force_set_balance` (the larger of creating and killing): System.Account r:1 w:1.
pub const FORCE_SET_BALANCE: (u64, u64) = (20_191_000 + READ + WRITE, 3_593);
/// `burn` (allow death): System.Account r:1 w:1.
pub const BURN: (u64, u64) = (30_151_000 + READ + WRITE, 3_593);
