//! Types stored by the system pallet, with the metadata paths Substrate gives them.

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use lattice_support::lattice_primitives::RuntimeVersion;
use lattice_support::{Weight, H256};
use scale_info::TypeInfo;

/// What `System.Account` holds for one account.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct AccountInfo<AccountData> {
    /// Transactions sent so far.
    pub nonce: u32,
    /// References that keep the account from being reaped (reserves, locks).
    pub consumers: u32,
    /// References that let the account exist (a balance above the existential deposit).
    pub providers: u32,
    /// Self-sufficient references (unused by Lattice's pallets).
    pub sufficients: u32,
    /// Pallet data: the balances.
    pub data: AccountData,
}

/// Where in the block an event was emitted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub enum Phase {
    /// While applying the extrinsic with this index.
    ApplyExtrinsic(u32),
    /// In `on_finalize` hooks.
    Finalization,
    /// In `on_initialize` hooks and inherents-before-extrinsics.
    Initialization,
}

/// One event with its phase and topics.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct EventRecord<E> {
    /// When it was emitted.
    pub phase: Phase,
    /// The event.
    pub event: E,
    /// Topics it is indexed under.
    pub topics: Vec<H256>,
}

/// The runtime version recorded at the last upgrade.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct LastRuntimeUpgradeInfo {
    /// The spec version.
    #[codec(compact)]
    pub spec_version: u32,
    /// The spec name.
    pub spec_name: alloc::string::String,
}

impl From<&RuntimeVersion> for LastRuntimeUpgradeInfo {
    fn from(v: &RuntimeVersion) -> Self {
        Self { spec_version: v.spec_version, spec_name: v.spec_name.as_ref().into() }
    }
}

/// One value per dispatch class.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_support"))]
#[scale_info(replace_segment("types", "dispatch"))]
pub struct PerDispatchClass<T> {
    /// For normal dispatches.
    pub normal: T,
    /// For operational dispatches.
    pub operational: T,
    /// For mandatory dispatches.
    pub mandatory: T,
}

impl<T> PerDispatchClass<T> {
    /// The value for `class`.
    pub fn get(&self, class: lattice_support::dispatch::DispatchClass) -> &T {
        use lattice_support::dispatch::DispatchClass::*;
        match class {
            Normal => &self.normal,
            Operational => &self.operational,
            Mandatory => &self.mandatory,
        }
    }

    /// The value for `class`, mutably.
    pub fn get_mut(&mut self, class: lattice_support::dispatch::DispatchClass) -> &mut T {
        use lattice_support::dispatch::DispatchClass::*;
        match class {
            Normal => &mut self.normal,
            Operational => &mut self.operational,
            Mandatory => &mut self.mandatory,
        }
    }
}

/// Weight limits of one dispatch class.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
#[scale_info(replace_segment("types", "limits"))]
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
#[scale_info(replace_segment("types", "limits"))]
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
#[scale_info(replace_segment("types", "limits"))]
pub struct BlockLength {
    /// Largest total length per class, in bytes.
    pub max: PerDispatchClass<u32>,
}

/// Weight of database accesses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "sp_weights"))]
#[scale_info(replace_segment("types", ""))]
pub struct RuntimeDbWeight {
    /// `ref_time` of one read.
    pub read: u64,
    /// `ref_time` of one write.
    pub write: u64,
}

impl RuntimeDbWeight {
    /// The weight of `r` reads and `w` writes.
    pub const fn reads_writes(&self, r: u64, w: u64) -> Weight {
        Weight::from_parts(self.read.saturating_mul(r).saturating_add(self.write.saturating_mul(w)), 0)
    }
}

/// What adding a provider did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IncRefStatus {
    /// The account was created.
    Created,
    /// The account already existed.
    Existed,
}

/// What removing a provider did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecRefStatus {
    /// The account was reaped.
    Reaped,
    /// The account still exists.
    Exists,
}
