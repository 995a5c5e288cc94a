//! `state_*`: storage reads, runtime calls, metadata, versions, proofs and the storage and
//! runtime-version subscriptions.

use crate::chain::send;
use crate::error::{Api, Error, Result};
use crate::json::{self, hex, Args, MAX_BYTES_PARAM, MAX_KEY_LEN};
use crate::Ctx;
use codec::Decode;
use futures::StreamExt;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use lattice_chain::CachedState;
use lattice_primitives::api::methods::METADATA;
use lattice_primitives::blake2_256;
use lattice_state::Backend;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `state_getKeysPaged` answers at most this many keys (Substrate's
/// `STORAGE_KEYS_PAGED_MAX_COUNT`; a larger `count` is refused with 4002).
pub const KEYS_PAGED_MAX_COUNT: u32 = 1000;
/// `state_getKeys` and `state_getPairs` refuse prefixes matching more entries than this
/// (use `state_getKeysPaged`): the answer would not fit a response anyway.
pub const MAX_UNPAGED_ENTRIES: usize = 100_000;
/// The longest runtime entry point name `state_call` accepts.
const MAX_METHOD_NAME: usize = 256;

/// A storage key and its value (`None`: absent), as subscriptions report them.
type Change = (Vec<u8>, Option<Vec<u8>>);

/// Registers the `state_*` methods and subscriptions.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method("state_getStorage", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let key = args.bytes(0, "key", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(1, "at")?)?;
        let value = state.storage(&key).map_err(|e| state_err(e.into()))?;
        Ok(value.map(|v| Value::String(hex(&v))).unwrap_or(Value::Null))
    })?;
    module.register_alias("state_getStorageAt", "state_getStorage")?;
    module.register_blocking_method("state_getStorageHash", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let key = args.bytes(0, "key", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(1, "at")?)?;
        let value = state.storage(&key).map_err(|e| state_err(e.into()))?;
        Ok(value.map(|v| Value::String(blake2_256(&v).to_string())).unwrap_or(Value::Null))
    })?;
    module.register_blocking_method("state_getStorageSize", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let key = args.bytes(0, "key", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(1, "at")?)?;
        let value = state.storage(&key).map_err(|e| state_err(e.into()))?;
        Ok(value.map(|v| json!(v.len())).unwrap_or(Value::Null))
    })?;
    module.register_blocking_method("state_getKeysPaged", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let prefix = args.opt_bytes(0, "prefix", MAX_KEY_LEN)?.unwrap_or_default();
        let count = args.opt_u32(1, "count")?.ok_or_else(|| Error::params("count", "missing"))?;
        if count > KEYS_PAGED_MAX_COUNT {
            return Err(Error::InvalidCount { value: count, max: KEYS_PAGED_MAX_COUNT });
        }
        let start = args.opt_bytes(2, "startKey", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(3, "at")?)?;
        let keys = state
            .keys(&prefix, start.as_deref(), count as usize)
            .map_err(|e| state_err(e.into()))?;
        Ok(Value::Array(keys.iter().map(|k| Value::String(hex(k))).collect()))
    })?;
    module.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    module.register_blocking_method("state_getKeys", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let prefix = args.bytes(0, "prefix", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(1, "at")?)?;
        let keys = unpaged_keys(&state, &prefix)?;
        Ok(Value::Array(keys.iter().map(|k| Value::String(hex(k))).collect()))
    })?;
    module.register_blocking_method("state_getPairs", |params, ctx, _| -> Result<Value> {
        ctx.check_unsafe()?;
        let args = Args::parse(&params)?;
        let prefix = args.bytes(0, "prefix", MAX_KEY_LEN)?;
        let state = ctx.state(args.opt_hash(1, "at")?)?;
        let keys = unpaged_keys(&state, &prefix)?;
        let mut pairs = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(value) = state.storage(&key).map_err(|e| state_err(e.into()))? {
                pairs.push(json!([hex(&key), hex(&value)]));
            }
        }
        Ok(Value::Array(pairs))
    })?;
    module.register_blocking_method("state_queryStorageAt", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let keys = args.keys(0, "keys")?;
        let at = ctx.at(args.opt_hash(1, "at")?, Api::State)?;
        let state = ctx.deps.client.state_at(&at).map_err(state_err)?;
        let changes = read_keys(&state, &keys)?;
        Ok(json!([{ "block": at.to_string(), "changes": changes_json(&changes) }]))
    })?;
    module.register_blocking_method("state_getReadProof", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let keys = args.keys(0, "keys")?;
        let at = ctx.at(args.opt_hash(1, "at")?, Api::State)?;
        let state = ctx.deps.client.state_at(&at).map_err(state_err)?;
        let proof = lattice_state::prove_read(state.inner(), &keys)
            .map_err(|e| state_err(lattice_chain::Error::State(e)))?;
        let nodes: Vec<String> = proof.iter_nodes().map(|n| hex(n)).collect();
        Ok(json!({ "at": at.to_string(), "proof": nodes }))
    })?;
    module.register_blocking_method("state_call", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let method = args.string(0, "method", MAX_METHOD_NAME)?;
        let data = args.bytes(1, "data", MAX_BYTES_PARAM)?;
        let at = ctx.at(args.opt_hash(2, "at")?, Api::State)?;
        let out = ctx.deps.client.call(&at, &method, &data).map_err(state_err)?;
        Ok(Value::String(hex(&out)))
    })?;
    module.register_alias("state_callAt", "state_call")?;
    module.register_blocking_method("state_getMetadata", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let at = ctx.at(args.opt_hash(0, "at")?, Api::State)?;
        let out = ctx.deps.client.call(&at, METADATA, &[]).map_err(state_err)?;
        let metadata = Vec::<u8>::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
            api: Api::State,
            method: METADATA,
            reason: e.to_string(),
        })?;
        Ok(Value::String(hex(&metadata)))
    })?;
    module.register_blocking_method(
        "state_getRuntimeVersion",
        |params, ctx, _| -> Result<Value> {
            let args = Args::parse(&params)?;
            let at = ctx.at(args.opt_hash(0, "at")?, Api::State)?;
            let version = ctx.deps.client.runtime_version(&at).map_err(state_err)?;
            Ok(json::runtime_version(&version))
        },
    )?;
    module.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;

    module.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, ctx, _| runtime_versions(pending, ctx),
    )?;
    module.register_alias("chain_subscribeRuntimeVersion", "state_subscribeRuntimeVersion")?;
    module.register_alias("chain_unsubscribeRuntimeVersion", "state_unsubscribeRuntimeVersion")?;

    module.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |params, pending, ctx, _| async move {
            let keys = Args::parse(&params).and_then(|args| args.opt_keys(0, "keys"));
            match keys {
                Ok(None) if ctx.deny_unsafe => pending.reject(Error::UnsafeSubscription).await,
                Ok(keys) => storage(pending, ctx, keys).await,
                Err(e) => pending.reject(e).await,
            }
        },
    )?;
    Ok(())
}

/// A client error of the `state_*` family.
fn state_err(e: lattice_chain::Error) -> Error {
    Error::client(Api::State, e)
}

/// The keys under `prefix`, refusing more than [`MAX_UNPAGED_ENTRIES`].
fn unpaged_keys(state: &CachedState, prefix: &[u8]) -> Result<Vec<Vec<u8>>> {
    let keys =
        state.keys(prefix, None, MAX_UNPAGED_ENTRIES + 1).map_err(|e| state_err(e.into()))?;
    if keys.len() > MAX_UNPAGED_ENTRIES {
        return Err(Error::params(
            "prefix",
            format!("matches more than {MAX_UNPAGED_ENTRIES} keys; use state_getKeysPaged"),
        ));
    }
    Ok(keys)
}

/// The values of `keys` in `state`.
fn read_keys(state: &CachedState, keys: &[Vec<u8>]) -> Result<Vec<Change>> {
    keys.iter()
        .map(|k| Ok((k.clone(), state.storage(k).map_err(|e| state_err(e.into()))?)))
        .collect()
}

/// `[[key, value | null], …]`.
fn changes_json(changes: &[Change]) -> Value {
    Value::Array(changes.iter().map(|(k, v)| json!([hex(k), v.as_ref().map(|v| hex(v))])).collect())
}

/// `state_subscribeRuntimeVersion`: the best block's runtime version now, then again each
/// time the best block's differs (spec or impl version).
async fn runtime_versions(pending: PendingSubscriptionSink, ctx: Arc<Ctx>) {
    let mut imports = ctx.deps.client.import_notification_stream();
    let best = ctx.deps.client.info().best_hash;
    let mut current = match ctx.deps.client.runtime_version(&best) {
        Ok(v) => v,
        Err(e) => {
            pending.reject(state_err(e)).await;
            return;
        }
    };
    let Ok(sink) = pending.accept().await else { return };
    if !send(&sink, &json::runtime_version(&current)).await {
        return;
    }
    loop {
        let note = tokio::select! {
            note = imports.next() => note,
            _ = sink.closed() => return,
        };
        let Some(note) = note else { return };
        if !note.is_new_best {
            continue;
        }
        let code_changed = note.tree_route.is_some()
            || note.changes.contains_key(lattice_primitives::api::well_known_keys::CODE);
        if !code_changed {
            continue;
        }
        let Ok(version) = ctx.deps.client.runtime_version(&note.hash) else { continue };
        if version.spec_version != current.spec_version
            || version.impl_version != current.impl_version
        {
            if !send(&sink, &json::runtime_version(&version)).await {
                return;
            }
            current = version;
        }
    }
}

/// `state_subscribeStorage`: the values of `keys` at the best block now, then for each new
/// best block the keys whose value it changed. Without keys (unsafe), every change of
/// every new best block.
async fn storage(pending: PendingSubscriptionSink, ctx: Arc<Ctx>, keys: Option<Vec<Vec<u8>>>) {
    let mut imports = ctx.deps.client.import_notification_stream();
    let best = ctx.deps.client.info().best_hash;
    let mut last: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
    if let Some(keys) = &keys {
        let initial =
            ctx.deps.client.state_at(&best).map_err(state_err).and_then(|s| read_keys(&s, keys));
        match initial {
            Ok(values) => last.extend(values),
            Err(e) => {
                pending.reject(e).await;
                return;
            }
        }
    }
    let Ok(sink) = pending.accept().await else { return };
    if keys.is_some() {
        let initial: Vec<_> = last.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let message = json!({ "block": best.to_string(), "changes": changes_json(&initial) });
        if !send(&sink, &message).await {
            return;
        }
    }
    let mut last_block = best;
    loop {
        let note = tokio::select! {
            note = imports.next() => note,
            _ = sink.closed() => return,
        };
        let Some(note) = note else { return };
        if !note.is_new_best || note.hash == last_block {
            continue;
        }
        let changed: Vec<Change> = match &keys {
            None => note.changes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(keys) => {
                let fresh = if note.header.parent_hash == last_block {
                    keys.iter()
                        .filter_map(|k| note.changes.get(k).map(|v| (k.clone(), v.clone())))
                        .collect::<Vec<_>>()
                } else {
                    // A re-org: the block's own changes do not say what differs from the
                    // values sent, so read them again.
                    match ctx
                        .deps
                        .client
                        .state_at(&note.hash)
                        .map_err(state_err)
                        .and_then(|s| read_keys(&s, keys))
                    {
                        Ok(values) => values,
                        Err(_) => continue,
                    }
                };
                fresh.into_iter().filter(|(k, v)| last.get(k) != Some(v)).collect()
            }
        };
        last_block = note.hash;
        if changed.is_empty() {
            continue;
        }
        for (k, v) in &changed {
            if keys.is_some() {
                last.insert(k.clone(), v.clone());
            }
        }
        let message = json!({ "block": note.hash.to_string(), "changes": changes_json(&changed) });
        if !send(&sink, &message).await {
            return;
        }
    }
}
