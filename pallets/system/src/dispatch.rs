//! Per-class values, with the metadata path Substrate gives them
//! (`frame_support::dispatch::PerDispatchClass`).

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// One value per dispatch class.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(replace_segment("pallet_system", "frame_support"))]
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
