//! Schema management: a fresh database runs exactly `schema.sql`; an older
//! one runs `migrations/NNNN_*.sql` in order, one transaction each, after a
//! `VACUUM INTO` backup; a newer one is refused.

use super::Error;
use rusqlite::Connection;
use std::path::Path;

/// The whole current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Migrations from version N-1 to N, as (N, SQL), in order.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (2, include_str!("../../migrations/0002_registration.sql")),
    (3, include_str!("../../migrations/0003_expiry_reminders.sql")),
    (4, include_str!("../../migrations/0004_admin_portal.sql")),
    (5, include_str!("../../migrations/0005_reregistrations.sql")),
    (6, include_str!("../../migrations/0006_writeback_set_before.sql")),
];

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
        // A copy from an earlier attempt is kept: the next free name is used.
        let backup = (1..)
            .map(|n| {
                if n == 1 {
                    path.with_extension(format!("v{found}.bak"))
                } else {
                    path.with_extension(format!("v{found}-{n}.bak"))
                }
            })
            .find(|p| !p.exists())
            .unwrap_or_default();
        // The copy holds what the database holds: private like it.
        super::create_private_file(&backup)?;
        conn.execute("VACUUM INTO ?1", [backup.display().to_string()]).map_err(|e| Error::Migration {
            path: path.to_owned(),
            from: found,
            to: supported,
            reason: format!("the copy before the upgrade could not be written: {e}"),
            backup: backup.clone(),
        })?;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
            let failed = |e: rusqlite::Error| Error::Migration {
                path: path.to_owned(),
                from: found,
                to: *version,
                reason: e.to_string().lines().next().unwrap_or_default().trim_end_matches(" in").to_owned(),
                backup: backup.clone(),
            };
            let tx = conn.transaction()?;
            tx.execute_batch(sql).map_err(failed)?;
            tx.pragma_update(None, "user_version", version).map_err(failed)?;
            tx.commit().map_err(failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Every object's definition, comments and spacing folded away, so a
    /// rebuilt table compares equal to the one schema.sql creates.
    fn shape(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
        rows.map(|r| {
            let (name, sql) = r.unwrap();
            let text: String = sql
                .lines()
                .map(|l| l.split("--").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" ")
                .replace('"', "");
            (
                name,
                text.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace("( ", "(")
                    .replace(" )", ")")
                    .replace(" ,", ","),
            )
        })
        .collect()
    }

    #[test]
    fn the_baseline_and_every_migration_give_exactly_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        let mut old = Connection::open(&path).unwrap();
        old.execute_batch(include_str!("../../migrations/0001_baseline.sql")).unwrap();
        old.execute(
            "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source) VALUES ('d', 'a', 'mobile', '+31600000000', 5, 'import')",
            [],
        )
        .unwrap();
        migrate(&mut old, &path).unwrap();
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh, Path::new(":memory:")).unwrap();
        assert_eq!(shape(&old), shape(&fresh));
        let version = |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!((version(&old), version(&fresh)), (current_version(), current_version()));
        // The data came along, and a backup of version 1 was made first.
        let kept: (i64, String, String, i64, String, Option<i64>) = old
            .query_row("SELECT id, account_id, value, verified_at, source, last_step FROM enrolments", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .unwrap();
        assert_eq!(kept, (1, "a".to_owned(), "+31600000000".to_owned(), 5, "import".to_owned(), None));
        let backup = path.with_extension("v1.bak");
        assert!(backup.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
        }
        old.execute(
            "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source) VALUES ('d', 'b', 'passkey', '[]', 5, 'sync')",
            [],
        )
        .unwrap();
    }

    #[test]
    fn a_migration_that_fails_changes_nothing_and_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.sqlite");
        let mut odd = Connection::open(&path).unwrap();
        odd.execute_batch(include_str!("../../migrations/0001_baseline.sql")).unwrap();
        // A development build's table in the way of the migration.
        odd.execute_batch("CREATE TABLE reminders (x INTEGER)").unwrap();
        let err = migrate(&mut odd, &path).unwrap_err().to_string();
        assert!(
            err.contains("from schema version 1 to 2")
                && err.contains("v1.bak")
                && err.contains("move the data folder aside"),
            "{err}"
        );
        let version: i64 = odd.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, 1, "rolled back");
        // A second attempt keeps the first copy and makes another.
        let again = migrate(&mut odd, &path).unwrap_err().to_string();
        assert!(again.contains("v1-2.bak"), "{again}");
        let kinds: i64 =
            odd.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'sessions'", [], |r| r.get(0)).unwrap();
        assert_eq!(kinds, 0);
    }

    #[test]
    fn the_schema_ends_with_the_version_this_build_writes() {
        let last = SCHEMA.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert_eq!(last.trim(), format!("PRAGMA user_version = {};", current_version()));
    }
}
