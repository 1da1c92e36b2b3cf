//! What the insights dashboard counts: audit rows grouped by time bucket,
//! proofs and failures grouped for the method and reason charts,
//! registered data by kind, live blocks, and the last coverage count
//! (kept in `settings`, since counting a large directory takes a while).

use super::{Effects, Error, Store};
use rusqlite::{OptionalExtension, params};

/// Audit rows of one activity, event and result in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCount {
    /// Bucket number from the start of the period.
    pub bucket: i64,
    /// Activity type name.
    pub activity: String,
    /// Writeback event id, if any.
    pub event_id: Option<i64>,
    /// "success" or "failure".
    pub result: String,
    /// Rows.
    pub count: u64,
}

/// Audit rows grouped by method, reason (or detail) and result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// Activity type name.
    pub activity: String,
    /// The method column.
    pub method: Option<String>,
    /// The reason column.
    pub reason: Option<String>,
    /// The detail, for rows written before reasons had a column.
    pub detail: String,
    /// "success" or "failure".
    pub result: String,
    /// Rows.
    pub count: u64,
}

const COVERAGE: &str = "insights_coverage";

impl Store {
    /// Rows of `activities` in `[from, to)`, counted per bucket of `size` seconds.
    pub async fn audit_buckets(
        &self,
        from: i64,
        to: i64,
        size: i64,
        activities: Vec<String>,
    ) -> Result<Vec<BucketCount>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT (at - ?1) / ?3, activity, event_id, result, COUNT(*) FROM audit
                 WHERE at >= ?1 AND at < ?2 AND activity IN (SELECT value FROM json_each(?4))
                 GROUP BY 1, 2, 3, 4",
            )?;
            let list = serde_json::Value::from(activities).to_string();
            let rows = stmt
                .query_map(params![from, to, size.max(1), list], |r| {
                    Ok(BucketCount {
                        bucket: r.get(0)?,
                        activity: r.get(1)?,
                        event_id: r.get(2)?,
                        result: r.get(3)?,
                        count: r.get::<_, i64>(4)?.max(0) as u64,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Rows of `activities` in `[from, to)` grouped by method, reason,
    /// detail and result (at most `limit` groups, the largest first).
    pub async fn audit_groups(
        &self,
        from: i64,
        to: i64,
        activities: Vec<String>,
        limit: u32,
    ) -> Result<Vec<GroupCount>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT activity, method, reason, CASE WHEN reason IS NULL THEN detail ELSE '' END AS d, result, COUNT(*)
                 FROM audit WHERE at >= ?1 AND at < ?2 AND activity IN (SELECT value FROM json_each(?3))
                 GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC LIMIT ?4",
            )?;
            let list = serde_json::Value::from(activities).to_string();
            let rows = stmt
                .query_map(params![from, to, list, limit], |r| {
                    Ok(GroupCount {
                        activity: r.get(0)?,
                        method: r.get(1)?,
                        reason: r.get(2)?,
                        detail: r.get(3)?,
                        result: r.get(4)?,
                        count: r.get::<_, i64>(5)?.max(0) as u64,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Registered or imported data by kind and source: (kind, source, people).
    pub async fn enrolment_counts(&self) -> Result<Vec<(String, String, u64)>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT kind, source, COUNT(*) FROM enrolments GROUP BY kind, source ORDER BY kind, source",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Blocks in force at `now`: (key, until, reason), the longest first.
    pub async fn live_blocks(&self, now: i64) -> Result<Vec<(String, i64, String)>, Error> {
        self.run(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT key, until, reason FROM blocks WHERE until > ?1 ORDER BY until DESC")?;
            let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// The last coverage count, as the flow wrote it (JSON).
    pub async fn coverage_snapshot(&self) -> Result<Option<(String, i64)>, Error> {
        self.run(|conn| {
            Ok(conn
                .prepare_cached("SELECT value, updated_at FROM settings WHERE key = ?1")?
                .query_row([COVERAGE], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })
        .await
    }

    /// Keeps a new coverage count.
    pub async fn save_coverage_snapshot(&self, json: String, now: i64) -> Result<(), Error> {
        self.save_setting(COVERAGE, json, now, Effects::default()).await
    }
}
