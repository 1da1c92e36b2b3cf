//! Authenticator apps (RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6
//! digits, the interoperable defaults every app understands). A code is
//! accepted one step early or late for clock drift, and a step once used
//! is refused, so a code read over someone's shoulder cannot be replayed.
//! The shared secret is stored sealed under the server key, so a copy of
//! the database alone does not yield it.

use super::key::ServerKey;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes in a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A TOTP shared secret; wiped from memory on drop.
pub struct TotpSecret(Zeroizing<[u8; SECRET_LEN]>);

impl TotpSecret {
    /// A fresh secret from the CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; SECRET_LEN]);
        rand::fill(&mut bytes[..]);
        Self(bytes)
    }

    /// Wraps raw bytes (tests, unsealing).
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret in base32 without padding, as apps expect it typed.
    pub fn base32(&self) -> String {
        base32_encode(&self.0[..])
    }

    /// Parses a base32 secret (spaces and case ignored).
    pub fn from_base32(text: &str) -> Option<Self> {
        let bytes = base32_decode(text)?;
        let array: [u8; SECRET_LEN] = bytes.as_slice().try_into().ok()?;
        Some(Self::from_bytes(array))
    }

    /// The `otpauth://` URI an app scans from a QR code.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            enc(issuer),
            enc(account),
            self.base32(),
            enc(issuer)
        )
    }

    /// The code for one step, zero-padded.
    pub fn code_at(&self, step: i64) -> String {
        let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(&self.0[..]) else { return String::new() };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let word = u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
        let value = (word & 0x7fff_ffff) % 10u32.pow(DIGITS);
        format!("{value:0width$}", width = DIGITS as usize)
    }

    /// The step `code` belongs to, if it matches the step at `now` or one
    /// either side and that step is later than `last_used`.
    pub fn verify(&self, code: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = now.div_euclid(STEP_SECS);
        let mut found = None;
        // Every candidate is computed and compared in constant time, so the
        // time taken does not say which step matched.
        for step in [current - 1, current, current + 1] {
            let expected = self.code_at(step);
            let same = expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if same && last_used.is_none_or(|last| step > last) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    /// The secret sealed under the current server key for storage: the
    /// key's id, a random nonce and the secret XORed with HMAC(key, nonce),
    /// as hex "key-id:nonce:sealed". The id lets a rotated key open what
    /// its predecessor sealed, and says which key a value needs.
    pub fn seal(&self, key: &ServerKey) -> String {
        let mut nonce = [0u8; 16];
        rand::fill(&mut nonce);
        let pad = key.mac("passdesk/totp-seal/v1", &[&nonce]);
        let sealed: Vec<u8> = self.0.iter().zip(pad.iter()).map(|(s, p)| s ^ p).collect();
        format!("{}:{}:{}", key.id(), hex::encode(nonce), hex::encode(sealed))
    }

    /// Opens what [`TotpSecret::seal`] wrote, with the current key or the
    /// previous one, whichever the stamped id names; `None` when it is
    /// damaged or sealed under a key this one does not hold. A value from
    /// before key ids ("nonce:sealed") was sealed under the installation's
    /// first key: after an interrupted first rotation that is the previous
    /// key, otherwise the current one.
    pub fn unseal(key: &ServerKey, stored: &str) -> Option<Self> {
        let parts: Vec<&str> = stored.split(':').collect();
        let (opener, nonce, sealed) = match parts.as_slice() {
            [id, nonce, sealed] if *id == key.id() => (key.current_only(), nonce, sealed),
            [id, nonce, sealed] => (key.previous().filter(|p| p.id() == *id)?, nonce, sealed),
            [nonce, sealed] => (key.previous().unwrap_or_else(|| key.current_only()), nonce, sealed),
            _ => return None,
        };
        let nonce = hex::decode(nonce).ok()?;
        let sealed = hex::decode(sealed).ok()?;
        if nonce.len() != 16 || sealed.len() != SECRET_LEN {
            return None;
        }
        let pad = opener.mac("passdesk/totp-seal/v1", &[&nonce]);
        let mut bytes = [0u8; SECRET_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = sealed[i] ^ pad[i];
        }
        Some(Self::from_bytes(bytes))
    }

    /// Whether `stored` is sealed under the current key (so a rotation
    /// needs nothing else to open it).
    pub fn sealed_under_current(key: &ServerKey, stored: &str) -> bool {
        stored.split(':').count() == 3 && stored.split(':').next() == Some(key.id().as_str())
    }
}

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let upper = c.to_ascii_uppercase() as u32;
        let value = BASE32.iter().position(|&b| u32::from(b) == upper)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 vectors (8 digits there; the last 6 here).
    #[test]
    fn rfc6238_vectors() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        for (time, eight) in
            [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924"), (2_000_000_000, "69279037")]
        {
            assert_eq!(secret.code_at(time / STEP_SECS), eight[2..]);
        }
    }

    #[test]
    fn base32_round_trips() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        assert_eq!(secret.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let back = TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(back.code_at(1), secret.code_at(1));
        assert!(TotpSecret::from_base32("not base32!").is_none());
        assert!(TotpSecret::from_base32("GEZDG").is_none());
    }

    #[test]
    fn drift_of_one_step_and_no_replay() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let step = now / STEP_SECS;
        assert_eq!(secret.verify(&secret.code_at(step), now, None), Some(step));
        assert_eq!(secret.verify(&secret.code_at(step - 1), now, None), Some(step - 1));
        assert_eq!(secret.verify(&secret.code_at(step + 1), now, None), Some(step + 1));
        assert_eq!(secret.verify(&secret.code_at(step - 2), now, None), None);
        assert_eq!(secret.verify(&secret.code_at(step), now, Some(step)), None, "a used step is refused");
        assert_eq!(secret.verify(&secret.code_at(step - 1), now, Some(step)), None, "so is an older one");
        assert_eq!(secret.verify("12345", now, None), None);
        assert_eq!(secret.verify("abcdef", now, None), None);
    }

    #[test]
    fn sealing_needs_the_key() {
        let key = ServerKey::from_bytes([3; 32]);
        let secret = TotpSecret::generate();
        let stored = secret.seal(&key);
        assert!(!stored.contains(&hex::encode(&secret.0[..])));
        assert_eq!(TotpSecret::unseal(&key, &stored).unwrap().base32(), secret.base32());
        let other = ServerKey::from_bytes([4; 32]);
        assert!(TotpSecret::unseal(&other, &stored).is_none(), "another key's id");
        assert!(TotpSecret::unseal(&key, "zz:zz").is_none());
        assert!(TotpSecret::sealed_under_current(&key, &stored));
    }

    #[test]
    fn a_rotated_key_opens_what_its_predecessor_sealed() {
        let old = ServerKey::from_bytes([3; 32]);
        let secret = TotpSecret::generate();
        let stored = secret.seal(&old);
        let rotated = ServerKey::from_bytes([4; 32]).with_previous(*old.expose(), 9);
        assert_eq!(TotpSecret::unseal(&rotated, &stored).unwrap().base32(), secret.base32());
        assert!(!TotpSecret::sealed_under_current(&rotated, &stored));
        let resealed = secret.seal(&rotated);
        assert!(TotpSecret::sealed_under_current(&rotated, &resealed));
        assert_eq!(TotpSecret::unseal(&rotated, &resealed).unwrap().base32(), secret.base32());
        let twice = ServerKey::from_bytes([5; 32]).with_previous(*rotated.expose(), 10);
        assert!(TotpSecret::unseal(&twice, &stored).is_none(), "the key before the previous is gone");
    }

    #[test]
    fn values_from_before_key_ids_open_with_the_first_key() {
        let first = ServerKey::from_bytes([3; 32]);
        let secret = TotpSecret::generate();
        let stamped = secret.seal(&first);
        let legacy = stamped.split_once(':').map(|(_, rest)| rest.to_owned()).unwrap();
        assert_eq!(TotpSecret::unseal(&first, &legacy).unwrap().base32(), secret.base32());
        let rotated = ServerKey::from_bytes([4; 32]).with_previous(*first.expose(), 9);
        assert_eq!(TotpSecret::unseal(&rotated, &legacy).unwrap().base32(), secret.base32());
    }

    #[test]
    fn uri_for_apps() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        let uri = secret.uri("Example Org", "alice@example.org");
        assert!(uri.starts_with("otpauth://totp/Example%20Org:alice%40example.org?secret=GEZDGNBV"));
    }
}
