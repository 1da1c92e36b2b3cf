//! The texts of the messages passdesk sends. The words live in the
//! catalogue (`web/locales/<lang>/messages.ftl`); this module picks the
//! sentences, fills in the facts and says which channel carries them. Each
//! message is written in the language of the person it goes to: the
//! language of the request that caused it, else the organisation's.

use crate::domain::{Channel, Message};
use crate::i18n::{Arg, Lang};

/// Branding and language that every message carries.
#[derive(Debug, Clone)]
pub struct Brand {
    /// Organisation name.
    pub organisation: String,
    /// Helpdesk link, if configured.
    pub helpdesk: Option<String>,
    /// The language the message is written in.
    pub lang: Lang,
}

impl Brand {
    /// The same brand writing in `lang`.
    pub fn in_lang(&self, lang: Lang) -> Brand {
        Brand { lang, ..self.clone() }
    }

    /// A sentence with the organisation's name as `$org`.
    fn t(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut all: Vec<(&str, Arg)> = vec![("org", Arg::from(self.organisation.as_str()))];
        all.extend(args.iter().cloned());
        self.lang.t_args(key, &all)
    }

    /// An e-mail body: the sentence, then the signature with the helpdesk.
    fn body(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let footer = match &self.helpdesk {
            Some(h) => self.t("message-footer-helpdesk", &[("helpdesk", h.into())]),
            None => self.t("message-footer", &[]),
        };
        format!("{}\n\n{footer}", self.t(key, args))
    }
}

fn email(to: &str, subject: String, body: String, expires_at: Option<i64>) -> Message {
    Message { channel: Channel::Email, recipient: to.to_owned(), subject, body, expires_at }
}

fn short(channel: Channel, to: &str, body: String, expires_at: Option<i64>) -> Message {
    Message { channel, recipient: to.to_owned(), subject: String::new(), body, expires_at }
}

/// The message carrying a verification code.
pub fn verification_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    let args = [("code", Arg::from(code)), ("minutes", minutes.into())];
    email(to, brand.t("code-email-subject", &args), brand.body("code-email-body", &args), Some(expires_at))
}

/// The code that proves a new alternate address belongs to the person
/// registering it: says what it is for, so a stranger's address that
/// received it by a typo knows to ignore it.
pub fn registration_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    let args = [("code", Arg::from(code)), ("minutes", minutes.into())];
    email(
        to,
        brand.t("registration-code-subject", &args),
        brand.body("registration-code-body", &args),
        Some(expires_at),
    )
}

/// An administrator's one-time link to set a password (a new joiner's
/// first, or after the helpdesk checked who called). Never a password.
pub fn reset_link_email(brand: &Brand, to: &str, display_name: &str, link: &str) -> Message {
    let args = [("name", Arg::from(display_name)), ("link", link.into())];
    email(to, brand.t("reset-link-subject", &args), brand.body("reset-link-body", &args), None)
}

/// Reminds a person in scope who has not registered enough methods to
/// reset their password themselves. Carries no code and no secret.
pub fn registration_reminder(brand: &Brand, to: &str, display_name: &str, link: &str, required: u8) -> Message {
    let args = [("name", Arg::from(display_name)), ("link", link.into()), ("required", required.into())];
    email(to, brand.t("registration-reminder-subject", &args), brand.body("registration-reminder-body", &args), None)
}

/// The same link by text message, short.
pub fn reset_link_sms(brand: &Brand, to: &str, link: &str) -> Message {
    short(Channel::Sms, to, brand.t("reset-link-sms", &[("link", link.into())]), None)
}

/// A verification code by text message: short, the code first, the
/// organisation named so the person knows who sent it.
pub fn sms_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    let body = brand.t("code-sms", &[("code", code.into()), ("minutes", minutes.into())]);
    short(Channel::Sms, to, body, Some(expires_at))
}

/// A verification code read aloud: digits spaced so a speech engine reads
/// them one by one, said twice.
pub fn voice_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    let spoken: Vec<String> = code.chars().map(String::from).collect();
    let body = brand.t("code-voice", &[("spoken", spoken.join(", ").into()), ("minutes", minutes.into())]);
    short(Channel::Voice, to, body, Some(expires_at))
}

/// Sent instead of a code when the account's password was changed too
/// recently for the directory to accept another: the person learns it
/// before proving anything, while the page looks exactly as if a code had
/// been sent (a stranger sees no difference). `until` is already formatted.
pub fn too_soon_to_reset(brand: &Brand, to: &str, channel: Channel, until: &str, expires_at: i64) -> Message {
    let args = [("until", Arg::from(until))];
    match channel {
        Channel::Email => email(
            to,
            brand.t("too-soon-email-subject", &args),
            brand.body("too-soon-email-body", &args),
            Some(expires_at),
        ),
        Channel::Sms => short(channel, to, brand.t("too-soon-sms", &args), Some(expires_at)),
        Channel::Voice => short(channel, to, brand.t("too-soon-voice", &args), Some(expires_at)),
    }
}

/// What a notice after a change tells the person about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A self-service reset.
    Reset,
    /// A change of a known password.
    Change,
    /// An unlock without a new password.
    Unlock,
    /// Security info for password reset added, changed or removed.
    Registration,
}

impl Notice {
    /// The stored word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Change => "change",
            Self::Unlock => "unlock",
            Self::Registration => "registration",
        }
    }

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Self::Reset => ("notice-reset-subject", "notice-reset"),
            Self::Change => ("notice-change-subject", "notice-change"),
            Self::Unlock => ("notice-unlock-subject", "notice-unlock"),
            Self::Registration => ("notice-registration-subject", "notice-registration"),
        }
    }
}

/// The notice after a reset, change or unlock, sent to every address the
/// person has, with the link that reports it as "this wasn't me". Never
/// contains the password.
pub fn account_notice(
    brand: &Brand,
    notice: Notice,
    to: &str,
    display_name: &str,
    when: &str,
    report: &str,
) -> Message {
    let (subject, what) = notice.keys();
    let args = [
        ("name", Arg::from(display_name)),
        ("what", brand.t(what, &[]).into()),
        ("when", when.into()),
        ("link", report.into()),
    ];
    email(to, brand.t(subject, &[]), brand.body("notice-body", &args), None)
}

/// Tells another administrator that an administrator reset their own
/// password by self-service (the reference's "notify all admins").
pub fn admin_reset_alert(brand: &Brand, to: &str, admin_login: &str, when: &str) -> Message {
    let args = [("login", Arg::from(admin_login)), ("when", when.into())];
    email(to, brand.t("admin-reset-alert-subject", &args), brand.body("admin-reset-alert-body", &args), None)
}

/// Alerts the administrators that a person reported a reset, change or
/// unlock as not theirs; self-service is blocked for the account.
pub fn not_me_alert(brand: &Brand, to: &str, login: &str, what: &str, when: &str, blocked_until: &str) -> Message {
    let args =
        [("login", Arg::from(login)), ("what", what.into()), ("when", when.into()), ("until", blocked_until.into())];
    email(to, brand.t("not-me-alert-subject", &args), brand.body("not-me-alert-body", &args), None)
}

/// A reminder that a password expires soon, with the date and a link to
/// change it while the old one still works. Pointless once the password
/// has expired, so it is never sent after `expires_at`.
pub fn password_expiry_reminder(
    brand: &Brand,
    to: &str,
    display_name: &str,
    days_left: i64,
    expires_on: &str,
    link: &str,
    expires_at: i64,
) -> Message {
    let args = [
        ("name", Arg::from(display_name)),
        ("days", days_left.max(1).into()),
        ("date", expires_on.into()),
        ("link", link.into()),
    ];
    email(to, brand.t("expiry-reminder-subject", &args), brand.body("expiry-reminder-body", &args), Some(expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_message_carries_code_and_expiry() {
        let brand =
            Brand { organisation: "Example".into(), helpdesk: Some("mailto:h@example.org".into()), lang: Lang::En };
        let m = verification_code(&brand, "a@example.org", "12345678", 10, 99);
        assert!(
            m.body.contains("12345678") && m.body.contains("10 minutes") && m.body.contains("mailto:h@example.org")
        );
        assert_eq!(m.expires_at, Some(99));
        let done = account_notice(
            &brand,
            Notice::Reset,
            "a@example.org",
            "Alice",
            "2026-01-01T00:00:00Z",
            "https://x/report/t",
        );
        assert!(done.body.contains("If this was NOT you") && done.body.contains("https://x/report/t"));
        assert!(done.expires_at.is_none());
    }

    #[test]
    fn too_soon_messages_say_until_when_and_carry_no_code() {
        let brand = Brand { organisation: "Example".into(), helpdesk: None, lang: Lang::En };
        let until = "2026-01-02T00:00:00Z";
        for channel in [Channel::Email, Channel::Sms, Channel::Voice] {
            let m = too_soon_to_reset(&brand, "to", channel, until, 99);
            assert_eq!((m.channel, m.expires_at), (channel, Some(99)));
            assert!(m.body.contains(until) && m.body.contains("too recently"), "{}", m.body);
            assert!(!m.body.chars().any(|c| c.is_ascii_digit() && !until.contains(c)), "{}", m.body);
        }
        let sms = too_soon_to_reset(&brand, "to", Channel::Sms, until, 99);
        assert!(sms.body.chars().count() <= 160, "one text message: {}", sms.body);
    }

    #[test]
    fn messages_speak_the_brand_language() {
        let brand = Brand { organisation: "Voorbeeld".into(), helpdesk: Some("https://help".into()), lang: Lang::Nl };
        let m = verification_code(&brand, "a@example.org", "12345678", 10, 99);
        assert!(m.subject.starts_with("Verificatiecode van Voorbeeld"), "{}", m.subject);
        assert!(m.body.contains("Uw verificatiecode is: 12345678") && m.body.contains("10 minuten"), "{}", m.body);
        assert!(m.body.ends_with("Vragen? Neem contact op met uw helpdesk: https://help\n-- Voorbeeld"), "{}", m.body);
        let v = voice_code(&brand, "+31612345678", "123456", 10, 99);
        assert!(v.body.contains("1, 2, 3, 4, 5, 6. Nogmaals: 1, 2, 3, 4, 5, 6"), "{}", v.body);
        let n = account_notice(&brand, Notice::Change, "a@x.org", "An", "2026-01-01T00:00:00Z", "https://x/r");
        assert!(n.body.contains("Het wachtwoord van uw account is gewijzigd op 2026-01-01"), "{}", n.body);
        assert!(!m.body.contains('{') && !n.body.contains('{'), "every placeholder filled");
    }
}
