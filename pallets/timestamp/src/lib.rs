//! # Timestamp pallet
//!
//! The time of the block being executed, in milliseconds since the Unix epoch, as the
//! block author saw it. The author puts it in with the `set` inherent (an unsigned,
//! mandatory extrinsic placed before every transaction); importers check it against their
//! own clock with [`Pallet::check_inherent`].
//!
//! ## Terminology
//!
//! - **Inherent**: an extrinsic the block author adds from *inherent data* (here the
//!   author's clock), not from the transaction pool. It is unsigned and mandatory: a block
//!   without it, or with a failing one, is invalid.
//! - **Minimum period**: the least time between two consecutive blocks' timestamps. Aura
//!   chains set it to half the slot duration.
//!
//! ## Rules (as Substrate's `pallet-timestamp`)
//!
//! 1. `set` is called exactly once per block, with the none origin. A second call fails
//!    with [`Error::AlreadyUpdated`]; a block without it fails in `on_finalize`.
//! 2. The new time is at least the previous one plus [`Config::MINIMUM_PERIOD`] (except
//!    for the first block, when the previous time is zero), else [`Error::TooEarly`].
//! 3. An importer rejects a block whose time is more than [`MAX_TIMESTAMP_DRIFT_MILLIS`]
//!    ahead of its own clock ([`TimestampInherentError::TooFarInFuture`]).
//!
//! Substrate panics where this pallet returns [`Error`]s (rules 1 and 2): the executive
//! rejects a block whose inherent fails (`InvalidTransaction::BadMandatory`), so the
//! outcome is the same, without a panic reachable from a call's input. Only the missing
//! inherent (rule 1, checked in `on_finalize`) panics, because no call is there to fail.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::dispatch::{Dispatchable, Origin};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::lattice_primitives::{inherent::TIMESTAMP_INHERENT, InherentData};
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event) });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! impl pallet_timestamp::Config for Runtime {
//!     const PALLET_INDEX: u8 = 1;
//!     const MINIMUM_PERIOD: u64 = 3_000;
//! }
//!
//! TestExternalities::default().execute_with(|| {
//!     // The node's inherent data holds its clock, in milliseconds.
//!     let data_time = 1_700_000_000_000u64;
//!     let mut data = InherentData::default();
//!     data.put(TIMESTAMP_INHERENT, &data_time);
//!
//!     let call = pallet_timestamp::Pallet::<Runtime>::create_inherent(&data)
//!         .expect("data has a time");
//!     pallet_timestamp::Pallet::<Runtime>::check_inherent(&call, &data).expect("valid");
//!     pallet_timestamp::Dispatch::<Runtime>::new(call).dispatch(Origin::None).expect("set");
//!     assert_eq!(pallet_timestamp::Pallet::<Runtime>::now(), data_time);
//! });
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    ensure_none, mandatory, module_error, DispatchInfo, Dispatchable, GetDispatchInfo, Origin,
};
use lattice_support::lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_support::lattice_primitives::InherentData;
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{StorageValue, ValueQuery};
use lattice_support::{ensure, storage_prefix, BlockNumber, DispatchError, DispatchResult, Weight};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Timestamp";

/// How far, in milliseconds, a block's time may be ahead of an importer's clock before
/// the importer rejects the block (Substrate's value).
pub const MAX_TIMESTAMP_DRIFT_MILLIS: u64 = 30_000;

/// `ref_time` of `set`: two reads, two writes and the `on_timestamp_set` hook.
/// Provisional (not from a benchmark), near Substrate's measured figure.
const SET_WEIGHT: u64 = 10_000_000;

/// Parameters of the timestamp pallet.
pub trait Config: pallet_system::Config {
    /// Index of the pallet in the runtime (for module errors).
    const PALLET_INDEX: u8;
    /// The least time, in milliseconds, between two blocks' timestamps. Aura chains use
    /// half the slot duration.
    const MINIMUM_PERIOD: u64;

    /// Called by `set` once the new time is stored; an error fails `set`, and so makes
    /// the block invalid. Aura checks here that the time falls in the block's slot
    /// (`pallet_aura::Pallet::on_timestamp_set`). Default: nothing.
    fn on_timestamp_set(_now: u64) -> DispatchResult {
        Ok(())
    }
}

storage_prefix!(pub struct NowPrefix = PALLET, "Now";);
storage_prefix!(pub struct DidUpdatePrefix = PALLET, "DidUpdate";);

/// The current time for the current block, in milliseconds since the Unix epoch.
pub type Now = StorageValue<NowPrefix, u64, ValueQuery>;
/// Whether the timestamp has been set in this block; cleared in `on_finalize`.
pub type DidUpdate = StorageValue<DidUpdatePrefix, bool, ValueQuery>;

/// Errors of the timestamp pallet. Either one makes the block invalid (the call is a
/// mandatory inherent); honest block authors never hit them, because
/// [`Pallet::create_inherent`] builds a valid call.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// `set` was already called in this block: a block carries exactly one timestamp.
    #[codec(index = 0)]
    AlreadyUpdated,
    /// The new time is less than the previous block's plus `MinimumPeriod`: blocks must
    /// be at least that far apart. Wait until the clock has advanced far enough.
    #[codec(index = 1)]
    TooEarly,
}

/// Calls of the timestamp pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Sets the current time (an inherent: none origin, once per block, mandatory).
    ///
    /// `now` must be at least the previous block's time plus `MinimumPeriod`.
    #[codec(index = 0)]
    set {
        /// The time, in milliseconds since the Unix epoch.
        #[codec(compact)]
        now: u64,
    },
}

/// Why an importer rejects a block's timestamp ([`Pallet::check_inherent`]). Every
/// variant is fatal: the block is invalid. The first two encode as Substrate's
/// `sp_timestamp::InherentError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum TimestampInherentError {
    /// The time is less than the previous block's plus the minimum period.
    #[codec(index = 0)]
    TooEarly,
    /// The time is more than [`MAX_TIMESTAMP_DRIFT_MILLIS`] ahead of the importer's clock.
    #[codec(index = 1)]
    TooFarInFuture,
    /// The importer's inherent data has no timestamp, or it is not a `u64`: a fault of the
    /// importing node, not of the block.
    #[codec(index = 2)]
    InvalidInherentData,
}

impl TimestampInherentError {
    /// Whether the error makes the block invalid (always, as in Substrate).
    pub fn is_fatal(&self) -> bool {
        true
    }
}

impl core::fmt::Display for TimestampInherentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::TooEarly => "the time since the last timestamp is lower than the minimum period",
            Self::TooFarInFuture => "the timestamp of the block is too far in the future",
            Self::InvalidInherentData => "the inherent data has no valid timestamp",
        })
    }
}

/// The timestamp pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable timestamp call bound to a runtime.
pub struct Dispatch<T>(pub Call, PhantomData<T>);

impl<T> Dispatch<T> {
    /// Binds `call` to the runtime `T`.
    pub fn new(call: Call) -> Self {
        Self(call, PhantomData)
    }
}

impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {
    fn on_initialize(_n: BlockNumber) -> Weight {
        // Accounts for `on_finalize`: one read and one write of `DidUpdate`.
        T::DB_WEIGHT.reads_writes(1, 1)
    }

    fn on_finalize(_n: BlockNumber) {
        // The one deliberate panic: a block without its timestamp inherent is invalid, and
        // no call exists that could fail instead. The executor turns it into an error.
        if !DidUpdate::take() {
            panic!("invalid block: the timestamp must be set once in the block (no timestamp inherent)");
        }
    }

    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        // 1. Between blocks, `DidUpdate` is cleared (on_finalize took it).
        if pallet_system::ExecutionPhase::get().is_none() && DidUpdate::exists() {
            return Err("Timestamp.DidUpdate is stored between blocks");
        }
        Ok(())
    }
}

impl<T: Config> Dispatchable for Dispatch<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self.0 {
            Call::set { now } => Pallet::<T>::set(origin, now),
        }
    }
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Call::set { .. } => mandatory(SET_WEIGHT),
        }
    }
}

impl<T: Config> Pallet<T> {
    /// The index of this pallet's errors.
    fn error(e: Error) -> DispatchError {
        module_error(<T as Config>::PALLET_INDEX, e)
    }

    /// `set`: stores `now` as the block's time.
    fn set(origin: Origin, now: u64) -> DispatchResult {
        ensure_none(origin)?;
        ensure!(!DidUpdate::exists(), Self::error(Error::AlreadyUpdated));
        let previous = Now::get();
        // No later time exists once `previous + MINIMUM_PERIOD` overflows: the chain's
        // clock has run out (in some 584 million years).
        let earliest = previous.checked_add(T::MINIMUM_PERIOD);
        ensure!(
            previous == 0 || earliest.is_some_and(|earliest| now >= earliest),
            Self::error(Error::TooEarly)
        );
        // The hook may fail after the writes: keep them only if it succeeds, so a
        // failed `set` leaves no trace even outside the executive's transaction.
        lattice_support::storage::with_transaction(|| {
            Now::put(&now);
            DidUpdate::put(&true);
            T::on_timestamp_set(now)
        })
    }

    /// The current block's time in milliseconds (the parent's until `set` runs).
    pub fn now() -> u64 {
        Now::get()
    }

    /// Sets the time directly, without the inherent's checks; for tests and benchmarks
    /// of other pallets.
    #[cfg(feature = "std")]
    pub fn set_timestamp(now: u64) {
        Now::put(&now);
    }

    /// The inherent the block author puts into a block: `set` with the time from `data`,
    /// raised to the earliest allowed time if the author's clock is behind. `None` when
    /// `data` has no (valid) timestamp.
    pub fn create_inherent(data: &InherentData) -> Option<Call> {
        let time: u64 = data.get(&TIMESTAMP_INHERENT).ok()??;
        let earliest = Now::get().saturating_add(T::MINIMUM_PERIOD);
        Some(Call::set { now: time.max(earliest) })
    }

    /// Checks a block's timestamp inherent against the importer's inherent data, on the
    /// parent block's state.
    pub fn check_inherent(call: &Call, data: &InherentData) -> Result<(), TimestampInherentError> {
        let Call::set { now } = call;
        let own: u64 = data
            .get(&TIMESTAMP_INHERENT)
            .ok()
            .flatten()
            .ok_or(TimestampInherentError::InvalidInherentData)?;
        if *now > own.saturating_add(MAX_TIMESTAMP_DRIFT_MILLIS) {
            return Err(TimestampInherentError::TooFarInFuture);
        }
        let earliest = Now::get().checked_add(T::MINIMUM_PERIOD);
        if earliest.is_none_or(|earliest| *now < earliest) {
            return Err(TimestampInherentError::TooEarly);
        }
        Ok(())
    }

    /// Whether `call` is this pallet's inherent (every timestamp call is).
    pub fn is_inherent(call: &Call) -> bool {
        matches!(call, Call::set { .. })
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .error::<Error>()
            .storage([
                Now::metadata(&["The current time for the current block."]),
                DidUpdate::metadata(&[
                    "Whether the timestamp has been updated in this block.",
                    "",
                    "This value is updated to `true` upon successful submission of a timestamp by a node.",
                    "It is then checked at the end of each block execution in the `on_finalize` hook.",
                ]),
            ])
            .constants([constant(
                "MinimumPeriod",
                &T::MINIMUM_PERIOD,
                &[
                    "The minimum period between blocks.",
                    "",
                    "Be aware that this is different to the *expected* period that the block production",
                    "apparatus provides. Your chosen consensus system will generally work with this to",
                    "determine a sensible block time. For example, in the Aura pallet it will be double this",
                    "period on default settings.",
                ],
            )])
            .docs(&["The timestamp pallet: the block's time, set once per block by an inherent."])
    }
}
