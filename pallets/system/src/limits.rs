//! Limits of a block's weight and length, with the metadata paths Substrate gives them
//! (`frame_system::limits::*`).

use crate::dispatch::PerDispatchClass;
use codec::{Decode, Encode};
use lattice_support::Weight;
use scale_info::TypeInfo;

/// Weight limits of one dispatch class.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct WeightsPerClass {
    /// Weight charged for every extrinsic of the class, before its call.
    pub base_extrinsic: Weight,
    /// Largest weight of one extrinsic.
    pub max_extrinsic: Option<Weight>,
    /// Largest total weight of the class in a block.
    pub max_total: Option<Weight>,
    /// Weight reserved for the class even when others filled the block.
    pub reserved: Option<Weight>,
}

/// Weight limits of a block.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct BlockWeights {
    /// Weight of an empty block.
    pub base_block: Weight,
    /// Largest weight of a block.
    pub max_block: Weight,
    /// Limits per class.
    pub per_class: PerDispatchClass<WeightsPerClass>,
}

/// Length limits of a block.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct BlockLength {
    /// Largest total length per class, in bytes.
    pub max: PerDispatchClass<u32>,
}

/// Weight of database accesses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct RuntimeDbWeight {
    /// `ref_time` of one read.
    pub read: u64,
    /// `ref_time` of one write.
    pub write: u64,
}

impl TypeInfo for RuntimeDbWeight {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked(["sp_weights", "RuntimeDbWeight"]))
            .composite(
                Fields::named()
                    .field(|f| f.ty::<u64>().name("read").type_name("u64"))
                    .field(|f| f.ty::<u64>().name("write").type_name("u64")),
            )
    }
}

impl RuntimeDbWeight {
    /// The weight of `r` reads and `w` writes.
    pub const fn reads_writes(&self, r: u64, w: u64) -> Weight {
        Weight::from_parts(
            self.read.saturating_mul(r).saturating_add(self.write.saturating_mul(w)),
            0,
        )
    }
}
