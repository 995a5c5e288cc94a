//! The runtime-API entry points (`lattice_primitives::api` lists them with their types).
//!
//! [`dispatch`] calls one by name with SCALE-encoded arguments: natively it is how tests
//! and benchmarks call the runtime; in Wasm each entry point is an export that forwards
//! here (`wasm.rs`).

use crate::{executive, genesis, metadata, Extrinsic, Runtime};
use alloc::string::String;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use lattice_primitives::staking::{DelegationInfo, RewardInfo};
use lattice_primitives::{AccountId32, Block, Header, InherentData, TransactionSource, H256};
use lattice_support::dispatch::GetDispatchInfo;

type Staking = pallet_staking::Pallet<Runtime>;

/// Why an entry point could not be called.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ApiError {
    /// No entry point has this name.
    UnknownMethod,
    /// The arguments do not decode as the entry point's argument types.
    BadInput,
}

fn decode<T: Decode>(mut input: &[u8]) -> Result<T, ApiError> {
    let v = T::decode(&mut input).map_err(|_| ApiError::BadInput)?;
    if !input.is_empty() {
        return Err(ApiError::BadInput);
    }
    Ok(v)
}

/// Calls the entry point `method` with SCALE-encoded `input`; returns the SCALE-encoded
/// result. Runs against the installed externalities (`lattice_io::with_externalities`
/// natively, the host in Wasm).
pub fn dispatch(method: &str, input: &[u8]) -> Result<Vec<u8>, ApiError> {
    Ok(match method {
        "Core_version" => crate::version().encode(),
        "Core_execute_block" => {
            executive::execute_block(decode::<Block>(input)?);
            ().encode()
        }
        "Core_initialize_block" => {
            executive::initialize_block(&decode::<Header>(input)?);
            // ExtrinsicInclusionMode::AllExtrinsics
            0u8.encode()
        }
        "Metadata_metadata" => metadata::metadata_v14().encode(),
        "Metadata_metadata_at_version" => {
            metadata::metadata_at_version(decode::<u32>(input)?).encode()
        }
        "Metadata_metadata_versions" => metadata::versions().encode(),
        // A malformed extrinsic is answered as invalid (`InvalidTransaction::Call`), not
        // as a failed call, so pools and block builders get a typed reason.
        "BlockBuilder_apply_extrinsic" => executive::apply_extrinsic(input.to_vec()).encode(),
        "BlockBuilder_finalize_block" => executive::finalize_block().encode(),
        "BlockBuilder_inherent_extrinsics" => {
            executive::inherent_extrinsics(&decode::<InherentData>(input)?).encode()
        }
        "BlockBuilder_check_inherents" => {
            let (block, data) = decode::<(Block, InherentData)>(input)?;
            executive::check_inherents(&block, &data).encode()
        }
        "TaggedTransactionQueue_validate_transaction" => {
            // `(source, extrinsic, block_hash)`: the extrinsic is whatever lies between the
            // one-byte source and the 32-byte hash, so a malformed one is still answered.
            if input.len() < 33 {
                return Err(ApiError::BadInput);
            }
            let source = decode::<TransactionSource>(&input[..1])?;
            let hash = decode::<H256>(&input[input.len() - 32..])?;
            executive::validate_transaction(source, input[1..input.len() - 32].to_vec(), hash)
                .encode()
        }
        "AccountNonceApi_account_nonce" => {
            pallet_system::Pallet::<Runtime>::account_nonce(&decode::<AccountId32>(input)?).encode()
        }
        "TransactionPaymentApi_query_info" => {
            let (xt, len) = decode::<(Extrinsic, u32)>(input)?;
            query_info(&xt, len).encode()
        }
        "TransactionPaymentApi_query_fee_details" => {
            let (xt, len) = decode::<(Extrinsic, u32)>(input)?;
            query_fee_details(&xt, len).encode()
        }
        "AuraApi_slot_duration" => pallet_aura::Pallet::<Runtime>::slot_duration().encode(),
        "AuraApi_authorities" => pallet_aura::Pallet::<Runtime>::authorities().encode(),
        "GrandpaApi_grandpa_authorities" => {
            pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().encode()
        }
        "GrandpaApi_current_set_id" => pallet_grandpa::Pallet::<Runtime>::current_set_id().encode(),
        // Substrate's reporting path (key-ownership proofs, offchain submission) is not
        // offered: nodes build reports with `LatticeStakingApi_equivocation_report` and
        // submit them to their pool, which the API expresses as `None`.
        "GrandpaApi_generate_key_ownership_proof" => Option::<Vec<u8>>::None.encode(),
        "GrandpaApi_submit_report_equivocation_unsigned_extrinsic" => Option::<()>::None.encode(),
        "SessionKeys_generate_session_keys" => {
            crate::session_keys::generate(decode::<Option<Vec<u8>>>(input)?.as_deref())
                .encode()
                .encode()
        }
        "SessionKeys_decode_session_keys" => {
            crate::session_keys::decode_into_raw_public_keys(&decode::<Vec<u8>>(input)?).encode()
        }
        "LatticeStakingApi_validators" => Staking::validators_info().encode(),
        "LatticeStakingApi_delegations" => Staking::delegations_of(&decode(input)?)
            .into_iter()
            .map(|(validator, amount)| DelegationInfo { validator, amount })
            .collect::<Vec<_>>()
            .encode(),
        "LatticeStakingApi_rewards" => Staking::rewards_of(&decode(input)?)
            .into_iter()
            .map(|(era, amount)| RewardInfo { era, amount })
            .collect::<Vec<_>>()
            .encode(),
        "LatticeStakingApi_unbonding" => Staking::unbonding_of(&decode(input)?).encode(),
        "LatticeStakingApi_equivocation_report" => {
            let (proof, reporter) =
                decode::<(pallet_staking::EquivocationProof, Option<AccountId32>)>(input)?;
            let call = pallet_staking::Call::report_equivocation { proof: proof.into(), reporter };
            Extrinsic::new_unsigned(crate::RuntimeCall::Staking(call)).encode().encode()
        }
        "LatticeStakingApi_block_equivocation_report" => {
            let (proof, reporter) =
                decode::<(pallet_staking::BlockEquivocationProof, Option<AccountId32>)>(input)?;
            let call =
                pallet_staking::Call::report_block_equivocation { proof: proof.into(), reporter };
            Extrinsic::new_unsigned(crate::RuntimeCall::Staking(call)).encode().encode()
        }
        "GenesisBuilder_build_state" => genesis::build_state(decode::<Vec<u8>>(input)?).encode(),
        "GenesisBuilder_get_preset" => {
            genesis::get_preset(decode::<Option<String>>(input)?.as_deref()).encode()
        }
        "GenesisBuilder_preset_names" => genesis::preset_names().encode(),
        _ => return Err(ApiError::UnknownMethod),
    })
}

/// What `TransactionPaymentApi_query_info` answers for `xt` of encoded length `len`.
pub fn query_info(
    xt: &Extrinsic,
    len: u32,
) -> pallet_transaction_payment::types::RuntimeDispatchInfo {
    let info = xt.function.get_dispatch_info();
    let mut answer = pallet_transaction_payment::Pallet::<Runtime>::query_info(len, &info);
    if !xt.is_signed() {
        // Unsigned extrinsics (inherents) pay nothing.
        answer.partial_fee = 0;
    }
    answer
}

/// What `TransactionPaymentApi_query_fee_details` answers.
pub fn query_fee_details(
    xt: &Extrinsic,
    len: u32,
) -> pallet_transaction_payment::types::FeeDetails {
    let info = xt.function.get_dispatch_info();
    let tip = xt.signature.as_ref().map_or(0, |s| s.extra.7 .0);
    if xt.is_signed() {
        pallet_transaction_payment::Pallet::<Runtime>::compute_fee_details(len, &info, tip)
    } else {
        pallet_transaction_payment::types::FeeDetails { inclusion_fee: None, tip: 0 }
    }
}
