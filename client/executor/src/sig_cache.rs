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

#[derive(PartialEq, Eq, Hash)]
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

    /// `(hits, misses)` so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}
