//! `payment_queryInfo` and `payment_queryFeeDetails` (Substrate's
//! `pallet-transaction-payment-rpc`), through the `TransactionPaymentApi` runtime API.

use crate::error::{Error, Result};
use crate::json::{hex_number, Args, MAX_BYTES_PARAM};
use crate::Ctx;
use codec::{Decode, DecodeAll, Encode};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::RpcModule;
use lattice_primitives::api::methods::{QUERY_FEE_DETAILS, QUERY_INFO};
use lattice_primitives::{Balance, DispatchClass, OpaqueExtrinsic, Weight};
use serde_json::{json, Value};

/// `RuntimeDispatchInfo` as the runtime encodes it.
#[derive(Decode)]
struct DispatchInfo {
    weight: Weight,
    class: DispatchClass,
    partial_fee: Balance,
}

/// `InclusionFee` as the runtime encodes it.
#[derive(Decode)]
struct InclusionFee {
    base_fee: Balance,
    len_fee: Balance,
    adjusted_weight_fee: Balance,
}

/// `FeeDetails` as the runtime encodes it.
#[derive(Decode)]
struct FeeDetails {
    inclusion_fee: Option<InclusionFee>,
    #[allow(dead_code)]
    tip: Balance,
}

const INFO_MESSAGE: &str = "Unable to query dispatch info.";
const DETAILS_MESSAGE: &str = "Unable to query fee details.";

/// Registers the `payment_*` methods.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method("payment_queryInfo", |params, ctx, _| -> Result<Value> {
        let info: DispatchInfo = query(&ctx, &Args::parse(&params)?, QUERY_INFO, INFO_MESSAGE)?;
        let class = match info.class {
            DispatchClass::Normal => "normal",
            DispatchClass::Operational => "operational",
            DispatchClass::Mandatory => "mandatory",
        };
        // As Substrate: the weight in the pre-V2 form (`ref_time` only), which clients
        // decode as `RuntimeDispatchInfoV1`; the full weight is in the runtime API's answer
        // (`state_call` of `TransactionPaymentApi_query_info`).
        Ok(json!({
            "weight": info.weight.ref_time,
            "class": class,
            "partialFee": info.partial_fee.to_string(),
        }))
    })?;
    module.register_blocking_method(
        "payment_queryFeeDetails",
        |params, ctx, _| -> Result<Value> {
            let details: FeeDetails =
                query(&ctx, &Args::parse(&params)?, QUERY_FEE_DETAILS, DETAILS_MESSAGE)?;
            let inclusion = details.inclusion_fee.map(|f| {
                json!({
                    "baseFee": hex_number(f.base_fee),
                    "lenFee": hex_number(f.len_fee),
                    "adjustedWeightFee": hex_number(f.adjusted_weight_fee),
                })
            });
            Ok(json!({ "inclusionFee": inclusion }))
        },
    )?;
    Ok(())
}

/// Calls `method(extrinsic, encoded length)` at the block asked for (default best) and
/// decodes its answer.
fn query<T: Decode>(
    ctx: &Ctx,
    args: &Args,
    method: &'static str,
    message: &'static str,
) -> Result<T> {
    let decode_err = |reason: String| Error::Payment { message, decode: true, reason };
    let runtime_err = |reason: String| Error::Payment { message, decode: false, reason };
    let xt = args.bytes(0, "extrinsic", MAX_BYTES_PARAM)?;
    OpaqueExtrinsic::decode_all(&mut &xt[..]).map_err(|e| decode_err(e.to_string()))?;
    let at = ctx.at(args.opt_hash(1, "at")?, crate::error::Api::Payment)?;
    let len = u32::try_from(xt.len()).map_err(|_| decode_err("extrinsic too long".into()))?;
    let mut input = xt;
    len.encode_to(&mut input);
    let out = ctx.deps.client.call(&at, method, &input).map_err(|e| runtime_err(e.to_string()))?;
    T::decode(&mut &out[..]).map_err(|e| decode_err(e.to_string()))
}
