//! Signed extrinsics built without the runtime crate, as a client builds them: call
//! indices come from the chain's metadata, the signing payload follows the extrinsic v4
//! format with the chain's eight signed extensions. The caller encodes a call's
//! arguments; [`ExtrinsicBuilder::transfer`] does it for `Balances::transfer_keep_alive`.

use codec::{Compact, Decode, Encode};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use lattice_primitives::{RuntimeVersion, H256};
use scale_info::TypeDef;
use sp_core::{sr25519, Pair};
use std::collections::BTreeMap;

/// Builds and signs extrinsics for one chain and runtime version.
#[derive(Clone, Debug)]
pub struct ExtrinsicBuilder {
    genesis: H256,
    spec_version: u32,
    transaction_version: u32,
    /// `(pallet, call)` names to their pallet index and call index, for every call.
    calls: BTreeMap<(String, String), [u8; 2]>,
    /// The indices of `Balances::transfer_keep_alive`.
    transfer: [u8; 2],
}

impl ExtrinsicBuilder {
    /// Reads the call indices from `metadata` (the bytes inside `Metadata_metadata`'s
    /// answer: a prefixed V14 or later metadata). The runtime must have
    /// `Balances::transfer_keep_alive`.
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
        let mut calls = BTreeMap::new();
        for (pallet, pallet_index, ty) in pallets {
            let Some(ty) = ty else { continue };
            let ty = types.resolve(ty).ok_or(format!("{pallet}'s call type is missing"))?;
            let TypeDef::Variant(variants) = &ty.type_def else {
                return Err(format!("{pallet}'s call type is not an enum"));
            };
            for call in &variants.variants {
                calls.insert((pallet.clone(), call.name.clone()), [pallet_index, call.index]);
            }
        }
        let transfer = *calls
            .get(&("Balances".to_string(), "transfer_keep_alive".to_string()))
            .ok_or("the runtime has no Balances::transfer_keep_alive")?;
        Ok(Self { genesis, spec_version, transaction_version, calls, transfer })
    }

    /// The pallet index and call index of `pallet::call` (metadata names, as
    /// `("Staking", "validate")`).
    pub fn call_index(&self, pallet: &str, call: &str) -> Result<[u8; 2], String> {
        self.calls
            .get(&(pallet.to_string(), call.to_string()))
            .copied()
            .ok_or_else(|| format!("the runtime has no call {pallet}::{call}"))
    }

    /// The encoded call `pallet::call` with `args` (the SCALE encoding of its
    /// arguments, in order).
    pub fn call(&self, pallet: &str, call: &str, args: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = self.call_index(pallet, call)?.to_vec();
        out.extend_from_slice(args);
        Ok(out)
    }

    /// An immortal, tip-less signed extrinsic of the encoded `call` from `signer` with
    /// `nonce`, as the full extrinsic encoding (length prefix included).
    pub fn signed(&self, signer: &sr25519::Pair, call: &[u8], nonce: u32) -> Vec<u8> {
        // Era::Immortal, nonce, tip.
        let mut extra = vec![0u8];
        Compact(nonce).encode_to(&mut extra);
        Compact(0u128).encode_to(&mut extra);
        let implicit =
            (self.spec_version, self.transaction_version, self.genesis, self.genesis).encode();
        let mut payload = call.to_vec();
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
        body.extend_from_slice(call);
        let mut xt = Compact(body.len() as u32).encode();
        xt.extend_from_slice(&body);
        xt
    }

    /// A signed `transfer_keep_alive(dest, amount)` from `signer` with `nonce`.
    pub fn transfer(
        &self,
        signer: &sr25519::Pair,
        dest: [u8; 32],
        amount: u128,
        nonce: u32,
    ) -> Vec<u8> {
        let mut call = self.transfer.to_vec();
        call.push(0); // MultiAddress::Id
        call.extend_from_slice(&dest);
        Compact(amount).encode_to(&mut call);
        self.signed(signer, &call, nonce)
    }
}
