//! The W3C WebAuthn Level 3 test vector "ES256 Credential with No
//! Attestation" (§16, `none.ES256`), run through the verifier: values made
//! by another implementation, so both sides are not just agreeing with
//! themselves. The SPKI the browser would send is built from the COSE key's
//! x and y, which sit at fixed places in the vector's authenticatorData.

use super::tests::der;
use super::*;

const REGISTRATION_CHALLENGE: &str = "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130";
const REGISTRATION_CLIENT_DATA: &str = concat!(
    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22414d4d507434557878",
    "475453746e63647134313759447742466938767049612d7077386f4f755657345441222c226f726967696e223a226874",
    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c226578747261446174",
    "61223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e",
    "616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20426b5165446a646354",
    "427258426941774a544c453551227d",
);
/// Flags 0x59: UP, BE, BS, AT (no UV); counter 0; credential id of 32 bytes.
const REGISTRATION_AUTH_DATA: &str = concat!(
    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b559000000008446ccb9ab1db374750b23",
    "67ff6f3a1f0020f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4a50102032620012158",
    "20afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56b87a2fca66334b0345",
    "8abf879717c12cc68ed73290af2e2664796b9220",
);
const CREDENTIAL_ID: &str = "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4";

const AUTHENTICATION_CHALLENGE: &str = "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408";
const AUTHENTICATION_CLIENT_DATA: &str = concat!(
    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224f63446e55685158756c5455",
    "506f334a5558543049393770767a7a59425039745a63685879617630314167222c226f726967696e223a226874747073",
    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
);
/// Flags 0x19: UP, BE, BS; counter 0.
const AUTHENTICATION_AUTH_DATA: &str = "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000";
const SIGNATURE: &str = concat!(
    "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b935381",
    "74f575bf11a1dd5d78c6e486013f937295ea13653e331e87",
);

fn rp() -> RelyingParty {
    RelyingParty { id: "example.org".into(), origin: "https://example.org".into() }
}

fn base64url(hex_text: &str) -> String {
    encoding::encode(&hex::decode(hex_text).unwrap())
}

fn challenge(hex_text: &str) -> Challenge {
    Challenge::from_base64url(&base64url(hex_text)).unwrap()
}

/// SubjectPublicKeyInfo for the COSE key's x (-2) and y (-3) coordinates.
fn spki(auth_data: &[u8]) -> Vec<u8> {
    let cose = &auth_data[37 + 16 + 2 + 32..];
    let (x, y) = (&cose[10..42], &cose[45..77]);
    let point = [&[0x00, 0x04][..], x, y].concat();
    let identifier =
        [der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]), der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7])]
            .concat();
    der(0x30, &[der(0x30, &identifier), der(0x03, &point)].concat())
}

fn registered() -> Result<Passkey, PasskeyError> {
    let auth_data = hex::decode(REGISTRATION_AUTH_DATA).unwrap();
    let response = RegistrationResponse {
        client_data_json: base64url(REGISTRATION_CLIENT_DATA),
        authenticator_data: encoding::encode(&auth_data),
        public_key: encoding::encode(&spki(&auth_data)),
        public_key_algorithm: -7,
        raw_id: base64url(CREDENTIAL_ID),
        transports: Vec::new(),
    };
    let user = UserHandle::for_login(&ServerKey::from_bytes([1; 32]), &Login::parse("vector").unwrap());
    verify_registration(&rp(), &challenge(REGISTRATION_CHALLENGE), &user, response, false)
}

fn assertion() -> AuthenticationResponse {
    AuthenticationResponse {
        client_data_json: base64url(AUTHENTICATION_CLIENT_DATA),
        authenticator_data: base64url(AUTHENTICATION_AUTH_DATA),
        signature: base64url(SIGNATURE),
        raw_id: base64url(CREDENTIAL_ID),
        user_handle: None,
    }
}

#[test]
fn w3c_none_es256_registers_and_signs_in() {
    let passkey = registered().unwrap();
    assert_eq!(passkey.credential_id, hex::decode(CREDENTIAL_ID).unwrap());
    assert!(!passkey.user_verified && passkey.backup_eligible);
    let result = verify_authentication(&rp(), &challenge(AUTHENTICATION_CHALLENGE), &passkey, assertion(), false);
    assert_eq!(result, Ok(0));
}

#[test]
fn w3c_none_es256_refused_where_it_should_be() {
    let passkey = registered().unwrap();
    let sign_in = |rp: &RelyingParty, response, require_user_verification| {
        verify_authentication(rp, &challenge(AUTHENTICATION_CHALLENGE), &passkey, response, require_user_verification)
    };
    assert_eq!(sign_in(&rp(), assertion(), true), Err(PasskeyError::UserNotVerified), "the vector has no UV");
    let elsewhere = RelyingParty { id: "example.com".into(), origin: "https://example.org".into() };
    assert_eq!(sign_in(&elsewhere, assertion(), false), Err(PasskeyError::WrongSite));
    let mut signature = hex::decode(SIGNATURE).unwrap();
    signature[10] ^= 0x01;
    let tampered = AuthenticationResponse { signature: encoding::encode(&signature), ..assertion() };
    assert_eq!(sign_in(&rp(), tampered, false), Err(PasskeyError::BadSignature));
    let wrong_step = verify_authentication(&rp(), &challenge(REGISTRATION_CHALLENGE), &passkey, assertion(), false);
    assert_eq!(wrong_step, Err(PasskeyError::ChallengeMismatch));
}
