//! Telling people what happened to their account (DESIGN.md §7, issue 4):
//! after a reset, change or unlock, a notice on every address they have
//! (directory e-mail and alternate address), never with the password, each
//! with a "this wasn't me" link. Following it blocks self-service for the
//! account, alerts the administrators and is audited. An administrator's
//! own reset is told to every other administrator.

use super::{Client, Error, Flows};
use crate::directory::Account;
use crate::domain::{Activity, AuditOutcome, Enrolment, FlowToken, Message};
use crate::notify::templates::{self, Notice};
use crate::store::{Effects, NewReport};

/// How long a "this wasn't me" link works.
pub const REPORT_LINK_SECS: i64 = 7 * 24 * 3600;
/// How long self-service stays blocked after a report: until the helpdesk
/// lifts it, in practice; a month if nobody does.
pub const REPORT_BLOCK_SECS: i64 = 30 * 24 * 3600;

/// What the report page shows before the person confirms.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// "reset", "change" or "unlock".
    pub what: String,
    /// When the notice was sent (RFC 3339).
    pub when: String,
    /// Already reported: confirming again changes nothing.
    pub already: bool,
}

impl Flows {
    /// Every address the person can be told on: the directory's e-mail, the
    /// address an administrator set for codes and an alternate address.
    async fn notice_addresses(&self, directory: &str, account: &Account) -> Result<Vec<String>, Error> {
        let mut to: Vec<String> = account.email.iter().filter(|e| e.contains('@')).cloned().collect();
        let rows = self.store.enrolments(directory.to_owned(), account.id.0.clone()).await?;
        for row in rows.into_iter().filter(|r| matches!(r.kind, Enrolment::Email | Enrolment::AltEmail)) {
            if !to.iter().any(|t| t.eq_ignore_ascii_case(&row.value)) {
                to.push(row.value);
            }
        }
        Ok(to)
    }

    /// The notices for one event and the report link they carry, to be
    /// added to the effects of the change they tell about (one commit).
    pub(super) async fn notices(
        &self,
        notice: Notice,
        directory: &str,
        account: &Account,
        client: &Client,
    ) -> Result<Effects, Error> {
        let to = self.notice_addresses(directory, account).await?;
        if to.is_empty() {
            return Ok(Effects::default());
        }
        let now = self.clock.now();
        let token = FlowToken::generate();
        let report = NewReport {
            token_hash: token.digest(),
            directory: directory.to_owned(),
            account_id: account.id.0.clone(),
            login: account.login.clone(),
            what: notice.as_str().to_owned(),
            expires_at: now + REPORT_LINK_SECS,
        };
        let link = format!("{}/report/{}", self.settings.public_base, token.as_str());
        let when = crate::clock::rfc3339(now);
        let brand = &self.brand_for(client);
        let messages = to
            .iter()
            .map(|t| templates::account_notice(brand, notice, t, &account.display_name, &when, &link))
            .collect();
        Ok(Effects { messages, reports: vec![report], ..Effects::default() })
    }

    /// Alerts to every administrator address except the person's own.
    pub(super) async fn admin_reset_alerts(&self, directory: &str, account: &Account) -> Result<Vec<Message>, Error> {
        let own = self.notice_addresses(directory, account).await?;
        let when = crate::clock::rfc3339(self.clock.now());
        let brand = &self.org_brand();
        Ok(self
            .notification_settings()
            .admin_alerts
            .iter()
            .filter(|a| !own.iter().any(|o| o.eq_ignore_ascii_case(a)))
            .map(|a| templates::admin_reset_alert(brand, a, &account.login, &when))
            .collect())
    }

    /// What a report link is about, for the confirmation page.
    pub async fn report_view(&self, token: &str) -> Result<ReportView, Error> {
        let row = self.live_report(token).await?;
        Ok(ReportView { what: row.what, when: crate::clock::rfc3339(row.created_at), already: row.used_at.is_some() })
    }

    /// "This wasn't me": blocks self-service for the account, alerts the
    /// administrators and audits it, in one transaction. Following the
    /// link twice changes nothing the second time.
    pub async fn report_not_me(&self, token: &str, client: &Client) -> Result<(), Error> {
        let row = self.live_report(token).await?;
        let now = self.clock.now();
        let until = now + REPORT_BLOCK_SECS;
        let key = self.defence_key(&row.directory, Some(&row.account_id), &row.login);
        let when = crate::clock::rfc3339(row.created_at);
        let detail = format!("the account owner reports the password {} at {when} was not them", row.what);
        tracing::warn!(login = %row.login, "{detail}; self-service blocked");
        let audit = self.audit(Activity::ReportedNotMe, AuditOutcome::Success, &row.login, detail.clone(), client);
        let blocked = self.audit(
            Activity::Blocked,
            AuditOutcome::Failure,
            &row.login,
            format!("{detail}; blocked until {}", crate::clock::rfc3339(until)),
            client,
        );
        let brand = &self.org_brand();
        let until_text = crate::clock::rfc3339(until);
        let messages = self
            .notification_settings()
            .admin_alerts
            .iter()
            .map(|a| templates::not_me_alert(brand, a, &row.login, &row.what, &when, &until_text))
            .collect();
        let effects = Effects::with(vec![audit, blocked], messages);
        self.store.use_report(row.id, key, until, detail, now, effects).await?;
        self.outbox_signal.notify_one();
        Ok(())
    }

    async fn live_report(&self, token: &str) -> Result<crate::store::ReportRow, Error> {
        let token = FlowToken::parse(token).ok_or(Error::ReportNotFound)?;
        let row = self.store.report_by_token(token.digest()).await?.ok_or(Error::ReportNotFound)?;
        if self.clock.now() >= row.expires_at {
            return Err(Error::ReportNotFound);
        }
        Ok(row)
    }
}
