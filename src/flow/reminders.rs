//! Enrolment reminders (issue 6 item 5): people in scope who have not
//! registered enough methods to reset their password get an e-mail with a
//! link to `/register`, at most once per the policy's `reminder_days`. Run
//! on a schedule by `serve`; nothing is sent while `reminder_days` is 0.

use super::{Error, Flows};
use crate::directory::{Account, Directory};
use crate::domain::audit::AuditRecord;
use crate::domain::mask::mask_email;
use crate::domain::policy::Enabled;
use crate::domain::{Activity, AuditOutcome, Enrolment, Message};
use crate::notify::templates;
use crate::store::{Effects, EnrolmentRow};
use std::sync::Arc;

/// Reminders written per commit: a large directory is reminded in steps
/// that never hold the store's writer for long.
const PER_COMMIT: usize = 500;

/// What one run did, for the log and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderSummary {
    /// Accounts in scope looked at.
    pub checked: usize,
    /// Reminders queued.
    pub sent: usize,
    /// Not registered enough, but reminded within `reminder_days`.
    pub recent: usize,
    /// Not registered enough, and no address to remind them at.
    pub no_address: usize,
}

impl Flows {
    /// Reminds everyone in scope who needs it (see the module comment).
    pub async fn send_reminders(&self) -> Result<ReminderSummary, Error> {
        let policy = self.store.reset_policy().await?;
        let mut summary = ReminderSummary::default();
        if policy.reminder_days == 0 || policy.enabled == Enabled::None {
            return Ok(summary);
        }
        let now = self.clock.now();
        let since = now - i64::from(policy.reminder_days) * 86_400;
        for dir in self.directories.clone() {
            // One directory that cannot be read does not hold up the others.
            let accounts = match self.scope_accounts(&dir).await {
                Ok(Some(accounts)) => accounts,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(directory = dir.name(), error = %e, "reminders: the scope could not be read; skipped this time");
                    continue;
                }
            };
            let rows = self.store.directory_rows(dir.name().to_owned()).await?;
            let recent = self.store.reminded_since(dir.name().to_owned(), since).await?;
            let mut due: Vec<(String, Message, AuditRecord)> = Vec::new();
            for account in accounts.iter().filter(|a| !a.disabled && !a.protected) {
                summary.checked += 1;
                let mine = rows.get(&account.id.0).map(Vec::as_slice).unwrap_or_default();
                let usable = self.usable(mine, account, &policy, &policy.methods);
                if usable >= usize::from(policy.methods_required) {
                    continue;
                }
                if policy.enabled == Enabled::Group && !self.in_pilot(&dir, account).await.unwrap_or(false) {
                    continue;
                }
                if recent.contains(&account.id.0) {
                    summary.recent += 1;
                    continue;
                }
                let Some(to) = reminder_address(mine, account) else {
                    summary.no_address += 1;
                    continue;
                };
                let link = format!("{}/register", self.settings.public_base);
                let brand = &self.settings.brand;
                let message =
                    templates::registration_reminder(brand, &to, &account.display_name, &link, policy.methods_required);
                let detail = format!("reminded to register at {} ({usable} usable method(s))", mask_email(&to));
                let mut audit = self.audit(
                    Activity::ReminderSent,
                    AuditOutcome::Success,
                    &account.login,
                    detail,
                    &super::Client::default(),
                );
                audit.actor = "reminders".to_owned();
                due.push((account.id.0.clone(), message, audit));
            }
            summary.sent += due.len();
            while !due.is_empty() {
                let batch: Vec<_> = due.drain(..due.len().min(PER_COMMIT)).collect();
                let ids = batch.iter().map(|(id, _, _)| id.clone()).collect();
                let (messages, audit) = batch.into_iter().map(|(_, m, a)| (m, a)).unzip();
                let effects = Effects { audit, messages, ..Effects::default() };
                self.store.record_reminders(dir.name().to_owned(), ids, now, effects).await?;
            }
        }
        if summary.sent > 0 {
            self.outbox_signal.notify_one();
        }
        Ok(summary)
    }

    /// Everyone in a directory's scope: the local directory's own accounts,
    /// or one paged read of an LDAP scope; `None` for a directory that
    /// cannot list them.
    pub(super) async fn scope_accounts(&self, dir: &Arc<dyn Directory>) -> Result<Option<Vec<Account>>, Error> {
        if let Some(local) = self.local.as_ref().filter(|l| l.name() == dir.name()) {
            return Ok(Some(local.accounts().await.map_err(super::reset::directory_error)?));
        }
        // The directory's own words, for the administrator's log.
        let listed =
            dir.list(&[], &|_| {}).await.map_err(|e| Error::Internal(format!("listing {}: {e}", dir.name())))?;
        Ok(listed.map(|all| all.into_iter().map(|l| l.account).collect()))
    }

    pub(super) async fn in_pilot(&self, dir: &Arc<dyn Directory>, account: &Account) -> Result<bool, Error> {
        let standing = dir.standing(&account.id).await.map_err(super::reset::directory_error)?;
        Ok(standing.pilot == Some(true))
    }
}

/// Where a reminder goes: the address e-mail codes would go to, else the
/// alternate one.
pub(super) fn reminder_address(rows: &[EnrolmentRow], account: &Account) -> Option<String> {
    super::methods::email_address(rows, account)
        .or_else(|| rows.iter().find(|r| r.kind == Enrolment::AltEmail).map(|r| r.value.clone()))
}
