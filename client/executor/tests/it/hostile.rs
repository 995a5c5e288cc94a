//! Hostile and broken runtimes fail their call with a clear error, in bounded time.

use crate::common::{executor, runtime, TIMEOUT};
use lattice_executor::{Error, RuntimeCode};
use lattice_io::TestExternalities;
use std::time::{Duration, Instant};

fn call(code: &RuntimeCode, method: &str) -> Error {
    executor()
        .call(code, &mut TestExternalities::default(), method, b"input")
        .expect_err("hostile call fails")
}

#[test]
fn infinite_loop_times_out() {
    let code = runtime(
        r#"(func (export "spin") (param i32 i32) (result i64) (loop $l (br $l)) (unreachable))"#,
    );
    let started = Instant::now();
    let err = call(&code, "spin");
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Timeout { limit } if limit == TIMEOUT), "{err}");
    assert!(!err.is_deterministic());
    assert!(elapsed >= TIMEOUT && elapsed < TIMEOUT + Duration::from_secs(1), "{elapsed:?}");
}

#[test]
fn unbounded_memory_growth_is_out_of_memory() {
    let code = runtime(
        r#"(func (export "grow") (param i32 i32) (result i64)
             (loop $l (drop (memory.grow (i32.const 1))) (br $l)) (unreachable))"#,
    )
    .with_heap_pages(Some(16));
    let err = call(&code, "grow");
    // Two initial pages plus sixteen heap pages.
    assert!(matches!(err, Error::OutOfMemory { limit_pages: 18 }), "{err}");
    assert!(err.is_deterministic());

    // The executor's ceiling caps a chain's oversized heap pages.
    let code = code.with_heap_pages(Some(u64::MAX));
    let err = call(&code, "grow");
    assert!(matches!(err, Error::OutOfMemory { limit_pages: 8192 }), "{err}");
}

#[test]
fn unreachable_carries_the_panic_message() {
    let code = runtime(
        r#"(data (i32.const 512) "attempt to divide by zero")
           (func (export "panic") (param i32 i32) (result i64)
             (call $panic_message (call $pack (i32.const 512) (i32.const 25)))
             (unreachable))
           (func (export "trap") (param i32 i32) (result i64) (unreachable))"#,
    );
    let err = call(&code, "panic");
    assert!(matches!(&err, Error::Trap { code: Some(wasmtime::Trap::UnreachableCodeReached), .. }));
    assert_eq!(err.panic_message(), Some("attempt to divide by zero"));
    assert_eq!(err.to_string(), "runtime panicked: attempt to divide by zero");

    let err = call(&code, "trap");
    assert_eq!(err.panic_message(), None);
    assert_eq!(err.to_string(), "runtime trapped: wasm `unreachable` instruction executed");
}

#[test]
fn runaway_recursion_is_a_stack_overflow() {
    let code = runtime(
        r#"(func $down (param i64) (result i64) (i64.add (call $down (local.get 0)) (i64.const 1)))
           (func (export "recurse") (param i32 i32) (result i64) (call $down (i64.const 0)))"#,
    );
    assert!(matches!(call(&code, "recurse"), Error::StackOverflow));
}

#[test]
fn out_of_bounds_pointers_fail_the_call() {
    let code = runtime(
        r#"(func (export "get_oob") (param i32 i32) (result i64)
             (call $get (call $pack (i32.const 131000) (i32.const 1000))))
           (func (export "get_wrapping") (param i32 i32) (result i64)
             (call $get (i64.const -2)))
           (func (export "hash_out_oob") (param $p i32) (param $l i32) (result i64)
             (call $blake2_256 (call $pack (local.get $p) (local.get $l)) (i32.const 131060))
             (i64.const 0))
           (func (export "verify_sig_oob") (param i32 i32) (result i64)
             (drop (call $sr25519_verify (i32.const -1) (i64.const 0) (i32.const 0)))
             (i64.const 0))
           (func (export "log_oob") (param i32 i32) (result i64)
             (call $log (i32.const 3) (i64.const 0) (call $pack (i32.const 0) (i32.const 200000)))
             (i64.const 0))
           (func (export "output_oob") (param i32 i32) (result i64)
             (call $pack (i32.const 131000) (i32.const 100)))"#,
    );
    for (method, function) in [
        ("get_oob", "ext_storage_get_version_1"),
        ("get_wrapping", "ext_storage_get_version_1"),
        ("hash_out_oob", "ext_hashing_blake2_256_version_1"),
        ("verify_sig_oob", "ext_crypto_sr25519_verify_version_1"),
        ("log_oob", "ext_logging_log_version_1"),
    ] {
        let err = call(&code, method);
        assert!(
            matches!(&err, Error::OutOfBounds { function: f, memory_size: 131072, .. } if *f == function),
            "{method}: {err}"
        );
    }
    let err = call(&code, "output_oob");
    assert!(matches!(err, Error::InvalidOutput { ptr: 131000, len: 100, .. }), "{err}");
}

#[test]
fn a_lying_allocator_is_caught() {
    let code = RuntimeCode::new(
        r#"(module
             (import "env" "ext_storage_get_version_1" (func $get (param i64) (result i64)))
             (memory (export "memory") 1)
             (func (export "lattice_alloc") (param i32) (result i32) (i32.const 65530))
             (func (export "get") (param $p i32) (param $l i32) (result i64)
               (call $get (i64.const 0))))"#
            .as_bytes(),
    );
    let mut ext = TestExternalities::new([(vec![], vec![1; 100])]);
    let err = executor().call(&code, &mut ext, "get", &[]).expect_err("fails");
    assert!(matches!(err, Error::OutOfBounds { function: "lattice_alloc", .. }), "{err}");
}

#[test]
fn missing_imports_and_exports_are_reported() {
    let unknown_import = RuntimeCode::new(
        r#"(module (import "env" "ext_fs_read_version_1" (func)) (memory (export "memory") 1))"#
            .as_bytes(),
    );
    let err = call(&unknown_import, "Core_version");
    assert!(matches!(&err, Error::UnknownImport { name, .. } if name == "ext_fs_read_version_1"));
    assert_eq!(
        err.to_string(),
        "runtime imports `env::ext_fs_read_version_1`, which the host does not provide"
    );

    let wrong_signature = RuntimeCode::new(
        r#"(module (import "env" "ext_storage_get_version_1" (func (param i32) (result i32))))"#
            .as_bytes(),
    );
    assert!(matches!(call(&wrong_signature, "x"), Error::ImportSignature { .. }));

    let no_alloc = RuntimeCode::new(r#"(module (memory (export "memory") 1))"#.as_bytes());
    let err = call(&no_alloc, "Core_version");
    assert!(matches!(&err, Error::MissingExport { name } if name == "lattice_alloc"), "{err}");

    let no_memory = RuntimeCode::new(
        r#"(module (func (export "lattice_alloc") (param i32) (result i32) (i32.const 0)))"#
            .as_bytes(),
    );
    assert!(matches!(call(&no_memory, "x"), Error::MissingExport { name } if name == "memory"));

    let code = runtime(r#"(func (export "wrong_type") (param i32) (result i32) (i32.const 0))"#);
    for method in ["Core_version", "wrong_type", "memory"] {
        let err = call(&code, method);
        assert!(matches!(&err, Error::MissingExport { name } if name == method), "{err}");
    }
}

#[test]
fn invalid_code_is_a_compile_error() {
    let err = call(&RuntimeCode::new(&b"\0asm\x01\0\0\0garbage"[..]), "Core_version");
    assert!(matches!(err, Error::Compile(_)), "{err}");
    // Threads are off, whatever the runtime asks for.
    let shared = RuntimeCode::new(r#"(module (memory 1 1 shared))"#.as_bytes());
    assert!(matches!(call(&shared, "x"), Error::Compile(_)));
}

#[test]
fn a_wrong_code_hash_is_refused() {
    let mut code = runtime("");
    code.hash[0] ^= 1;
    assert!(matches!(call(&code, "x"), Error::CodeHashMismatch { .. }));
}

#[test]
fn a_failed_call_leaves_the_executor_usable() {
    let executor = executor();
    let code = runtime(
        r#"(func (export "ok") (param i32 i32) (result i64) (i64.const 0))
           (func (export "bad") (param i32 i32) (result i64) (unreachable))"#,
    );
    let mut ext = TestExternalities::default();
    for _ in 0..3 {
        assert!(executor.call(&code, &mut ext, "bad", &[]).is_err());
        assert_eq!(executor.call(&code, &mut ext, "ok", &[]).expect("still works"), b"");
    }
}
