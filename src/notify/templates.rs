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

/// The confirmation after a self-service reset.
pub fn password_reset_done(brand: &Brand, to: &str, display_name: &str, when: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("Your {} password was reset", brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             The password of your account was reset through self-service password reset at {when} (UTC).\n\n\
             If this was not you, contact your helpdesk at once.{}",
            brand.footer()
        ),
        expires_at: None,
    }
}

/// The confirmation after a self-service change.
pub fn password_changed(brand: &Brand, to: &str, display_name: &str, when: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.to_owned(),
        subject: format!("Your {} password was changed", brand.organisation),
        body: format!(
            "Hello {display_name},\n\n\
             The password of your account was changed at {when} (UTC).\n\n\
             If this was not you, contact your helpdesk at once.{}",
            brand.footer()
        ),
        expires_at: None,
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
        let done = password_reset_done(&brand, "a@example.org", "Alice", "2026-01-01T00:00:00Z");
        assert!(done.body.contains("If this was not you"));
        assert!(done.expires_at.is_none());
    }
}
