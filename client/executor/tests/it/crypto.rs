//! Signature host functions verify real signatures, through the verified-signature
//! cache.

use crate::common::{config, executor, runtime};
use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
use lattice_io::TestExternalities;
use sp_core::{ed25519, sr25519, Pair};

/// `verify_<scheme>`: input `count (u32 LE) ++ sig (64) ++ public (32) ++ msg`; verifies
/// `count` times and returns how many succeeded (u32 LE).
pub(crate) fn crypto_runtime() -> RuntimeCode {
    let body: String = ["sr25519", "ed25519"]
        .iter()
        .map(|scheme| {
            format!(
                r#"(func (export "verify_{scheme}") (param $p i32) (param $l i32) (result i64)
                     (local $n i32) (local $ok i32)
                     (local.set $n (i32.load (local.get $p)))
                     (block $done
                       (loop $again
                         (br_if $done (i32.eqz (local.get $n)))
                         (local.set $ok (i32.add (local.get $ok)
                           (call ${scheme}_verify
                             (i32.add (local.get $p) (i32.const 4))
                             (call $pack (i32.add (local.get $p) (i32.const 100))
                                         (i32.sub (local.get $l) (i32.const 100)))
                             (i32.add (local.get $p) (i32.const 68)))))
                         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                         (br $again)))
                     (call $u32_le (local.get $ok)))"#
            )
        })
        .collect();
    runtime(&body)
}

pub(crate) fn input(count: u32, sig: &[u8; 64], public: &[u8; 32], msg: &[u8]) -> Vec<u8> {
    [&count.to_le_bytes()[..], sig, public, msg].concat()
}

pub(crate) fn verify(
    executor: &WasmExecutor,
    code: &RuntimeCode,
    scheme: &str,
    input: &[u8],
) -> u32 {
    let out = executor
        .call(code, &mut TestExternalities::default(), &format!("verify_{scheme}"), input)
        .expect("verifies");
    u32::from_le_bytes(out.try_into().expect("u32"))
}

#[test]
fn sr25519_signature_of_alice_verifies_and_a_flipped_byte_does_not() {
    let alice = sr25519::Pair::from_string("//Alice", None).expect("dev seed");
    let msg = b"transfer 10 to bob";
    let sig = alice.sign(msg).0;
    let public = alice.public().0;
    let (executor, code) = (executor(), crypto_runtime());

    assert_eq!(verify(&executor, &code, "sr25519", &input(1, &sig, &public, msg)), 1);
    let mut bad = sig;
    bad[10] ^= 1;
    assert_eq!(verify(&executor, &code, "sr25519", &input(1, &bad, &public, msg)), 0);
    assert_eq!(verify(&executor, &code, "sr25519", &input(1, &sig, &public, b"transfer 99")), 0);

    // Verified once, then answered by the cache; failures are never cached.
    assert_eq!(verify(&executor, &code, "sr25519", &input(3, &sig, &public, msg)), 3);
    assert_eq!(verify(&executor, &code, "sr25519", &input(2, &bad, &public, msg)), 0);
    let stats = executor.stats();
    assert_eq!(stats.signature_cache_hits, 3);
    assert_eq!(stats.signature_cache_misses, 5);
}

#[test]
fn ed25519_signature_verifies() {
    let alice = ed25519::Pair::from_string("//Alice", None).expect("dev seed");
    let msg = b"hello";
    let sig = alice.sign(msg).0;
    let public = alice.public().0;
    let (executor, code) = (executor(), crypto_runtime());
    assert_eq!(verify(&executor, &code, "ed25519", &input(2, &sig, &public, msg)), 2);
    let mut bad = public;
    bad[0] ^= 1;
    assert_eq!(verify(&executor, &code, "ed25519", &input(1, &sig, &bad, msg)), 0);
    // An sr25519 check of the same bytes is another cache key, and fails.
    assert_eq!(verify(&executor, &code, "sr25519", &input(1, &sig, &public, msg)), 0);
}

#[test]
fn a_disabled_cache_still_verifies() {
    let executor =
        WasmExecutor::new(ExecutorConfig { signature_cache_size: 0, ..config() }).expect("starts");
    let alice = sr25519::Pair::from_string("//Alice", None).expect("dev seed");
    let sig = alice.sign(b"m").0;
    let code = crypto_runtime();
    assert_eq!(verify(&executor, &code, "sr25519", &input(2, &sig, &alice.public().0, b"m")), 2);
    assert_eq!(executor.stats().signature_cache_hits, 0);
}
