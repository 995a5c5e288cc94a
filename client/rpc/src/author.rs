//! `author_*`: submitting and watching transactions, the pool's content, and keys.

use crate::chain::send;
use crate::error::{Api, Error, Result};
use crate::json::{self, hex, Args, MAX_BYTES_PARAM};
use crate::Ctx;
use codec::{Decode, DecodeAll, Encode};
use futures::StreamExt;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::Params;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use lattice_primitives::api::methods::{DECODE_SESSION_KEYS, GENERATE_SESSION_KEYS};
use lattice_primitives::{OpaqueExtrinsic, TransactionSource};
use lattice_txpool::RemoveBy;
use serde_json::Value;
use std::sync::Arc;

/// The longest secret URI `author_insertKey` accepts.
const MAX_SURI: usize = 1024;

/// Registers the `author_*` methods and the extrinsic-watching subscription.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method(
        "author_submitExtrinsic",
        |params, ctx, _| -> Result<String> {
            let xt = extrinsic(&Args::parse(&params)?)?;
            let hash = ctx.deps.pool.submit(TransactionSource::External, xt)?;
            Ok(hash.to_string())
        },
    )?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, ctx, _| watch(params, pending, ctx),
    )?;
    module.register_method("author_pendingExtrinsics", |_, ctx, _| -> Vec<String> {
        ctx.deps.pool.pending_extrinsics().iter().map(|tx| hex(&tx.data)).collect()
    })?;
    module.register_method("author_removeExtrinsic", |params, ctx, _| -> Result<Vec<String>> {
        ctx.check_unsafe()?;
        let args = Args::parse(&params)?;
        let Some(Value::Array(items)) = args.get(0) else {
            return Err(Error::params("bytesOrHash", "expected an array"));
        };
        if items.len() > json::MAX_KEYS {
            return Err(Error::params("bytesOrHash", "too many entries"));
        }
        let what = items.iter().map(remove_by).collect::<Result<Vec<_>>>()?;
        Ok(ctx.deps.pool.remove(&what).iter().map(|h| h.to_string()).collect())
    })?;
    module.register_blocking_method("author_rotateKeys", |_, ctx, _| -> Result<String> {
        ctx.check_unsafe()?;
        let client = &ctx.deps.client;
        if client.keystore().is_none() {
            return Err(Error::KeystoreUnavailable);
        }
        let best = client.info().best_hash;
        let out = client
            .call(&best, GENERATE_SESSION_KEYS, &None::<Vec<u8>>.encode())
            .map_err(|e| Error::client(Api::Author, e))?;
        let keys = Vec::<u8>::decode(&mut &out[..]).map_err(|e| Error::BadRuntimeAnswer {
            api: Api::Author,
            method: GENERATE_SESSION_KEYS,
            reason: e.to_string(),
        })?;
        Ok(hex(&keys))
    })?;
    module.register_blocking_method("author_insertKey", |params, ctx, _| -> Result<()> {
        ctx.check_unsafe()?;
        let args = Args::parse(&params)?;
        let key_type = key_type(&args.string(0, "keyType", 64)?)?;
        let suri = args.string(1, "suri", MAX_SURI)?;
        let public = args.bytes(2, "publicKey", 64)?;
        let keystore = ctx.deps.keystore.as_ref().ok_or(Error::KeystoreUnavailable)?;
        keystore.insert(key_type, &suri, &public)?;
        Ok(())
    })?;
    module.register_blocking_method("author_hasKey", |params, ctx, _| -> Result<bool> {
        ctx.check_unsafe()?;
        let args = Args::parse(&params)?;
        let public = args.bytes(0, "publicKey", 64)?;
        let key_type = key_type(&args.string(1, "keyType", 64)?)?;
        let keystore = ctx.deps.keystore.as_ref().ok_or(Error::KeystoreUnavailable)?;
        Ok(keystore.has_keys(&[(public, key_type)]))
    })?;
    module.register_blocking_method("author_hasSessionKeys", |params, ctx, _| -> Result<bool> {
        ctx.check_unsafe()?;
        let args = Args::parse(&params)?;
        let keys = args.bytes(0, "sessionKeys", 64 * 1024)?;
        let keystore = ctx.deps.keystore.as_ref().ok_or(Error::KeystoreUnavailable)?;
        let best = ctx.deps.client.info().best_hash;
        let out = ctx
            .deps
            .client
            .call(&best, DECODE_SESSION_KEYS, &keys.encode())
            .map_err(|e| Error::client(Api::Author, e))?;
        let decoded = Option::<Vec<(Vec<u8>, [u8; 4])>>::decode(&mut &out[..]).map_err(|e| {
            Error::BadRuntimeAnswer {
                api: Api::Author,
                method: DECODE_SESSION_KEYS,
                reason: e.to_string(),
            }
        })?;
        let keys = decoded.ok_or(Error::InvalidSessionKeys)?;
        Ok(keystore.has_keys(&keys))
    })?;
    Ok(())
}

/// The extrinsic parameter: `0x`-hex of a complete SCALE-encoded extrinsic (compact
/// length prefix and exactly that many bytes).
fn extrinsic(args: &Args) -> Result<Vec<u8>> {
    let xt = args.bytes(0, "extrinsic", MAX_BYTES_PARAM)?;
    OpaqueExtrinsic::decode_all(&mut &xt[..])
        .map_err(|e| Error::BadFormat { reason: e.to_string() })?;
    Ok(xt)
}

/// A key type: four ASCII characters (`"aura"`, `"gran"`).
fn key_type(s: &str) -> Result<[u8; 4]> {
    s.as_bytes().try_into().map_err(|_| Error::BadKeyType { key_type: s.to_string() })
}

/// An entry of `author_removeExtrinsic`: `{"hash": "0x…"}` or `{"extrinsic": "0x…"}`.
fn remove_by(v: &Value) -> Result<RemoveBy> {
    const NAME: &str = "bytesOrHash";
    match v {
        Value::Object(map) if map.len() == 1 => {
            if let Some(h) = map.get("hash") {
                return Ok(RemoveBy::Hash(json::hash_of(h, NAME)?));
            }
            if let Some(x) = map.get("extrinsic") {
                return Ok(RemoveBy::Extrinsic(json::bytes_of(x, NAME, MAX_BYTES_PARAM)?));
            }
            Err(Error::params(NAME, "expected {\"hash\": …} or {\"extrinsic\": …}"))
        }
        _ => Err(Error::params(NAME, "expected {\"hash\": …} or {\"extrinsic\": …}")),
    }
}

/// `author_submitAndWatchExtrinsic`: submits (a refusal answers the subscribe call with
/// the pool's error) and forwards each status until a terminal one.
async fn watch(params: Params<'static>, pending: PendingSubscriptionSink, ctx: Arc<Ctx>) {
    let xt = match Args::parse(&params).and_then(|args| extrinsic(&args)) {
        Ok(xt) => xt,
        Err(e) => {
            pending.reject(e).await;
            return;
        }
    };
    let pool = ctx.deps.pool.clone();
    let submitted =
        tokio::task::spawn_blocking(move || pool.submit_and_watch(TransactionSource::External, xt))
            .await;
    let mut watcher = match submitted {
        Ok(Ok(watcher)) => watcher,
        Ok(Err(e)) => {
            pending.reject(Error::Pool(e)).await;
            return;
        }
        Err(_) => {
            pending
                .reject(jsonrpsee::types::ErrorObjectOwned::owned(
                    jsonrpsee::types::error::INTERNAL_ERROR_CODE,
                    "submission task failed",
                    None::<()>,
                ))
                .await;
            return;
        }
    };
    let Ok(sink) = pending.accept().await else { return };
    loop {
        let status = tokio::select! {
            status = watcher.next() => status,
            _ = sink.closed() => return,
        };
        let Some(status) = status else { return };
        let terminal = status.is_terminal();
        let Ok(value) = serde_json::to_value(&status) else { return };
        if !send(&sink, &value).await || terminal {
            return;
        }
    }
}
