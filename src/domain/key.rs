//! The server key: 32 random bytes that make every stored code, decoy and
//! token MAC unforgeable. It lives only in memory (zeroized on drop) and in
//! the 0600 key file that `crate::app` reads.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of the server key in bytes.
pub const KEY_LEN: usize = 32;

/// The secret behind every HMAC that passdesk stores or derives.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ServerKey([u8; KEY_LEN]);

impl ServerKey {
    /// Wraps key bytes read from the key file.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// A fresh key from the operating system's CSPRNG, for `init` and first run.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        rand::fill(&mut bytes);
        Self(bytes)
    }

    /// The raw bytes, for writing the key file only.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// HMAC-SHA256 over the parts, each length-prefixed so that
    /// ("ab","c") and ("a","bc") can never collide.
    pub fn mac(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        // new_from_slice accepts any key length for HMAC; 32 bytes always works.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable_key_length(),
        };
        mac.update(&(domain.len() as u64).to_be_bytes());
        mac.update(domain.as_bytes());
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(<redacted>)")
    }
}

/// HMAC takes keys of any length, so this is never reached; kept as a
/// function so the invariant is stated once.
#[cold]
fn unreachable_key_length() -> ! {
    #[allow(clippy::panic)]
    {
        panic!("HMAC-SHA256 rejected a 32-byte key")
    }
}

/// Compares two MACs in constant time so a wrong guess leaks no prefix length.
pub fn macs_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_depends_on_key_domain_and_boundaries() {
        let k1 = ServerKey::from_bytes([1; KEY_LEN]);
        let k2 = ServerKey::from_bytes([2; KEY_LEN]);
        assert_ne!(k1.mac("d", &[b"x"]), k2.mac("d", &[b"x"]));
        assert_ne!(k1.mac("d", &[b"x"]), k1.mac("e", &[b"x"]));
        assert_ne!(k1.mac("d", &[b"ab", b"c"]), k1.mac("d", &[b"a", b"bc"]));
        assert_eq!(k1.mac("d", &[b"x"]), k1.mac("d", &[b"x"]));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let k = ServerKey::from_bytes([7; KEY_LEN]);
        assert_eq!(format!("{k:?}"), "ServerKey(<redacted>)");
    }

    #[test]
    fn constant_time_compare() {
        assert!(macs_equal(b"abc", b"abc"));
        assert!(!macs_equal(b"abc", b"abd"));
        assert!(!macs_equal(b"abc", b"ab"));
    }
}
