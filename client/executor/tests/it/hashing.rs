//! Hashing host functions agree with `sp-crypto-hashing`.

use crate::common::{executor, runtime};
use codec::Encode;
use lattice_executor::Error;
use lattice_io::TestExternalities;

const HASHES: [(&str, u32); 6] = [
    ("blake2_128", 16),
    ("blake2_256", 32),
    ("twox_64", 8),
    ("twox_128", 16),
    ("twox_256", 32),
    ("keccak_256", 32),
];

#[test]
fn hashes_equal_sp_crypto_hashing() {
    let body: String = HASHES
        .iter()
        .map(|(name, len)| {
            format!(
                r#"(func (export "{name}") (param $p i32) (param $l i32) (result i64)
                     (local $out i32)
                     (local.set $out (call $alloc (i32.const {len})))
                     (call ${name} (call $pack (local.get $p) (local.get $l)) (local.get $out))
                     (call $pack (local.get $out) (i32.const {len})))"#
            )
        })
        .collect();
    let (executor, code) = (executor(), runtime(&body));
    let mut ext = TestExternalities::default();
    for data in [&b""[..], b"abc", &[0x5a; 1000]] {
        for (name, _) in HASHES {
            let out = executor.call(&code, &mut ext, name, data).expect("hashes");
            let expected = match name {
                "blake2_128" => sp_crypto_hashing::blake2_128(data).to_vec(),
                "blake2_256" => sp_crypto_hashing::blake2_256(data).to_vec(),
                "twox_64" => sp_crypto_hashing::twox_64(data).to_vec(),
                "twox_128" => sp_crypto_hashing::twox_128(data).to_vec(),
                "twox_256" => sp_crypto_hashing::twox_256(data).to_vec(),
                "keccak_256" => sp_crypto_hashing::keccak_256(data).to_vec(),
                _ => unreachable!(),
            };
            assert_eq!(out, expected, "{name} of {} bytes", data.len());
        }
    }
}

#[test]
fn ordered_trie_root_equals_the_native_one() {
    let code = runtime(
        r#"(func (export "root") (param $p i32) (param $l i32) (result i64)
             (local $out i32)
             (local.set $out (call $alloc (i32.const 32)))
             (call $ordered_root (call $pack (local.get $p) (local.get $l)) (local.get $out))
             (call $pack (local.get $out) (i32.const 32)))"#,
    );
    let executor = executor();
    let mut ext = TestExternalities::default();
    for items in [vec![], vec![b"ext0".to_vec()], (0u8..40).map(|i| vec![i; i as usize]).collect()]
    {
        let root = executor.call(&code, &mut ext, "root", &items.encode()).expect("roots");
        assert_eq!(root, lattice_io::native::blake2_256_ordered_root(&items));
    }
    // A length prefix claiming more items than the bytes hold.
    let err = executor.call(&code, &mut ext, "root", &[0xfe, 0xff, 0xff, 0xff]).expect_err("bad");
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    // Trailing bytes are refused too.
    let err = executor.call(&code, &mut ext, "root", &[0, 0]).expect_err("bad");
    assert!(matches!(err, Error::Decode { .. }), "{err}");
}
