//! `system_*`, `rpc_methods` and `grandpa_roundState`.

use crate::error::{Api, Error, Result};
use crate::json::Args;
use crate::Ctx;
use codec::{Decode, Encode};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::RpcModule;
use lattice_primitives::api::methods::ACCOUNT_NONCE;
use lattice_primitives::H256;
use serde_json::{json, Value};
use sp_core::crypto::{AccountId32 as SpAccountId, Ss58Codec};
use std::collections::HashSet;

/// Registers the `system_*` and `grandpa_*` methods.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_method("system_name", |_, ctx, _| ctx.deps.system.node_name.clone())?;
    module.register_method("system_version", |_, ctx, _| ctx.deps.system.version.clone())?;
    module.register_method("system_chain", |_, ctx, _| ctx.deps.system.chain_name.clone())?;
    module.register_method("system_chainType", |_, ctx, _| {
        serde_json::to_value(&ctx.deps.system.chain_type).unwrap_or(Value::Null)
    })?;
    module.register_method("system_properties", |_, ctx, _| {
        Value::Object(ctx.deps.system.properties.clone())
    })?;
    module.register_method("system_health", |_, ctx, _| {
        let net = &ctx.deps.network;
        json!({
            "peers": net.peers().len(),
            "isSyncing": net.is_syncing(),
            "shouldHavePeers": net.should_have_peers(),
        })
    })?;
    module.register_method("system_peers", |_, ctx, _| -> Result<Value> {
        ctx.check_unsafe()?;
        Ok(serde_json::to_value(ctx.deps.network.peers()).unwrap_or(Value::Null))
    })?;
    module.register_method("system_localPeerId", |_, ctx, _| ctx.deps.network.local_peer_id())?;
    module.register_method("system_localListenAddresses", |_, ctx, _| {
        ctx.deps.network.listen_addresses()
    })?;
    module.register_method("system_nodeRoles", |_, ctx, _| ctx.deps.roles.clone())?;
    module.register_method("system_syncState", |_, ctx, _| {
        let best = ctx.deps.client.info().best_number;
        serde_json::to_value(ctx.deps.network.sync_state(best)).unwrap_or(Value::Null)
    })?;
    module.register_blocking_method(
        "system_accountNextIndex",
        |params, ctx, _| -> Result<u32> {
            let args = Args::parse(&params)?;
            account_next_index(&ctx, account_param(&args, 0)?)
        },
    )?;
    module.register_method("grandpa_roundState", |_, ctx, _| -> Result<Value> {
        ctx.deps.grandpa.as_ref().and_then(|g| g.round_state()).ok_or(Error::GrandpaUnavailable)
    })?;
    Ok(())
}

/// Parameter `i`, an account (see [`parse_account`]).
pub(crate) fn account_param(args: &Args, i: usize) -> Result<[u8; 32]> {
    match args.get(i) {
        Some(Value::String(s)) => parse_account(s),
        Some(_) => Err(Error::params("account", "expected an SS58 address or 0x-hex")),
        None => Err(Error::params("account", "missing")),
    }
}

/// An account id from an SS58 address (any network prefix) or 32 bytes of `0x`-hex.
pub(crate) fn parse_account(s: &str) -> Result<[u8; 32]> {
    if s.starts_with("0x") {
        let bytes = crate::json::bytes_of(&Value::String(s.into()), "account", 32)?;
        return bytes.try_into().map_err(|b: Vec<u8>| {
            Error::params("account", format!("{} bytes, expected 32", b.len()))
        });
    }
    SpAccountId::from_ss58check(s)
        .map(|id| *AsRef::<[u8; 32]>::as_ref(&id))
        .map_err(|e| Error::params("account", format!("invalid SS58 address: {e:?}")))
}

/// The runtime's next nonce of `account` at the best block, advanced past the nonces that
/// ready pool transactions provide (their tag is `(account, nonce).encode()`), as
/// Substrate's `system_accountNextIndex`.
fn account_next_index(ctx: &Ctx, account: [u8; 32]) -> Result<u32> {
    let best: H256 = ctx.deps.client.info().best_hash;
    let out = ctx
        .deps
        .client
        .call(&best, ACCOUNT_NONCE, &account.encode())
        .map_err(|e| Error::client(Api::System, e))?;
    let mut nonce = u32::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
        api: Api::System,
        method: ACCOUNT_NONCE,
        reason: e.to_string(),
    })?;
    let provided: HashSet<Vec<u8>> =
        ctx.deps.pool.ready().flat_map(|tx| tx.provides.clone()).collect();
    while provided.contains(&(account, nonce).encode()) {
        match nonce.checked_add(1) {
            Some(next) => nonce = next,
            None => break,
        }
    }
    Ok(nonce)
}

/// `rpc_methods`: `{"methods": [names, sorted]}`.
pub(crate) fn methods_json(names: &[&str]) -> Value {
    let mut names: Vec<&str> = names.to_vec();
    names.push("rpc_methods");
    names.sort_unstable();
    names.dedup();
    json!({ "methods": names })
}
