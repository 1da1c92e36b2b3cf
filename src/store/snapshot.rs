//! Consistent copies of the database for `passdesk backup`, and what
//! `passdesk restore` reads from a copy before it replaces anything.

use super::{Error, Store, create_private_file, migrate};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

/// The settings row naming this installation: a backup remembers it, so a
/// restore can tell a backup of this passdesk from one of another.
const INSTALLATION: &str = "installation_id";

/// What a database file holds, read without migrating or changing it.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// `PRAGMA user_version`.
    pub schema_version: i64,
    /// The newest schema this build knows; a copy above it is refused.
    pub supported_version: i64,
    /// SQLite's `integrity_check` answer when it is not "ok".
    pub integrity_problem: Option<String>,
    /// The first audit row whose hash does not match, if any.
    pub broken_audit_row: Option<i64>,
    /// Audit rows held.
    pub audit_rows: u64,
    /// The installation the database belongs to (none before this build).
    pub installation_id: Option<String>,
}

impl Store {
    /// Writes a consistent copy of the whole database to `to`, which must
    /// not exist. `VACUUM INTO` reads one snapshot, so `serve` goes on
    /// writing meanwhile; the copy is made private before SQLite fills it
    /// and switched out of WAL mode, so the file stands alone.
    pub async fn snapshot_into(&self, to: &Path) -> Result<(), Error> {
        if to.exists() {
            return Err(Error::Open { path: to.to_owned(), reason: "the file already exists".into() });
        }
        create_private_file(to)?;
        let target = to.to_owned();
        self.run(move |conn| {
            conn.execute("VACUUM INTO ?1", [target.display().to_string()])?;
            Ok(())
        })
        .await?;
        let copy = Connection::open(to)?;
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Gives a database its installation id the first time this build opens
/// it; later opens keep it.
pub(super) fn ensure_installation_id(conn: &Connection) -> Result<(), Error> {
    let id = hex::encode(rand::random::<[u8; 16]>());
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?1, ?2, unixepoch())",
        rusqlite::params![INSTALLATION, id],
    )?;
    Ok(())
}

/// The installation a database file belongs to, read without writing (a
/// read-only connection leaves the WAL and its index as they are):
/// `Ok(None)` for a readable database that does not say, an error for a
/// file that cannot be read as one.
pub fn installation_of(path: &Path) -> Result<Option<String>, Error> {
    // With no WAL beside it, "immutable" keeps SQLite from making the WAL
    // and its index just to read; with one, a plain read-only open reads it.
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let mode = if wal.exists() { "mode=ro" } else { "immutable=1" };
    let escaped: String = path
        .display()
        .to_string()
        .chars()
        .map(|c| match c {
            '%' => "%25".to_owned(),
            '?' => "%3f".to_owned(),
            '#' => "%23".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(format!("file:{escaped}?{mode}"), flags)?;
    read_installation(&conn)
}

/// The installation id a database records, if any.
pub(super) fn read_installation(conn: &Connection) -> Result<Option<String>, Error> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [INSTALLATION], |r| r.get(0)).optional()?)
}

/// Reads `path` as a passdesk database: its schema version, SQLite's
/// integrity check, the audit chain and the installation id. A file that
/// is no SQLite database is an error; a database newer than this build is
/// described but not walked (its tables may differ).
pub fn inspect(path: &Path) -> Result<Inspection, Error> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported_version = migrate::current_version();
    let mut inspection = Inspection {
        schema_version,
        supported_version,
        integrity_problem: None,
        broken_audit_row: None,
        audit_rows: 0,
        installation_id: None,
    };
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if integrity != ["ok"] {
        inspection.integrity_problem = Some(integrity.join("; "));
        return Ok(inspection);
    }
    if schema_version > supported_version || schema_version == 0 {
        return Ok(inspection);
    }
    inspection.broken_audit_row = super::audit::verify_chain(&conn)?;
    inspection.audit_rows = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get::<_, i64>(0))?.max(0) as u64;
    inspection.installation_id = read_installation(&conn)?;
    Ok(inspection)
}
