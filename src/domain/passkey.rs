//! Passkeys (WebAuthn Level 3 relying party) on ring alone, no CBOR: the
//! browser sends `getPublicKey()` (SPKI DER) and `getAuthenticatorData()`
//! besides `clientDataJSON`. With attestation "none" the attestation object
//! adds no trust, so this is as strong. The flow keeps each [`Challenge`]
//! for one use and stores [`Passkey`] as JSON; this module does no I/O.

mod auth_data;
mod client_data;
mod encoding;
mod error;
mod key;
mod options;

pub use error::PasskeyError;
pub use key::Algorithm;
pub use options::{TIMEOUT_MS, creation_options, request_options};

use super::{key::ServerKey, key::macs_equal, login::Login};
use auth_data::AuthData;
use ring::digest::{SHA256, digest};
use serde::{Deserialize, Serialize};

/// Transports the browser may report; other strings are dropped, as they
/// are only hints for finding the authenticator again.
const TRANSPORTS: [&str; 6] = ["ble", "hybrid", "internal", "nfc", "smart-card", "usb"];

/// 32 random bytes the authenticator signs, so an answer cannot be
/// replayed: the flow issues one per ceremony and forgets it once used.
#[derive(Debug, Clone)]
pub struct Challenge([u8; 32]);

impl Challenge {
    /// A fresh challenge from the CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        Self(bytes)
    }

    /// The challenge as the browser and the flow's storage carry it.
    pub fn to_base64url(&self) -> String {
        encoding::encode(&self.0)
    }

    /// Reads back what [`Challenge::to_base64url`] wrote.
    pub fn from_base64url(text: &str) -> Option<Self> {
        encoding::decode(text)?.try_into().ok().map(Self)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The raw bytes as an array (the flow's code row has room for 32).
    pub fn as_array(&self) -> &[u8; 32] {
        &self.0
    }

    /// A challenge kept as raw bytes (the flow's code row); `None` for any
    /// other length.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

/// This server as WebAuthn sees it. Passkeys are bound to `id`, so changing
/// the public host name orphans every registered passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The rp id: the public host name, without scheme or port.
    pub id: String,
    /// The exact origin pages are served from: `https://host[:port]`.
    pub origin: String,
}

impl RelyingParty {
    /// The relying party for the public address people open, so the id and
    /// the origin cannot disagree. `None` for a URL without a host.
    pub fn for_url(url: &url::Url) -> Option<Self> {
        let id = url.host_str()?.to_owned();
        Some(Self { id, origin: url.origin().ascii_serialization() })
    }
}

/// The opaque id WebAuthn stores with a discoverable passkey: an HMAC of the
/// case-folded login under the server key, so it reveals nothing (the
/// specification forbids personal data there). Each passkey keeps the
/// handle it was made with, and a person's later passkeys reuse it, so a
/// `passdesk rotate-key` changes no handle an authenticator already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserHandle([u8; 32]);

impl UserHandle {
    /// The handle for one person.
    pub fn for_login(key: &ServerKey, login: &Login) -> Self {
        Self(key.mac("passdesk/passkey-user-handle/v1", &[login.folded().as_bytes()]))
    }

    /// The handle the person's existing passkeys carry, if any: after a key
    /// rotation it differs from [`UserHandle::for_login`], and a new passkey
    /// must join the same WebAuthn account as the old ones.
    pub fn of_existing(passkeys: &[Passkey]) -> Option<Self> {
        passkeys.iter().find_map(|p| <[u8; 32]>::try_from(p.user_handle.as_slice()).ok()).map(Self)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Who a new passkey is for, as the authenticator will show it.
#[derive(Debug, Clone, Copy)]
pub struct PasskeyUser<'a> {
    /// The opaque handle.
    pub handle: &'a UserHandle,
    /// The account name (the login).
    pub name: &'a str,
    /// The person's name.
    pub display_name: &'a str,
}

/// A registered passkey, stored as JSON (binary fields in base64url).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passkey {
    /// The credential id the authenticator chose.
    #[serde(with = "encoding::serde_bytes")]
    pub credential_id: Vec<u8>,
    /// The COSE algorithm number (-7, -8 or -257).
    pub algorithm: i64,
    /// The key as ring takes it: P-256 point, Ed25519 bytes or PKCS#1 RSA key.
    #[serde(with = "encoding::serde_bytes")]
    pub public_key: Vec<u8>,
    /// The last signature counter seen (0 when the authenticator keeps none).
    pub sign_count: u32,
    /// Whether the person was verified (PIN, biometric) at registration.
    pub user_verified: bool,
    /// Whether the passkey may be synced between devices.
    pub backup_eligible: bool,
    /// Where the browser found it (usb, nfc, ble, hybrid, internal, smart-card).
    pub transports: Vec<String>,
    /// The user handle it was registered under.
    #[serde(with = "encoding::serde_bytes")]
    pub user_handle: Vec<u8>,
}

/// What the portal's script sends after `navigator.credentials.create()`;
/// binary fields in base64url.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationResponse {
    /// `response.clientDataJSON`.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// `response.getAuthenticatorData()`.
    pub authenticator_data: String,
    /// `response.getPublicKey()`: SubjectPublicKeyInfo DER.
    pub public_key: String,
    /// `response.getPublicKeyAlgorithm()`: the COSE number.
    pub public_key_algorithm: i64,
    /// `rawId`.
    pub raw_id: String,
    /// `response.getTransports()`.
    #[serde(default)]
    pub transports: Vec<String>,
}

/// What the portal's script sends after `navigator.credentials.get()`;
/// binary fields in base64url.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationResponse {
    /// `response.clientDataJSON`.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// `response.authenticatorData`.
    pub authenticator_data: String,
    /// `response.signature`.
    pub signature: String,
    /// `rawId`.
    pub raw_id: String,
    /// `response.userHandle`, absent or null when the authenticator gives none.
    #[serde(default)]
    pub user_handle: Option<String>,
}

/// Checks a registration (WebAuthn §7.1, attestation "none") and returns the
/// passkey to store for `user`.
pub fn verify_registration(
    rp: &RelyingParty,
    expected_challenge: &Challenge,
    user: &UserHandle,
    response: RegistrationResponse,
    require_user_verification: bool,
) -> Result<Passkey, PasskeyError> {
    let client_data = decode(&response.client_data_json, "clientDataJSON")?;
    let authenticator_data = decode(&response.authenticator_data, "authenticatorData")?;
    let spki = decode(&response.public_key, "publicKey")?;
    let raw_id = decode(&response.raw_id, "rawId")?;
    client_data::check(&client_data, client_data::CREATE, expected_challenge, rp)?;
    let auth = AuthData::check(&authenticator_data, rp, require_user_verification)?;
    if auth.credential_id()? != raw_id.as_slice() {
        return Err(PasskeyError::CredentialIdMismatch);
    }
    let algorithm = Algorithm::from_cose(response.public_key_algorithm)?;
    let public_key = key::from_spki(algorithm, &spki)?;
    let mut transports: Vec<String> =
        response.transports.into_iter().filter(|t| TRANSPORTS.contains(&t.as_str())).collect();
    transports.sort();
    transports.dedup();
    Ok(Passkey {
        credential_id: raw_id,
        algorithm: algorithm.cose(),
        public_key,
        sign_count: auth.sign_count,
        user_verified: auth.user_verified(),
        backup_eligible: auth.backup_eligible(),
        transports,
        user_handle: user.as_bytes().to_vec(),
    })
}

/// Checks a sign-in with `passkey` (WebAuthn §7.2), which the flow picks by
/// `rawId` among the identified person's passkeys, and returns the signature
/// counter to store. When either counter is non-zero the new one must be
/// higher (§7.2 step 22): anything else hints at a cloned authenticator.
pub fn verify_authentication(
    rp: &RelyingParty,
    expected_challenge: &Challenge,
    passkey: &Passkey,
    response: AuthenticationResponse,
    require_user_verification: bool,
) -> Result<u32, PasskeyError> {
    let client_data = decode(&response.client_data_json, "clientDataJSON")?;
    let authenticator_data = decode(&response.authenticator_data, "authenticatorData")?;
    let signature = decode(&response.signature, "signature")?;
    let raw_id = decode(&response.raw_id, "rawId")?;
    let user_handle = response.user_handle.as_deref().map(|h| decode(h, "userHandle")).transpose()?;
    if raw_id != passkey.credential_id {
        return Err(PasskeyError::UnknownCredential);
    }
    if user_handle.is_some_and(|h| !h.is_empty() && !macs_equal(&h, &passkey.user_handle)) {
        return Err(PasskeyError::UserHandleMismatch);
    }
    client_data::check(&client_data, client_data::GET, expected_challenge, rp)?;
    let auth = AuthData::check(&authenticator_data, rp, require_user_verification)?;
    let algorithm = Algorithm::from_cose(passkey.algorithm)?;
    let signed = [authenticator_data.as_slice(), digest(&SHA256, &client_data).as_ref()].concat();
    key::verify(algorithm, &passkey.public_key, &signed, &signature)?;
    let (stored, received) = (passkey.sign_count, auth.sign_count);
    if (stored != 0 || received != 0) && received <= stored {
        return Err(PasskeyError::CounterRegression { stored, received });
    }
    Ok(received)
}

/// The credential an authentication answer is for, so the flow can pick
/// the stored passkey it must be checked against.
pub fn credential_id_of(response: &AuthenticationResponse) -> Result<Vec<u8>, PasskeyError> {
    decode(&response.raw_id, "rawId")
}

fn decode(text: &str, field: &'static str) -> Result<Vec<u8>, PasskeyError> {
    encoding::decode(text).ok_or(PasskeyError::Encoding { field })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
