//! A test runtime with `System` (0), `Balances` (1) and `Staking` (2), and a session
//! stand-in: the validator list, who has keys, and sessions of [`PERIOD`] blocks that
//! call the pallet's `SessionManager` hooks as the session pallet does. Each block's
//! slot is the next slot whose author is not marked offline.

use crate::{Config, GenesisConfig, StakingParams};
use codec::{Decode, Encode};
use core::cell::RefCell;
use lattice_support::arithmetic::Perbill;
use lattice_support::dispatch::{DispatchResult, Dispatchable, Origin};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::storage::with_transaction;
use lattice_support::traits::{CurrentSlot, Hooks, SessionIndex, SessionManager, ValidatorSet};
use lattice_support::{AccountId32, Balance, BlockNumber, H256};
use pallet_balances::AccountData;
use scale_info::TypeInfo;
use std::collections::BTreeSet;

/// The test runtime.
pub(crate) struct Test;

#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    #[codec(index = 0)]
    System(pallet_system::Event),
    #[codec(index = 1)]
    Balances(pallet_balances::Event),
    #[codec(index = 2)]
    Staking(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent {
    System(pallet_system::Event),
    Balances(pallet_balances::Event),
    Staking(crate::Event),
});

pallet_system::impl_test_config!(Test, RuntimeEvent, AccountData);

impl pallet_balances::Config for Test {
    const PALLET_INDEX: u8 = 1;
    const EXISTENTIAL_DEPOSIT: Balance = 1;
    const MAX_FREEZES: u32 = 2;
}

pub(crate) const TREASURY: AccountId32 = AccountId32([0xee; 32]);
pub(crate) const COMPUTE_POT: AccountId32 = AccountId32([0xcc; 32]);
/// Blocks per session (era).
pub(crate) const PERIOD: BlockNumber = 10;
pub(crate) const MAX_CANDIDATES: u32 = 12;
pub(crate) const MAX_DELEGATORS: u32 = 6;
pub(crate) const MAX_CHUNKS: u32 = 4;
pub(crate) const JOB_STEPS: u32 = 4;
pub(crate) const RELEASES: u32 = 3;
pub(crate) const HISTORY: u32 = 3;

impl Config for Test {
    const PALLET_INDEX: u8 = 2;
    type Currency = pallet_balances::Pallet<Test>;
    type ValidatorSet = MockSession;
    type CurrentSlot = MockSession;
    type GrandpaKeyOwner = MockSession;
    type AuraAuthorities = MockSession;
    const TREASURY_ACCOUNT: AccountId32 = TREASURY;
    const COMPUTE_POT_ACCOUNT: AccountId32 = COMPUTE_POT;
    const MAX_CANDIDATES: u32 = MAX_CANDIDATES;
    const MAX_DELEGATORS_PER_VALIDATOR: u32 = MAX_DELEGATORS;
    const MAX_UNBONDING_CHUNKS: u32 = MAX_CHUNKS;
    const MAX_JOB_STEPS_PER_BLOCK: u32 = JOB_STEPS;
    const MAX_RELEASES_PER_BLOCK: u32 = RELEASES;
    const HISTORY_DEPTH: u32 = HISTORY;
    const MAX_NAME_LEN: u32 = 8;
    const MAX_WEBSITE_LEN: u32 = 8;
    const MAX_DESCRIPTION_LEN: u32 = 16;
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Balances = pallet_balances::Pallet<Test>;
pub(crate) type Staking = crate::Pallet<Test>;

#[derive(Default)]
struct SessionState {
    index: SessionIndex,
    validators: Vec<AccountId32>,
    without_keys: BTreeSet<AccountId32>,
    offline: BTreeSet<AccountId32>,
    slot: u64,
    grandpa_set: u64,
}

thread_local! {
    static SESSION: RefCell<SessionState> = RefCell::new(SessionState::default());
}

/// The session stand-in.
pub(crate) struct MockSession;

impl ValidatorSet for MockSession {
    fn session_index() -> SessionIndex {
        SESSION.with(|s| s.borrow().index)
    }
    fn validators() -> Vec<AccountId32> {
        SESSION.with(|s| s.borrow().validators.clone())
    }
    fn has_keys(who: &AccountId32) -> bool {
        SESSION.with(|s| !s.borrow().without_keys.contains(who))
    }
}

impl CurrentSlot for MockSession {
    fn current_slot() -> u64 {
        SESSION.with(|s| s.borrow().slot)
    }
}

impl crate::GrandpaKeyOwner for MockSession {
    /// The current set is 0 unless [`set_grandpa_set`] moved it; validator `acc(i)`'s
    /// key is [`grandpa_pair`]`(i)`'s.
    fn owner(set_id: u64, key: &[u8; 32]) -> Option<AccountId32> {
        if set_id != Self::current_set_id() {
            return None;
        }
        use sp_core::Pair;
        MockSession::validators().into_iter().find(|v| grandpa_pair(v.0[0]).public().0 == *key)
    }

    fn current_set_id() -> u64 {
        SESSION.with(|s| s.borrow().grandpa_set)
    }
}

/// Makes `id` the current GRANDPA authority set.
pub(crate) fn set_grandpa_set(id: u64) {
    SESSION.with(|s| s.borrow_mut().grandpa_set = id);
}

impl crate::AuraAuthorities for MockSession {
    /// Validator `acc(i)`'s key is [`aura_pair`]`(i)`'s.
    fn authorities() -> Vec<[u8; 32]> {
        use sp_core::Pair;
        MockSession::validators().iter().map(|v| aura_pair(v.0[0]).public().0).collect()
    }
}

/// The Aura key pair of validator `acc(i)`.
pub(crate) fn aura_pair(i: u8) -> sp_core::sr25519::Pair {
    use sp_core::Pair;
    sp_core::sr25519::Pair::from_seed(&[i; 32])
}

/// The GRANDPA key pair of validator `acc(i)`.
pub(crate) fn grandpa_pair(i: u8) -> sp_core::ed25519::Pair {
    use sp_core::Pair;
    sp_core::ed25519::Pair::from_seed(&[i; 32])
}

/// The current session validators.
pub(crate) fn session_validators() -> Vec<AccountId32> {
    MockSession::validators()
}

/// Marks `who` as without session keys (or with them again).
pub(crate) fn set_keys(who: AccountId32, has: bool) {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if has {
            s.without_keys.remove(&who);
        } else {
            s.without_keys.insert(who);
        }
    });
}

/// Marks `who` as offline (its slots pass without a block) or online again.
pub(crate) fn set_offline(who: AccountId32, offline: bool) {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if offline {
            s.offline.insert(who);
        } else {
            s.offline.remove(&who);
        }
    });
}

pub(crate) fn acc(i: u8) -> AccountId32 {
    AccountId32([i; 32])
}

/// Validators 1..=4 with 1,000 each (commission 10%); accounts 1..=20 hold 100,000.
pub(crate) const UNIT: Balance = 1;
pub(crate) const INITIAL: Balance = 100_000;

pub(crate) fn test_params() -> StakingParams {
    let mut p = StakingParams::defaults(UNIT);
    p.min_validator_stake = 1_000;
    p.min_delegation = 100;
    p.max_delegations_per_delegator = 3;
    p.max_validators = 4;
    p.block_reward = 1_000;
    p.jail_eras = 2;
    p.unjail_early_fee = 500;
    p.unbonding_period = 25;
    p
}

pub(crate) struct ExtBuilder {
    validators: Vec<(AccountId32, Balance, Perbill)>,
    delegations: Vec<(AccountId32, AccountId32, Balance)>,
    params: StakingParams,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self {
            validators: (1..=4).map(|i| (acc(i), 1_000, Perbill::from_percent(10))).collect(),
            delegations: Vec::new(),
            params: test_params(),
        }
    }
}

impl ExtBuilder {
    pub(crate) fn validators(mut self, v: Vec<(AccountId32, Balance, Perbill)>) -> Self {
        self.validators = v;
        self
    }
    pub(crate) fn delegations(mut self, d: Vec<(AccountId32, AccountId32, Balance)>) -> Self {
        self.delegations = d;
        self
    }
    pub(crate) fn params(mut self, f: impl FnOnce(&mut StakingParams)) -> Self {
        f(&mut self.params);
        self
    }

    /// Genesis built, block 1 started.
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            SESSION.with(|s| {
                *s.borrow_mut() = SessionState {
                    validators: {
                        let mut v: Vec<_> = self.validators.iter().map(|v| v.0).collect();
                        v.sort();
                        v
                    },
                    ..Default::default()
                }
            });
            System::build_genesis();
            let balances = (1..=20u8).map(|i| (acc(i), INITIAL)).collect();
            pallet_balances::GenesisConfig { balances }.build::<Test>().expect("valid");
            GenesisConfig {
                params: self.params,
                validators: self.validators,
                delegations: self.delegations,
            }
            .build::<Test>()
            .expect("valid genesis");
            check_invariants();
            start_block(1);
        });
        ext
    }

    pub(crate) fn build_and_execute(self, test: impl FnOnce()) {
        self.build().execute_with(|| {
            test();
            check_invariants();
        })
    }
}

/// The next slot after the current one whose author is online (the current slot's
/// successor when every validator is offline: somebody authors).
fn next_slot() -> u64 {
    SESSION.with(|s| {
        let s = s.borrow();
        let n = s.validators.len() as u64;
        if n == 0 {
            return s.slot + 1;
        }
        (s.slot + 1..s.slot + 1 + n)
            .find(|slot| !s.offline.contains(&s.validators[(slot % n) as usize]))
            .unwrap_or(s.slot + 1)
    })
}

fn start_block(n: BlockNumber) {
    let slot = next_slot();
    SESSION.with(|s| s.borrow_mut().slot = slot);
    System::initialize(n, H256([n as u8; 32]), Digest::default());
    Balances::on_initialize(n);
    Staking::on_initialize(n);
    System::note_finished_initialize();
}

/// Ends the current block: hooks, the session rotation at a period boundary, then the
/// invariants.
fn end_block() {
    let n = pallet_system::Number::get();
    System::note_finished_extrinsics();
    Staking::on_finalize(n);
    if n.is_multiple_of(PERIOD) {
        let index = MockSession::session_index();
        <Staking as SessionManager>::end_session(index);
        if let Some(validators) = <Staking as SessionManager>::new_session(index + 1) {
            SESSION.with(|s| s.borrow_mut().validators = validators);
        }
        SESSION.with(|s| s.borrow_mut().index = index + 1);
        <Staking as SessionManager>::start_session(index + 1);
    }
    System::finalize();
    check_invariants();
}

/// Runs blocks until block `n` is being executed.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        let now = pallet_system::Number::get();
        end_block();
        start_block(now + 1);
    }
}

/// Runs to the first block of era `era`.
pub(crate) fn run_to_era(era: u32) {
    run_to_block(era * PERIOD + 1);
}

/// Every pallet's invariants, and each account's reserved balance exactly its stake.
pub(crate) fn check_invariants() {
    let n = pallet_system::Number::get();
    <System as Hooks>::try_state(n).expect("system invariants");
    Balances::try_state(n).expect("balances invariants");
    Staking::try_state(n).expect("staking invariants");
    for i in 0..=255u8 {
        let who = acc(i);
        assert_eq!(Balances::reserved_balance(&who), staked(&who), "reserved of {i} is its stake");
    }
}

/// Everything `who` has bonded: self-stake, delegations, unbonding.
pub(crate) fn staked(who: &AccountId32) -> Balance {
    let own = crate::Validators::get(who).map_or(0, |v| v.self_stake);
    let delegated: Balance = Staking::delegations_of(who).iter().map(|(_, a)| a).sum();
    let unbonding: Balance = crate::Unbonding::get(who).iter().map(|c| c.amount).sum();
    own + delegated + unbonding
}

/// Dispatches a staking call in a storage transaction, as the executive does.
pub(crate) fn dispatch(origin: Origin, call: crate::Call) -> DispatchResult {
    with_transaction(|| crate::Dispatch::<Test>::new(call).dispatch(origin))
}

/// The staking events of the current block.
pub(crate) fn staking_events() -> Vec<crate::Event> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::Staking(e) => Some(e),
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
