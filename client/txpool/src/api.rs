//! What the pool needs from the chain: the [`ChainApi`] capability trait, and the
//! encoding of the runtime call the node's implementation makes.

use codec::{Decode, Encode};
use lattice_primitives::{
    blake2_256, BlockNumber, Header, OpaqueExtrinsic, TransactionSource, TransactionValidity, H256,
};

/// A block by hash and number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct BlockInfo {
    /// The block hash.
    pub hash: H256,
    /// The block number.
    pub number: BlockNumber,
}

impl BlockInfo {
    /// The block of `header`.
    pub fn of(header: &Header) -> Self {
        Self { hash: header.hash(), number: header.number }
    }
}

/// The chain as the pool sees it. The node implements it over its database and the Wasm
/// runtime; tests use the deterministic mock in `test_utils`.
///
/// Calls are synchronous and may be slow (a runtime call per validation): the pool
/// never holds its lock across them. A caller on an async executor runs pool operations
/// that validate (submission, [`Pool::maintain`](crate::Pool::maintain)) off it.
pub trait ChainApi: Send + Sync {
    /// A failure of the chain to answer (database, runtime trap). Not a verdict on the
    /// transaction.
    type Error: std::error::Error + Send + Sync + 'static;

    /// `TaggedTransactionQueue_validate_transaction` on the state after block `at`:
    /// [`encode_validate_call`] builds its argument and [`decode_validity`] reads its
    /// answer. `xt` is the extrinsic's full SCALE encoding.
    fn validate_transaction(
        &self,
        at: H256,
        source: TransactionSource,
        xt: &[u8],
    ) -> Result<TransactionValidity, Self::Error>;

    /// The header of block `hash`; `None` if the chain does not know the block.
    fn block_header(&self, hash: H256) -> Result<Option<Header>, Self::Error>;

    /// The extrinsics of block `hash`; `None` if the block or its body is not stored
    /// (then the pool cannot prune or re-submit its transactions and says so in the log).
    fn block_body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, Self::Error>;

    /// The hash of an extrinsic's full encoding: blake2-256, as the chain and
    /// `author_submitExtrinsic` compute it.
    fn hash(&self, xt: &[u8]) -> H256 {
        blake2_256(xt)
    }
}

impl<T: ChainApi + ?Sized> ChainApi for std::sync::Arc<T> {
    type Error = T::Error;

    fn validate_transaction(
        &self,
        at: H256,
        source: TransactionSource,
        xt: &[u8],
    ) -> Result<TransactionValidity, Self::Error> {
        (**self).validate_transaction(at, source, xt)
    }

    fn block_header(&self, hash: H256) -> Result<Option<Header>, Self::Error> {
        (**self).block_header(hash)
    }

    fn block_body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, Self::Error> {
        (**self).block_body(hash)
    }

    fn hash(&self, xt: &[u8]) -> H256 {
        (**self).hash(xt)
    }
}

/// The argument of `TaggedTransactionQueue_validate_transaction`: the SCALE encoding of
/// `(TransactionSource, Extrinsic, H256)`, where the extrinsic's encoding is `xt` itself.
pub fn encode_validate_call(source: TransactionSource, xt: &[u8], at: H256) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + xt.len() + 32);
    source.encode_to(&mut out);
    out.extend_from_slice(xt);
    at.encode_to(&mut out);
    out
}

/// Decodes the answer of `TaggedTransactionQueue_validate_transaction`, refusing
/// trailing bytes.
pub fn decode_validity(mut bytes: &[u8]) -> Result<TransactionValidity, codec::Error> {
    let validity = TransactionValidity::decode(&mut bytes)?;
    if !bytes.is_empty() {
        return Err("trailing bytes after TransactionValidity".into());
    }
    Ok(validity)
}
