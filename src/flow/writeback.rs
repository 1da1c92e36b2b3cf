//! The password step of a reset, for one account or a person's linked
//! accounts in several directories (DESIGN.md §15). The new password is
//! checked against every target's effective policy before any write; each
//! directory gets its own intent, outcome and audit rows. When a later
//! write fails after an earlier one succeeded, the first cannot be rolled
//! back (its old password is unknown): the person is told exactly which
//! directory has the new password, the flow stays open so the failed write
//! can be retried with the same password, and admins find it in the audit
//! log and the log.

use super::policy::EffectivePolicy;
use super::reset::directory_error;
use super::{Client, Error, Facets, Flows};
use crate::directory::{Account, AccountId, Directory, ResetMode};
use crate::domain::audit::{EventId, Reason};
use crate::domain::{Activity, PasswordPolicy};
use crate::notify::templates::Notice;
use crate::store::{
    Effects, FinishedWrite, FlowRow, FlowState, LinkedAccount, WritebackAccount, WritebackKind, WritebackOutcome,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// One account a reset writes.
struct Target {
    dir: Arc<dyn Directory>,
    account: Account,
}

impl Flows {
    /// The same person's accounts in the other directories, matched by the
    /// configured link attribute.
    pub(super) async fn linked_accounts(
        &self,
        home: &Arc<dyn Directory>,
        account: &Account,
    ) -> Result<Vec<LinkedAccount>, Error> {
        let Some(value) = account.link.as_deref().filter(|v| !v.is_empty()) else { return Ok(Vec::new()) };
        let mut linked = Vec::new();
        for dir in self.directories.iter().filter(|d| d.name() != home.name()) {
            if let Some(other) = dir.find_linked(value).await.map_err(directory_error)? {
                linked.push(LinkedAccount { directory: dir.name().to_owned(), account_id: other.id.0 });
            }
        }
        Ok(linked)
    }

    /// Sets the new password once the proofs are complete.
    pub async fn reset_password(&self, token: &str, new_password: &SecretString, client: &Client) -> Result<(), Error> {
        let flow = self.live_flow(token).await?;
        self.ensure_not_blocked(&self.flow_key(&flow)).await?;
        if flow.state != FlowState::Proven {
            return Err(Error::WrongStep("step-verify-before-password"));
        }
        let targets = self.targets(&flow).await?;
        let Some(primary) = targets.first().map(|t| t.account.clone()) else {
            return Err(Error::WrongStep("step-verify-before-password"));
        };
        let normal = SecretString::from(PasswordPolicy::normalise(new_password.expose_secret()));
        // Every directory's rules first, so no write happens for a password
        // one of them would refuse.
        let mut merged: Option<EffectivePolicy> = None;
        for target in &targets {
            let policy = self.policy_for(&target.dir, &target.account).await?;
            merged = Some(match merged {
                None => policy,
                Some(m) => EffectivePolicy {
                    rules: m.rules.merged(Some(policy.rules.min_length as u32)),
                    complexity: m.complexity || policy.complexity,
                    history: m.history.max(policy.history),
                    source: format!("{}; {}", m.source, policy.source),
                    too_young_until: m.too_young_until.max(policy.too_young_until),
                },
            });
        }
        if let Some(policy) = &merged {
            policy.check(normal.expose_secret(), &primary.login, &primary.display_name)?;
        }
        self.check_breached(normal.expose_secret())?;

        // The notices are prepared before any write: between the last write
        // and the commit that records it, nothing may fail.
        let policy = self.store.reset_policy().await?;
        let mut effects = Effects::default();
        if policy.notify_user_on_reset {
            effects = self.notices(Notice::Reset, &flow.directory, &primary, client).await?;
        }
        if policy.notify_admins_on_admin_reset && !self.notification_settings().admin_alerts.is_empty() {
            let home = targets.first().map(|t| t.dir.clone());
            let admin = match home {
                Some(dir) => dir.standing(&primary.id).await.map(|s| s.admin).unwrap_or(false),
                None => false,
            };
            if admin {
                effects.messages.extend(self.admin_reset_alerts(&flow.directory, &primary).await?);
            }
        }

        let mut written = flow.written.clone();
        let to_write: Vec<&Target> =
            targets.iter().filter(|t| !flow.written.contains(&t.dir.name().to_owned())).collect();
        let mut finished = None;
        for (n, target) in to_write.iter().enumerate() {
            // The last write's outcome commits with the flow's end.
            let last = n + 1 == to_write.len();
            match self.write_one(&flow, target, &normal, client, last).await {
                Ok(deferred) => finished = deferred,
                Err(e) if written.is_empty() => return Err(e),
                Err(e) => {
                    self.store.mark_written(flow.id, written.clone(), self.clock.now()).await?;
                    let detail = format!(
                        "linked writeback incomplete: new password in {}, not in {} ({e})",
                        written.join(", "),
                        target.dir.name()
                    );
                    tracing::error!(login = %flow.login, "{detail}");
                    let facets = Facets::directory(target.dir.name()).reason(Reason::PartialWriteback);
                    let alert = self.audit_as(
                        Activity::ResetSelfService,
                        crate::domain::AuditOutcome::Failure,
                        &flow.login,
                        detail,
                        facets,
                        client,
                    );
                    self.store.record(self.clock.now(), Effects::audited(vec![alert])).await?;
                    return Err(Error::PartialWriteback {
                        written,
                        failed: target.dir.name().to_owned(),
                        cause: e.to_string(),
                    });
                }
            }
            written.push(target.dir.name().to_owned());
        }

        let now = self.clock.now();
        // A successful reset clears the failure and send counters, in the
        // same commit that ends the flow.
        self.store.complete_flow(flow.id, written, self.flow_key(&flow), finished, now, effects).await?;
        self.outbox_signal.notify_one();
        // Registration sessions opened with the old password end with it.
        if let Some(id) = &flow.account_id {
            self.store.end_account_sessions(flow.directory.clone(), id.clone()).await?;
        }
        Ok(())
    }

    /// The flow's own account first, then its linked accounts.
    async fn targets(&self, flow: &FlowRow) -> Result<Vec<Target>, Error> {
        let Some(home) = flow.account_id.clone() else { return Ok(Vec::new()) };
        let wanted = std::iter::once(LinkedAccount { directory: flow.directory.clone(), account_id: home })
            .chain(flow.linked.iter().cloned());
        let mut targets = Vec::new();
        for link in wanted {
            let Some(dir) = self.directory(&link.directory) else { continue };
            let account =
                dir.account(&AccountId(link.account_id)).await.map_err(directory_error)?.ok_or(Error::FlowNotFound)?;
            targets.push(Target { dir, account });
        }
        Ok(targets)
    }

    /// One directory's write, with its intent, outcome and audit rows. With
    /// `defer`, a success's outcome is returned to commit with the flow's
    /// end instead of on its own.
    async fn write_one(
        &self,
        flow: &FlowRow,
        target: &Target,
        password: &SecretString,
        client: &Client,
        defer: bool,
    ) -> Result<Option<FinishedWrite>, Error> {
        let name = target.dir.name().to_owned();
        let started = format!("writeback to directory {name} started");
        let here = Facets::directory(&name);
        let start = self.event(
            Activity::ResetSelfService,
            true,
            &flow.login,
            started,
            EventId::PasswordResetStart,
            here,
            client,
        );
        let effects = Effects::audited(vec![start]);
        let now = self.clock.now();
        let id = target.account.id.clone();
        let account = WritebackAccount {
            directory: name.clone(),
            account_id: id.0.clone(),
            login: flow.login.clone(),
            set_before: target.account.password_set_at,
        };
        let intent = self.store.begin_writeback(WritebackKind::Reset, account, now, effects).await?;
        let timer = std::time::Instant::now();
        let written = target.dir.reset_password(&id, password, ResetMode::SelfService).await;
        self.metrics.writeback(&name, timer.elapsed().as_secs_f64());
        match written {
            Ok(()) => {
                let detail = format!("password written to directory {name}");
                let done = self.event(
                    Activity::ResetSelfService,
                    true,
                    &flow.login,
                    detail,
                    EventId::PasswordResetSuccess,
                    here,
                    client,
                );
                if defer {
                    return Ok(Some(FinishedWrite { intent, audit: vec![done] }));
                }
                let effects = Effects::audited(vec![done]);
                self.store
                    .finish_writeback(intent, WritebackOutcome::Written, String::new(), self.clock.now(), effects)
                    .await?;
                Ok(None)
            }
            Err(e) => {
                let detail = format!("writeback to directory {name} failed: {e}");
                let failed = self.event(
                    Activity::ResetSelfService,
                    false,
                    &flow.login,
                    detail,
                    EventId::PasswordResetFail,
                    here.reason(super::directory_reason(&e)),
                    client,
                );
                let cause = self.cause_event(&e, &flow.login, &name, client);
                let effects = Effects::audited(vec![failed, cause]);
                self.store
                    .finish_writeback(intent, WritebackOutcome::Failed, e.to_string(), self.clock.now(), effects)
                    .await?;
                Err(directory_error(e))
            }
        }
    }
}
