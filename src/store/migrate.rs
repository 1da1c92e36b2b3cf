//! Schema management: a fresh database runs exactly `schema.sql`; an older
//! one runs `migrations/NNNN_*.sql` in order, one transaction each, after a
//! `VACUUM INTO` backup; a newer one is refused.

use super::Error;
use rusqlite::Connection;
use std::path::Path;

/// The whole current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Migrations from version N-1 to N, as (N, SQL). Empty until the first
/// schema change after release.
pub const MIGRATIONS: &[(i64, &str)] = &[];

/// Schema version this build writes (the `user_version` at the end of schema.sql).
pub fn current_version() -> i64 {
    MIGRATIONS.last().map_or(1, |(v, _)| *v).max(1)
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), Error> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = current_version();
    if found > supported {
        return Err(Error::TooNew { path: path.to_owned(), found, supported });
    }
    if found == 0 {
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.commit()?;
        return Ok(());
    }
    if found < supported {
        let backup = path.with_extension(format!("v{found}.bak"));
        conn.execute("VACUUM INTO ?1", [backup.display().to_string()])?;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
    }
    Ok(())
}
