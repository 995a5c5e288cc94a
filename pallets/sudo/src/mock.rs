//! A test runtime with the system and sudo pallets, and a `Logger` pallet whose calls
//! record their origin, fail on request after writing, or need root.

use crate as pallet_sudo;
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
    /// Sudo.
    #[codec(index = 6)]
    Sudo(crate::Call<Test>),
}

impl Dispatchable for RuntimeCall {
    fn dispatch(self, origin: Origin) -> DispatchResult {
        match self {
            Self::System(c) => pallet_system::Dispatch::<Test>::new(c).dispatch(origin),
            Self::Logger(c) => c.dispatch(origin),
            Self::Sudo(c) => c.dispatch(origin),
        }
    }
}

impl GetDispatchInfo for RuntimeCall {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            Self::System(c) => c.get_dispatch_info(),
            Self::Logger(c) => c.get_dispatch_info(),
            Self::Sudo(c) => c.get_dispatch_info(),
        }
    }
}

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    /// System.
    System(pallet_system::Event),
    /// Sudo.
    Sudo(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event), Sudo(crate::Event) });

pallet_system::impl_test_config!(Test, RuntimeEvent, ());

/// The sudo pallet's index in the test runtime.
pub(crate) const SUDO_INDEX: u8 = 6;

impl pallet_sudo::Config for Test {
    const PALLET_INDEX: u8 = SUDO_INDEX;
    type RuntimeCall = RuntimeCall;
}

/// The logger test pallet, as `Logger` in [`RuntimeCall`].
pub(crate) use pallet_system::test_utils::logger;

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Sudo = crate::Pallet<Test>;

/// The genesis sudo key.
pub(crate) const ALICE: AccountId32 = AccountId32([1; 32]);
/// Another account.
pub(crate) const BOB: AccountId32 = AccountId32([2; 32]);

/// Genesis of the test runtime.
pub(crate) struct ExtBuilder {
    key: Option<AccountId32>,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self { key: Some(ALICE) }
    }
}

impl ExtBuilder {
    /// Sets the genesis key.
    pub(crate) fn key(mut self, key: Option<AccountId32>) -> Self {
        self.key = key;
        self
    }

    /// Externalities holding the genesis state, in block 1 (so events are recorded).
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            crate::GenesisConfig { key: self.key }.build::<Test>().expect("valid genesis");
            start_block(1);
        });
        ext
    }
}

/// Starts block `n`.
pub(crate) fn start_block(n: BlockNumber) {
    test_utils::start_block::<Test, Sudo>(n, Digest::default());
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    test_utils::end_block::<Test, Sudo>();
}

/// Ends the open block and opens the following ones until block `n` is open.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        end_block();
        start_block(pallet_system::Number::get() + 1);
    }
}
