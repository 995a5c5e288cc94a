//! A test runtime with `System` (index 0) and `Balances` (index 5).

use crate::{AccountData, Config, GenesisConfig};
use alloc::borrow::Cow;
use codec::{Decode, Encode};
use lattice_support::dispatch::{DispatchResult, Dispatchable, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::{Digest, RuntimeVersion};
use lattice_support::traits::Hooks;
use lattice_support::{AccountId32, Balance, BlockNumber, Weight, H256};
use pallet_system::{
    BlockLength, BlockWeights, PerDispatchClass, RuntimeDbWeight, WeightsPerClass,
};
use scale_info::TypeInfo;

/// The test runtime.
pub(crate) struct Test;

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    #[codec(index = 0)]
    System(pallet_system::Event),
    #[codec(index = 5)]
    Balances(crate::Event),
}

impl From<pallet_system::Event> for RuntimeEvent {
    fn from(e: pallet_system::Event) -> Self {
        Self::System(e)
    }
}

impl From<crate::Event> for RuntimeEvent {
    fn from(e: crate::Event) -> Self {
        Self::Balances(e)
    }
}

const fn class(max_total: u64) -> WeightsPerClass {
    WeightsPerClass {
        base_extrinsic: Weight::from_parts(100_000_000, 0),
        max_extrinsic: None,
        max_total: Some(Weight::from_parts(max_total, u64::MAX)),
        reserved: None,
    }
}

impl pallet_system::Config for Test {
    const PALLET_INDEX: u8 = 0;
    type RuntimeEvent = RuntimeEvent;
    type AccountData = AccountData;
    const BLOCK_HASH_COUNT: BlockNumber = 250;
    const SS58_PREFIX: u16 = 42;
    const BLOCK_WEIGHTS: BlockWeights = BlockWeights {
        base_block: Weight::from_parts(5_000_000_000, 0),
        max_block: Weight::from_parts(2_000_000_000_000, u64::MAX),
        per_class: PerDispatchClass {
            normal: class(1_500_000_000_000),
            operational: class(1_750_000_000_000),
            mandatory: class(2_000_000_000_000),
        },
    };
    const BLOCK_LENGTH: BlockLength = BlockLength {
        max: PerDispatchClass { normal: 3_932_160, operational: 5_242_880, mandatory: 5_242_880 },
    };
    const DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: 25_000_000, write: 100_000_000 };
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

impl Config for Test {
    const PALLET_INDEX: u8 = 5;
    const EXISTENTIAL_DEPOSIT: Balance = 10;
    const MAX_FREEZES: u32 = 2;
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Balances = crate::Pallet<Test>;

pub(crate) const ALICE: AccountId32 = AccountId32([1; 32]);
pub(crate) const BOB: AccountId32 = AccountId32([2; 32]);
pub(crate) const CHARLIE: AccountId32 = AccountId32([3; 32]);
pub(crate) const ED: Balance = 10;

/// Genesis of a test: ALICE 1000, BOB 2000 by default; CHARLIE does not exist.
pub(crate) struct ExtBuilder {
    balances: Vec<(AccountId32, Balance)>,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self { balances: vec![(ALICE, 1_000), (BOB, 2_000)] }
    }
}

impl ExtBuilder {
    pub(crate) fn balances(mut self, balances: Vec<(AccountId32, Balance)>) -> Self {
        self.balances = balances;
        self
    }

    /// Genesis built, block 1 initialized.
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            GenesisConfig { balances: self.balances }.build::<Test>().expect("valid genesis");
            check_invariants();
            start_block(1, H256::zero());
        });
        ext
    }

    /// Runs `test` in block 1, then checks the invariants.
    pub(crate) fn build_and_execute(self, test: impl FnOnce()) {
        self.build().execute_with(|| {
            test();
            check_invariants();
        })
    }
}

fn start_block(n: BlockNumber, parent: H256) {
    System::initialize(n, parent, Digest::default());
    Balances::on_initialize(n);
    System::note_finished_initialize();
}

/// Panics unless every pallet's invariants hold.
pub(crate) fn check_invariants() {
    let n = pallet_system::Number::get();
    <System as Hooks>::try_state(n).expect("system invariants");
    Balances::try_state(n).expect("balances invariants");
}

/// Finalizes blocks until block `n` is being executed, checking the invariants after
/// each.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        let now = pallet_system::Number::get();
        Balances::on_finalize(now);
        System::note_finished_extrinsics();
        let header = System::finalize();
        check_invariants();
        start_block(now + 1, header.hash());
    }
}

/// Dispatches a balances call.
pub(crate) fn dispatch(origin: Origin, call: crate::Call) -> DispatchResult {
    crate::Dispatch::<Test>::new(call).dispatch(origin)
}

/// All events of the current block.
pub(crate) fn events() -> Vec<RuntimeEvent> {
    System::events().into_iter().map(|r| r.event).collect()
}

/// The balances events of the current block.
pub(crate) fn balances_events() -> Vec<crate::Event> {
    events()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::Balances(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Asserts that `$x` fails with `$e` and changes no storage.
macro_rules! assert_noop {
    ($x:expr, $e:expr $(,)?) => {{
        let before = lattice_support::lattice_io::storage::root();
        assert_eq!($x, Err($e));
        assert_eq!(lattice_support::lattice_io::storage::root(), before, "storage changed");
    }};
}
pub(crate) use assert_noop;
