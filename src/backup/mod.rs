//! `passdesk backup` and `passdesk restore`: the database (a consistent
//! copy taken while `serve` runs), the server key without which codes and
//! registered methods cannot be read, the configuration and the
//! self-signed certificate, in one private archive; and the way back, which
//! proves the archive whole, of a version this passdesk can run and of this
//! installation before it replaces anything, and keeps what it replaced.

pub mod archive;
mod lock;
pub mod manifest;

pub use lock::DataLock;

use crate::clock::UnixTime;
use crate::config::Config;
use crate::store::{self, Store};
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
    let mut files: Vec<(&str, PathBuf)> = vec![(DATABASE, database), (KEY, key_path)];
    if let Some(path) = config_file.filter(|p| p.is_file()) {
        files.push((CONFIG, path.to_owned()));
    }
    let tls = config.store.data_dir.join("tls");
    if tls.join("cert.pem").is_file() && tls.join("key.pem").is_file() {
        files.push((TLS_CERT, tls.join("cert.pem")));
        files.push((TLS_KEY, tls.join("key.pem")));
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
/// `serve` runs there, and refuses an archive that is damaged, from a newer
/// passdesk, fails the integrity check or the audit chain, or belongs to
/// another installation (unless told to replace it); in all those cases
/// nothing in the data folder changes.
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
    let _lock = DataLock::take(data, "restore")?;
    let staging = Staging::new(data, "restore")?;
    let manifest = archive::read(archive_path, staging.path())?;
    let what = archive_path.display();
    let staged_db = staging.path().join(DATABASE);
    let found = store::inspect(&staged_db)
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
    if found.schema_version != manifest.schema_version
        || found.installation_id.as_deref() != Some(manifest.installation_id.as_str())
    {
        bail!("{what}: the database does not match the archive's manifest; the archive was altered");
    }
    if let Some(row) = found.broken_audit_row {
        bail!("{what}: the audit trail in it is broken at row {row}; use another copy");
    }
    crate::app::load_or_create_key(&staging.path().join(KEY)).with_context(|| format!("{what}: the server key"))?;
    let current = data.join(DATABASE);
    if current.exists() && !options.replace_installation {
        // A current database that cannot be read is what a restore mends.
        if let Some(here) = store::installation_of(&current)
            && here != manifest.installation_id
        {
            bail!(
                "{what} is a backup of another passdesk installation ({}), and the data folder {} holds \
                 installation {here}. To replace this installation with that one, run again with \
                 --replace-installation; to move passdesk to a new host, restore into an empty data folder",
                manifest.installation_id,
                data.display()
            );
        }
    }
    let kept = keep_current(data, manifest.files.contains_key(TLS_CERT), now)?;
    for name in [DATABASE, KEY] {
        std::fs::rename(staging.path().join(name), data.join(name))?;
    }
    if manifest.files.contains_key(TLS_CERT) && manifest.files.contains_key(TLS_KEY) {
        std::fs::rename(staging.path().join("tls"), data.join("tls"))?;
    }
    let config = match (manifest.files.contains_key(CONFIG), config_file) {
        (false, _) => ConfigOutcome::NoneInBackup,
        (true, Some(path)) if std::fs::read(path).ok() == std::fs::read(staging.path().join(CONFIG)).ok() => {
            ConfigOutcome::Same
        }
        (true, _) => {
            let aside = data.join("passdesk.toml.from-backup");
            std::fs::rename(staging.path().join(CONFIG), &aside)?;
            ConfigOutcome::SetAside(aside)
        }
    };
    Ok(Restored { manifest, kept, config })
}

/// Moves the files a restore replaces into `before-restore-<time>/`.
fn keep_current(data: &Path, replacing_tls: bool, now: UnixTime) -> anyhow::Result<Option<PathBuf>> {
    let mut names = vec!["passdesk.sqlite", "passdesk.sqlite-wal", "passdesk.sqlite-shm", "server.key"];
    if replacing_tls {
        names.push("tls");
    }
    let present: Vec<&str> = names.into_iter().filter(|n| data.join(n).exists()).collect();
    if present.is_empty() {
        return Ok(None);
    }
    let kept = data.join(format!("before-restore-{}", compact(now)));
    create_private_dir(&kept)?;
    for name in present {
        std::fs::rename(data.join(name), kept.join(name))
            .with_context(|| format!("while moving {} aside", data.join(name).display()))?;
    }
    Ok(Some(kept))
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

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("while creating {}", dir.display()))
}

/// `20261126T173435Z`: sorts by time, and is a valid file name everywhere.
fn compact(at: UnixTime) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(at).ok().and_then(|t| t.format(&format).ok()).unwrap_or_default()
}
