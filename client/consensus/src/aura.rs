//! Aura: slot authoring and seal verification.
//!
//! Time is cut into slots of the runtime's slot duration; the author of slot `s` is
//! `authorities[s % n]` (`AuraApi_authorities` at the parent). The author writes
//! `PreRuntime(*b"aura", slot)` into the digest, builds the block, and appends
//! `Seal(*b"aura", sr25519 signature of the pre-seal header hash)`.

use crate::{Error, Result};
use codec::{Decode, Encode};
use lattice_chain::{BlockBuilder, BlockOrigin, Client, ImportOutcome};
use lattice_io::KeyScheme;
use lattice_keystore::LocalKeystore;
use lattice_primitives::api::methods::{AURA_AUTHORITIES, AURA_SLOT_DURATION};
use lattice_primitives::header::AURA_ENGINE_ID;
use lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_primitives::{
    Block, Digest, DigestItem, Header, InherentData, InvalidTransaction, TransactionValidityError,
    H256,
};
use lattice_txpool::{ChainApi, Pool};
use sp_core::{sr25519, Pair as _};
use std::time::{Duration, Instant};

/// Key type of Aura keys in the keystore.
pub const AURA_KEY_TYPE: [u8; 4] = *b"aura";

/// How far ahead of the local clock a block's slot may be (clock drift between nodes).
pub const MAX_SLOT_DRIFT: u64 = 1;

/// The slot written in a header's Aura pre-runtime digest.
pub fn find_slot(header: &Header) -> Option<u64> {
    header.digest.logs.iter().find_map(|item| match item {
        DigestItem::PreRuntime(id, data) if *id == AURA_ENGINE_ID => {
            u64::decode(&mut &data[..]).ok()
        }
        _ => None,
    })
}

/// The Aura authorities (sr25519 public keys) at block `at`.
pub fn authorities(client: &Client, at: &H256) -> Result<Vec<[u8; 32]>> {
    let out = client.call(at, AURA_AUTHORITIES, &[])?;
    let list = Vec::<[u8; 32]>::decode(&mut &out[..])
        .map_err(|e| Error::BadRuntimeAnswer { method: AURA_AUTHORITIES, reason: e.to_string() })?;
    if list.is_empty() {
        return Err(Error::NoAuthorities(*at));
    }
    Ok(list)
}

/// The slot duration the runtime at `at` declares, in milliseconds.
pub fn slot_duration(client: &Client, at: &H256) -> Result<u64> {
    let out = client.call(at, AURA_SLOT_DURATION, &[])?;
    u64::decode(&mut &out[..])
        .map_err(|e| Error::BadRuntimeAnswer { method: AURA_SLOT_DURATION, reason: e.to_string() })
}

/// Checks a block's Aura seal against its parent: a slot after the parent's and not in
/// the future, sealed by the slot's author. `now_slot` is the local clock's slot.
pub fn verify_seal(client: &Client, header: &Header, now_slot: u64) -> Result<()> {
    let hash = header.hash();
    let parent = client.expect_header(&header.parent_hash)?;
    let slot = find_slot(header).ok_or(Error::NoPreDigest(hash))?;
    let parent_slot = if parent.number == 0 { 0 } else { find_slot(&parent).unwrap_or(0) };
    if slot <= parent_slot {
        return Err(Error::SlotNotIncreasing { hash, slot, parent_slot });
    }
    if slot > now_slot.saturating_add(MAX_SLOT_DRIFT) {
        return Err(Error::FutureSlot { hash, slot, now: now_slot });
    }
    let mut pre = header.clone();
    let signature = match pre.digest.logs.pop() {
        Some(DigestItem::Seal(id, data)) if id == AURA_ENGINE_ID => {
            <[u8; 64]>::decode(&mut &data[..]).map_err(|_| Error::NoSeal(hash))?
        }
        _ => return Err(Error::NoSeal(hash)),
    };
    let authorities = authorities(client, &header.parent_hash)?;
    let author = authorities[(slot % authorities.len() as u64) as usize];
    let ok = sr25519::Pair::verify(
        &sr25519::Signature::from_raw(signature),
        pre.hash().as_bytes(),
        &sr25519::Public::from_raw(author),
    );
    if !ok {
        return Err(Error::BadSeal { hash, slot });
    }
    Ok(())
}

/// The Aura keys of a node: which authorities it can seal for, and the seal signature.
/// [`LocalKeystore`] is the node's; a simulation gives keys that sign deterministically.
pub trait SealKeys {
    /// The sr25519 public keys held for [`AURA_KEY_TYPE`].
    fn aura_keys(&self) -> Result<Vec<[u8; 32]>>;
    /// `author`'s sr25519 signature of a pre-seal header hash; `None` without the key.
    fn sign_seal(&self, author: &[u8; 32], pre_hash: &H256) -> Result<Option<[u8; 64]>>;
}

impl SealKeys for LocalKeystore {
    fn aura_keys(&self) -> Result<Vec<[u8; 32]>> {
        Ok(self.public_keys(KeyScheme::Sr25519, AURA_KEY_TYPE)?)
    }

    fn sign_seal(&self, author: &[u8; 32], pre_hash: &H256) -> Result<Option<[u8; 64]>> {
        Ok(self.sr25519_sign(AURA_KEY_TYPE, author, pre_hash.as_bytes())?)
    }
}

impl<K: SealKeys + ?Sized> SealKeys for std::sync::Arc<K> {
    fn aura_keys(&self) -> Result<Vec<[u8; 32]>> {
        (**self).aura_keys()
    }

    fn sign_seal(&self, author: &[u8; 32], pre_hash: &H256) -> Result<Option<[u8; 64]>> {
        (**self).sign_seal(author, pre_hash)
    }
}

/// Seals a built block with `author`'s key from `keys`. `None` when `keys` does not
/// hold the key.
pub fn seal<K: SealKeys + ?Sized>(
    mut block: Block,
    keys: &K,
    author: &[u8; 32],
) -> Result<Option<Block>> {
    let pre_hash = block.header.hash();
    let Some(signature) = keys.sign_seal(author, &pre_hash)? else {
        return Ok(None);
    };
    block.header.digest.logs.push(DigestItem::Seal(AURA_ENGINE_ID, signature.encode()));
    Ok(Some(block))
}

/// Limits of one proposal.
#[derive(Clone, Copy, Debug)]
pub struct ProposalLimits {
    /// Time to stop adding transactions, measured from the start of the proposal.
    pub time: Duration,
    /// Largest encoded body in bytes.
    pub max_body_bytes: usize,
    /// Stop after this many transactions in a row did not fit (the block is full).
    pub max_skipped: usize,
}

impl ProposalLimits {
    /// Two thirds of the slot to build, the rest to import and propagate; 4 MiB bodies
    /// (the runtime's own limit is higher).
    pub fn for_slot(slot_duration: Duration) -> Self {
        Self { time: slot_duration * 2 / 3, max_body_bytes: 4 * 1024 * 1024, max_skipped: 8 }
    }
}

/// What a proposal did.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The sealed, imported block.
    pub hash: H256,
    /// Its number.
    pub number: u32,
    /// Transactions included (not counting inherents).
    pub transactions: usize,
    /// Transactions refused as invalid and removed from the pool.
    pub invalid: usize,
    /// Time to build, seal and import.
    pub elapsed: Duration,
}

/// Authors the block of `slot` on the best block if this node holds the slot author's
/// key; `Ok(None)` when it is not this node's turn (or the best block is of this slot).
/// `timestamp_ms` is the time to put in the timestamp inherent (inside the slot).
pub fn author_slot<A: ChainApi, K: SealKeys + ?Sized>(
    client: &Client,
    pool: &Pool<A>,
    keystore: &K,
    slot: u64,
    timestamp_ms: u64,
    limits: ProposalLimits,
) -> Result<Option<Proposal>> {
    let started = Instant::now();
    let parent_hash = client.info().best_hash;
    let parent = client.expect_header(&parent_hash)?;
    if parent.number > 0 && find_slot(&parent).is_some_and(|s| s >= slot) {
        return Ok(None);
    }
    let authorities = authorities(client, &parent_hash)?;
    let author = authorities[(slot % authorities.len() as u64) as usize];
    if !keystore.aura_keys()?.contains(&author) {
        return Ok(None);
    }
    let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
    let mut builder = BlockBuilder::new(client, parent_hash, digest)?;
    let mut data = InherentData::default();
    data.put(TIMESTAMP_INHERENT, &timestamp_ms);
    for xt in builder.create_inherents(&data)? {
        if let Err(e) = builder.push(&xt)? {
            tracing::error!(target: "aura", "inherent refused by the runtime: {e:?}");
        }
    }
    let mut invalid = Vec::new();
    let mut skipped = 0;
    let mut ready = pool.ready();
    for tx in ready.by_ref() {
        if started.elapsed() >= limits.time {
            tracing::debug!(target: "aura", "proposal time spent after {} transactions", builder.len());
            break;
        }
        if builder.body_size() + tx.data.len() > limits.max_body_bytes {
            skipped += 1;
            if skipped >= limits.max_skipped {
                break;
            }
            continue;
        }
        match builder.push(&tx.data) {
            Ok(Ok(_)) => skipped = 0,
            Ok(Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))) => {
                skipped += 1;
                if skipped >= limits.max_skipped {
                    break;
                }
            }
            Ok(Err(TransactionValidityError::Unknown(_))) => {}
            Ok(Err(TransactionValidityError::Invalid(_))) | Err(_) => invalid.push(tx.hash),
        }
    }
    for hash in &invalid {
        ready.report_invalid(hash);
    }
    drop(ready);
    if !invalid.is_empty() {
        pool.report_invalid(&invalid);
    }
    let transactions = builder.len().saturating_sub(1);
    let built = builder.build()?;
    let Some(block) = seal(built.block, keystore, &author)? else {
        return Ok(None);
    };
    let hash = block.header.hash();
    let number = block.header.number;
    match client.import_built(block, built.state, BlockOrigin::Own)? {
        ImportOutcome::Imported { .. } | ImportOutcome::AlreadyInChain => {}
    }
    Ok(Some(Proposal {
        hash,
        number,
        transactions,
        invalid: invalid.len(),
        elapsed: started.elapsed(),
    }))
}

/// The slot of `now_ms` for `slot_duration_ms`.
pub fn slot_at(now_ms: u64, slot_duration_ms: u64) -> u64 {
    now_ms / slot_duration_ms.max(1)
}

/// Sleeps until the start of the next slot after `now_ms`; returns that slot.
pub fn next_slot_delay(now_ms: u64, slot_duration_ms: u64) -> (u64, Duration) {
    let d = slot_duration_ms.max(1);
    let next = now_ms / d + 1;
    (next, Duration::from_millis(next * d - now_ms))
}
