//! base64url without padding (RFC 4648 §5), the encoding WebAuthn uses for
//! every binary field in JSON. Hand-written because the project has no
//! direct base64 dependency and needs only these two directions.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes without padding, as the WebAuthn JSON types do.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(symbol(buffer >> bits));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(symbol(buffer << (6 - bits)));
    }
    out
}

/// Decodes; trailing `=` padding is tolerated because some browser helper
/// libraries add it. `None` for any other character, an impossible length
/// or non-zero leftover bits (a second spelling of the same bytes).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.strip_suffix("==").or_else(|| text.strip_suffix('=')).unwrap_or(text);
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == byte)?;
        buffer = (buffer << 6) | u32::try_from(value).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(buffer >> bits).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    (buffer == 0).then_some(out)
}

fn symbol(index: u32) -> char {
    // `index` is masked to six bits, so the lookup always succeeds.
    ALPHABET.get((index & 63) as usize).map_or('A', |&b| char::from(b))
}

/// Serde adapter: binary fields stored as base64url strings in JSON.
pub mod serde_bytes {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the bytes as base64url.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::encode(bytes))
    }

    /// Reads base64url back into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::decode(&text).ok_or_else(|| D::Error::custom("not base64url"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10 vectors (the base64 ones; this alphabet differs only in
    /// characters 62 and 63, covered below).
    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode("Zm8=").unwrap(), b"fo");
    }

    #[test]
    fn refuses_what_is_not_base64url() {
        assert!(decode("Zm9v+").is_none(), "standard alphabet");
        assert!(decode("Z").is_none(), "impossible length");
        assert!(decode("Zm9").is_none(), "leftover bits set");
        assert!(decode("Zm 8").is_none());
        assert!(decode("é").is_none());
    }
}
