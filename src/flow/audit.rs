//! Reading the audit trail for administrators: filtered newest-first pages
//! with a capped total for the admin page, and the export rows (CSV fields,
//! JSON objects) that the page's download and `passdesk audit export` share.

use super::{Client, Error, Flows};
use crate::clock::rfc3339;
use crate::domain::audit::{AuditRecord, PrunedRange, RETENTION_DAYS};
use crate::domain::{Activity, AuditOutcome};
use crate::i18n::Msg;
use crate::store::{AuditCount, AuditCursor, AuditFilter, AuditRow, Effects};

/// Who the prune's summary row names as its actor.
const PRUNER: &str = "audit-retention";

/// Reads a retention as an administrator types it: a number of days, or
/// "forever" (also "none", "off") to keep the trail for ever.
pub fn parse_retention(text: &str) -> Result<Option<u32>, Error> {
    let text = text.trim();
    if ["forever", "none", "off"].iter().any(|w| text.eq_ignore_ascii_case(w)) {
        return Ok(None);
    }
    let days: u32 = text.parse().map_err(|_| retention_refused(text))?;
    Ok(Some(days))
}

fn retention_refused(value: &str) -> Error {
    Error::InvalidInput {
        field: "audit_retention_days",
        message: Msg::admin(format!(
            "{value:?} is not a retention: give a number of days from {} to {} (for example 365), or \"forever\" \
             to keep the audit trail for ever",
            RETENTION_DAYS.start(),
            RETENTION_DAYS.end()
        )),
    }
}

fn retention_text(days: Option<u32>) -> String {
    days.map_or_else(|| "forever".to_owned(), |d| format!("{d} days"))
}

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

    /// Days the audit trail is kept; `None` = forever (the default).
    pub async fn audit_retention(&self) -> Result<Option<u32>, Error> {
        Ok(self.store.audit_retention().await?)
    }

    /// Sets how long the audit trail is kept (`None` = forever), audited as
    /// a policy change with the old and new values. Outside 30..=3650 days
    /// it is refused with the allowed range and nothing changes.
    pub async fn set_audit_retention(&self, days: Option<u32>, actor: &str, client: &Client) -> Result<(), Error> {
        if let Some(d) = days
            && !RETENTION_DAYS.contains(&d)
        {
            return Err(retention_refused(&d.to_string()));
        }
        let old = self.store.audit_retention().await?;
        if old == days {
            return Ok(());
        }
        let detail = format!("audit_retention_days: {} -> {}", retention_text(old), retention_text(days));
        let mut audit = self.audit(Activity::PolicyChange, AuditOutcome::Success, "audit retention", detail, client);
        audit.actor = actor.to_owned();
        self.store.save_audit_retention(days, self.clock.now(), Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// Deletes the audit rows older than the retention, leaving one summary
    /// row at the end of the chain that says what went and carries the last
    /// deleted row's hash (so `audit verify` still proves the rest). `None`
    /// when the trail is kept for ever or nothing is that old.
    pub async fn prune_audit(&self) -> Result<Option<PrunedRange>, Error> {
        let Some(days) = self.store.audit_retention().await? else { return Ok(None) };
        let now = self.clock.now();
        let before = now - i64::from(days) * 86_400;
        let summary = move |range: &PrunedRange| AuditRecord {
            at: now,
            actor: PRUNER.to_owned(),
            target: "audit trail".to_owned(),
            activity: Activity::AuditPruned.name().to_owned(),
            result: AuditOutcome::Success.as_str().to_owned(),
            detail: range.detail(days, &rfc3339(range.first_at), &rfc3339(range.last_at)),
            ..AuditRecord::default()
        };
        let pruned = self.store.prune_audit(before, summary).await?;
        if let Some(range) = &pruned {
            self.metrics.outcome(Activity::AuditPruned.name(), AuditOutcome::Success.as_str(), "");
            tracing::info!(rows = range.rows, first_id = range.first_id, last_id = range.last_id, "audit rows pruned");
        }
        Ok(pruned)
    }
}
