//! Registering an address or number: a code goes there first, and only the
//! code typed back saves it, so nobody registers a destination they do not
//! hold (and a typo never becomes the only way back in).

use super::{Error, Flows, invalid};
use crate::domain::code::{OneTimeCode, code_matches, normalise_typed_code};
use crate::domain::email::check_email;
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::phone::normalise_phone;
use crate::domain::{Activity, AuditOutcome, Channel, Enrolment};
use crate::flow::Client;
use crate::i18n::Msg;
use crate::notify::templates;
use crate::store::{Effects, Issued, Pending};

/// The MAC domain of registration codes, apart from reset codes.
fn method_label(kind: Enrolment) -> String {
    format!("register/{}", kind.id())
}

impl Flows {
    /// Sends a code to a new alternate e-mail address, mobile or office
    /// number; it is saved once the code comes back.
    pub async fn register_contact(
        &self,
        token: &str,
        kind: Enrolment,
        value: &str,
        client: &Client,
    ) -> Result<(), Error> {
        let (field, destination, channel) = match kind {
            Enrolment::AltEmail => {
                let address = check_email(value).map_err(|e| invalid("alt_email", e.msg()))?;
                ("alt_email", address.as_str().to_owned(), Channel::Email)
            }
            Enrolment::Mobile | Enrolment::OfficePhone => {
                let field = if kind == Enrolment::Mobile { "mobile" } else { "office_phone" };
                let number = normalise_phone(value, self.settings.phone_country.as_deref())
                    .map_err(|e| invalid(field, e.msg()))?;
                let channel = if kind == Enrolment::Mobile { Channel::Sms } else { Channel::Voice };
                (field, number, channel)
            }
            _ => return Err(invalid("kind", Msg::new("input-contact-kind"))),
        };
        let s = self.signed(token).await?;
        self.ensure_offered(&s, kind).await?;
        if kind == Enrolment::AltEmail
            && s.account.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&destination))
        {
            return Err(invalid(field, Msg::new("input-contact-same")));
        }
        let key = self.defence_key(&s.row.directory, Some(&s.row.account_id), &s.row.login);
        self.ensure_not_blocked(&key).await?;
        let now = self.clock.now();
        let rules = self.settings.codes;
        if let Some(p) = &s.row.pending {
            let wait = rules.resend_at(p.sent_at) - now;
            if p.kind == kind && p.value == destination && !p.mac.is_empty() && wait > 0 {
                return Err(Error::TooSoon { retry_after: wait });
            }
        }
        self.ensure_channel_works(channel, &s.row.login, client).await?;
        if channel != Channel::Email {
            self.ensure_phone_budget_for(&s.row.login, client).await?;
        }
        let code = OneTimeCode::generate();
        let expires_at = rules.expiry(now);
        let minutes = rules.lifetime_secs / 60;
        let brand = &self.brand_for(client);
        let message = match channel {
            Channel::Email => templates::registration_code(brand, &destination, code.digits(), minutes, expires_at),
            Channel::Sms => templates::sms_code(brand, &destination, code.digits(), minutes, expires_at),
            Channel::Voice => templates::voice_code(brand, &destination, code.digits(), minutes, expires_at),
        };
        let masked = if channel == Channel::Email { mask_email(&destination) } else { mask_phone(&destination) };
        let detail = format!("registration: code sent to new {} {masked}", kind.id());
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Success, &s.row.login, detail, client);
        let pending = Pending {
            kind,
            mac: code.mac(&self.key, s.row.id, &method_label(kind)).to_vec(),
            value: destination.clone(),
            sent_at: now,
            expires_at,
            failures: 0,
        };
        let send = self.send_count(&key, Some(&destination));
        let effects = Effects::with(vec![audit], vec![message]);
        match self.store.set_pending(s.row.id, pending, Some(send), now, effects).await? {
            Issued::Issued => {
                self.outbox_signal.notify_one();
                Ok(())
            }
            Issued::OverBudget(counts) => Err(self.over_budget(counts, &key, &s.row.login, client).await),
        }
    }

    /// Checks the code sent by [`Self::register_contact`] and saves the
    /// address or number it proved.
    pub async fn register_confirm_code(&self, token: &str, typed: &str, client: &Client) -> Result<(), Error> {
        let s = self.signed(token).await?;
        let Some(waiting) = s.row.pending.clone().filter(|p| !p.mac.is_empty()) else {
            return Err(Error::NoCodeSent);
        };
        let now = self.clock.now();
        if waiting.expires_at <= now {
            self.store.drop_pending(s.row.id, now).await?;
            return Err(Error::CodeExpired);
        }
        let digits = normalise_typed_code(typed).ok_or_else(|| invalid("code", Msg::new("input-contact-code")))?;
        let max = self.settings.codes.max_failures;
        // The try is claimed before the comparison: parallel guesses share the tries.
        let Some(p) = self.store.claim_pending_try(s.row.id, waiting.kind, max, now).await? else {
            return Err(Error::CodeUsedUp);
        };
        if !code_matches(&self.key, s.row.id, &method_label(p.kind), &digits, &p.mac) {
            self.registration_failure(&s, format!("registration: wrong code for new {}", p.kind.id()), client).await?;
            if p.failures >= max {
                self.store.drop_pending(s.row.id, now).await?;
                return Err(Error::CodeUsedUp);
            }
            return Err(Error::CodeWrong { remaining: max - p.failures });
        }
        let masked = match p.kind {
            Enrolment::AltEmail => mask_email(&p.value),
            _ => mask_phone(&p.value),
        };
        let detail = format!("registered {} {masked}, verified by code", p.kind.id());
        self.save_proven(&s, Some(&p.value), p.kind, p.value.clone(), None, detail, client).await
    }
}
