//! Flow tokens: 256 random bits that address a flow (portal cookie, API
//! bearer). Only the SHA-256 is stored, so a leaked database opens no flow.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A token as handed to the client: 64 lowercase hex characters.
#[derive(Clone, PartialEq, Eq)]
pub struct FlowToken(Zeroizing<String>);

impl FlowToken {
    /// Draws a new token from the CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::fill(&mut bytes[..]);
        Self(Zeroizing::new(hex::encode(&bytes[..])))
    }

    /// Accepts a token from a client only if it has the exact shape we issue,
    /// so junk never reaches the store.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(Zeroizing::new(raw.to_owned())))
    }

    /// The text to give the client.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value stored and looked up.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

impl std::fmt::Debug for FlowToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FlowToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_shape() {
        let t = FlowToken::generate();
        assert_eq!(t.as_str().len(), 64);
        let parsed = FlowToken::parse(t.as_str()).unwrap();
        assert_eq!(parsed.digest(), t.digest());
        assert!(FlowToken::parse("abc").is_none());
        assert!(FlowToken::parse(&"G".repeat(64)).is_none());
        assert!(FlowToken::parse(&"A".repeat(64)).is_none());
        assert_ne!(FlowToken::generate().as_str(), t.as_str());
    }
}
