//! Native implementations of the pure host functions, shared with the executor so that
//! native and Wasm execution compute identical results.

use crate::logging::Level;
use alloc::vec::Vec;

/// Whether `sig` is a valid sr25519 signature of `msg` by `public` (signing context
/// `substrate`, as Substrate's `sr25519` keys use).
pub fn sr25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
    use sp_core::{sr25519, Pair as _};
    sr25519::Pair::verify(
        &sr25519::Signature::from_raw(*sig),
        msg,
        &sr25519::Public::from_raw(*public),
    )
}

/// Whether `sig` is a valid ed25519 signature of `msg` by `public`.
pub fn ed25519_verify(sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
    use sp_core::{ed25519, Pair as _};
    ed25519::Pair::verify(
        &ed25519::Signature::from_raw(*sig),
        msg,
        &ed25519::Public::from_raw(*public),
    )
}

/// Writes a runtime log line to the node's `tracing` subscriber.
pub fn log(level: Level, target: &str, message: &str) {
    match level {
        Level::Error => tracing::error!(target: "runtime", pallet = target, "{message}"),
        Level::Warn => tracing::warn!(target: "runtime", pallet = target, "{message}"),
        Level::Info => tracing::info!(target: "runtime", pallet = target, "{message}"),
        Level::Debug => tracing::debug!(target: "runtime", pallet = target, "{message}"),
        Level::Trace => tracing::trace!(target: "runtime", pallet = target, "{message}"),
    }
}

/// The runtime version of `code`, as the installed externalities can read it.
pub fn runtime_version(code: &[u8]) -> Option<Vec<u8>> {
    crate::externalities::using(|ext| ext.runtime_version(code))
}

/// The root of the ordered trie of `items` (layout V1, blake2-256).
pub fn blake2_256_ordered_root(items: &[Vec<u8>]) -> [u8; 32] {
    use sp_trie::{LayoutV1, TrieConfiguration};
    LayoutV1::<sp_core::Blake2Hasher>::ordered_trie_root(items).0
}

/// Creates a key in the keystore of the installed externalities (see
/// `crypto::sr25519_generate`); a seed that is not UTF-8 is invalid.
pub fn generate(
    scheme: crate::KeyScheme,
    key_type: crate::KeyTypeId,
    seed: Option<&[u8]>,
) -> Option<[u8; 32]> {
    let seed = match seed {
        Some(bytes) => Some(core::str::from_utf8(bytes).ok()?),
        None => None,
    };
    crate::externalities::using(|ext| ext.keystore()?.generate(scheme, key_type, seed))
}
