//! The self-hosted proof-of-work captcha (DESIGN.md §5): no third-party
//! service, works on an intranet with no internet. The server hands out a
//! challenge it can check without storing it (its fields are MACed under
//! the server key); the client searches for a solution whose SHA-256, with
//! the challenge, starts with `difficulty` zero bits. That costs a browser
//! a fraction of a second once, and a script trying user IDs in bulk that
//! much for every try. Each challenge is accepted once (the flow records
//! its nonce) and only until it expires.

use super::key::{ServerKey, macs_equal};
use sha2::{Digest, Sha256};

/// Seconds a challenge stays valid.
pub const CHALLENGE_SECS: i64 = 300;
/// Highest difficulty the server ever asks for (about 16 million hashes on
/// average: seconds in a browser, the ceiling under attack).
pub const MAX_DIFFICULTY: u8 = 24;

/// A challenge as handed to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The text the client hashes with its solution.
    pub text: String,
    /// Leading zero bits required.
    pub difficulty: u8,
    /// When it stops being accepted.
    pub expires_at: i64,
    /// Random part; recorded when used so it is accepted once.
    pub nonce: String,
}

/// Why a captcha answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaError {
    /// Not a challenge this server issued (or altered).
    Forged,
    /// Past its lifetime.
    Expired,
    /// The solution does not have the required zero bits.
    Unsolved,
}

impl CaptchaError {
    /// The sentence for the person whose check failed.
    pub fn msg(&self) -> crate::i18n::Msg {
        crate::i18n::Msg::new(match self {
            Self::Forged => "captcha-forged",
            Self::Expired => "captcha-expired",
            Self::Unsolved => "captcha-unsolved",
        })
    }
}
crate::i18n::localised_error!(CaptchaError);

fn mac_of(key: &ServerKey, difficulty: u8, expires_at: i64, nonce: &str) -> [u8; 32] {
    key.mac("passdesk/captcha/v1", &[&[difficulty], &expires_at.to_be_bytes(), nonce.as_bytes()])
}

/// A fresh challenge of `difficulty` bits, valid from `now`.
pub fn issue(key: &ServerKey, difficulty: u8, now: i64) -> Challenge {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let nonce = hex::encode(bytes);
    let difficulty = difficulty.min(MAX_DIFFICULTY);
    let expires_at = now + CHALLENGE_SECS;
    let mac = hex::encode(mac_of(key, difficulty, expires_at, &nonce));
    Challenge { text: format!("v1.{difficulty}.{expires_at}.{nonce}.{mac}"), difficulty, expires_at, nonce }
}

/// Leading zero bits of SHA-256(challenge ":" solution).
pub fn zero_bits(challenge: &str, solution: &str) -> u32 {
    let digest = Sha256::new()
        .chain_update(challenge.as_bytes())
        .chain_update(b":")
        .chain_update(solution.as_bytes())
        .finalize();
    let mut bits = 0;
    for byte in digest {
        if byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// Checks an answer; on success returns the challenge (its nonce must then
/// be recorded as used by the caller).
pub fn check(key: &ServerKey, text: &str, solution: &str, now: i64) -> Result<Challenge, CaptchaError> {
    let parts: Vec<&str> = text.split('.').collect();
    let [version, difficulty, expires_at, nonce, mac] = parts.as_slice() else { return Err(CaptchaError::Forged) };
    let (Ok(difficulty), Ok(expires_at), Ok(mac)) =
        (difficulty.parse::<u8>(), expires_at.parse::<i64>(), hex::decode(mac))
    else {
        return Err(CaptchaError::Forged);
    };
    if *version != "v1" || nonce.len() != 32 || !made_by(key, &mac, difficulty, expires_at, nonce, now) {
        return Err(CaptchaError::Forged);
    }
    if now >= expires_at {
        return Err(CaptchaError::Expired);
    }
    if solution.len() > 32 || zero_bits(text, solution) < u32::from(difficulty) {
        return Err(CaptchaError::Unsolved);
    }
    Ok(Challenge { text: text.to_owned(), difficulty, expires_at, nonce: (*nonce).to_owned() })
}

/// Whether `mac` was made by the current key, or by the previous one for a
/// challenge issued before the rotation and checked within one challenge
/// lifetime of it: a rotation after a leak must not leave the old key able
/// to forge challenges for longer than that.
fn made_by(key: &ServerKey, mac: &[u8], difficulty: u8, expires_at: i64, nonce: &str, now: i64) -> bool {
    if macs_equal(mac, &mac_of(key, difficulty, expires_at, nonce)) {
        return true;
    }
    let (Some(previous), Some(retired_at)) = (key.previous(), key.retired_at()) else { return false };
    let window_end = retired_at + CHALLENGE_SECS;
    now < window_end && expires_at <= window_end && macs_equal(mac, &mac_of(&previous, difficulty, expires_at, nonce))
}

/// Finds a solution by counting up, as the portal's script does; for
/// programs driving the API (tests, benchmarks, integrations).
pub fn solve(challenge: &str, difficulty: u8) -> String {
    let mut n: u64 = 0;
    loop {
        let candidate = n.to_string();
        if zero_bits(challenge, &candidate) >= u32::from(difficulty) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_of_the_previous_key_passes_only_just_after_the_rotation() {
        let old = ServerKey::from_bytes([5; 32]);
        let c = issue(&old, 1, 1000);
        let solution = solve(&c.text, c.difficulty);
        let rotated = ServerKey::from_bytes([6; 32]).with_previous(*old.expose(), 1010);
        assert!(check(&rotated, &c.text, &solution, 1020).is_ok());
        let later = issue(&old, 1, 1200);
        let solution = solve(&later.text, later.difficulty);
        assert_eq!(check(&rotated, &later.text, &solution, 1210), Err(CaptchaError::Forged), "made after it");
        let forged = issue(&old, 1, 1010 + CHALLENGE_SECS);
        let solution = solve(&forged.text, forged.difficulty);
        assert_eq!(check(&rotated, &forged.text, &solution, 1010 + CHALLENGE_SECS), Err(CaptchaError::Forged));
    }

    #[test]
    fn a_solved_challenge_passes_once_checked() {
        let key = ServerKey::from_bytes([5; 32]);
        let c = issue(&key, 10, 1000);
        let solution = solve(&c.text, c.difficulty);
        assert_eq!(check(&key, &c.text, &solution, 1001).unwrap().nonce, c.nonce);
        assert_eq!(check(&key, &c.text, &solution, 1000 + CHALLENGE_SECS), Err(CaptchaError::Expired));
    }

    #[test]
    fn forged_and_unsolved_challenges_fail() {
        let key = ServerKey::from_bytes([5; 32]);
        let c = issue(&key, 12, 1000);
        let lowered = c.text.replacen("v1.12.", "v1.0.", 1);
        assert_eq!(check(&key, &lowered, "0", 1001), Err(CaptchaError::Forged), "difficulty is under the MAC");
        let other = ServerKey::from_bytes([6; 32]);
        assert_eq!(check(&other, &c.text, &solve(&c.text, 12), 1001), Err(CaptchaError::Forged));
        assert_eq!(check(&key, "garbage", "1", 1001), Err(CaptchaError::Forged));
        assert_eq!(check(&key, "v1.1.2.3.4.5", "1", 1001), Err(CaptchaError::Forged));
        let unsolved = (0..).map(|n: u32| n.to_string()).find(|s| zero_bits(&c.text, s) < 12).unwrap();
        assert_eq!(check(&key, &c.text, &unsolved, 1001), Err(CaptchaError::Unsolved));
        assert_eq!(check(&key, &c.text, &"9".repeat(33), 1001), Err(CaptchaError::Unsolved));
    }

    #[test]
    fn zero_bits_counts_leading_zeros() {
        // SHA-256("x:y") starts with some byte; the count never exceeds 256.
        assert!(zero_bits("x", "y") <= 256);
        let s = solve("abc", 8);
        assert!(zero_bits("abc", &s) >= 8);
    }
}
