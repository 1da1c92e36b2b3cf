//! Signing in to the admin portal: members of a directory's admin group
//! (nested groups) and local administrators, with idle and absolute
//! timeouts, re-authentication before sensitive changes, and an audit row
//! for every sign-in, sign-out and refusal.

use super::reset::directory_error;
use super::{Client, Error, Flows};
use crate::domain::{Activity, AuditOutcome, FlowToken, Login};
use crate::i18n::Msg;
use crate::store::{AdminSessionRow, Effects, NewAdminSession};
use secrecy::{ExposeSecret, SecretString};

/// An admin session ends after this long without a request.
pub const ADMIN_IDLE_SECS: i64 = 15 * 60;
/// An admin session ends this long after sign-in, however busy.
pub const ADMIN_MAX_SECS: i64 = 8 * 60 * 60;
/// A sensitive change needs the password typed within this long.
pub const ADMIN_REAUTH_SECS: i64 = 5 * 60;

/// A signed-in administrator, as a page needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    /// Row id.
    pub id: i64,
    /// User ID as the directory spells it.
    pub login: String,
    /// The directory that vouched for them.
    pub directory: String,
    /// Their account in it (re-authentication binds as this account, even
    /// if the user ID now belongs to someone else).
    pub account_id: String,
    /// The password was typed recently enough for a sensitive change.
    pub fresh: bool,
    /// When the session ends at the latest.
    pub ends_at: i64,
}

impl Flows {
    /// Signs an administrator in with their directory (or local) password.
    /// Unknown users and wrong passwords look the same and count towards a
    /// block of admin sign-in only; a person who is no administrator gets
    /// a refusal and an audit row.
    pub async fn admin_sign_in(
        &self,
        user: &str,
        password: &SecretString,
        client: &Client,
    ) -> Result<(FlowToken, AdminSession), Error> {
        let begun = tokio::time::Instant::now();
        let answer = self.admin_sign_in_unpadded(user, password, client).await;
        self.padded(begun, answer).await
    }

    async fn admin_sign_in_unpadded(
        &self,
        user: &str,
        password: &SecretString,
        client: &Client,
    ) -> Result<(FlowToken, AdminSession), Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidInput { field: "password", message: Msg::new("input-password-missing") });
        }
        let found = self.find_account(&login).await?;
        let (directory, account_id) = match &found {
            Some((dir, account)) => (dir.name().to_owned(), Some(account.id.0.as_str())),
            None => (String::new(), None),
        };
        let key = format!("adminsignin:{}", self.defence_key(&directory, account_id, login.as_str()));
        self.ensure_not_blocked(&key).await?;
        let record = |outcome, activity, why: String| {
            let audit = self.audit(activity, outcome, login.as_str(), why, client);
            self.store.record(self.clock.now(), Effects::audited(vec![audit]))
        };
        let Some((dir, account)) = found else {
            record(AuditOutcome::Failure, Activity::AdminSignIn, "no such user".into()).await?;
            self.note_failure(&key, login.as_str(), client).await?;
            return Err(Error::WrongCredentials);
        };
        if let Err(e) = dir.authenticate(&account.id, password).await {
            record(AuditOutcome::Failure, Activity::AdminSignIn, e.to_string()).await?;
            return Err(match e {
                crate::directory::Error::InvalidCredentials
                | crate::directory::Error::AccountLockedOut
                | crate::directory::Error::AccountDisabled => {
                    self.note_failure(&key, login.as_str(), client).await?;
                    Error::WrongCredentials
                }
                other => directory_error(other),
            });
        }
        let standing = dir.standing(&account.id).await.map_err(directory_error)?;
        if !standing.admin {
            let why = format!("{} signed in with the right password but is not an administrator", account.login);
            record(AuditOutcome::Failure, Activity::AdminAccessRefused, why).await?;
            return Err(Error::NotAdmin);
        }
        let token = FlowToken::generate();
        let now = self.clock.now();
        let detail = format!("signed in to the admin portal (directory {})", dir.name());
        let audit = self.audit(Activity::AdminSignIn, AuditOutcome::Success, &account.login, detail, client);
        let new = NewAdminSession {
            token_hash: token.digest(),
            login: account.login.clone(),
            directory: dir.name().to_owned(),
            account_id: account.id.0.clone(),
            client_ip: client.ip.clone(),
        };
        let id = self.store.create_admin_session(new, now, Effects::audited(vec![audit])).await?;
        let session = AdminSession {
            id,
            login: account.login,
            directory: dir.name().to_owned(),
            account_id: account.id.0,
            fresh: true,
            ends_at: now + ADMIN_MAX_SECS,
        };
        Ok((token, session))
    }

    /// The form token of an admin session: bound to the session by the
    /// server key, so a CSRF cookie planted in the browser (or one from
    /// before the sign-in) can never stand in for it, and nothing needs
    /// storing. A new server key asks admins to reload their pages.
    pub fn admin_form_token(&self, session_token: &str) -> String {
        hex::encode(self.key.mac("admin form token", &[session_token.as_bytes()]))
    }

    /// The live admin session a cookie's token opens, marked used now; an
    /// idle or too old one is ended (and audited) and gives `None`.
    pub async fn admin_session(&self, token: &str, client: &Client) -> Result<Option<AdminSession>, Error> {
        let Some(token) = FlowToken::parse(token) else { return Ok(None) };
        let Some(row) = self.store.admin_session(token.digest()).await? else { return Ok(None) };
        let now = self.clock.now();
        if now - row.touched_at > ADMIN_IDLE_SECS || now - row.created_at > ADMIN_MAX_SECS {
            let why = if now - row.created_at > ADMIN_MAX_SECS { "the 8-hour limit" } else { "15 minutes idle" };
            self.end_admin_session(&row, &format!("session ended after {why}"), client).await?;
            return Ok(None);
        }
        // Still an administrator? A removed local administrator or someone
        // taken out of the admin group loses the portal at once. When the
        // directory cannot be asked, the sign-in's answer stands (changes
        // still need a password the directory checks).
        if let Some(dir) = self.directory(&row.directory) {
            match dir.standing(&crate::directory::AccountId(row.account_id.clone())).await {
                Ok(standing) if !standing.admin => {
                    self.end_admin_session(&row, "no longer an administrator", client).await?;
                    return Ok(None);
                }
                Err(crate::directory::Error::NotFound) => {
                    self.end_admin_session(&row, "the account no longer exists", client).await?;
                    return Ok(None);
                }
                _ => {}
            }
        }
        self.store.touch_admin_session(row.id, false, now, Effects::default()).await?;
        Ok(Some(session_of(&row, now)))
    }

    /// Re-authenticates a signed-in administrator with their password, so
    /// sensitive changes are allowed for the next few minutes. A wrong
    /// password counts towards the admin sign-in block.
    pub async fn admin_reauthenticate(
        &self,
        session: &AdminSession,
        password: &SecretString,
        client: &Client,
    ) -> Result<(), Error> {
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidInput { field: "password", message: Msg::new("input-password-missing") });
        }
        let dir = self.directory(&session.directory).ok_or(Error::SignInNeeded)?;
        let id = crate::directory::AccountId(session.account_id.clone());
        let account = dir.account(&id).await.map_err(directory_error)?.ok_or(Error::SignInNeeded)?;
        let key = format!("adminsignin:{}", self.defence_key(dir.name(), Some(&account.id.0), &session.login));
        self.ensure_not_blocked(&key).await?;
        let now = self.clock.now();
        if let Err(e) = dir.authenticate(&account.id, password).await {
            let audit = self.audit(
                Activity::AdminSignIn,
                AuditOutcome::Failure,
                &session.login,
                format!("re-authentication refused: {e}"),
                client,
            );
            self.store.record(now, Effects::audited(vec![audit])).await?;
            self.note_failure(&key, &session.login, client).await?;
            return Err(Error::WrongCredentials);
        }
        // Still an administrator? Group membership may have changed.
        if !dir.standing(&account.id).await.map_err(directory_error)?.admin {
            let audit = self.audit(
                Activity::AdminAccessRefused,
                AuditOutcome::Failure,
                &session.login,
                "no longer an administrator".into(),
                client,
            );
            self.store.end_admin_session(session.id, now - ADMIN_IDLE_SECS, now, Effects::audited(vec![audit])).await?;
            return Err(Error::NotAdmin);
        }
        let audit = self.audit(
            Activity::AdminSignIn,
            AuditOutcome::Success,
            &session.login,
            "re-authenticated for a sensitive change".into(),
            client,
        );
        self.store.touch_admin_session(session.id, true, now, Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// Signs an administrator out.
    pub async fn admin_sign_out(&self, token: &str, client: &Client) -> Result<(), Error> {
        let Some(token) = FlowToken::parse(token) else { return Ok(()) };
        if let Some(row) = self.store.admin_session(token.digest()).await? {
            self.end_admin_session(&row, "signed out", client).await?;
        }
        Ok(())
    }

    async fn end_admin_session(&self, row: &AdminSessionRow, why: &str, client: &Client) -> Result<(), Error> {
        let now = self.clock.now();
        let audit = self.audit(Activity::AdminSignOut, AuditOutcome::Success, &row.login, why.to_owned(), client);
        self.store.end_admin_session(row.id, now - ADMIN_MAX_SECS, now, Effects::audited(vec![audit])).await?;
        Ok(())
    }

    /// Records that someone who is not an administrator reached an admin
    /// page or the admin API (`what` names the route and the credential).
    pub async fn admin_access_refused(&self, who: &str, what: &str, client: &Client) -> Result<(), Error> {
        let audit = self.audit(Activity::AdminAccessRefused, AuditOutcome::Failure, who, what.to_owned(), client);
        self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
        Ok(())
    }
}

fn session_of(row: &AdminSessionRow, now: i64) -> AdminSession {
    AdminSession {
        id: row.id,
        login: row.login.clone(),
        directory: row.directory.clone(),
        account_id: row.account_id.clone(),
        fresh: now - row.reauth_at <= ADMIN_REAUTH_SECS,
        ends_at: row.created_at + ADMIN_MAX_SECS,
    }
}
