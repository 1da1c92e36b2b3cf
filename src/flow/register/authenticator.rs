//! The authenticator app: passdesk makes the secret, shows it as a QR code
//! (SVG drawn on the server, so the secret never goes to a third party)
//! and as text, and saves it only once the app's first code proves the app
//! holds it. That code can never be used again for a reset.

use super::{Error, Flows};
use crate::domain::Enrolment;
use crate::domain::totp::TotpSecret;
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
        self.ensure_offered(&s, Enrolment::Authenticator).await?;
        let now = self.clock.now();
        self.ensure_no_code_waiting(&s, now)?;
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
        let uri = secret.uri(&self.branding().name, &s.account.login);
        let qr_svg = crate::domain::qr::svg(&uri).map_err(Error::Internal)?;
        Ok(AuthenticatorSetup { secret: secret.base32(), uri, qr_svg, expires_in: expires_at - now })
    }

    /// Saves the waiting secret once `code` shows the app holds it.
    pub async fn register_authenticator_confirm(&self, token: &str, code: &str, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let now = self.clock.now();
        let max = self.settings.codes.max_failures;
        let Some(p) = self.store.claim_pending_try(s.row.id, Enrolment::Authenticator, max, now).await? else {
            return Err(Error::WrongStep("step-no-authenticator-setup"));
        };
        let secret = TotpSecret::unseal(&self.key, &p.value).ok_or(Error::SignInNeeded)?;
        let Some(step) = secret.verify(code, now, None) else {
            let detail = "registration: wrong first code from the authenticator app".to_owned();
            self.registration_failure(&s, detail, client).await?;
            if p.failures >= max {
                self.store.drop_pending(s.row.id, now).await?;
                return Err(Error::WrongStep("step-authenticator-cancelled"));
            }
            return Err(Error::AuthenticatorWrong);
        };
        let detail = "registered authenticator app, confirmed by its first code".to_owned();
        self.save_proven(&s, Some(&p.value), Enrolment::Authenticator, p.value.clone(), Some(step), detail, client)
            .await
    }
}
