//! Block headers, digests and blocks in Substrate's formats.

use crate::hash::{blake2_256, H256};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// A block number.
pub type BlockNumber = u32;

/// Four bytes naming a consensus engine in a digest item (`b"aura"`, `b"FRNK"`).
pub type ConsensusEngineId = [u8; 4];

/// The engine id of Aura digests.
pub const AURA_ENGINE_ID: ConsensusEngineId = *b"aura";
/// The engine id of GRANDPA digests.
pub const GRANDPA_ENGINE_ID: ConsensusEngineId = *b"FRNK";

/// One item of a header's digest. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum DigestItem {
    /// Written by the block author before execution (Aura: the slot number).
    #[codec(index = 6)]
    PreRuntime(ConsensusEngineId, Vec<u8>),
    /// A message from the runtime to the consensus engine (authority set changes).
    #[codec(index = 4)]
    Consensus(ConsensusEngineId, Vec<u8>),
    /// The author's seal, added after execution; never seen by the runtime.
    #[codec(index = 5)]
    Seal(ConsensusEngineId, Vec<u8>),
    /// Anything else.
    #[codec(index = 0)]
    Other(Vec<u8>),
    /// The runtime code or heap pages changed in this block.
    #[codec(index = 8)]
    RuntimeEnvironmentUpdated,
}

/// The digest of a header: an ordered list of items.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct Digest {
    /// The items, in the order they were added.
    pub logs: Vec<DigestItem>,
}

impl TypeInfo for DigestItem {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::{Fields, Variants};
        let engine_and_data = || {
            Fields::unnamed()
                .field(|f| f.ty::<ConsensusEngineId>().type_name("ConsensusEngineId"))
                .field(|f| f.ty::<Vec<u8>>().type_name("Vec<u8>"))
        };
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "sp_runtime",
                "generic",
                "digest",
                "DigestItem",
            ]))
            .variant(
                Variants::new()
                    .variant("PreRuntime", |v| v.index(6).fields(engine_and_data()))
                    .variant("Consensus", |v| v.index(4).fields(engine_and_data()))
                    .variant("Seal", |v| v.index(5).fields(engine_and_data()))
                    .variant("Other", |v| {
                        v.index(0).fields(
                            Fields::unnamed().field(|f| f.ty::<Vec<u8>>().type_name("Vec<u8>")),
                        )
                    })
                    .variant("RuntimeEnvironmentUpdated", |v| v.index(8)),
            )
    }
}

impl TypeInfo for Digest {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "sp_runtime",
                "generic",
                "digest",
                "Digest",
            ]))
            .composite(
                scale_info::build::Fields::named()
                    .field(|f| f.ty::<Vec<DigestItem>>().name("logs").type_name("Vec<DigestItem>")),
            )
    }
}

impl Digest {
    /// The first `PreRuntime` payload for `engine`.
    pub fn pre_runtime(&self, engine: ConsensusEngineId) -> Option<&[u8]> {
        self.logs.iter().find_map(|item| match item {
            DigestItem::PreRuntime(id, data) if *id == engine => Some(data.as_slice()),
            _ => None,
        })
    }

    /// The seal, if it is the last item and made by `engine`.
    pub fn seal(&self, engine: ConsensusEngineId) -> Option<&[u8]> {
        match self.logs.last() {
            Some(DigestItem::Seal(id, data)) if *id == engine => Some(data),
            _ => None,
        }
    }
}

/// A block header. Its hash is the block hash.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Header {
    /// Hash of the parent block (zero for genesis).
    pub parent_hash: H256,
    /// Height of the block.
    #[codec(compact)]
    pub number: BlockNumber,
    /// State root after executing the block.
    pub state_root: H256,
    /// Trie root of the block's ordered extrinsics (keys are compact indices).
    pub extrinsics_root: H256,
    /// Consensus and runtime messages.
    pub digest: Digest,
}

impl TypeInfo for Header {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        use scale_info::{meta_type, Path, Type, TypeParameter};
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_runtime", "generic", "header", "Header"]))
            .type_params([
                TypeParameter::new("Number", Some(meta_type::<BlockNumber>())),
                TypeParameter::new("Hash", None),
            ])
            .composite(
                Fields::named()
                    .field(|f| f.ty::<H256>().name("parent_hash").type_name("Hash::Output"))
                    .field(|f| f.compact::<BlockNumber>().name("number").type_name("Number"))
                    .field(|f| f.ty::<H256>().name("state_root").type_name("Hash::Output"))
                    .field(|f| f.ty::<H256>().name("extrinsics_root").type_name("Hash::Output"))
                    .field(|f| f.ty::<Digest>().name("digest").type_name("Digest")),
            )
    }
}

impl Header {
    /// The block hash: blake2-256 of the encoded header.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.encode())
    }
}

/// A block: a header and the encoded extrinsics, each kept opaque (as on the wire, an
/// extrinsic is a length-prefixed byte string).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The extrinsics, each the encoding of one extrinsic without its length prefix.
    pub extrinsics: Vec<OpaqueExtrinsic>,
}

/// One encoded extrinsic. Encodes exactly as the extrinsic itself (the extrinsic format
/// starts with its compact length), so a `Vec<OpaqueExtrinsic>` is a block body.
#[derive(Clone, PartialEq, Eq, Debug, Default, TypeInfo)]
pub struct OpaqueExtrinsic(pub Vec<u8>);

impl Encode for OpaqueExtrinsic {
    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }
    fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
        self.0.encode_to(dest)
    }
}

impl Decode for OpaqueExtrinsic {
    fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
        Ok(Self(Vec::<u8>::decode(input)?))
    }
}
