//! The audit log for the admin pages: filters typed by a person (checked,
//! with a message naming the field), newest-first pages, and an export
//! that pages through the trail so memory stays flat however long it is.

use super::{Error, Flows};
use crate::domain::{Activity, MethodKind};
use crate::i18n::Msg;

pub use crate::store::{AuditCount, AuditCursor, AuditFilter, AuditRow as AuditEntry};

/// Rows shown on one page of the log.
pub const PAGE_ROWS: u32 = 50;
/// The page counts matching rows up to this many ("more than 1000"): a
/// count over millions of rows on every view would be slow.
pub const COUNT_CAP: u64 = 1_000;
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
    /// One method id ("email", "mobile_sms", "questions"…).
    #[serde(default)]
    pub method: String,
    /// One directory, by its configured name.
    #[serde(default)]
    pub directory: String,
}

/// One page of the log.
#[derive(Debug, Clone)]
pub struct AuditLogPage {
    /// Newest first.
    pub rows: Vec<AuditEntry>,
    /// Matching rows in all, counted up to [`COUNT_CAP`].
    pub matching: AuditCount,
    /// `before` of the next (older) page, when there is one.
    pub older: Option<String>,
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
            // A day (no time of day) means the whole of that day.
            let day_only = !text.contains(['T', 't', ' ', ':']);
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
        let method = self.method.trim();
        if !method.is_empty() && MethodKind::from_id(method).is_none() {
            return Err(bad("method", format!("{method:?} is not a method: choose one from the list")));
        }
        let directory = self.directory.trim();
        if directory.chars().count() > 64 || directory.chars().any(char::is_control) {
            return Err(bad("directory", "a directory name has at most 64 characters".into()));
        }
        let some = |t: &str| (!t.is_empty()).then(|| t.to_owned());
        Ok(AuditFilter {
            since,
            until,
            target: some(user),
            activity: some(activity),
            result,
            method: some(method),
            directory: some(directory),
            ..AuditFilter::default()
        })
    }
}

/// The text of a page cursor (`before=`): the last row's time and id.
fn cursor_text(c: AuditCursor) -> String {
    format!("{}-{}", c.at, c.id)
}

fn parse_cursor(text: &str) -> Result<AuditCursor, Error> {
    let bad = || Error::InvalidInput {
        field: "before",
        message: Msg::admin(format!("before={text:?} is not a page of this log: follow the \"older\" link instead")),
    };
    let (at, id) = text.split_once('-').ok_or_else(bad)?;
    Ok(AuditCursor { at: at.parse().map_err(|_| bad())?, id: id.parse().map_err(|_| bad())? })
}

impl Flows {
    /// Records that `actor` exported the trail with `filter` as `format`:
    /// a bulk read of people's data is itself an audited action.
    pub async fn note_audit_export(
        &self,
        actor: &str,
        filter: &AuditFilter,
        format: &str,
        client: &super::Client,
    ) -> Result<(), Error> {
        let time = |t: Option<i64>| t.map(crate::clock::rfc3339);
        let parts: Vec<String> = [
            ("since", time(filter.since)),
            ("until", time(filter.until)),
            ("user", filter.target.clone()),
            ("activity", filter.activity.clone()),
            ("result", filter.result.clone()),
            ("method", filter.method.clone()),
            ("directory", filter.directory.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
        .collect();
        let what = if parts.is_empty() { "everything".to_owned() } else { parts.join(", ") };
        let detail = format!("exported as {format}: {what}");
        let outcome = crate::domain::AuditOutcome::Success;
        let mut audit = self.audit(Activity::AuditExported, outcome, "audit trail", detail, client);
        audit.actor = actor.to_owned();
        self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// One page of the audit log, newest first, after the page `before`
    /// (the `older` of the page before; none = the newest rows).
    pub async fn audit_log(&self, filter: AuditFilter, before: Option<&str>) -> Result<AuditLogPage, Error> {
        let cursor = before.map(str::trim).filter(|b| !b.is_empty()).map(parse_cursor).transpose()?;
        let mut rows = self.audit_newest(filter.clone(), cursor, PAGE_ROWS + 1).await?;
        let older = (rows.len() > PAGE_ROWS as usize).then(|| {
            rows.truncate(PAGE_ROWS as usize);
            rows.last().map(|r| cursor_text(AuditCursor::after(r))).unwrap_or_default()
        });
        let matching = self.audit_matching(filter, COUNT_CAP).await?;
        Ok(AuditLogPage { rows, matching, older })
    }
}
