//! Types of the session pallet, encoded and named in metadata as Substrate's.

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};

/// The public session keys of a validator: the keys its node signs with, one per
/// consensus engine.
///
/// Encoded as the 32 bytes of the Aura (sr25519) public key followed by the 32 bytes of
/// the GRANDPA (ed25519) public key: what `author_rotateKeys` returns and what
/// `Session.set_keys` takes. Metadata path `lattice_runtime::opaque::SessionKeys`, where
/// a Substrate runtime names its own (`<runtime>::opaque::SessionKeys`).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Encode, Decode, MaxEncodedLen,
)]
pub struct SessionKeys {
    /// The Aura (block authoring) key.
    pub aura: pallet_aura::AuthorityId,
    /// The GRANDPA (finality) key.
    pub grandpa: pallet_grandpa::AuthorityId,
}

impl SessionKeys {
    /// Each key with its key type, in encoding order: how the keys are indexed in
    /// `Session.KeyOwner`.
    pub fn key_ids(&self) -> [(KeyTypeId, Vec<u8>); 2] {
        [(KeyTypeId::AURA, self.aura.0.to_vec()), (KeyTypeId::GRANDPA, self.grandpa.0.to_vec())]
    }

    /// The raw public key of type `key_type`, or `None` for a key type these keys do not
    /// have.
    pub fn get_raw(&self, key_type: KeyTypeId) -> Option<&[u8]> {
        match key_type {
            KeyTypeId::AURA => Some(&self.aura.0),
            KeyTypeId::GRANDPA => Some(&self.grandpa.0),
            _ => None,
        }
    }
}

impl TypeInfo for SessionKeys {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked(["lattice_runtime", "opaque", "SessionKeys"]))
            .composite(
                Fields::named()
                    .field(|f| {
                        f.ty::<pallet_aura::AuthorityId>()
                            .name("aura")
                            .type_name("<Aura as $crate::BoundToRuntimeAppPublic>::Public")
                    })
                    .field(|f| {
                        f.ty::<pallet_grandpa::AuthorityId>()
                            .name("grandpa")
                            .type_name("<Grandpa as $crate::BoundToRuntimeAppPublic>::Public")
                    }),
            )
    }
}

/// The type of a key, four ASCII bytes (`b"aura"`, `b"gran"`): the keystore's name for
/// the key's purpose. Metadata path `sp_core::crypto::KeyTypeId`, as in Substrate.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Encode, Decode, MaxEncodedLen,
)]
pub struct KeyTypeId(pub [u8; 4]);

impl KeyTypeId {
    /// Aura keys (sr25519).
    pub const AURA: Self = Self(*b"aura");
    /// GRANDPA keys (ed25519).
    pub const GRANDPA: Self = Self(*b"gran");
}

impl TypeInfo for KeyTypeId {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_core", "crypto", "KeyTypeId"]))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 4]>().type_name("[u8; 4]")))
    }
}
