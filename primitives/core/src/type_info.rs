//! Hand-written `TypeInfo` for the standard types.
//!
//! Clients (polkadot.js, subxt, py-substrate-interface) recognise types by their path in
//! the metadata, so these types must carry the paths Substrate gives them
//! (`sp_core::crypto::AccountId32`, ...) rather than the paths of this crate, which the
//! derive macro would use.

/// Implements `TypeInfo` for a newtype over a byte array, with a fixed Substrate path.
macro_rules! byte_array_type_info {
    ($ty:ty, $len:literal, [$($seg:literal),+]) => {
        impl scale_info::TypeInfo for $ty {
            type Identity = Self;
            fn type_info() -> scale_info::Type {
                scale_info::Type::builder()
                    .path(scale_info::Path::from_segments_unchecked([$($seg),+]))
                    .composite(
                        scale_info::build::Fields::unnamed()
                            .field(|f| f.ty::<[u8; $len]>().type_name(concat!("[u8; ", $len, "]"))),
                    )
            }
        }
    };
}
pub(crate) use byte_array_type_info;
