//! The server key: 32 random bytes that make every stored code, decoy and
//! token MAC unforgeable. It lives only in memory (zeroized on drop) and in
//! the 0600 key file that `crate::keyfile` reads. After `passdesk
//! rotate-key` the key also carries the key it replaced, so codes and
//! challenges made just before the rotation still verify.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of the server key in bytes.
pub const KEY_LEN: usize = 32;

/// The secret behind every HMAC that passdesk stores or derives; new MACs
/// always use the current key, the previous one (after a rotation) only
/// verifies what was made before it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ServerKey {
    current: [u8; KEY_LEN],
    previous: Option<[u8; KEY_LEN]>,
    /// When the previous key stopped being current (Unix seconds; 0 without one).
    retired_at: i64,
}

impl ServerKey {
    /// Wraps key bytes read from the key file.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self { current: bytes, previous: None, retired_at: 0 }
    }

    /// A fresh key from the operating system's CSPRNG, for `init` and first run.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        rand::fill(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// This key with `previous` kept beside it, retired at `retired_at`:
    /// what `passdesk rotate-key` writes, so what the previous key made
    /// (codes in flight, sealed secrets not yet re-sealed) stays readable.
    pub fn with_previous(mut self, previous: [u8; KEY_LEN], retired_at: i64) -> Self {
        self.previous = Some(previous);
        self.retired_at = retired_at;
        self
    }

    /// The previous key on its own, if this key replaced one.
    pub fn previous(&self) -> Option<ServerKey> {
        self.previous.map(ServerKey::from_bytes)
    }

    /// When the previous key was retired, if there is one.
    pub fn retired_at(&self) -> Option<i64> {
        self.previous.map(|_| self.retired_at)
    }

    /// The current key alone, without the previous one: what a rotation
    /// keeps as the next "previous".
    pub fn current_only(&self) -> ServerKey {
        ServerKey::from_bytes(self.current)
    }

    /// A short public name for the current key (16 hex digits of a MAC, so
    /// it says nothing about the key): stamped on sealed secrets so the
    /// right key opens them, and shown in the audit trail.
    pub fn id(&self) -> String {
        hex::encode(&self.mac("passdesk/key-id/v1", &[])[..8])
    }

    /// The raw bytes of the current key, for writing the key file only.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.current
    }

    /// The same MAC as [`ServerKey::mac`] under the previous key, to verify
    /// what was made before a rotation; `None` when there is no previous key.
    pub fn previous_mac(&self, domain: &str, parts: &[&[u8]]) -> Option<[u8; 32]> {
        self.previous().map(|p| p.mac(domain, parts))
    }

    /// HMAC-SHA256 over the parts, each length-prefixed so that
    /// ("ab","c") and ("a","bc") can never collide.
    pub fn mac(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        // new_from_slice accepts any key length for HMAC; 32 bytes always works.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.current) {
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
    fn the_previous_key_only_verifies() {
        let old = ServerKey::from_bytes([1; KEY_LEN]);
        let ring = ServerKey::from_bytes([2; KEY_LEN]).with_previous(*old.expose(), 50);
        assert_eq!(ring.mac("d", &[b"x"]), ServerKey::from_bytes([2; KEY_LEN]).mac("d", &[b"x"]));
        assert_eq!(ring.previous_mac("d", &[b"x"]), Some(old.mac("d", &[b"x"])));
        assert_eq!(ring.retired_at(), Some(50));
        assert_ne!(ring.id(), old.id());
        assert_eq!(ring.current_only().previous_mac("d", &[]), None);
        assert_eq!(old.id().len(), 16);
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
