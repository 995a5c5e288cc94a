//! Building a block on a parent: initialize, inherents, transactions, finalize.

use crate::cache::CachedState;
use crate::{Client, Error, Result};
use codec::{Decode, Encode};
use lattice_executor::RuntimeCode;
use lattice_primitives::api::methods::{
    APPLY_EXTRINSIC, CORE_INITIALIZE_BLOCK, FINALIZE_BLOCK, INHERENT_EXTRINSICS,
};
use lattice_primitives::{
    ApplyExtrinsicResult, Block, Digest, Header, InherentData, OpaqueExtrinsic, H256,
};
use lattice_state::{OverlayedChanges, StateCommit};

/// A block under construction on top of a parent. Transactions that the runtime refuses
/// (`Err` from `BlockBuilder_apply_extrinsic`) leave no trace; transactions whose call
/// fails are included (they pay their fee).
pub struct BlockBuilder<'a> {
    client: &'a Client,
    parent_hash: H256,
    state: CachedState,
    code: RuntimeCode,
    overlay: OverlayedChanges,
    extrinsics: Vec<OpaqueExtrinsic>,
    /// Encoded size of the body so far (without its length prefix).
    body_size: usize,
}

/// A built block (unsealed) and its state changes.
pub struct BuiltBlock {
    /// The block; the author adds its seal to the digest.
    pub block: Block,
    /// The state changes of the block over its parent.
    pub state: StateCommit,
}

impl<'a> BlockBuilder<'a> {
    /// Starts block `parent.number + 1` on `parent_hash` with the author's pre-runtime
    /// `digest` (`Core_initialize_block`).
    pub fn new(client: &'a Client, parent_hash: H256, digest: Digest) -> Result<Self> {
        let parent = client.expect_header(&parent_hash)?;
        let state = client.state_at(&parent_hash)?;
        let code = client.runtime_code(&parent_hash)?;
        let header = Header {
            parent_hash,
            number: parent.number + 1,
            state_root: H256::zero(),
            extrinsics_root: H256::zero(),
            digest,
        };
        let mut overlay = OverlayedChanges::new();
        client.call_in(&code, &state, &mut overlay, CORE_INITIALIZE_BLOCK, &header.encode())?;
        Ok(Self { client, parent_hash, state, code, overlay, extrinsics: Vec::new(), body_size: 0 })
    }

    /// The parent's hash.
    pub fn parent_hash(&self) -> H256 {
        self.parent_hash
    }

    /// The inherent extrinsics for `data` (`BlockBuilder_inherent_extrinsics`), encoded.
    pub fn create_inherents(&mut self, data: &InherentData) -> Result<Vec<Vec<u8>>> {
        let out = self.client.call_in(
            &self.code,
            &self.state,
            &mut self.overlay,
            INHERENT_EXTRINSICS,
            &data.encode(),
        )?;
        let inherents = Vec::<OpaqueExtrinsic>::decode(&mut &out[..]).map_err(|e| {
            Error::BadRuntimeAnswer { method: INHERENT_EXTRINSICS, reason: e.to_string() }
        })?;
        Ok(inherents.into_iter().map(|x| x.encode()).collect())
    }

    /// Applies the extrinsic `xt` (its full encoding). On `Ok(Ok(_))` and `Ok(Err(_))`
    /// (dispatch error) it is part of the block; on `Ok(Err(validity))` from the runtime
    /// or an execution error its changes are rolled back.
    pub fn push(&mut self, xt: &[u8]) -> Result<ApplyExtrinsicResult> {
        let opaque = OpaqueExtrinsic::decode(&mut &xt[..]).map_err(|e| Error::BadExtrinsic {
            index: self.extrinsics.len(),
            reason: e.to_string(),
        })?;
        self.overlay.start_transaction();
        let out =
            self.client.call_in(&self.code, &self.state, &mut self.overlay, APPLY_EXTRINSIC, xt);
        let result = out.and_then(|out| {
            ApplyExtrinsicResult::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
                method: APPLY_EXTRINSIC,
                reason: e.to_string(),
            })
        });
        match result {
            Ok(Ok(outcome)) => {
                self.overlay.commit_transaction().expect("a transaction was started above");
                self.body_size += xt.len();
                self.extrinsics.push(opaque);
                Ok(Ok(outcome))
            }
            Ok(Err(invalid)) => {
                self.overlay.rollback_transaction().expect("a transaction was started above");
                Ok(Err(invalid))
            }
            Err(e) => {
                self.overlay.rollback_transaction().expect("a transaction was started above");
                Err(e)
            }
        }
    }

    /// How many extrinsics the block holds.
    pub fn len(&self) -> usize {
        self.extrinsics.len()
    }

    /// Whether the block holds no extrinsic.
    pub fn is_empty(&self) -> bool {
        self.extrinsics.is_empty()
    }

    /// The encoded size of the block body so far.
    pub fn body_size(&self) -> usize {
        self.body_size
    }

    /// Finalizes the block (`BlockBuilder_finalize_block`) and computes its state changes.
    pub fn build(mut self) -> Result<BuiltBlock> {
        let out =
            self.client.call_in(&self.code, &self.state, &mut self.overlay, FINALIZE_BLOCK, &[])?;
        let header = Header::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
            method: FINALIZE_BLOCK,
            reason: e.to_string(),
        })?;
        let state = self.overlay.drain_commit(&self.state)?;
        if state.root != header.state_root.0 {
            return Err(Error::StateRootMismatch {
                hash: header.hash(),
                expected: header.state_root,
                computed: H256(state.root),
            });
        }
        Ok(BuiltBlock { block: Block { header, extrinsics: self.extrinsics }, state })
    }
}
