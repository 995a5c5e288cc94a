//! Accounts, addresses and signatures in Substrate's formats.

use crate::type_info::byte_array_type_info;
use codec::{Compact, Decode, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// A 32-byte account identifier (an sr25519 or ed25519 public key).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct AccountId32(pub [u8; 32]);

byte_array_type_info!(AccountId32, 32, ["sp_core", "crypto", "AccountId32"]);

impl From<[u8; 32]> for AccountId32 {
    fn from(b: [u8; 32]) -> Self {
        Self(b)
    }
}

impl AsRef<[u8]> for AccountId32 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AccountId32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A signature of one of the supported schemes, tagged as Substrate tags them.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[codec(crate = codec)]
pub enum MultiSignature {
    /// An ed25519 signature.
    #[codec(index = 0)]
    Ed25519([u8; 64]),
    /// An sr25519 (Schnorr over Ristretto25519, context `substrate`) signature.
    #[codec(index = 1)]
    Sr25519([u8; 64]),
}

impl fmt::Debug for MultiSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ed25519(_) => f.write_str("Ed25519(..)"),
            Self::Sr25519(_) => f.write_str("Sr25519(..)"),
        }
    }
}

impl MultiSignature {
    /// Whether this signature of `msg` was made by the key `signer`. ECDSA signatures are
    /// not supported by Lattice and do not decode.
    pub fn verify(
        &self,
        msg: &[u8],
        signer: &AccountId32,
        verifier: &impl SignatureVerifier,
    ) -> bool {
        match self {
            Self::Ed25519(sig) => verifier.ed25519_verify(sig, msg, &signer.0),
            Self::Sr25519(sig) => verifier.sr25519_verify(sig, msg, &signer.0),
        }
    }
}

/// Where signature checks are computed: the host in Wasm (`lattice_io::crypto`), or a
/// native implementation.
pub trait SignatureVerifier {
    /// Checks an sr25519 signature.
    fn sr25519_verify(&self, sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool;
    /// Checks an ed25519 signature.
    fn ed25519_verify(&self, sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool;
}

/// An address in an extrinsic: Substrate's `MultiAddress`. Lattice resolves only
/// [`MultiAddress::Id`] and [`MultiAddress::Address32`]; other forms fail lookup.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug)]
pub enum MultiAddress {
    /// An account id.
    #[codec(index = 0)]
    Id(AccountId32),
    /// An account index (not used by Lattice).
    #[codec(index = 1)]
    Index(#[codec(compact)] u32),
    /// Raw bytes (not used by Lattice).
    #[codec(index = 2)]
    Raw(BoundedBytes),
    /// A 32-byte address.
    #[codec(index = 3)]
    Address32([u8; 32]),
    /// A 20-byte address (not used by Lattice).
    #[codec(index = 4)]
    Address20([u8; 20]),
}

/// Bytes of a `MultiAddress::Raw`, capped at 64 so a decoded address stays small.
#[derive(Clone, PartialEq, Eq, Debug, Encode)]
pub struct BoundedBytes(pub alloc::vec::Vec<u8>);

impl BoundedBytes {
    /// The largest raw address accepted.
    pub const MAX: usize = 64;
}

impl Decode for BoundedBytes {
    fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
        let len = <Compact<u32>>::decode(input)?.0 as usize;
        if len > Self::MAX {
            return Err("raw address too long".into());
        }
        let mut v = alloc::vec![0u8; len];
        input.read(&mut v)?;
        Ok(Self(v))
    }
}

impl MaxEncodedLen for BoundedBytes {
    fn max_encoded_len() -> usize {
        1 + Self::MAX
    }
}

impl TypeInfo for MultiAddress {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::{Fields, Variants};
        use scale_info::{meta_type, Path, Type, TypeParameter};
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_runtime", "multiaddress", "MultiAddress"]))
            .type_params([
                TypeParameter::new("AccountId", Some(meta_type::<AccountId32>())),
                TypeParameter::new("AccountIndex", Some(meta_type::<u32>())),
            ])
            .variant(
                Variants::new()
                    .variant("Id", |v| {
                        v.index(0).fields(
                            Fields::unnamed()
                                .field(|f| f.ty::<AccountId32>().type_name("AccountId")),
                        )
                    })
                    .variant("Index", |v| {
                        v.index(1).fields(
                            Fields::unnamed()
                                .field(|f| f.compact::<u32>().type_name("AccountIndex")),
                        )
                    })
                    .variant("Raw", |v| {
                        v.index(2).fields(
                            Fields::unnamed()
                                .field(|f| f.ty::<alloc::vec::Vec<u8>>().type_name("Vec<u8>")),
                        )
                    })
                    .variant("Address32", |v| {
                        v.index(3).fields(
                            Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")),
                        )
                    })
                    .variant("Address20", |v| {
                        v.index(4).fields(
                            Fields::unnamed().field(|f| f.ty::<[u8; 20]>().type_name("[u8; 20]")),
                        )
                    }),
            )
    }
}

/// The address type of Lattice extrinsics.
pub type Address = MultiAddress;

impl Address {
    /// The account this address names, when it names one directly.
    pub fn account(&self) -> Option<AccountId32> {
        match self {
            Self::Id(id) => Some(*id),
            Self::Address32(b) => Some(AccountId32(*b)),
            _ => None,
        }
    }
}

impl From<AccountId32> for Address {
    fn from(id: AccountId32) -> Self {
        Self::Id(id)
    }
}
