//! The audit log as the admin page reads it: newest first, a page at a
//! time with keyset paging (`id < before`, so page 1000 costs what page 1
//! costs), and a count of the matching rows that stops at a cap so a
//! broad filter over millions of rows stays fast.

use super::audit::{AuditFilter, AuditRow, row_of};
use super::{Error, Store};
use rusqlite::params;

const WHERE: &str = "(?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2)
   AND (?3 IS NULL OR target = ?3 COLLATE NOCASE)
   AND (?4 IS NULL OR instr(lower(activity), lower(?4)) > 0)
   AND (?5 IS NULL OR result = ?5)";

impl Store {
    /// Up to `limit` rows that pass `filter` and are older than row
    /// `before` (all when `None`), newest first.
    pub async fn audit_newest(
        &self,
        filter: AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRow>, Error> {
        self.run(move |conn| {
            let sql = format!(
                "SELECT id, at, actor, target, activity, result, event_id, detail, client_ip, correlation
                 FROM audit WHERE {WHERE} AND (?6 IS NULL OR id < ?6) ORDER BY id DESC LIMIT ?7"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let f = &filter;
            let rows = stmt
                .query_map(params![f.since, f.until, f.target, f.activity, f.result, before, limit], row_of)?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// How many rows pass `filter`, counting no further than `cap`.
    pub async fn audit_matching(&self, filter: AuditFilter, cap: u64) -> Result<u64, Error> {
        self.run(move |conn| {
            let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE {WHERE} LIMIT ?6)");
            let f = &filter;
            let cap = i64::try_from(cap).unwrap_or(i64::MAX);
            let n: i64 = conn
                .prepare_cached(&sql)?
                .query_row(params![f.since, f.until, f.target, f.activity, f.result, cap], |r| r.get(0))?;
            Ok(n.max(0) as u64)
        })
        .await
    }
}
