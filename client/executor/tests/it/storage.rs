//! Storage host functions round-trip through `TestExternalities`.

use crate::common::{executor, runtime};
use lattice_executor::{Error, RuntimeCode, WasmExecutor};
use lattice_io::{Externalities, StorageError, TestExternalities};

/// Entry points forwarding their input to each storage host function.
fn storage_runtime() -> RuntimeCode {
    runtime(
        r#"
  (func (export "get") (param $p i32) (param $l i32) (result i64)
    (call $option (call $get (call $pack (local.get $p) (local.get $l)))))
  (func (export "exists") (param $p i32) (param $l i32) (result i64)
    (call $u32_le (call $exists (call $pack (local.get $p) (local.get $l)))))
  ;; input: key length (u32 LE) ++ key ++ value
  (func (export "set") (param $p i32) (param $l i32) (result i64)
    (local $k i32)
    (local.set $k (i32.load (local.get $p)))
    (call $set
      (call $pack (i32.add (local.get $p) (i32.const 4)) (local.get $k))
      (call $pack (i32.add (i32.add (local.get $p) (i32.const 4)) (local.get $k))
                  (i32.sub (i32.sub (local.get $l) (i32.const 4)) (local.get $k))))
    (i64.const 0))
  (func (export "clear") (param $p i32) (param $l i32) (result i64)
    (call $clear (call $pack (local.get $p) (local.get $l)))
    (i64.const 0))
  (func (export "next_key") (param $p i32) (param $l i32) (result i64)
    (call $option (call $next_key (call $pack (local.get $p) (local.get $l)))))
  ;; input: limit (u32 LE) ++ prefix; output: the i64 result, little-endian
  (func (export "clear_prefix") (param $p i32) (param $l i32) (result i64)
    (local $out i32)
    (local.set $out (call $alloc (i32.const 8)))
    (i64.store (local.get $out)
      (call $clear_prefix
        (call $pack (i32.add (local.get $p) (i32.const 4)) (i32.sub (local.get $l) (i32.const 4)))
        (i32.load (local.get $p))))
    (call $pack (local.get $out) (i32.const 8)))
  (func (export "root") (param i32 i32) (result i64)
    (local $out i32)
    (local.set $out (call $alloc (i32.const 32)))
    (call $root (local.get $out))
    (call $pack (local.get $out) (i32.const 32)))
  (func (export "start") (param i32 i32) (result i64) (call $start) (i64.const 0))
  (func (export "commit") (param i32 i32) (result i64) (call $commit) (i64.const 0))
  (func (export "rollback") (param i32 i32) (result i64) (call $rollback) (i64.const 0))
"#,
    )
}

struct Runtime {
    executor: WasmExecutor,
    code: RuntimeCode,
}

impl Runtime {
    fn new() -> Self {
        Self { executor: executor(), code: storage_runtime() }
    }

    fn call(&self, ext: &mut dyn Externalities, method: &str, input: &[u8]) -> Vec<u8> {
        self.executor
            .call(&self.code, ext, method, input)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    fn set(&self, ext: &mut dyn Externalities, key: &[u8], value: &[u8]) {
        let input = [&(key.len() as u32).to_le_bytes()[..], key, value].concat();
        assert!(self.call(ext, "set", &input).is_empty());
    }

    fn get(&self, ext: &mut dyn Externalities, key: &[u8]) -> Option<Vec<u8>> {
        option(self.call(ext, "get", key))
    }
}

fn option(out: Vec<u8>) -> Option<Vec<u8>> {
    match out.split_first() {
        Some((0, [])) => None,
        Some((1, rest)) => Some(rest.to_vec()),
        _ => panic!("bad option encoding {out:?}"),
    }
}

#[test]
fn set_get_exists_clear_round_trip() {
    let rt = Runtime::new();
    let mut ext = TestExternalities::default();
    rt.set(&mut ext, b"alpha", b"one");
    rt.set(&mut ext, b"empty", b"");
    assert_eq!(ext.get(b"alpha"), Some(&b"one"[..]));
    assert_eq!(rt.get(&mut ext, b"alpha"), Some(b"one".to_vec()));
    assert_eq!(rt.get(&mut ext, b"empty"), Some(vec![]));
    assert_eq!(rt.get(&mut ext, b"missing"), None);
    assert_eq!(rt.call(&mut ext, "exists", b"alpha"), 1u32.to_le_bytes());
    assert_eq!(rt.call(&mut ext, "exists", b"missing"), 0u32.to_le_bytes());
    rt.call(&mut ext, "clear", b"alpha");
    assert_eq!(ext.get(b"alpha"), None);
    assert_eq!(rt.get(&mut ext, b"alpha"), None);
    // A large value goes through the runtime's allocator (several pages).
    let big = vec![7u8; 300_000];
    rt.set(&mut ext, b"big", &big);
    assert_eq!(rt.get(&mut ext, b"big"), Some(big));
}

#[test]
fn next_key_and_clear_prefix() {
    let rt = Runtime::new();
    let pairs = (0u8..5).map(|i| (vec![7, i], vec![i])).chain([(vec![8], vec![0])]);
    let mut ext = TestExternalities::new(pairs);
    assert_eq!(option(rt.call(&mut ext, "next_key", &[])), Some(vec![7, 0]));
    assert_eq!(option(rt.call(&mut ext, "next_key", &[7, 4])), Some(vec![8]));
    assert_eq!(option(rt.call(&mut ext, "next_key", &[8])), None);

    let clear = |ext: &mut TestExternalities, limit: u32| {
        let out = rt.call(ext, "clear_prefix", &[&limit.to_le_bytes()[..], &[7]].concat());
        let r = u64::from_le_bytes(out.try_into().expect("8 bytes"));
        (r as u32, r >> 32)
    };
    assert_eq!(clear(&mut ext, 3), (3, 0));
    assert_eq!(clear(&mut ext, u32::MAX), (2, 1));
    assert_eq!(ext.pairs().len(), 1);
}

#[test]
fn storage_root_matches_the_externalities() {
    let rt = Runtime::new();
    let mut ext = TestExternalities::new([(b"a".to_vec(), b"1".to_vec())]);
    rt.set(&mut ext, b"b", b"2");
    let expected = ext.storage_root().expect("in-memory root");
    assert_eq!(rt.call(&mut ext, "root", &[]), expected);
    assert_ne!(expected, TestExternalities::default().storage_root().expect("root"));
}

#[test]
fn transactions_commit_and_roll_back() {
    let rt = Runtime::new();
    let mut ext = TestExternalities::default();
    rt.call(&mut ext, "start", &[]);
    rt.set(&mut ext, b"kept", b"1");
    rt.call(&mut ext, "start", &[]);
    rt.set(&mut ext, b"dropped", b"2");
    rt.call(&mut ext, "rollback", &[]);
    rt.call(&mut ext, "commit", &[]);
    assert_eq!(ext.transaction_depth(), 0);
    assert_eq!(ext.get(b"kept"), Some(&b"1"[..]));
    assert_eq!(ext.get(b"dropped"), None);

    for method in ["commit", "rollback"] {
        let err = rt.executor.call(&rt.code, &mut ext, method, &[]).expect_err("nothing open");
        assert!(matches!(err, Error::NoOpenTransaction { .. }), "{err}");
    }
}

/// Externalities whose backend fails every read.
struct BrokenBackend;

impl Externalities for BrokenBackend {
    fn storage(&mut self, _: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError(Box::new("missing trie node")))
    }
    fn set_storage(&mut self, _: Vec<u8>, _: Vec<u8>) {}
    fn clear_storage(&mut self, _: &[u8]) {}
    fn next_storage_key(&mut self, _: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError(Box::new("missing trie node")))
    }
    fn clear_prefix(
        &mut self,
        _: &[u8],
        _: Option<u32>,
    ) -> Result<lattice_io::ClearPrefixOutcome, StorageError> {
        Err(StorageError(Box::new("missing trie node")))
    }
    fn storage_root(&mut self) -> Result<[u8; 32], StorageError> {
        Err(StorageError(Box::new("missing trie node")))
    }
    fn start_transaction(&mut self) {}
    fn commit_transaction(&mut self) -> Result<(), lattice_io::NoOpenTransaction> {
        Ok(())
    }
    fn rollback_transaction(&mut self) -> Result<(), lattice_io::NoOpenTransaction> {
        Ok(())
    }
}

#[test]
fn backend_failures_fail_the_call() {
    let rt = Runtime::new();
    for method in ["get", "next_key", "root"] {
        let err = rt.executor.call(&rt.code, &mut BrokenBackend, method, b"k").expect_err("fails");
        assert!(matches!(err, Error::Backend(_)), "{method}: {err}");
        assert!(err.to_string().contains("missing trie node"), "{err}");
        assert!(!err.is_deterministic());
    }
}
