//! Decoy methods for user IDs that cannot reset (unknown, out of scope, no
//! usable method): a stranger gets the same page shape as a real user, and
//! asking twice for the same ID gives the same hint, so the answer reveals
//! nothing (DESIGN.md §6).

use super::key::ServerKey;
use super::login::Login;
use super::mask::BULLETS;
use super::method::{MethodKind, OfferedMethod};

/// The e-mail method a non-existent account appears to have.
pub fn decoy_email_method(key: &ServerKey, login: &Login, mail_domain: &str) -> OfferedMethod {
    let mac = key.mac("passdesk/decoy/v1", &[login.folded().as_bytes()]);
    // Most addresses start with the person's own user ID; the decoy imitates
    // that when it can, and otherwise draws two letters from the MAC.
    let head: String = if login.as_str().chars().take(2).all(char::is_alphanumeric) {
        login.folded().chars().take(2).collect()
    } else {
        mac.iter().take(2).map(|b| char::from(b'a' + b % 26)).collect()
    };
    OfferedMethod {
        id: MethodKind::Email.id().to_owned(),
        kind: MethodKind::Email,
        hint: format!("{head}{BULLETS}@{mail_domain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoys_are_stable_and_look_real() {
        let key = ServerKey::from_bytes([9; 32]);
        let login = Login::parse("Nobody").unwrap();
        let a = decoy_email_method(&key, &login, "example.org");
        let b = decoy_email_method(&key, &Login::parse("nobody").unwrap(), "example.org");
        assert_eq!(a, b);
        assert_eq!(a.hint, "no•••••@example.org");
        let odd = decoy_email_method(&key, &Login::parse("*)(").unwrap(), "example.org");
        assert!(odd.hint.ends_with("•••••@example.org"));
        assert!(odd.hint.chars().take(2).all(|c| c.is_ascii_lowercase()));
    }
}
