//! Reading runtime versions: the node's `runtime_version` and the runtime's
//! `ext_misc_runtime_version_version_1` (used by `set_code`).

use crate::common::{executor, versioned, TIMEOUT};
use lattice_executor::{Error, RuntimeCode};
use lattice_io::TestExternalities;
use std::time::Instant;

/// A runtime whose `version_of` returns the version of the blob passed as input, as
/// `0x00` (not a runtime) or `0x01 ++ version`.
fn reader() -> RuntimeCode {
    RuntimeCode::new(
        versioned(
            "reader",
            r#"(func (export "version_of") (param $p i32) (param $l i32) (result i64)
                 (call $option (call $runtime_version (call $pack (local.get $p) (local.get $l)))))"#,
        )
        .into_bytes(),
    )
}

#[test]
fn runtime_version_calls_core_version_once_per_code() {
    let executor = executor();
    let code = RuntimeCode::new(versioned("spec v7", "").into_bytes());
    assert_eq!(executor.runtime_version(&code).expect("has a version"), b"spec v7");
    assert_eq!(executor.runtime_version(&code).expect("cached"), b"spec v7");
    assert_eq!(executor.stats().instantiations, 1);

    let not_runtime = RuntimeCode::new(&b"not wasm"[..]);
    assert!(matches!(executor.runtime_version(&not_runtime), Err(Error::Compile(_))));
}

#[test]
fn the_runtime_reads_the_version_of_another_blob() {
    let executor = executor();
    let reader = reader();
    let mut ext = TestExternalities::default();
    let mut version_of = |blob: &[u8]| executor.call(&reader, &mut ext, "version_of", blob);

    let candidate = versioned("candidate v2", "");
    assert_eq!(version_of(candidate.as_bytes()).expect("reads"), b"\x01candidate v2");
    // Not loadable: not Wasm, no `Core_version`, a `Core_version` that panics.
    assert_eq!(version_of(b"garbage").expect("answers"), b"\x00");
    assert_eq!(version_of(crate::common::wat("").as_bytes()).expect("answers"), b"\x00");
    let panics = crate::common::wat(
        r#"(func (export "Core_version") (param i32 i32) (result i64) (unreachable))"#,
    );
    assert_eq!(version_of(panics.as_bytes()).expect("answers"), b"\x00");
}

#[test]
fn version_reads_do_not_nest() {
    // `outer`'s `Core_version` asks for the version of `inner` (held in its data) and
    // says whether it got one. Inside a version read the answer is always "none",
    // whether or not `inner`'s version is cached, so every node computes the same one.
    let inner = versioned("inner", "");
    assert!(inner.len() < 60_000);
    let escaped: String = inner.bytes().map(|b| format!("\\{b:02x}")).collect();
    let outer = crate::common::wat(&format!(
        r#"(data (i32.const 1024) "{escaped}")
           (data (i32.const 256) "outer:none" "outer:some")
           (func (export "Core_version") (param i32 i32) (result i64)
             (if (result i64)
               (i64.eq (call $runtime_version (call $pack (i32.const 1024) (i32.const {len})))
                       (i64.const -1))
               (then (call $pack (i32.const 256) (i32.const 10)))
               (else (call $pack (i32.const 266) (i32.const 10)))))"#,
        len = inner.len()
    ));

    for inner_first in [false, true] {
        let executor = executor();
        let reader = reader();
        let mut ext = TestExternalities::default();
        let mut version_of =
            |blob: &str| executor.call(&reader, &mut ext, "version_of", blob.as_bytes());
        if inner_first {
            assert_eq!(version_of(&inner).expect("reads"), b"\x01inner");
        }
        assert_eq!(version_of(&outer).expect("reads"), b"\x01outer:none", "{inner_first}");
    }

    let executor = executor();
    let outer = RuntimeCode::new(outer.into_bytes());
    assert_eq!(executor.runtime_version(&outer).expect("reads"), b"outer:none");
    // Called directly (not as a version read), the same export does read versions.
    let direct = executor
        .call(&outer, &mut TestExternalities::default(), "Core_version", &[])
        .expect("calls");
    assert_eq!(direct, b"outer:some");
}

#[test]
fn a_blob_whose_version_read_hangs_fails_the_call() {
    let executor = executor();
    let hangs = crate::common::wat(
        r#"(func (export "Core_version") (param i32 i32) (result i64) (loop $l (br $l)) (unreachable))"#,
    );
    let started = Instant::now();
    let err = executor
        .call(&reader(), &mut TestExternalities::default(), "version_of", hangs.as_bytes())
        .expect_err("a timeout is not an answer");
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(started.elapsed() < 3 * TIMEOUT);
}
