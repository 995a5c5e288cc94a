//! A test runtime with the system and utility pallets, and a `Logger` pallet whose calls
//! record their origin, fail on request after writing, or need root.

use crate as pallet_utility;
use codec::{Decode, Encode};
use lattice_support::dispatch::{DispatchInfo, Dispatchable, GetDispatchInfo, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::{Digest, H256};
use lattice_support::traits::Hooks;
use lattice_support::{AccountId32, BlockNumber, DispatchResult};
use scale_info::TypeInfo;

/// The test runtime.
pub(crate) struct Test;

/// Calls of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeCall {
    /// System.
    #[codec(index = 0)]
    System(pallet_system::Call),
    /// Logger.
    #[codec(index = 1)]
    Logger(logger::Call),
    /// Utility.
    #[codec(index = 7)]
    Utility(crate::Call<Test>),
}

impl Dispatchable for RuntimeCall {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self {
            Self::System(c) => pallet_system::Dispatch::<Test>::new(c).dispatch(origin),
            Self::Logger(c) => c.dispatch(origin),
            Self::Utility(c) => c.dispatch(origin),
        }
    }
}

impl GetDispatchInfo for RuntimeCall {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Self::System(c) => c.get_dispatch_info(),
            Self::Logger(c) => c.get_dispatch_info(),
            Self::Utility(c) => c.get_dispatch_info(),
        }
    }
}

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    /// System.
    System(pallet_system::Event),
    /// Utility.
    Utility(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event), Utility(crate::Event) });

pallet_system::impl_test_config!(Test, RuntimeEvent, ());

/// The utility pallet's index in the test runtime.
pub(crate) const UTILITY_INDEX: u8 = 7;
/// The most calls in a batch, in the test runtime.
pub(crate) const BATCHED_CALLS_LIMIT: u32 = 5;

impl pallet_utility::Config for Test {
    const PALLET_INDEX: u8 = UTILITY_INDEX;
    type RuntimeCall = RuntimeCall;
    const BATCHED_CALLS_LIMIT: u32 = BATCHED_CALLS_LIMIT;
}

/// A pallet for tests: its calls record who made them.
pub(crate) mod logger {
    use super::*;
    use lattice_support::dispatch::{mandatory, normal, operational};
    use lattice_support::storage::{StorageValue, ValueQuery};
    use lattice_support::{storage_prefix, DispatchError};

    /// Who made a logged call.
    #[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
    pub(crate) enum Who {
        /// The root origin.
        Root,
        /// A signed origin.
        Signed(AccountId32),
        /// The none origin.
        Nobody,
    }

    storage_prefix!(pub(crate) struct LogPrefix = "Logger", "Log";);
    /// Every logged call, in order.
    pub(crate) type Log = StorageValue<LogPrefix, Vec<(Who, u32)>, ValueQuery>;

    /// Calls of the logger.
    #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
    #[allow(non_camel_case_types)]
    pub(crate) enum Call {
        /// Logs `i` with the origin (root or signed), then fails with `Other` if `fail`.
        #[codec(index = 0)]
        log { i: u32, fail: bool },
        /// Logs `i`; root only.
        #[codec(index = 1)]
        privileged_log { i: u32 },
        /// Logs `i`; none origin only, mandatory class (like an inherent).
        #[codec(index = 2)]
        inherent_log { i: u32 },
    }

    /// `ref_time` of `log { i, .. }`: `1_000 + i`, so tests can tell weights apart.
    pub(crate) fn log_weight(i: u32) -> u64 {
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
                    lattice_support::dispatch::ensure_root(origin)?;
                    Log::mutate(|log| log.push((Who::Root, i)));
                    Ok(())
                }
                Call::inherent_log { i } => {
                    lattice_support::dispatch::ensure_none(origin)?;
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

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Utility = crate::Pallet<Test>;

/// An account.
pub(crate) const ALICE: AccountId32 = AccountId32([1; 32]);

/// Genesis of the test runtime.
#[derive(Default)]
pub(crate) struct ExtBuilder;

impl ExtBuilder {
    /// Externalities holding the genesis state, in block 1 (so events are recorded).
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            start_block(1);
        });
        ext
    }
}

/// Starts block `n`.
pub(crate) fn start_block(n: BlockNumber) {
    System::initialize(n, H256([n as u8; 32]), Digest::default());
    System::on_initialize(n);
    Utility::on_initialize(n);
    System::note_finished_initialize();
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    let n = pallet_system::Number::get();
    System::note_finished_extrinsics();
    System::on_finalize(n);
    Utility::on_finalize(n);
    System::finalize();
    System::try_state(n).expect("system invariants hold");
    Utility::try_state(n).expect("utility invariants hold");
}

/// Ends the open block and opens the following ones until block `n` is open.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        end_block();
        start_block(pallet_system::Number::get() + 1);
    }
}
