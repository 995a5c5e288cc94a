//! # Session pallet
//!
//! Who validates, with which keys, and when that changes. Validators register their
//! session keys (one Aura key, one GRANDPA key) with [`Call::set_keys`]; every
//! [`Period`] blocks a session ends, the [`SessionManager`] (staking) names the
//! validators of the next one, and this pallet hands their keys to Aura (who authors)
//! and GRANDPA (who finalizes), in the same order. It is Substrate's `pallet_session`,
//! simplified: one session is one era, and a new validator set takes effect from the
//! next block rather than one session later.
//!
//! ## Terminology
//!
//! - **Session**: a run of [`Period`] blocks with one validator set. Session `i`
//!   ([`CurrentIndex`]) ends in the `on_finalize` of block `k * Period` (`k >= 1`);
//!   session 0 starts at genesis.
//! - **Session keys** ([`SessionKeys`]): the public keys a validator's node signs with,
//!   created in its keystore by `author_rotateKeys` and registered on chain with
//!   `set_keys`. An account's registered keys are its [`NextKeys`]; [`KeyOwner`] maps each
//!   key back to the account, so no key is registered twice.
//! - **Validators** ([`Validators`]): the accounts that author and finalize now, in turn
//!   order: the Aura author of slot `s` is the owner of `Aura.Authorities[s % n]`, which
//!   is `Validators[s % n]`. Their keys in effect are [`QueuedKeys`]: a validator that
//!   replaces or purges its keys mid-session keeps validating with the old ones until the
//!   next rotation.
//! - **Rotation**: the end of one session and the start of the next.
//!
//! ## Lifecycle of a rotation
//!
//! In `on_finalize(n)` when `n > 0` and `n % Period == 0`:
//!
//! 1. `SessionManager::end_session(i)`; [`CurrentIndex`] becomes `i + 1`.
//! 2. `SessionManager::new_session(i + 1)` names the candidates, in turn order (`None`:
//!    the current validators, with the keys they registered since). Repeated candidates
//!    and those without registered keys are left out (the latter logged), and so are any
//!    beyond the smaller of Aura's and GRANDPA's `MAX_AUTHORITIES` (logged). No candidate
//!    left keeps the current set.
//! 3. If the candidates, their order or their keys differ from [`QueuedKeys`], GRANDPA is
//!    asked first, through [`pallet_grandpa::Pallet::on_new_session`]: a standard change
//!    with delay 0, or a forced one if governance noted a stall (`Grandpa.note_stalled`).
//!    Only if GRANDPA accepts does Aura get the same keys in the same order
//!    ([`pallet_aura::Pallet::change_authorities`]) and this pallet store [`Validators`]
//!    and [`QueuedKeys`]. If GRANDPA refuses (a change is pending, or a forced change
//!    would come too soon), nothing changes (logged) and the current set stays another
//!    session: the two engines never disagree on the validators. Both signal the change
//!    in this block's digest; the new validators author from block `n + 1`.
//! 4. `SessionManager::start_session(i + 1)`, then [`Event::NewSession`] (at every
//!    rotation, whether the set changed or not).
//!
//! ### Hook order
//!
//! The executive calls hooks in pallet-index order. GRANDPA applies a change in its
//! `on_finalize` at or after the block it is due (see its docs), so a change this pallet
//! schedules after GRANDPA's `on_finalize` has run is still applied, one block later (the
//! node applies it when block `n` is finalized either way). Runtimes should call this
//! pallet's `on_finalize` before GRANDPA's: the change then applies in block `n` itself,
//! and the runtime's GRANDPA set id changes in the block that signals it.

//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::lattice_primitives::Digest;
//! # use lattice_support::dispatch::{Dispatchable, Origin};
//! # use lattice_support::traits::{Hooks, SessionManager};
//! # use lattice_support::{AccountId32, H256};
//! # use pallet_session::SessionKeys;
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent {
//! #     System(pallet_system::Event),
//! #     Grandpa(pallet_grandpa::Event),
//! #     Session(pallet_session::Event),
//! # }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Grandpa(pallet_grandpa::Event),
//! #     Session(pallet_session::Event)
//! # });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! # impl pallet_aura::Config for Runtime {
//! #     const PALLET_INDEX: u8 = 2;
//! #     const SLOT_DURATION: u64 = 6_000;
//! #     const MAX_AUTHORITIES: u32 = 32;
//! # }
//! # impl pallet_grandpa::Config for Runtime {
//! #     const PALLET_INDEX: u8 = 3;
//! #     const MAX_AUTHORITIES: u32 = 32;
//! # }
//! # type System = pallet_system::Pallet<Runtime>;
//! # let (alice, bob) = (AccountId32([1; 32]), AccountId32([2; 32]));
//! # let keys = |i: u8| SessionKeys {
//! #     aura: pallet_aura::AuthorityId([i; 32]),
//! #     grandpa: pallet_grandpa::AuthorityId([i + 100; 32]),
//! # };
//! /// Staking's part: from session 1 on, Bob alone validates.
//! pub struct Staking;
//! impl SessionManager for Staking {
//!     fn new_session(_new: u32) -> Option<Vec<AccountId32>> {
//!         Some(vec![AccountId32([2; 32])])
//!     }
//! }
//! impl pallet_session::Config for Runtime {
//!     const PALLET_INDEX: u8 = 7;
//!     type SessionManager = Staking;
//! }
//! type Session = pallet_session::Pallet<Runtime>;
//!
//! TestExternalities::default().execute_with(|| {
//!     // Keys belong to existing accounts (balances' genesis makes them exist).
//!     System::inc_providers(&alice);
//!     System::inc_providers(&bob);
//!     // Genesis: Alice validates; sessions last 2 blocks. Aura and GRANDPA start with
//!     // the same keys.
//!     let session = pallet_session::GenesisConfig { period: 2, keys: vec![(alice, keys(1))] };
//!     session.build::<Runtime>().expect("valid genesis");
//!     pallet_aura::GenesisConfig { authorities: session.aura_authorities() }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     pallet_grandpa::GenesisConfig { authorities: session.grandpa_authorities() }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     // Bob registers his keys (`Session.set_keys`, signed by Bob).
//!     let set_keys = pallet_session::Call::set_keys { keys: keys(2), proof: vec![] };
//!     pallet_session::Dispatch::<Runtime>::new(set_keys)
//!         .dispatch(Origin::Signed(bob))
//!         .expect("Bob exists and his keys are new");
//!     for n in 1..=2 {
//!         System::initialize(n, H256([0; 32]), Digest::default());
//!         Session::on_finalize(n);
//!         pallet_grandpa::Pallet::<Runtime>::on_finalize(n);
//!         System::finalize();
//!     }
//!     // Block 2 ended session 0: Bob's keys author and finalize from block 3 on.
//!     assert_eq!(Session::current_index(), 1);
//!     assert_eq!(Session::validators(), vec![bob]);
//!     assert_eq!(pallet_aura::Pallet::<Runtime>::authorities(), vec![keys(2).aura]);
//!     assert_eq!(
//!         pallet_grandpa::Pallet::<Runtime>::grandpa_authorities(),
//!         vec![(keys(2).grandpa, 1)]
//!     );
//! });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod genesis;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use genesis::GenesisConfig;
pub use impls::FindSessionAuthor;
pub use types::{KeyTypeId, SessionKeys};

use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    ensure_signed, module_error, normal, DispatchInfo, Dispatchable, GetDispatchInfo, Origin,
};
use lattice_support::metadata::PalletMeta;
use lattice_support::storage::{
    Blake2_128Concat, OptionQuery, StorageMap, StorageValue, ValueQuery,
};
use lattice_support::traits::{Hooks, SessionIndex, SessionManager};
use lattice_support::{
    ensure, storage_prefix, AccountId32, BlockNumber, DispatchError, DispatchResult, Weight,
};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Session";

/// Log target of this pallet.
const LOG_TARGET: &str = "session";

/// The longest `proof` that `set_keys` accepts, in bytes. The proof is not checked (see
/// [`Call::set_keys`]); the bound keeps a useless argument from filling blocks.
pub const MAX_PROOF_LEN: usize = 512;

/// Parameters of the session pallet.
pub trait Config:
    pallet_system::Config<RuntimeEvent: From<Event>> + pallet_aura::Config + pallet_grandpa::Config
{
    /// Index of the pallet in the runtime (its calls, events and errors carry it).
    const PALLET_INDEX: u8;
    /// Chooses the validators of each session (staking); `()` keeps the genesis set.
    type SessionManager: SessionManager;
}

storage_prefix!(pub struct ValidatorsPrefix = PALLET, "Validators";);
storage_prefix!(pub struct CurrentIndexPrefix = PALLET, "CurrentIndex";);
storage_prefix!(pub struct QueuedKeysPrefix = PALLET, "QueuedKeys";);
storage_prefix!(pub struct NextKeysPrefix = PALLET, "NextKeys";);
storage_prefix!(pub struct KeyOwnerPrefix = PALLET, "KeyOwner";);
storage_prefix!(pub struct PeriodPrefix = PALLET, "Period";);

/// The current validators, in turn order (the order of `Aura.Authorities`).
pub type Validators = StorageValue<ValidatorsPrefix, Vec<AccountId32>, ValueQuery>;
/// The index of the current session: 0 at genesis, one more at each rotation.
pub type CurrentIndex = StorageValue<CurrentIndexPrefix, SessionIndex, ValueQuery>;
/// The keys in effect of the current validators, in [`Validators`]' order: what Aura and
/// GRANDPA were given at the last rotation. Substrate's item of the same name and type
/// holds the keys queued for the session after the current one; there is no such
/// lookahead here (a new set takes effect from the next block), so the keys queued are
/// the keys in use.
pub type QueuedKeys = StorageValue<QueuedKeysPrefix, Vec<(AccountId32, SessionKeys)>, ValueQuery>;
/// The keys each account registered with `set_keys`: what it validates with from the
/// next rotation that elects it. Blake2 rather than Substrate's Twox64Concat because
/// anyone can choose account ids, and a cryptographic hash keeps crafted ids from
/// unbalancing the trie.
pub type NextKeys =
    StorageMap<NextKeysPrefix, Blake2_128Concat, AccountId32, SessionKeys, OptionQuery>;
/// The account that registered each key, keyed by `(key type, raw public key)` as in
/// Substrate. Blake2 rather than Substrate's Twox64Concat: `set_keys` checks no proof of
/// possession, so anyone can choose these keys as freely as account ids.
pub type KeyOwner =
    StorageMap<KeyOwnerPrefix, Blake2_128Concat, (KeyTypeId, Vec<u8>), AccountId32, OptionQuery>;
/// The length of a session in blocks, set at genesis (greater than zero): a rotation ends
/// every block whose number is a multiple of it.
pub type Period = StorageValue<PeriodPrefix, BlockNumber, ValueQuery>;

/// Events of the session pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// New session has happened. Note that the argument is the session index, not the
    /// block number as the type might suggest.
    #[codec(index = 0)]
    NewSession {
        /// The index of the session that started.
        session_index: SessionIndex,
    },
}

/// Errors of the session pallet. Variant indices are Substrate's; Lattice's own come
/// after them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// Invalid ownership proof. Never returned: proofs are not checked yet (SessionKeys
    /// API v1); kept so that the indices of the other errors match Substrate's.
    #[codec(index = 0)]
    InvalidProof,
    /// No associated validator ID for account. Never returned: a validator is identified
    /// by its account; kept for index compatibility.
    #[codec(index = 1)]
    NoAssociatedValidatorId,
    /// Registered duplicate key: one of the keys is registered by another account. Create
    /// new keys (`author_rotateKeys`), or have the other account purge them first.
    #[codec(index = 2)]
    DuplicatedKey,
    /// No keys are associated with this account, so there is nothing to purge.
    #[codec(index = 3)]
    NoKeys,
    /// Key setting account is not live, so it's impossible to associate keys. Endow the
    /// account first.
    #[codec(index = 4)]
    NoAccount,
    /// The `proof` is longer than [`MAX_PROOF_LEN`] bytes. Send an empty proof (`0x`).
    #[codec(index = 5)]
    ProofTooLong,
}

/// Calls of the session pallet. Variant indices are Substrate's, so
/// `api.tx.session.setKeys(keys, proof)` works unmodified.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Sets the session key(s) of the function caller to `keys`. Allows an account to set
    /// its session key prior to becoming a validator. This doesn't take effect until the
    /// next session.
    ///
    /// `proof` is not checked: SessionKeys API v1 clients (`author_rotateKeys`) send `0x`.
    /// It may be at most [`MAX_PROOF_LEN`] bytes (`ProofTooLong`). The account must exist
    /// (`NoAccount`) and no other account may have registered either key
    /// (`DuplicatedKey`). The first registration takes a consumer reference on the
    /// account (it cannot be reaped while it has keys); replacing keys frees the old ones.
    ///
    /// The dispatch origin of this function must be signed.
    #[codec(index = 0)]
    set_keys {
        /// The Aura and GRANDPA public keys, as `author_rotateKeys` returns them.
        keys: SessionKeys,
        /// A proof of ownership of the keys; unchecked, send `0x`.
        proof: Vec<u8>,
    },
    /// Removes any session key(s) of the function caller (`NoKeys` if none) and drops the
    /// consumer reference `set_keys` took. This doesn't take effect until the next
    /// session: a current validator keeps validating with its keys in effect, and is left
    /// out of the next set.
    ///
    /// The dispatch origin of this function must be signed.
    #[codec(index = 1)]
    purge_keys {},
}

/// The session pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable session call bound to a runtime.
pub struct Dispatch<T>(pub Call, PhantomData<T>);

impl<T> Dispatch<T> {
    /// Binds `call` to the runtime `T`.
    pub fn new(call: Call) -> Self {
        Self(call, PhantomData)
    }
}

impl<T: Config> Dispatchable for Dispatch<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self.0 {
            Call::set_keys { keys, proof } => Pallet::<T>::set_keys(origin, keys, proof),
            Call::purge_keys {} => Pallet::<T>::purge_keys(origin),
        }
    }
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        let (ref_time, proof_size) = match self {
            Call::set_keys { .. } => weights::SET_KEYS,
            Call::purge_keys {} => weights::PURGE_KEYS,
        };
        normal(ref_time, proof_size)
    }
}

impl<T: Config> Hooks for Pallet<T> {
    /// Accounts for `on_finalize`: one read of [`Period`], plus the whole rotation in a
    /// block that ends a session (not what the [`SessionManager`] does: it accounts for
    /// its own work).
    fn on_initialize(n: BlockNumber) -> Weight {
        let db = <T as pallet_system::Config>::DB_WEIGHT;
        if Self::is_rotation_block(n) {
            weights::rotation(db, u64::from(Self::max_validators()))
        } else {
            db.reads_writes(1, 0)
        }
    }

    fn on_finalize(n: BlockNumber) {
        if Self::is_rotation_block(n) {
            Self::rotate_session();
        }
    }

    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        Self::do_try_state()
    }
}

// ---- calls ---------------------------------------------------------------------------

impl<T: Config> Pallet<T> {
    fn set_keys(origin: Origin, keys: SessionKeys, proof: Vec<u8>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(proof.len() <= MAX_PROOF_LEN, Self::error(Error::ProofTooLong));
        ensure!(Self::can_hold_keys(&who), Self::error(Error::NoAccount));
        for id in keys.key_ids() {
            if let Some(owner) = KeyOwner::get(&id) {
                ensure!(owner == who, Self::error(Error::DuplicatedKey));
            }
        }
        match NextKeys::get(&who) {
            Some(old) => {
                for id in old.key_ids() {
                    KeyOwner::remove(&id);
                }
            }
            // Cannot fail after `can_hold_keys`; nothing is written if it does.
            None => pallet_system::Pallet::<T>::inc_consumers(&who)
                .map_err(|_| Self::error(Error::NoAccount))?,
        }
        for id in keys.key_ids() {
            KeyOwner::insert(&id, &who);
        }
        NextKeys::insert(&who, &keys);
        Ok(())
    }

    fn purge_keys(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let keys = NextKeys::take(&who).ok_or(Self::error(Error::NoKeys))?;
        for id in keys.key_ids() {
            KeyOwner::remove(&id);
        }
        pallet_system::Pallet::<T>::dec_consumers(&who);
        Ok(())
    }
}

// ---- queries and metadata --------------------------------------------------------------

impl<T: Config> Pallet<T> {
    /// This pallet's error as a dispatch error.
    pub fn error(e: Error) -> DispatchError {
        module_error(<T as Config>::PALLET_INDEX, e)
    }

    /// Deposits an event of this pallet.
    fn deposit_event(event: Event) {
        pallet_system::Pallet::<T>::deposit_event(event)
    }

    /// The current validators, in turn order.
    pub fn validators() -> Vec<AccountId32> {
        Validators::get()
    }

    /// The index of the current session.
    pub fn current_index() -> SessionIndex {
        CurrentIndex::get()
    }

    /// The keys in effect of the current validators, in turn order.
    pub fn queued_keys() -> Vec<(AccountId32, SessionKeys)> {
        QueuedKeys::get()
    }

    /// The keys `who` registered, if any.
    pub fn next_keys(who: &AccountId32) -> Option<SessionKeys> {
        NextKeys::get(who)
    }

    /// The account that registered the key `raw` of type `key_type`, if any.
    pub fn key_owner(key_type: KeyTypeId, raw: &[u8]) -> Option<AccountId32> {
        KeyOwner::get(&(key_type, raw.to_vec()))
    }

    /// The length of a session in blocks.
    pub fn period() -> BlockNumber {
        Period::get()
    }

    /// Whether block `n` ends a session: `n > 0` and a multiple of [`Period`] (never
    /// when the period is zero, which genesis refuses).
    pub fn is_rotation_block(n: BlockNumber) -> bool {
        n > 0 && n.checked_rem(Period::get()) == Some(0)
    }

    /// The largest validator set: the smaller of Aura's and GRANDPA's `MAX_AUTHORITIES`
    /// (either would truncate a larger set, and the two must stay equal).
    pub fn max_validators() -> u32 {
        <T as pallet_aura::Config>::MAX_AUTHORITIES
            .min(<T as pallet_grandpa::Config>::MAX_AUTHORITIES)
    }

    /// Whether `who` can take the consumer reference that registered keys hold: it
    /// exists, by a provider or sufficient reference (`pallet_system::inc_consumers`' own
    /// condition).
    pub(crate) fn can_hold_keys(who: &AccountId32) -> bool {
        let info = pallet_system::Account::<T>::get(who);
        info.providers > 0 || info.sufficients > 0
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .event::<Event>()
            .error::<Error>()
            .storage([
                Validators::metadata(&["The current set of validators."]),
                CurrentIndex::metadata(&["Current index of the session."]),
                QueuedKeys::metadata(&[
                    "The keys in effect of the current validators, in the order of `Validators`:",
                    "what Aura and GRANDPA were given at the last rotation.",
                ]),
                NextKeys::metadata(&["The next session keys for a validator."]),
                KeyOwner::metadata(&[
                    "The owner of a key. The key is the `KeyTypeId` + the encoded key.",
                ]),
                Period::metadata(&[
                    "The length of a session in blocks: a session ends in every block whose",
                    "number is a multiple of it.",
                ]),
            ])
            .docs(&["The session pallet: validators' session keys and their rotation."])
    }
}
