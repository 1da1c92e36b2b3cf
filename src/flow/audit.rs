//! Reading the audit trail for administrators: filtered newest-first pages
//! with a capped total for the admin page, and the export rows (CSV fields,
//! JSON objects) that the page's download and `passdesk audit export` share.

use super::{Error, Flows};
use crate::clock::rfc3339;
use crate::store::{AuditCount, AuditCursor, AuditFilter, AuditRow};

/// The CSV header of an export, in the order of [`export_fields`].
pub const EXPORT_HEADER: [&str; 13] = [
    "id",
    "time",
    "actor",
    "target",
    "activity",
    "result",
    "event_id",
    "detail",
    "client_ip",
    "request_id",
    "method",
    "directory",
    "reason",
];

/// One row as CSV fields (empty where a value is absent).
pub fn export_fields(row: &AuditRow) -> [String; 13] {
    let r = &row.record;
    [
        row.id.to_string(),
        rfc3339(r.at),
        r.actor.clone(),
        r.target.clone(),
        r.activity.clone(),
        r.result.clone(),
        r.event_id.map(|e| e.to_string()).unwrap_or_default(),
        r.detail.clone(),
        r.client_ip.clone().unwrap_or_default(),
        r.correlation.clone().unwrap_or_default(),
        r.method.clone().unwrap_or_default(),
        r.directory.clone().unwrap_or_default(),
        r.reason.clone().unwrap_or_default(),
    ]
}

/// One row as a JSON object (null where a value is absent).
pub fn export_json(row: &AuditRow) -> serde_json::Value {
    let r = &row.record;
    serde_json::json!({
        "id": row.id, "time": rfc3339(r.at), "actor": r.actor, "target": r.target, "activity": r.activity,
        "result": r.result, "event_id": r.event_id, "detail": r.detail, "client_ip": r.client_ip,
        "request_id": r.correlation, "method": r.method, "directory": r.directory, "reason": r.reason,
    })
}

impl Flows {
    /// A newest-first page of the audit trail for the admin page: up to
    /// `limit` rows passing `filter`, just older than `cursor` (pass
    /// `AuditCursor::after(last row shown)` for the next page).
    pub async fn audit_newest(
        &self,
        filter: AuditFilter,
        cursor: Option<AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_newest(filter, cursor, limit).await?)
    }

    /// How many rows pass `filter`, counting no further than `cap` (the
    /// page says "more than `cap`" when `more` is set).
    pub async fn audit_matching(&self, filter: AuditFilter, cap: u64) -> Result<AuditCount, Error> {
        Ok(self.store.audit_matching(filter, cap).await?)
    }

    /// Oldest-first rows after row `after_id`, for a streaming export: call
    /// again with the last row's id until a page comes back short.
    pub async fn audit_export_page(
        &self,
        filter: AuditFilter,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<AuditRow>, Error> {
        Ok(self.store.audit_page(filter, after_id, limit).await?)
    }
}
