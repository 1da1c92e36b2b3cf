//! The checks on `clientDataJSON` (WebAuthn §7.1 steps 7–11, §7.2 steps
//! 10–14): what the browser says happened, which the authenticator's
//! signature covers through its hash. Parsed as JSON rather than matched as
//! text: the browser's serialisation is only loosely specified.

use super::{Challenge, PasskeyError, RelyingParty, encoding};
use crate::domain::key::macs_equal;
use serde::Deserialize;

/// The `type` of a registration.
pub const CREATE: &str = "webauthn.create";
/// The `type` of a sign-in.
pub const GET: &str = "webauthn.get";

// Unknown members (topOrigin, tokenBinding, "other_keys_can_be_added_here")
// are ignored as the specification asks; a repeated member is an error.
#[derive(Deserialize)]
struct ClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(rename = "crossOrigin", default)]
    cross_origin: Option<bool>,
}

/// Checks the ceremony type, the challenge (in constant time), the exact
/// origin, and that no other site framed the ceremony.
pub fn check(
    json: &[u8],
    ceremony: &'static str,
    challenge: &Challenge,
    rp: &RelyingParty,
) -> Result<(), PasskeyError> {
    let data: ClientData = serde_json::from_slice(json).map_err(|_| PasskeyError::ClientDataUnreadable)?;
    if data.kind != ceremony {
        return Err(PasskeyError::WrongCeremony { expected: ceremony, found: data.kind });
    }
    let signed = encoding::decode(&data.challenge).ok_or(PasskeyError::ChallengeMismatch)?;
    if !macs_equal(&signed, challenge.as_bytes()) {
        return Err(PasskeyError::ChallengeMismatch);
    }
    if data.origin != rp.origin {
        return Err(PasskeyError::WrongOrigin { origin: data.origin });
    }
    if data.cross_origin == Some(true) {
        return Err(PasskeyError::CrossOrigin);
    }
    Ok(())
}
