//! The runtime version: what a runtime is and which APIs it implements.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The identifier of a runtime API: BLAKE2b with a 64-bit output of the API's name
/// (`"Core"`), as Substrate computes it.
pub type ApiId = [u8; 8];

/// Runtime APIs and their versions, as listed in [`RuntimeVersion::apis`].
pub type ApisVec = Cow<'static, [(ApiId, u32)]>;

/// The version of a runtime. Encoded as Substrate's `RuntimeVersion` (version 5 of the
/// `Core` API, with `system_version` last).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RuntimeVersion {
    /// Identifies the chain logic; an upgrade must keep it.
    pub spec_name: Cow<'static, str>,
    /// Identifies the implementation.
    pub impl_name: Cow<'static, str>,
    /// Version of the block authoring logic.
    pub authoring_version: u32,
    /// Version of the chain logic; an upgrade must raise it.
    pub spec_version: u32,
    /// Version of the implementation of the same spec.
    pub impl_version: u32,
    /// The runtime APIs and their versions.
    pub apis: ApisVec,
    /// Version of the extrinsic format and call indices; signed into every transaction.
    pub transaction_version: u32,
    /// Trie layout version of the state (1 = layout V1).
    pub system_version: u8,
}

impl RuntimeVersion {
    /// The version of API `id`, if the runtime implements it.
    pub fn api_version(&self, id: &ApiId) -> Option<u32> {
        self.apis.iter().find(|(a, _)| a == id).map(|(_, v)| *v)
    }

    /// Whether `next` may replace `self` through a runtime upgrade: same `spec_name`,
    /// strictly greater `spec_version`.
    pub fn can_upgrade_to(&self, next: &RuntimeVersion) -> Result<(), UpgradeRefusal> {
        if next.spec_name != self.spec_name {
            return Err(UpgradeRefusal::InvalidSpecName);
        }
        if next.spec_version <= self.spec_version {
            return Err(UpgradeRefusal::SpecVersionNeedsToIncrease);
        }
        Ok(())
    }
}

/// Why a runtime upgrade was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UpgradeRefusal {
    /// The new runtime has another `spec_name`.
    InvalidSpecName,
    /// The new runtime's `spec_version` is not greater.
    SpecVersionNeedsToIncrease,
}

/// Builds a list of APIs from `(name, version)` pairs, hashing names with
/// [`api_id`]. Runtime code calls this once per version query.
pub fn apis_from_names(names: &[(&str, u32)]) -> Vec<(ApiId, u32)> {
    names.iter().map(|(n, v)| (api_id(n), *v)).collect()
}

/// The id of the runtime API named `name`: blake2b with an 8-byte output.
pub fn api_id(name: &str) -> ApiId {
    sp_crypto_hashing::blake2_64(name.as_bytes())
}
