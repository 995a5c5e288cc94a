//! # Utility pallet
//!
//! Batches: several calls dispatched, in order, from the batch's own origin, in one
//! extrinsic (one signature, one nonce, one fee).
//!
//! ## Calls (indices as Substrate's)
//!
//! | call | on an item's failure | events |
//! |---|---|---|
//! | `batch` (0) | stops; earlier items' effects stay; the batch succeeds | `ItemCompleted` per item, then `BatchCompleted` or `BatchInterrupted { index, error }` |
//! | `batch_all` (2) | reverts every item; the batch fails with the item's error | `ItemCompleted` per item and `BatchCompleted` (all reverted on failure) |
//! | `force_batch` (4) | continues with the next item | `ItemCompleted` / `ItemFailed { error }` per item, then `BatchCompleted` or `BatchCompletedWithErrors` |
//!
//! Every item runs in its own storage transaction, so a failed item leaves no writes;
//! `batch_all` runs the whole batch in one more. A batch may come from any origin but
//! none, and holds at most [`Config::BATCHED_CALLS_LIMIT`] calls
//! ([`Error::TooManyCalls`]).
//!
//! Not implemented: `as_derivative` (1, needs derived accounts), `dispatch_as` (3, needs
//! the runtime's origin type), `with_weight` (5) and later calls. Lattice has no call
//! filters, so unlike Substrate, signed `batch_all`s may nest.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::dispatch::{DispatchInfo, Dispatchable, GetDispatchInfo, Origin};
//! # use lattice_support::{lattice_io::TestExternalities, lattice_primitives::Digest};
//! # use lattice_support::{AccountId32, DispatchResult, H256};
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeCall { System(pallet_system::Call) }
//! # impl Dispatchable for RuntimeCall {
//! #     fn dispatch(self, origin: Origin) -> DispatchResult {
//! #         let Self::System(c) = self;
//! #         pallet_system::Dispatch::<Runtime>::new(c).dispatch(origin)
//! #     }
//! # }
//! # impl GetDispatchInfo for RuntimeCall {
//! #     fn get_dispatch_info(&self) -> DispatchInfo {
//! #         match self { Self::System(c) => c.get_dispatch_info() }
//! #     }
//! # }
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event), Utility(pallet_utility::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Utility(pallet_utility::Event)
//! # });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! impl pallet_utility::Config for Runtime {
//!     const PALLET_INDEX: u8 = 7;
//!     type RuntimeCall = RuntimeCall;
//!     const BATCHED_CALLS_LIMIT: u32 = 16;
//! }
//! let alice = AccountId32([1; 32]);
//! TestExternalities::default().execute_with(|| {
//! #   pallet_system::Pallet::<Runtime>::initialize(1, H256([0; 32]), Digest::default());
//!     let remark = |r: &[u8]| pallet_system::Call::remark_with_event { remark: r.to_vec() };
//!     let calls = vec![RuntimeCall::System(remark(b"one")), RuntimeCall::System(remark(b"two"))];
//!     pallet_utility::Call::<Runtime>::batch_all { calls }
//!         .dispatch(Origin::Signed(alice))
//!         .expect("every item succeeds");
//!     let last = pallet_system::Pallet::<Runtime>::events().pop().expect("an event").event;
//!     assert_eq!(last, RuntimeEvent::Utility(pallet_utility::Event::BatchCompleted));
//! });
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    module_error, DispatchClass, DispatchInfo, Dispatchable, GetDispatchInfo, Origin, Pays,
};
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::with_transaction;
use lattice_support::{ensure, DispatchError, DispatchResult, Weight};
use scale_info::TypeInfo;

/// The pallet's name in metadata (it has no storage).
pub const PALLET: &str = "Utility";

/// `ref_time` of a batch besides its items. Provisional, not from a benchmark.
pub const BATCH_BASE_WEIGHT: u64 = 5_000_000;
/// `ref_time` per item of a batch besides the item's own weight (its transaction and
/// event). Provisional, not from a benchmark.
pub const BATCH_ITEM_WEIGHT: u64 = 4_000_000;

/// Parameters of the utility pallet.
pub trait Config: pallet_system::Config<RuntimeEvent: From<Event>> {
    /// Index of the pallet in the runtime (for module errors).
    const PALLET_INDEX: u8;
    /// The runtime's call type, the items of a batch.
    type RuntimeCall: Dispatchable
        + GetDispatchInfo
        + codec::FullCodec
        + scale_info::StaticTypeInfo
        + Clone;
    /// The most calls a batch may hold. Substrate derives it from the allocator's limit
    /// and the call type's size (10_922 for a typical runtime).
    const BATCHED_CALLS_LIMIT: u32;
}

/// Events of the utility pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// Batch of dispatches did not complete fully. Index of first failing dispatch given,
    /// as well as the error.
    #[codec(index = 0)]
    BatchInterrupted {
        /// Index of the failed item.
        index: u32,
        /// Its error.
        error: DispatchError,
    },
    /// Batch of dispatches completed fully with no error.
    #[codec(index = 1)]
    BatchCompleted,
    /// Batch of dispatches completed but has errors.
    #[codec(index = 2)]
    BatchCompletedWithErrors,
    /// A single item within a Batch of dispatches has completed with no error.
    #[codec(index = 3)]
    ItemCompleted,
    /// A single item within a Batch of dispatches has completed with error.
    #[codec(index = 4)]
    ItemFailed {
        /// Its error.
        error: DispatchError,
    },
}

/// Errors of the utility pallet.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// The batch holds more calls than the `batched_calls_limit` constant allows. Split
    /// it into several batches.
    #[codec(index = 0)]
    TooManyCalls,
}

/// Calls of the utility pallet. Variant indices are Substrate's.
///
/// `Clone`, `PartialEq`, `Eq` and `Debug` are implemented by hand, bounded on
/// `T::RuntimeCall` rather than on `T` as derives would be.
#[derive(Encode, Decode, TypeInfo)]
#[codec(encode_bound())]
#[codec(decode_bound())]
#[scale_info(skip_type_params(T))]
#[allow(non_camel_case_types)]
pub enum Call<T: Config> {
    /// Dispatches the calls in order from this call's origin, stopping at the first
    /// failure (`BatchInterrupted`); the batch itself succeeds.
    #[codec(index = 0)]
    batch {
        /// The calls, at most `batched_calls_limit`.
        calls: Vec<<T as Config>::RuntimeCall>,
    },
    /// Dispatches the calls in order from this call's origin, atomically: if one fails,
    /// every effect is reverted and the batch fails with its error.
    #[codec(index = 2)]
    batch_all {
        /// The calls, at most `batched_calls_limit`.
        calls: Vec<<T as Config>::RuntimeCall>,
    },
    /// Dispatches every call in order from this call's origin, whatever fails
    /// (`ItemFailed`); the batch itself succeeds.
    #[codec(index = 4)]
    force_batch {
        /// The calls, at most `batched_calls_limit`.
        calls: Vec<<T as Config>::RuntimeCall>,
    },
}

impl<T: Config> Call<T> {
    /// The batch's calls.
    pub fn calls(&self) -> &[<T as Config>::RuntimeCall] {
        match self {
            Self::batch { calls } | Self::batch_all { calls } | Self::force_batch { calls } => {
                calls
            }
        }
    }
}

impl<T: Config> Clone for Call<T> {
    fn clone(&self) -> Self {
        match self {
            Self::batch { calls } => Self::batch { calls: calls.clone() },
            Self::batch_all { calls } => Self::batch_all { calls: calls.clone() },
            Self::force_batch { calls } => Self::force_batch { calls: calls.clone() },
        }
    }
}

impl<T: Config> PartialEq for Call<T>
where
    <T as Config>::RuntimeCall: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::batch { calls: a }, Self::batch { calls: b })
            | (Self::batch_all { calls: a }, Self::batch_all { calls: b })
            | (Self::force_batch { calls: a }, Self::force_batch { calls: b }) => a == b,
            _ => false,
        }
    }
}

impl<T: Config> Eq for Call<T> where <T as Config>::RuntimeCall: Eq {}

impl<T: Config> core::fmt::Debug for Call<T>
where
    <T as Config>::RuntimeCall: core::fmt::Debug,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = match self {
            Self::batch { .. } => "batch",
            Self::batch_all { .. } => "batch_all",
            Self::force_batch { .. } => "force_batch",
        };
        f.debug_struct(name).field("calls", &self.calls()).finish()
    }
}

/// The utility pallet.
pub struct Pallet<T>(PhantomData<T>);

/// Utility has no storage, so no per-block work and no invariant.
impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {}

impl<T: Config> Dispatchable for Call<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self {
            Call::batch { calls } => Pallet::<T>::batch(origin, calls),
            Call::batch_all { calls } => Pallet::<T>::batch_all(origin, calls),
            Call::force_batch { calls } => Pallet::<T>::force_batch(origin, calls),
        }
    }
}

impl<T: Config> GetDispatchInfo for Call<T> {
    /// The sum of the items' weights plus the batch's own, and the `Normal` class if any
    /// item is normal (`Operational` otherwise), as Substrate computes it.
    fn get_dispatch_info(&self) -> DispatchInfo {
        let calls = self.calls();
        let items = u64::try_from(calls.len()).unwrap_or(u64::MAX);
        let own = BATCH_BASE_WEIGHT.saturating_add(BATCH_ITEM_WEIGHT.saturating_mul(items));
        let mut weight = Weight::from_parts(own, 0);
        let mut class = DispatchClass::Operational;
        for call in calls {
            let info = call.get_dispatch_info();
            weight = weight.saturating_add(info.weight);
            if info.class == DispatchClass::Normal {
                class = DispatchClass::Normal;
            }
        }
        DispatchInfo { weight, class, pays_fee: Pays::Yes }
    }
}

impl<T: Config> Pallet<T> {
    /// The index of this pallet's errors.
    fn error(e: Error) -> DispatchError {
        module_error(<T as Config>::PALLET_INDEX, e)
    }

    fn deposit_event(event: Event) {
        pallet_system::Pallet::<T>::deposit_event(event);
    }

    /// The checks every batch starts with: not the none origin, not too many calls.
    fn ensure_batch(origin: &Origin, calls: &[<T as Config>::RuntimeCall]) -> DispatchResult {
        ensure!(*origin != Origin::None, DispatchError::BadOrigin);
        ensure!(calls.len() <= T::BATCHED_CALLS_LIMIT as usize, Self::error(Error::TooManyCalls));
        Ok(())
    }

    /// `batch`: stops at the first failure.
    fn batch(origin: Origin, calls: Vec<<T as Config>::RuntimeCall>) -> DispatchResult {
        Self::ensure_batch(&origin, &calls)?;
        for (index, call) in calls.into_iter().enumerate() {
            if let Err(error) = with_transaction(|| call.dispatch(origin.clone())) {
                // `index` is below `BATCHED_CALLS_LIMIT`, a `u32`.
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                Self::deposit_event(Event::BatchInterrupted { index, error });
                return Ok(());
            }
            Self::deposit_event(Event::ItemCompleted);
        }
        Self::deposit_event(Event::BatchCompleted);
        Ok(())
    }

    /// `batch_all`: all or nothing.
    fn batch_all(origin: Origin, calls: Vec<<T as Config>::RuntimeCall>) -> DispatchResult {
        Self::ensure_batch(&origin, &calls)?;
        with_transaction(|| {
            for call in calls {
                call.dispatch(origin.clone())?;
                Self::deposit_event(Event::ItemCompleted);
            }
            Self::deposit_event(Event::BatchCompleted);
            Ok(())
        })
    }

    /// `force_batch`: every item, whatever fails.
    fn force_batch(origin: Origin, calls: Vec<<T as Config>::RuntimeCall>) -> DispatchResult {
        Self::ensure_batch(&origin, &calls)?;
        let mut failed = false;
        for call in calls {
            match with_transaction(|| call.dispatch(origin.clone())) {
                Ok(()) => Self::deposit_event(Event::ItemCompleted),
                Err(error) => {
                    failed = true;
                    Self::deposit_event(Event::ItemFailed { error });
                }
            }
        }
        Self::deposit_event(if failed {
            Event::BatchCompletedWithErrors
        } else {
            Event::BatchCompleted
        });
        Ok(())
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call<T>>()
            .event::<Event>()
            .error::<Error>()
            .constants([constant(
                "batched_calls_limit",
                &T::BATCHED_CALLS_LIMIT,
                &["The limit on the number of batched calls."],
            )])
            .docs(&["The utility pallet: batches of calls dispatched from one origin."])
    }
}
