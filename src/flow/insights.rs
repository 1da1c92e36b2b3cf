//! The insights dashboard's numbers: who is covered (in scope, registered,
//! able to reset), what people registered, resets, unlocks and changes
//! over time, which methods proved them, why they failed, and who is
//! blocked now. Each is a small table the pages draw as a chart and offer
//! as CSV.

use super::{Error, Flows};
use crate::domain::Activity;
use crate::domain::policy::Enabled;
use crate::i18n::Msg;

/// The period the dashboard covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The last 24 hours, by hour.
    Day,
    /// The last 7 days, by day.
    Week,
    /// The last 30 days, by day.
    Month,
}

impl Period {
    /// Every period, for the picker.
    pub const ALL: [Period; 3] = [Self::Day, Self::Week, Self::Month];

    /// Parses `24h`, `7d` or `30d` (empty = 7d).
    pub fn parse(text: &str) -> Result<Self, Error> {
        match text.trim() {
            "24h" => Ok(Self::Day),
            "" | "7d" => Ok(Self::Week),
            "30d" => Ok(Self::Month),
            other => Err(Error::InvalidInput {
                field: "period",
                message: Msg::admin(format!("{other:?} is not a period: use 24h, 7d or 30d")),
            }),
        }
    }

    /// The query-string value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    /// What the picker says.
    pub fn label(self) -> &'static str {
        match self {
            Self::Day => "Last 24 hours",
            Self::Week => "Last 7 days",
            Self::Month => "Last 30 days",
        }
    }

    /// Seconds per bar and how many bars.
    pub fn buckets(self) -> (i64, i64) {
        match self {
            Self::Day => (3_600, 24),
            Self::Week => (86_400, 7),
            Self::Month => (86_400, 30),
        }
    }
}

/// How much of the organisation can use self-service.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    /// Enabled, unprotected accounts in the directories' scopes.
    pub in_scope: u64,
    /// Of those, people who registered at least one method themselves.
    pub registered: u64,
    /// Of those in scope, people enabled by the policy whose methods (any
    /// source) meet it: they could reset now.
    pub capable: u64,
    /// Directories that could not be counted, with the reason.
    pub skipped: Vec<String>,
    /// When it was counted.
    pub counted_at: i64,
}

/// One bar of the activity chart: a time bucket's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Start of the bucket (Unix seconds).
    pub start: i64,
    /// Passwords reset by self-service.
    pub resets: u64,
    /// Reset writebacks that failed.
    pub resets_failed: u64,
    /// Accounts unlocked.
    pub unlocks: u64,
    /// Passwords changed.
    pub changes: u64,
    /// Accounts blocked from self-service.
    pub blocks: u64,
}

/// A count with a name (method, reason, kind…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// What is counted.
    pub name: String,
    /// Successes (or the count, when there is only one).
    pub ok: u64,
    /// Failures.
    pub failed: u64,
}

/// A block in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedNow {
    /// What is blocked: a directory account ("directory:id"), an unknown
    /// user ID's digest, or the admin sign-in of either.
    pub key: String,
    /// Until when.
    pub until: i64,
    /// Why.
    pub reason: String,
}

/// Everything the dashboard shows for one period.
#[derive(Debug, Clone)]
pub struct Insights {
    /// The period.
    pub period: Period,
    /// Its start (Unix seconds).
    pub from: i64,
    /// Its end.
    pub to: i64,
    /// The last coverage count (`None` before the first).
    pub coverage: Option<Coverage>,
    /// People with registered or imported data, by kind and source.
    pub registrations: Vec<Named>,
    /// Resets, unlocks and changes per bucket.
    pub activity: Vec<Bucket>,
    /// Proofs by method: passed and failed.
    pub methods: Vec<Named>,
    /// Why flows failed, most frequent first.
    pub failures: Vec<Named>,
    /// Blocks in force now.
    pub blocked: Vec<BlockedNow>,
}

/// Failure reasons that mean a proof was tried and did not pass.
const PROOF_FAILURES: &[&str] = &[
    "wrong_code",
    "code_expired",
    "code_used_up",
    "wrong_answers",
    "wrong_authenticator",
    "number_mismatch",
    "passkey_refused",
];

/// A coverage count older than this is counted again when the page opens.
pub const COVERAGE_MAX_AGE_SECS: i64 = 15 * 60;

/// The reason of a failed row: its reason column, else the stable start
/// of its detail (rows written before reasons had a column).
fn reason_of(reason: Option<&str>, detail: &str) -> String {
    if let Some(r) = reason.filter(|r| !r.is_empty()) {
        return r.to_owned();
    }
    if let Some(rest) = detail.strip_prefix("identify: ") {
        return format!("identify: {}", rest.split([',', ';']).next().unwrap_or(rest).trim());
    }
    let head = detail.split([':', ';', '(']).next().unwrap_or(detail);
    head.split(" for ").next().unwrap_or(head).trim().to_owned()
}

/// The method a proof row is about: its method column, else the method
/// named at the end of its detail ("verified email", "wrong code for email").
fn method_of(method: Option<&str>, detail: &str) -> Option<String> {
    if let Some(m) = method.filter(|m| !m.is_empty()) {
        return Some(m.to_owned());
    }
    let name = detail.strip_prefix("verified ").or_else(|| detail.rsplit_once(" for ").map(|(_, m)| m))?;
    let name = name.trim();
    crate::domain::MethodKind::from_id(name).map(|_| name.to_owned())
}

fn add(list: &mut Vec<Named>, name: String, ok: u64, failed: u64) {
    match list.iter_mut().find(|n| n.name == name) {
        Some(n) => {
            n.ok += ok;
            n.failed += failed;
        }
        None => list.push(Named { name, ok, failed }),
    }
}

impl Flows {
    /// The dashboard for `period`, ending now; the coverage is counted
    /// again when the last count is older than a quarter of an hour.
    pub async fn insights(&self, period: Period) -> Result<Insights, Error> {
        let now = self.clock.now();
        let (size, count) = period.buckets();
        let to = (now.div_euclid(size) + 1) * size;
        let from = to - size * count;
        let reset = Activity::ResetSelfService.name();
        let unlock = Activity::UnlockSelfService.name();
        let change = Activity::ChangeSelfService.name();
        let progress = Activity::FlowProgress.name();
        let blocked = Activity::Blocked.name();
        let wanted = vec![reset.to_owned(), unlock.to_owned(), change.to_owned(), blocked.to_owned()];
        let rows = self.store.audit_buckets(from, to, size, wanted).await?;
        let mut activity: Vec<Bucket> =
            (0..count).map(|i| Bucket { start: from + i * size, ..Bucket::default() }).collect();
        for row in rows {
            let Some(bucket) = usize::try_from(row.bucket).ok().and_then(|i| activity.get_mut(i)) else { continue };
            let success = row.result == "success";
            let event = row.event_id.unwrap_or_default();
            if row.activity == reset && event == crate::domain::EventId::PasswordResetSuccess.code() {
                bucket.resets += row.count;
            } else if row.activity == reset && event == crate::domain::EventId::PasswordResetFail.code() {
                bucket.resets_failed += row.count;
            } else if row.activity == unlock && success {
                bucket.unlocks += row.count;
            } else if row.activity == change && success && event == crate::domain::EventId::ChangePasswordSuccess.code()
            {
                bucket.changes += row.count;
            } else if row.activity == blocked {
                bucket.blocks += row.count;
            }
        }
        let groups = self
            .store
            .audit_groups(
                from,
                to,
                vec![progress.to_owned(), reset.to_owned(), unlock.to_owned(), change.to_owned()],
                5_000,
            )
            .await?;
        let mut methods = Vec::new();
        let mut failures = Vec::new();
        for g in &groups {
            let success = g.result == "success";
            // A proof passed ("verified …") or failed (a wrong code, answer,
            // authenticator, number or passkey); not a code sent, nor a
            // send refused for timing, budget or delivery.
            let proof = g.activity == progress
                && match (success, g.reason.as_deref()) {
                    (true, _) => g.detail.starts_with("verified "),
                    (false, Some(reason)) => PROOF_FAILURES.contains(&reason),
                    (false, None) => g.detail.starts_with("wrong "),
                };
            if proof && let Some(m) = method_of(g.method.as_deref(), &g.detail) {
                add(&mut methods, m, if success { g.count } else { 0 }, if success { 0 } else { g.count });
            }
            // A start event (31001) is a success row; failures of any
            // step count by their reason.
            if !success {
                add(&mut failures, reason_of(g.reason.as_deref(), &g.detail), g.count, 0);
            }
        }
        methods.sort_by(|a, b| (b.ok + b.failed).cmp(&(a.ok + a.failed)).then(a.name.cmp(&b.name)));
        failures.sort_by(|a, b| b.ok.cmp(&a.ok).then(a.name.cmp(&b.name)));
        let registrations = self
            .store
            .enrolment_counts()
            .await?
            .into_iter()
            .map(|(kind, source, n)| Named { name: format!("{kind} ({source})"), ok: n, failed: 0 })
            .collect();
        let blocked = self
            .store
            .live_blocks(now)
            .await?
            .into_iter()
            .map(|(key, until, reason)| BlockedNow { key, until, reason })
            .collect();
        let coverage = match self.store.coverage_snapshot().await? {
            Some((json, at)) if now - at <= COVERAGE_MAX_AGE_SECS => serde_json::from_str(&json).ok(),
            _ => Some(self.count_coverage().await?),
        };
        Ok(Insights { period, from, to, coverage, registrations, activity, methods, failures, blocked })
    }

    /// Counts coverage now across every directory and keeps the count.
    pub async fn count_coverage(&self) -> Result<Coverage, Error> {
        let policy = self.store.reset_policy().await?;
        let now = self.clock.now();
        let mut coverage = Coverage { counted_at: now, ..Coverage::default() };
        for dir in self.directories.clone() {
            let accounts = match self.scope_accounts(&dir).await {
                Ok(Some(accounts)) => accounts,
                Ok(None) => {
                    coverage.skipped.push(format!("{}: this directory does not list its accounts", dir.name()));
                    continue;
                }
                Err(e) => {
                    coverage.skipped.push(format!("{}: {e}", dir.name()));
                    continue;
                }
            };
            let rows = self.store.directory_rows(dir.name().to_owned()).await?;
            for account in accounts.iter().filter(|a| !a.disabled && !a.protected) {
                coverage.in_scope += 1;
                let mine = rows.get(&account.id.0).map(Vec::as_slice).unwrap_or_default();
                if mine.iter().any(|r| r.source == crate::domain::method::Source::User) {
                    coverage.registered += 1;
                }
                let enough =
                    self.usable(mine, account, &policy, &policy.methods) >= usize::from(policy.methods_required);
                let enabled = match policy.enabled {
                    Enabled::All => true,
                    Enabled::None => false,
                    Enabled::Group => enough && self.in_pilot(&dir, account).await.unwrap_or(false),
                };
                if enough && enabled {
                    coverage.capable += 1;
                }
            }
        }
        if let Ok(json) = serde_json::to_string(&coverage) {
            self.store.save_coverage_snapshot(json, now).await?;
        }
        Ok(coverage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_methods_come_from_the_columns_or_the_old_details() {
        assert_eq!(reason_of(Some("wrong_code"), "wrong code for email"), "wrong_code");
        assert_eq!(reason_of(None, "wrong code for email"), "wrong code");
        assert_eq!(reason_of(None, "identify: no such user"), "identify: no such user");
        assert_eq!(reason_of(None, "directory answer: the account is disabled"), "directory answer");
        assert_eq!(method_of(None, "verified mobile_sms").as_deref(), Some("mobile_sms"));
        assert_eq!(method_of(None, "wrong code for email").as_deref(), Some("email"));
        assert_eq!(method_of(Some("questions"), "answers wrong").as_deref(), Some("questions"));
        assert_eq!(method_of(None, "verified nothing-known"), None);
    }

    #[test]
    fn periods_parse_and_refuse_with_the_choices() {
        assert_eq!(Period::parse("24h").unwrap(), Period::Day);
        assert_eq!(Period::parse("").unwrap(), Period::Week);
        assert!(matches!(Period::parse("1y"), Err(Error::InvalidInput { field: "period", .. })));
    }
}
