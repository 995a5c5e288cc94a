//! The Lattice runtime: the chain's logic, composed from pallets with fixed indices.
//!
//! ## Bird's-eye view
//!
//! - [`configs`]: the parameters of every pallet (`impl pallet_x::Config for Runtime`).
//! - This file: the composition — [`RuntimeCall`], [`RuntimeEvent`], [`RuntimeError`]
//!   with the pallets' indices, the [`VERSION`], and the extrinsic type.
//! - [`extensions`]: the signed extensions (nonce, mortality, weight, fee payment...).
//! - [`executive`]: block execution — initialize, apply extrinsics, finalize, validate
//!   transactions.
//! - [`apis`]: the runtime-API entry points (`Core_version`, ...), callable natively by
//!   name and exported from the Wasm build.
//! - [`metadata`]: metadata V14 and V15; [`genesis`]: the genesis config and presets.
//!
//! The crate builds natively (`std`, for tests and benchmarks) and to Wasm (crate
//! `lattice-runtime-wasm` builds and embeds the blob). The node executes only the Wasm.
//!
//! ## Example
//!
//! ```
//! let version = lattice_runtime::VERSION;
//! assert_eq!(version.spec_name, "lattice");
//! let encoded = lattice_runtime::apis::dispatch("Core_version", &[]).expect("known entry point");
//! assert!(!encoded.is_empty());
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off for the Wasm build.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod apis;
pub mod configs;
pub mod executive;
pub mod extensions;
pub mod genesis;
pub mod metadata;
pub mod session_keys;
#[cfg(all(not(feature = "std"), target_arch = "wasm32"))]
mod wasm;

use alloc::borrow::Cow;
use codec::{Decode, Encode};
use lattice_primitives::version::RuntimeVersion;
use lattice_primitives::{api::RUNTIME_APIS, DispatchInfo, UncheckedExtrinsic};
use lattice_support::dispatch::{Dispatchable, GetDispatchInfo, Origin};
use lattice_support::DispatchResult;
use scale_info::TypeInfo;

pub use lattice_primitives::{AccountId32 as AccountId, Balance, BlockNumber, Nonce};

/// The runtime: every pallet's `Config` is implemented for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, TypeInfo)]
pub struct Runtime;

/// The version of this runtime. Raise `spec_version` for every change of logic, and
/// `transaction_version` when call indices or the extrinsic format change.
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed("lattice"),
    impl_name: Cow::Borrowed("lattice-node"),
    authoring_version: 1,
    // The `upgrade-test` build is the same runtime one version later, for upgrade tests.
    spec_version: if cfg!(feature = "upgrade-test") { 101 } else { 100 },
    impl_version: 1,
    apis: Cow::Borrowed(&[]),
    transaction_version: 1,
    system_version: 1,
};

/// [`VERSION`] with its list of runtime APIs filled in.
pub fn version() -> RuntimeVersion {
    RuntimeVersion {
        apis: Cow::Owned(lattice_primitives::version::apis_from_names(RUNTIME_APIS)),
        ..VERSION
    }
}

/// One LAT, the chain's token, in its smallest units (12 decimals).
pub const LAT: Balance = 1_000_000_000_000;
/// A thousandth of a LAT.
pub const MILLI_LAT: Balance = LAT / 1_000;

/// Pallet indices: part of every call, event and error encoding. Never reuse one.
pub mod index {
    /// System.
    pub const SYSTEM: u8 = 0;
    /// Timestamp.
    pub const TIMESTAMP: u8 = 1;
    /// Aura.
    pub const AURA: u8 = 2;
    /// Grandpa.
    pub const GRANDPA: u8 = 3;
    /// Balances.
    pub const BALANCES: u8 = 4;
    /// TransactionPayment.
    pub const TRANSACTION_PAYMENT: u8 = 5;
    /// Sudo.
    pub const SUDO: u8 = 6;
    /// Utility.
    pub const UTILITY: u8 = 7;
    /// Session.
    pub const SESSION: u8 = 8;
    /// Staking.
    pub const STAKING: u8 = 9;
}

/// Every call of the runtime, tagged with its pallet's index.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeCall {
    /// System.
    #[codec(index = 0)]
    System(pallet_system::Call),
    /// Timestamp.
    #[codec(index = 1)]
    Timestamp(pallet_timestamp::Call),
    /// Grandpa.
    #[codec(index = 3)]
    Grandpa(pallet_grandpa::Call),
    /// Balances.
    #[codec(index = 4)]
    Balances(pallet_balances::Call),
    /// Sudo.
    #[codec(index = 6)]
    Sudo(pallet_sudo::Call<Runtime>),
    /// Utility.
    #[codec(index = 7)]
    Utility(pallet_utility::Call<Runtime>),
    /// Session.
    #[codec(index = 8)]
    Session(pallet_session::Call),
    /// Staking.
    #[codec(index = 9)]
    Staking(pallet_staking::Call),
}

impl Dispatchable for RuntimeCall {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self {
            Self::System(c) => pallet_system::Dispatch::<Runtime>::new(c).dispatch(origin),
            Self::Timestamp(c) => pallet_timestamp::Dispatch::<Runtime>::new(c).dispatch(origin),
            Self::Grandpa(c) => pallet_grandpa::Dispatch::<Runtime>::new(c).dispatch(origin),
            Self::Balances(c) => pallet_balances::Dispatch::<Runtime>::new(c).dispatch(origin),
            Self::Sudo(c) => c.dispatch(origin),
            Self::Utility(c) => c.dispatch(origin),
            Self::Session(c) => pallet_session::Dispatch::<Runtime>::new(c).dispatch(origin),
            Self::Staking(c) => pallet_staking::Dispatch::<Runtime>::new(c).dispatch(origin),
        }
    }
}

impl GetDispatchInfo for RuntimeCall {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Self::System(c) => c.get_dispatch_info(),
            Self::Timestamp(c) => c.get_dispatch_info(),
            Self::Grandpa(c) => c.get_dispatch_info(),
            Self::Balances(c) => c.get_dispatch_info(),
            Self::Sudo(c) => c.get_dispatch_info(),
            Self::Utility(c) => c.get_dispatch_info(),
            Self::Session(c) => c.get_dispatch_info(),
            Self::Staking(c) => c.get_dispatch_info(),
        }
    }
}

impl RuntimeCall {
    /// Whether this call is an inherent (only valid unsigned, put in by the author).
    pub fn is_inherent(&self) -> bool {
        matches!(self, Self::Timestamp(pallet_timestamp::Call::set { .. }))
    }

    /// Whether this call may be submitted unsigned, outside inherents: only an
    /// equivocation report whose proof holds (`NoUnsignedValidator` for every other call).
    pub fn validate_unsigned(&self) -> lattice_primitives::TransactionValidity {
        match self {
            Self::Staking(call) => pallet_staking::Pallet::<Runtime>::validate_unsigned(call),
            _ => Err(lattice_primitives::UnknownTransaction::NoUnsignedValidator.into()),
        }
    }
}

/// Every event of the runtime, tagged with its pallet's index.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    /// System.
    #[codec(index = 0)]
    System(pallet_system::Event),
    /// Grandpa.
    #[codec(index = 3)]
    Grandpa(pallet_grandpa::Event),
    /// Balances.
    #[codec(index = 4)]
    Balances(pallet_balances::Event),
    /// TransactionPayment.
    #[codec(index = 5)]
    TransactionPayment(pallet_transaction_payment::Event),
    /// Sudo.
    #[codec(index = 6)]
    Sudo(pallet_sudo::Event),
    /// Utility.
    #[codec(index = 7)]
    Utility(pallet_utility::Event),
    /// Session.
    #[codec(index = 8)]
    Session(pallet_session::Event),
    /// Staking.
    #[codec(index = 9)]
    Staking(pallet_staking::Event),
}

lattice_support::impl_event_from!(RuntimeEvent {
    System(pallet_system::Event),
    Grandpa(pallet_grandpa::Event),
    Balances(pallet_balances::Event),
    TransactionPayment(pallet_transaction_payment::Event),
    Sudo(pallet_sudo::Event),
    Utility(pallet_utility::Event),
    Session(pallet_session::Event),
    Staking(pallet_staking::Event),
});

/// Every pallet error of the runtime, tagged with its pallet's index. Used only in
/// metadata V15 (`outer_enums`), so clients can decode `DispatchError::Module`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RuntimeError {
    /// System.
    #[codec(index = 0)]
    System(pallet_system::Error),
    /// Timestamp.
    #[codec(index = 1)]
    Timestamp(pallet_timestamp::Error),
    /// Grandpa.
    #[codec(index = 3)]
    Grandpa(pallet_grandpa::Error),
    /// Balances.
    #[codec(index = 4)]
    Balances(pallet_balances::Error),
    /// Sudo.
    #[codec(index = 6)]
    Sudo(pallet_sudo::Error),
    /// Utility.
    #[codec(index = 7)]
    Utility(pallet_utility::Error),
    /// Session.
    #[codec(index = 8)]
    Session(pallet_session::Error),
    /// Staking.
    #[codec(index = 9)]
    Staking(pallet_staking::Error),
}

/// An event with its phase and topics, as `System.Events` stores it.
pub type RuntimeEventRecord = pallet_system::EventRecord<RuntimeEvent>;

/// The signed extensions, in the order they are encoded and signed.
pub type SignedExtra = extensions::SignedExtra;

/// An extrinsic of this runtime.
pub type Extrinsic = UncheckedExtrinsic<RuntimeCall, SignedExtra>;

/// System pallet of this runtime.
pub type System = pallet_system::Pallet<Runtime>;
/// Balances pallet of this runtime.
pub type Balances = pallet_balances::Pallet<Runtime>;
/// Timestamp pallet of this runtime.
pub type Timestamp = pallet_timestamp::Pallet<Runtime>;
/// Aura pallet of this runtime.
pub type Aura = pallet_aura::Pallet<Runtime>;
/// Grandpa pallet of this runtime.
pub type Grandpa = pallet_grandpa::Pallet<Runtime>;
/// TransactionPayment pallet of this runtime.
pub type TransactionPayment = pallet_transaction_payment::Pallet<Runtime>;
/// Sudo pallet of this runtime.
pub type Sudo = pallet_sudo::Pallet<Runtime>;
/// Utility pallet of this runtime.
pub type Utility = pallet_utility::Pallet<Runtime>;
/// Session pallet of this runtime.
pub type Session = pallet_session::Pallet<Runtime>;
/// Staking pallet of this runtime.
pub type Staking = pallet_staking::Pallet<Runtime>;
