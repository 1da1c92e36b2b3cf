//! Public keys: the three COSE algorithms passdesk accepts, a minimal DER
//! reader for the SubjectPublicKeyInfo the browser hands over, and the
//! signature check through ring. Only the exact DER shapes WebAuthn
//! browsers produce are accepted; anything else is refused, never guessed.

use super::PasskeyError;
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

/// A signature algorithm, by its COSE number (RFC 9053 / IANA registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA with P-256 and SHA-256 (COSE -7): most security keys, Windows Hello.
    Es256,
    /// Ed25519 (COSE -8).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (COSE -257): some TPM-backed keys.
    Rs256,
}

impl Algorithm {
    /// Every accepted algorithm, in the order the server prefers them.
    pub const ALL: [Self; 3] = [Self::Es256, Self::EdDsa, Self::Rs256];

    /// The algorithm for a COSE number, or why it is refused.
    pub fn from_cose(number: i64) -> Result<Self, PasskeyError> {
        Self::ALL
            .into_iter()
            .find(|a| a.cose() == number)
            .ok_or(PasskeyError::UnsupportedAlgorithm { algorithm: number })
    }

    /// The COSE number.
    pub fn cose(self) -> i64 {
        match self {
            Self::Es256 => -7,
            Self::EdDsa => -8,
            Self::Rs256 => -257,
        }
    }

    fn ring(self) -> &'static dyn VerificationAlgorithm {
        match self {
            Self::Es256 => &signature::ECDSA_P256_SHA256_ASN1,
            Self::EdDsa => &signature::ED25519,
            Self::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        }
    }
}

// AlgorithmIdentifier contents (OID, parameters) as DER writes them.
// id-ecPublicKey with namedCurve prime256v1 (RFC 5480).
const EC_P256: &[u8] =
    &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
// id-Ed25519, no parameters (RFC 8410).
const ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
// rsaEncryption, then NULL parameters (RFC 3279; some encoders omit them).
const RSA: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const NULL: &[u8] = &[0x05, 0x00];

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;

/// Takes a SubjectPublicKeyInfo apart and returns the key in the form ring
/// verifies with: the uncompressed P-256 point, the 32 Ed25519 bytes, or the
/// PKCS#1 RSAPublicKey (2048 to 8192 bits).
pub fn from_spki(algorithm: Algorithm, spki: &[u8]) -> Result<Vec<u8>, PasskeyError> {
    let (identifier, key) = spki_parts(spki).ok_or(PasskeyError::PublicKeyMalformed)?;
    let fits = match algorithm {
        Algorithm::Es256 => identifier == EC_P256 && key.len() == 65 && key.first() == Some(&0x04),
        Algorithm::EdDsa => identifier == ED25519 && key.len() == 32,
        Algorithm::Rs256 => {
            let parameters = identifier.strip_prefix(RSA);
            let bits = rsa_modulus_bits(key).ok_or(PasskeyError::PublicKeyMalformed)?;
            if !(2048..=8192).contains(&bits) {
                return Err(PasskeyError::RsaKeySize { bits });
            }
            parameters == Some(NULL) || parameters == Some(&[])
        }
    };
    if fits { Ok(key.to_vec()) } else { Err(PasskeyError::PublicKeyMalformed) }
}

/// Checks `signature` over `message` with a key from [`from_spki`].
pub fn verify(algorithm: Algorithm, key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), PasskeyError> {
    UnparsedPublicKey::new(algorithm.ring(), key).verify(message, signature).map_err(|_| PasskeyError::BadSignature)
}

/// SEQUENCE { SEQUENCE { algorithm identifier }, BIT STRING { key } }, with
/// nothing after either, and no unused bits in the key.
fn spki_parts(spki: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut outer = Der(spki);
    let mut info = Der(outer.read(SEQUENCE)?);
    let identifier = info.read(SEQUENCE)?;
    let bits = info.read(BIT_STRING)?;
    let (&unused, key) = bits.split_first()?;
    (outer.0.is_empty() && info.0.is_empty() && unused == 0).then_some((identifier, key))
}

/// The bit length of the modulus in SEQUENCE { INTEGER n, INTEGER e }, when
/// both are positive and minimally encoded.
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let mut outer = Der(key);
    let mut fields = Der(outer.read(SEQUENCE)?);
    let modulus = positive_integer(fields.read(INTEGER)?)?;
    positive_integer(fields.read(INTEGER)?)?;
    if !outer.0.is_empty() || !fields.0.is_empty() {
        return None;
    }
    let &top = modulus.first()?;
    Some((modulus.len() - 1) * 8 + (8 - top.leading_zeros() as usize))
}

/// The magnitude of a DER INTEGER that must be positive: a leading zero
/// byte only where the next byte has its high bit set, as DER demands.
fn positive_integer(value: &[u8]) -> Option<&[u8]> {
    match value {
        [0x00, next, ..] if *next >= 0x80 => value.get(1..),
        [first, ..] if *first != 0x00 && *first < 0x80 => Some(value),
        _ => None,
    }
}

/// A cursor over DER, reading one tag-length-value at a time. Lengths use
/// the short form or the one- and two-byte long forms (up to 65,535 bytes,
/// far beyond any 8192-bit key), each minimal as DER requires.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&found, rest) = self.0.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (length, rest) = match first {
            0x00..=0x7f => (usize::from(first), rest),
            0x81 => {
                let (&byte, rest) = rest.split_first()?;
                (byte >= 0x80).then_some((usize::from(byte), rest))?
            }
            0x82 => {
                let (bytes, rest) = rest.split_first_chunk::<2>()?;
                let length = usize::from(u16::from_be_bytes(*bytes));
                (length >= 0x100).then_some((length, rest))?
            }
            _ => return None,
        };
        let (value, rest) = rest.split_at_checked(length)?;
        if found != tag {
            return None;
        }
        self.0 = rest;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::der;
    use super::*;

    /// An RSA SubjectPublicKeyInfo with a modulus of `bits` bits (not a
    /// real key: only its shape is checked here).
    fn rsa_spki(bits: usize, with_null: bool) -> Vec<u8> {
        let mut modulus = vec![0x00, 0x80];
        modulus.resize(bits / 8 + 1, 0x5a);
        let key = der(SEQUENCE, &[der(INTEGER, &modulus), der(INTEGER, &[1, 0, 1])].concat());
        let identifier = if with_null { [RSA, NULL].concat() } else { RSA.to_vec() };
        der(SEQUENCE, &[der(SEQUENCE, &identifier), der(BIT_STRING, &[&[0][..], &key].concat())].concat())
    }

    #[test]
    fn rsa_keys_from_2048_to_8192_bits() {
        for bits in [2048, 3072, 4096, 8192] {
            let key = from_spki(Algorithm::Rs256, &rsa_spki(bits, true)).unwrap();
            assert_eq!(rsa_modulus_bits(&key), Some(bits));
        }
        assert!(from_spki(Algorithm::Rs256, &rsa_spki(2048, false)).is_ok(), "NULL parameters may be left out");
        assert_eq!(from_spki(Algorithm::Rs256, &rsa_spki(1024, true)), Err(PasskeyError::RsaKeySize { bits: 1024 }));
        assert_eq!(from_spki(Algorithm::Rs256, &rsa_spki(8200, true)), Err(PasskeyError::RsaKeySize { bits: 8200 }));
    }

    #[test]
    fn only_exact_der_is_read() {
        let good = rsa_spki(2048, true);
        assert_eq!(from_spki(Algorithm::Es256, &good), Err(PasskeyError::PublicKeyMalformed));
        let trailing = [good.as_slice(), &[0]].concat();
        assert_eq!(from_spki(Algorithm::Rs256, &trailing), Err(PasskeyError::PublicKeyMalformed));
        let mut long_form_for_short = vec![SEQUENCE, 0x81, 0x05];
        long_form_for_short.extend(der(0x06, &[0x2b, 0x65, 0x70]));
        assert!(Der(&long_form_for_short).read(SEQUENCE).is_none(), "lengths must be minimal");
        assert!(Der(&[SEQUENCE, 0x80, 0x00, 0x00]).read(SEQUENCE).is_none(), "no indefinite lengths");
        assert!(Der(&[SEQUENCE, 0x05, 0x00]).read(SEQUENCE).is_none(), "length past the end");
        assert_eq!(positive_integer(&[0x00, 0x7f]), None, "a needless zero byte");
        assert_eq!(positive_integer(&[0x80]), None, "negative");
        for cut in 0..good.len() {
            assert!(from_spki(Algorithm::Rs256, &good[..cut]).is_err());
        }
    }

    #[test]
    fn curve_points_must_be_uncompressed_and_ed25519_keys_32_bytes() {
        let ec = |point: &[u8]| {
            der(SEQUENCE, &[der(SEQUENCE, EC_P256), der(BIT_STRING, &[&[0][..], point].concat())].concat())
        };
        let mut point = vec![0x04];
        point.resize(65, 7);
        assert_eq!(from_spki(Algorithm::Es256, &ec(&point)), Ok(point.clone()));
        assert_eq!(from_spki(Algorithm::Es256, &ec(&point[..33])), Err(PasskeyError::PublicKeyMalformed));
        let ed =
            |key: &[u8]| der(SEQUENCE, &[der(SEQUENCE, ED25519), der(BIT_STRING, &[&[0][..], key].concat())].concat());
        assert_eq!(from_spki(Algorithm::EdDsa, &ed(&[3; 32])), Ok(vec![3; 32]));
        assert_eq!(from_spki(Algorithm::EdDsa, &ed(&[3; 31])), Err(PasskeyError::PublicKeyMalformed));
    }
}
