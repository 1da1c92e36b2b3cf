//! Password-expiry reminders (issue 7 item 8): for every account in scope
//! whose password expires (Active Directory: the DC's computed expiry, or
//! `pwdLastSet` + the effective maximum age; OpenLDAP: `pwdChangedTime` +
//! the ppolicy's `pwdMaxAge`), one e-mail on each configured
//! day before it (`[notify] expiry_reminder_days`), with a link to
//! `/change`. Each mark is sent once per expiry, so a new password starts
//! afresh; a missed run sends only the nearest mark. Run hourly by `serve`
//! and on demand by `passdesk remind-expiry`.

use super::{Error, Flows};
use crate::clock::rfc3339;
use crate::directory::{Directory, Expiring};
use crate::domain::expiry::{PasswordExpiry, days_left, due_mark};
use crate::domain::mask::mask_email;
use crate::domain::{Activity, AuditOutcome};
use crate::notify::templates;
use crate::store::{EnrolmentRow, ExpiryReminder};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Reminders written per commit, so a large directory never holds the
/// store's writer for long.
const PER_COMMIT: usize = 500;

/// What one run did (or, in a dry run, would do), over every directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    /// Nothing was written or queued.
    pub dry_run: bool,
    /// Accounts in scope looked at.
    pub checked: usize,
    /// Reminders queued (in a dry run: that would be).
    pub sent: usize,
    /// The mark due now was sent before for this expiry.
    pub already_sent: usize,
    /// The password expires, but no mark is due yet.
    pub not_due: usize,
    /// The password never expires (flag, or a policy without a maximum age).
    pub never: usize,
    /// The password must be changed at next sign-in: no date to remind of.
    pub must_change: usize,
    /// The password has already expired.
    pub expired: usize,
    /// Disabled accounts.
    pub disabled: usize,
    /// A reminder was due but there is no address to send it to.
    pub no_address: usize,
    /// The reminders queued (or that would be), in the order found.
    pub reminders: Vec<PlannedReminder>,
    /// Directories that do not say when passwords expire (local).
    pub not_known: Vec<String>,
    /// Directories that could not be read this time, with the reason.
    pub unread: Vec<(String, String)>,
}

/// One reminder of a run, for the CLI's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReminder {
    /// The configured directory name.
    pub directory: String,
    /// The person's user ID.
    pub login: String,
    /// Where the e-mail goes.
    pub to: String,
    /// The mark (days before expiry) it is sent for.
    pub mark_days: u32,
    /// Whole days left, rounded up.
    pub days_left: i64,
    /// When the password expires (Unix seconds).
    pub expires_at: i64,
}

impl Flows {
    /// Reminds everyone whose password expires within one of `marks` days
    /// (see the module comment); `dry_run` only reports what it would send.
    pub async fn send_expiry_reminders(&self, marks: &[u32], dry_run: bool) -> Result<ExpiryReport, Error> {
        let mut report = ExpiryReport { dry_run, ..ExpiryReport::default() };
        if marks.is_empty() {
            return Ok(report);
        }
        for dir in self.directories.clone() {
            let name = dir.name().to_owned();
            // One directory that cannot be read does not hold up the others.
            let expiring = match dir.password_expiries().await {
                Ok(Some(expiring)) => expiring,
                Ok(None) => {
                    report.not_known.push(name);
                    continue;
                }
                Err(e) => {
                    tracing::warn!(directory = %name, error = %e, "expiry reminders: the scope could not be read; skipped this time");
                    report.unread.push((name, e.to_string()));
                    continue;
                }
            };
            let mut due = self.due_reminders(&dir, expiring, marks, &mut report).await?;
            if dry_run {
                report.sent += due.len();
                continue;
            }
            while !due.is_empty() {
                let batch: Vec<_> = due.drain(..due.len().min(PER_COMMIT)).collect();
                let wanted = batch.len();
                let queued = self.store.record_expiry_reminders(name.clone(), batch, self.clock.now()).await?;
                // Another run (serve and the CLI at once) sent the rest first.
                report.already_sent += wanted - queued;
                report.sent += queued;
            }
        }
        if report.sent > 0 && !dry_run {
            self.outbox_signal.notify_one();
        }
        Ok(report)
    }

    /// The reminders due now in one directory, counting the rest in `report`.
    async fn due_reminders(
        &self,
        dir: &Arc<dyn Directory>,
        expiring: Vec<Expiring>,
        marks: &[u32],
        report: &mut ExpiryReport,
    ) -> Result<Vec<ExpiryReminder>, Error> {
        let now = self.clock.now();
        let sent: HashSet<(String, i64, u32)> = self.store.expiry_marks_sent(dir.name().to_owned()).await?;
        let rows: HashMap<String, Vec<EnrolmentRow>> = self.store.directory_rows(dir.name().to_owned()).await?;
        let mut due = Vec::new();
        for one in expiring {
            report.checked += 1;
            let Some((expires_at, mark)) = mark_due_now(&one, marks, now, report) else { continue };
            let account = one.account;
            if sent.contains(&(account.id.0.clone(), expires_at, mark)) {
                report.already_sent += 1;
                continue;
            }
            let mine = rows.get(&account.id.0).map(Vec::as_slice).unwrap_or_default();
            let Some(to) = super::reminders::reminder_address(mine, &account) else {
                report.no_address += 1;
                continue;
            };
            let planned = PlannedReminder {
                directory: dir.name().to_owned(),
                login: account.login.clone(),
                to,
                mark_days: mark,
                days_left: days_left(expires_at, now),
                expires_at,
            };
            due.push(self.expiry_reminder(&planned, account.id.0, &account.display_name));
            report.reminders.push(planned);
        }
        Ok(due)
    }

    /// The e-mail and audit row of one reminder.
    fn expiry_reminder(&self, planned: &PlannedReminder, account_id: String, display_name: &str) -> ExpiryReminder {
        let PlannedReminder { to, mark_days, days_left, expires_at, .. } = planned;
        let link = format!("{}/change", self.settings.public_base);
        let brand = &self.org_brand();
        let when = brand.lang.date_time(*expires_at);
        let message =
            templates::password_expiry_reminder(brand, to, display_name, *days_left, &when, &link, *expires_at);
        let detail = format!(
            "reminded at {} that the password expires {} ({mark_days}-day reminder, {days_left} day(s) left)",
            mask_email(to),
            rfc3339(*expires_at)
        );
        let client = super::Client::default();
        let mut audit =
            self.audit(Activity::ExpiryReminderSent, AuditOutcome::Success, &planned.login, detail, &client);
        audit.actor = "expiry-reminders".to_owned();
        ExpiryReminder { account_id, expires_at: *expires_at, mark_days: *mark_days, message, audit }
    }
}

/// The expiry and the mark due now for one account, or `None` (counted in
/// `report`): disabled, never expires, must change, expired, not yet due.
fn mark_due_now(one: &Expiring, marks: &[u32], now: i64, report: &mut ExpiryReport) -> Option<(i64, u32)> {
    let counter = match one.expiry {
        _ if one.account.disabled => &mut report.disabled,
        PasswordExpiry::Never => &mut report.never,
        PasswordExpiry::MustChange => &mut report.must_change,
        PasswordExpiry::At { expires_at, .. } if expires_at <= now => &mut report.expired,
        PasswordExpiry::At { expires_at, set_at } => match due_mark(marks, expires_at, set_at, now) {
            Some(mark) => return Some((expires_at, mark)),
            None => &mut report.not_due,
        },
    };
    *counter += 1;
    None
}
