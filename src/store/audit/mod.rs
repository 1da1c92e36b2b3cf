//! The append-only audit trail. Triggers refuse UPDATE and DELETE; each row
//! carries a hash over its fields and the previous row's hash, so a row
//! changed behind passdesk's back is detected by `verify_audit_chain`.

use super::{Error, Store};
use crate::domain::audit::{Activity, AuditRecord, GENESIS_HASH, pruned_hash};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

/// An audit row as stored.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// Row id.
    pub id: i64,
    /// The audited fields.
    pub record: AuditRecord,
}

/// The columns `row_of` reads, in its order.
const COLUMNS: &str = "id, at, actor, target, activity, result, event_id, detail, client_ip, correlation, \
                       method, directory, reason";

pub(super) fn append(tx: &rusqlite::Transaction<'_>, record: &AuditRecord) -> Result<(), Error> {
    let prev: Vec<u8> = tx
        .prepare_cached("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_vec());
    insert(tx, record, &prev, None)
}

/// Appends `record` chained to `prev` as row `id` (the next free id when
/// `None`): a prune that left no row keeps the chain and the ids going.
fn insert(tx: &rusqlite::Transaction<'_>, record: &AuditRecord, prev: &[u8], id: Option<i64>) -> Result<(), Error> {
    let hash = record.chain_hash(prev);
    tx.prepare_cached(
        "INSERT INTO audit (id, at, actor, target, activity, result, event_id, detail, client_ip, correlation,
                            method, directory, reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        id,
        record.at,
        record.actor,
        record.target,
        record.activity,
        record.result,
        record.event_id,
        record.detail,
        record.client_ip,
        record.correlation,
        record.method,
        record.directory,
        record.reason,
        prev,
        &hash[..]
    ])?;
    Ok(())
}

/// Which audit rows a page or an export wants; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// From this Unix second on.
    pub since: Option<i64>,
    /// Before this Unix second.
    pub until: Option<i64>,
    /// Rows about this login (the target), case-insensitive.
    pub target: Option<String>,
    /// Exactly this activity name (`Activity::name`); uses an index, so the
    /// admin page's activity picker sets this one.
    pub activity: Option<String>,
    /// Activity names containing this text, case-insensitive (the CLI's
    /// `--activity`); reads every row in range, so slower on a long trail.
    pub activity_contains: Option<String>,
    /// "success" or "failure".
    pub result: Option<String>,
    /// Exactly this method id ("email", "mobile_sms", "questions"…).
    pub method: Option<String>,
    /// Exactly this directory name.
    pub directory: Option<String>,
}

impl AuditFilter {
    /// The WHERE conditions (joined by AND, "1" when none) and their values,
    /// naming only the filters that are set, so SQLite picks the index that
    /// fits instead of one plan for every combination.
    fn conditions(&self) -> (String, Vec<Value>) {
        let mut sql = vec!["1".to_owned()];
        let mut values = Vec::new();
        let mut add = |cond: &str, value: Value| {
            values.push(value);
            sql.push(cond.replace('?', &format!("?{}", values.len())));
        };
        if let Some(v) = self.since {
            add("at >= ?", Value::Integer(v));
        }
        if let Some(v) = self.until {
            add("at < ?", Value::Integer(v));
        }
        if let Some(v) = &self.target {
            add("target = ? COLLATE NOCASE", Value::Text(v.clone()));
        }
        if let Some(v) = &self.activity {
            add("activity = ?", Value::Text(v.clone()));
        }
        if let Some(v) = &self.activity_contains {
            add("instr(lower(activity), lower(?)) > 0", Value::Text(v.clone()));
        }
        if let Some(v) = &self.method {
            add("method = ?", Value::Text(v.clone()));
        }
        if let Some(v) = &self.directory {
            add("directory = ?", Value::Text(v.clone()));
        }
        match self.result.as_deref() {
            // Written out, not bound, so SQLite sees that the partial index
            // of failures fits; only these two fixed words are ever inlined.
            Some("failure") => sql.push("result = 'failure'".to_owned()),
            Some("success") => sql.push("result = 'success'".to_owned()),
            Some(other) => {
                values.push(Value::Text(other.to_owned()));
                sql.push(format!("result = ?{}", values.len()));
            }
            None => {}
        }
        (sql.join(" AND "), values)
    }
}

/// Where a newest-first page of the admin audit page starts: just older
/// than this row (keyset paging, so page 100 costs what page 1 does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    /// The time of the last row shown.
    pub at: i64,
    /// The id of the last row shown.
    pub id: i64,
}

impl AuditCursor {
    /// The cursor that continues after `row`.
    pub fn after(row: &AuditRow) -> Self {
        Self { at: row.record.at, id: row.id }
    }
}

/// A count that stopped at a cap: the page shows "more than N" rather than
/// counting millions of rows on every view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCount {
    /// Rows counted (at most the cap).
    pub rows: u64,
    /// True when there are more rows than `rows`.
    pub more: bool,
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
            method: r.get(10)?,
            directory: r.get(11)?,
            reason: r.get(12)?,
        },
    })
}

impl Store {
    /// Up to `limit` rows after row `after_id` that pass `filter`, oldest
    /// first (chain order): an export pages through the trail with constant
    /// memory.
    pub async fn audit_page(&self, filter: AuditFilter, after_id: i64, limit: u32) -> Result<Vec<AuditRow>, Error> {
        self.run(move |conn| {
            let (cond, mut values) = filter.conditions();
            values.push(Value::Integer(after_id));
            let after = values.len();
            values.push(Value::Integer(i64::from(limit)));
            let sql =
                format!("SELECT {COLUMNS} FROM audit WHERE {cond} AND id > ?{after} ORDER BY id LIMIT ?{}", after + 1);
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(values), row_of)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Up to `limit` rows that pass `filter`, newest first, starting just
    /// older than `cursor` (the first page when `None`): the admin audit
    /// page. Ordered by time then id, which the time, user and activity
    /// indexes hold already, so no page sorts the trail.
    pub async fn audit_newest(
        &self,
        filter: AuditFilter,
        cursor: Option<AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditRow>, Error> {
        self.run(move |conn| {
            let (mut cond, mut values) = filter.conditions();
            if let Some(c) = cursor {
                values.push(Value::Integer(c.at));
                values.push(Value::Integer(c.id));
                let (a, i) = (values.len() - 1, values.len());
                // The first term is a range on every index that ends in
                // `at` (and the rowid); the second drops the shown rows of
                // the same second.
                cond.push_str(&format!(" AND at <= ?{a} AND (at < ?{a} OR id < ?{i})"));
            }
            values.push(Value::Integer(i64::from(limit)));
            let sql =
                format!("SELECT {COLUMNS} FROM audit WHERE {cond} ORDER BY at DESC, id DESC LIMIT ?{}", values.len());
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(values), row_of)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// How many rows pass `filter`, counting no further than `cap`: the
    /// total a page shows ("1,234 rows", or "more than 10,000").
    pub async fn audit_matching(&self, filter: AuditFilter, cap: u64) -> Result<AuditCount, Error> {
        self.run(move |conn| {
            let (cond, mut values) = filter.conditions();
            values.push(Value::Integer(i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX)));
            let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE {cond} LIMIT ?{})", values.len());
            let n: i64 = conn.prepare_cached(&sql)?.query_row(params_from_iter(values), |r| r.get(0))?;
            let n = n.max(0) as u64;
            Ok(AuditCount { rows: n.min(cap), more: n > cap })
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
            let sql = format!("SELECT {COLUMNS} FROM audit ORDER BY id DESC LIMIT ?1");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([limit], row_of)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Walks the whole chain; returns the id of the first row whose hash does
    /// not match, or `None` when the trail is intact. After a prune the
    /// first row chains to a deleted row: that is accepted only when a
    /// prune summary at or after it records that very hash.
    pub async fn verify_audit_chain(&self) -> Result<Option<i64>, Error> {
        self.run(|conn| verify_chain(conn)).await
    }
}

/// The chain check on any connection: the store's own, or a database file
/// a restore is about to put in place.
pub(super) fn verify_chain(conn: &rusqlite::Connection) -> Result<Option<i64>, Error> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS}, prev_hash, hash FROM audit ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut expected_prev: Option<Vec<u8>> = None;
    // The first row and the hash it chains to, until a summary vouches for it.
    let mut unvouched: Option<(i64, Vec<u8>)> = None;
    let pruned = Activity::AuditPruned.name();
    while let Some(r) = rows.next()? {
        let row = row_of(r)?;
        let prev: Vec<u8> = r.get(13)?;
        let hash: Vec<u8> = r.get(14)?;
        match &expected_prev {
            None if prev != GENESIS_HASH => unvouched = Some((row.id, prev.clone())),
            Some(expected) if *expected != prev => return Ok(Some(row.id)),
            _ => {}
        }
        if row.record.chain_hash(&prev).as_slice() != hash.as_slice() {
            return Ok(Some(row.id));
        }
        if row.record.activity == pruned
            && let Some((_, wanted)) = &unvouched
            && pruned_hash(&row.record.detail).as_ref() == Some(wanted)
        {
            unvouched = None;
        }
        expected_prev = Some(hash);
    }
    Ok(unvouched.map(|(id, _)| id))
}

mod prune;

#[cfg(test)]
mod tests;
