//! Inherent data: what the block author puts into a block (the timestamp) and importers
//! check.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Identifies one kind of inherent data.
pub type InherentIdentifier = [u8; 8];

/// The identifier of the timestamp inherent.
pub const TIMESTAMP_INHERENT: InherentIdentifier = *b"timstap0";

/// Inherent data by identifier, each value SCALE-encoded.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct InherentData {
    /// The entries.
    pub data: BTreeMap<InherentIdentifier, Vec<u8>>,
}

impl InherentData {
    /// Stores `value` under `id`.
    pub fn put(&mut self, id: InherentIdentifier, value: &impl Encode) {
        self.data.insert(id, value.encode());
    }

    /// Decodes the value under `id`; `Ok(None)` when absent.
    pub fn get<T: Decode>(&self, id: &InherentIdentifier) -> Result<Option<T>, codec::Error> {
        self.data.get(id).map(|v| T::decode(&mut &v[..])).transpose()
    }
}

/// The answer of `BlockBuilder_check_inherents`.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct CheckInherentsResult {
    /// No error at all.
    pub okay: bool,
    /// At least one error makes the block invalid.
    pub fatal_error: bool,
    /// The errors, by inherent identifier.
    pub errors: InherentData,
}
