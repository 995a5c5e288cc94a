//! A test runtime with `System` (index 0) and `Balances` (index 5).

use crate::{AccountData, Config, GenesisConfig};
use codec::{Decode, Encode};
use lattice_support::dispatch::{DispatchResult, Dispatchable, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::traits::Hooks;
use lattice_support::{AccountId32, Balance, BlockNumber, H256};
use pallet_system::test_utils::{
    REALISTIC_BLOCK_LENGTH, REALISTIC_BLOCK_WEIGHTS, REALISTIC_DB_WEIGHT,
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

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event), Balances(crate::Event) });

pallet_system::impl_test_config!(
    Test,
    RuntimeEvent,
    AccountData,
    block_weights: REALISTIC_BLOCK_WEIGHTS,
    block_length: REALISTIC_BLOCK_LENGTH,
    db_weight: REALISTIC_DB_WEIGHT,
);

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
