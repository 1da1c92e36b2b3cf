//! One-time codes (DESIGN.md §5): 8 digits from a CSPRNG, kept only as an
//! HMAC bound to the flow and method, valid for a few minutes, single use,
//! at most five wrong tries, and no resend within a minute.

use super::key::{ServerKey, macs_equal};
use crate::clock::UnixTime;
use rand::Rng;
use zeroize::Zeroizing;

/// Digits in every code: 10^8 guesses against five tries.
pub const CODE_DIGITS: usize = 8;

/// The numbers that govern codes; validated by config (2–15 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRules {
    /// Seconds a code stays valid.
    pub lifetime_secs: i64,
    /// Wrong tries after which the code is dead.
    pub max_failures: u32,
    /// Seconds before another code may be sent for the same flow and method.
    pub resend_wait_secs: i64,
}

impl Default for CodeRules {
    fn default() -> Self {
        Self { lifetime_secs: 10 * 60, max_failures: 5, resend_wait_secs: 60 }
    }
}

impl CodeRules {
    /// When a code created at `created` stops working.
    pub fn expiry(&self, created: UnixTime) -> UnixTime {
        created + self.lifetime_secs
    }

    /// When another code may be sent after one created at `created`.
    pub fn resend_at(&self, created: UnixTime) -> UnixTime {
        created + self.resend_wait_secs
    }
}

/// A freshly drawn code. Its digits exist only until the message is written;
/// the memory is wiped on drop.
pub struct OneTimeCode(Zeroizing<String>);

impl OneTimeCode {
    /// Draws 8 uniformly random digits from the thread CSPRNG.
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let digits: String = (0..CODE_DIGITS).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect();
        Self(Zeroizing::new(digits))
    }

    /// The digits, to put into the message.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The MAC stored in place of the code.
    pub fn mac(&self, key: &ServerKey, flow_id: i64, method: &str) -> [u8; 32] {
        code_mac(key, flow_id, method, &self.0)
    }
}

/// MAC of a code, bound to its flow and method so a code from one flow (or
/// one method) is worthless in another.
pub fn code_mac(key: &ServerKey, flow_id: i64, method: &str, digits: &str) -> [u8; 32] {
    key.mac("passdesk/code/v1", &[&flow_id.to_be_bytes(), method.as_bytes(), digits.as_bytes()])
}

/// Reduces what a person typed to the digits that count: spaces and dashes
/// are allowed for readability ("1234 5678"), anything else makes it wrong.
pub fn normalise_typed_code(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Whether `typed` is the code whose MAC is `stored`. A code sent just
/// before `passdesk rotate-key` was MACed under the previous key and still
/// counts: its own expiry (at most 15 minutes) ends it, and knowing the old
/// key does not help anyone guess the digits.
pub fn code_matches(key: &ServerKey, flow_id: i64, method: &str, typed: &str, stored: &[u8]) -> bool {
    let Some(digits) = normalise_typed_code(typed) else { return false };
    let parts: [&[u8]; 3] = [&flow_id.to_be_bytes(), method.as_bytes(), digits.as_bytes()];
    let current = macs_equal(&key.mac("passdesk/code/v1", &parts), stored);
    let previous = key.previous_mac("passdesk/code/v1", &parts).is_some_and(|mac| macs_equal(&mac, stored));
    current | previous
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_digits_and_vary() {
        let a = OneTimeCode::generate();
        assert_eq!(a.digits().len(), 8);
        assert!(a.digits().bytes().all(|b| b.is_ascii_digit()));
        let distinct: std::collections::HashSet<String> =
            (0..50).map(|_| OneTimeCode::generate().digits().to_owned()).collect();
        assert!(distinct.len() > 45, "50 draws gave only {} codes", distinct.len());
    }

    #[test]
    fn mac_is_bound_to_flow_and_method() {
        let key = ServerKey::from_bytes([3; 32]);
        let code = OneTimeCode::generate();
        let stored = code.mac(&key, 7, "email");
        assert!(code_matches(&key, 7, "email", code.digits(), &stored));
        assert!(!code_matches(&key, 8, "email", code.digits(), &stored));
        assert!(!code_matches(&key, 7, "alt_email", code.digits(), &stored));
        let other = ServerKey::from_bytes([4; 32]);
        assert!(!code_matches(&other, 7, "email", code.digits(), &stored));
        let rotated = other.with_previous(*key.expose(), 0);
        assert!(code_matches(&rotated, 7, "email", code.digits(), &stored), "a code sent before a rotation");
    }

    #[test]
    fn typed_code_allows_spaces_and_dashes_only() {
        assert_eq!(normalise_typed_code(" 1234 5678 ").as_deref(), Some("12345678"));
        assert_eq!(normalise_typed_code("1234-5678").as_deref(), Some("12345678"));
        assert_eq!(normalise_typed_code("1234567"), None);
        assert_eq!(normalise_typed_code("1234567a"), None);
        assert_eq!(normalise_typed_code("１２３４５６７８"), None);
    }

    #[test]
    fn default_rules_match_the_design() {
        let rules = CodeRules::default();
        assert_eq!(rules.lifetime_secs, 600);
        assert_eq!(rules.max_failures, 5);
        assert_eq!(rules.resend_wait_secs, 60);
        assert_eq!(rules.expiry(1000), 1600);
        assert_eq!(rules.resend_at(1000), 1060);
    }
}
