//! A test runtime with the system and timestamp pallets.

use crate as pallet_timestamp;
use codec::{Decode, Encode};
use core::cell::Cell;
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::{BlockNumber, DispatchError, DispatchResult};
use pallet_system::test_utils;
use scale_info::TypeInfo;

/// The test runtime.
pub(crate) struct Test;

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    /// System.
    System(pallet_system::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event) });

pallet_system::impl_test_config!(Test, RuntimeEvent, ());

/// The pallet's index in the test runtime.
pub(crate) const TIMESTAMP_INDEX: u8 = 1;
/// The minimum period of the test runtime, in milliseconds.
pub(crate) const MINIMUM_PERIOD: u64 = 1_000;

thread_local! {
    /// Makes `on_timestamp_set` fail, to test that `set` then leaves no trace.
    pub(crate) static FAIL_HOOK: Cell<bool> = const { Cell::new(false) };
    /// The times `on_timestamp_set` was called with.
    pub(crate) static HOOK_CALLS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl pallet_timestamp::Config for Test {
    const PALLET_INDEX: u8 = TIMESTAMP_INDEX;
    const MINIMUM_PERIOD: u64 = MINIMUM_PERIOD;
    fn on_timestamp_set(now: u64) -> DispatchResult {
        if FAIL_HOOK.with(Cell::get) {
            return Err(DispatchError::Other);
        }
        HOOK_CALLS.with(|c| c.borrow_mut().push(now));
        Ok(())
    }
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Timestamp = crate::Pallet<Test>;

/// Genesis of the test runtime.
#[derive(Default)]
pub(crate) struct ExtBuilder;

impl ExtBuilder {
    /// Externalities holding the genesis state.
    pub(crate) fn build(self) -> TestExternalities {
        FAIL_HOOK.with(|f| f.set(false));
        HOOK_CALLS.with(|c| c.borrow_mut().clear());
        let mut ext = TestExternalities::default();
        ext.execute_with(System::build_genesis);
        ext
    }
}

/// Starts block `n`: system initialization and `on_initialize` hooks.
pub(crate) fn start_block(n: BlockNumber) {
    test_utils::start_block::<Test, Timestamp>(n, Digest::default());
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    test_utils::end_block::<Test, Timestamp>();
}

/// Runs blocks up to `n`, each with the timestamp `block * 2 * MINIMUM_PERIOD`.
pub(crate) fn run_to_block(n: BlockNumber) {
    use lattice_support::dispatch::{Dispatchable, Origin};
    while pallet_system::Number::get() < n {
        let b = pallet_system::Number::get() + 1;
        start_block(b);
        let now = u64::from(b) * 2 * MINIMUM_PERIOD;
        crate::Dispatch::<Test>::new(crate::Call::set { now })
            .dispatch(Origin::None)
            .expect("the block's timestamp is valid");
        end_block();
    }
}
