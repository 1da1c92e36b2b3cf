//! Audit retention: the setting, and the prune that deletes the oldest rows
//! in one transaction and appends a summary row that carries the last
//! deleted row's hash. Deleting needs the append-only trigger out of the
//! way: it is dropped and recreated inside the same transaction, so no
//! other change ever runs without it and a failed prune leaves it in place.

use super::{append, insert};
use crate::domain::audit::{AuditRecord, PrunedRange};
use crate::store::{Effects, Error, Store};
use rusqlite::OptionalExtension;

/// The `settings` key of the retention, in days; absent = keep forever.
const RETENTION: &str = "audit_retention_days";

/// The trigger exactly as schema.sql creates it.
const NO_DELETE: &str = "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;";

impl Store {
    /// Days the audit trail is kept; `None` = forever (the default).
    pub async fn audit_retention(&self) -> Result<Option<u32>, Error> {
        self.run(|conn| {
            let stored: Option<String> = conn
                .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                .query_row([RETENTION], |r| r.get(0))
                .optional()?;
            // Only this code writes the key; anything unreadable keeps the
            // trail (forever) rather than deleting on a guess.
            Ok(stored.and_then(|s| s.parse().ok()))
        })
        .await
    }

    /// Sets (or with `None` removes) the retention, with its audit rows.
    pub async fn save_audit_retention(&self, days: Option<u32>, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            match days {
                Some(days) => crate::store::settings::put_setting(tx, RETENTION, &days.to_string(), now)?,
                None => {
                    tx.prepare_cached("DELETE FROM settings WHERE key = ?1")?.execute([RETENTION])?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Deletes the rows at the start of the chain written before `before`
    /// (up to the first row that is not), and appends the row `summary`
    /// makes of what was deleted, all in one transaction. `None` when no row
    /// is that old.
    pub async fn prune_audit<F>(&self, before: i64, summary: F) -> Result<Option<PrunedRange>, Error>
    where
        F: FnOnce(&PrunedRange) -> AuditRecord + Send + 'static,
    {
        self.change(move |tx| {
            // A contiguous start of the chain, so the first remaining row
            // chains to the last deleted one.
            let keep_from: Option<i64> =
                tx.query_row("SELECT MIN(id) FROM audit WHERE at >= ?1", [before], |r| r.get(0))?;
            let last_id: Option<i64> = match keep_from {
                Some(id) => tx.query_row("SELECT MAX(id) FROM audit WHERE id < ?1", [id], |r| r.get(0))?,
                None => tx.query_row("SELECT MAX(id) FROM audit", [], |r| r.get(0))?,
            };
            let Some(last_id) = last_id else { return Ok(None) };
            let (rows, first_id, first_at): (i64, i64, i64) = tx.query_row(
                "SELECT COUNT(*), MIN(id), (SELECT at FROM audit ORDER BY id LIMIT 1) FROM audit WHERE id <= ?1",
                [last_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let (last_at, last_hash): (i64, Vec<u8>) =
                tx.query_row("SELECT at, hash FROM audit WHERE id = ?1", [last_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let range = PrunedRange {
                rows: rows.max(0) as u64,
                first_id,
                last_id,
                first_at,
                last_at,
                last_hash: last_hash.clone(),
            };
            tx.execute_batch("DROP TRIGGER audit_no_delete")?;
            tx.execute("DELETE FROM audit WHERE id <= ?1", [last_id])?;
            tx.execute_batch(NO_DELETE)?;
            // The summary chains to the newest row; when every row was old
            // there is none left, so it chains to the last deleted one.
            let newest: Option<Vec<u8>> =
                tx.query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).optional()?;
            let record = summary(&range);
            match newest {
                Some(_) => append(tx, &record)?,
                None => insert(tx, &record, &last_hash, Some(last_id + 1))?,
            }
            Ok(Some(range))
        })
        .await
    }
}
