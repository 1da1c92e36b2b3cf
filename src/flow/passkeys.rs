//! Passkeys as a proof of identity (issue 6): registered in the
//! registration session, offered in resets like any other method. The
//! challenge of a registration waits in the session; a reset's waits in the
//! flow's code row (the raw challenge, which is no secret: only the
//! authenticator's private key can answer it). Either is used once.

use super::reset::Verified;
use super::{Client, Error, Flows};
use crate::domain::passkey::{
    self, AuthenticationResponse, Challenge, Passkey, PasskeyUser, RegistrationResponse, RelyingParty, UserHandle,
};
use crate::domain::{Activity, AuditOutcome, Enrolment, Login, OfferedMethod};
use crate::store::{Effects, EnrolmentRow, FlowRow, FlowState, Issued, NewCode, Pending};
use serde_json::Value;

/// Seconds a challenge waits for the browser: the options' own timeout.
const CHALLENGE_SECS: i64 = (passkey::TIMEOUT_MS / 1000) as i64;

/// The passkeys stored in an account's rows.
pub(super) fn stored_passkeys(rows: &[EnrolmentRow]) -> Vec<Passkey> {
    rows.iter()
        .find(|r| r.kind == Enrolment::Passkey)
        .and_then(|r| serde_json::from_str(&r.value).ok())
        .unwrap_or_default()
}

fn refused(e: passkey::PasskeyError) -> Error {
    Error::PasskeyRefused(e.to_string())
}

impl Flows {
    /// This server as WebAuthn sees it: the public URL's host and origin.
    fn relying_party(&self) -> Result<RelyingParty, Error> {
        url::Url::parse(&self.settings.public_base)
            .ok()
            .and_then(|u| RelyingParty::for_url(&u))
            .ok_or_else(|| Error::Internal(format!("no relying party for {}", self.settings.public_base)))
    }

    /// Options for `navigator.credentials.create()` in a registration
    /// session; the challenge waits in the session.
    pub async fn register_passkey_start(&self, token: &str) -> Result<Value, Error> {
        let s = self.signed(token).await?;
        let rp = self.relying_party()?;
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let login = Login::parse(&s.account.login).map_err(|e| Error::Internal(e.to_string()))?;
        let handle = UserHandle::for_login(&self.key, &login);
        let user = PasskeyUser { handle: &handle, name: &s.account.login, display_name: &s.account.display_name };
        let challenge = Challenge::generate();
        let now = self.clock.now();
        let pending = Pending {
            kind: Enrolment::Passkey,
            value: challenge.to_base64url(),
            mac: Vec::new(),
            sent_at: now,
            expires_at: now + CHALLENGE_SECS,
            failures: 0,
        };
        self.store.set_pending(s.row.id, pending, None, now, Effects::default()).await?;
        let site = &self.settings.brand.organisation;
        Ok(passkey::creation_options(&rp, site, &user, &challenge, &stored_passkeys(&rows), false))
    }

    /// Checks the browser's answer to [`Self::register_passkey_start`] and
    /// adds the passkey. A replayed answer finds no waiting challenge.
    pub async fn register_passkey_finish(
        &self,
        token: &str,
        response: RegistrationResponse,
        client: &Client,
    ) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let Some(p) = s.row.pending.clone().filter(|p| p.kind == Enrolment::Passkey && p.expires_at > now) else {
            return Err(Error::WrongStep("this passkey request was used or has expired: start again"));
        };
        let challenge = Challenge::from_base64url(&p.value).ok_or(Error::SignInNeeded)?;
        let login = Login::parse(&s.account.login).map_err(|e| Error::Internal(e.to_string()))?;
        let handle = UserHandle::for_login(&self.key, &login);
        let rp = self.relying_party()?;
        let key = self.defence_key(&s.row.directory, Some(&s.row.account_id), &s.row.login);
        let new = match passkey::verify_registration(&rp, &challenge, &handle, response, false) {
            Ok(new) => new,
            Err(e) => {
                let detail = format!("registration: passkey refused: {e}");
                let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, &s.row.login, detail, client);
                // One answer per challenge: the waiting request is dropped.
                self.store.pending_failure(s.row.id, 1, now, Effects::audited(vec![audit])).await?;
                self.note_failure(&key, &s.row.login, client).await?;
                return Err(refused(e));
            }
        };
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let mut list = stored_passkeys(&rows);
        if list.iter().any(|k| k.credential_id == new.credential_id) {
            self.store.drop_pending(s.row.id, now).await?;
            return Err(Error::PasskeyRefused("this passkey is registered already".into()));
        }
        list.push(new);
        let value = serde_json::to_string(&list).map_err(|e| Error::Internal(e.to_string()))?;
        let detail = format!("registered passkey ({} in all)", list.len());
        self.save_proven(&s, Enrolment::Passkey, value, None, detail, client).await
    }

    /// A reset's passkey step: a challenge kept in the flow's code row and
    /// the options for `navigator.credentials.get()`. A decoy flow gets
    /// options just as real, for a credential that does not exist.
    pub(super) async fn passkey_challenge(
        &self,
        flow: &FlowRow,
        offered: &OfferedMethod,
        key: &str,
        client: &Client,
    ) -> Result<Value, Error> {
        let rp = self.relying_party()?;
        let passkeys = match &flow.account_id {
            Some(id) => stored_passkeys(&self.store.enrolments(flow.directory.clone(), id.clone()).await?),
            None => vec![self.decoy_passkey(&flow.login)],
        };
        let challenge = Challenge::generate();
        let now = self.clock.now();
        let mut mac = [0u8; 32];
        mac.copy_from_slice(challenge.as_bytes());
        let code = NewCode { flow_id: flow.id, method: offered.id.clone(), mac, expires_at: now + CHALLENGE_SECS };
        match self.store.issue_code(code, self.send_count(key, None), now, Effects::default()).await? {
            Issued::Issued => Ok(passkey::request_options(&rp, &challenge, &passkeys, false)),
            Issued::OverBudget(counts) => Err(self.over_budget(counts, key, &flow.login, client).await),
        }
    }

    /// A stable, made-up passkey for a decoy user ID.
    fn decoy_passkey(&self, login: &str) -> Passkey {
        let mac = self.key.mac("passdesk/decoy-passkey/v1", &[login.to_lowercase().as_bytes()]);
        Passkey {
            credential_id: mac[..16].to_vec(),
            algorithm: -7,
            public_key: Vec::new(),
            sign_count: 0,
            user_verified: false,
            backup_eligible: true,
            transports: vec!["internal".into(), "hybrid".into()],
            user_handle: Vec::new(),
        }
    }

    /// Checks a reset's passkey answer against the flow's challenge and the
    /// account's passkeys; the counter is stored with the proof.
    pub(super) async fn verify_passkey(
        &self,
        flow: &FlowRow,
        offered: &OfferedMethod,
        key: &str,
        response: AuthenticationResponse,
        client: &Client,
    ) -> Result<Verified, Error> {
        let now = self.clock.now();
        let stored = self.store.latest_code(flow.id, offered.id.clone()).await?.ok_or(Error::NoCodeSent)?;
        if stored.used_at.is_some() || stored.failures >= 1 || now >= stored.expires_at {
            return Err(Error::WrongStep("this passkey request was used or has expired: start again"));
        }
        let challenge = Challenge::from_bytes(&stored.mac).ok_or(Error::NoCodeSent)?;
        let rp = self.relying_party()?;
        let rows = match &flow.account_id {
            Some(id) => self.store.enrolments(flow.directory.clone(), id.clone()).await?,
            None => Vec::new(),
        };
        let mut list = stored_passkeys(&rows);
        let checked = passkey::credential_id_of(&response)
            .map_err(refused)
            .and_then(|id| {
                list.iter()
                    .position(|p| p.credential_id == id)
                    .ok_or(Error::PasskeyRefused("this passkey is not registered for this account".into()))
            })
            .and_then(|at| {
                let count =
                    passkey::verify_authentication(&rp, &challenge, &list[at], response, false).map_err(refused)?;
                Ok((at, count))
            });
        let (at, count) = match checked {
            Ok(found) => found,
            Err(e) => {
                let detail = format!("passkey refused: {e}");
                let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, client);
                self.note_failure(key, &flow.login, client).await?;
                // One answer per challenge.
                self.store.record_code_failure(stored.id, 1, now, Effects::audited(vec![audit])).await?;
                return Err(e);
            }
        };
        if let Some(p) = list.get_mut(at) {
            p.sign_count = count;
        }
        let mut proven = flow.proven.clone();
        proven.push(offered.id.clone());
        let complete = proven.len() >= usize::from(flow.required);
        let state = if complete { FlowState::Proven } else { FlowState::Proving };
        let detail = format!("verified {}", offered.id);
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, client);
        if !self.store.accept_code(stored.id, flow.id, proven, state, now, Effects::audited(vec![audit])).await? {
            return Err(Error::CodeUsedUp);
        }
        if let Some(id) = &flow.account_id {
            let value = serde_json::to_string(&list).map_err(|e| Error::Internal(e.to_string()))?;
            self.store.update_enrolment_value(flow.directory.clone(), id.clone(), Enrolment::Passkey, value).await?;
        }
        Ok(Verified { complete })
    }
}
