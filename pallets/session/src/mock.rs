//! A test runtime with `System` (0), `Aura` (2), `Grandpa` (3), `Balances` (5) and
//! `Session` (7), and a [`TestSessionManager`] whose next validators each test sets.
//!
//! Blocks run through every pallet's hooks; the session pallet's `on_finalize` runs
//! before GRANDPA's (the order the crate docs recommend), and every pallet's invariants
//! are checked after each block. Block `n` is authored in slot `100 + n`.

use crate::SessionKeys;
use codec::{Decode, Encode};
use core::cell::RefCell;
use lattice_support::dispatch::{DispatchResult, Dispatchable, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::header::{AURA_ENGINE_ID, GRANDPA_ENGINE_ID};
use lattice_support::lattice_primitives::{Digest, DigestItem, Header};
use lattice_support::traits::{Hooks, SessionIndex, SessionManager};
use lattice_support::{AccountId32, Balance, BlockNumber, H256};
use scale_info::TypeInfo;

/// The test runtime.
pub(crate) struct Test;

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    #[codec(index = 0)]
    System(pallet_system::Event),
    #[codec(index = 3)]
    Grandpa(pallet_grandpa::Event),
    #[codec(index = 5)]
    Balances(pallet_balances::Event),
    #[codec(index = 7)]
    Session(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent {
    System(pallet_system::Event),
    Grandpa(pallet_grandpa::Event),
    Balances(pallet_balances::Event),
    Session(crate::Event),
});

pallet_system::impl_test_config!(Test, RuntimeEvent, pallet_balances::AccountData);

/// Aura's largest set; smaller than GRANDPA's, so it bounds the validators.
pub(crate) const AURA_MAX: u32 = 4;
/// The session pallet's index.
pub(crate) const SESSION_INDEX: u8 = 7;
/// The default session length.
pub(crate) const PERIOD: BlockNumber = 5;
/// The existential deposit.
pub(crate) const ED: Balance = 10;

impl pallet_aura::Config for Test {
    const PALLET_INDEX: u8 = 2;
    const SLOT_DURATION: u64 = 2_000;
    const MAX_AUTHORITIES: u32 = AURA_MAX;
}

impl pallet_grandpa::Config for Test {
    const PALLET_INDEX: u8 = 3;
    const MAX_AUTHORITIES: u32 = 6;
}

impl pallet_balances::Config for Test {
    const PALLET_INDEX: u8 = 5;
    const EXISTENTIAL_DEPOSIT: Balance = ED;
    const MAX_FREEZES: u32 = 2;
}

impl crate::Config for Test {
    const PALLET_INDEX: u8 = SESSION_INDEX;
    type SessionManager = TestSessionManager;
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Aura = pallet_aura::Pallet<Test>;
pub(crate) type Grandpa = pallet_grandpa::Pallet<Test>;
pub(crate) type Balances = pallet_balances::Pallet<Test>;
pub(crate) type Session = crate::Pallet<Test>;

/// A call of the [`TestSessionManager`], recorded in order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ManagerCall {
    End(SessionIndex),
    New(SessionIndex),
    Start(SessionIndex),
}

thread_local! {
    static LAST_HEADER: RefCell<Option<Header>> = const { RefCell::new(None) };
    static NEXT_VALIDATORS: RefCell<Option<Vec<AccountId32>>> = const { RefCell::new(None) };
    static MANAGER_CALLS: RefCell<Vec<ManagerCall>> = const { RefCell::new(Vec::new()) };
}

/// A `SessionManager` whose `new_session` returns what the test set with
/// [`set_next_validators`] (at every rotation until changed), and which records its calls.
pub(crate) struct TestSessionManager;

impl SessionManager for TestSessionManager {
    fn end_session(ending: SessionIndex) {
        MANAGER_CALLS.with(|c| c.borrow_mut().push(ManagerCall::End(ending)));
    }
    fn new_session(new: SessionIndex) -> Option<Vec<AccountId32>> {
        MANAGER_CALLS.with(|c| c.borrow_mut().push(ManagerCall::New(new)));
        NEXT_VALIDATORS.with(|v| v.borrow().clone())
    }
    fn start_session(started: SessionIndex) {
        MANAGER_CALLS.with(|c| c.borrow_mut().push(ManagerCall::Start(started)));
    }
}

/// What the session manager answers from now on (`None`: keep the current set).
pub(crate) fn set_next_validators(next: Option<Vec<AccountId32>>) {
    NEXT_VALIDATORS.with(|v| *v.borrow_mut() = next);
}

/// The session manager's calls so far.
pub(crate) fn manager_calls() -> Vec<ManagerCall> {
    MANAGER_CALLS.with(|c| c.borrow().clone())
}

/// Account `i`: `[i; 32]`.
pub(crate) fn account(i: u8) -> AccountId32 {
    AccountId32([i; 32])
}

/// The keys of account `i`: Aura `[100 + i; 32]`, GRANDPA `[200 + i; 32]` (none equals
/// an account).
pub(crate) fn keys(i: u8) -> SessionKeys {
    SessionKeys {
        aura: pallet_aura::AuthorityId([100 + i; 32]),
        grandpa: pallet_grandpa::AuthorityId([200 + i; 32]),
    }
}

/// Genesis of a test: accounts 1 to 6 endowed with 1000; validators 1, 2, 3 with
/// [`keys`]; sessions of [`PERIOD`] blocks. Block 1 is being executed.
pub(crate) struct ExtBuilder {
    validators: Vec<u8>,
    period: BlockNumber,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self { validators: vec![1, 2, 3], period: PERIOD }
    }
}

impl ExtBuilder {
    /// The genesis validators, by account number.
    pub(crate) fn validators(mut self, validators: Vec<u8>) -> Self {
        self.validators = validators;
        self
    }

    /// The session length.
    pub(crate) fn period(mut self, period: BlockNumber) -> Self {
        self.period = period;
        self
    }

    /// The session genesis of this builder.
    pub(crate) fn session_genesis(&self) -> crate::GenesisConfig {
        crate::GenesisConfig {
            period: self.period,
            keys: self.validators.iter().map(|i| (account(*i), keys(*i))).collect(),
        }
    }

    /// Genesis built, block 1 started.
    pub(crate) fn build(self) -> TestExternalities {
        set_next_validators(None);
        MANAGER_CALLS.with(|c| c.borrow_mut().clear());
        let session = self.session_genesis();
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            pallet_balances::GenesisConfig {
                balances: (1..=6).map(|i| (account(i), 1_000)).collect(),
            }
            .build::<Test>()
            .expect("valid balances genesis");
            session.build::<Test>().expect("valid session genesis");
            pallet_aura::GenesisConfig { authorities: session.aura_authorities() }
                .build::<Test>()
                .expect("valid aura genesis");
            pallet_grandpa::GenesisConfig { authorities: session.grandpa_authorities() }
                .build::<Test>()
                .expect("valid grandpa genesis");
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

/// A digest carrying `slot` as Aura's pre-runtime item.
pub(crate) fn slot_digest(slot: u64) -> Digest {
    Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, pallet_aura::Slot(slot).encode())] }
}

/// Starts block `n` (slot `100 + n`): system initialization, every `on_initialize`.
pub(crate) fn start_block(n: BlockNumber, parent: H256) {
    System::initialize(n, parent, slot_digest(100 + u64::from(n)));
    <System as Hooks>::on_initialize(n);
    Aura::on_initialize(n);
    Grandpa::on_initialize(n);
    Balances::on_initialize(n);
    Session::on_initialize(n);
    System::note_finished_initialize();
}

/// Ends the current block: every `on_finalize` (session before GRANDPA), system
/// finalization, then every pallet's invariants. Returns the header; the block's events
/// and digest stay readable until the next block starts.
pub(crate) fn finish_block() -> Header {
    let header = finish_block_with(|n| {
        Session::on_finalize(n);
        Grandpa::on_finalize(n);
    });
    check_invariants();
    header
}

/// [`finish_block`] with `session_and_grandpa` running those two pallets' `on_finalize`
/// (to test another order), and without checking invariants.
pub(crate) fn finish_block_with(session_and_grandpa: impl FnOnce(BlockNumber)) -> Header {
    let n = pallet_system::Number::get();
    System::note_finished_extrinsics();
    <System as Hooks>::on_finalize(n);
    Aura::on_finalize(n);
    Balances::on_finalize(n);
    session_and_grandpa(n);
    let header = System::finalize();
    LAST_HEADER.with(|h| *h.borrow_mut() = Some(header.clone()));
    header
}

/// Finishes blocks until block `n` is being executed (after a [`finish_block`], starting
/// the next block first).
pub(crate) fn run_to_block(n: BlockNumber) {
    if pallet_system::ExecutionPhase::get().is_none() {
        let last = LAST_HEADER.with(|h| h.borrow().clone()).expect("a block was finished");
        start_next_block(&last);
    }
    while pallet_system::Number::get() < n {
        let now = pallet_system::Number::get();
        let header = finish_block();
        start_block(now + 1, header.hash());
    }
}

/// Starts the block after a [`finish_block`].
pub(crate) fn start_next_block(finished: &Header) {
    start_block(finished.number + 1, finished.hash());
}

/// Panics unless every pallet's invariants hold.
pub(crate) fn check_invariants() {
    let n = pallet_system::Number::get();
    <System as Hooks>::try_state(n).expect("system invariants");
    Aura::try_state(n).expect("aura invariants");
    Grandpa::try_state(n).expect("grandpa invariants");
    Balances::try_state(n).expect("balances invariants");
    Session::try_state(n).expect("session invariants");
}

/// Dispatches a session call.
pub(crate) fn dispatch(origin: Origin, call: crate::Call) -> DispatchResult {
    crate::Dispatch::<Test>::new(call).dispatch(origin)
}

/// The session events of the current (or just finished) block.
pub(crate) fn session_events() -> Vec<crate::Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Session(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The GRANDPA events of the current (or just finished) block.
pub(crate) fn grandpa_events() -> Vec<pallet_grandpa::Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Grandpa(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The Aura consensus items of `header`'s digest, decoded.
pub(crate) fn aura_logs(header: &Header) -> Vec<pallet_aura::ConsensusLog> {
    consensus_items(header, AURA_ENGINE_ID)
}

/// The GRANDPA consensus items of `header`'s digest, decoded.
pub(crate) fn grandpa_logs(header: &Header) -> Vec<pallet_grandpa::ConsensusLog> {
    consensus_items(header, GRANDPA_ENGINE_ID)
}

fn consensus_items<L: Decode>(header: &Header, engine: [u8; 4]) -> Vec<L> {
    header
        .digest
        .logs
        .iter()
        .filter_map(|item| match item {
            DigestItem::Consensus(id, data) if *id == engine => {
                Some(L::decode(&mut &data[..]).expect("a valid consensus log"))
            }
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
