//! The texts of the messages passdesk sends. Kept in one place so that
//! wording, branding and (later) translations change together.

use crate::domain::{Channel, Message};

/// Branding that every message carries.
#[derive(Debug, Clone)]
pub struct Brand {
    /// Organisation name.
    pub organisation: String,
    /// Helpdesk link, if configured.
    pub helpdesk: Option<String>,
}

impl Brand {
    fn footer(&self) -> String {
        match &self.helpdesk {
            Some(h) => format!("\n\nQuestions? Contact your helpdesk: {h}\n-- {}", self.organisation),
            None => format!("\n\n-- {}", self.organisation),
        }
    }
}

/// The message carrying a verification code.
pub fn verification_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("{} verification code: {code}", brand.organisation),
        body: format!(
            "Your verification code is: {code}\n\n\
             Type it on the password reset page within {minutes} minutes. \
             If you did not ask to reset your password, ignore this message: nothing has changed.{}",
            brand.footer()
        ),
        expires_at: Some(expires_at),
    }
}

/// The code that proves a new alternate address belongs to the person
/// registering it: says what it is for, so a stranger's address that
/// received it by a typo knows to ignore it.
pub fn registration_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("{} code to confirm your address: {code}", brand.organisation),
        body: format!(
            "Your code is: {code}\n\n\
             Someone (we hope you) is adding this address to their {} account as a way to reset their \
             password. Type the code on the security info page within {minutes} minutes to confirm it.\n\n\
             If this was not you, ignore this message: the address will not be added.{}",
            brand.organisation,
            brand.footer()
        ),
        expires_at: Some(expires_at),
    }
}

/// An administrator's one-time link to set a password (a new joiner's
/// first, or after the helpdesk checked who called). Never a password.
pub fn reset_link_email(brand: &Brand, to: &str, display_name: &str, link: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("Set your {} password", brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             Your administrator sent you this link to choose your {} password yourself:\n{link}\n\n\
             It works once, within 24 hours. You may be asked for one more proof that it is you. Nobody else \
             will ever know the password you choose: your administrator never sees it.\n\n\
             If you did not expect this message, do not open the link; tell your helpdesk.{}",
            brand.organisation,
            brand.footer()
        ),
        expires_at: None,
    }
}

/// Reminds a person in scope who has not registered enough methods to
/// reset their password themselves. Carries no code and no secret.
pub fn registration_reminder(brand: &Brand, to: &str, display_name: &str, link: &str, required: u8) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("Set up your {} security info", brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             If you forget your password, you can reset it yourself, without calling the helpdesk, once you have \
             registered {required} way(s) to prove who you are (a mobile phone, a private e-mail address, an \
             authenticator app, a passkey or security questions).\n\n\
             It takes two minutes: sign in here with your current password:\n{link}\n\n\
             We will remind you again later until you have.{}",
            brand.footer()
        ),
        expires_at: None,
    }
}

/// The same link by text message, short.
pub fn reset_link_sms(brand: &Brand, to: &str, link: &str) -> Message {
    Message {
        channel: Channel::Sms,
        recipient: to.to_owned(),
        subject: String::new(),
        body: format!("{}: choose your password here (once, within 24 h): {link}", brand.organisation),
        expires_at: None,
    }
}

/// A verification code by text message: short, the code first, the
/// organisation named so the person knows who sent it.
pub fn sms_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    Message {
        channel: Channel::Sms,
        recipient: to.to_owned(),
        subject: String::new(),
        body: format!(
            "{code} is your {} verification code. It expires in {minutes} minutes. Do not share it.",
            brand.organisation
        ),
        expires_at: Some(expires_at),
    }
}

/// A verification code read aloud: digits spaced so a speech engine reads
/// them one by one, said twice.
pub fn voice_code(brand: &Brand, to: &str, code: &str, minutes: i64, expires_at: i64) -> Message {
    let spoken: Vec<String> = code.chars().map(String::from).collect();
    let spoken = spoken.join(", ");
    Message {
        channel: Channel::Voice,
        recipient: to.to_owned(),
        subject: String::new(),
        body: format!(
            "This is {}. Your verification code is: {spoken}. Again: {spoken}. It expires in {minutes} minutes.",
            brand.organisation
        ),
        expires_at: Some(expires_at),
    }
}

/// Sent instead of a code when the account's password was changed too
/// recently for the directory to accept another: the person learns it
/// before proving anything, while the page looks exactly as if a code had
/// been sent (a stranger sees no difference). `until` is already formatted.
pub fn too_soon_to_reset(brand: &Brand, to: &str, channel: Channel, until: &str, expires_at: i64) -> Message {
    let org = &brand.organisation;
    let (subject, body) = match channel {
        Channel::Email => (
            format!("{org} password: no code sent, the password was changed too recently"),
            format!(
                "Someone asked to reset the password of your account, but the password was changed too \
                 recently: the directory will not accept a new one before {until}. No verification code \
                 was sent. Try again after that time, or contact your helpdesk if you cannot sign in. \
                 If you did not ask to reset your password, ignore this message: nothing has changed.{}",
                brand.footer()
            ),
        ),
        Channel::Sms => (
            String::new(),
            format!("{org}: no code sent. Your password was changed too recently; reset it after {until}."),
        ),
        Channel::Voice => (
            String::new(),
            format!(
                "This is {org}. No verification code was sent: your password was changed too recently. \
                 You can reset it after {until}."
            ),
        ),
    };
    Message { channel, recipient: to.to_owned(), subject, body, expires_at: Some(expires_at) }
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

    fn sentence(self) -> &'static str {
        match self {
            Self::Reset => "The password of your account was reset through self-service password reset",
            Self::Change => "The password of your account was changed",
            Self::Unlock => "Your account was unlocked through self-service",
            Self::Registration => {
                "The security info used to verify your identity for a password reset was changed on your account"
            }
        }
    }

    fn subject(self, organisation: &str) -> String {
        match self {
            Self::Reset => format!("Your {organisation} password was reset"),
            Self::Change => format!("Your {organisation} password was changed"),
            Self::Unlock => format!("Your {organisation} account was unlocked"),
            Self::Registration => format!("Your {organisation} security info was changed"),
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
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: notice.subject(&brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             {} at {when} (UTC).\n\n\
             If this was you, there is nothing to do.\n\n\
             If this was NOT you, open this link at once: it stops self-service for your account and alerts \
             your IT team:\n{report}\n\nThen contact your helpdesk.{}",
            notice.sentence(),
            brand.footer()
        ),
        expires_at: None,
    }
}

/// Tells another administrator that an administrator reset their own
/// password by self-service (the reference's "notify all admins").
pub fn admin_reset_alert(brand: &Brand, to: &str, admin_login: &str, when: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("[{}] Administrator {admin_login} reset their password", brand.organisation),
        body: format!(
            "The administrator account {admin_login} reset its password through self-service password reset \
             at {when} (UTC), passing two proofs of identity.\n\n\
             If you do not expect this, check with {admin_login} by a channel other than e-mail, and review \
             the audit log.{}",
            brand.footer()
        ),
        expires_at: None,
    }
}

/// Alerts the administrators that a person reported a reset, change or
/// unlock as not theirs; self-service is blocked for the account.
pub fn not_me_alert(brand: &Brand, to: &str, login: &str, what: &str, when: &str, blocked_until: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("[{}] ALERT: {login} reports a password {what} that was not them", brand.organisation),
        body: format!(
            "The owner of the account {login} followed the \"this wasn't me\" link of the notice about the \
             password {what} at {when} (UTC).\n\n\
             Self-service password reset is blocked for this account until {blocked_until} (UTC). The account \
             may be compromised: check it, reset its password yourself, review the audit log, and unblock \
             self-service with `passdesk admin unblock {login}` when it is safe.{}",
            brand.footer()
        ),
        expires_at: None,
    }
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
    let when = if days_left <= 1 { "within a day".to_owned() } else { format!("in {days_left} days") };
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("Your {} password expires {when}", brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             Your password expires {when}, on {expires_on}. After that you cannot sign in until it is changed.\n\n\
             Change it now, while your current password still works:\n{link}\n\n\
             Nobody from {} will ever ask you for your password, by e-mail or by phone.{}",
            brand.organisation,
            brand.footer()
        ),
        expires_at: Some(expires_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_message_carries_code_and_expiry() {
        let brand = Brand { organisation: "Example".into(), helpdesk: Some("mailto:h@example.org".into()) };
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
        let brand = Brand { organisation: "Example".into(), helpdesk: None };
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
}
