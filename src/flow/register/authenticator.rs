//! The authenticator app: passdesk makes the secret, shows it as a QR code
//! (SVG drawn on the server, so the secret never goes to a third party)
//! and as text, and saves it only once the app's first code proves the app
//! holds it. That code can never be used again for a reset.

use super::{Error, Flows};
use crate::domain::totp::TotpSecret;
use crate::domain::{Activity, AuditOutcome, Enrolment};
use crate::flow::Client;
use crate::store::{Effects, Pending};

/// How long a new secret waits for its first code.
const SETUP_SECS: i64 = 10 * 60;

/// What the person needs to add passdesk to their app.
pub struct AuthenticatorSetup {
    /// The secret as text (base32), for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// Seconds until the secret must have been confirmed.
    pub expires_in: i64,
}

impl Flows {
    /// Starts (or shows again) an authenticator set-up for the session.
    pub async fn register_authenticator_start(&self, token: &str) -> Result<AuthenticatorSetup, Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let waiting = s
            .row
            .pending
            .as_ref()
            .filter(|p| p.kind == Enrolment::Authenticator && p.expires_at > now)
            .and_then(|p| TotpSecret::unseal(&self.key, &p.value).map(|secret| (secret, p.expires_at)));
        let (secret, expires_at) = match waiting {
            Some(found) => found,
            None => {
                let secret = TotpSecret::generate();
                let expires_at = now + SETUP_SECS;
                let pending = Pending {
                    kind: Enrolment::Authenticator,
                    value: secret.seal(&self.key),
                    mac: Vec::new(),
                    sent_at: now,
                    expires_at,
                    failures: 0,
                };
                self.store.set_pending(s.row.id, pending, None, now, Effects::default()).await?;
                (secret, expires_at)
            }
        };
        let uri = secret.uri(&self.settings.brand.organisation, &s.account.login);
        let qr_svg = crate::domain::qr::svg(&uri).map_err(Error::Internal)?;
        Ok(AuthenticatorSetup { secret: secret.base32(), uri, qr_svg, expires_in: expires_at - now })
    }

    /// Saves the waiting secret once `code` shows the app holds it.
    pub async fn register_authenticator_confirm(&self, token: &str, code: &str, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let Some(p) = s.row.pending.clone().filter(|p| p.kind == Enrolment::Authenticator && p.expires_at > now) else {
            return Err(Error::WrongStep("start the authenticator set-up first: the QR code page makes a new secret"));
        };
        let secret = TotpSecret::unseal(&self.key, &p.value).ok_or(Error::SignInNeeded)?;
        let key = self.defence_key(&s.row.directory, Some(&s.row.account_id), &s.row.login);
        self.ensure_not_blocked(&key).await?;
        let Some(step) = secret.verify(code, now, None) else {
            let detail = "registration: wrong first code from the authenticator app".to_owned();
            let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, &s.row.login, detail, client);
            let max = self.settings.codes.max_failures;
            self.store.pending_failure(s.row.id, max, now, Effects::audited(vec![audit])).await?;
            self.note_failure(&key, &s.row.login, client).await?;
            return Err(Error::AuthenticatorWrong);
        };
        let detail = "registered authenticator app, confirmed by its first code".to_owned();
        self.save_proven(&s, Enrolment::Authenticator, p.value, Some(step), detail, client).await
    }
}
