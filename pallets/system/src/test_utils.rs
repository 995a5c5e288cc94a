//! The system configuration shared by the pallets' test runtimes: block limits, a DB
//! weight and a runtime version, and [`impl_test_config!`](crate::impl_test_config) that
//! writes `impl pallet_system::Config` from them, so a mock states only what its tests
//! depend on; [`start_block`] and [`end_block`], which run a test block through the
//! hooks of system and one pallet; and [`logger`], a pallet for tests of pallets that
//! dispatch other calls.
//!
//! Enabled by the `test-utils` feature (a pallet's `[dev-dependencies]`) and in this
//! crate's own tests.

use crate::{
    BlockLength, BlockWeights, Config, Pallet, PerDispatchClass, RuntimeDbWeight, WeightsPerClass,
};
use alloc::borrow::Cow;
use lattice_support::lattice_primitives::{Digest, H256};
use lattice_support::traits::Hooks;
use lattice_support::Weight;

#[doc(hidden)]
pub use lattice_support::{lattice_primitives::RuntimeVersion, BlockNumber};

/// Writes `impl pallet_system::Config for $Test`, with the defaults of this module for
/// everything a mock does not name.
///
/// Every pallet's test runtime needs the same system configuration: pallet index 0,
/// SS58 prefix 42, [`BLOCK_HASH_COUNT`], [`UNLIMITED_BLOCK_WEIGHTS`],
/// [`UNLIMITED_BLOCK_LENGTH`], [`DB_WEIGHT`] and [`version()`]. This macro spares each
/// mock the thirty-line impl. It takes the runtime type, its event type and the account
/// data, then optionally, in this order, `block_hash_count`, `block_weights`,
/// `block_length`, `db_weight` and `version` (an expression returning the
/// [`RuntimeVersion`]) for a mock whose tests depend on other values.
///
/// [`BLOCK_HASH_COUNT`]: crate::test_utils::BLOCK_HASH_COUNT
/// [`UNLIMITED_BLOCK_WEIGHTS`]: crate::test_utils::UNLIMITED_BLOCK_WEIGHTS
/// [`UNLIMITED_BLOCK_LENGTH`]: crate::test_utils::UNLIMITED_BLOCK_LENGTH
/// [`DB_WEIGHT`]: crate::test_utils::DB_WEIGHT
/// [`version()`]: crate::test_utils::version
/// [`RuntimeVersion`]: lattice_support::lattice_primitives::RuntimeVersion
///
/// # Example
///
/// ```
/// use codec::{Decode, Encode};
/// use pallet_system::test_utils::{REALISTIC_BLOCK_WEIGHTS, REALISTIC_DB_WEIGHT};
/// use scale_info::TypeInfo;
///
/// struct Test;
///
/// #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
/// enum RuntimeEvent {
///     System(pallet_system::Event),
/// }
/// lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event) });
///
/// // The defaults, except the weights a fee test would measure.
/// pallet_system::impl_test_config!(
///     Test,
///     RuntimeEvent,
///     (),
///     block_weights: REALISTIC_BLOCK_WEIGHTS,
///     db_weight: REALISTIC_DB_WEIGHT,
/// );
///
/// use pallet_system::Config;
/// assert_eq!(<Test as Config>::BLOCK_HASH_COUNT, 250);
/// assert_eq!(<Test as Config>::DB_WEIGHT, REALISTIC_DB_WEIGHT);
/// assert_eq!(<Test as Config>::version().spec_version, 1);
/// ```
#[macro_export]
macro_rules! impl_test_config {
    // An override if the mock gave one, else the default.
    (@or $default:expr) => {
        $default
    };
    (@or $default:expr, $value:expr) => {
        $value
    };
    (
        $test:ty,
        $event:ty,
        $account_data:ty
        $(, block_hash_count: $block_hash_count:expr)?
        $(, block_weights: $block_weights:expr)?
        $(, block_length: $block_length:expr)?
        $(, db_weight: $db_weight:expr)?
        $(, version: $version:expr)?
        $(,)?
    ) => {
        impl $crate::Config for $test {
            const PALLET_INDEX: u8 = 0;
            type RuntimeEvent = $event;
            type AccountData = $account_data;
            const BLOCK_HASH_COUNT: $crate::test_utils::BlockNumber = $crate::impl_test_config!(
                @or $crate::test_utils::BLOCK_HASH_COUNT $(, $block_hash_count)?
            );
            const SS58_PREFIX: u16 = 42;
            const BLOCK_WEIGHTS: $crate::BlockWeights = $crate::impl_test_config!(
                @or $crate::test_utils::UNLIMITED_BLOCK_WEIGHTS $(, $block_weights)?
            );
            const BLOCK_LENGTH: $crate::BlockLength = $crate::impl_test_config!(
                @or $crate::test_utils::UNLIMITED_BLOCK_LENGTH $(, $block_length)?
            );
            const DB_WEIGHT: $crate::RuntimeDbWeight = $crate::impl_test_config!(
                @or $crate::test_utils::DB_WEIGHT $(, $db_weight)?
            );
            fn version() -> $crate::test_utils::RuntimeVersion {
                $crate::impl_test_config!(@or $crate::test_utils::version() $(, $version)?)
            }
        }
    };
}

/// How many recent block hashes a test runtime keeps.
pub const BLOCK_HASH_COUNT: BlockNumber = 250;

/// Weight limits that never stop a test: no base weights, no maximum, nothing reserved.
pub const UNLIMITED_BLOCK_WEIGHTS: BlockWeights = BlockWeights {
    base_block: Weight::ZERO,
    max_block: Weight::from_parts(u64::MAX, u64::MAX),
    per_class: PerDispatchClass {
        normal: NO_CLASS_LIMITS,
        operational: NO_CLASS_LIMITS,
        mandatory: NO_CLASS_LIMITS,
    },
};

/// Length limits that never stop a test.
pub const UNLIMITED_BLOCK_LENGTH: BlockLength = BlockLength {
    max: PerDispatchClass { normal: u32::MAX, operational: u32::MAX, mandatory: u32::MAX },
};

/// A small DB weight, for tests that do not measure it.
pub const DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: 10, write: 100 };

/// Production-like weight limits, for tests of fees and block fullness: a 2 s block of
/// which normal extrinsics may fill 75 % (operational 87.5 %), a 5 ms empty block and a
/// 100 µs base weight per extrinsic.
pub const REALISTIC_BLOCK_WEIGHTS: BlockWeights = BlockWeights {
    base_block: Weight::from_parts(5_000_000_000, 0),
    max_block: Weight::from_parts(2_000_000_000_000, u64::MAX),
    per_class: PerDispatchClass {
        normal: realistic_class(1_500_000_000_000),
        operational: realistic_class(1_750_000_000_000),
        mandatory: realistic_class(2_000_000_000_000),
    },
};

/// Production-like length limits: 5 MiB, of which normal extrinsics may fill 75 %.
pub const REALISTIC_BLOCK_LENGTH: BlockLength = BlockLength {
    max: PerDispatchClass { normal: 3_932_160, operational: 5_242_880, mandatory: 5_242_880 },
};

/// Production-like DB weight: 25 µs a read, 100 µs a write.
pub const REALISTIC_DB_WEIGHT: RuntimeDbWeight =
    RuntimeDbWeight { read: 25_000_000, write: 100_000_000 };

/// The version of a test runtime: "test", every version 1, no APIs.
pub fn version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: Cow::Borrowed("test"),
        impl_name: Cow::Borrowed("test"),
        authoring_version: 1,
        spec_version: 1,
        impl_version: 1,
        apis: Cow::Borrowed(&[]),
        transaction_version: 1,
        system_version: 1,
    }
}

const NO_CLASS_LIMITS: WeightsPerClass = WeightsPerClass {
    base_extrinsic: Weight::ZERO,
    max_extrinsic: None,
    max_total: None,
    reserved: None,
};

const fn realistic_class(max_total: u64) -> WeightsPerClass {
    WeightsPerClass {
        base_extrinsic: Weight::from_parts(100_000_000, 0),
        max_extrinsic: None,
        max_total: Some(Weight::from_parts(max_total, u64::MAX)),
        reserved: None,
    }
}

/// Starts block `n` of runtime `T` with header digest `digest`: system initialization,
/// then the `on_initialize` hooks of system and of pallet `P`. The parent hash is
/// `[n; 32]`.
pub fn start_block<T: Config, P: Hooks>(n: BlockNumber, digest: Digest) {
    Pallet::<T>::initialize(n, H256([n as u8; 32]), digest);
    Pallet::<T>::on_initialize(n);
    P::on_initialize(n);
    Pallet::<T>::note_finished_initialize();
}

/// Ends the current block of runtime `T`: the `on_finalize` hooks of system and of pallet
/// `P`, system finalization, then both pallets' invariants (panicking if one fails).
pub fn end_block<T: Config, P: Hooks>() {
    let n = crate::Number::get();
    Pallet::<T>::note_finished_extrinsics();
    Pallet::<T>::on_finalize(n);
    P::on_finalize(n);
    Pallet::<T>::finalize();
    Pallet::<T>::try_state(n).expect("system invariants hold");
    if let Err(e) = P::try_state(n) {
        panic!("{} invariants hold: {e:?}", core::any::type_name::<P>());
    }
}

/// A pallet for tests of pallets that dispatch other calls (sudo, utility): its calls
/// record their origin in [`Log`](logger::Log), fail on request after writing, or need
/// root or the none origin. A test runtime adds [`Call`](logger::Call) as a variant of
/// its call type.
pub mod logger {
    use alloc::vec::Vec;
    use codec::{Decode, Encode};
    use lattice_support::dispatch::{
        ensure_none, ensure_root, mandatory, normal, operational, DispatchInfo, Dispatchable,
        GetDispatchInfo, Origin,
    };
    use lattice_support::storage::{StorageValue, ValueQuery};
    use lattice_support::{storage_prefix, AccountId32, DispatchError, DispatchResult};
    use scale_info::TypeInfo;

    /// Who made a logged call.
    #[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
    pub enum Who {
        /// The root origin.
        Root,
        /// A signed origin.
        Signed(AccountId32),
        /// The none origin.
        Nobody,
    }

    storage_prefix!(pub struct LogPrefix = "Logger", "Log";);
    /// Every logged call, in order.
    pub type Log = StorageValue<LogPrefix, Vec<(Who, u32)>, ValueQuery>;

    /// Calls of the logger.
    #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
    #[allow(non_camel_case_types)]
    pub enum Call {
        /// Logs `i` with the origin (root or signed), then fails with `Other` if `fail`.
        #[codec(index = 0)]
        log {
            /// The number logged; also sets the weight ([`log_weight`]).
            i: u32,
            /// Whether the call fails after logging.
            fail: bool,
        },
        /// Logs `i`; root only.
        #[codec(index = 1)]
        privileged_log {
            /// The number logged.
            i: u32,
        },
        /// Logs `i`; none origin only, mandatory class (like an inherent).
        #[codec(index = 2)]
        inherent_log {
            /// The number logged.
            i: u32,
        },
    }

    /// `ref_time` of `log { i, .. }`: `1_000 + i`, so tests can tell weights apart.
    pub fn log_weight(i: u32) -> u64 {
        1_000 + u64::from(i)
    }

    impl Dispatchable for Call {
        fn dispatch(self, origin: Origin) -> DispatchResult {
            match self {
                Call::log { i, fail } => {
                    let who = match origin {
                        Origin::Root => Who::Root,
                        Origin::Signed(who) => Who::Signed(who),
                        Origin::None => return Err(DispatchError::BadOrigin),
                    };
                    Log::mutate(|log| log.push((who, i)));
                    if fail {
                        return Err(DispatchError::Other);
                    }
                    Ok(())
                }
                Call::privileged_log { i } => {
                    ensure_root(origin)?;
                    Log::mutate(|log| log.push((Who::Root, i)));
                    Ok(())
                }
                Call::inherent_log { i } => {
                    ensure_none(origin)?;
                    Log::mutate(|log| log.push((Who::Nobody, i)));
                    Ok(())
                }
            }
        }
    }

    impl GetDispatchInfo for Call {
        fn get_dispatch_info(&self) -> DispatchInfo {
            match self {
                Call::log { i, .. } => normal(log_weight(*i), 7),
                Call::privileged_log { i } => operational(log_weight(*i)),
                Call::inherent_log { i } => mandatory(log_weight(*i)),
            }
        }
    }
}
