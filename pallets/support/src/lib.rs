//! The Lattice pallet framework: typed storage, origins and dispatch, hooks, and the
//! metadata a pallet declares about itself.
//!
//! ## Bird's-eye view
//!
//! A pallet is a crate with, in this order (see `docs/ARCHITECTURE.md`):
//!
//! 1. a `Config` trait: parameters (associated consts) and the capabilities of other
//!    pallets it uses (associated types implementing [`traits`]);
//! 2. storage items: type aliases of [`storage::StorageValue`], [`storage::StorageMap`],
//!    [`storage::StorageDoubleMap`] or [`storage::CountedStorageMap`], each with a prefix
//!    declared by [`storage_prefix!`];
//! 3. an `Event` enum and an `Error` enum (SCALE + `TypeInfo` derives; variant order is
//!    the on-chain index);
//! 4. hooks ([`traits::Hooks`]);
//! 5. a `Call` enum whose variants are the calls, with [`dispatch::Dispatchable`] and
//!    [`dispatch::GetDispatchInfo`] implemented by one `match` each;
//! 6. a `metadata()` function returning [`metadata::PalletMeta`].
//!
//! The runtime composes pallets with fixed indices, wraps every extrinsic's dispatch in a
//! storage transaction (a failed call's writes are rolled back, its fee is still paid)
//! and builds metadata V14/V15 from the pallets' declarations.
//!
//! Everything is plain Rust: the only macros are [`storage_prefix!`] (compile-time key
//! prefixes), [`ensure!`], [`log!`] and [`impl_event_from!`] (a runtime's event `From`
//! impls).
//!
//! ## Example: a complete pallet
//!
//! ```
//! use codec::{Decode, Encode};
//! use lattice_support::{
//!     dispatch::{ensure_signed, module_error, normal, DispatchInfo, DispatchResult,
//!                Dispatchable, GetDispatchInfo, Origin},
//!     ensure, metadata::PalletMeta, storage::{Blake2_128Concat, StorageMap, ValueQuery},
//!     storage_prefix, AccountId32,
//! };
//! use scale_info::TypeInfo;
//!
//! /// The pallet's parameters.
//! pub trait Config {
//!     /// Index of the pallet in the runtime (for module errors).
//!     const PALLET_INDEX: u8;
//!     /// The largest counter value.
//!     const MAX: u32;
//! }
//!
//! storage_prefix!(pub struct CountersPrefix = "Counter", "Counters";);
//! /// One counter per account.
//! pub type Counters = StorageMap<CountersPrefix, Blake2_128Concat, AccountId32, u32, ValueQuery>;
//!
//! /// Errors of the pallet.
//! #[derive(Encode, Decode, TypeInfo, Debug, PartialEq)]
//! pub enum Error {
//!     /// The counter is at `MAX`; it cannot be incremented.
//!     AtMaximum,
//! }
//!
//! /// Calls of the pallet.
//! #[derive(Encode, Decode, TypeInfo, Clone, Debug, PartialEq)]
//! #[allow(non_camel_case_types)]
//! pub enum Call {
//!     /// Adds one to the caller's counter.
//!     #[codec(index = 0)]
//!     increment {},
//! }
//!
//! pub struct Pallet<T>(core::marker::PhantomData<T>);
//!
//! impl<T: Config> Pallet<T> {
//!     fn increment(origin: Origin) -> DispatchResult {
//!         let who = ensure_signed(origin)?;
//!         let n = Counters::get(&who);
//!         ensure!(n < T::MAX, module_error(T::PALLET_INDEX, Error::AtMaximum));
//!         Counters::insert(&who, &(n + 1));
//!         Ok(())
//!     }
//!
//!     /// The pallet's metadata.
//!     pub fn metadata() -> PalletMeta {
//!         PalletMeta::new("Counter")
//!             .calls::<Call>()
//!             .error::<Error>()
//!             .storage([Counters::metadata(&["One counter per account."])])
//!     }
//! }
//!
//! pub struct Dispatch<T>(pub Call, core::marker::PhantomData<T>);
//! impl<T: Config> Dispatchable for Dispatch<T> {
//!     fn dispatch(self, origin: Origin) -> DispatchResult {
//!         match self.0 {
//!             Call::increment {} => Pallet::<T>::increment(origin),
//!         }
//!     }
//! }
//! impl GetDispatchInfo for Call {
//!     fn get_dispatch_info(&self) -> DispatchInfo {
//!         match self {
//!             Call::increment {} => normal(10_000_000, 100),
//!         }
//!     }
//! }
//!
//! struct Runtime;
//! impl Config for Runtime {
//!     const PALLET_INDEX: u8 = 9;
//!     const MAX: u32 = 1;
//! }
//!
//! let alice = AccountId32([1; 32]);
//! lattice_io::TestExternalities::default().execute_with(|| {
//!     let call = || Dispatch::<Runtime>(Call::increment {}, core::marker::PhantomData);
//!     assert_eq!(call().dispatch(Origin::Signed(alice)), Ok(()));
//!     assert_eq!(
//!         call().dispatch(Origin::Signed(alice)),
//!         Err(module_error(9, Error::AtMaximum))
//!     );
//!     assert_eq!(Counters::get(&alice), 1);
//! });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod arithmetic;
pub mod dispatch;
pub mod metadata;
pub mod storage;
pub mod traits;

pub use lattice_primitives::{
    AccountId32, Balance, BlockNumber, DispatchError, DispatchResult, Weight, H256,
};

/// Re-exported so pallets use the same versions.
pub use codec;
pub use frame_metadata;
pub use lattice_io;
pub use lattice_primitives;
pub use scale_info;

/// Returns `Err(error.into())` from the enclosing function unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $error:expr $(,)?) => {
        if !$cond {
            return Err($error.into());
        }
    };
}

/// Logs a line from runtime code: `log!(Info, "balances", "{} reaped", who)`. Formatting
/// happens only when it is logged.
#[macro_export]
macro_rules! log {
    ($level:ident, $target:expr, $($arg:tt)+) => {
        $crate::lattice_io::logging::log(
            $crate::lattice_io::logging::Level::$level,
            $target,
            &$crate::__private::format!($($arg)+),
        )
    };
}

/// Implements `From<PalletEvent> for RuntimeEvent` for each listed variant, so a
/// pallet's `T::RuntimeEvent::from(event)` wraps its event: one line per pallet instead
/// of a five-line impl, in a runtime and in every test mock.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// enum SystemEvent {
///     Remarked,
/// }
/// #[derive(Debug, PartialEq)]
/// enum SudoEvent {
///     KeyChanged,
/// }
///
/// #[derive(Debug, PartialEq)]
/// enum RuntimeEvent {
///     System(SystemEvent),
///     Sudo(SudoEvent),
/// }
///
/// lattice_support::impl_event_from!(RuntimeEvent { System(SystemEvent), Sudo(SudoEvent) });
///
/// assert_eq!(RuntimeEvent::from(SystemEvent::Remarked), RuntimeEvent::System(SystemEvent::Remarked));
/// assert_eq!(RuntimeEvent::from(SudoEvent::KeyChanged), RuntimeEvent::Sudo(SudoEvent::KeyChanged));
/// ```
#[macro_export]
macro_rules! impl_event_from {
    ($runtime_event:ty { $($variant:ident($event:ty)),* $(,)? }) => {
        $(
            impl ::core::convert::From<$event> for $runtime_event {
                fn from(event: $event) -> Self {
                    Self::$variant(event)
                }
            }
        )*
    };
}

#[doc(hidden)]
pub mod __private {
    pub use alloc::format;
}
