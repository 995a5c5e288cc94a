//! Remembers signatures that verified, so each is checked once per node.
//!
//! A transaction's signature is verified when the pool validates it, again when the
//! author builds a block with it, and again on import. Only successes are remembered:
//! a failure is cheap to recompute and remembering it would let junk evict useful
//! entries. The key holds the whole signature and public key and the blake2-256 of the
//! message, so a hit implies the same (signature, message, key) triple up to a blake2
//! collision.

use parking_lot::Mutex;
use schnellru::{ByLength, LruMap};
use std::sync::atomic::{AtomicU64, Ordering};

/// Signature schemes with a host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Sr25519,
    Ed25519,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    scheme: Scheme,
    sig: [u8; 64],
    msg_hash: [u8; 32],
    public: [u8; 32],
}

/// A bounded LRU of verified signatures, shared by every call of an executor.
pub(crate) struct SignatureCache {
    verified: Option<Mutex<LruMap<Key, ()>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl SignatureCache {
    /// A cache of `capacity` entries; 0 disables it.
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            verified: (capacity > 0).then(|| Mutex::new(LruMap::new(ByLength::new(capacity)))),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Whether `sig` is a valid `scheme` signature of `msg` by `public`.
    pub(crate) fn verify(
        &self,
        scheme: Scheme,
        sig: &[u8; 64],
        msg: &[u8],
        public: &[u8; 32],
    ) -> bool {
        let check = || match scheme {
            Scheme::Sr25519 => lattice_io::native::sr25519_verify(sig, msg, public),
            Scheme::Ed25519 => lattice_io::native::ed25519_verify(sig, msg, public),
        };
        let Some(verified) = &self.verified else {
            return check();
        };
        let key = Key {
            scheme,
            sig: *sig,
            msg_hash: sp_crypto_hashing::blake2_256(msg),
            public: *public,
        };
        if verified.lock().get(&key).is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        // Verified outside the lock: it is the expensive part, and threads checking
        // different signatures must not queue behind each other.
        let valid = check();
        if valid {
            verified.lock().insert(key, ());
        }
        valid
    }

    /// Verifies `checks` (signature, message, public key) ahead of their `verify` calls
    /// and remembers the valid ones: the checks not yet cached are split over up to
    /// [`PREFETCH_THREADS`] threads, each verifying its share as one schnorrkel batch
    /// (a multi-scalar multiplication, cheaper per signature than one by one) and one by
    /// one only when its batch fails. Returns nothing: whether a signature is valid is
    /// still answered by `verify`, so this cannot change any result.
    pub(crate) fn prefetch_sr25519(&self, checks: &[([u8; 64], Vec<u8>, [u8; 32])]) {
        let Some(verified) = &self.verified else {
            return;
        };
        let keyed: Vec<(Key, &[u8])> = checks
            .iter()
            .map(|(sig, msg, public)| {
                let key = Key {
                    scheme: Scheme::Sr25519,
                    sig: *sig,
                    msg_hash: sp_crypto_hashing::blake2_256(msg),
                    public: *public,
                };
                (key, msg.as_slice())
            })
            .collect();
        let todo: Vec<&(Key, &[u8])> = {
            let cache = verified.lock();
            keyed.iter().filter(|(key, _)| cache.peek(key).is_none()).collect()
        };
        if todo.is_empty() {
            return;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, PREFETCH_THREADS)
            .min(todo.len().div_ceil(MIN_BATCH).max(1));
        let chunk = todo.len().div_ceil(threads);
        let valid: Vec<&Key> = std::thread::scope(|scope| {
            let workers: Vec<_> = todo
                .chunks(chunk)
                .map(|part| scope.spawn(move || verify_sr25519_batch(part)))
                .collect();
            workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
        });
        let mut cache = verified.lock();
        for key in valid {
            cache.insert(key.clone(), ());
        }
    }

    /// `(hits, misses)` so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

/// Most threads one prefetch uses.
pub(crate) const PREFETCH_THREADS: usize = 4;

/// Fewest checks worth a thread of their own.
const MIN_BATCH: usize = 64;

/// The keys of the valid signatures among `checks`: one batch verification, and one by
/// one only when the batch fails (some signature in it is invalid).
fn verify_sr25519_batch<'a>(checks: &[&'a (Key, &[u8])]) -> Vec<&'a Key> {
    use schnorrkel::{signing_context, PublicKey, Signature};
    let parsed: Option<Vec<(Signature, PublicKey)>> = checks
        .iter()
        .map(|(key, _)| {
            Some((Signature::from_bytes(&key.sig).ok()?, PublicKey::from_bytes(&key.public).ok()?))
        })
        .collect();
    if let Some(parsed) = parsed {
        let context = signing_context(SIGNING_CONTEXT);
        let transcripts = checks.iter().map(|(_, msg)| context.bytes(msg));
        let (signatures, publics): (Vec<_>, Vec<_>) = parsed.into_iter().unzip();
        if schnorrkel::verify_batch(transcripts, &signatures, &publics, false).is_ok() {
            return checks.iter().map(|(key, _)| key).collect();
        }
    }
    checks
        .iter()
        .filter(|(key, msg)| lattice_io::native::sr25519_verify(&key.sig, msg, &key.public))
        .map(|(key, _)| key)
        .collect()
}

/// The signing context of Substrate's sr25519 keys.
const SIGNING_CONTEXT: &[u8] = b"substrate";
