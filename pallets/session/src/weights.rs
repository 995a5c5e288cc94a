//! Weights of the session calls, as `(ref_time, proof_size)`, and of a rotation.
//!
//! Not generated: the calls follow Substrate's reference weights for `pallet_session`
//! (`substrate/frame/session/src/weights.rs`, scaled from its six keys to Lattice's two,
//! rounded), with the database accesses listed priced at RocksDB's reference costs (25 µs
//! a read, 100 µs a write) and folded into `ref_time`, as `pallet_balances`' weights are.
//! Replace them with Lattice benchmark results when the benchmarking pipeline exists.

use lattice_support::Weight;
use pallet_system::RuntimeDbWeight;

/// `ref_time` of one database read (RocksDB reference).
const READ: u64 = 25_000_000;
/// `ref_time` of one database write (RocksDB reference).
const WRITE: u64 = 100_000_000;

/// `set_keys` (the larger of a first registration and a replacement): System.Account
/// r:1 w:1, Session.NextKeys r:1 w:1, Session.KeyOwner r:2 w:4.
pub const SET_KEYS: (u64, u64) = (40_000_000 + 4 * READ + 6 * WRITE, 7_000);
/// `purge_keys`: Session.NextKeys r:1 w:1, Session.KeyOwner w:2, System.Account r:1 w:1.
pub const PURGE_KEYS: (u64, u64) = (28_000_000 + 2 * READ + 4 * WRITE, 5_000);

/// `ref_time` of a rotation's computation, besides its database accesses.
const ROTATION_BASE: u64 = 20_000_000;
/// `ref_time` of a rotation's computation per validator (keys looked up, compared,
/// encoded into two digest items).
const ROTATION_PER_VALIDATOR: u64 = 2_000_000;

/// A rotation with up to `max_validators` validators, charged in `on_initialize` of the
/// block that ends a session: Session.Period, CurrentIndex, QueuedKeys, one NextKeys per
/// validator; Grandpa.PendingChange, Stalled, NextForced, System.Number (r: 7 + n);
/// Session.CurrentIndex, Validators, QueuedKeys, Aura.Authorities, Grandpa.PendingChange,
/// NextForced, Stalled, System.BlockDigest, two event writes (w: 10). Not included: what
/// the `SessionManager` does, and the NextKeys read of each candidate without keys (a
/// manager should offer only candidates that have keys, `ValidatorSet::has_keys`).
pub fn rotation(db: RuntimeDbWeight, max_validators: u64) -> Weight {
    let compute =
        ROTATION_BASE.saturating_add(ROTATION_PER_VALIDATOR.saturating_mul(max_validators));
    // A NextKeys entry (a Blake2_128Concat key and 64 bytes) and the validator's share of
    // QueuedKeys, Aura.Authorities and Grandpa's sets.
    let proof_size = 1_000u64.saturating_add(max_validators.saturating_mul(400));
    Weight::from_parts(compute, proof_size)
        .saturating_add(db.reads_writes(7u64.saturating_add(max_validators), 10))
}
