//! `chain_*`: headers, blocks, hashes and the head subscriptions.

use crate::error::{Api, Error, Result};
use crate::json::{self, Args};
use crate::Ctx;
use futures::StreamExt;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::{PendingSubscriptionSink, RpcModule, SubscriptionMessage, SubscriptionSink};
use lattice_primitives::{Header, H256};
use serde_json::Value;
use std::sync::Arc;

/// Registers the `chain_*` methods and subscriptions.
pub(crate) fn register(module: &mut RpcModule<Ctx>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method("chain_getHeader", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let hash = args.opt_hash(0, "hash")?.unwrap_or_else(|| ctx.deps.client.info().best_hash);
        let header = ctx.deps.client.header(&hash).map_err(|e| Error::client(Api::Chain, e))?;
        Ok(header.as_ref().map(json::header).unwrap_or(Value::Null))
    })?;
    module.register_blocking_method("chain_getBlock", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let hash = args.opt_hash(0, "hash")?.unwrap_or_else(|| ctx.deps.client.info().best_hash);
        let client = &ctx.deps.client;
        let Some(block) = client.block(&hash).map_err(|e| Error::client(Api::Chain, e))? else {
            return Ok(Value::Null);
        };
        let justifications =
            client.justifications(&hash).map_err(|e| Error::client(Api::Chain, e))?;
        Ok(json::block(&block, justifications))
    })?;
    module.register_blocking_method("chain_getBlockHash", |params, ctx, _| -> Result<Value> {
        let args = Args::parse(&params)?;
        let client = &ctx.deps.client;
        let lookup = |n: u32| -> Result<Value> {
            let hash = client.hash(n).map_err(|e| Error::client(Api::Chain, e))?;
            Ok(hash.map(|h| Value::String(h.to_string())).unwrap_or(Value::Null))
        };
        match args.get(0) {
            None => Ok(Value::String(client.info().best_hash.to_string())),
            Some(Value::Array(items)) => {
                if items.len() > json::MAX_KEYS {
                    return Err(Error::params("blockNumber", "too many block numbers"));
                }
                let numbers = items
                    .iter()
                    .map(|v| json::u32_of(v, "blockNumber"))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::Array(numbers.into_iter().map(lookup).collect::<Result<_>>()?))
            }
            Some(v) => lookup(json::u32_of(v, "blockNumber")?),
        }
    })?;
    module.register_method("chain_getFinalizedHead", |_, ctx, _| {
        ctx.deps.client.info().finalized_hash.to_string()
    })?;
    module.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;

    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, ctx, _| new_heads(pending, ctx),
    )?;
    module.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    module.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    module.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    module.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;

    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, ctx, _| finalized_heads(pending, ctx),
    )?;
    module.register_alias("chain_subscribeFinalisedHeads", "chain_subscribeFinalizedHeads")?;
    module.register_alias("chain_unsubscribeFinalisedHeads", "chain_unsubscribeFinalizedHeads")?;

    module.register_subscription(
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        |_, pending, ctx, _| all_heads(pending, ctx),
    )?;
    Ok(())
}

/// Sends `value` on `sink`; `false` when the subscriber is gone.
pub(crate) async fn send(sink: &SubscriptionSink, value: &Value) -> bool {
    match serde_json::value::to_raw_value(value) {
        Ok(raw) => sink.send(SubscriptionMessage::from(raw)).await.is_ok(),
        Err(_) => false,
    }
}

/// The header of `hash`, `None` when the block is gone (reverted) or unreadable.
fn header_of(ctx: &Ctx, hash: &H256) -> Option<Header> {
    ctx.deps.client.header(hash).ok().flatten()
}

/// `chain_subscribeNewHeads`: the best header now, then each new best header in order.
/// When a new best block does not extend the last one sent (a re-org, or blocks imported
/// before the subscription caught up), the blocks between their common ancestor and the
/// new best are sent in order, so a client sees no gap and no duplicate.
async fn new_heads(pending: PendingSubscriptionSink, ctx: Arc<Ctx>) {
    // Subscribe before reading the best block so nothing falls between the two.
    let mut imports = ctx.deps.client.import_notification_stream();
    let best = ctx.deps.client.info().best_hash;
    let Some(best_header) = header_of(&ctx, &best) else {
        pending.reject(Error::UnknownBlock { api: Api::Chain, hash: best }).await;
        return;
    };
    let Ok(sink) = pending.accept().await else { return };
    if !send(&sink, &json::header(&best_header)).await {
        return;
    }
    let mut last_hash = best;
    loop {
        let note = tokio::select! {
            note = imports.next() => note,
            _ = sink.closed() => return,
        };
        let Some(note) = note else { return };
        if !note.is_new_best || note.hash == last_hash {
            continue;
        }
        let headers: Vec<Header> = if note.header.parent_hash == last_hash {
            vec![note.header.clone()]
        } else {
            match ctx.deps.client.tree_route(last_hash, note.hash) {
                Ok(route) => route.enacted.iter().filter_map(|h| header_of(&ctx, h)).collect(),
                // The last block sent was reverted away: start over from this one.
                Err(_) => vec![note.header.clone()],
            }
        };
        for header in headers {
            if !send(&sink, &json::header(&header)).await {
                return;
            }
            last_hash = header.hash();
        }
    }
}

/// `chain_subscribeFinalizedHeads`: the finalized header now, then each newly finalized
/// header in order, including those finalized implicitly with a descendant.
async fn finalized_heads(pending: PendingSubscriptionSink, ctx: Arc<Ctx>) {
    let mut finality = ctx.deps.client.finality_notification_stream();
    let finalized = ctx.deps.client.info().finalized_hash;
    let Some(header) = header_of(&ctx, &finalized) else {
        pending.reject(Error::UnknownBlock { api: Api::Chain, hash: finalized }).await;
        return;
    };
    let Ok(sink) = pending.accept().await else { return };
    if !send(&sink, &json::header(&header)).await {
        return;
    }
    let mut last_number = header.number;
    loop {
        let note = tokio::select! {
            note = finality.next() => note,
            _ = sink.closed() => return,
        };
        let Some(note) = note else { return };
        for hash in note.tree_route.iter() {
            let Some(header) = header_of(&ctx, hash) else { continue };
            if header.number > last_number {
                if !send(&sink, &json::header(&header)).await {
                    return;
                }
                last_number = header.number;
            }
        }
        if note.header.number > last_number {
            if !send(&sink, &json::header(&note.header)).await {
                return;
            }
            last_number = note.header.number;
        }
    }
}

/// `chain_subscribeAllHeads`: the best header now, then every imported header.
async fn all_heads(pending: PendingSubscriptionSink, ctx: Arc<Ctx>) {
    let mut imports = ctx.deps.client.import_notification_stream();
    let best = ctx.deps.client.info().best_hash;
    let Some(header) = header_of(&ctx, &best) else {
        pending.reject(Error::UnknownBlock { api: Api::Chain, hash: best }).await;
        return;
    };
    let Ok(sink) = pending.accept().await else { return };
    if !send(&sink, &json::header(&header)).await {
        return;
    }
    loop {
        let note = tokio::select! {
            note = imports.next() => note,
            _ = sink.closed() => return,
        };
        let Some(note) = note else { return };
        if note.hash != best && !send(&sink, &json::header(&note.header)).await {
            return;
        }
    }
}
