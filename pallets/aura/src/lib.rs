//! # Aura pallet
//!
//! The authorities that take turns authoring blocks, and the slot of the block being
//! executed. Time is cut into slots of [`Config::SLOT_DURATION`] milliseconds; the author
//! of slot `s` is `authorities[s % n]`. The node's authoring and import logic reads the
//! authorities through the `AuraApi_authorities` runtime API and checks the author's
//! seal; this pallet keeps the list, checks that slots increase, and names the author
//! for other pallets ([`FindAuraAuthor`], used to pay fees to the author).
//!
//! ## Terminology
//!
//! - **Slot**: `timestamp / slot_duration`. The block author writes the slot into the
//!   header as a pre-runtime digest, `DigestItem::PreRuntime(*b"aura", slot.encode())`.
//! - **Authority**: an sr25519 public key allowed to author blocks; as an account id it
//!   is the same 32 bytes.
//!
//! ## Rules
//!
//! 1. A block's slot is strictly greater than its parent's (`on_initialize`; a block that
//!    breaks this, or whose slot digest does not decode, is invalid and panics, as in
//!    Substrate). A block without an Aura digest keeps the stored slot, as in Substrate.
//! 2. Authority set changes ([`Pallet::change_authorities`]) are signalled to the node in
//!    the digest as Substrate's `ConsensusLog::AuthoritiesChange`, and take effect from
//!    the next block.
//! 3. Optionally, the block's timestamp lies in its slot: wire
//!    [`Pallet::on_timestamp_set`] into `pallet_timestamp::Config::on_timestamp_set`.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::lattice_primitives::header::AURA_ENGINE_ID;
//! # use lattice_support::lattice_primitives::{Digest, DigestItem};
//! # use lattice_support::traits::Hooks;
//! # use lattice_support::{AccountId32, H256};
//! # use pallet_aura::{AuthorityId, Slot};
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event) });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! impl pallet_aura::Config for Runtime {
//!     const PALLET_INDEX: u8 = 2;
//!     const SLOT_DURATION: u64 = 6_000;
//!     const MAX_AUTHORITIES: u32 = 32;
//! }
//!
//! let (alice, bob) = (AuthorityId([1; 32]), AuthorityId([2; 32]));
//! TestExternalities::default().execute_with(|| {
//!     pallet_aura::GenesisConfig { authorities: vec![alice, bob] }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     // A block whose header carries PreRuntime(b"aura", Slot(7).encode()):
//!     let slot = DigestItem::PreRuntime(AURA_ENGINE_ID, Slot(7).encode());
//!     let digest = Digest { logs: vec![slot] };
//!     pallet_system::Pallet::<Runtime>::initialize(1, H256([0; 32]), digest);
//!     pallet_aura::Pallet::<Runtime>::on_initialize(1);
//!     // Slot 7 of two authorities: the second one's turn.
//!     assert_eq!(pallet_aura::Pallet::<Runtime>::author(), Some(AccountId32(bob.0)));
//! });
//! ```

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;

pub use types::*;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::lattice_primitives::header::AURA_ENGINE_ID;
use lattice_support::lattice_primitives::{Digest, DigestItem};
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{StorageValue, ValueQuery};
use lattice_support::{log, storage_prefix, AccountId32, BlockNumber, DispatchError, Weight};

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Aura";

/// Log target of this pallet.
const LOG_TARGET: &str = "aura";

/// Parameters of the Aura pallet.
pub trait Config: pallet_system::Config {
    /// Index of the pallet in the runtime.
    const PALLET_INDEX: u8;
    /// Length of a slot in milliseconds: the target time between blocks.
    const SLOT_DURATION: u64;
    /// The largest number of authorities; larger sets are truncated, as Substrate's
    /// `WeakBoundedVec` does.
    const MAX_AUTHORITIES: u32;
}

storage_prefix!(pub struct AuthoritiesPrefix = PALLET, "Authorities";);
storage_prefix!(pub struct CurrentSlotPrefix = PALLET, "CurrentSlot";);

/// The current authority set, in turn order.
pub type Authorities = StorageValue<AuthoritiesPrefix, Vec<AuthorityId>, ValueQuery>;
/// The slot of the block being executed (of the last block, between blocks).
pub type CurrentSlot = StorageValue<CurrentSlotPrefix, Slot, ValueQuery>;

/// The Aura pallet. It has no calls, events or errors.
pub struct Pallet<T>(PhantomData<T>);

/// The author of the current block, found from the slot in the header's digest: the
/// runtime's `FindAuthor` for fee payment and rewards.
pub struct FindAuraAuthor<T>(PhantomData<T>);

impl<T: Config> lattice_support::traits::FindAuthor for FindAuraAuthor<T> {
    fn find_author() -> Option<AccountId32> {
        Pallet::<T>::author()
    }
}

impl<T: Config> lattice_support::traits::CurrentSlot for Pallet<T> {
    fn current_slot() -> u64 {
        CurrentSlot::get().0
    }
}

/// The genesis state of the Aura pallet.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct GenesisConfig {
    /// The first authority set, in turn order.
    pub authorities: Vec<AuthorityId>,
}

impl GenesisConfig {
    /// Writes the genesis state. Fails (a chain spec is outside input) when the set is
    /// empty, larger than `MAX_AUTHORITIES`, holds a key twice, or authorities are
    /// already stored.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        if self.authorities.is_empty() {
            return Err("Aura genesis: at least one authority is needed to author blocks");
        }
        if self.authorities.len() > T::MAX_AUTHORITIES as usize {
            return Err("Aura genesis: more authorities than MAX_AUTHORITIES");
        }
        if has_duplicates(&self.authorities) {
            return Err("Aura genesis: an authority appears twice");
        }
        if Authorities::exists() {
            return Err("Aura genesis: authorities are already initialized");
        }
        Authorities::put(&self.authorities);
        Ok(())
    }
}

impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {
    fn on_initialize(_n: BlockNumber) -> Weight {
        let Some(found) = slot_from_digest(&pallet_system::BlockDigest::get()) else {
            return T::DB_WEIGHT.reads_writes(1, 0);
        };
        // A header that breaks these rules makes the block invalid; no call exists that
        // could fail instead, so panic (the executor turns it into an error).
        let Ok(slot) = found else {
            panic!("invalid block: the Aura pre-runtime digest does not decode as a slot");
        };
        let current = CurrentSlot::get();
        if slot <= current {
            panic!(
                "invalid block: the slot must increase (block's slot {}, current slot {})",
                slot.0, current.0
            );
        }
        CurrentSlot::put(&slot);
        T::DB_WEIGHT.reads_writes(2, 1)
    }

    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        let authorities = Authorities::get();
        // 1. There is someone to author blocks.
        if authorities.is_empty() {
            return Err("Aura: the authority set is empty");
        }
        // 2. The set respects its bound.
        if authorities.len() > T::MAX_AUTHORITIES as usize {
            return Err("Aura: more authorities than MAX_AUTHORITIES");
        }
        // 3. No authority appears twice (it would get more than its share of slots).
        if has_duplicates(&authorities) {
            return Err("Aura: an authority appears twice");
        }
        // 4. The slot can still increase.
        if CurrentSlot::get().0 == u64::MAX {
            return Err("Aura: the current slot cannot increase any more");
        }
        Ok(())
    }
}

impl<T: Config> Pallet<T> {
    /// The current authority set, in turn order.
    pub fn authorities() -> Vec<AuthorityId> {
        Authorities::get()
    }

    /// The slot duration in milliseconds.
    pub fn slot_duration() -> u64 {
        T::SLOT_DURATION
    }

    /// The slot of the block being executed, as stored by `on_initialize`.
    pub fn current_slot() -> Slot {
        CurrentSlot::get()
    }

    /// The author of the block being executed: `authorities[slot % n]` for the slot in
    /// the header's digest. `None` without a (decodable) slot or without authorities.
    pub fn author() -> Option<AccountId32> {
        let slot = slot_from_digest(&pallet_system::BlockDigest::get())?.ok()?;
        let authorities = Authorities::get();
        let n = u64::try_from(authorities.len()).ok().filter(|n| *n > 0)?;
        let index = usize::try_from(slot.0 % n).ok()?;
        authorities.get(index).map(|a| AccountId32(a.0))
    }

    /// Replaces the authority set from the next block on and signals the change to the
    /// node with a `Consensus(b"aura", AuthoritiesChange(new))` digest item. An empty set
    /// is ignored (no one could author); a set larger than `MAX_AUTHORITIES` is
    /// truncated, as in Substrate. Both are logged.
    pub fn change_authorities(mut new: Vec<AuthorityId>) {
        if new.is_empty() {
            log!(Warn, LOG_TARGET, "ignoring an empty authority set change");
            return;
        }
        let max = T::MAX_AUTHORITIES as usize;
        if new.len() > max {
            log!(Warn, LOG_TARGET, "authority set of {} truncated to {}", new.len(), max);
            new.truncate(max);
        }
        Authorities::put(&new);
        let log = ConsensusLog::AuthoritiesChange(new);
        pallet_system::Pallet::<T>::deposit_log(DigestItem::Consensus(
            AURA_ENGINE_ID,
            log.encode(),
        ));
    }

    /// Signals to the node that authority `index` is disabled (offline or slashed), with
    /// a `Consensus(b"aura", OnDisabled(index))` digest item.
    pub fn on_disabled(index: u32) {
        let log = ConsensusLog::OnDisabled(index);
        pallet_system::Pallet::<T>::deposit_log(DigestItem::Consensus(
            AURA_ENGINE_ID,
            log.encode(),
        ));
    }

    /// Checks that the block's timestamp `now` (ms) lies in the block's slot, as
    /// Substrate's Aura does on `OnTimestampSet`. Fails (so the timestamp inherent fails
    /// and the block is invalid) when `now / SLOT_DURATION` differs from the current
    /// slot. Wire it in with `fn on_timestamp_set(now: u64) -> DispatchResult {
    /// pallet_aura::Pallet::<Runtime>::on_timestamp_set(now) }` in the runtime's
    /// `pallet_timestamp::Config`.
    pub fn on_timestamp_set(now: u64) -> Result<(), DispatchError> {
        let Some(timestamp_slot) = now.checked_div(T::SLOT_DURATION) else {
            log!(Error, LOG_TARGET, "the slot duration is zero");
            return Err(DispatchError::Other);
        };
        let current = CurrentSlot::get();
        if current.0 != timestamp_slot {
            log!(
                Error,
                LOG_TARGET,
                "timestamp {} is in slot {}, the block is in slot {}: the node's and the runtime's slot durations disagree, or the author's clock is wrong",
                now,
                timestamp_slot,
                current.0
            );
            return Err(DispatchError::Other);
        }
        Ok(())
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .storage([
                Authorities::metadata(&["The current authority set."]),
                CurrentSlot::metadata(&[
                    "The current slot of this block.",
                    "",
                    "This will be set in `on_initialize`.",
                ]),
            ])
            .constants([constant(
                "SlotDuration",
                &T::SLOT_DURATION,
                &["The slot duration Aura should run with, expressed in milliseconds."],
            )])
            .docs(&["The Aura pallet: block authors and slots."])
    }
}

/// The slot in `digest`'s Aura pre-runtime item: `None` without one, `Some(Err)` when it
/// does not decode (exactly) as a slot.
pub fn slot_from_digest(digest: &Digest) -> Option<Result<Slot, codec::Error>> {
    let mut raw = digest.pre_runtime(AURA_ENGINE_ID)?;
    let slot = Slot::decode(&mut raw);
    Some(match slot {
        Ok(_) if !raw.is_empty() => Err("trailing bytes after the slot".into()),
        other => other,
    })
}

/// Whether some key appears twice. Sets are small (`MAX_AUTHORITIES`): sorting a copy is
/// cheap and needs no hashing.
fn has_duplicates(keys: &[AuthorityId]) -> bool {
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).any(|w| w[0] == w[1])
}
