//! What a support person needs to know about the database without seeing
//! its content: row counts, size, free pages, journal mode, integrity and
//! schema version, and the dead-lettered messages without their bodies
//! (a body holds codes and reset links in clear, so it never leaves here).

use super::{Error, Store};
use rusqlite::Connection;

/// Counts and pragmas of the database, no row content.
#[derive(Debug, Clone)]
pub struct DatabaseStats {
    /// Each table and its row count, in name order.
    pub tables: Vec<(String, u64)>,
    /// `PRAGMA page_count`.
    pub page_count: i64,
    /// `PRAGMA page_size`, in bytes.
    pub page_size: i64,
    /// `PRAGMA freelist_count`: pages a VACUUM would give back.
    pub freelist_count: i64,
    /// `PRAGMA journal_mode` ("wal" when all is well).
    pub journal_mode: String,
    /// `PRAGMA integrity_check`, joined ("ok" when all is well).
    pub integrity: String,
    /// `PRAGMA user_version`: the schema version.
    pub schema_version: i64,
    /// The newest schema this passdesk knows.
    pub supported_version: i64,
    /// The installation id the database carries, if any.
    pub installation_id: Option<String>,
}

/// A message given up after its last attempt, without subject or body.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// Row id.
    pub id: i64,
    /// "email", "sms" or "voice".
    pub channel: String,
    /// The destination in clear; the caller masks it before showing it.
    pub recipient: String,
    /// Delivery attempts made.
    pub attempts: u32,
    /// The transport's last error.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: i64,
    /// When it was given up.
    pub done_at: Option<i64>,
}

impl Store {
    /// Counts and pragmas of the whole database (reads only).
    pub async fn statistics(&self) -> Result<DatabaseStats, Error> {
        self.run(|conn| stats_of(conn)).await
    }

    /// The newest `limit` dead letters, newest first, without bodies.
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, channel, recipient, attempts, last_error, created_at, done_at FROM outbox
                 WHERE state = 'dead' ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt
                .query_map([limit], |r| {
                    Ok(DeadLetter {
                        id: r.get(0)?,
                        channel: r.get(1)?,
                        recipient: r.get(2)?,
                        attempts: r.get(3)?,
                        last_error: r.get(4)?,
                        created_at: r.get(5)?,
                        done_at: r.get(6)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }
}

fn stats_of(conn: &Connection) -> Result<DatabaseStats, Error> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        // The name comes from sqlite_schema, quoted as an identifier.
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
        let count: i64 = conn.query_row(&sql, [], |r| r.get(0))?;
        tables.push((name, count.max(0) as u64));
    }
    let pragma_i64 = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(DatabaseStats {
        tables,
        page_count: pragma_i64("page_count")?,
        page_size: pragma_i64("page_size")?,
        freelist_count: pragma_i64("freelist_count")?,
        journal_mode: conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
        integrity: integrity.join("; "),
        schema_version: pragma_i64("user_version")?,
        supported_version: super::migrate::current_version(),
        installation_id: super::snapshot::read_installation(conn)?,
    })
}
