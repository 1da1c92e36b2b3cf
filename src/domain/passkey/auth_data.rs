//! Reading `authenticatorData` (WebAuthn §6.1): rpIdHash (32), flags (1),
//! signCount (4, big-endian), then at registration the attested credential
//! data: aaguid (16), credential id length (2) and id, and the COSE key. The
//! COSE key is left unparsed: the browser's SPKI copy of it is used instead.

use super::{PasskeyError, RelyingParty};
use crate::domain::key::macs_equal;
use ring::digest::{SHA256, digest};

const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const BACKUP_ELIGIBLE: u8 = 0x08;
const BACKED_UP: u8 = 0x10;
const ATTESTED_CREDENTIAL: u8 = 0x40;

/// The longest credential id WebAuthn Level 3 allows.
const MAX_CREDENTIAL_ID: usize = 1023;

/// The fixed part of `authenticatorData`, borrowed from the bytes.
pub struct AuthData<'a> {
    flags: u8,
    /// The authenticator's signature counter (0 when it keeps none).
    pub sign_count: u32,
    rest: &'a [u8],
}

impl<'a> AuthData<'a> {
    /// Reads the header and checks what every ceremony needs: the hash of
    /// our rp id, user presence, user verification when required, and that
    /// "backed up" never appears without "backup eligible".
    pub fn check(bytes: &'a [u8], rp: &RelyingParty, require_user_verification: bool) -> Result<Self, PasskeyError> {
        let malformed = || PasskeyError::AuthenticatorDataMalformed;
        let (rp_id_hash, rest) = bytes.split_first_chunk::<32>().ok_or_else(malformed)?;
        let (&flags, rest) = rest.split_first().ok_or_else(malformed)?;
        let (count, rest) = rest.split_first_chunk::<4>().ok_or_else(malformed)?;
        if !macs_equal(rp_id_hash, digest(&SHA256, rp.id.as_bytes()).as_ref()) {
            return Err(PasskeyError::WrongSite);
        }
        if flags & USER_PRESENT == 0 {
            return Err(PasskeyError::UserNotPresent);
        }
        if require_user_verification && flags & USER_VERIFIED == 0 {
            return Err(PasskeyError::UserNotVerified);
        }
        if flags & BACKED_UP != 0 && flags & BACKUP_ELIGIBLE == 0 {
            return Err(PasskeyError::AuthenticatorDataMalformed);
        }
        Ok(Self { flags, sign_count: u32::from_be_bytes(*count), rest })
    }

    /// Whether the authenticator verified the user (PIN, biometric).
    pub fn user_verified(&self) -> bool {
        self.flags & USER_VERIFIED != 0
    }

    /// Whether the credential may be synced to other devices.
    pub fn backup_eligible(&self) -> bool {
        self.flags & BACKUP_ELIGIBLE != 0
    }

    /// The new credential's id, from the attested credential data that a
    /// registration must carry.
    pub fn credential_id(&self) -> Result<&'a [u8], PasskeyError> {
        if self.flags & ATTESTED_CREDENTIAL == 0 {
            return Err(PasskeyError::NoCredential);
        }
        let malformed = || PasskeyError::AuthenticatorDataMalformed;
        let after_aaguid = self.rest.get(16..).ok_or_else(malformed)?;
        let (length, rest) = after_aaguid.split_first_chunk::<2>().ok_or_else(malformed)?;
        let length = usize::from(u16::from_be_bytes(*length));
        if length == 0 || length > MAX_CREDENTIAL_ID {
            return Err(malformed());
        }
        let (id, cose_key) = rest.split_at_checked(length).ok_or_else(malformed)?;
        // A COSE key must follow; where it ends does not matter here.
        if cose_key.is_empty() {
            return Err(malformed());
        }
        Ok(id)
    }
}
