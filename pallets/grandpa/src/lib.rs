//! # GRANDPA pallet
//!
//! The authority set of the GRANDPA finality gadget and its changes. The node's voter
//! reads the set through `GrandpaApi_grandpa_authorities` / `GrandpaApi_current_set_id`
//! and learns of changes from consensus items in block digests; this pallet decides the
//! changes and emits those items.
//!
//! ## Terminology
//!
//! - **Authority set**: the ed25519 keys (with weights) that vote on finality; its
//!   **set id** counts the changes since genesis.
//! - **Standard change**: signalled in block `B` with a `delay`; the node applies it when
//!   block `B + delay` is finalized. **Forced change**: for a set that stopped finalizing
//!   (stalled); applied when `B + delay` is imported, without finality.
//! - **Pause / resume**: the voters stop (resume) voting after a delay.
//!
//! ## Lifecycle of a change
//!
//! 1. [`Pallet::schedule_change`] (called by a session pallet, or governance through
//!    `note_stalled` and [`Pallet::on_new_session`]) stores a [`StoredPendingChange`] and
//!    emits `ScheduledChange` (or `ForcedChange`) in the block's digest at once.
//! 2. At most one change is pending ([`Error::ChangePending`]); a forced change may
//!    follow another only after twice the previous delay ([`Error::TooSoon`]).
//! 3. In `on_finalize` of block `scheduled_at + delay`, the pallet stores the new set,
//!    increments [`CurrentSetId`] and emits [`Event::NewAuthorities`].
//!
//! Substrate emits the digest item in `on_finalize` of the signalling block; emitting it
//! when the change is scheduled puts it in the same block, and also works when the
//! change is scheduled after this pallet's `on_finalize` has run. Substrate increments
//! the set id when a session schedules a change; here it is incremented when the change
//! takes effect (the same block for the usual zero delay), so the runtime's set id names
//! the set the runtime reports.
//!
//! Equivocation reporting (Substrate's calls 0 and 1) is not implemented yet; its errors
//! keep their indices.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::lattice_io::TestExternalities;
//! # use lattice_support::lattice_primitives::Digest;
//! # use lattice_support::traits::Hooks;
//! # use lattice_support::H256;
//! # use pallet_grandpa::AuthorityId;
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event), Grandpa(pallet_grandpa::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent {
//! #     System(pallet_system::Event), Grandpa(pallet_grandpa::Event)
//! # });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, ());
//! impl pallet_grandpa::Config for Runtime {
//!     const PALLET_INDEX: u8 = 3;
//!     const MAX_AUTHORITIES: u32 = 32;
//! }
//! type Grandpa = pallet_grandpa::Pallet<Runtime>;
//!
//! let (alice, bob) = (AuthorityId([1; 32]), AuthorityId([2; 32]));
//! TestExternalities::default().execute_with(|| {
//!     pallet_grandpa::GenesisConfig { authorities: vec![(alice, 1)] }
//!         .build::<Runtime>()
//!         .expect("valid genesis");
//!     pallet_system::Pallet::<Runtime>::initialize(1, H256([0; 32]), Digest::default());
//!     Grandpa::schedule_change(vec![(bob, 1)], 0, None).expect("no change pending");
//!     // With delay 0 the change takes effect in on_finalize of this block.
//!     Grandpa::on_finalize(1);
//!     assert_eq!(Grandpa::current_set_id(), 1);
//!     assert_eq!(Grandpa::grandpa_authorities(), vec![(bob, 1)]);
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
use lattice_support::dispatch::{
    ensure_root, module_error, normal, DispatchInfo, Dispatchable, GetDispatchInfo, Origin,
};
use lattice_support::lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_support::lattice_primitives::DigestItem;
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{OptionQuery, StorageValue, ValueQuery};
use lattice_support::{log, storage_prefix, BlockNumber, DispatchError, DispatchResult, Weight};
use scale_info::TypeInfo;

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "Grandpa";

/// Log target of this pallet.
const LOG_TARGET: &str = "grandpa";

/// `ref_time` of `note_stalled` (one write). Provisional, not from a benchmark.
const NOTE_STALLED_WEIGHT: u64 = 10_000_000;

/// Parameters of the GRANDPA pallet.
pub trait Config: pallet_system::Config<RuntimeEvent: From<Event>> {
    /// Index of the pallet in the runtime (for module errors).
    const PALLET_INDEX: u8;
    /// The largest authority set; larger ones are truncated, as Substrate's
    /// `WeakBoundedVec` does.
    const MAX_AUTHORITIES: u32;
}

/// Whether the voters vote, and pending pauses or resumptions.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub enum StoredState {
    /// The current authority set is live, and GRANDPA is enabled.
    #[default]
    #[codec(index = 0)]
    Live,
    /// A pause is signalled at `scheduled_at` and takes effect `delay` blocks later.
    #[codec(index = 1)]
    PendingPause {
        /// Block at which the intention to pause was scheduled.
        scheduled_at: BlockNumber,
        /// Number of blocks after which the change will be enacted.
        delay: BlockNumber,
    },
    /// The current GRANDPA authority set is paused.
    #[codec(index = 2)]
    Paused,
    /// A resumption is signalled at `scheduled_at` and takes effect `delay` blocks later.
    #[codec(index = 3)]
    PendingResume {
        /// Block at which the intention to resume was scheduled.
        scheduled_at: BlockNumber,
        /// Number of blocks after which the change will be enacted.
        delay: BlockNumber,
    },
}

/// A pending authority set change.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct StoredPendingChange {
    /// The block number this was scheduled at.
    pub scheduled_at: BlockNumber,
    /// The delay in blocks until it will be applied.
    pub delay: BlockNumber,
    /// The next authority set.
    pub next_authorities: AuthorityList,
    /// For a forced change, the median last finalized block when it was signalled.
    pub forced: Option<BlockNumber>,
}

impl StoredPendingChange {
    /// The block in whose `on_finalize` the change takes effect.
    pub fn enacted_at(&self) -> BlockNumber {
        self.scheduled_at.saturating_add(self.delay)
    }
}

storage_prefix!(pub struct StatePrefix = PALLET, "State";);
storage_prefix!(pub struct PendingChangePrefix = PALLET, "PendingChange";);
storage_prefix!(pub struct NextForcedPrefix = PALLET, "NextForced";);
storage_prefix!(pub struct StalledPrefix = PALLET, "Stalled";);
storage_prefix!(pub struct CurrentSetIdPrefix = PALLET, "CurrentSetId";);
storage_prefix!(pub struct AuthoritiesPrefix = PALLET, "Authorities";);

/// State of the current authority set.
pub type State = StorageValue<StatePrefix, StoredState, ValueQuery>;
/// The pending authority set change, if any.
pub type PendingChange = StorageValue<PendingChangePrefix, StoredPendingChange, OptionQuery>;
/// The first block at which another forced change may be scheduled.
pub type NextForced = StorageValue<NextForcedPrefix, BlockNumber, OptionQuery>;
/// `(delay, best finalized block)` of a stall noted by `note_stalled`, until the next
/// session turns it into a forced change.
pub type Stalled = StorageValue<StalledPrefix, (BlockNumber, BlockNumber), OptionQuery>;
/// The number of authority set changes since genesis: the current set's id.
pub type CurrentSetId = StorageValue<CurrentSetIdPrefix, SetId, ValueQuery>;
/// The current authority set.
pub type Authorities = StorageValue<AuthoritiesPrefix, AuthorityList, ValueQuery>;

/// Events of the GRANDPA pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// New authority set has been applied.
    #[codec(index = 0)]
    NewAuthorities {
        /// The new set.
        authority_set: AuthorityList,
    },
    /// Current authority set has been paused.
    #[codec(index = 1)]
    Paused,
    /// Current authority set has been resumed.
    #[codec(index = 2)]
    Resumed,
}

/// Errors of the GRANDPA pallet. Variant indices are Substrate's.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// A pause was requested while the set is not live (paused, or a pause or resumption
    /// is pending). Wait until the pending change applies, or resume first.
    #[codec(index = 0)]
    PauseFailed,
    /// A resumption was requested while the set is not paused. Only a paused set can
    /// resume.
    #[codec(index = 1)]
    ResumeFailed,
    /// An authority set change was requested while another is pending. Wait until the
    /// pending one applies (`Grandpa.PendingChange`).
    #[codec(index = 2)]
    ChangePending,
    /// A forced change was requested less than twice the previous forced change's delay
    /// after it (`Grandpa.NextForced`). Wait until that block.
    #[codec(index = 3)]
    TooSoon,
    /// A key ownership proof in an equivocation report is invalid (equivocation reports
    /// are not accepted yet).
    #[codec(index = 4)]
    InvalidKeyOwnershipProof,
    /// An equivocation proof is invalid (equivocation reports are not accepted yet).
    #[codec(index = 5)]
    InvalidEquivocationProof,
    /// An equivocation was already reported (equivocation reports are not accepted yet).
    #[codec(index = 6)]
    DuplicateOffenceReport,
}

/// Calls of the GRANDPA pallet. Variant indices are Substrate's; `report_equivocation`
/// (0) and `report_equivocation_unsigned` (1) come with equivocation reporting.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Notes that the current authority set has stalled (root only).
    ///
    /// At the next session change, a forced change to the session's validators is
    /// scheduled, applied `delay` blocks after it; the new voters build on
    /// `best_finalized_block_number`, the highest block any of them finalized. `delay`
    /// should be large enough that the signalling block is not re-orged (e.g. 1000).
    #[codec(index = 2)]
    note_stalled {
        /// Blocks between the signalling block and the forced change.
        delay: BlockNumber,
        /// The best block finalized by the new set's voters.
        best_finalized_block_number: BlockNumber,
    },
}

/// The GRANDPA pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable GRANDPA call bound to a runtime.
pub struct Dispatch<T>(pub Call, PhantomData<T>);

impl<T> Dispatch<T> {
    /// Binds `call` to the runtime `T`.
    pub fn new(call: Call) -> Self {
        Self(call, PhantomData)
    }
}

/// The genesis state of the GRANDPA pallet.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct GenesisConfig {
    /// The first authority set, with weights.
    pub authorities: AuthorityList,
}

impl GenesisConfig {
    /// Writes the genesis state (set id 0). Fails (a chain spec is outside input) when
    /// the set is empty, larger than `MAX_AUTHORITIES`, holds a key twice or a zero
    /// weight, or authorities are already stored.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        if self.authorities.is_empty() {
            return Err("Grandpa genesis: at least one authority is needed to finalize blocks");
        }
        if self.authorities.len() > T::MAX_AUTHORITIES as usize {
            return Err("Grandpa genesis: more authorities than MAX_AUTHORITIES");
        }
        if let Some(problem) = set_problem(&self.authorities) {
            return Err(problem);
        }
        if Authorities::exists() {
            return Err("Grandpa genesis: authorities are already initialized");
        }
        Authorities::put(&self.authorities);
        Ok(())
    }
}

impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {
    fn on_initialize(_n: BlockNumber) -> Weight {
        // Accounts for `on_finalize`'s reads of `PendingChange` and `State`.
        T::DB_WEIGHT.reads_writes(2, 0)
    }

    fn on_finalize(n: BlockNumber) {
        if let Some(pending) = PendingChange::get() {
            // `>=` rather than Substrate's `==`: a change scheduled after this hook ran
            // in its block still applies (in the next block) instead of never.
            if n >= pending.enacted_at() {
                Authorities::put(&pending.next_authorities);
                CurrentSetId::mutate(|id| *id = id.saturating_add(1));
                PendingChange::kill();
                Self::deposit_event(Event::NewAuthorities {
                    authority_set: pending.next_authorities,
                });
            }
        }
        match State::get() {
            StoredState::PendingPause { scheduled_at, delay }
                if n >= scheduled_at.saturating_add(delay) =>
            {
                State::put(&StoredState::Paused);
                Self::deposit_event(Event::Paused);
            }
            StoredState::PendingResume { scheduled_at, delay }
                if n >= scheduled_at.saturating_add(delay) =>
            {
                State::put(&StoredState::Live);
                Self::deposit_event(Event::Resumed);
            }
            _ => {}
        }
    }

    fn try_state(n: BlockNumber) -> Result<(), &'static str> {
        // Between blocks (after `on_finalize`), whatever was due is enacted.
        let between_blocks = pallet_system::ExecutionPhase::get().is_none();
        let max = T::MAX_AUTHORITIES as usize;
        // 1. The current set is non-empty, bounded, without duplicates or zero weights.
        let authorities = Authorities::get();
        if authorities.is_empty() {
            return Err("Grandpa: the authority set is empty");
        }
        if authorities.len() > max {
            return Err("Grandpa: more authorities than MAX_AUTHORITIES");
        }
        if let Some(problem) = set_problem(&authorities) {
            return Err(problem);
        }
        // 2. A pending change was scheduled in the past, names a valid set, and is not
        //    overdue.
        if let Some(pending) = PendingChange::get() {
            if pending.scheduled_at > n {
                return Err("Grandpa: a pending change is scheduled in the future");
            }
            if pending.next_authorities.is_empty() || pending.next_authorities.len() > max {
                return Err("Grandpa: a pending change has an empty or oversized set");
            }
            if between_blocks && pending.enacted_at() <= n {
                return Err("Grandpa: a pending change is overdue");
            }
        }
        // 3. A pending pause or resumption was scheduled in the past and is not overdue.
        if let StoredState::PendingPause { scheduled_at, delay }
        | StoredState::PendingResume { scheduled_at, delay } = State::get()
        {
            if scheduled_at > n {
                return Err("Grandpa: a pause or resumption is scheduled in the future");
            }
            if between_blocks && scheduled_at.saturating_add(delay) <= n {
                return Err("Grandpa: a pause or resumption is overdue");
            }
        }
        Ok(())
    }
}

impl<T: Config> Dispatchable for Dispatch<T> {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self.0 {
            Call::note_stalled { delay, best_finalized_block_number } => {
                ensure_root(origin)?;
                Pallet::<T>::on_stalled(delay, best_finalized_block_number);
                Ok(())
            }
        }
    }
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Call::note_stalled { .. } => normal(NOTE_STALLED_WEIGHT, 0),
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

    fn deposit_log(log: ConsensusLog) {
        pallet_system::Pallet::<T>::deposit_log(DigestItem::Consensus(
            GRANDPA_ENGINE_ID,
            log.encode(),
        ));
    }

    /// The current authority set.
    pub fn grandpa_authorities() -> AuthorityList {
        Authorities::get()
    }

    /// The current authority set's id.
    pub fn current_set_id() -> SetId {
        CurrentSetId::get()
    }

    /// The pending authority set change, if any.
    pub fn pending_change() -> Option<StoredPendingChange> {
        PendingChange::get()
    }

    /// Whether the voters are live, paused, or about to change state.
    pub fn state() -> StoredState {
        State::get()
    }

    /// Schedules a change to the authority set `next`, applied `delay` blocks after the
    /// current one (in its `on_finalize`), and signals it in this block's digest. With
    /// `forced = Some(median)` the change is forced: the node applies it without
    /// finality, its voters building on block `median`.
    ///
    /// Fails with `ChangePending` while another change is pending, with `TooSoon` for a
    /// forced change before `NextForced`, and with `DispatchError::Other` (logged) for an
    /// empty set (no one could finalize again), a key appearing twice or a zero weight;
    /// Substrate accepts those. A set larger than `MAX_AUTHORITIES` is truncated (logged),
    /// as in Substrate.
    pub fn schedule_change(
        mut next: AuthorityList,
        delay: BlockNumber,
        forced: Option<BlockNumber>,
    ) -> DispatchResult {
        if PendingChange::exists() {
            return Err(Self::error(Error::ChangePending));
        }
        if next.is_empty() {
            log!(Error, LOG_TARGET, "refusing to schedule an empty authority set");
            return Err(DispatchError::Other);
        }
        if let Some(problem) = set_problem(&next) {
            log!(Error, LOG_TARGET, "refusing to schedule an authority set: {}", problem);
            return Err(DispatchError::Other);
        }
        let scheduled_at = pallet_system::Number::get();
        if forced.is_some() {
            if NextForced::get().is_some_and(|next_forced| next_forced > scheduled_at) {
                return Err(Self::error(Error::TooSoon));
            }
            // Only allow the next forced change when twice the window has passed.
            NextForced::put(&scheduled_at.saturating_add(delay.saturating_mul(2)));
        }
        let max = T::MAX_AUTHORITIES as usize;
        if next.len() > max {
            log!(Warn, LOG_TARGET, "authority set of {} truncated to {}", next.len(), max);
            next.truncate(max);
        }
        let change = ScheduledChange { next_authorities: next.clone(), delay };
        Self::deposit_log(match forced {
            Some(median) => ConsensusLog::ForcedChange(median, change),
            None => ConsensusLog::ScheduledChange(change),
        });
        PendingChange::put(&StoredPendingChange {
            scheduled_at,
            delay,
            next_authorities: next,
            forced,
        });
        Ok(())
    }

    /// Schedules a pause of the voters `delay` blocks from now and signals it. Fails with
    /// `PauseFailed` unless the set is live.
    pub fn schedule_pause(delay: BlockNumber) -> DispatchResult {
        if State::get() != StoredState::Live {
            return Err(Self::error(Error::PauseFailed));
        }
        let scheduled_at = pallet_system::Number::get();
        State::put(&StoredState::PendingPause { scheduled_at, delay });
        Self::deposit_log(ConsensusLog::Pause(delay));
        Ok(())
    }

    /// Schedules the resumption of paused voters `delay` blocks from now and signals it.
    /// Fails with `ResumeFailed` unless the set is paused.
    pub fn schedule_resume(delay: BlockNumber) -> DispatchResult {
        if State::get() != StoredState::Paused {
            return Err(Self::error(Error::ResumeFailed));
        }
        let scheduled_at = pallet_system::Number::get();
        State::put(&StoredState::PendingResume { scheduled_at, delay });
        Self::deposit_log(ConsensusLog::Resume(delay));
        Ok(())
    }

    /// Notes a stall: the next session change forces a change, `delay` blocks after it,
    /// building on `best_finalized`.
    pub fn on_stalled(delay: BlockNumber, best_finalized: BlockNumber) {
        Stalled::put(&(delay, best_finalized));
    }

    /// For the session pallet, at a session change, as Substrate's `on_new_session`: when
    /// the validators `changed` or the set stalled, schedules a change to `next`
    /// (forced, if stalled; immediate otherwise). A failure to schedule (a change is
    /// pending) is logged and the stall is kept for the next session.
    pub fn on_new_session(changed: bool, next: AuthorityList) {
        let stalled = Stalled::get();
        if !changed && stalled.is_none() {
            return;
        }
        let result = match stalled {
            Some((delay, median)) => Self::schedule_change(next, delay, Some(median)),
            None => Self::schedule_change(next, 0, None),
        };
        match result {
            Ok(()) => {
                if stalled.is_some() {
                    Stalled::kill();
                }
            }
            Err(e) => log!(Warn, LOG_TARGET, "no authority set change this session: {:?}", e),
        }
    }

    /// Signals that the authority with `index` in the current set is disabled.
    pub fn on_disabled(index: AuthorityIndex) {
        Self::deposit_log(ConsensusLog::OnDisabled(index));
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .event::<Event>()
            .error::<Error>()
            .storage([
                State::metadata(&["State of the current authority set."]),
                PendingChange::metadata(&["Pending change: (signaled at, scheduled change)."]),
                NextForced::metadata(&["next block number where we can force a change."]),
                Stalled::metadata(&["`true` if we are currently stalled."]),
                CurrentSetId::metadata(&[
                    "The number of changes (both in terms of keys and underlying economic responsibilities)",
                    "in the \"set\" of Grandpa validators from genesis.",
                ]),
                Authorities::metadata(&["The current list of authorities."]),
            ])
            .constants([constant(
                "MaxAuthorities",
                &T::MAX_AUTHORITIES,
                &["Max Authorities in use"],
            )])
            .docs(&["The GRANDPA pallet: the finality authority set and its changes."])
    }
}

/// What is wrong with an authority set's entries: a key twice or a zero weight.
fn set_problem(set: &AuthorityList) -> Option<&'static str> {
    if set.iter().any(|(_, weight)| *weight == 0) {
        return Some("Grandpa: an authority has weight zero");
    }
    let mut keys: Vec<_> = set.iter().map(|(key, _)| *key).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Some("Grandpa: an authority appears twice");
    }
    None
}
