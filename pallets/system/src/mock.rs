//! A runtime with only the system pallet, for its tests.

use crate::{
    self as system, BlockLength, BlockWeights, PerDispatchClass, RuntimeDbWeight, WeightsPerClass,
};
use codec::{Decode, Encode};
use lattice_support::lattice_primitives::RuntimeVersion;
use lattice_support::Weight;
use scale_info::TypeInfo;

pub(crate) struct Test;

#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    System(system::Event),
}

lattice_support::impl_event_from!(RuntimeEvent { System(system::Event) });

const CLASS: WeightsPerClass = WeightsPerClass {
    base_extrinsic: Weight::from_parts(1_000, 0),
    max_extrinsic: None,
    max_total: None,
    reserved: None,
};

pub(crate) fn version() -> RuntimeVersion {
    RuntimeVersion { spec_version: 10, ..crate::test_utils::version() }
}

crate::impl_test_config!(
    Test,
    RuntimeEvent,
    u64,
    block_hash_count: 4,
    block_weights: BlockWeights {
        base_block: Weight::ZERO,
        max_block: Weight::from_parts(1_000_000_000, 0),
        per_class: PerDispatchClass { normal: CLASS, operational: CLASS, mandatory: CLASS },
    },
    block_length: BlockLength {
        max: PerDispatchClass { normal: 1024, operational: 1024, mandatory: 1024 },
    },
    db_weight: RuntimeDbWeight { read: 1, write: 2 },
    version: version(),
);

pub(crate) type System = system::Pallet<Test>;

/// Externalities with the genesis of the pallet built, answering version reads with
/// `reader`.
pub(crate) fn new_test_ext(
    reader: impl Fn(&[u8]) -> Option<Vec<u8>> + 'static,
) -> lattice_support::lattice_io::TestExternalities {
    let mut ext = lattice_support::lattice_io::TestExternalities::default()
        .with_runtime_version_reader(reader);
    ext.execute_with(System::build_genesis);
    ext
}
