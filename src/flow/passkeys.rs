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
use crate::i18n::Msg;
use crate::store::{Effects, EnrolmentRow, FlowRow, FlowState, Issued, NewCode, Pending};
use serde_json::Value;

/// Seconds a challenge waits for the browser: the options' own timeout.
pub(super) const CHALLENGE_SECS: i64 = (passkey::TIMEOUT_MS / 1000) as i64;

/// Passkeys one account may keep: enough for every device a person has.
const MAX_PASSKEYS: usize = 10;

/// Reset challenges an account may ask for per send window.
const CHALLENGES_PER_WINDOW: u32 = 30;

/// The one answer to every refused passkey in a reset.
const REFUSED: &str = "it does not match a passkey registered for this account, or the request expired";

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

    /// The handle passkeys of this login are registered under: the one its
    /// passkeys already carry (made under an earlier server key, perhaps),
    /// else the one derived under the current key.
    fn user_handle(&self, login: &str, existing: &[Passkey]) -> Result<UserHandle, Error> {
        if let Some(handle) = UserHandle::of_existing(existing) {
            return Ok(handle);
        }
        let login = Login::parse(login).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(UserHandle::for_login(&self.key, &login))
    }

    /// Options for `navigator.credentials.create()` in a registration
    /// session; the challenge waits in the session.
    pub async fn register_passkey_start(&self, token: &str) -> Result<Value, Error> {
        let s = self.signed(token).await?;
        self.ensure_offered(&s, Enrolment::Passkey).await?;
        let now = self.clock.now();
        self.ensure_no_code_waiting(&s, now)?;
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let existing = stored_passkeys(&rows);
        if existing.len() >= MAX_PASSKEYS {
            return Err(Error::InvalidInput {
                field: "passkey",
                message: Msg::new("input-passkeys-full").arg("max", MAX_PASSKEYS),
            });
        }
        let rp = self.relying_party()?;
        let handle = self.user_handle(&s.account.login, &existing)?;
        let user = PasskeyUser { handle: &handle, name: &s.account.login, display_name: &s.account.display_name };
        let challenge = Challenge::generate();
        let pending = Pending {
            kind: Enrolment::Passkey,
            value: challenge.to_base64url(),
            mac: Vec::new(),
            sent_at: now,
            expires_at: now + CHALLENGE_SECS,
            failures: 0,
        };
        self.store.set_pending(s.row.id, pending, None, now, Effects::default()).await?;
        let site = &self.branding().name.clone();
        Ok(passkey::creation_options(&rp, site, &user, &challenge, &existing, false))
    }

    /// Checks the browser's answer to [`Self::register_passkey_start`] and
    /// adds the passkey. Each challenge takes one answer: a replayed or
    /// refused one finds nothing waiting.
    pub async fn register_passkey_finish(
        &self,
        token: &str,
        response: RegistrationResponse,
        client: &Client,
    ) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let Some(p) = self.store.claim_pending_try(s.row.id, Enrolment::Passkey, 1, now).await? else {
            return Err(Error::WrongStep("step-passkey-expired"));
        };
        let challenge = Challenge::from_base64url(&p.value).ok_or(Error::SignInNeeded)?;
        let rows = self.store.enrolments(s.row.directory.clone(), s.row.account_id.clone()).await?;
        let handle = self.user_handle(&s.account.login, &stored_passkeys(&rows))?;
        let rp = self.relying_party()?;
        let new = match passkey::verify_registration(&rp, &challenge, &handle, response, false) {
            Ok(new) => new,
            Err(e) => {
                self.store.drop_pending(s.row.id, now).await?;
                self.registration_failure(&s, format!("registration: passkey refused: {e}"), client).await?;
                return Err(refused(e));
            }
        };
        let mut list = stored_passkeys(&rows);
        if list.iter().any(|k| k.credential_id == new.credential_id) {
            self.store.drop_pending(s.row.id, now).await?;
            return Err(Error::PasskeyRefused("this passkey is registered already".into()));
        }
        if list.len() >= MAX_PASSKEYS {
            self.store.drop_pending(s.row.id, now).await?;
            return Err(Error::PasskeyRefused(format!("you have {MAX_PASSKEYS} passkeys already: remove one first")));
        }
        list.push(new);
        let value = serde_json::to_string(&list).map_err(|e| Error::Internal(e.to_string()))?;
        let detail = format!("registered passkey ({} in all)", list.len());
        self.save_proven(&s, Some(&p.value), Enrolment::Passkey, value, None, detail, client).await
    }

    /// A reset's passkey step: a challenge kept in the flow's code row and
    /// the options for `navigator.credentials.get()`. A decoy flow gets
    /// options just as real, for a credential that does not exist. Asking
    /// is limited like sending, but never blocks: nothing was sent.
    pub(super) async fn passkey_challenge(
        &self,
        flow: &FlowRow,
        offered: &OfferedMethod,
        key: &str,
    ) -> Result<Value, Error> {
        let rp = self.relying_party()?;
        let passkeys = match &flow.account_id {
            Some(id) => stored_passkeys(&self.store.enrolments(flow.directory.clone(), id.clone()).await?),
            None => vec![self.decoy_passkey(&flow.login)],
        };
        let challenge = Challenge::generate();
        let now = self.clock.now();
        let mac = *challenge.as_array();
        let code = NewCode { flow_id: flow.id, method: offered.id.clone(), mac, expires_at: now + CHALLENGE_SECS };
        let mut limit = self.send_count(&format!("challenge:{key}"), None);
        limit.key_budget = CHALLENGES_PER_WINDOW;
        match self.store.issue_code(code, limit, now, Effects::default()).await? {
            Issued::Issued => Ok(passkey::request_options(&rp, &challenge, &passkeys, false)),
            Issued::OverBudget(_) => Err(Error::TooSoon { retry_after: 60 }),
        }
    }

    /// A stable, made-up passkey for a decoy user ID.
    fn decoy_passkey(&self, login: &str) -> Passkey {
        let mac = self.key.mac("passdesk/decoy-passkey/v1", &[login.to_lowercase().as_bytes()]);
        let length = if mac[31] & 1 == 0 { 16 } else { 32 };
        Passkey {
            credential_id: mac[..length].to_vec(),
            algorithm: -7,
            public_key: Vec::new(),
            sign_count: 0,
            user_verified: false,
            backup_eligible: true,
            transports: if mac[30] & 1 == 0 { vec!["internal".into(), "hybrid".into()] } else { vec!["usb".into()] },
            user_handle: Vec::new(),
        }
    }

    /// Checks a reset's passkey answer against the flow's challenge and the
    /// account's passkeys. Every refusal gives the same answer, whatever
    /// the cause (the audit row keeps it), so a made-up user ID and a real
    /// one cannot be told apart by how their passkeys fail.
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
            return Err(Error::WrongStep("step-passkey-expired-again"));
        }
        // One answer per challenge, claimed before it is checked.
        if self.store.claim_code_try(stored.id, 1).await?.is_none() {
            return Err(Error::WrongStep("step-passkey-expired-again"));
        }
        let checked = match &flow.account_id {
            Some(id) => self.check_passkey(&flow.directory, id, &stored.mac, response).await?,
            None => Err("no such account (decoy)".to_owned()),
        };
        if let Err(why) = checked {
            let detail = format!("passkey refused: {why}");
            let facets = super::Facets::method(offered.kind.id()).reason(crate::domain::audit::Reason::PasskeyRefused);
            let audit =
                self.audit_as(Activity::FlowProgress, AuditOutcome::Failure, &flow.login, detail, facets, client);
            self.store.record(now, Effects::audited(vec![audit])).await?;
            self.note_failure(key, &flow.login, client).await?;
            return Err(Error::PasskeyRefused(REFUSED.to_owned()));
        }
        let mut proven = flow.proven.clone();
        proven.push(offered.id.clone());
        let complete = proven.len() >= usize::from(flow.required);
        let state = if complete { FlowState::Proven } else { FlowState::Proving };
        let detail = format!("verified {}", offered.id);
        let facets = super::Facets::method(offered.kind.id());
        let audit = self.audit_as(Activity::FlowProgress, AuditOutcome::Success, &flow.login, detail, facets, client);
        if !self.store.accept_code(stored.id, flow.id, proven, state, now, Effects::audited(vec![audit])).await? {
            return Err(Error::CodeUsedUp);
        }
        Ok(Verified { complete })
    }

    /// Verifies an answer against the account's passkey it names and stores
    /// the new signature counter; `Err` says why it was refused (for the
    /// audit only).
    async fn check_passkey(
        &self,
        directory: &str,
        account_id: &str,
        challenge: &[u8],
        response: AuthenticationResponse,
    ) -> Result<Result<(), String>, Error> {
        let Some(challenge) = Challenge::from_bytes(challenge) else { return Ok(Err("no challenge".into())) };
        let rows = self.store.enrolments(directory.to_owned(), account_id.to_owned()).await?;
        let list = stored_passkeys(&rows);
        let id = match passkey::credential_id_of(&response) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let Some(known) = list.iter().find(|p| p.credential_id == id) else {
            return Ok(Err("a passkey this account does not have".into()));
        };
        let rp = self.relying_party()?;
        let count = match passkey::verify_authentication(&rp, &challenge, known, response, false) {
            Ok(count) => count,
            Err(e) => return Ok(Err(e.to_string())),
        };
        // The counter moves on in the store only if no other sign-in with
        // this passkey moved it meanwhile (a clone would race here).
        if !self
            .store
            .advance_passkey_count(directory.to_owned(), account_id.to_owned(), id, known.sign_count, count)
            .await?
        {
            return Ok(Err("the signature counter moved meanwhile (a cloned authenticator?)".into()));
        }
        Ok(Ok(()))
    }
}
