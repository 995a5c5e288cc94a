//! The lock file that keeps a second process off a database directory.

use crate::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// An exclusive advisory lock on a directory, held until dropped.
///
/// The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows) on the
/// file [`DirLock::FILE_NAME`] in the directory, so it disappears with the process
/// however it ends (a `kill -9` leaves no stale lock). The holder writes its process id
/// into the file so the refusal can name it. A second lock in the same process fails as
/// well: the lock belongs to the open file, not the process.
#[derive(Debug)]
pub struct DirLock {
    // Never read: holding the open file is what holds the lock.
    _file: File,
    path: PathBuf,
}

impl DirLock {
    /// The name of the lock file.
    pub const FILE_NAME: &'static str = "lattice.lock";

    /// Locks `dir` (which must exist), failing at once with [`Error::Locked`] when another
    /// holder has it.
    pub fn acquire(dir: &Path) -> Result<Self> {
        let path = dir.join(Self::FILE_NAME);
        let io = |source| Error::Io { path: path.clone(), source };
        // Not truncated on open: the file may belong to the running holder.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let holder =
                    file.read_to_string(&mut text).ok().and_then(|_| text.trim().parse().ok());
                return Err(Error::Locked { path: dir.to_path_buf(), holder });
            }
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        // Best effort: the pid only improves the refusal message.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
