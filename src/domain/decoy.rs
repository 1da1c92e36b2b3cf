//! Decoy methods for user IDs that cannot reset (unknown, out of scope, no
//! usable method): a stranger gets the same page shape as a real user, and
//! asking twice for the same ID gives the same hints, so the answer reveals
//! nothing (DESIGN.md §6).

use super::key::ServerKey;
use super::login::Login;
use super::mask::BULLETS;
use super::method::{MethodKind, OfferedMethod};
use super::questions::{PREDEFINED, Question};

fn decoy_mac(key: &ServerKey, login: &Login, purpose: &str) -> [u8; 32] {
    key.mac("passdesk/decoy/v1", &[purpose.as_bytes(), login.folded().as_bytes()])
}

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
    OfferedMethod::new(MethodKind::Email, format!("{head}{BULLETS}@{mail_domain}"))
}

/// As many decoy methods as the policy requires proofs, drawn from the
/// methods it offers in the order a real account would most likely have
/// them: the directory e-mail first, then a mobile phone, the
/// authenticator, questions and an alternate address.
pub fn decoy_methods(
    key: &ServerKey,
    login: &Login,
    mail_domain: &str,
    offered: &[String],
    required: u8,
) -> Vec<OfferedMethod> {
    let mac = decoy_mac(key, login, "methods");
    let digits = format!("{:02}", mac[0] % 100);
    let mut out = vec![decoy_email_method(key, login, mail_domain)];
    let preference = [
        MethodKind::MobileSms,
        MethodKind::Authenticator,
        MethodKind::Questions,
        MethodKind::AltEmail,
        MethodKind::OfficeVoice,
        MethodKind::MobileVoice,
    ];
    for kind in preference {
        if out.len() >= usize::from(required.max(1)) {
            break;
        }
        if !offered.iter().any(|m| m == kind.id()) {
            continue;
        }
        let hint = match kind {
            MethodKind::MobileSms | MethodKind::MobileVoice | MethodKind::OfficeVoice => format!("+{BULLETS}{digits}"),
            MethodKind::AltEmail => {
                let providers = ["gmail.com", "outlook.com", "yahoo.com", "proton.me"];
                let head: String = mac[1..3].iter().map(|b| char::from(b'a' + b % 26)).collect();
                format!("{head}{BULLETS}@{}", providers[usize::from(mac[3]) % providers.len()])
            }
            _ => String::new(),
        };
        out.push(OfferedMethod::new(kind, hint));
    }
    out
}

/// The questions a decoy appears to have registered: `registered` distinct
/// predefined questions chosen by the MAC, stable for the user ID.
pub fn decoy_questions(key: &ServerKey, login: &Login, registered: usize) -> Vec<Question> {
    let mac = decoy_mac(key, login, "questions");
    let mut pool: Vec<usize> = (0..PREDEFINED.len()).collect();
    let mut chosen = Vec::new();
    for byte in mac.iter().take(registered.min(PREDEFINED.len())) {
        let index = pool.remove(usize::from(*byte) % pool.len());
        let (id, text) = PREDEFINED[index];
        chosen.push(Question { id: id.to_owned(), text: text.to_owned() });
    }
    chosen
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

    #[test]
    fn decoys_follow_the_policy() {
        let key = ServerKey::from_bytes([9; 32]);
        let login = Login::parse("nobody").unwrap();
        let offered: Vec<String> = ["email", "questions", "mobile_sms"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(decoy_methods(&key, &login, "example.org", &offered, 1).len(), 1);
        let two = decoy_methods(&key, &login, "example.org", &offered, 2);
        assert_eq!(two.iter().map(|m| m.kind).collect::<Vec<_>>(), [MethodKind::Email, MethodKind::MobileSms]);
        assert!(two[1].hint.starts_with("+•••••"));
        assert_eq!(two, decoy_methods(&key, &login, "example.org", &offered, 2));
        let questions = decoy_questions(&key, &login, 5);
        assert_eq!(questions.len(), 5);
        assert_eq!(questions, decoy_questions(&key, &login, 5));
        let mut ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 5);
    }
}
