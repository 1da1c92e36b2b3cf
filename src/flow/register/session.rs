//! Signing in to registration with the directory password, and the
//! session that follows: idle and absolute timeouts, blocks, sign-out.

use super::view::Registration;
use super::{SESSION_IDLE_SECS, SESSION_MAX_SECS};
use crate::directory::{Account, AccountId, Directory};
use crate::domain::policy::ResetPolicy;
use crate::domain::{Activity, AuditOutcome, FlowToken, Login};
use crate::flow::reset::directory_error;
use crate::flow::{Client, Error, Flows};
use crate::i18n::Msg;
use crate::store::SessionRow;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// A fresh sign-in: the token for the cookie or bearer, and the page.
pub struct SignedIn {
    /// The session token (only its SHA-256 is stored).
    pub token: FlowToken,
    /// What the person sees first.
    pub view: Registration,
}

/// A signed-in session with its directory and account, as just read.
pub(in crate::flow) struct Signed {
    pub row: SessionRow,
    pub dir: Arc<dyn Directory>,
    pub account: Account,
}

impl Flows {
    /// Signs a person in to registration with their directory password.
    /// Unknown users, wrong passwords and blocked accounts look the same
    /// from outside; wrong passwords count towards the block like failed
    /// proofs in a reset.
    pub async fn register_sign_in(
        &self,
        user: &str,
        password: &SecretString,
        client: &Client,
    ) -> Result<SignedIn, Error> {
        let begun = tokio::time::Instant::now();
        let answer = self.sign_in_unpadded(user, password, true, client).await;
        self.padded(begun, answer).await
    }

    /// Signs in; `counted` says whether a wrong password counts towards the
    /// sign-in block (not for the sign-in passdesk makes itself right after
    /// a change, where a directory replica may not know the new password yet).
    async fn sign_in_unpadded(
        &self,
        user: &str,
        password: &SecretString,
        counted: bool,
        client: &Client,
    ) -> Result<SignedIn, Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidInput { field: "password", message: Msg::new("input-password-missing") });
        }
        let found = self.find_account(&login).await?;
        let (directory, account_id) = match &found {
            Some((dir, account)) => (dir.name().to_owned(), Some(account.id.0.as_str())),
            None => (String::new(), None),
        };
        // A reset block (failed proofs, "this wasn't me") stops sign-in too;
        // failed sign-ins count under their own key, so a stranger who
        // types wrong passwords for someone's user ID blocks only sign-in
        // to registration, never their password reset.
        let key = self.defence_key(&directory, account_id, login.as_str());
        self.ensure_not_blocked(&key).await?;
        let key = format!("signin:{key}");
        self.ensure_not_blocked(&key).await?;
        let fail = |why: &str| {
            let detail = format!("registration sign-in: {why}");
            self.audit(Activity::FlowProgress, AuditOutcome::Failure, login.as_str(), detail, client)
        };
        let Some((dir, account)) = found else {
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![fail("no such user")])).await?;
            if counted {
                self.note_failure(&key, login.as_str(), client).await?;
            }
            return Err(Error::WrongCredentials);
        };
        if let Err(e) = dir.authenticate(&account.id, password).await {
            let audit = fail(&e.to_string());
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
            return Err(match e {
                // A locked or disabled account answers like a wrong password
                // (Active Directory says "locked" whatever the password, which
                // would tell a stranger the account exists).
                crate::directory::Error::InvalidCredentials
                | crate::directory::Error::AccountLockedOut
                | crate::directory::Error::AccountDisabled => {
                    if counted {
                        self.note_failure(&key, login.as_str(), client).await?;
                    }
                    Error::WrongCredentials
                }
                other => directory_error(other),
            });
        }
        let policy = self.store.reset_policy().await?;
        if let Err(why) = self.eligible(&dir, &account, &policy).await? {
            let audit = fail(&why);
            self.store.record(self.clock.now(), crate::store::Effects::audited(vec![audit])).await?;
            return Err(Error::AccountNotEligible(why));
        }
        let token = FlowToken::generate();
        let now = self.clock.now();
        let detail = format!("registration sign-in to directory {}", dir.name());
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, login.as_str(), detail, client);
        let id = self
            .store
            .create_session(
                token.digest(),
                dir.name().to_owned(),
                account.id.0.clone(),
                account.login.clone(),
                now,
                crate::store::Effects::audited(vec![audit]),
            )
            .await?;
        self.guards.remember(id, password);
        // The row just written, without reading it back.
        let row = SessionRow {
            id,
            directory: dir.name().to_owned(),
            account_id: account.id.0.clone(),
            login: account.login.clone(),
            created_at: now,
            touched_at: now,
            skipped: false,
            pending: None,
        };
        let view = self.registration_of(&Signed { row, dir, account }, &policy).await?;
        Ok(SignedIn { token, view })
    }

    /// Whether the policy lets this person use self-service at all.
    async fn eligible(
        &self,
        dir: &Arc<dyn Directory>,
        account: &Account,
        policy: &ResetPolicy,
    ) -> Result<Result<(), String>, Error> {
        use crate::domain::policy::Enabled;
        if account.disabled {
            return Ok(Err("account disabled".into()));
        }
        let standing = dir.standing(&account.id).await.map_err(directory_error)?;
        Ok(match (policy.enabled, standing.pilot) {
            (Enabled::None, _) => Err("self-service password reset is turned off".into()),
            (Enabled::Group, None | Some(false)) => Err("not in the pilot group".into()),
            _ => Ok(()),
        })
    }

    /// The live session a token opens, touched now; an idle or old one is
    /// ended and refused.
    pub(in crate::flow) async fn signed(&self, token: &str) -> Result<Signed, Error> {
        let token = FlowToken::parse(token).ok_or(Error::SignInNeeded)?;
        let row = self.store.session_by_token(token.digest()).await?.ok_or(Error::SignInNeeded)?;
        let now = self.clock.now();
        if row.touched_at + SESSION_IDLE_SECS < now || row.created_at + SESSION_MAX_SECS < now {
            self.guards.forget(row.id);
            self.store.end_session(row.id, now, crate::store::Effects::default()).await?;
            return Err(Error::SignInNeeded);
        }
        let dir = self.directory(&row.directory).ok_or(Error::SignInNeeded)?;
        let account = dir.account(&AccountId(row.account_id.clone())).await.map_err(directory_error)?;
        let Some(account) = account.filter(|a| !a.disabled) else {
            self.store.end_session(row.id, now, crate::store::Effects::default()).await?;
            return Err(Error::SignInNeeded);
        };
        // A block (too many failures, or a "this wasn't me" report) also
        // stops a session that was open before it.
        let key = self.defence_key(&row.directory, Some(&row.account_id), &row.login);
        self.ensure_not_blocked(&key).await?;
        self.store.touch_session(row.id, false, now).await?;
        Ok(Signed { row, dir, account })
    }

    /// After a password change through the portal, when the policy asks
    /// for registration at sign-in: signs the person in with the password
    /// they just chose and returns the session when registration (or
    /// re-confirmation) is due, so the page can take them there. `None`
    /// when nothing is due or the sign-in did not work (the change stands).
    pub async fn registration_due_after_change(
        &self,
        user: &str,
        new: &SecretString,
        client: &Client,
    ) -> Result<Option<FlowToken>, Error> {
        if !self.store.reset_policy().await?.require_registration {
            return Ok(None);
        }
        let Ok(signed) = self.sign_in_unpadded(user, new, false, client).await else { return Ok(None) };
        if signed.view.interrupt {
            return Ok(Some(signed.token));
        }
        self.register_sign_out(signed.token.as_str()).await?;
        Ok(None)
    }

    /// Forgets sessions past their idle or absolute timeout.
    pub async fn purge_sessions(&self) -> Result<usize, Error> {
        self.guards.forget_old();
        let now = self.clock.now();
        Ok(self.store.purge_sessions(now - SESSION_IDLE_SECS, now - SESSION_MAX_SECS).await?)
    }

    /// Ends the session.
    pub async fn register_sign_out(&self, token: &str) -> Result<(), Error> {
        let Some(token) = FlowToken::parse(token) else { return Ok(()) };
        if let Some(row) = self.store.session_by_token(token.digest()).await? {
            self.guards.forget(row.id);
            self.store.end_session(row.id, self.clock.now(), crate::store::Effects::default()).await?;
        }
        Ok(())
    }
}
