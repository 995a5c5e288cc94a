//! # System pallet
//!
//! The base every other pallet builds on: accounts (`System.Account` with nonce and
//! reference counts), the block being executed (number, parent hash, digest, weight and
//! length used), events, block hashes for transaction mortality, and the runtime code
//! itself (`set_code`, forkless upgrades).
//!
//! ## Terminology
//!
//! - **Provider / consumer references**: an account exists while something provides for
//!   it (a balance above the existential deposit); consumers (locks, reserves) keep it
//!   from being reaped.
//! - **Phase**: where in the block an event was emitted (initialization, an extrinsic's
//!   index, finalization).
//!
//! ## Events
//!
//! Events are buffered one storage key per event while the block executes (so a block of
//! thousands of extrinsics does not rewrite a growing list each time) and assembled into
//! the standard `System.Events` list at finalization, where clients read it.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::lattice_primitives::{Digest, RuntimeVersion};
//! # use lattice_support::{lattice_io::TestExternalities, Weight, H256};
//! # use pallet_system::*;
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent { System(Event) });
//! # const CLASS: WeightsPerClass = WeightsPerClass {
//! #     base_extrinsic: Weight::ZERO, max_extrinsic: None, max_total: None, reserved: None,
//! # };
//! # impl Config for Runtime {
//! #     const PALLET_INDEX: u8 = 0;
//! #     type RuntimeEvent = RuntimeEvent;
//! #     type AccountData = ();
//! #     const BLOCK_HASH_COUNT: u32 = 250;
//! #     const SS58_PREFIX: u16 = 42;
//! #     const BLOCK_WEIGHTS: BlockWeights = BlockWeights {
//! #         base_block: Weight::ZERO,
//! #         max_block: Weight::from_parts(u64::MAX, u64::MAX),
//! #         per_class: PerDispatchClass { normal: CLASS, operational: CLASS, mandatory: CLASS },
//! #     };
//! #     const BLOCK_LENGTH: BlockLength = BlockLength {
//! #         max: PerDispatchClass { normal: 1024, operational: 1024, mandatory: 1024 },
//! #     };
//! #     const DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: 1, write: 1 };
//! #     fn version() -> RuntimeVersion {
//! #         let (spec_name, impl_name, apis) = ("doc".into(), "doc".into(), Default::default());
//! #         RuntimeVersion { spec_name, impl_name, apis, authoring_version: 1, spec_version: 1,
//! #             impl_version: 1, transaction_version: 1, system_version: 1 }
//! #     }
//! # }
//! TestExternalities::default().execute_with(|| {
//!     Pallet::<Runtime>::build_genesis();
//!     Pallet::<Runtime>::initialize(1, H256([1; 32]), Digest::default());
//!     Pallet::<Runtime>::deposit_event(Event::CodeUpdated);
//!     let header = Pallet::<Runtime>::finalize();
//!     assert_eq!(header.number, 1);
//!     assert_eq!(Pallet::<Runtime>::events()[0].event, RuntimeEvent::System(Event::CodeUpdated));
//! });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.
//! - `test-utils`: `test_utils` and `impl_test_config!`, the system configuration
//!   of the pallets' test runtimes (enable it in a pallet's `[dev-dependencies]`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod dispatch;
mod limits;
#[cfg(test)]
mod mock;
#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;
#[cfg(test)]
mod tests;

pub use dispatch::PerDispatchClass;
pub use limits::{BlockLength, BlockWeights, RuntimeDbWeight, WeightsPerClass};

use alloc::vec::Vec;
use codec::{Decode, Encode, FullCodec, MaxEncodedLen};
use core::marker::PhantomData;
use lattice_support::dispatch::{
    ensure_root, ensure_signed, module_error, normal, operational, DispatchInfo, Dispatchable,
    GetDispatchInfo, Origin,
};
use lattice_support::lattice_io;
use lattice_support::lattice_primitives::{
    api::well_known_keys, Digest, DigestItem, Header, RuntimeVersion,
};
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{
    Blake2_128Concat, OptionQuery, StorageMap, StorageValue, Twox64Concat, ValueQuery,
};
use lattice_support::{
    storage_prefix, AccountId32, BlockNumber, DispatchError, DispatchResult, Weight, H256,
};
use scale_info::{StaticTypeInfo, TypeInfo};

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "System";

/// Parameters of the system pallet.
pub trait Config: 'static {
    /// Index of the pallet in the runtime.
    const PALLET_INDEX: u8;
    /// The runtime's event type (all pallets' events).
    type RuntimeEvent: FullCodec + StaticTypeInfo + Clone + From<Event>;
    /// What `System.Account` holds besides the nonce and reference counts (the balances).
    type AccountData: FullCodec + StaticTypeInfo + Default + Clone + PartialEq;
    /// How many recent block hashes are kept for transaction mortality.
    const BLOCK_HASH_COUNT: BlockNumber;
    /// The SS58 address prefix of the chain.
    const SS58_PREFIX: u16;
    /// Limits on block weight.
    const BLOCK_WEIGHTS: BlockWeights;
    /// Limits on block length, in bytes, per class.
    const BLOCK_LENGTH: BlockLength;
    /// Weight of one database read and one write.
    const DB_WEIGHT: RuntimeDbWeight;
    /// The version of the running runtime.
    fn version() -> RuntimeVersion;
}

// ---- types (at the crate root for their metadata paths, `frame_system::*`) ----------

/// What `System.Account` holds for one account.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct AccountInfo<AccountData> {
    /// Transactions sent so far.
    pub nonce: u32,
    /// References that keep the account from being reaped (reserves, locks).
    pub consumers: u32,
    /// References that let the account exist (a balance above the existential deposit).
    pub providers: u32,
    /// Self-sufficient references (unused by Lattice's pallets).
    pub sufficients: u32,
    /// Pallet data: the balances.
    pub data: AccountData,
}

/// Where in the block an event was emitted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub enum Phase {
    /// While applying the extrinsic with this index.
    ApplyExtrinsic(u32),
    /// In `on_finalize` hooks.
    Finalization,
    /// In `on_initialize` hooks and inherents-before-extrinsics.
    Initialization,
}

/// One event with its phase and topics.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct EventRecord<E> {
    /// When it was emitted.
    pub phase: Phase,
    /// The event.
    pub event: E,
    /// Topics it is indexed under.
    pub topics: Vec<H256>,
}

/// The runtime version recorded at the last upgrade.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct LastRuntimeUpgradeInfo {
    /// The spec version.
    #[codec(compact)]
    pub spec_version: u32,
    /// The spec name.
    pub spec_name: alloc::string::String,
}

impl From<&RuntimeVersion> for LastRuntimeUpgradeInfo {
    fn from(v: &RuntimeVersion) -> Self {
        Self { spec_version: v.spec_version, spec_name: v.spec_name.as_ref().into() }
    }
}

/// What adding a provider did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IncRefStatus {
    /// The account was created.
    Created,
    /// The account already existed.
    Existed,
}

/// What removing a provider did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecRefStatus {
    /// The account was reaped.
    Reaped,
    /// The account still exists.
    Exists,
}

storage_prefix!(pub struct AccountPrefix = PALLET, "Account";);
storage_prefix!(pub struct ExtrinsicCountPrefix = PALLET, "ExtrinsicCount";);
storage_prefix!(pub struct BlockWeightPrefix = PALLET, "BlockWeight";);
storage_prefix!(pub struct AllExtrinsicsLenPrefix = PALLET, "AllExtrinsicsLen";);
storage_prefix!(pub struct BlockHashPrefix = PALLET, "BlockHash";);
storage_prefix!(pub struct ExtrinsicDataPrefix = PALLET, "ExtrinsicData";);
storage_prefix!(pub struct NumberPrefix = PALLET, "Number";);
storage_prefix!(pub struct ParentHashPrefix = PALLET, "ParentHash";);
storage_prefix!(pub struct DigestPrefix = PALLET, "Digest";);
storage_prefix!(pub struct EventsPrefix = PALLET, "Events";);
storage_prefix!(pub struct EventCountPrefix = PALLET, "EventCount";);
storage_prefix!(pub struct EventBufferPrefix = PALLET, "EventBuffer";);
storage_prefix!(pub struct EventTopicsPrefix = PALLET, "EventTopics";);
storage_prefix!(pub struct LastRuntimeUpgradePrefix = PALLET, "LastRuntimeUpgrade";);
storage_prefix!(pub struct ExecutionPhasePrefix = PALLET, "ExecutionPhase";);

/// Account nonce, reference counts and data (balances), by account. Blake2 because
/// anyone can choose account ids.
pub type Account<T> = StorageMap<
    AccountPrefix,
    Blake2_128Concat,
    AccountId32,
    AccountInfo<<T as Config>::AccountData>,
    ValueQuery,
>;
/// Extrinsics applied so far in the current block.
pub type ExtrinsicCount = StorageValue<ExtrinsicCountPrefix, u32, OptionQuery>;
/// Weight used so far in the current block, per class.
pub type BlockWeight = StorageValue<BlockWeightPrefix, PerDispatchClass<Weight>, ValueQuery>;
/// Bytes of extrinsics applied so far in the current block.
pub type AllExtrinsicsLen = StorageValue<AllExtrinsicsLenPrefix, u32, OptionQuery>;
/// Hashes of recent blocks by number (Twox: numbers are not chosen by users).
pub type BlockHash = StorageMap<BlockHashPrefix, Twox64Concat, BlockNumber, H256, ValueQuery>;
/// The encoded extrinsics of the current block, by index; removed at finalization.
pub type ExtrinsicData = StorageMap<ExtrinsicDataPrefix, Twox64Concat, u32, Vec<u8>, ValueQuery>;
/// Number of the block being executed.
pub type Number = StorageValue<NumberPrefix, BlockNumber, ValueQuery>;
/// Hash of the parent of the block being executed.
pub type ParentHash = StorageValue<ParentHashPrefix, H256, ValueQuery>;
/// Digest of the block being executed.
pub type BlockDigest = StorageValue<DigestPrefix, Digest, ValueQuery>;
/// The events of the block, assembled at finalization; cleared when the next block starts.
pub type Events<T> =
    StorageValue<EventsPrefix, Vec<EventRecord<<T as Config>::RuntimeEvent>>, ValueQuery>;
/// Number of events deposited in the current block.
pub type EventCount = StorageValue<EventCountPrefix, u32, ValueQuery>;
/// Encoded event records of the current block by index, before assembly into `Events`.
pub type EventBuffer = StorageMap<EventBufferPrefix, Twox64Concat, u32, Vec<u8>, OptionQuery>;
/// For each topic, the `(block, event index)` of the events that named it.
pub type EventTopics =
    StorageMap<EventTopicsPrefix, Blake2_128Concat, H256, Vec<(BlockNumber, u32)>, ValueQuery>;
/// The spec version and name of the last runtime upgrade.
pub type LastRuntimeUpgrade =
    StorageValue<LastRuntimeUpgradePrefix, LastRuntimeUpgradeInfo, OptionQuery>;
/// The phase of the block being executed.
pub type ExecutionPhase = StorageValue<ExecutionPhasePrefix, Phase, OptionQuery>;

/// Events of the system pallet.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// An extrinsic completed successfully.
    ExtrinsicSuccess {
        /// Its dispatch information.
        dispatch_info: DispatchInfo,
    },
    /// An extrinsic failed; its storage changes were rolled back but its fee was paid.
    ExtrinsicFailed {
        /// Why it failed.
        dispatch_error: DispatchError,
        /// Its dispatch information.
        dispatch_info: DispatchInfo,
    },
    /// The runtime code was updated.
    CodeUpdated,
    /// A new account was created.
    NewAccount {
        /// The account.
        account: AccountId32,
    },
    /// An account was reaped.
    KilledAccount {
        /// The account.
        account: AccountId32,
    },
    /// On-chain remark happened.
    Remarked {
        /// Who made it.
        sender: AccountId32,
        /// Its blake2-256 hash.
        hash: H256,
    },
}

/// Errors of the system pallet.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Error {
    /// The new runtime's `spec_name` differs from the running one; an upgrade cannot
    /// change the chain's logic family.
    InvalidSpecName,
    /// The new runtime's `spec_version` is not greater than the running one; raise it.
    SpecVersionNeedsToIncrease,
    /// The new code is not a runtime the node can execute (no readable version).
    FailedToExtractRuntimeVersion,
    /// Suicide was called while the account was not empty.
    NonDefaultComposite,
    /// The account still has references; remove them first.
    NonZeroRefCount,
}

/// Calls of the system pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(non_camel_case_types)]
pub enum Call {
    /// Makes some on-chain remark (nothing is stored).
    #[codec(index = 0)]
    remark {
        /// The remark.
        remark: Vec<u8>,
    },
    /// Sets the number of 64 KiB heap pages the runtime may use (root).
    #[codec(index = 1)]
    set_heap_pages {
        /// The number of pages.
        pages: u64,
    },
    /// Replaces the runtime code after checking its version (root).
    #[codec(index = 2)]
    set_code {
        /// The new Wasm runtime.
        code: Vec<u8>,
    },
    /// Replaces the runtime code without version checks (root).
    #[codec(index = 3)]
    set_code_without_checks {
        /// The new Wasm runtime.
        code: Vec<u8>,
    },
    /// Sets raw storage items (root).
    #[codec(index = 4)]
    set_storage {
        /// The key-value pairs.
        items: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// Removes raw storage items (root).
    #[codec(index = 5)]
    kill_storage {
        /// The keys.
        keys: Vec<Vec<u8>>,
    },
    /// Removes up to `subkeys` keys under a prefix (root).
    #[codec(index = 6)]
    kill_prefix {
        /// The prefix.
        prefix: Vec<u8>,
        /// How many keys at most.
        subkeys: u32,
    },
    /// Makes an on-chain remark and emits an event with its hash.
    #[codec(index = 7)]
    remark_with_event {
        /// The remark.
        remark: Vec<u8>,
    },
}

/// The system pallet.
pub struct Pallet<T>(PhantomData<T>);

/// A dispatchable system call bound to a runtime.
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
            Call::remark { remark: _ } => ensure_signed(origin).map(|_| ()),
            Call::remark_with_event { remark } => {
                let sender = ensure_signed(origin)?;
                let hash = lattice_primitives_hash(&remark);
                Pallet::<T>::deposit_event(Event::Remarked { sender, hash });
                Ok(())
            }
            Call::set_heap_pages { pages } => {
                ensure_root(origin)?;
                lattice_io::storage::set(well_known_keys::HEAP_PAGES, &pages.encode());
                Pallet::<T>::deposit_log(DigestItem::RuntimeEnvironmentUpdated);
                Ok(())
            }
            Call::set_code { code } => {
                ensure_root(origin)?;
                Pallet::<T>::can_set_code(&code)?;
                Pallet::<T>::update_code(&code);
                Ok(())
            }
            Call::set_code_without_checks { code } => {
                ensure_root(origin)?;
                Pallet::<T>::update_code(&code);
                Ok(())
            }
            Call::set_storage { items } => {
                ensure_root(origin)?;
                for (k, v) in items {
                    lattice_io::storage::set(&k, &v);
                }
                Ok(())
            }
            Call::kill_storage { keys } => {
                ensure_root(origin)?;
                for k in keys {
                    lattice_io::storage::clear(&k);
                }
                Ok(())
            }
            Call::kill_prefix { prefix, subkeys } => {
                ensure_root(origin)?;
                lattice_io::storage::clear_prefix(&prefix, Some(subkeys));
                Ok(())
            }
        }
    }
}

fn lattice_primitives_hash(data: &[u8]) -> H256 {
    H256(lattice_io::hashing::blake2_256(data))
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Call::remark { remark } | Call::remark_with_event { remark } => {
                normal(1_000_000 + remark.len() as u64 * 1_000, 0)
            }
            Call::set_heap_pages { .. } => operational(100_000_000),
            // Reading the new code's version compiles it on the node: charge 200 ms.
            Call::set_code { .. } | Call::set_code_without_checks { .. } => operational(
                200 * lattice_support::lattice_primitives::dispatch::WEIGHT_REF_TIME_PER_MILLIS,
            ),
            Call::set_storage { items } => operational(10_000_000 * items.len() as u64),
            Call::kill_storage { keys } => operational(10_000_000 * keys.len() as u64),
            Call::kill_prefix { subkeys, .. } => operational(10_000_000 * *subkeys as u64),
        }
    }
}

impl<T: Config> Pallet<T> {
    /// The index of this pallet's errors.
    fn error(e: Error) -> DispatchError {
        module_error(T::PALLET_INDEX, e)
    }

    /// Builds the genesis state of the pallet.
    pub fn build_genesis() {
        // The genesis block's hash is not known while its state is built: like Substrate,
        // store a placeholder, replaced by the real hash when block 1 starts.
        BlockHash::insert(&0, &H256([69; 32]));
        ParentHash::put(&H256([69; 32]));
        LastRuntimeUpgrade::put(&LastRuntimeUpgradeInfo::from(&T::version()));
    }

    // ---- block lifecycle -------------------------------------------------------------

    /// Starts executing block `number` on top of `parent_hash`.
    pub fn initialize(number: BlockNumber, parent_hash: H256, digest: Digest) {
        ExecutionPhase::put(&Phase::Initialization);
        ExtrinsicCount::kill();
        AllExtrinsicsLen::kill();
        BlockWeight::kill();
        Number::put(&number);
        ParentHash::put(&parent_hash);
        BlockDigest::put(&digest);
        if let Some(parent) = number.checked_sub(1) {
            BlockHash::insert(&parent, &parent_hash);
        }
        // Events of the previous block are gone once the next block starts.
        Events::<T>::kill();
        EventCount::kill();
    }

    /// Marks the start of extrinsic application (after inherents and hooks).
    pub fn note_finished_initialize() {
        ExecutionPhase::put(&Phase::ApplyExtrinsic(0));
    }

    /// Records that extrinsic `encoded` was applied (with any outcome) and moves the
    /// phase to the next index.
    pub fn note_applied_extrinsic(encoded: Vec<u8>, outcome: &DispatchResult, info: DispatchInfo) {
        let event = match outcome {
            Ok(()) => Event::ExtrinsicSuccess { dispatch_info: info },
            Err(e) => Event::ExtrinsicFailed { dispatch_error: *e, dispatch_info: info },
        };
        Self::deposit_event(event);
        let index = ExtrinsicCount::get().unwrap_or(0);
        ExtrinsicData::insert(&index, &encoded);
        ExtrinsicCount::put(&(index + 1));
        ExecutionPhase::put(&Phase::ApplyExtrinsic(index + 1));
    }

    /// Marks the start of finalization hooks.
    pub fn note_finished_extrinsics() {
        ExecutionPhase::put(&Phase::Finalization);
    }

    /// Ends the block: assembles the events, prunes old block hashes and returns the
    /// header (state root included).
    pub fn finalize() -> Header {
        ExecutionPhase::kill();
        AllExtrinsicsLen::kill();
        let number = Number::get();
        let parent_hash = ParentHash::get();
        let digest = BlockDigest::get();

        let count = ExtrinsicCount::take().unwrap_or(0);
        let extrinsics: Vec<Vec<u8>> = (0..count).map(|i| ExtrinsicData::take(&i)).collect();
        let extrinsics_root = H256(lattice_io::trie::blake2_256_ordered_root(&extrinsics));

        if let Some(old) = number.checked_sub(T::BLOCK_HASH_COUNT) {
            if old > 0 {
                BlockHash::remove(&old);
            }
        }
        Self::assemble_events();

        let state_root = H256(lattice_io::storage::root());
        Header { parent_hash, number, state_root, extrinsics_root, digest }
    }

    /// Joins the buffered event records into `System.Events` without decoding them: the
    /// encoding of a `Vec` is its compact length followed by the items.
    fn assemble_events() {
        let count = EventCount::get();
        let mut raw = codec::Compact(count).encode();
        for i in 0..count {
            let key = EventBuffer::key(&i);
            if let Some(record) = lattice_io::storage::get(&key) {
                // The buffer holds `Vec<u8>`-encoded records: skip their length prefix.
                if let Ok(bytes) = Vec::<u8>::decode(&mut &record[..]) {
                    raw.extend_from_slice(&bytes);
                }
            }
        }
        EventBuffer::clear(None);
        lattice_io::storage::set(&Events::<T>::key(), &raw);
    }

    // ---- events and digest -----------------------------------------------------------

    /// Deposits an event of any pallet.
    pub fn deposit_event(event: impl Into<T::RuntimeEvent>) {
        Self::deposit_event_indexed(&[], event.into())
    }

    /// Deposits an event with topics (indexed in `EventTopics`).
    pub fn deposit_event_indexed(topics: &[H256], event: T::RuntimeEvent) {
        // Outside block execution (genesis) there is no block to report events in, as in
        // Substrate; the phase is set for exactly the duration of a block.
        let Some(phase) = ExecutionPhase::get() else {
            return;
        };
        let index = EventCount::get();
        let record = EventRecord { phase, event, topics: topics.to_vec() };
        EventBuffer::insert(&index, &record.encode());
        EventCount::put(&(index + 1));
        if !topics.is_empty() {
            let number = Number::get();
            for topic in topics {
                EventTopics::mutate(topic, |list| list.push((number, index)));
            }
        }
    }

    /// Appends an item to the block's digest.
    pub fn deposit_log(item: DigestItem) {
        BlockDigest::mutate(|d| d.logs.push(item));
    }

    /// The events deposited so far in this block (decoded; for tests and tools).
    pub fn events() -> Vec<EventRecord<T::RuntimeEvent>> {
        let stored = Events::<T>::get();
        if !stored.is_empty() {
            return stored;
        }
        (0..EventCount::get())
            .filter_map(|i| EventBuffer::get(&i))
            .filter_map(|raw| EventRecord::decode(&mut &raw[..]).ok())
            .collect()
    }

    // ---- accounts ----------------------------------------------------------------------

    /// The nonce of `who`.
    pub fn account_nonce(who: &AccountId32) -> u32 {
        Account::<T>::get(who).nonce
    }

    /// Increments the nonce of `who`.
    pub fn inc_account_nonce(who: &AccountId32) {
        Account::<T>::mutate(who, |a| a.nonce = a.nonce.wrapping_add(1));
    }

    /// Whether `who` exists (has a provider).
    pub fn account_exists(who: &AccountId32) -> bool {
        Account::<T>::contains_key(who)
    }

    /// Adds a provider reference; the first one creates the account.
    pub fn inc_providers(who: &AccountId32) -> IncRefStatus {
        Account::<T>::mutate(who, |a| {
            a.providers = a.providers.saturating_add(1);
            if a.providers == 1 && a.sufficients == 0 {
                Self::deposit_event(Event::NewAccount { account: *who });
                IncRefStatus::Created
            } else {
                IncRefStatus::Existed
            }
        })
    }

    /// Removes a provider reference; the last one (with no consumers) reaps the account,
    /// removing its entry. Fails with `ConsumerRemaining` when consumers remain.
    pub fn dec_providers(who: &AccountId32) -> Result<DecRefStatus, DispatchError> {
        let key = Account::<T>::key(who);
        let Some(mut info) = lattice_support::storage::get::<AccountInfo<T::AccountData>>(&key)
        else {
            return Ok(DecRefStatus::Exists);
        };
        if info.providers <= 1 && info.sufficients == 0 {
            if info.consumers > 0 {
                return Err(DispatchError::ConsumerRemaining);
            }
            Account::<T>::remove(who);
            Self::deposit_event(Event::KilledAccount { account: *who });
            return Ok(DecRefStatus::Reaped);
        }
        info.providers = info.providers.saturating_sub(1);
        Account::<T>::insert(who, &info);
        Ok(DecRefStatus::Exists)
    }

    /// Adds a consumer reference (a reserve or lock that keeps the account alive).
    pub fn inc_consumers(who: &AccountId32) -> Result<(), DispatchError> {
        Account::<T>::try_mutate(who, |a| {
            if a.providers == 0 && a.sufficients == 0 {
                return Err(DispatchError::NoProviders);
            }
            a.consumers = a.consumers.saturating_add(1);
            Ok(())
        })
    }

    /// Removes a consumer reference.
    pub fn dec_consumers(who: &AccountId32) {
        if Account::<T>::contains_key(who) {
            Account::<T>::mutate(who, |a| a.consumers = a.consumers.saturating_sub(1));
        }
    }

    /// The data (balances) of `who`.
    pub fn account_data(who: &AccountId32) -> T::AccountData {
        Account::<T>::get(who).data
    }

    /// Writes the data of `who` without touching reference counts. Used by `balances`,
    /// which manages providers itself.
    pub fn set_account_data(who: &AccountId32, data: T::AccountData) {
        Account::<T>::mutate(who, |a| a.data = data);
    }

    // ---- runtime upgrades --------------------------------------------------------------

    /// Checks that `code` may replace the running runtime.
    pub fn can_set_code(code: &[u8]) -> DispatchResult {
        let raw = lattice_io::misc::runtime_version(code)
            .ok_or(Self::error(Error::FailedToExtractRuntimeVersion))?;
        let new = RuntimeVersion::decode(&mut &raw[..])
            .map_err(|_| Self::error(Error::FailedToExtractRuntimeVersion))?;
        T::version().can_upgrade_to(&new).map_err(|e| match e {
            lattice_support::lattice_primitives::version::UpgradeRefusal::InvalidSpecName => {
                Self::error(Error::InvalidSpecName)
            }
            lattice_support::lattice_primitives::version::UpgradeRefusal::SpecVersionNeedsToIncrease => {
                Self::error(Error::SpecVersionNeedsToIncrease)
            }
        })
    }

    /// Writes `code` to `:code` and signals it in the digest; the node runs it from the
    /// next block.
    pub fn update_code(code: &[u8]) {
        lattice_io::storage::set(well_known_keys::CODE, code);
        Self::deposit_log(DigestItem::RuntimeEnvironmentUpdated);
        Self::deposit_event(Event::CodeUpdated);
    }

    /// Whether the running runtime is newer than the last one recorded; records it.
    /// The executive then runs the pallets' `on_runtime_upgrade`.
    pub fn note_runtime_upgrade() -> bool {
        let current = LastRuntimeUpgradeInfo::from(&T::version());
        let upgraded = LastRuntimeUpgrade::get().is_none_or(|last| last != current);
        if upgraded {
            LastRuntimeUpgrade::put(&current);
        }
        upgraded
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .calls::<Call>()
            .event::<Event>()
            .error::<Error>()
            .storage([
                Account::<T>::metadata(&["The full account information for a particular account ID."]),
                ExtrinsicCount::metadata(&["Total extrinsics count for the current block."]),
                BlockWeight::metadata(&["The current weight for the block."]),
                AllExtrinsicsLen::metadata(&["Total length (in bytes) for all extrinsics put together, for the current block."]),
                BlockHash::metadata(&["Map of block numbers to block hashes."]),
                ExtrinsicData::metadata(&["Extrinsics data for the current block (maps an extrinsic's index to its data)."]),
                Number::metadata(&["The current block number being processed. Set by `execute_block`."]),
                ParentHash::metadata(&["Hash of the previous block."]),
                BlockDigest::metadata(&["Digest of the current block, also part of the block header."]),
                Events::<T>::metadata(&["Events deposited for the current block; assembled at the end of the block."]),
                EventCount::metadata(&["The number of events in the `Events<T>` list."]),
                EventBuffer::metadata(&["Encoded event records of the block being executed, before assembly into `Events`."]),
                EventTopics::metadata(&["Mapping between a topic and the events that named it."]),
                LastRuntimeUpgrade::metadata(&["Stores the `spec_version` and `spec_name` of when the last runtime upgrade happened."]),
                ExecutionPhase::metadata(&["The execution phase of the block."]),
            ])
            .constants([
                constant("BlockWeights", &T::BLOCK_WEIGHTS, &["Block & extrinsics weights: base values and limits."]),
                constant("BlockLength", &T::BLOCK_LENGTH, &["The maximum length of a block (in bytes)."]),
                constant("BlockHashCount", &T::BLOCK_HASH_COUNT, &["Maximum number of block number to block hash mappings to keep (oldest pruned first)."]),
                constant("DbWeight", &T::DB_WEIGHT, &["The weight of runtime database operations the runtime can invoke."]),
                constant("Version", &T::version(), &["Get the chain's in-code version."]),
                constant("SS58Prefix", &T::SS58_PREFIX, &["The designated SS58 prefix of this chain."]),
            ])
            .docs(&["The system pallet: accounts, events, block lifecycle and runtime upgrades."])
    }
}

impl<T: Config> lattice_support::traits::Hooks for Pallet<T> {
    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        // 1. Every stored account has a provider or a sufficient reference.
        for (_, info) in Account::<T>::iter() {
            if info.providers == 0 && info.sufficients == 0 {
                return Err("an account without providers is stored");
            }
        }
        Ok(())
    }
}

/// Asserts that the last event deposited is `event` (for tests of every pallet).
#[cfg(feature = "std")]
pub fn assert_last_event<T: Config>(event: T::RuntimeEvent)
where
    T::RuntimeEvent: core::fmt::Debug + PartialEq,
{
    let events = Pallet::<T>::events();
    assert_eq!(events.last().map(|r| &r.event), Some(&event), "all events: {events:?}");
}
