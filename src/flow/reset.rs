//! Self-service password reset (DESIGN.md §5–6): identify → pass the
//! required proofs → choose a new password → write it to the directory.
//! The state lives in the store, addressed by a random token. Unknown
//! users, disabled accounts and accounts without a usable method get a decoy
//! flow with the same shape, so a stranger learns nothing from the answers.

use super::{Client, Error, Flows};
use crate::directory::{self, Account, AccountId, Directory};
use crate::domain::code::code_matches;
use crate::domain::decoy::decoy_email_method;
use crate::domain::mask::mask_email;
use crate::domain::policy::{Enabled, ResetPolicy};
use crate::domain::{Activity, AuditOutcome, FlowToken, Login, MethodKind, OfferedMethod, OneTimeCode};
use crate::notify::templates;
use crate::store::{Effects, FlowKind, FlowRow, FlowState, NewFlow};
use std::sync::Arc;

/// Answer to `start`: the token and what the person may prove.
#[derive(Debug)]
pub struct Started {
    /// Token addressing the flow (cookie or bearer).
    pub token: FlowToken,
    /// Methods offered, masked.
    pub methods: Vec<OfferedMethod>,
    /// How many must be passed.
    pub required: u8,
}

/// A flow as the pages show it.
#[derive(Debug, Clone)]
pub struct FlowView {
    /// Reset or unlock.
    pub kind: FlowKind,
    /// Methods offered, masked.
    pub methods: Vec<OfferedMethod>,
    /// How many must be passed.
    pub required: u8,
    /// Method ids already passed.
    pub proven: Vec<String>,
    /// Whether the new password may be set now.
    pub ready_for_password: bool,
    /// Seconds until the session ends.
    pub expires_in: i64,
}

/// Answer to `send`.
#[derive(Debug, Clone, Copy)]
pub struct Sent {
    /// Seconds until another code may be requested.
    pub resend_after: i64,
    /// Seconds the code stays valid.
    pub valid_for: i64,
}

/// Answer to `verify`.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    /// True when every required proof has been passed.
    pub complete: bool,
}

impl Flows {
    /// Starts a reset for what the person typed as their user ID.
    pub async fn reset_start(&self, user: &str, kind: FlowKind, client: &Client) -> Result<Started, Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.to_string() })?;
        let policy = self.store.reset_policy().await?;
        if kind == FlowKind::Unlock && !policy.allow_unlock {
            return Err(Error::UnlockDisabled);
        }
        let found = self.find_account(&login).await?;
        let mut linked = Vec::new();
        let mut required = 1;
        let (directory, account_id, methods, reason) = match found {
            Some((dir, account)) => match self.eligible_methods(&dir, &account, &policy).await? {
                Ok((methods, needed)) => {
                    required = needed;
                    linked = self.linked_accounts(&dir, &account).await?;
                    let reason = if linked.is_empty() {
                        "account found".to_owned()
                    } else {
                        let names: Vec<&str> = linked.iter().map(|l| l.directory.as_str()).collect();
                        format!("account found, linked in {}", names.join(", "))
                    };
                    (dir.name().to_owned(), Some(account.id.0), methods, reason)
                }
                Err(why) => (dir.name().to_owned(), None, vec![self.decoy(&login)], why),
            },
            None => (self.default_directory(), None, vec![self.decoy(&login)], "no such user".to_owned()),
        };
        let key = self.defence_key(&directory, account_id.as_deref(), login.as_str());
        self.ensure_not_blocked(&key).await?;
        let token = FlowToken::generate();
        let now = self.clock.now();
        let decoy = account_id.is_none();
        let flow = NewFlow {
            token_hash: token.digest(),
            kind,
            directory,
            login: login.as_str().to_owned(),
            account_id,
            methods: methods.clone(),
            required,
            linked,
            client_ip: client.ip.clone(),
        };
        let outcome = if decoy { AuditOutcome::Failure } else { AuditOutcome::Success };
        let audit = self.audit(Activity::FlowProgress, outcome, login.as_str(), format!("identify: {reason}"), client);
        self.store.create_flow(flow, now, Effects { audit: vec![audit], messages: vec![] }).await?;
        // A decoy shows the shape of an ordinary account: one method.
        Ok(Started { token, methods, required: if decoy { 1 } else { required } })
    }

    /// The methods an account may prove with and how many it must pass, or
    /// why it gets a decoy: outside the pilot group, or an administrator
    /// without the two methods the fixed administrator policy demands.
    async fn eligible_methods(
        &self,
        dir: &Arc<dyn Directory>,
        account: &Account,
        policy: &ResetPolicy,
    ) -> Result<Result<(Vec<OfferedMethod>, u8), String>, Error> {
        let standing = dir.standing(&account.id).await.map_err(directory_error)?;
        match (policy.enabled, standing.pilot) {
            (Enabled::None, _) => return Ok(Err("self-service password reset is turned off".to_owned())),
            (Enabled::Group, None) => {
                return Ok(Err(format!("enabled for a group, but directory {} has no pilot_group", dir.name())));
            }
            (Enabled::Group, Some(false)) => return Ok(Err("not in the pilot group".to_owned())),
            _ => {}
        }
        let (required, allowed) = policy.for_person(standing.admin);
        let methods: Vec<OfferedMethod> = match real_methods(account) {
            Ok(methods) => methods.into_iter().filter(|m| allowed.iter().any(|a| a == &m.id)).collect(),
            Err(why) => return Ok(Err(why.to_owned())),
        };
        if methods.len() < usize::from(required) {
            let who = if standing.admin { "administrator: the administrator policy" } else { "the policy" };
            return Ok(Err(format!("{who} needs {required} method(s), {} usable", methods.len())));
        }
        Ok(Ok((methods, required)))
    }

    /// The current state of a flow, for the pages.
    pub async fn reset_view(&self, token: &str) -> Result<FlowView, Error> {
        let flow = self.live_flow(token).await?;
        Ok(FlowView {
            kind: flow.kind,
            ready_for_password: flow.state == FlowState::Proven,
            expires_in: flow.created_at + self.settings.session_secs - self.clock.now(),
            methods: flow.methods,
            required: flow.required,
            proven: flow.proven,
        })
    }

    /// The effective password policy of a flow's account; only once a proof
    /// has been passed, so it never tells a stranger anything.
    pub async fn reset_policy(&self, token: &str) -> Result<super::policy::EffectivePolicy, Error> {
        let flow = self.live_flow(token).await?;
        let (Some(id), Some(dir), false) =
            (flow.account_id.clone(), self.directory(&flow.directory), flow.proven.is_empty())
        else {
            return Err(Error::WrongStep("verify your identity first"));
        };
        let account = dir.account(&AccountId(id)).await.map_err(directory_error)?.ok_or(Error::FlowNotFound)?;
        self.policy_for(&dir, &account).await
    }

    /// Sends a code for one of the offered methods.
    pub async fn reset_send(&self, token: &str, method: &str, client: &Client) -> Result<Sent, Error> {
        let flow = self.live_flow(token).await?;
        let offered = offered(&flow, method)?;
        if flow.state != FlowState::Proving || flow.proven.contains(&offered.id) {
            return Err(Error::WrongStep("this method has already been verified"));
        }
        let key = self.flow_key(&flow);
        self.ensure_not_blocked(&key).await?;
        let now = self.clock.now();
        let rules = self.settings.codes;
        if let Some(last) = self.store.latest_code(flow.id, offered.id.clone()).await? {
            let wait = rules.resend_at(last.created_at) - now;
            if wait > 0 {
                return Err(Error::TooSoon { retry_after: wait });
            }
        }
        let code = OneTimeCode::generate();
        let expires_at = rules.expiry(now);
        let mut effects = Effects::default();
        let destination = match &flow.account_id {
            Some(id) => self.contact_address(&flow.directory, id, offered.kind).await?,
            None => None,
        };
        self.note_send(&key, destination.as_deref(), &flow.login, client).await?;
        // A decoy still stores a code (its MAC can never be matched) so that
        // resend waits and answers look exactly like a real flow's.
        let mac = match &destination {
            Some(to) => {
                let minutes = rules.lifetime_secs / 60;
                let brand = &self.settings.brand;
                effects.messages.push(templates::verification_code(brand, to, code.digits(), minutes, expires_at));
                code.mac(&self.key, flow.id, &offered.id)
            }
            None => self.key.mac("passdesk/decoy-code/v1", &[FlowToken::generate().as_str().as_bytes()]),
        };
        let detail = format!("code sent by {}", offered.id);
        effects.audit.push(self.audit(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, client));
        self.store.issue_code(flow.id, offered.id.clone(), mac, expires_at, now, effects).await?;
        self.outbox_signal.notify_one();
        Ok(Sent { resend_after: rules.resend_wait_secs, valid_for: rules.lifetime_secs })
    }

    /// Checks a code typed by the person.
    pub async fn reset_verify(
        &self,
        token: &str,
        method: &str,
        code: &str,
        client: &Client,
    ) -> Result<Verified, Error> {
        let flow = self.live_flow(token).await?;
        let offered = offered(&flow, method)?;
        if flow.state != FlowState::Proving {
            return Err(Error::WrongStep("the proofs are already complete"));
        }
        let key = self.flow_key(&flow);
        self.ensure_not_blocked(&key).await?;
        let now = self.clock.now();
        let rules = self.settings.codes;
        let stored = self.store.latest_code(flow.id, offered.id.clone()).await?.ok_or(Error::NoCodeSent)?;
        if stored.used_at.is_some() || stored.failures >= rules.max_failures {
            return Err(Error::CodeUsedUp);
        }
        if now >= stored.expires_at {
            return Err(Error::CodeExpired);
        }
        let real = flow.account_id.is_some();
        if real && code_matches(&self.key, flow.id, &offered.id, code, &stored.mac) {
            let mut proven = flow.proven.clone();
            proven.push(offered.id.clone());
            let complete = proven.len() >= usize::from(flow.required);
            let state = if complete { FlowState::Proven } else { FlowState::Proving };
            let detail = format!("verified {}", offered.id);
            let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, client);
            let effects = Effects { audit: vec![audit], messages: vec![] };
            if !self.store.accept_code(stored.id, flow.id, proven, state, now, effects).await? {
                return Err(Error::CodeUsedUp);
            }
            return Ok(Verified { complete });
        }
        let detail = format!("wrong code for {}", offered.id);
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, client);
        let effects = Effects { audit: vec![audit], messages: vec![] };
        self.note_failure(&key, &flow.login, client).await?;
        match self.store.record_code_failure(stored.id, rules.max_failures, now, effects).await? {
            Some(failures) if failures < rules.max_failures => {
                Err(Error::CodeWrong { remaining: rules.max_failures - failures })
            }
            _ => Err(Error::CodeUsedUp),
        }
    }

    pub(super) async fn live_flow(&self, token: &str) -> Result<FlowRow, Error> {
        let token = FlowToken::parse(token).ok_or(Error::FlowNotFound)?;
        let flow = self.store.flow_by_token(token.digest()).await?.ok_or(Error::FlowNotFound)?;
        if flow.state == FlowState::Done {
            return Err(Error::FlowNotFound);
        }
        if self.clock.now() >= flow.created_at + self.settings.session_secs {
            return Err(Error::FlowExpired);
        }
        Ok(flow)
    }

    pub(super) async fn find_account(&self, login: &Login) -> Result<Option<(Arc<dyn Directory>, Account)>, Error> {
        for dir in &self.directories {
            if let Some(account) = dir.find(login.as_str()).await.map_err(directory_error)? {
                return Ok(Some((dir.clone(), account)));
            }
        }
        Ok(None)
    }

    async fn contact_address(&self, directory: &str, id: &str, kind: MethodKind) -> Result<Option<String>, Error> {
        let Some(dir) = self.directory(directory) else { return Ok(None) };
        let account = dir.account(&AccountId(id.to_owned())).await.map_err(directory_error)?;
        Ok(account.filter(|a| !a.disabled).and_then(|a| match kind {
            MethodKind::Email => a.email,
        }))
    }

    pub(super) fn directory(&self, name: &str) -> Option<Arc<dyn Directory>> {
        self.directories.iter().find(|d| d.name() == name).cloned()
    }

    fn default_directory(&self) -> String {
        self.directories.first().map(|d| d.name().to_owned()).unwrap_or_default()
    }

    fn decoy(&self, login: &Login) -> OfferedMethod {
        decoy_email_method(&self.key, login, &self.settings.decoy_mail_domain)
    }
}

/// The methods a real account can use, or why it gets a decoy instead.
fn real_methods(account: &Account) -> Result<Vec<OfferedMethod>, &'static str> {
    if account.disabled {
        return Err("account disabled");
    }
    let Some(email) = account.email.as_deref().filter(|e| e.contains('@')) else {
        return Err("no usable method registered");
    };
    Ok(vec![OfferedMethod { id: MethodKind::Email.id().to_owned(), kind: MethodKind::Email, hint: mask_email(email) }])
}

fn offered(flow: &FlowRow, method: &str) -> Result<OfferedMethod, Error> {
    flow.methods.iter().find(|m| m.id == method).cloned().ok_or(Error::UnknownMethod)
}

/// Turns a directory's answer into what the person can act on.
pub(super) fn directory_error(e: directory::Error) -> Error {
    use directory::Error as D;
    match e {
        D::PolicyRejected(reason) => Error::DirectoryPolicy(reason),
        D::Unavailable(_) => Error::DirectoryUnavailable,
        D::AccountDisabled | D::ProtectedAccount | D::AccessDenied { .. } | D::AccountLockedOut => {
            Error::AccountNotEligible(e.to_string())
        }
        D::NotFound => Error::FlowNotFound,
        D::InvalidCredentials | D::Other(_) => Error::Internal(e.to_string()),
    }
}
