//! Self-service change and unlock. Change: the person gives user ID, old
//! and new password; the directory checks the old one as the person (no
//! proof flow needed). Unlock: a reset flow whose proofs are complete may
//! clear a lockout without changing the password (DESIGN.md §6).

use super::reset::directory_error;
use super::{Client, Error, Facets, Flows};
use crate::directory::{self, AccountId};
use crate::domain::audit::{EventId, Reason};
use crate::domain::{Activity, AuditOutcome, Login, PasswordPolicy};
use crate::i18n::Msg;
use crate::notify::templates::Notice;
use crate::store::{Effects, FlowState, WritebackAccount, WritebackKind, WritebackOutcome};
use secrecy::{ExposeSecret, SecretString};

impl Flows {
    /// Changes a password the person still knows.
    pub async fn change_password(
        &self,
        user: &str,
        old: &SecretString,
        new: &SecretString,
        client: &Client,
    ) -> Result<(), Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        if old.expose_secret().is_empty() {
            return Err(Error::InvalidInput { field: "old_password", message: Msg::new("input-current-password") });
        }
        let normal = SecretString::from(PasswordPolicy::normalise(new.expose_secret()));
        if normal.expose_secret() == PasswordPolicy::normalise(old.expose_secret()) {
            return Err(Error::InvalidInput { field: "new_password", message: Msg::new("input-password-unchanged") });
        }
        // The rules that do not depend on the account come before it is
        // looked up: a weak new password gets the same answer for a real
        // and an unknown user ID, so the answer tells no one which exists.
        self.password_rules().check_for(normal.expose_secret(), login.as_str(), "")?;
        self.check_breached(normal.expose_secret())?;
        // Unknown users get the same answer as a wrong password.
        let Some((dir, account)) = self.find_account(&login).await? else {
            let audit = self.audit_as(
                Activity::ChangeSelfService,
                AuditOutcome::Failure,
                login.as_str(),
                "no such user".into(),
                Facets::failed(Reason::UserNotFound),
                client,
            );
            self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
            return Err(Error::WrongCredentials);
        };
        // Then the person's own name (a residual signal: only a new password
        // that contains it tells a real account from an unknown one).
        self.password_rules().check_for(normal.expose_secret(), &account.login, &account.display_name)?;
        let started = format!("writeback to directory {} started", dir.name());
        let here = Facets::directory(dir.name());
        let start = self.event(
            Activity::ChangeSelfService,
            true,
            login.as_str(),
            started,
            EventId::ChangePasswordStart,
            here,
            client,
        );
        let target = WritebackAccount {
            directory: dir.name().to_owned(),
            account_id: account.id.0.clone(),
            login: login.as_str().to_owned(),
            set_before: account.password_set_at,
        };
        let effects = Effects::audited(vec![start]);
        let now = self.clock.now();
        let intent = self.store.begin_writeback(WritebackKind::Change, target, now, effects).await?;

        let timer = std::time::Instant::now();
        let changed = dir.change_password(&account.id, old, &normal).await;
        self.metrics().writeback(dir.name(), timer.elapsed().as_secs_f64());
        if let Err(e) = changed {
            let detail = format!("writeback failed: {e}");
            let failed = self.event(
                Activity::ChangeSelfService,
                false,
                login.as_str(),
                detail,
                EventId::ChangePasswordFail,
                here.reason(super::directory_reason(&e)),
                client,
            );
            let cause = self.cause_event(&e, login.as_str(), dir.name(), client);
            let effects = Effects::audited(vec![failed, cause]);
            self.store
                .finish_writeback(intent, WritebackOutcome::Failed, e.to_string(), self.clock.now(), effects)
                .await?;
            return Err(match e {
                directory::Error::InvalidCredentials => Error::WrongCredentials,
                directory::Error::AccountLockedOut => Error::AccountLocked,
                other => directory_error(other),
            });
        }
        let now = self.clock.now();
        let detail = format!("password changed in directory {}", dir.name());
        let done = self.event(
            Activity::ChangeSelfService,
            true,
            login.as_str(),
            detail,
            EventId::ChangePasswordSuccess,
            here,
            client,
        );
        let mut effects = self.notices(Notice::Change, dir.name(), &account, client).await?;
        effects.audit.push(done);
        self.store.finish_writeback(intent, WritebackOutcome::Written, String::new(), now, effects).await?;
        self.outbox_signal.notify_one();
        // Registration sessions opened with the old password end with it.
        self.store.end_account_sessions(dir.name().to_owned(), account.id.0.clone()).await?;
        Ok(())
    }

    /// Unlocks the account of a flow whose proofs are complete, keeping the password.
    pub async fn unlock(&self, token: &str, client: &Client) -> Result<(), Error> {
        let flow = self.live_flow(token).await?;
        if !self.store.reset_policy().await?.allow_unlock {
            return Err(Error::UnlockDisabled);
        }
        if flow.state != FlowState::Proven {
            return Err(Error::WrongStep("step-verify-before-unlock"));
        }
        // A block that came after the proofs (a "this wasn't me", failed
        // proofs elsewhere) stops the unlock as it stops a reset.
        self.ensure_not_blocked(&self.flow_key(&flow)).await?;
        let (Some(id), Some(dir)) = (flow.account_id.clone(), self.directory(&flow.directory)) else {
            return Err(Error::WrongStep("step-verify-before-unlock"));
        };
        if let Err(e) = dir.unlock(&AccountId(id.clone())).await {
            let audit = self.audit_as(
                Activity::UnlockSelfService,
                AuditOutcome::Failure,
                &flow.login,
                format!("unlock failed: {e}"),
                Facets::directory(dir.name()).reason(super::directory_reason(&e)),
                client,
            );
            self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
            return Err(directory_error(e));
        }
        // The same person's linked accounts are unlocked too; a failure there
        // does not undo the unlock that worked, but is audited.
        let mut extra = Vec::new();
        for link in &flow.linked {
            let Some(other) = self.directory(&link.directory) else { continue };
            let here = Facets::directory(&link.directory);
            let (outcome, detail, facets) = match other.unlock(&AccountId(link.account_id.clone())).await {
                Ok(()) => {
                    (AuditOutcome::Success, format!("linked account unlocked in directory {}", link.directory), here)
                }
                Err(e) => (
                    AuditOutcome::Failure,
                    format!("linked account in directory {} not unlocked: {e}", link.directory),
                    here.reason(super::directory_reason(&e)),
                ),
            };
            extra.push(self.audit_as(Activity::UnlockSelfService, outcome, &flow.login, detail, facets, client));
        }
        let now = self.clock.now();
        let audit = self.audit_as(
            Activity::UnlockSelfService,
            AuditOutcome::Success,
            &flow.login,
            format!("account unlocked in directory {}", dir.name()),
            Facets::directory(dir.name()),
            client,
        );
        let mut rows = vec![audit];
        rows.extend(extra);
        let mut notices = Effects::default();
        if self.store.reset_policy().await?.notify_user_on_reset
            && let Some(account) = dir.account(&AccountId(id)).await.ok().flatten()
        {
            notices = self.notices(Notice::Unlock, dir.name(), &account, client).await?;
        }
        notices.audit = rows;
        let written = flow.written.clone();
        self.store.complete_flow(flow.id, written, self.flow_key(&flow), None, now, notices).await?;
        self.outbox_signal.notify_one();
        Ok(())
    }
}
