//! Extrinsic format version 4, as Substrate encodes and signs it.
//!
//! ```text
//! extrinsic  = compact(len) ++ body
//! body       = 0x84 ++ address ++ signature ++ extra ++ call   (signed)
//!            | 0x04 ++ call                                     (unsigned: inherents)
//! payload    = call ++ extra ++ implicit                        (what the signer signs;
//!                                                               blake2-256 of it if > 256 bytes)
//! ```
//!
//! `extra` is the explicit part of the signed extensions (era, nonce, tip); `implicit` is
//! what the signer commits to without sending it (spec and transaction versions, genesis
//! hash, the hash of the era's birth block).

use crate::crypto::{Address, MultiSignature};
use alloc::vec::Vec;
use codec::{Compact, Decode, Encode, Error, Input};
use scale_info::TypeInfo;

/// The version byte of an unsigned extrinsic.
pub const EXTRINSIC_FORMAT_VERSION: u8 = 4;
/// Bit set in the version byte of a signed extrinsic.
const SIGNED_BIT: u8 = 0b1000_0000;

/// The largest encoded extrinsic the runtime decodes (guards against memory blow-up from a
/// hostile length prefix).
pub const MAX_EXTRINSIC_SIZE: usize = 4 * 1024 * 1024;

/// How deep nested calls (`utility.batch` in `sudo`, ...) may go when decoding.
pub const MAX_CALL_DEPTH: u32 = 8;

/// The signature part of a signed extrinsic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct SignatureParts<Extra> {
    /// Who signed.
    pub address: Address,
    /// The signature of the signing payload.
    pub signature: MultiSignature,
    /// The explicit signed-extension data.
    pub extra: Extra,
}

/// An extrinsic as it travels: signed or not, with its call still typed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UncheckedExtrinsic<Call, Extra> {
    /// `Some` for a signed transaction, `None` for an inherent or unsigned transaction.
    pub signature: Option<SignatureParts<Extra>>,
    /// The call to dispatch.
    pub function: Call,
}

impl<Call, Extra> UncheckedExtrinsic<Call, Extra> {
    /// A signed extrinsic.
    pub fn new_signed(
        function: Call,
        address: Address,
        signature: MultiSignature,
        extra: Extra,
    ) -> Self {
        Self { signature: Some(SignatureParts { address, signature, extra }), function }
    }

    /// An unsigned extrinsic (an inherent).
    pub fn new_unsigned(function: Call) -> Self {
        Self { signature: None, function }
    }

    /// Whether the extrinsic carries a signature.
    pub fn is_signed(&self) -> bool {
        self.signature.is_some()
    }
}

impl<Call: Encode, Extra: Encode> Encode for UncheckedExtrinsic<Call, Extra> {
    fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(128);
        match &self.signature {
            Some(parts) => {
                body.push(EXTRINSIC_FORMAT_VERSION | SIGNED_BIT);
                parts.encode_to(&mut body);
            }
            None => body.push(EXTRINSIC_FORMAT_VERSION),
        }
        self.function.encode_to(&mut body);
        let mut out = Compact(body.len() as u32).encode();
        out.extend_from_slice(&body);
        out
    }

    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        dest.write(&self.encode())
    }
}

impl<Call: Decode, Extra: Decode> Decode for UncheckedExtrinsic<Call, Extra> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, Error> {
        let len = <Compact<u32>>::decode(input)?.0 as usize;
        if len > MAX_EXTRINSIC_SIZE {
            return Err("extrinsic too large".into());
        }
        let before = input.remaining_len()?;
        let version = input.read_byte()?;
        if version & !SIGNED_BIT != EXTRINSIC_FORMAT_VERSION {
            return Err("unsupported extrinsic format version".into());
        }
        let signature =
            if version & SIGNED_BIT != 0 { Some(SignatureParts::decode(input)?) } else { None };
        let function = Call::decode_with_depth_limit(MAX_CALL_DEPTH, input)?;
        if let (Some(before), Some(after)) = (before, input.remaining_len()?) {
            if before.saturating_sub(after) != len {
                return Err("extrinsic length prefix does not match its contents".into());
            }
        }
        Ok(Self { signature, function })
    }
}

/// Decoding with a bound on nesting depth, so a call nested thousands of times (batch of
/// batch of ...) cannot exhaust the stack. Implemented for every call type with
/// `codec::DecodeLimit`.
trait DecodeWithDepth: Sized {
    fn decode_with_depth_limit<I: Input>(limit: u32, input: &mut I) -> Result<Self, Error>;
}

impl<T: Decode> DecodeWithDepth for T {
    fn decode_with_depth_limit<I: Input>(limit: u32, input: &mut I) -> Result<Self, Error> {
        codec::DecodeLimit::decode_with_depth_limit(limit, input)
    }
}

impl<Call: TypeInfo + 'static, Extra: TypeInfo + 'static> TypeInfo
    for UncheckedExtrinsic<Call, Extra>
{
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        use scale_info::{meta_type, Path, Type, TypeParameter};
        Type::builder()
            .path(Path::from_segments_unchecked([
                "sp_runtime",
                "generic",
                "unchecked_extrinsic",
                "UncheckedExtrinsic",
            ]))
            .type_params([
                TypeParameter::new("Address", Some(meta_type::<Address>())),
                TypeParameter::new("Call", Some(meta_type::<Call>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<Extra>())),
            ])
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
    }
}

/// Builds the bytes a signer signs: `call ++ extra ++ implicit`, hashed with blake2-256
/// when longer than 256 bytes. `hash` is the hash function to use (host-accelerated in the
/// runtime).
pub fn signing_payload(
    call: &impl Encode,
    extra: &impl Encode,
    implicit: &impl Encode,
    hash: impl FnOnce(&[u8]) -> [u8; 32],
) -> Vec<u8> {
    let mut payload = call.encode();
    extra.encode_to(&mut payload);
    implicit.encode_to(&mut payload);
    if payload.len() > 256 {
        hash(&payload).to_vec()
    } else {
        payload
    }
}
