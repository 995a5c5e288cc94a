//! Figures (printed; run with `--nocapture` to see them) and concurrency.

use crate::common::{config, executor, runtime};
use crate::crypto::{crypto_runtime, input, verify};
use lattice_executor::{ExecutorConfig, WasmExecutor};
use lattice_io::TestExternalities;
use sp_core::{sr25519, Pair};
use std::time::Instant;

#[test]
fn empty_call_overhead() {
    let executor = executor();
    let code = runtime(r#"(func (export "noop") (param i32 i32) (result i64) (i64.const 0))"#);
    let mut ext = TestExternalities::default();
    let started = Instant::now();
    executor.call(&code, &mut ext, "noop", &[]).expect("first call compiles");
    let first = started.elapsed();
    const N: u32 = 2000;
    let started = Instant::now();
    for _ in 0..N {
        executor.call(&code, &mut ext, "noop", &[1, 2, 3]).expect("calls");
    }
    let per_call = started.elapsed() / N;
    eprintln!("executor: first call (compile) {first:?}; then instantiate + call {per_call:?} per empty call");
    assert_eq!(executor.stats().compiled, 1);
}

#[test]
fn signature_cache_hit_versus_miss() {
    let alice = sr25519::Pair::from_string("//Alice", None).expect("dev seed");
    let msg = [7u8; 100];
    let (sig, public) = (alice.sign(&msg).0, alice.public().0);
    let (warm_up, batch) = (input(1, &sig, &public, &msg), input(200, &sig, &public, &msg));
    let code = crypto_runtime();
    let time = |executor: &WasmExecutor| {
        // Compiles the runtime and, when enabled, fills the cache.
        assert_eq!(verify(executor, &code, "sr25519", &warm_up), 1);
        let started = Instant::now();
        assert_eq!(verify(executor, &code, "sr25519", &batch), 200);
        started.elapsed() / 200
    };
    let uncached =
        WasmExecutor::new(ExecutorConfig { signature_cache_size: 0, ..config() }).expect("starts");
    let cached = executor();
    let miss = time(&uncached);
    let hit = time(&cached);
    eprintln!(
        "executor: sr25519 verify {miss:?} uncached, {hit:?} cache hit (per check, through Wasm)"
    );
    // The figures are informative only; what is checked is that the 200 checks were hits.
    let stats = cached.stats();
    assert_eq!((stats.signature_cache_hits, stats.signature_cache_misses), (200, 1));
}

#[test]
fn calls_run_concurrently_on_one_executor() {
    let executor = executor();
    let code = runtime(
        r#"(func (export "echo") (param $p i32) (param $l i32) (result i64)
             (call $pack (local.get $p) (local.get $l)))"#,
    );
    std::thread::scope(|s| {
        for t in 0u8..4 {
            let (executor, code) = (executor.clone(), code.clone());
            s.spawn(move || {
                let mut ext = TestExternalities::default();
                for i in 0u8..50 {
                    let out = executor.call(&code, &mut ext, "echo", &[t, i]).expect("echoes");
                    assert_eq!(out, [t, i]);
                }
            });
        }
    });
    assert_eq!(executor.stats().compiled, 1);
    assert_eq!(executor.stats().instantiations, 200);
}
