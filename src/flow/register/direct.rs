//! Registering without a session or a code, for the demo's seeded users
//! and the tests' fixtures: the same checks of each value as the
//! registration pages, minus the proof that the person holds it.

use super::invalid;
use crate::directory::{Account, Directory};
use crate::domain::phone::normalise_phone;
use crate::domain::totp::TotpSecret;
use crate::domain::{Activity, AuditOutcome, Enrolment, Login};
use crate::flow::{Client, Error, Facets, Flows};
use crate::i18n::Msg;
use crate::store::Effects;
use std::sync::Arc;

impl Flows {
    pub(in crate::flow) async fn enrolee(&self, user: &str) -> Result<(Arc<dyn Directory>, Account), Error> {
        let login = Login::parse(user).map_err(|e| invalid("user", e.msg()))?;
        self.find_account(&login)
            .await?
            .ok_or_else(|| invalid("user", Msg::new("input-no-account").arg("login", login.as_str())))
    }

    async fn save(
        &self,
        dir: &Arc<dyn Directory>,
        account: &Account,
        kind: Enrolment,
        value: String,
        client: &Client,
    ) -> Result<(), Error> {
        let detail = format!("registered {}", kind.id());
        let facets = Facets { method: Some(kind.id()), directory: Some(dir.name()), reason: None };
        let audit = self.audit_as(Activity::Registered, AuditOutcome::Success, &account.login, detail, facets, client);
        let effects = Effects::audited(vec![audit]);
        let now = self.clock.now();
        self.store.put_enrolment(dir.name().to_owned(), account.id.0.clone(), kind, value, now, effects).await?;
        Ok(())
    }

    /// Registers an alternate e-mail address for `user`.
    pub async fn enrol_alt_email(&self, user: &str, address: &str, client: &Client) -> Result<(), Error> {
        let address = crate::domain::email::check_email(address).map_err(|e| invalid("alt_email", e.msg()))?;
        let address = address.as_str();
        let (dir, account) = self.enrolee(user).await?;
        if account.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(address)) {
            return Err(invalid("alt_email", Msg::new("input-contact-same")));
        }
        self.save(&dir, &account, Enrolment::AltEmail, address.to_owned(), client).await
    }

    /// Registers a mobile or office number for `user`, stored in E.164.
    pub async fn enrol_phone(&self, user: &str, kind: Enrolment, number: &str, client: &Client) -> Result<(), Error> {
        let field = match kind {
            Enrolment::Mobile => "mobile",
            Enrolment::OfficePhone => "office_phone",
            _ => return Err(invalid("kind", Msg::new("input-phone-kind"))),
        };
        let number =
            normalise_phone(number, self.settings.phone_country.as_deref()).map_err(|e| invalid(field, e.msg()))?;
        let (dir, account) = self.enrolee(user).await?;
        self.save(&dir, &account, kind, number, client).await
    }

    /// Registers security questions for `user`: as many as the policy
    /// says, each from the catalogue, each once, with distinct answers.
    pub async fn enrol_questions(
        &self,
        user: &str,
        answers: &[(String, String)],
        client: &Client,
    ) -> Result<(), Error> {
        let policy = self.store.reset_policy().await?;
        let chosen = super::questions::check_answers(&policy, answers)?;
        let (dir, account) = self.enrolee(user).await?;
        let value = super::questions::sealed(chosen).await?;
        self.save(&dir, &account, Enrolment::Questions, value, client).await
    }

    /// Registers an authenticator app for `user`, once the person proved
    /// the app holds `secret` by typing its current code.
    pub async fn enrol_authenticator(
        &self,
        user: &str,
        secret: &str,
        code: &str,
        client: &Client,
    ) -> Result<(), Error> {
        let secret = TotpSecret::from_base32(secret).ok_or_else(|| invalid("secret", Msg::new("input-totp-secret")))?;
        let now = self.clock.now();
        let step = secret.verify(code, now, None).ok_or_else(|| invalid("code", Msg::new("input-totp-code")))?;
        let (dir, account) = self.enrolee(user).await?;
        self.save(&dir, &account, Enrolment::Authenticator, secret.seal(&self.key), client).await?;
        // The code that proved the app cannot be used again for a reset.
        let (name, id) = (dir.name().to_owned(), account.id.0.clone());
        self.store.use_authenticator_step(name, id, step, now, Effects::default()).await?;
        Ok(())
    }
}
