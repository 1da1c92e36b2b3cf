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

/// Decoy methods for a user ID: the directory e-mail, then each other
/// method the policy offers with even odds drawn from the MAC (so the same
/// ID always shows the same set, and sets vary between IDs the way real
/// people's registrations do), at least as many as the policy requires. A
/// mobile number comes with both its SMS and its voice method, as a real
/// one does.
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
        MethodKind::Passkey,
    ];
    let offers = |k: MethodKind| offered.iter().any(|m| m == k.id());
    for (n, kind) in preference.into_iter().enumerate() {
        let twin_of_sms = kind == MethodKind::MobileVoice && offers(MethodKind::MobileSms);
        if !offers(kind) || twin_of_sms || out.iter().any(|m| m.kind == kind) {
            continue;
        }
        let families = out.iter().filter(|m| m.kind != MethodKind::MobileVoice).count();
        let drawn = mac[8 + n] & 1 == 1;
        if families >= usize::from(required.max(1)) && !drawn {
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
        let pair_voice = kind == MethodKind::MobileSms && offers(MethodKind::MobileVoice);
        out.push(OfferedMethod::new(kind, hint.clone()));
        if pair_voice {
            out.push(OfferedMethod::new(MethodKind::MobileVoice, hint));
        }
    }
    // The order real accounts list them in.
    out.sort_by_key(|m| super::method::ALL_METHODS.iter().position(|k| *k == m.kind));
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
        let one = decoy_methods(&key, &login, "example.org", &offered, 1);
        assert_eq!(one[0].kind, MethodKind::Email);
        let two = decoy_methods(&key, &login, "example.org", &offered, 2);
        assert!(two.len() >= 2 && two.iter().all(|m| offered.contains(&m.id)), "{two:?}");
        assert_eq!(two, decoy_methods(&key, &login, "example.org", &offered, 2), "stable");
        // Across many IDs the sets vary, and a mobile always brings its voice twin when offered.
        let with_voice: Vec<String> =
            ["email", "mobile_sms", "mobile_voice", "questions"].iter().map(|s| (*s).to_owned()).collect();
        let mut sizes = std::collections::BTreeSet::new();
        for n in 0..64 {
            let id = Login::parse(&format!("user{n}")).unwrap();
            let set = decoy_methods(&key, &id, "example.org", &with_voice, 1);
            sizes.insert(set.len());
            let sms = set.iter().any(|m| m.kind == MethodKind::MobileSms);
            assert_eq!(sms, set.iter().any(|m| m.kind == MethodKind::MobileVoice));
        }
        assert!(sizes.len() >= 3, "{sizes:?}");
        let questions = decoy_questions(&key, &login, 5);
        assert_eq!(questions.len(), 5);
        assert_eq!(questions, decoy_questions(&key, &login, 5));
        let mut ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 5);
    }
}
