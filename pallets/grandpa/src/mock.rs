//! A test runtime with the system and GRANDPA pallets.

use crate as pallet_grandpa;
use codec::{Decode, Encode};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::BlockNumber;
use pallet_system::test_utils;
use scale_info::TypeInfo;

/// The test runtime.
pub(crate) struct Test;

/// Events of the test runtime.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    /// System.
    System(pallet_system::Event),
    /// Grandpa.
    Grandpa(crate::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event), Grandpa(crate::Event) });

pallet_system::impl_test_config!(Test, RuntimeEvent, ());

/// The pallet's index in the test runtime.
pub(crate) const GRANDPA_INDEX: u8 = 3;
/// The largest authority set of the test runtime.
pub(crate) const MAX_AUTHORITIES: u32 = 4;

impl pallet_grandpa::Config for Test {
    const PALLET_INDEX: u8 = GRANDPA_INDEX;
    const MAX_AUTHORITIES: u32 = MAX_AUTHORITIES;
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Grandpa = crate::Pallet<Test>;

/// The authority with key `[i; 32]` and weight 1.
pub(crate) fn authority(i: u8) -> (crate::AuthorityId, crate::AuthorityWeight) {
    (crate::AuthorityId([i; 32]), 1)
}

/// Genesis of the test runtime.
pub(crate) struct ExtBuilder {
    authorities: crate::AuthorityList,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        Self { authorities: vec![authority(1), authority(2), authority(3)] }
    }
}

impl ExtBuilder {
    /// Externalities holding the genesis state.
    pub(crate) fn build(self) -> TestExternalities {
        let mut ext = TestExternalities::default();
        ext.execute_with(|| {
            System::build_genesis();
            crate::GenesisConfig { authorities: self.authorities }
                .build::<Test>()
                .expect("the test genesis is valid");
        });
        ext
    }
}

/// Starts block `n`: system initialization and `on_initialize` hooks.
pub(crate) fn start_block(n: BlockNumber) {
    test_utils::start_block::<Test, Grandpa>(n, Digest::default());
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    test_utils::end_block::<Test, Grandpa>();
}

/// Runs empty blocks up to `n`.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        start_block(pallet_system::Number::get() + 1);
        end_block();
    }
}
