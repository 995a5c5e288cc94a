//! The transaction pool's view of the chain: validation through the runtime at a block.

use crate::{Client, Error};
use lattice_primitives::api::methods::VALIDATE_TRANSACTION;
use lattice_primitives::{Header, OpaqueExtrinsic, TransactionSource, TransactionValidity, H256};
use lattice_txpool::{decode_validity, encode_validate_call, ChainApi};
use std::sync::Arc;

/// [`ChainApi`] over the client: `TaggedTransactionQueue_validate_transaction` runs in
/// the Wasm runtime on the state after the block asked for.
#[derive(Clone)]
pub struct FullChainApi {
    client: Arc<Client>,
}

impl FullChainApi {
    /// The pool's chain view over `client`.
    pub fn new(client: Arc<Client>) -> Self {
        Self { client }
    }
}

impl ChainApi for FullChainApi {
    type Error = Error;

    fn validate_transaction(
        &self,
        at: H256,
        source: TransactionSource,
        xt: &[u8],
    ) -> Result<TransactionValidity, Error> {
        let out =
            self.client.call(&at, VALIDATE_TRANSACTION, &encode_validate_call(source, xt, at))?;
        decode_validity(&out).map_err(|e| Error::BadRuntimeAnswer {
            method: VALIDATE_TRANSACTION,
            reason: e.to_string(),
        })
    }

    fn block_header(&self, hash: H256) -> Result<Option<Header>, Error> {
        self.client.header(&hash)
    }

    fn block_body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, Error> {
        self.client.body(&hash)
    }
}
