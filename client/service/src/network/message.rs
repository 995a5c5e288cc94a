//! The node's messages on the network's protocols, SCALE encoded. Every decode checks
//! that the whole input is used.

use codec::{Decode, Encode};
use lattice_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};

/// Justifications stored with a block: `(engine id, proof)`.
pub type Justifications = Vec<([u8; 4], Vec<u8>)>;

/// Role bit of a full node.
pub const ROLE_FULL: u8 = 0b0001;
/// Role bit of an authority.
pub const ROLE_AUTHORITY: u8 = 0b0100;

/// What peers tell each other when they connect (`status/1`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Status {
    /// Role bits.
    pub roles: u8,
    /// The best block's number.
    pub best_number: BlockNumber,
    /// The best block's hash.
    pub best_hash: H256,
    /// The genesis hash.
    pub genesis_hash: H256,
}

/// A new block (`block-announces/1`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct BlockAnnounce {
    /// Its header.
    pub header: Header,
    /// Whether it is the sender's best block.
    pub is_best: bool,
}

/// Where a block request starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum FromBlock {
    /// At a hash.
    Hash(H256),
    /// At a number of the responder's best chain.
    Number(BlockNumber),
}

/// Which way a block request walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Direction {
    /// Towards higher numbers (by number on the responder's best chain).
    Ascending,
    /// Towards the genesis (by parent hash).
    Descending,
}

/// Field bit: the header.
pub const FIELD_HEADER: u8 = 0b001;
/// Field bit: the body.
pub const FIELD_BODY: u8 = 0b010;
/// Field bit: the justifications.
pub const FIELD_JUSTIFICATION: u8 = 0b100;

/// A request for blocks (`sync/2`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct BlockRequest {
    /// The wanted fields (`FIELD_*` bits).
    pub fields: u8,
    /// The first block.
    pub from: FromBlock,
    /// The walk.
    pub direction: Direction,
    /// Most blocks wanted (the responder caps it at [`MAX_BLOCKS_PER_REQUEST`]).
    pub max: u32,
}

/// Most blocks in one response.
pub const MAX_BLOCKS_PER_REQUEST: u32 = 128;
/// Most bytes of blocks a response carries (the last block may cross it).
pub const RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// One block of a response.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct BlockData {
    /// Its hash.
    pub hash: H256,
    /// Its header, when asked for.
    pub header: Option<Header>,
    /// Its body, when asked for.
    pub body: Option<Vec<OpaqueExtrinsic>>,
    /// Its justifications, when asked for and stored.
    pub justifications: Option<Justifications>,
}

/// The answer to a [`BlockRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct BlockResponse {
    /// The blocks, in the request's direction.
    pub blocks: Vec<BlockData>,
}

/// A request for a stretch of a block's state (`state/2`, warp sync).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StateRequest {
    /// The block whose state is wanted.
    pub block: H256,
    /// The entries after this key (from the first key when `None`).
    pub after: Option<Vec<u8>>,
}

/// The answer to a [`StateRequest`]: the trie nodes of a walk from the requested key
/// (a `StorageProof`'s nodes), from which the asker reads and checks the entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct StateResponse {
    /// The encoded trie nodes.
    pub proof: Vec<Vec<u8>>,
}

/// Most bytes of keys and values one state response covers.
pub const STATE_RESPONSE_BYTES: usize = 2 * 1024 * 1024;

/// Transactions (`transactions/1`), each as submitted.
pub type Transactions = Vec<Vec<u8>>;

/// Decodes `T` from all of `bytes`.
pub fn decode_all<T: Decode>(bytes: &[u8]) -> Result<T, String> {
    let mut input = bytes;
    let value = T::decode(&mut input).map_err(|e| e.to_string())?;
    if !input.is_empty() {
        return Err(format!("{} trailing bytes", input.len()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_refused() {
        let request = BlockRequest {
            fields: FIELD_HEADER | FIELD_BODY,
            from: FromBlock::Number(7),
            direction: Direction::Descending,
            max: 3,
        };
        assert_eq!(decode_all::<BlockRequest>(&request.encode()), Ok(request.clone()));
        let mut extra = request.encode();
        extra.push(0);
        assert!(decode_all::<BlockRequest>(&extra).is_err());
        assert!(decode_all::<Status>(&[1, 2, 3]).is_err());
        assert!(decode_all::<BlockAnnounce>(&[0xff; 64]).is_err());
        // A length prefix claiming more items than there are bytes fails, without
        // allocating for the claim.
        assert!(decode_all::<Transactions>(&[0xfe, 0xff, 0xff, 0xff]).is_err());
    }
}
