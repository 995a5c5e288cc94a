//! Signed `Balances::transfer_keep_alive` extrinsics, built without the runtime crate:
//! the call's indices come from the chain's metadata, the signing payload follows the
//! extrinsic v4 format with the chain's eight signed extensions.

use codec::{Compact, Decode, Encode};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use lattice_primitives::{RuntimeVersion, H256};
use scale_info::TypeDef;
use sp_core::{sr25519, Pair};

/// Builds and signs transfers for one chain and runtime version.
#[derive(Clone, Debug)]
pub struct TransferBuilder {
    genesis: H256,
    spec_version: u32,
    transaction_version: u32,
    /// Pallet index and call index of `Balances::transfer_keep_alive`.
    call_index: [u8; 2],
}

impl TransferBuilder {
    /// Reads the indices of `Balances::transfer_keep_alive` from `metadata` (the bytes
    /// inside `Metadata_metadata`'s answer: a prefixed V14 or later metadata).
    pub fn new(metadata: &[u8], genesis: H256, version: &RuntimeVersion) -> Result<Self, String> {
        Self::with_versions(metadata, genesis, version.spec_version, version.transaction_version)
    }

    /// As [`Self::new`], with the runtime's spec and transaction versions given apart
    /// (as `state_getRuntimeVersion` returns them).
    pub fn with_versions(
        metadata: &[u8],
        genesis: H256,
        spec_version: u32,
        transaction_version: u32,
    ) -> Result<Self, String> {
        let prefixed = RuntimeMetadataPrefixed::decode(&mut &metadata[..])
            .map_err(|e| format!("metadata does not decode: {e}"))?;
        // (name, index, call type) of each pallet, from V14 or V15 alike.
        macro_rules! pallets_of {
            ($m:expr) => {
                $m.pallets
                    .iter()
                    .map(|p| (p.name.clone(), p.index, p.calls.as_ref().map(|c| c.ty.id)))
                    .collect::<Vec<_>>()
            };
        }
        let (pallets, types) = match prefixed.1 {
            RuntimeMetadata::V14(m) => (pallets_of!(m), m.types),
            RuntimeMetadata::V15(m) => (pallets_of!(m), m.types),
            _ => return Err("metadata is not V14 or V15".into()),
        };
        let (_, pallet_index, calls) = pallets
            .iter()
            .find(|(name, _, _)| name == "Balances")
            .ok_or("the runtime has no Balances pallet")?;
        let calls = calls.ok_or("Balances has no calls")?;
        let ty = types.resolve(calls).ok_or("Balances' call type is missing")?;
        let TypeDef::Variant(variants) = &ty.type_def else {
            return Err("Balances' call type is not an enum".into());
        };
        let call = variants
            .variants
            .iter()
            .find(|v| v.name == "transfer_keep_alive")
            .ok_or("Balances has no transfer_keep_alive")?;
        Ok(Self {
            genesis,
            spec_version,
            transaction_version,
            call_index: [*pallet_index, call.index],
        })
    }

    /// An immortal, tip-less `transfer_keep_alive(dest, amount)` from `signer` with
    /// `nonce`, as the full extrinsic encoding (length prefix included).
    pub fn transfer(
        &self,
        signer: &sr25519::Pair,
        dest: [u8; 32],
        amount: u128,
        nonce: u32,
    ) -> Vec<u8> {
        let mut call = self.call_index.to_vec();
        call.push(0); // MultiAddress::Id
        call.extend_from_slice(&dest);
        Compact(amount).encode_to(&mut call);
        // Era::Immortal, nonce, tip.
        let mut extra = vec![0u8];
        Compact(nonce).encode_to(&mut extra);
        Compact(0u128).encode_to(&mut extra);
        let implicit =
            (self.spec_version, self.transaction_version, self.genesis, self.genesis).encode();
        let mut payload = call.clone();
        payload.extend_from_slice(&extra);
        payload.extend_from_slice(&implicit);
        let signature = if payload.len() > 256 {
            signer.sign(lattice_primitives::blake2_256(&payload).as_bytes())
        } else {
            signer.sign(&payload)
        };
        let mut body = vec![0x84, 0x00];
        body.extend_from_slice(&signer.public().0);
        body.push(0x01); // MultiSignature::Sr25519
        body.extend_from_slice(&signature.0);
        body.extend_from_slice(&extra);
        body.extend_from_slice(&call);
        let mut xt = Compact(body.len() as u32).encode();
        xt.extend_from_slice(&body);
        xt
    }
}
