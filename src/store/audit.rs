//! The append-only audit trail. Triggers refuse UPDATE and DELETE; each row
//! carries a hash over its fields and the previous row's hash, so a row
//! changed behind passdesk's back is detected by `verify_audit_chain`.

use super::{Error, Store};
use crate::domain::audit::{AuditRecord, GENESIS_HASH};
use rusqlite::{OptionalExtension, params};

/// An audit row as stored.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// Row id.
    pub id: i64,
    /// The audited fields.
    pub record: AuditRecord,
}

pub(super) fn append(tx: &rusqlite::Transaction<'_>, record: &AuditRecord) -> Result<(), Error> {
    let prev: Vec<u8> = tx
        .prepare_cached("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_vec());
    let hash = record.chain_hash(&prev);
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, target, activity, result, event_id, detail, client_ip, correlation, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        record.at,
        record.actor,
        record.target,
        record.activity,
        record.result,
        record.event_id,
        record.detail,
        record.client_ip,
        record.correlation,
        prev,
        &hash[..]
    ])?;
    Ok(())
}

/// Which audit rows an export wants; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// From this Unix second on.
    pub since: Option<i64>,
    /// Before this Unix second.
    pub until: Option<i64>,
    /// Rows about this login (the target), case-insensitive.
    pub target: Option<String>,
    /// Activity names containing this text, case-insensitive.
    pub activity: Option<String>,
    /// "success" or "failure".
    pub result: Option<String>,
}

pub(super) fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        record: AuditRecord {
            at: r.get(1)?,
            actor: r.get(2)?,
            target: r.get(3)?,
            activity: r.get(4)?,
            result: r.get(5)?,
            event_id: r.get(6)?,
            detail: r.get(7)?,
            client_ip: r.get(8)?,
            correlation: r.get(9)?,
        },
    })
}

impl Store {
    /// Up to `limit` rows after row `after_id` that pass `filter`, oldest
    /// first: an export pages through the trail with constant memory.
    pub async fn audit_page(&self, filter: AuditFilter, after_id: i64, limit: u32) -> Result<Vec<AuditRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, actor, target, activity, result, event_id, detail, client_ip, correlation
                 FROM audit
                 WHERE id > ?1
                   AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
                   AND (?4 IS NULL OR target = ?4 COLLATE NOCASE)
                   AND (?5 IS NULL OR instr(lower(activity), lower(?5)) > 0)
                   AND (?6 IS NULL OR result = ?6)
                 ORDER BY id LIMIT ?7",
            )?;
            let rows = stmt
                .query_map(
                    params![after_id, filter.since, filter.until, filter.target, filter.activity, filter.result, limit],
                    row_of,
                )?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// How many audit rows there are.
    pub async fn audit_count(&self) -> Result<u64, Error> {
        self.run(|conn| Ok(conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get::<_, i64>(0))?.max(0) as u64))
            .await
    }

    /// The newest `limit` audit rows, newest first.
    pub async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, actor, target, activity, result, event_id, detail, client_ip, correlation
                 FROM audit ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], row_of)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Walks the whole chain; returns the id of the first row whose hash does
    /// not match, or `None` when the trail is intact.
    pub async fn verify_audit_chain(&self) -> Result<Option<i64>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, at, actor, target, activity, result, event_id, detail, client_ip, correlation, prev_hash, hash
                 FROM audit ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            let mut expected_prev = GENESIS_HASH.to_vec();
            while let Some(r) = rows.next()? {
                let row = row_of(r)?;
                let prev: Vec<u8> = r.get(10)?;
                let hash: Vec<u8> = r.get(11)?;
                if prev != expected_prev || row.record.chain_hash(&prev).as_slice() != hash.as_slice() {
                    return Ok(Some(row.id));
                }
                expected_prev = hash;
            }
            Ok(None)
        })
        .await
    }
}
