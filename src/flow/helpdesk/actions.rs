//! What the helpdesk does for one person: lift a self-service block, ask
//! them to register again, remove what they have on file, send a one-time
//! reset link (never a password), and read their audit trail. Each change
//! is audited with the administrator as the actor.

use super::super::{Client, Error, Flows};
use crate::domain::{Activity, AuditOutcome, Enrolment};
use crate::i18n::Msg;
use crate::store::{AuditFilter, AuditRow, Effects};

/// How many of a person's newest audit rows the helpdesk shows.
pub const USER_AUDIT_ROWS: usize = 50;

/// The kind of registered data a form or API call names.
pub(in crate::flow) fn enrolment_kind(text: &str) -> Result<Enrolment, Error> {
    Enrolment::from_id(text).ok_or_else(|| Error::InvalidInput {
        field: "kind",
        message: Msg::admin(format!(
            "{text:?} is not a method: use email, alt_email, mobile, office_phone, questions, authenticator or passkey"
        )),
    })
}

impl Flows {
    /// Lifts a block and clears the failure and send counters of one
    /// account; returns whether it was blocked. Audited either way.
    pub async fn helpdesk_unblock(
        &self,
        directory: &str,
        login: &str,
        actor: &str,
        client: &Client,
    ) -> Result<bool, Error> {
        let (dir, account) = self.helpdesk_target(directory, login).await?;
        let key = self.defence_key(dir.name(), Some(&account.id.0), &account.login);
        let now = self.clock.now();
        let was_blocked = self.store.blocked_until(key.clone(), now).await?.is_some();
        self.clear_defence(&key).await?;
        let detail = if was_blocked {
            format!("unblocked by {actor}")
        } else {
            format!("failure counters cleared by {actor} (was not blocked)")
        };
        let mut audit = self.audit(Activity::Unblocked, AuditOutcome::Success, &account.login, detail, client);
        audit.actor = actor.to_owned();
        self.store.record(now, Effects::audited(vec![audit])).await?;
        Ok(was_blocked)
    }

    /// Asks a person to register again: at their next sign-in to the
    /// registration portal their security info counts as out of date (as
    /// after the policy's reconfirm period) and they are asked to confirm
    /// or renew it, whether or not the policy requires registration. It
    /// ends when they prove or confirm something after now.
    pub async fn require_reregistration(
        &self,
        directory: &str,
        login: &str,
        actor: &str,
        client: &Client,
    ) -> Result<(), Error> {
        let (dir, account) = self.helpdesk_target(directory, login).await?;
        let detail = format!("{actor} asked {} to register their security info again", account.login);
        let mut audit =
            self.audit(Activity::ReregistrationRequired, AuditOutcome::Success, &account.login, detail, client);
        audit.actor = actor.to_owned();
        let now = self.clock.now();
        let (d, a) = (dir.name().to_owned(), account.id.0.clone());
        self.store.require_reregistration(d, a, actor.to_owned(), now, Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// Removes one kind of what a person registered or had imported, or
    /// all of it (`kind` = `None`); the directory's own attributes stay.
    /// Removing a kind they do not have is refused and changes nothing.
    pub async fn helpdesk_remove_methods(
        &self,
        directory: &str,
        login: &str,
        kind: Option<&str>,
        actor: &str,
        client: &Client,
    ) -> Result<usize, Error> {
        let kind = kind.map(enrolment_kind).transpose()?;
        let (dir, account) = self.helpdesk_target(directory, login).await?;
        let rows = self.store.enrolments(dir.name().to_owned(), account.id.0.clone()).await?;
        if !rows.iter().any(|r| kind.is_none_or(|k| r.kind == k)) {
            let what =
                kind.map_or("registered or imported".to_owned(), |k| format!("{} registered or imported", k.id()));
            return Err(Error::InvalidInput {
                field: "kind",
                message: Msg::admin(format!("{} has nothing {what}: nothing was removed", account.login)),
            });
        }
        let what = kind.map_or("all registered and imported data", Enrolment::id);
        let detail = format!("removed by an administrator ({actor}): {what}");
        let mut audit = self.audit(Activity::Registered, AuditOutcome::Success, &account.login, detail, client);
        audit.actor = actor.to_owned();
        let now = self.clock.now();
        let (d, a) = (dir.name().to_owned(), account.id.0.clone());
        Ok(self.store.remove_enrolments(d, a, kind, now, Effects::audited(vec![audit])).await?)
    }

    /// Sends a one-time reset link (see [`Flows::send_reset_link`]) to the
    /// account in `directory`; refused when the user ID would reach an
    /// account of another directory first.
    pub async fn helpdesk_send_link(
        &self,
        directory: &str,
        login: &str,
        via: &str,
        actor: &str,
        client: &Client,
    ) -> Result<super::super::reset_link::LinkSent, Error> {
        let (dir, account) = self.helpdesk_target(directory, login).await?;
        let user = crate::domain::Login::parse(&account.login)
            .map_err(|e| Error::InvalidInput { field: "login", message: e.msg() })?;
        match self.find_account(&user).await? {
            Some((first, found)) if first.name() == dir.name() && found.id == account.id => {}
            _ => {
                return Err(Error::InvalidInput {
                    field: "login",
                    message: Msg::admin(format!(
                        "the user ID {} also names an account in another directory that comes first; a reset \
                         link would reach that one, so none was sent",
                        account.login
                    )),
                });
            }
        }
        self.send_reset_link(&account.login, via, actor, client).await
    }

    /// The newest [`USER_AUDIT_ROWS`] audit rows about a person (rows whose
    /// target is their user ID), newest first.
    pub async fn user_audit(&self, directory: &str, login: &str) -> Result<Vec<AuditRow>, Error> {
        let (_, account) = self.helpdesk_target(directory, login).await?;
        let filter = AuditFilter { target: Some(account.login.clone()), ..AuditFilter::default() };
        // Newest first by the keyset index: as fast for a person with a
        // million rows as for one with ten.
        let limit = u32::try_from(USER_AUDIT_ROWS).unwrap_or(50);
        Ok(self.store.audit_newest(filter, None, limit).await?)
    }
}
