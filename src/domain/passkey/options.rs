//! The options the browser's `navigator.credentials.create()` and `.get()`
//! need, in the WebAuthn Level 3 JSON form (`PublicKeyCredentialCreation
//! OptionsJSON`, `PublicKeyCredentialRequestOptionsJSON`): binary fields
//! as base64url. Browsers with `PublicKeyCredential.parseCreationOptions
//! FromJSON` take them as they are; the portal's script decodes them otherwise.

use super::{Algorithm, Challenge, Passkey, PasskeyUser, RelyingParty, encoding};
use serde_json::{Value, json};

/// How long the browser waits for the person, in milliseconds (5 minutes).
/// The flow should let a challenge expire no earlier.
pub const TIMEOUT_MS: u64 = 300_000;

/// Options for registering a new passkey. Passkeys the person already has
/// are excluded so one authenticator is not registered twice; a
/// discoverable credential is preferred but not demanded, so plain security
/// keys still work; attestation "none", as passdesk trusts no vendor list.
pub fn creation_options(
    rp: &RelyingParty,
    site_name: &str,
    user: &PasskeyUser<'_>,
    challenge: &Challenge,
    existing: &[Passkey],
    require_user_verification: bool,
) -> Value {
    let parameters: Vec<Value> =
        Algorithm::ALL.iter().map(|a| json!({ "type": "public-key", "alg": a.cose() })).collect();
    json!({
        "rp": { "id": rp.id, "name": site_name },
        "user": {
            "id": encoding::encode(user.handle.as_bytes()),
            "name": user.name,
            "displayName": user.display_name,
        },
        "challenge": challenge.to_base64url(),
        "pubKeyCredParams": parameters,
        "timeout": TIMEOUT_MS,
        "excludeCredentials": descriptors(existing),
        "authenticatorSelection": {
            "residentKey": "preferred",
            "requireResidentKey": false,
            "userVerification": user_verification(require_user_verification),
        },
        "attestation": "none",
    })
}

/// Options for proving identity with one of the person's registered passkeys.
pub fn request_options(
    rp: &RelyingParty,
    challenge: &Challenge,
    passkeys: &[Passkey],
    require_user_verification: bool,
) -> Value {
    json!({
        "challenge": challenge.to_base64url(),
        "timeout": TIMEOUT_MS,
        "rpId": rp.id,
        "allowCredentials": descriptors(passkeys),
        "userVerification": user_verification(require_user_verification),
    })
}

fn descriptors(passkeys: &[Passkey]) -> Vec<Value> {
    passkeys
        .iter()
        .map(|p| json!({ "type": "public-key", "id": encoding::encode(&p.credential_id), "transports": p.transports }))
        .collect()
}

fn user_verification(required: bool) -> &'static str {
    if required { "required" } else { "preferred" }
}
