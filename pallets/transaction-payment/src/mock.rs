//! A test runtime with `System` (index 0), `Balances` (index 5) and
//! `TransactionPayment` (index 6), and a block author set per test.

use crate::{Config, Multiplier};
use codec::{Decode, Encode};
use core::cell::Cell;
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::traits::{FindAuthor, Hooks};
use lattice_support::{AccountId32, Balance, BlockNumber, H256};
use pallet_balances::AccountData;
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
    Balances(pallet_balances::Event),
    #[codec(index = 6)]
    TransactionPayment(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event), Balances(pallet_balances::Event), TransactionPayment(crate::Event) });

pallet_system::impl_test_config!(
    Test,
    RuntimeEvent,
    AccountData,
    block_weights: REALISTIC_BLOCK_WEIGHTS,
    block_length: REALISTIC_BLOCK_LENGTH,
    db_weight: REALISTIC_DB_WEIGHT,
);

impl pallet_balances::Config for Test {
    const PALLET_INDEX: u8 = 5;
    const EXISTENTIAL_DEPOSIT: Balance = 10;
    const MAX_FREEZES: u32 = 2;
}

impl Config for Test {
    const PALLET_INDEX: u8 = 6;
    type Currency = Balances;
    type FindAuthor = MockAuthor;
    const TREASURY_ACCOUNT: AccountId32 = TREASURY;
    const BASE_FEE: Balance = 1_000;
    const LENGTH_FEE_PER_BYTE: Balance = 10;
    // One unit per microsecond of ref_time.
    const WEIGHT_FEE_PER_SECOND: Balance = 1_000_000;
    const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;
    const AUTHOR_SHARE_PERCENT: u8 = 90;
    const MAX_MULTIPLIER: Multiplier = Multiplier(2 * Multiplier::DIV);
}

thread_local! {
    static AUTHOR: Cell<Option<AccountId32>> = const { Cell::new(None) };
}

/// The block author of the running test (none by default).
pub(crate) struct MockAuthor;

impl FindAuthor for MockAuthor {
    fn find_author() -> Option<AccountId32> {
        AUTHOR.with(Cell::get)
    }
}

/// Sets the block author for the rest of the test.
pub(crate) fn set_author(author: Option<AccountId32>) {
    AUTHOR.with(|a| a.set(author));
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Balances = pallet_balances::Pallet<Test>;
pub(crate) type TransactionPayment = crate::Pallet<Test>;

pub(crate) const ALICE: AccountId32 = AccountId32([1; 32]);
pub(crate) const BOB: AccountId32 = AccountId32([2; 32]);
pub(crate) const CHARLIE: AccountId32 = AccountId32([3; 32]);
pub(crate) const TREASURY: AccountId32 = AccountId32([0x7e; 32]);

/// Genesis of a test: ALICE 100_000, BOB 2000 (the default author) and TREASURY 100
/// by default; CHARLIE does not exist. The multiplier starts at 1.0.
pub(crate) struct ExtBuilder {
    balances: Vec<(AccountId32, Balance)>,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self { balances: vec![(ALICE, 100_000), (BOB, 2_000), (TREASURY, 100)] }
    }
}

impl ExtBuilder {
    /// Genesis built, block 1 initialized.
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            pallet_balances::GenesisConfig { balances: self.balances }
                .build::<Test>()
                .expect("valid balances genesis");
            crate::GenesisConfig::default().build::<Test>().expect("valid genesis");
            check_invariants();
            start_block(1, H256::zero());
        });
        ext
    }

    /// Runs `test` in block 1, then checks the invariants.
    pub(crate) fn build_and_execute(self, test: impl FnOnce()) {
        set_author(Some(BOB));
        self.build().execute_with(|| {
            test();
            check_invariants();
        })
    }
}

fn start_block(n: BlockNumber, parent: H256) {
    System::initialize(n, parent, Digest::default());
    Balances::on_initialize(n);
    TransactionPayment::on_initialize(n);
    System::note_finished_initialize();
}

/// Panics unless every pallet's invariants hold.
pub(crate) fn check_invariants() {
    let n = pallet_system::Number::get();
    <System as Hooks>::try_state(n).expect("system invariants");
    Balances::try_state(n).expect("balances invariants");
    TransactionPayment::try_state(n).expect("transaction-payment invariants");
}

/// Finalizes blocks until block `n` is being executed, checking the invariants after
/// each.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        let now = pallet_system::Number::get();
        Balances::on_finalize(now);
        TransactionPayment::on_finalize(now);
        System::note_finished_extrinsics();
        let header = System::finalize();
        check_invariants();
        start_block(now + 1, header.hash());
    }
}

/// All events of the current block.
pub(crate) fn events() -> Vec<RuntimeEvent> {
    System::events().into_iter().map(|r| r.event).collect()
}
