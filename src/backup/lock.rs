//! One process at a time owns a data folder's files: `serve` for its whole
//! life, `restore` while it swaps them. The operating system's file lock
//! (released when the process dies, even by SIGKILL) says who.

use anyhow::Context;
use std::fs::{File, TryLockError};
use std::path::Path;

/// The lock file's name in the data folder.
const NAME: &str = "passdesk.lock";

/// Held while it lives.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

impl DataLock {
    /// Takes the data folder's lock, or says who holds it. `what` names
    /// the taker in the message ("serve", "restore").
    pub fn take(data_dir: &Path, what: &str) -> anyhow::Result<Self> {
        let path = data_dir.join(NAME);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("while opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => anyhow::bail!(
                "cannot {what}: another passdesk (serve or restore) is using the data folder {}. Stop it first \
                 (systemctl stop passdesk, or Ctrl-C), then try again",
                data_dir.display()
            ),
            Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("while locking {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_to_stop_and_the_lock_frees_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let held = DataLock::take(dir.path(), "serve").unwrap();
        let e = DataLock::take(dir.path(), "restore").unwrap_err().to_string();
        assert!(e.contains("cannot restore") && e.contains("systemctl stop passdesk"), "{e}");
        drop(held);
        assert!(DataLock::take(dir.path(), "restore").is_ok());
    }
}
