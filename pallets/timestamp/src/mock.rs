//! A test runtime with the system and timestamp pallets.

use crate as pallet_timestamp;
use codec::{Decode, Encode};
use core::cell::Cell;
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::{Digest, RuntimeVersion, H256};
use lattice_support::traits::Hooks;
use lattice_support::{BlockNumber, DispatchError, DispatchResult, Weight};
use pallet_system::{
    BlockLength, BlockWeights, PerDispatchClass, RuntimeDbWeight, WeightsPerClass,
};
use scale_info::TypeInfo;
use std::borrow::Cow;

/// The test runtime.
pub(crate) struct Test;

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    /// System.
    System(pallet_system::Event),
}

impl From<pallet_system::Event> for RuntimeEvent {
    fn from(e: pallet_system::Event) -> Self {
        Self::System(e)
    }
}

const NO_LIMITS: WeightsPerClass = WeightsPerClass {
    base_extrinsic: Weight::ZERO,
    max_extrinsic: None,
    max_total: None,
    reserved: None,
};

impl pallet_system::Config for Test {
    const PALLET_INDEX: u8 = 0;
    type RuntimeEvent = RuntimeEvent;
    type AccountData = ();
    const BLOCK_HASH_COUNT: BlockNumber = 250;
    const SS58_PREFIX: u16 = 42;
    const BLOCK_WEIGHTS: BlockWeights = BlockWeights {
        base_block: Weight::ZERO,
        max_block: Weight::from_parts(u64::MAX, u64::MAX),
        per_class: PerDispatchClass {
            normal: NO_LIMITS,
            operational: NO_LIMITS,
            mandatory: NO_LIMITS,
        },
    };
    const BLOCK_LENGTH: BlockLength = BlockLength {
        max: PerDispatchClass { normal: u32::MAX, operational: u32::MAX, mandatory: u32::MAX },
    };
    const DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: 10, write: 100 };
    fn version() -> RuntimeVersion {
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
}

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
    System::initialize(n, H256([n as u8; 32]), Digest::default());
    System::on_initialize(n);
    Timestamp::on_initialize(n);
    System::note_finished_initialize();
}

/// Ends the current block: `on_finalize` hooks, the invariants, system finalization.
pub(crate) fn end_block() {
    let n = pallet_system::Number::get();
    System::note_finished_extrinsics();
    System::on_finalize(n);
    Timestamp::on_finalize(n);
    System::finalize();
    System::try_state(n).expect("system invariants hold");
    Timestamp::try_state(n).expect("timestamp invariants hold");
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
