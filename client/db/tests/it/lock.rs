//! The lock file: one opener at a time, released with the last handle.

use crate::common::{commit_genesis, genesis_pairs, open};
use lattice_db::{Database, DatabaseConfig, DirLock, Error, PruningMode};
use lattice_state::Backend;

#[test]
fn a_second_open_fails_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    let err = Database::open(DatabaseConfig::new(dir.path())).unwrap_err();
    match &err {
        Error::Locked { path, holder } => {
            assert_eq!(path, dir.path());
            assert_eq!(*holder, Some(std::process::id()));
        }
        other => panic!("expected Locked, got {other}"),
    }
    let message = err.to_string();
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(message.contains(&format!("pid {}", std::process::id())), "{message}");
    assert!(message.contains("another base path"), "{message}");
    assert!(dir.path().join(DirLock::FILE_NAME).exists());
    drop(db);
}

#[test]
fn the_lock_goes_with_the_last_handle() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), PruningMode::Archive);
    let genesis = commit_genesis(&db, genesis_pairs(10));
    let clone = db.clone();
    let state = db.state_at(&genesis).unwrap();
    drop(db);
    drop(clone);
    // A state backend keeps the database open, and so locked.
    assert!(matches!(Database::open(DatabaseConfig::new(dir.path())), Err(Error::Locked { .. })));
    assert!(state.storage(b"key00003").unwrap().is_some());
    drop(state);
    let db = Database::open(DatabaseConfig::new(dir.path())).expect("lock released");
    assert_eq!(db.info().unwrap().genesis_hash, genesis);
}

#[test]
fn a_lock_on_a_directory_is_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let lock = DirLock::acquire(dir.path()).unwrap();
    assert_eq!(lock.path(), dir.path().join(DirLock::FILE_NAME));
    assert!(matches!(DirLock::acquire(dir.path()), Err(Error::Locked { .. })));
    // The database refuses to open in a directory someone else locked.
    assert!(matches!(Database::open(DatabaseConfig::new(dir.path())), Err(Error::Locked { .. })));
    drop(lock);
    DirLock::acquire(dir.path()).expect("released on drop");
}

#[test]
fn an_unusable_path_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = Database::open(DatabaseConfig::new(&file)).unwrap_err();
    assert!(matches!(&err, Error::Io { path, .. } if *path == file), "{err}");
}
