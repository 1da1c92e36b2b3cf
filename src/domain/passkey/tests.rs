//! Genuine ceremonies: ring generates the authenticator's keys, the tests
//! build authenticatorData and clientDataJSON by hand and sign them, then
//! change one thing at a time and expect the matching refusal.

use super::*;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair};

const RP_ID: &str = "passdesk.example.org";
const ORIGIN: &str = "https://passdesk.example.org";
const CREDENTIAL: &[u8] = b"credential-0123456789abcdef";
/// Stands in for the COSE key, which the verifier does not read.
const COSE_STAND_IN: [u8; 5] = [0xa5, 0x01, 0x02, 0x03, 0x26];
const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const AT: u8 = 0x40;

fn rp() -> RelyingParty {
    RelyingParty { id: RP_ID.into(), origin: ORIGIN.into() }
}

fn handle() -> UserHandle {
    UserHandle::for_login(&ServerKey::from_bytes([7; 32]), &Login::parse("alice").unwrap())
}

/// The authenticator's key pair.
enum Signer {
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
}

impl Signer {
    fn es256() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        Self::Es256(EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap())
    }

    fn eddsa() -> Self {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Self::EdDsa(Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap())
    }

    fn algorithm(&self) -> i64 {
        match self {
            Self::Es256(_) => -7,
            Self::EdDsa(_) => -8,
        }
    }

    /// What `getPublicKey()` returns, written with the test's own DER writer.
    fn spki(&self) -> Vec<u8> {
        let (identifier, point) = match self {
            Self::Es256(k) => (
                [der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]), der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7])]
                    .concat(),
                k.public_key().as_ref().to_vec(),
            ),
            Self::EdDsa(k) => (der(0x06, &[0x2b, 0x65, 0x70]), k.public_key().as_ref().to_vec()),
        };
        der(0x30, &[der(0x30, &identifier), der(0x03, &[&[0][..], &point].concat())].concat())
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Es256(k) => k.sign(&SystemRandom::new(), message).unwrap().as_ref().to_vec(),
            Self::EdDsa(k) => k.sign(message).as_ref().to_vec(),
        }
    }
}

/// DER tag-length-value, short and long length forms.
pub(super) fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let length = content.len();
    let mut out = vec![tag];
    match length {
        0..=0x7f => out.push(length as u8),
        0x80..=0xff => out.extend([0x81, length as u8]),
        _ => out.extend([0x82, (length >> 8) as u8, length as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// One answer from the browser and authenticator, every part adjustable.
struct Answer {
    kind: &'static str,
    challenge: String,
    origin: String,
    cross_origin: bool,
    rp_id: String,
    flags: u8,
    count: u32,
    credential: Vec<u8>,
}

impl Answer {
    fn create(challenge: &Challenge) -> Self {
        Self {
            kind: "webauthn.create",
            challenge: challenge.to_base64url(),
            origin: ORIGIN.into(),
            cross_origin: false,
            rp_id: RP_ID.into(),
            flags: UP | UV | BE | AT,
            count: 0,
            credential: CREDENTIAL.to_vec(),
        }
    }

    fn get(challenge: &Challenge, count: u32) -> Self {
        Self { kind: "webauthn.get", flags: UP | UV | BE, count, ..Self::create(challenge) }
    }

    fn client_data(&self) -> Vec<u8> {
        format!(
            r#"{{"type":"{}","challenge":"{}","origin":"{}","crossOrigin":{}}}"#,
            self.kind, self.challenge, self.origin, self.cross_origin
        )
        .into_bytes()
    }

    fn auth_data(&self) -> Vec<u8> {
        let mut data = digest(&SHA256, self.rp_id.as_bytes()).as_ref().to_vec();
        data.push(self.flags);
        data.extend(self.count.to_be_bytes());
        if self.flags & AT != 0 {
            data.extend([0x11; 16]);
            data.extend(u16::try_from(self.credential.len()).unwrap().to_be_bytes());
            data.extend(&self.credential);
            data.extend(COSE_STAND_IN);
        }
        data
    }

    fn registration(&self, signer: &Signer) -> RegistrationResponse {
        RegistrationResponse {
            client_data_json: encoding::encode(&self.client_data()),
            authenticator_data: encoding::encode(&self.auth_data()),
            public_key: encoding::encode(&signer.spki()),
            public_key_algorithm: signer.algorithm(),
            raw_id: encoding::encode(CREDENTIAL),
            transports: vec!["usb".into(), "teleport".into(), "nfc".into(), "usb".into()],
        }
    }

    fn assertion(&self, signer: &Signer) -> AuthenticationResponse {
        let (client_data, auth_data) = (self.client_data(), self.auth_data());
        let signature = signer.sign(&[&auth_data[..], digest(&SHA256, &client_data).as_ref()].concat());
        AuthenticationResponse {
            client_data_json: encoding::encode(&client_data),
            authenticator_data: encoding::encode(&auth_data),
            signature: encoding::encode(&signature),
            raw_id: encoding::encode(&self.credential),
            user_handle: Some(encoding::encode(handle().as_bytes())),
        }
    }
}

fn register(signer: &Signer, answer: Answer, challenge: &Challenge) -> Result<Passkey, PasskeyError> {
    verify_registration(&rp(), challenge, &handle(), answer.registration(signer), true)
}

fn registered(signer: &Signer) -> Passkey {
    let challenge = Challenge::generate();
    register(signer, Answer::create(&challenge), &challenge).unwrap()
}

fn sign_in(signer: &Signer, passkey: &Passkey, answer: Answer, challenge: &Challenge) -> Result<u32, PasskeyError> {
    verify_authentication(&rp(), challenge, passkey, answer.assertion(signer), true)
}

#[test]
fn es256_and_eddsa_register_and_sign_in() {
    for signer in [Signer::es256(), Signer::eddsa()] {
        let passkey = registered(&signer);
        assert_eq!(passkey.algorithm, signer.algorithm());
        assert_eq!(passkey.credential_id, CREDENTIAL);
        assert!(passkey.user_verified && passkey.backup_eligible);
        assert_eq!(passkey.transports, ["nfc", "usb"], "unknown dropped, duplicates merged");
        let stored = serde_json::to_string(&passkey).unwrap();
        let passkey: Passkey = serde_json::from_str(&stored).unwrap();

        let challenge = Challenge::generate();
        assert_eq!(sign_in(&signer, &passkey, Answer::get(&challenge, 1), &challenge), Ok(1));
    }
}

#[test]
fn authenticators_without_a_counter_keep_zero() {
    let signer = Signer::eddsa();
    let passkey = registered(&signer);
    let challenge = Challenge::generate();
    assert_eq!(sign_in(&signer, &passkey, Answer::get(&challenge, 0), &challenge), Ok(0));
}

#[test]
fn registration_refusals() {
    let signer = Signer::es256();
    let challenge = Challenge::generate();
    let refused = |change: fn(&mut Answer)| {
        let mut answer = Answer::create(&challenge);
        change(&mut answer);
        register(&signer, answer, &challenge).unwrap_err()
    };
    assert_eq!(refused(|a| a.challenge = Challenge::generate().to_base64url()), PasskeyError::ChallengeMismatch);
    assert_eq!(refused(|a| a.challenge = "not base64!".into()), PasskeyError::ChallengeMismatch);
    assert_eq!(
        refused(|a| a.origin = "https://evil.example".into()),
        PasskeyError::WrongOrigin { origin: "https://evil.example".into() }
    );
    assert!(matches!(
        refused(|a| a.origin = "https://passdesk.example.org:443".into()),
        PasskeyError::WrongOrigin { .. }
    ));
    assert_eq!(
        refused(|a| a.kind = "webauthn.get"),
        PasskeyError::WrongCeremony { expected: "webauthn.create", found: "webauthn.get".into() }
    );
    assert_eq!(refused(|a| a.cross_origin = true), PasskeyError::CrossOrigin);
    assert_eq!(refused(|a| a.rp_id = "example.org".into()), PasskeyError::WrongSite);
    assert_eq!(refused(|a| a.flags &= !UP), PasskeyError::UserNotPresent);
    assert_eq!(refused(|a| a.flags &= !UV), PasskeyError::UserNotVerified);
    assert_eq!(refused(|a| a.flags &= !AT), PasskeyError::NoCredential);
    assert_eq!(
        refused(|a| a.flags = UP | UV | AT | 0x10),
        PasskeyError::AuthenticatorDataMalformed,
        "backed up, not eligible"
    );
    assert_eq!(refused(|a| a.credential = b"someone-else".to_vec()), PasskeyError::CredentialIdMismatch);
}

#[test]
fn user_verification_is_only_demanded_when_required() {
    let signer = Signer::eddsa();
    let challenge = Challenge::generate();
    let answer = Answer { flags: UP | AT, ..Answer::create(&challenge) };
    let passkey = verify_registration(&rp(), &challenge, &handle(), answer.registration(&signer), false).unwrap();
    assert!(!passkey.user_verified);
}

#[test]
fn keys_and_algorithms_must_agree() {
    let challenge = Challenge::generate();
    let mut response = Answer::create(&challenge).registration(&Signer::es256());
    response.public_key_algorithm = -35;
    let result = verify_registration(&rp(), &challenge, &handle(), response.clone(), true);
    assert_eq!(result, Err(PasskeyError::UnsupportedAlgorithm { algorithm: -35 }));
    response.public_key_algorithm = -8;
    let result = verify_registration(&rp(), &challenge, &handle(), response, true);
    assert_eq!(result, Err(PasskeyError::PublicKeyMalformed), "a P-256 key claimed as Ed25519");
}

#[test]
fn sign_in_refusals() {
    let signer = Signer::es256();
    let passkey = Passkey { sign_count: 5, ..registered(&signer) };
    let challenge = Challenge::generate();
    let refused = |change: fn(&mut Answer)| {
        let mut answer = Answer::get(&challenge, 6);
        change(&mut answer);
        sign_in(&signer, &passkey, answer, &challenge).unwrap_err()
    };
    assert_eq!(refused(|a| a.challenge = Challenge::generate().to_base64url()), PasskeyError::ChallengeMismatch);
    assert!(matches!(refused(|a| a.origin = "http://passdesk.example.org".into()), PasskeyError::WrongOrigin { .. }));
    assert!(matches!(refused(|a| a.kind = "webauthn.create"), PasskeyError::WrongCeremony { .. }));
    assert_eq!(refused(|a| a.rp_id = "passdesk.example.com".into()), PasskeyError::WrongSite);
    assert_eq!(refused(|a| a.flags &= !UP), PasskeyError::UserNotPresent);
    assert_eq!(refused(|a| a.flags &= !UV), PasskeyError::UserNotVerified);
    assert_eq!(refused(|a| a.credential = b"another-credential".to_vec()), PasskeyError::UnknownCredential);
    assert_eq!(refused(|a| a.count = 5), PasskeyError::CounterRegression { stored: 5, received: 5 });
    assert_eq!(refused(|a| a.count = 2), PasskeyError::CounterRegression { stored: 5, received: 2 });
    assert_eq!(refused(|a| a.count = 0), PasskeyError::CounterRegression { stored: 5, received: 0 });
}

#[test]
fn a_signature_covers_everything() {
    let signer = Signer::es256();
    let passkey = registered(&signer);
    let challenge = Challenge::generate();
    let good = Answer::get(&challenge, 9).assertion(&signer);
    let check = |response: AuthenticationResponse| verify_authentication(&rp(), &challenge, &passkey, response, true);
    assert_eq!(check(good.clone()), Ok(9));

    let mut signature = encoding::decode(&good.signature).unwrap();
    if let Some(last) = signature.last_mut() {
        *last ^= 1;
    }
    let tampered = AuthenticationResponse { signature: encoding::encode(&signature), ..good.clone() };
    assert_eq!(check(tampered), Err(PasskeyError::BadSignature));

    // A higher counter than the authenticator signed, as a replay would need.
    let mut data = encoding::decode(&good.authenticator_data).unwrap();
    if let Some(low_byte) = data.get_mut(36) {
        *low_byte = 0xff;
    }
    let tampered = AuthenticationResponse { authenticator_data: encoding::encode(&data), ..good.clone() };
    assert_eq!(check(tampered), Err(PasskeyError::BadSignature));

    let other = Answer::get(&challenge, 9).assertion(&Signer::es256());
    assert_eq!(check(other), Err(PasskeyError::BadSignature), "same credential id, another key");

    let someone_else = AuthenticationResponse { user_handle: Some(encoding::encode(&[1; 32])), ..good.clone() };
    assert_eq!(check(someone_else), Err(PasskeyError::UserHandleMismatch));
    assert_eq!(check(AuthenticationResponse { user_handle: None, ..good }), Ok(9));
}

#[test]
fn garbage_is_refused_without_panicking() {
    let signer = Signer::eddsa();
    let passkey = registered(&signer);
    let challenge = Challenge::generate();
    let good = Answer::get(&challenge, 1).assertion(&signer);
    let check = |response: AuthenticationResponse| verify_authentication(&rp(), &challenge, &passkey, response, false);

    for (field, response) in [
        ("clientDataJSON", AuthenticationResponse { client_data_json: "%%".into(), ..good.clone() }),
        ("authenticatorData", AuthenticationResponse { authenticator_data: "a".into(), ..good.clone() }),
        ("signature", AuthenticationResponse { signature: "+/".into(), ..good.clone() }),
        ("rawId", AuthenticationResponse { raw_id: "==x".into(), ..good.clone() }),
        ("userHandle", AuthenticationResponse { user_handle: Some("~".into()), ..good.clone() }),
    ] {
        assert_eq!(check(response), Err(PasskeyError::Encoding { field }));
    }
    for json in ["", "null", "[]", "{}", r#"{"type":"webauthn.get"}"#, r#"{"type":1,"challenge":"","origin":""}"#] {
        let response = AuthenticationResponse { client_data_json: encoding::encode(json.as_bytes()), ..good.clone() };
        assert_eq!(check(response), Err(PasskeyError::ClientDataUnreadable), "{json}");
    }
    let data = encoding::decode(&good.authenticator_data).unwrap();
    for length in 0..37 {
        let cut = AuthenticationResponse { authenticator_data: encoding::encode(&data[..length]), ..good.clone() };
        assert_eq!(check(cut), Err(PasskeyError::AuthenticatorDataMalformed), "{length} bytes");
    }
    let empty = AuthenticationResponse { signature: String::new(), ..good };
    assert_eq!(check(empty), Err(PasskeyError::BadSignature));
}

#[test]
fn truncated_registrations_are_refused() {
    let signer = Signer::es256();
    let challenge = Challenge::generate();
    let good = Answer::create(&challenge).registration(&signer);
    let data = encoding::decode(&good.authenticator_data).unwrap();
    // Down to the first byte of the COSE key: the key itself is not read
    // (the SPKI is), so a cut inside it goes unnoticed, harmlessly.
    for length in 0..=data.len() - COSE_STAND_IN.len() {
        let cut = RegistrationResponse { authenticator_data: encoding::encode(&data[..length]), ..good.clone() };
        let result = verify_registration(&rp(), &challenge, &handle(), cut, true);
        assert_eq!(result, Err(PasskeyError::AuthenticatorDataMalformed), "{length} bytes");
    }
    let mut long_id = Answer::create(&challenge);
    long_id.credential = vec![9; 1024];
    let result = register(&signer, long_id, &challenge);
    assert_eq!(result, Err(PasskeyError::AuthenticatorDataMalformed), "ids are at most 1023 bytes");
    let spki = encoding::decode(&good.public_key).unwrap();
    let cut = RegistrationResponse { public_key: encoding::encode(&spki[..spki.len() - 1]), ..good };
    assert_eq!(verify_registration(&rp(), &challenge, &handle(), cut, true), Err(PasskeyError::PublicKeyMalformed));
}

#[test]
fn options_carry_what_the_browser_needs() {
    let signer = Signer::es256();
    let passkey = registered(&signer);
    let challenge = Challenge::generate();
    let handle = handle();
    let user = PasskeyUser { handle: &handle, name: "alice", display_name: "Alice Liddell" };
    let create = creation_options(&rp(), "Example passwords", &user, &challenge, std::slice::from_ref(&passkey), true);
    assert_eq!(create["challenge"], challenge.to_base64url());
    assert_eq!(create["rp"]["id"], RP_ID);
    assert_eq!(create["user"]["id"], encoding::encode(handle.as_bytes()));
    let algorithms: Vec<i64> =
        create["pubKeyCredParams"].as_array().unwrap().iter().map(|p| p["alg"].as_i64().unwrap()).collect();
    assert_eq!(algorithms, [-7, -8, -257]);
    assert_eq!(create["excludeCredentials"][0]["id"], encoding::encode(CREDENTIAL));
    assert_eq!(create["excludeCredentials"][0]["transports"][0], "nfc");
    assert_eq!(create["authenticatorSelection"]["residentKey"], "preferred");
    assert_eq!(create["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(create["attestation"], "none");
    assert_eq!(create["timeout"], TIMEOUT_MS);

    let get = request_options(&rp(), &challenge, &[passkey], false);
    assert_eq!(get["rpId"], RP_ID);
    assert_eq!(get["allowCredentials"][0]["id"], encoding::encode(CREDENTIAL));
    assert_eq!(get["userVerification"], "preferred");
}

#[test]
fn challenges_and_handles() {
    let challenge = Challenge::generate();
    let text = challenge.to_base64url();
    assert_eq!(text.len(), 43);
    assert_eq!(Challenge::from_base64url(&text).unwrap().as_bytes(), challenge.as_bytes());
    assert_ne!(Challenge::generate().as_bytes(), challenge.as_bytes());
    assert!(Challenge::from_base64url("c2hvcnQ").is_none());

    let key = ServerKey::from_bytes([7; 32]);
    let alice = UserHandle::for_login(&key, &Login::parse("Alice").unwrap());
    assert_eq!(alice, handle(), "case does not change the handle");
    assert_ne!(alice, UserHandle::for_login(&ServerKey::from_bytes([8; 32]), &Login::parse("alice").unwrap()));
}

#[test]
fn relying_party_from_the_public_address() {
    let url = url::Url::parse("https://passdesk.example.org:8443/reset?x=1").unwrap();
    let rp = RelyingParty::for_url(&url).unwrap();
    assert_eq!(rp.id, "passdesk.example.org");
    assert_eq!(rp.origin, "https://passdesk.example.org:8443");
    let rp = RelyingParty::for_url(&url::Url::parse("https://passdesk.example.org:443/").unwrap()).unwrap();
    assert_eq!(rp.origin, ORIGIN);
}
