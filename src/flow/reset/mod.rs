//! Self-service password reset (DESIGN.md §5–6): identify → pass the
//! required proofs → choose a new password → write it to the directory.
//! The state lives in the store, addressed by a random token. Unknown
//! users, disabled accounts and accounts without a usable method get a decoy
//! flow with the same shape, so a stranger learns nothing from the answers.

mod send;
mod verify;

use super::methods::{families, family_proven};
use super::{Client, Error, Flows};
use crate::directory::{self, Account, Directory};
use crate::domain::decoy::decoy_methods;
use crate::domain::phone::normalise_phone;
use crate::domain::policy::{Enabled, ResetPolicy};
use crate::domain::questions::Question;
use crate::domain::{
    Activity, AuditOutcome, Channel, FlowToken, Login, MethodKind, OfferedMethod, OneTimeCode, ProofStyle,
};
use crate::i18n::Msg;
use crate::notify::templates;
use crate::store::{Effects, FlowKind, FlowRow, FlowState, Issued, NewCode, NewFlow};
use std::collections::BTreeMap;
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
    /// Security questions drawn for this flow, once asked for.
    pub questions: Vec<Question>,
    /// Whether the new password may be set now.
    pub ready_for_password: bool,
    /// Seconds until the session ends.
    pub expires_in: i64,
}

/// Answer to `send`.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Seconds until another code may be requested (0 for questions).
    pub resend_after: i64,
    /// Seconds the code stays valid (0 for questions).
    pub valid_for: i64,
    /// The questions to answer, for the questions method.
    pub questions: Vec<Question>,
    /// Options for `navigator.credentials.get()`, for the passkey method.
    pub passkey: Option<serde_json::Value>,
}

/// What the person offers as proof.
#[derive(Debug, Clone)]
pub enum Proof {
    /// A sent code or an authenticator code.
    Code(String),
    /// Answers to the drawn questions, by question id.
    Answers(BTreeMap<String, String>),
    /// A passkey's answer to the flow's challenge.
    Passkey(crate::domain::passkey::AuthenticationResponse),
}

/// Answer to `verify`.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    /// True when every required proof has been passed.
    pub complete: bool,
}

impl Flows {
    /// Starts a reset for what the person typed as their user ID.
    /// `captcha` is the solved challenge and its solution (see
    /// [`Flows::captcha`]); it is checked before anything is looked up.
    pub async fn reset_start(
        &self,
        user: &str,
        captcha: Option<(&str, &str)>,
        kind: FlowKind,
        client: &Client,
    ) -> Result<Started, Error> {
        let begun = tokio::time::Instant::now();
        self.padded(begun, self.start_unpadded(user, captcha, kind, client).await).await
    }

    async fn start_unpadded(
        &self,
        user: &str,
        captcha: Option<(&str, &str)>,
        kind: FlowKind,
        client: &Client,
    ) -> Result<Started, Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        self.spend_captcha(captcha).await?;
        let policy = self.store.reset_policy().await?;
        self.note_policy(&policy);
        if kind == FlowKind::Unlock && !policy.allow_unlock {
            return Err(Error::UnlockDisabled);
        }
        let found = self.find_account(&login).await?;
        let mut linked = Vec::new();
        let mut required = policy.methods_required;
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
                Err(why) => (dir.name().to_owned(), None, self.decoys(&login, &policy), why),
            },
            None => (self.default_directory(), None, self.decoys(&login, &policy), "no such user".to_owned()),
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
        self.store.create_flow(flow, now, Effects::audited(vec![audit])).await?;
        Ok(Started { token, methods, required })
    }

    /// The methods an account may prove with and how many it must pass, or
    /// why it gets a decoy: outside the pilot group, or an administrator
    /// without the two methods the fixed administrator policy demands.
    pub(super) async fn eligible_methods(
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
        if account.disabled {
            return Ok(Err("account disabled".to_owned()));
        }
        let (required, allowed) = policy.for_person(standing.admin);
        let methods: Vec<OfferedMethod> = self
            .account_methods(dir.name(), account, policy.questions_to_reset)
            .await?
            .into_iter()
            .filter(|m| allowed.iter().any(|a| a == &m.id))
            .collect();
        if methods.is_empty() {
            return Ok(Err("no usable method registered".to_owned()));
        }
        if families(&methods) < usize::from(required) {
            let who = if standing.admin { "administrator: the administrator policy" } else { "the policy" };
            return Ok(Err(format!("{who} needs {required} method(s), {} usable", families(&methods))));
        }
        Ok(Ok((methods, required)))
    }

    /// The current state of a flow, for the pages.
    pub async fn reset_view(&self, token: &str) -> Result<FlowView, Error> {
        let flow = self.live_flow(token).await?;
        // A passed method, and any method proving the same factor, leaves
        // the list for the next proof (`proven` still names it).
        let methods = flow.methods.iter().filter(|m| !family_proven(&flow, m.kind)).cloned().collect();
        Ok(FlowView {
            kind: flow.kind,
            ready_for_password: flow.state == FlowState::Proven,
            expires_in: flow.created_at + self.settings.session_secs - self.clock.now(),
            methods,
            required: flow.required,
            proven: flow.proven,
            questions: flow.challenge,
        })
    }

    /// The effective password policy of a flow's account; only once a proof
    /// has been passed, so it never tells a stranger anything.
    pub async fn reset_policy(&self, token: &str) -> Result<super::policy::EffectivePolicy, Error> {
        let flow = self.live_flow(token).await?;
        if flow.proven.is_empty() {
            return Err(Error::WrongStep("step-verify-first"));
        }
        Ok(self.account_policy(&flow).await?.1)
    }

    /// Holds an answer until the response floor, plus a random jitter of
    /// up to a tenth of it, has passed since `begun`, so how long identify,
    /// send and verify take does not tell a real account from a decoy (or
    /// a right answer from a wrong one). The jitter drowns the sub-millisecond
    /// differences that remain after the floor (the timer's tick, caches):
    /// telling them apart would take thousands of tries per user ID, far
    /// beyond the send budget and the block after five failures
    /// (BENCHMARKS.md, "No enumeration by timing").
    pub(super) async fn padded<T>(&self, begun: tokio::time::Instant, answer: T) -> T {
        let floor = self.settings.response_floor;
        if floor.is_zero() {
            return answer;
        }
        let jitter_us = u64::try_from(floor.as_micros() / 10).unwrap_or(0);
        let jitter = std::time::Duration::from_micros(rand::random_range(0..=jitter_us));
        tokio::time::sleep_until(begun + floor + jitter).await;
        answer
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

    pub(super) fn directory(&self, name: &str) -> Option<Arc<dyn Directory>> {
        self.directories.iter().find(|d| d.name() == name).cloned()
    }

    fn default_directory(&self) -> String {
        self.directories.first().map(|d| d.name().to_owned()).unwrap_or_default()
    }

    fn decoys(&self, login: &Login, policy: &ResetPolicy) -> Vec<OfferedMethod> {
        let domain = &self.settings.decoy_mail_domain;
        decoy_methods(&self.key, login, domain, &policy.methods, policy.methods_required)
    }
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
