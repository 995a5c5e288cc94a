//! A test runtime with the system and Aura pallets.

use crate as pallet_aura;
use codec::{Decode, Encode};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::header::AURA_ENGINE_ID;
use lattice_support::lattice_primitives::{Digest, DigestItem};
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
}

lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event) });

pallet_system::impl_test_config!(Test, RuntimeEvent, ());

/// The slot duration of the test runtime, in milliseconds.
pub(crate) const SLOT_DURATION: u64 = 2_000;
/// The largest authority set of the test runtime.
pub(crate) const MAX_AUTHORITIES: u32 = 4;

impl pallet_aura::Config for Test {
    const PALLET_INDEX: u8 = 2;
    const SLOT_DURATION: u64 = SLOT_DURATION;
    const MAX_AUTHORITIES: u32 = MAX_AUTHORITIES;
}

pub(crate) type System = pallet_system::Pallet<Test>;
pub(crate) type Aura = crate::Pallet<Test>;

/// The authority with key `[i; 32]`.
pub(crate) fn authority(i: u8) -> crate::AuthorityId {
    crate::AuthorityId([i; 32])
}

/// Genesis of the test runtime.
pub(crate) struct ExtBuilder {
    authorities: Vec<crate::AuthorityId>,
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

/// A digest carrying `slot` as Aura's pre-runtime item.
pub(crate) fn slot_digest(slot: u64) -> Digest {
    Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, crate::Slot(slot).encode())] }
}

/// Starts block `n` with header digest `digest`.
pub(crate) fn start_block_with(n: BlockNumber, digest: Digest) {
    test_utils::start_block::<Test, Aura>(n, digest);
}

/// Ends the current block: `on_finalize` hooks, system finalization, the invariants.
pub(crate) fn end_block() {
    test_utils::end_block::<Test, Aura>();
}

/// Runs blocks up to `n`; block `b` is authored in slot `100 + b`.
pub(crate) fn run_to_block(n: BlockNumber) {
    while pallet_system::Number::get() < n {
        let b = pallet_system::Number::get() + 1;
        start_block_with(b, slot_digest(100 + u64::from(b)));
        end_block();
    }
}
