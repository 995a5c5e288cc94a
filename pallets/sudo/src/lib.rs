//! # Sudo pallet
//!
//! One account, the *sudo key*, may dispatch any call with the root origin: the way to
//! govern a young chain (runtime upgrades, parameter changes) before real governance
//! exists, and to retire once it does ([`Call::remove_key`]).
//!
//! ## Calls (indices as Substrate's)
//!
//! | call | what it does |
//! |---|---|
//! | `sudo { call }` (0) | dispatches `call` as root; emits `Sudid` with its result |
//! | `sudo_unchecked_weight { call, weight }` (1) | the same, declaring `weight` instead of the call's |
//! | `set_key { new }` (2) | hands the key to `new`; emits `KeyChanged` |
//! | `sudo_as { who, call }` (3) | dispatches `call` as if `who` signed it; emits `SudoAsDone` |
//! | `remove_key` (4) | removes the key for good; emits `KeyRemoved` |
//!
//! Each must come from the key's account (or from root itself, as in Substrate), else
//! [`Error::RequireSudo`]. The inner call runs in its own storage transaction: when it
//! fails, its writes are rolled back and its error is reported in the event, while the
//! sudo call itself succeeds, as in Substrate.
//!
//! ## Fees and weight
//!
//! A sudo call declares its inner call's weight plus [`SUDO_OVERHEAD`] and its class,
//! except that a mandatory inner call makes an operational sudo call (a signed extrinsic
//! is never mandatory).
//!
//! Substrate refunds the key holder's fee after a successful sudo call (post-dispatch
//! `Pays::No`). Lattice's dispatch has no post-dispatch information, so the key holder
//! pays the declared fee; declaring `Pays::No` up front would let anyone submit failing
//! sudo calls for free.
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
//! # enum RuntimeEvent { System(pallet_system::Event), Sudo(pallet_sudo::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Sudo(pallet_sudo::Event)
//! # });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! impl pallet_sudo::Config for Runtime {
//!     const PALLET_INDEX: u8 = 6;
//!     type RuntimeCall = RuntimeCall;
//! }
//! let alice = AccountId32([1; 32]);
//! TestExternalities::default().execute_with(|| {
//!     pallet_sudo::GenesisConfig { key: Some(alice) }.build::<Runtime>().expect("valid");
//! #   pallet_system::Pallet::<Runtime>::initialize(1, H256([0; 32]), Digest::default());
//!     // A root-only call (a runtime upgrade, `set_code`, goes the same way).
//!     let call = RuntimeCall::System(pallet_system::Call::set_heap_pages { pages: 64 });
//!     pallet_sudo::Call::<Runtime>::sudo { call: Box::new(call) }
//!         .dispatch(Origin::Signed(alice))
//!         .expect("alice holds the key");
//!     let last = pallet_system::Pallet::<Runtime>::events().pop().expect("an event").event;
//!     assert_eq!(last, RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) }));
//! });
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::boxed::Box;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    module_error, normal, DispatchClass, DispatchInfo, Dispatchable, GetDispatchInfo, Origin, Pays,
};
use lattice_support::lattice_primitives::Address;
use lattice_support::metadata::PalletMeta;
use lattice_support::storage::{with_transaction, OptionQuery, StorageValue};
use lattice_support::{storage_prefix, AccountId32, DispatchError, DispatchResult, Weight};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Sudo";

/// `ref_time` added to the inner call's weight by `sudo` and `sudo_as`: the key check,
/// the event and the storage transaction. Provisional, not from a benchmark.
pub const SUDO_OVERHEAD: u64 = 10_000_000;
/// `ref_time` of `set_key` and `remove_key`. Provisional, not from a benchmark.
const KEY_CHANGE_WEIGHT: u64 = 10_000_000;

/// Parameters of the sudo pallet.
pub trait Config: pallet_system::Config<RuntimeEvent: From<Event>> {
    /// Index of the pallet in the runtime (for module errors).
    const PALLET_INDEX: u8;
    /// The runtime's call type, dispatched by `sudo` and `sudo_as`.
    type RuntimeCall: Dispatchable
        + GetDispatchInfo
        + codec::FullCodec
        + scale_info::StaticTypeInfo
        + Clone;
}

storage_prefix!(pub struct KeyPrefix = PALLET, "Key";);

/// The account of the sudo key; `None` once removed.
pub type Key = StorageValue<KeyPrefix, AccountId32, OptionQuery>;

/// Events of the sudo pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A sudo call just took place.
    #[codec(index = 0)]
    Sudid {
        /// The result of the call made by the sudo user.
        sudo_result: DispatchResult,
    },
    /// The sudo key has been updated.
    #[codec(index = 1)]
    KeyChanged {
        /// The old sudo key (if one was previously set).
        old: Option<AccountId32>,
        /// The new sudo key.
        new: AccountId32,
    },
    /// The key was permanently removed.
    #[codec(index = 2)]
    KeyRemoved,
    /// A `sudo_as` call just took place.
    #[codec(index = 3)]
    SudoAsDone {
        /// The result of the call made by the sudo user.
        sudo_result: DispatchResult,
    },
}

/// Errors of the sudo pallet.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// The sender is not the sudo key (or the key was removed). Only the account in
    /// `Sudo.Key` may make sudo calls.
    #[codec(index = 0)]
    RequireSudo,
}

/// Calls of the sudo pallet. Variant indices are Substrate's.
///
/// `Clone`, `PartialEq`, `Eq` and `Debug` are implemented by hand, bounded on
/// `T::RuntimeCall` rather than on `T` as derives would be.
#[derive(Encode, Decode, TypeInfo)]
#[codec(encode_bound())]
#[codec(decode_bound())]
#[scale_info(skip_type_params(T))]
#[allow(non_camel_case_types)]
pub enum Call<T: Config> {
    /// Authenticates the sudo key and dispatches a function call with `Root` origin.
    #[codec(index = 0)]
    sudo {
        /// The call to dispatch.
        call: Box<<T as Config>::RuntimeCall>,
    },
    /// Authenticates the sudo key and dispatches a function call with `Root` origin,
    /// declaring `weight` instead of the call's own weight.
    #[codec(index = 1)]
    sudo_unchecked_weight {
        /// The call to dispatch.
        call: Box<<T as Config>::RuntimeCall>,
        /// The weight to declare.
        weight: Weight,
    },
    /// Authenticates the current sudo key and sets the given account as the new key.
    #[codec(index = 2)]
    set_key {
        /// The new key's account.
        new: Address,
    },
    /// Authenticates the sudo key and dispatches a function call with `Signed` origin
    /// from a given account.
    #[codec(index = 3)]
    sudo_as {
        /// The account to act as.
        who: Address,
        /// The call to dispatch.
        call: Box<<T as Config>::RuntimeCall>,
    },
    /// Permanently removes the sudo key. **This cannot be undone.**
    #[codec(index = 4)]
    remove_key,
}

impl<T: Config> Clone for Call<T> {
    fn clone(&self) -> Self {
        match self {
            Self::sudo { call } => Self::sudo { call: call.clone() },
            Self::sudo_unchecked_weight { call, weight } => {
                Self::sudo_unchecked_weight { call: call.clone(), weight: *weight }
            }
            Self::set_key { new } => Self::set_key { new: new.clone() },
            Self::sudo_as { who, call } => Self::sudo_as { who: who.clone(), call: call.clone() },
            Self::remove_key => Self::remove_key,
        }
    }
}

impl<T: Config> PartialEq for Call<T>
where
    <T as Config>::RuntimeCall: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::sudo { call: a }, Self::sudo { call: b }) => a == b,
            (
                Self::sudo_unchecked_weight { call: a, weight: wa },
                Self::sudo_unchecked_weight { call: b, weight: wb },
            ) => a == b && wa == wb,
            (Self::set_key { new: a }, Self::set_key { new: b }) => a == b,
            (Self::sudo_as { who: wa, call: a }, Self::sudo_as { who: wb, call: b }) => {
                wa == wb && a == b
            }
            (Self::remove_key, Self::remove_key) => true,
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
        match self {
            Self::sudo { call } => f.debug_struct("sudo").field("call", call).finish(),
            Self::sudo_unchecked_weight { call, weight } => f
                .debug_struct("sudo_unchecked_weight")
                .field("call", call)
                .field("weight", weight)
                .finish(),
            Self::set_key { new } => f.debug_struct("set_key").field("new", new).finish(),
            Self::sudo_as { who, call } => {
                f.debug_struct("sudo_as").field("who", who).field("call", call).finish()
            }
            Self::remove_key => f.write_str("remove_key"),
        }
    }
}

/// The sudo pallet.
pub struct Pallet<T>(PhantomData<T>);

/// The genesis state of the sudo pallet.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct GenesisConfig {
    /// The sudo key's account; `None` for a chain without sudo.
    pub key: Option<AccountId32>,
}

impl GenesisConfig {
    /// Writes the genesis state. Never fails; returns a `Result` like every pallet's
    /// genesis so the runtime builds them all alike.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        Key::set(self.key);
        Ok(())
    }
}

/// Sudo has no per-block work and no invariant beyond what its storage type enforces.
impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {}

impl<T: Config> Dispatchable for Call<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self {
            Call::sudo { call } | Call::sudo_unchecked_weight { call, .. } => {
                Pallet::<T>::sudo(origin, *call)
            }
            Call::set_key { new } => Pallet::<T>::set_key(origin, new),
            Call::sudo_as { who, call } => Pallet::<T>::sudo_as(origin, who, *call),
            Call::remove_key => Pallet::<T>::remove_key(origin),
        }
    }
}

/// The class of a sudo call wrapping a call of class `inner`: the same, except that a
/// mandatory inner call gives an operational sudo call. Substrate keeps `Mandatory`; but a
/// signed extrinsic must never be mandatory (mandatory dispatches bypass the block's
/// weight limits).
fn wrapper_class(inner: DispatchClass) -> DispatchClass {
    match inner {
        DispatchClass::Mandatory => DispatchClass::Operational,
        other => other,
    }
}

impl<T: Config> GetDispatchInfo for Call<T> {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Call::sudo { call } | Call::sudo_as { call, .. } => {
                let inner = call.get_dispatch_info();
                DispatchInfo {
                    weight: inner.weight.saturating_add(Weight::from_parts(SUDO_OVERHEAD, 0)),
                    class: wrapper_class(inner.class),
                    pays_fee: Pays::Yes,
                }
            }
            Call::sudo_unchecked_weight { call, weight } => DispatchInfo {
                weight: *weight,
                class: wrapper_class(call.get_dispatch_info().class),
                pays_fee: Pays::Yes,
            },
            Call::set_key { .. } | Call::remove_key => normal(KEY_CHANGE_WEIGHT, 0),
        }
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

    /// `Ok` for the root origin and for the sudo key's signature; `RequireSudo` for
    /// another signer, `BadOrigin` for the none origin.
    fn ensure_sudo(origin: Origin) -> DispatchResult {
        match origin {
            Origin::Root => Ok(()),
            Origin::Signed(who) if Key::get() == Some(who) => Ok(()),
            Origin::Signed(_) => Err(Self::error(Error::RequireSudo)),
            Origin::None => Err(DispatchError::BadOrigin),
        }
    }

    /// `sudo` and `sudo_unchecked_weight`: dispatches `call` as root.
    fn sudo(origin: Origin, call: <T as Config>::RuntimeCall) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let sudo_result = with_transaction(|| call.dispatch(Origin::Root));
        Self::deposit_event(Event::Sudid { sudo_result });
        Ok(())
    }

    /// `set_key`: hands the key to `new`.
    fn set_key(origin: Origin, new: Address) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let new = new.account().ok_or(DispatchError::CannotLookup)?;
        Self::deposit_event(Event::KeyChanged { old: Key::get(), new });
        Key::put(&new);
        Ok(())
    }

    /// `sudo_as`: dispatches `call` as signed by `who`.
    fn sudo_as(origin: Origin, who: Address, call: <T as Config>::RuntimeCall) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let who = who.account().ok_or(DispatchError::CannotLookup)?;
        let sudo_result = with_transaction(|| call.dispatch(Origin::Signed(who)));
        Self::deposit_event(Event::SudoAsDone { sudo_result });
        Ok(())
    }

    /// `remove_key`: removes the key for good.
    fn remove_key(origin: Origin) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        Self::deposit_event(Event::KeyRemoved);
        Key::kill();
        Ok(())
    }

    /// The sudo key's account, if any.
    pub fn key() -> Option<AccountId32> {
        Key::get()
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call<T>>()
            .event::<Event>()
            .error::<Error>()
            .storage([Key::metadata(&["The `AccountId` of the sudo key."])])
            .docs(&["The sudo pallet: one key that may dispatch any call as root."])
    }
}
