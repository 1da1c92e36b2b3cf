//! `passdesk backup` and `passdesk restore`: the database (a consistent
//! copy taken while `serve` runs), the server key without which codes and
//! registered methods cannot be read, the configuration and the
//! self-signed certificate, in one private archive; and the way back, which
//! proves the archive whole, of a version this passdesk can run and of this
//! installation before it replaces anything, keeps what it replaced, and
//! puts the old files back if the swap fails half-way.

pub mod archive;
pub mod manifest;

use crate::clock::UnixTime;
use crate::config::Config;
use crate::store::{self, DataLock, Store, create_private_dir};
use anyhow::{Context, bail};
use manifest::{CONFIG, DATABASE, KEY, Manifest, TLS_CERT, TLS_KEY};
use std::path::{Path, PathBuf};

/// Writes a backup of the installation `config` describes to `out` (which
/// must not exist); `config_file` is the configuration file in use, if
/// any, and goes into the archive too.
pub async fn create(
    config: &Config,
    config_file: Option<&Path>,
    out: &Path,
    now: UnixTime,
) -> anyhow::Result<Manifest> {
    if out.exists() {
        bail!("{} already exists: choose another file name, or remove that file first", out.display());
    }
    let store = Store::open(&config.store).context("while opening the database")?;
    let key_path = config.store.key_path();
    crate::app::load_or_create_key(&key_path).context("while reading the server key")?;
    let staging = Staging::new(&config.store.data_dir, "backup")?;
    let database = staging.path().join(DATABASE);
    store.snapshot_into(&database).await.context("while copying the database")?;
    let inspection = store::inspect(&database).context("while checking the copy of the database")?;
    if let Some(problem) = inspection.integrity_problem {
        bail!("the database fails SQLite's integrity check ({problem}): restore the last good backup instead");
    }
    if let Some(row) = inspection.broken_audit_row {
        bail!(
            "the audit trail is broken at row {row} (passdesk audit verify says more): keep a copy of the data \
             folder for investigation; a backup of it would be refused by passdesk restore"
        );
    }
    // The other files are copied into the scratch folder first, so each is
    // hashed and archived from one stable copy.
    let mut sources: Vec<(&str, PathBuf)> = vec![(KEY, key_path)];
    if let Some(path) = config_file.filter(|p| p.is_file()) {
        sources.push((CONFIG, path.to_owned()));
    }
    let tls = config.store.data_dir.join("tls");
    if tls.join("cert.pem").is_file() && tls.join("key.pem").is_file() {
        sources.push((TLS_CERT, tls.join("cert.pem")));
        sources.push((TLS_KEY, tls.join("key.pem")));
    }
    let mut files: Vec<(&str, PathBuf)> = vec![(DATABASE, database)];
    for (name, source) in sources {
        let copy = staging.path().join(name);
        if let Some(parent) = copy.parent() {
            create_private_dir(parent)?;
        }
        store::create_private_file(&copy)?;
        std::fs::copy(&source, &copy).with_context(|| format!("while reading {}", source.display()))?;
        files.push((name, copy));
    }
    let mut listed = std::collections::BTreeMap::new();
    for (name, path) in &files {
        listed.insert((*name).to_owned(), archive::digest(path)?);
    }
    let manifest = Manifest {
        format: manifest::FORMAT,
        passdesk_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: inspection.schema_version,
        created_at: crate::clock::rfc3339(now),
        installation_id: inspection.installation_id.unwrap_or_default(),
        audit_rows: inspection.audit_rows,
        files: listed,
    };
    archive::write(out, &manifest, &files, now)?;
    Ok(manifest)
}

/// Files the configuration names by path outside the data folder (secrets
/// in `*_file`, certificates, the breached-password list): a backup does not
/// hold them, and a new host needs them too.
pub fn files_not_included(config_file: Option<&Path>, data_dir: &Path) -> Vec<(String, PathBuf)> {
    let Some(text) = config_file.and_then(|p| std::fs::read_to_string(p).ok()) else { return Vec::new() };
    let Ok(value) = text.parse::<toml::Table>() else { return Vec::new() };
    let mut found = Vec::new();
    collect_paths(&toml::Value::Table(value), "", &mut found);
    found.retain(|(_, path)| !path.starts_with(data_dir));
    found
}

fn collect_paths(value: &toml::Value, at: &str, found: &mut Vec<(String, PathBuf)>) {
    let toml::Value::Table(table) = value else { return };
    for (key, value) in table {
        let here = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
        match value {
            toml::Value::String(path)
                if key.ends_with("_file") || matches!(key.as_str(), "tls_cert" | "tls_key" | "logo") =>
            {
                found.push((here, PathBuf::from(path)));
            }
            toml::Value::Table(_) => collect_paths(value, &here, found),
            _ => {}
        }
    }
}

/// How `restore` may go.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Replace a data folder that belongs to another installation.
    pub replace_installation: bool,
}

/// What `restore` did.
#[derive(Debug)]
pub struct Restored {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// Where the files it replaced were moved (none on an empty folder).
    pub kept: Option<PathBuf>,
    /// What became of the archive's configuration.
    pub config: ConfigOutcome,
}

/// The archive's configuration is never written over the one in use (on
/// a package install root owns it): it is compared, and set aside when it
/// differs, for the administrator to review.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigOutcome {
    /// The backup was made on the embedded defaults.
    NoneInBackup,
    /// The same bytes as the configuration in use.
    Same,
    /// Different (or there is none in use): written here.
    SetAside(PathBuf),
}

/// Restores `archive` into the data folder `config` names. Refuses while
/// `serve` (or any command) has it open, and refuses an archive that is
/// damaged, from a newer passdesk, fails the integrity check or the audit
/// chain, or belongs to another installation (unless told to replace it);
/// in all those cases nothing in the data folder changes. A backup from an
/// older passdesk is migrated in the scratch folder first.
pub fn restore(
    config: &Config,
    config_file: Option<&Path>,
    archive_path: &Path,
    options: RestoreOptions,
    now: UnixTime,
) -> anyhow::Result<Restored> {
    let data = &config.store.data_dir;
    store::refuse_root_in_foreign_dir(data)?;
    create_private_dir(data)?;
    let _lock = DataLock::exclusive(data)?;
    let staging = Staging::new(data, "restore")?;
    let manifest = archive::read(archive_path, staging.path())?;
    let what = archive_path.display();
    let staged_db = staging.path().join(DATABASE);
    let mut found = store::inspect(&staged_db)
        .map_err(|e| anyhow::anyhow!("{what}: the database in it cannot be read ({e}); use another copy"))?;
    if let Some(problem) = found.integrity_problem {
        bail!("{what}: the database in it fails SQLite's integrity check ({problem}); use another copy");
    }
    if found.schema_version > found.supported_version {
        bail!(
            "{what} was made by passdesk {} (database schema {}), newer than this passdesk {} (schema {}): \
             install passdesk {} or newer, then restore",
            manifest.passdesk_version,
            found.schema_version,
            env!("CARGO_PKG_VERSION"),
            found.supported_version,
            manifest.passdesk_version
        );
    }
    if found.schema_version != manifest.schema_version {
        bail!("{what}: the database does not match the archive's manifest; the archive was altered");
    }
    if found.schema_version < found.supported_version {
        // Today's checks read today's tables: migrate the copy first.
        drop(Store::open_file(&staged_db).with_context(|| format!("{what}: while upgrading its database"))?);
        found = store::inspect(&staged_db)?;
    }
    if found.installation_id.as_deref() != Some(manifest.installation_id.as_str()) {
        bail!("{what}: the database does not match the archive's manifest; the archive was altered");
    }
    if let Some(row) = found.broken_audit_row {
        bail!("{what}: the audit trail in it is broken at row {row}; use another copy");
    }
    crate::app::load_or_create_key(&staging.path().join(KEY)).with_context(|| format!("{what}: the server key"))?;
    let current = data.join(DATABASE);
    if current.exists() && !options.replace_installation {
        let refuse = |here: &str| {
            anyhow::anyhow!(
                "{what} is a backup of passdesk installation {}, and the data folder {} holds {here}. To replace \
                 it with the backup, run again with --replace-installation; to move passdesk to a new host, \
                 restore into an empty data folder",
                manifest.installation_id,
                data.display()
            )
        };
        match store::installation_of(&current) {
            Ok(Some(here)) if here != manifest.installation_id => return Err(refuse(&format!("installation {here}"))),
            Ok(None) => return Err(refuse("a database that does not say which installation it belongs to")),
            // Matching, or unreadable: a restore is what mends the latter.
            Ok(Some(_)) | Err(_) => {}
        }
    }
    let with_tls = manifest.files.contains_key(TLS_CERT);
    let mut names = vec![DATABASE, KEY];
    if with_tls {
        names.push("tls");
    }
    let kept = swap(data, staging.path(), &names, now)?;
    let config = match (manifest.files.contains_key(CONFIG), config_file) {
        (false, _) => ConfigOutcome::NoneInBackup,
        (true, Some(path)) if std::fs::read(path).ok() == std::fs::read(staging.path().join(CONFIG)).ok() => {
            ConfigOutcome::Same
        }
        (true, _) => {
            let aside = free_name(data, "passdesk.toml.from-backup", now);
            std::fs::rename(staging.path().join(CONFIG), &aside)?;
            ConfigOutcome::SetAside(aside)
        }
    };
    Ok(Restored { manifest, kept, config })
}

/// Moves the current files (`names`, with the database's WAL and index)
/// into `before-restore-<time>/`, then the staged ones into place. If a
/// move fails, the moves already made are undone, so the folder holds
/// either the old files or the new ones, never a mix; when even that
/// fails, the message says where the old files are.
fn swap(data: &Path, staged: &Path, names: &[&str], now: UnixTime) -> anyhow::Result<Option<PathBuf>> {
    let mut current: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    current.push(format!("{DATABASE}-wal"));
    current.push(format!("{DATABASE}-shm"));
    current.retain(|n| data.join(n).exists());
    let kept = (!current.is_empty()).then(|| free_name(data, "before-restore", now));
    let mut moved_aside: Vec<&str> = Vec::new();
    let mut placed: Vec<&str> = Vec::new();
    let result = (|| -> std::io::Result<()> {
        if let Some(kept) = &kept {
            create_private_dir(kept).map_err(std::io::Error::other)?;
            for name in &current {
                std::fs::rename(data.join(name), kept.join(name))?;
                moved_aside.push(name);
            }
        }
        for name in names {
            std::fs::rename(staged.join(name), data.join(name))?;
            placed.push(name);
        }
        Ok(())
    })();
    let Err(e) = result else { return Ok(kept) };
    let mut undone = true;
    for name in placed {
        undone &= std::fs::rename(data.join(name), staged.join(name)).is_ok();
    }
    if let Some(kept) = &kept {
        for name in moved_aside {
            undone &= std::fs::rename(kept.join(name), data.join(name)).is_ok();
        }
        let _ = std::fs::remove_dir(kept);
    }
    if undone {
        bail!("cannot put the backup in place ({e}); nothing was changed in {}", data.display());
    }
    bail!(
        "cannot put the backup in place ({e}), and cannot put every old file back: the data folder {} is \
         half-restored. The files it held are in {}; move them back by hand before starting passdesk",
        data.display(),
        kept.as_deref().unwrap_or(data).display()
    )
}

/// `data/<base>-<time>`, or with `-2`, `-3`… when that is taken.
fn free_name(data: &Path, base: &str, now: UnixTime) -> PathBuf {
    let stamp = compact(now);
    (1..)
        .map(|n| if n == 1 { data.join(format!("{base}-{stamp}")) } else { data.join(format!("{base}-{stamp}-{n}")) })
        .find(|p| !p.exists())
        .unwrap_or_else(|| data.join(base))
}

/// A private scratch folder inside the data folder (same file system, so
/// the final moves are renames), removed however the work ends.
struct Staging(PathBuf);

impl Staging {
    fn new(data: &Path, what: &str) -> anyhow::Result<Self> {
        create_private_dir(data)?;
        let path = data.join(format!(".{what}-{}", hex::encode(rand::random::<[u8; 6]>())));
        create_private_dir(&path)?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `20261126T173435Z`: sorts by time, and is a valid file name everywhere.
fn compact(at: UnixTime) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(at).ok().and_then(|t| t.format(&format).ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_named_by_path_outside_the_data_folder_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("passdesk.toml");
        std::fs::write(
            &config,
            "[server]\ntls_cert = \"/etc/passdesk/cert.pem\"\n[directories.corp]\nbind_password_file = \
             \"/etc/passdesk/corp\"\n[store]\ndata_dir = \"/var/lib/passdesk\"\n[notify.smtp]\npassword_file = \
             \"/var/lib/passdesk/smtp\"\n",
        )
        .unwrap();
        let found = files_not_included(Some(&config), Path::new("/var/lib/passdesk"));
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["directories.corp.bind_password_file", "server.tls_cert"]);
        assert!(files_not_included(None, Path::new("/x")).is_empty());
    }

    #[test]
    fn a_failed_swap_puts_the_old_files_back() {
        let dir = tempfile::tempdir().unwrap();
        let (data, staged) = (dir.path().join("data"), dir.path().join("staged"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&staged).unwrap();
        std::fs::write(data.join(DATABASE), "old db").unwrap();
        std::fs::write(data.join(KEY), "old key").unwrap();
        std::fs::write(staged.join(DATABASE), "new db").unwrap();
        // No staged key: the second move fails.
        let e = swap(&data, &staged, &[DATABASE, KEY], 0).unwrap_err().to_string();
        assert!(e.contains("nothing was changed"), "{e}");
        assert_eq!(std::fs::read_to_string(data.join(DATABASE)).unwrap(), "old db");
        assert_eq!(std::fs::read_to_string(data.join(KEY)).unwrap(), "old key");
        assert_eq!(std::fs::read_to_string(staged.join(DATABASE)).unwrap(), "new db");
        assert_eq!(std::fs::read_dir(&data).unwrap().count(), 2, "no before-restore folder left");
    }

    #[test]
    fn kept_folders_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_name(dir.path(), "before-restore", 0);
        std::fs::create_dir(&first).unwrap();
        let second = free_name(dir.path(), "before-restore", 0);
        assert_ne!(first, second);
        assert!(second.to_string_lossy().ends_with("19700101T000000Z-2"));
    }
}
