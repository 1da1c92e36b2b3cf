//! The SQLite store: one database file (0600) in WAL mode with
//! `synchronous=FULL`. Reads go through an r2d2 pool on the blocking pool;
//! every state change goes to the single writer (`writer.rs`), which commits
//! the changes that queue up together. Each change lands whole, together
//! with the audit rows and outbox messages it causes.

mod admin_sessions;
mod audit;
mod defence;
mod enrolments;
mod expiry_reminders;
mod flows;
mod insights;
mod links;
mod lock;
mod memory;
mod migrate;
mod outbox;
mod owner;
mod reminders;
mod reports;
mod reregistrations;
mod sealed;
mod sessions;
mod settings;
mod snapshot;
mod stats;
mod sync;
mod writebacks;
mod writer;

pub use admin_sessions::{AdminSessionRow, AdminTokenRow, NewAdminSession};
pub use audit::{AuditCount, AuditCursor, AuditFilter, AuditRow};
pub use defence::Counts;
pub use enrolments::{EnrolmentRow, ImportCounts, ImportEntry, ImportPerson};
pub use expiry_reminders::ExpiryReminder;
pub use flows::{
    CodeRow, FinishedWrite, FlowKind, FlowRow, FlowState, Issued, LinkedAccount, NewCode, NewFlow, SendCount,
};
pub use insights::{BucketCount, GroupCount};
pub use links::{NewResetLink, UsedResetLink};
pub use lock::DataLock;
pub use memory::sqlite_memory;
pub use outbox::{OutboxRow, OutboxState};
pub use owner::refuse_root_in_foreign_dir;
pub use reports::{NewReport, ReportRow};
pub use reregistrations::Reregistration;
pub use sealed::{SealedPlace, SealedValue};
pub use sessions::{Pending, Proven, SessionRow};
pub use snapshot::{Inspection, inspect, installation_of};
pub use stats::{DatabaseStats, DeadLetter};
pub use sync::SyncWrite;
pub use writebacks::{OpenWriteback, WritebackAccount, WritebackKind, WritebackOutcome};

use crate::config::StoreConfig;
use crate::domain::Message;
use crate::domain::audit::AuditRecord;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// A pool of connections to the passdesk database.
pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database was written by a newer passdesk.
    #[error(
        "the database {path} has schema version {found}, but this passdesk knows only up to {supported}: \
         run the newer passdesk again, or restore a backup made by this version"
    )]
    TooNew {
        /// Database file.
        path: PathBuf,
        /// Version found.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A migration failed; it was rolled back and a copy made before it
    /// is kept.
    #[error(
        "cannot upgrade the database {path} from schema version {from} to {to}: {reason}. Nothing was changed, \
         and a copy from before the upgrade is at {backup}. A database made by a development build of passdesk \
         may not upgrade: move the data folder aside and start again, or restore a backup"
    )]
    Migration {
        /// Database file.
        path: PathBuf,
        /// Version found.
        from: i64,
        /// Version the failed migration leads to.
        to: i64,
        /// SQLite's reason.
        reason: String,
        /// The copy made before migrating.
        backup: PathBuf,
    },
    /// The data folder or database file could not be created or opened.
    #[error("cannot prepare {path}: {reason}")]
    Open {
        /// The path concerned.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// Root was about to write into the data folder of the service's own
    /// account; the files it made would lock the service out.
    #[error(
        "the data folder {path} belongs to the user {owner}, but this passdesk runs as root: files it made \
         there would be unreadable by the service. Run the command as that user instead, e.g. \
         `sudo -u {owner} passdesk ...` (or `runuser -u {owner} -- passdesk ...`)"
    )]
    ForeignOwner {
        /// The data folder.
        path: PathBuf,
        /// Its owner's name (or uid when it has none).
        owner: String,
    },
    /// The data folder is held by another passdesk.
    #[error("cannot use the data folder {path}: {reason}")]
    Locked {
        /// The data folder.
        path: PathBuf,
        /// Who holds it and what to do.
        reason: String,
    },
    /// SQLite refused an operation.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// No connection could be had.
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// A blocking task died.
    #[error("a database task stopped unexpectedly")]
    Task,
    /// The group of changes this one was committed with could not be
    /// written; nothing of it was kept.
    #[error("the database could not commit the change: {0}")]
    NotCommitted(String),
    /// The disk holding the database is full: the change was not kept.
    /// Named apart so people get a "try later" rather than "our fault",
    /// and the admin a log line that says what to do.
    #[error(
        "the disk holding the database is full, so the change was not kept: free space on it \
         (passdesk goes on by itself once there is room)"
    )]
    DiskFull,
}

impl Error {
    /// Whether SQLite said the disk is full (SQLITE_FULL), however the
    /// error reached us.
    pub fn is_disk_full(&self) -> bool {
        match self {
            Self::DiskFull => true,
            Self::Sqlite(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
            _ => false,
        }
    }
}

/// Side effects that commit together with a state change: audit rows,
/// outbox messages and the "this wasn't me" links those messages carry are
/// never written without it, nor it without them (and one commit is one
/// fsync, not four).
#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// Audit rows to append, in order.
    pub audit: Vec<AuditRecord>,
    /// Messages to queue.
    pub messages: Vec<Message>,
    /// Report links the messages carry.
    pub reports: Vec<NewReport>,
}

impl Effects {
    /// Only audit rows.
    pub fn audited(audit: Vec<AuditRecord>) -> Self {
        Self { audit, ..Self::default() }
    }

    /// Audit rows and messages.
    pub fn with(audit: Vec<AuditRecord>, messages: Vec<Message>) -> Self {
        Self { audit, messages, ..Self::default() }
    }
}

/// The passdesk database.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    writer: writer::Writer,
    path: PathBuf,
    /// The data folder's shared lock, while the store lives (none for a
    /// file opened directly).
    _lock: Option<DataLock>,
}

impl Store {
    /// Opens (creating if needed) the database in the configured data folder,
    /// applies the schema or refuses a newer one.
    pub fn open(config: &StoreConfig) -> Result<Self, Error> {
        owner::refuse_root_in_foreign_dir(&config.data_dir)?;
        create_private_dir(&config.data_dir)?;
        let lock = DataLock::shared(&config.data_dir)?;
        let mut store = Self::open_file(&config.database_path())?;
        store._lock = Some(lock);
        Ok(store)
    }

    /// Opens a database file directly (tests, backup tools).
    pub fn open_file(path: &Path) -> Result<Self, Error> {
        create_private_file(path)?;
        let manager = SqliteConnectionManager::file(path).with_init(|conn| prepare_connection(conn));
        let pool = r2d2::Pool::builder().max_size(8).build(manager)?;
        let mut conn = pool.get()?;
        migrate::migrate(&mut conn, path)?;
        snapshot::ensure_installation_id(&conn)?;
        let writer_conn = Connection::open(path)?;
        prepare_connection(&writer_conn)?;
        let writer = writer::Writer::start(writer_conn)?;
        Ok(Self { pool, writer, path: path.to_owned(), _lock: None })
    }

    /// The pool, for the local directory (which keeps its users in this
    /// database but is not part of the store).
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), Error> {
        self.run(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?)).await
    }

    /// Runs `work` with `effects` as one change on the writer: the state
    /// change and what it causes land together or not at all.
    async fn write<T, F>(&self, now: i64, effects: Effects, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error> + Send + 'static,
    {
        self.change(move |tx| {
            let out = work(tx)?;
            apply_effects(tx, &effects, now)?;
            Ok(out)
        })
        .await
    }

    /// Runs `work` as one change on the writer, durable when this returns.
    async fn change<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error> + Send + 'static,
    {
        crate::timing::measure(crate::timing::Part::Store, self.writer.write(work)).await
    }

    /// Runs blocking reads on the blocking pool (WAL: they never wait for
    /// the writer).
    async fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        });
        crate::timing::measure(crate::timing::Part::Store, task).await.map_err(|_| Error::Task)?
    }
}

/// Writes the effects inside the caller's transaction.
fn apply_effects(tx: &rusqlite::Transaction<'_>, effects: &Effects, now: i64) -> Result<(), Error> {
    for record in &effects.audit {
        audit::append(tx, record)?;
    }
    for message in &effects.messages {
        outbox::enqueue(tx, message, now)?;
    }
    for report in &effects.reports {
        reports::insert(tx, report, now)?;
    }
    Ok(())
}

/// The settings every connection gets, the writer's and the pool's.
fn prepare_connection(conn: &Connection) -> Result<(), rusqlite::Error> {
    // Every statement of the store is prepared once per connection.
    conn.set_prepared_statement_cache_capacity(128);
    // busy_timeout first: the journal_mode pragma may itself need a lock
    // while another process (e.g. `passdesk outbox`) reads.
    conn.execute_batch(
        "PRAGMA busy_timeout = 5000;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
}

/// Creates a private folder (mode 0700; on Windows a protected DACL):
/// the data folder, and the scratch folders of backup and restore.
pub fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Open { path: dir.to_owned(), reason: e.to_string() };
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(fail)?;
    // Windows has no mode: the folder gets a protected DACL (SYSTEM,
    // Administrators, the service account, the owner) before any file is
    // written in it, so the key and database inherit it.
    #[cfg(windows)]
    crate::win32::protect_folder(dir, crate::config::windows_paths::DATA_DIR_SDDL).map_err(fail)?;
    Ok(())
}

/// Creates the file with mode 0600 before SQLite opens it, so it is never
/// readable by others, not even for a moment.
pub fn create_private_file(path: &Path) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|e| Error::Open { path: path.to_owned(), reason: e.to_string() })
}

#[cfg(test)]
mod tests;
