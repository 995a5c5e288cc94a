//! The on-disk module cache: reused across executors, never trusted when damaged.

use crate::common::{config, versioned};
use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
use std::path::Path;

fn executor(dir: &Path) -> WasmExecutor {
    WasmExecutor::new(ExecutorConfig { cache_dir: Some(dir.to_path_buf()), ..config() })
        .expect("starts")
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("cache dir exists")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

#[test]
fn compiled_code_is_reused_by_a_second_executor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let code = RuntimeCode::new(versioned("cached", "").into_bytes());

    let first = executor(dir.path());
    assert_eq!(first.runtime_version(&code).expect("runs"), b"cached");
    assert_eq!((first.stats().compiled, first.stats().loaded_from_disk), (1, 0));
    let files = cache_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().expect("name").to_string_lossy().into_owned();
    assert!(name.starts_with(&lattice_hex(&code.hash)) && name.ends_with(".cwasm"), "{name}");
    drop(first);

    let second = executor(dir.path());
    assert_eq!(second.runtime_version(&code).expect("runs"), b"cached");
    assert_eq!((second.stats().compiled, second.stats().loaded_from_disk), (0, 1));
}

#[test]
fn a_corrupt_or_truncated_cache_file_is_recompiled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let code = RuntimeCode::new(versioned("fragile", "").into_bytes());
    executor(dir.path()).prepare(&code).expect("compiles");
    let file = cache_files(dir.path()).pop().expect("one file");

    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 3] = [
        ("flipped byte", |b| {
            let mid = b.len() / 2;
            b[mid] ^= 0x40;
        }),
        ("truncated", |b| b.truncate(b.len() / 3)),
        ("emptied", |b| b.clear()),
    ];
    for (what, damage) in damages {
        let mut bytes = std::fs::read(&file).expect("read");
        damage(&mut bytes);
        std::fs::write(&file, &bytes).expect("write");

        let executor = executor(dir.path());
        assert_eq!(executor.runtime_version(&code).expect("recompiled"), b"fragile", "{what}");
        let stats = executor.stats();
        assert_eq!((stats.rejected_cache_files, stats.compiled), (1, 1), "{what}");
        // Rewritten, so the next executor loads it again.
        let next = self::executor(dir.path());
        next.prepare(&code).expect("loads");
        assert_eq!(next.stats().loaded_from_disk, 1, "{what}");
    }
}

fn lattice_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
