//! A test runtime with the system and utility pallets, and a `Logger` pallet whose calls
//! record their origin, fail on request after writing, or need root.

use crate as pallet_utility;
use codec::{Decode, Encode};
use lattice_support::dispatch::{DispatchInfo, Dispatchable, GetDispatchInfo, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::{AccountId32, BlockNumber, DispatchResult};
use pallet_system::test_utils;
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

/// The logger test pallet, as `Logger` in [`RuntimeCall`].
pub(crate) use pallet_system::test_utils::logger;

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
    test_utils::start_block::<Test, Utility>(n, Digest::default());
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    test_utils::end_block::<Test, Utility>();
}

/// Ends the open block and opens the following ones until block `n` is open.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        end_block();
        start_block(pallet_system::Number::get() + 1);
    }
}
