//! `staking_validators`, `staking_delegations`, `staking_rewards` and
//! `staking_unbonding`, through the `LatticeStakingApi` runtime API.
//!
//! Each takes an optional block hash last (default: the best block); the account
//! methods take an SS58 address (any prefix) or 32 bytes of `0x`-hex first. Accounts
//! are answered in SS58 with the chain's `ss58Format` (42 when the chain spec gives
//! none), balances as decimal strings (they exceed JavaScript's safe integers),
//! commissions and uptimes in billionths (as `Perbill`), metadata as UTF-8 text
//! (invalid sequences replaced).

use crate::error::{Api, Error, Result};
use crate::json::Args;
use crate::system::account_param;
use crate::Ctx;
use codec::{Decode, DecodeAll, Encode};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::RpcModule;
use lattice_primitives::api::methods::{
    STAKING_DELEGATIONS, STAKING_REWARDS, STAKING_UNBONDING, STAKING_VALIDATORS,
};
use lattice_primitives::staking::{
    DelegationInfo, EraPerformance, RewardInfo, UnbondingInfo, ValidatorInfo, ValidatorStatus,
};
use lattice_primitives::AccountId32;
use serde_json::{json, Value};
use sp_core::crypto::{AccountId32 as SpAccountId, Ss58AddressFormat, Ss58Codec};

/// The SS58 prefix of Substrate's generic network, used when the chain spec names none.
const DEFAULT_SS58_FORMAT: u16 = 42;

/// Registers the `staking_*` methods.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method("staking_validators", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let list: Vec<ValidatorInfo> =
            query(&ctx, args.opt_hash(0, "at")?, STAKING_VALIDATORS, &[])?;
        let ss58 = ss58_format(&ctx);
        Ok(Value::Array(list.iter().map(|v| validator(v, ss58)).collect()))
    })?;
    per_account(
        module,
        "staking_delegations",
        STAKING_DELEGATIONS,
        |d: &DelegationInfo, ss58| json!({ "validator": address(&d.validator, ss58), "amount": d.amount.to_string() }),
    )?;
    per_account(
        module,
        "staking_rewards",
        STAKING_REWARDS,
        |r: &RewardInfo, _| json!({ "era": r.era, "amount": r.amount.to_string() }),
    )?;
    per_account(module, "staking_unbonding", STAKING_UNBONDING, |u: &UnbondingInfo, ss58| {
        json!({
            "validator": address(&u.validator, ss58),
            "amount": u.amount.to_string(),
            "era": u.era,
            "unlockAt": u.unlock_at,
        })
    })?;
    Ok(())
}

/// Registers `name(account, [at])`: calls `method(account)` and answers the list it
/// returns, each entry as `entry` renders it (given the chain's SS58 format).
fn per_account<T: Decode + 'static>(
    module: &mut RpcModule<Ctx>,
    name: &'static str,
    method: &'static str,
    entry: fn(&T, u16) -> Value,
) -> Result<(), RegisterMethodError> {
    module.register_blocking_method(name, move |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let who = account_param(&args, 0)?;
        let list: Vec<T> = query(&ctx, args.opt_hash(1, "at")?, method, &who.encode())?;
        let ss58 = ss58_format(&ctx);
        Ok(list.iter().map(|e| entry(e, ss58)).collect())
    })?;
    Ok(())
}

/// Calls `method` with `input` at the block asked for (default best) and decodes the
/// whole answer.
fn query<T: Decode>(
    ctx: &Ctx,
    at: Option<lattice_primitives::H256>,
    method: &'static str,
    input: &[u8],
) -> Result<T> {
    let at = ctx.at(at, Api::Staking)?;
    let out =
        ctx.deps.client.call(&at, method, input).map_err(|e| Error::client(Api::Staking, e))?;
    T::decode_all(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
        api: Api::Staking,
        method,
        reason: e.to_string(),
    })
}

/// The chain spec's `ss58Format`, or 42.
fn ss58_format(ctx: &Ctx) -> u16 {
    ctx.deps
        .system
        .properties
        .get("ss58Format")
        .and_then(Value::as_u64)
        .and_then(|f| u16::try_from(f).ok())
        .unwrap_or(DEFAULT_SS58_FORMAT)
}

fn address(who: &AccountId32, ss58: u16) -> String {
    SpAccountId::new(who.0).to_ss58check_with_version(Ss58AddressFormat::custom(ss58))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn performance(p: &EraPerformance) -> Value {
    json!({
        "era": p.era,
        "assigned": p.assigned,
        "authored": p.authored,
        "missed": p.missed,
        "uptime": p.uptime,
    })
}

fn validator(v: &ValidatorInfo, ss58: u16) -> Value {
    let status = match v.status {
        ValidatorStatus::Active => "active",
        ValidatorStatus::Chilled => "chilled",
        ValidatorStatus::Left => "left",
    };
    json!({
        "account": address(&v.account, ss58),
        "selfStake": v.self_stake.to_string(),
        "delegated": v.delegated.to_string(),
        "totalStake": v.self_stake.saturating_add(v.delegated).to_string(),
        "delegators": v.delegators,
        "commission": v.commission,
        "name": text(&v.name),
        "website": text(&v.website),
        "description": text(&v.description),
        "status": status,
        "elected": v.elected,
        "jailedUntil": v.jailed_until,
        "offences": v.offences,
        "tombstoned": v.tombstoned,
        "performance": {
            "current": performance(&v.current),
            "previous": v.previous.as_ref().map(performance),
        },
    })
}
