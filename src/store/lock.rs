//! Who may touch a data folder's files: every open store (`serve`, each
//! command) holds a shared lock for its life, and `passdesk restore` needs
//! the exclusive one while it swaps the files. The operating system's file
//! lock is released when the process dies, even by SIGKILL.

use super::Error;
use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::Arc;

/// The lock file's name in the data folder.
const NAME: &str = "passdesk.lock";

/// Held while it lives (clones share it).
#[derive(Debug, Clone)]
pub struct DataLock {
    _file: Arc<File>,
}

impl DataLock {
    /// The shared lock an open store holds; refused while a restore runs.
    pub fn shared(data_dir: &Path) -> Result<Self, Error> {
        let file = open(data_dir)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Self { _file: Arc::new(file) }),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                path: data_dir.to_owned(),
                reason: "a passdesk restore is replacing its files: try again once it has finished".into(),
            }),
            Err(TryLockError::Error(e)) => Err(Error::Open { path: data_dir.join(NAME), reason: e.to_string() }),
        }
    }

    /// The exclusive lock of a restore; refused while any store is open.
    pub fn exclusive(data_dir: &Path) -> Result<Self, Error> {
        let file = open(data_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: Arc::new(file) }),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                path: data_dir.to_owned(),
                reason: "passdesk serve (or another passdesk command) is using it. Stop it first (systemctl \
                         stop passdesk, or Ctrl-C), then try again"
                    .into(),
            }),
            Err(TryLockError::Error(e)) => Err(Error::Open { path: data_dir.join(NAME), reason: e.to_string() }),
        }
    }
}

fn open(data_dir: &Path) -> Result<File, Error> {
    let path = data_dir.join(NAME);
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::Open { path, reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_share_the_folder_and_a_restore_waits_for_all_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let serve = DataLock::shared(dir.path()).unwrap();
        let command = DataLock::shared(dir.path()).unwrap();
        let e = DataLock::exclusive(dir.path()).unwrap_err().to_string();
        assert!(e.contains("Stop it first") && e.contains("systemctl stop passdesk"), "{e}");
        drop(serve);
        assert!(DataLock::exclusive(dir.path()).is_err(), "the command still holds it");
        drop(command);
        let restore = DataLock::exclusive(dir.path()).unwrap();
        let e = DataLock::shared(dir.path()).unwrap_err().to_string();
        assert!(e.contains("a passdesk restore is replacing its files"), "{e}");
        drop(restore);
        assert!(DataLock::shared(dir.path()).is_ok());
    }
}
