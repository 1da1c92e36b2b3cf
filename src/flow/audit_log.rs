//! The audit log for the admin pages: filters typed by a person (checked,
//! with a message naming the field), newest-first pages, and an export
//! that pages through the trail so memory stays flat however long it is.

use super::{Error, Flows};
use crate::domain::Activity;
use crate::i18n::Msg;

pub use crate::store::{AuditFilter, AuditRow as AuditEntry};

/// Rows shown on one page of the log.
pub const PAGE_ROWS: u32 = 50;
/// The page counts matching rows up to this many ("more than 10,000").
pub const COUNT_CAP: u64 = 10_000;
/// Rows read at a time by an export.
pub const EXPORT_PAGE: u32 = 500;

/// The filters as typed (query string of the page, or the API).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
    /// From this day or time on.
    #[serde(default)]
    pub since: String,
    /// Before this day or time (a day means: up to the end of that day).
    #[serde(default)]
    pub until: String,
    /// Rows about this user ID.
    #[serde(default)]
    pub user: String,
    /// One activity type, by its exact name.
    #[serde(default)]
    pub activity: String,
    /// "success" or "failure".
    #[serde(default)]
    pub result: String,
}

/// One page of the log.
#[derive(Debug, Clone)]
pub struct AuditLogPage {
    /// Newest first.
    pub rows: Vec<AuditEntry>,
    /// Matching rows in all, up to [`COUNT_CAP`].
    pub matching: u64,
    /// `before` of the next (older) page, when there is one.
    pub older: Option<i64>,
}

impl AuditQuery {
    /// The filter these texts mean, or the first field that is wrong.
    pub fn filter(&self) -> Result<AuditFilter, Error> {
        let bad = |field: &'static str, why: String| Error::InvalidInput { field, message: Msg::admin(why) };
        let time = |field: &'static str, text: &str, end_of_day: bool| -> Result<Option<i64>, Error> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            let at = crate::clock::parse_time(text).map_err(|why| bad(field, why))?;
            let day_only = text.len() == 10;
            Ok(Some(if end_of_day && day_only { at + 86_400 } else { at }))
        };
        let since = time("since", &self.since, false)?;
        let until = time("until", &self.until, true)?;
        if let (Some(s), Some(u)) = (since, until)
            && u <= s
        {
            return Err(bad("until", format!("the end ({}) must come after the start ({})", self.until, self.since)));
        }
        let user = self.user.trim();
        if user.chars().count() > 256 || user.chars().any(char::is_control) {
            return Err(bad("user", "a user ID has at most 256 characters and no control characters".into()));
        }
        let activity = self.activity.trim();
        if !activity.is_empty() && !Activity::ALL.iter().any(|a| a.name() == activity) {
            return Err(bad("activity", format!("{activity:?} is not an activity type: choose one from the list")));
        }
        let result = match self.result.trim() {
            "" => None,
            r @ ("success" | "failure") => Some(r.to_owned()),
            other => return Err(bad("result", format!("{other:?} is not a result: use success or failure"))),
        };
        let some = |t: &str| (!t.is_empty()).then(|| t.to_owned());
        Ok(AuditFilter { since, until, target: some(user), activity: some(activity), result })
    }
}

impl Flows {
    /// One page of the audit log, newest first, older than row `before`.
    pub async fn audit_log(&self, filter: AuditFilter, before: Option<i64>) -> Result<AuditLogPage, Error> {
        let mut rows = self.store.audit_newest(filter.clone(), before, PAGE_ROWS + 1).await?;
        let older = (rows.len() > PAGE_ROWS as usize).then(|| {
            rows.truncate(PAGE_ROWS as usize);
            rows.last().map_or(0, |r| r.id)
        });
        let matching = self.store.audit_matching(filter, COUNT_CAP).await?;
        Ok(AuditLogPage { rows, matching, older })
    }

    /// Up to [`EXPORT_PAGE`] rows after row `after` that pass `filter`,
    /// oldest first: an export's next page.
    pub async fn audit_export_page(&self, filter: AuditFilter, after: i64) -> Result<Vec<AuditEntry>, Error> {
        Ok(self.store.audit_page(filter, after, EXPORT_PAGE).await?)
    }
}

/// The header row of a CSV export.
pub const CSV_HEADER: [&str; 10] =
    ["id", "time", "actor", "target", "activity", "result", "event_id", "detail", "client_ip", "request_id"];

/// One row as CSV fields, in [`CSV_HEADER`]'s order.
pub fn csv_fields(row: &AuditEntry) -> [String; 10] {
    let r = &row.record;
    [
        row.id.to_string(),
        crate::clock::rfc3339(r.at),
        r.actor.clone(),
        r.target.clone(),
        r.activity.clone(),
        r.result.clone(),
        r.event_id.map(|e| e.to_string()).unwrap_or_default(),
        r.detail.clone(),
        r.client_ip.clone().unwrap_or_default(),
        r.correlation.clone().unwrap_or_default(),
    ]
}

/// One row as a JSON object (one line of a JSON-lines export).
pub fn json_of(row: &AuditEntry) -> serde_json::Value {
    let r = &row.record;
    serde_json::json!({
        "id": row.id, "time": crate::clock::rfc3339(r.at), "actor": r.actor, "target": r.target,
        "activity": r.activity, "result": r.result, "event_id": r.event_id, "detail": r.detail,
        "client_ip": r.client_ip, "request_id": r.correlation,
    })
}
