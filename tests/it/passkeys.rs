//! Passkeys end to end through the JSON API with a software authenticator
//! (a real P-256 key, signing what a browser would): registered in a
//! registration session, then used as a reset proof; replays, other sites,
//! cloned authenticators and strangers are each refused or answered alike.

use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::flow::Client;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

const PASSWORD: &str = "Old-Passw0rd-1234";

fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

pub fn unb64(text: &str) -> Vec<u8> {
    const ABC: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let vals: Vec<u32> = text.chars().map(|c| ABC.find(c).unwrap() as u32).collect();
    let mut out = Vec::new();
    for chunk in vals.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, v)| n | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// A software passkey: what a platform authenticator does, in a few lines.
pub struct SoftKey {
    pair: EcdsaKeyPair,
    id: Vec<u8>,
    rp_id: String,
    origin: String,
}

impl SoftKey {
    pub fn new(origin: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let url = url::Url::parse(origin).unwrap();
        let id: Vec<u8> = (0..16).map(|_| rand::random::<u8>()).collect();
        Self { pair, id, rp_id: url.host_str().unwrap().to_owned(), origin: origin.trim_end_matches('/').to_owned() }
    }

    fn auth_data(&self, flags: u8, counter: u32, attested: bool) -> Vec<u8> {
        let mut data = ring::digest::digest(&ring::digest::SHA256, self.rp_id.as_bytes()).as_ref().to_vec();
        data.push(flags);
        data.extend(counter.to_be_bytes());
        if attested {
            data.extend([0u8; 16]);
            data.extend(u16::try_from(self.id.len()).unwrap().to_be_bytes());
            data.extend(&self.id);
            let point = self.pair.public_key().as_ref();
            // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
            data.extend([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]);
            data.extend(&point[1..33]);
            data.extend([0x22, 0x58, 0x20]);
            data.extend(&point[33..65]);
        }
        data
    }

    fn client_data(&self, kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        json!({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false}).to_string().into_bytes()
    }

    /// The answer to `navigator.credentials.create()`.
    pub fn create(&self, options: &Value, origin: Option<&str>) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
        spki.extend(self.pair.public_key().as_ref());
        json!({
            "clientDataJSON": b64(&self.client_data("webauthn.create", challenge, origin.unwrap_or(&self.origin))),
            "authenticatorData": b64(&self.auth_data(0x45, 0, true)),
            "publicKey": b64(&spki),
            "publicKeyAlgorithm": -7,
            "rawId": b64(&self.id),
            "transports": ["internal"],
        })
    }

    /// The answer to `navigator.credentials.get()`.
    pub fn get(&self, options: &Value, counter: u32) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        let client_data = self.client_data("webauthn.get", challenge, &self.origin);
        let auth = self.auth_data(0x05, counter, false);
        let mut signed = auth.clone();
        signed.extend(ring::digest::digest(&ring::digest::SHA256, &client_data).as_ref());
        let signature = self.pair.sign(&SystemRandom::new(), &signed).unwrap();
        json!({
            "clientDataJSON": b64(&client_data),
            "authenticatorData": b64(&auth),
            "signature": b64(signature.as_ref()),
            "rawId": b64(&self.id),
            "userHandle": null,
        })
    }
}

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn setup(login: &str) -> (TestApp, SoftKey) {
    let t = TestApp::new();
    t.user(login, Some(&format!("{login}@example.org")), PASSWORD).await;
    let c = Client::default();
    t.app.flows.set_policy("methods", "email,passkey", "test", &c).await.unwrap();
    let key = SoftKey::new(&t.app.flows.settings().public_base);
    (t, key)
}

#[actix_web::test]
async fn a_passkey_is_registered_then_proves_a_reset_and_no_answer_works_twice() {
    let (t, key) = setup("pat").await;
    let svc = t.service().await;
    let call = async |req| {
        let resp = test::call_service(&svc, req).await;
        let status = resp.status();
        (status, json(resp).await)
    };
    let (_, body) = call(post("/api/v1/register/session", json!({"user": "pat", "password": PASSWORD}))).await;
    let session = body["session"].as_str().unwrap().to_owned();
    assert!(body["registration"]["can_register"].as_array().unwrap().contains(&json!("passkey")));
    let base = format!("/api/v1/register/{session}");

    // An answer before any request, then one for another site: refused, nothing stored.
    let (_, options) = call(post(&format!("{base}/passkey"), json!({}))).await;
    let options = options["publicKey"].clone();
    assert_eq!(options["attestation"], "none");
    assert_eq!(options["rp"]["id"], key.rp_id.as_str());
    let (status, body) =
        call(post(&format!("{base}/passkey/verify"), key.create(&options, Some("https://evil.example")))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("passkey_refused")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("evil.example"), "{body}");
    // The request died with the refused answer: the right one now finds nothing waiting.
    let (status, _) = call(post(&format!("{base}/passkey/verify"), key.create(&options, None))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, options) = call(post(&format!("{base}/passkey"), json!({}))).await;
    let options = options["publicKey"].clone();
    let answer = key.create(&options, None);
    let (status, view) = call(post(&format!("{base}/passkey/verify"), answer.clone())).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let item = view["items"].as_array().unwrap().iter().find(|i| i["kind"] == "passkey").unwrap().clone();
    assert_eq!((item["hint"].as_str(), item["origin"].as_str()), (Some("1 passkey"), Some("you")));
    // Replaying the ceremony changes nothing.
    let (status, body) = call(post(&format!("{base}/passkey/verify"), answer)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("wrong_step")), "{body}");
    // The same authenticator again is refused (excluded, and checked).
    let (_, options) = call(post(&format!("{base}/passkey"), json!({}))).await;
    assert_eq!(options["publicKey"]["excludeCredentials"].as_array().unwrap().len(), 1);
    let (status, body) = call(post(&format!("{base}/passkey/verify"), key.create(&options["publicKey"], None))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("registered already"), "{body}");
    let view = call(TestRequest::get().uri(&base).to_request()).await.1;
    let item = view["items"].as_array().unwrap().iter().find(|i| i["kind"] == "passkey").unwrap().clone();
    assert_eq!(item["hint"], "1 passkey");

    // A reset with the passkey.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "pat"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    assert!(started["methods"].as_array().unwrap().iter().any(|m| m["id"] == "passkey"));
    let (status, sent) = call(post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "passkey"}))).await;
    assert_eq!(status, StatusCode::OK);
    let options = sent["passkey"].clone();
    assert_eq!(options["allowCredentials"][0]["id"], b64(&key.id));
    let good = key.get(&options, 1);
    let (status, body) =
        call(post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "passkey", "credential": good.clone()})))
            .await;
    assert_eq!((status, body["complete"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    // The same signed answer in a new flow: the challenge differs.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "pat"}))).await).await;
    let flow2 = started["flow"].as_str().unwrap().to_owned();
    call(post(&format!("/api/v1/reset/{flow2}/send"), json!({"method": "passkey"}))).await;
    let (status, body) =
        call(post(&format!("/api/v1/reset/{flow2}/verify"), json!({"method": "passkey", "credential": good}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("passkey_refused")), "{body}");
    // One answer per challenge: even the right one now needs a new request.
    let (_, sent) = call(post(&format!("/api/v1/reset/{flow2}/send"), json!({"method": "passkey"}))).await;
    // A cloned authenticator (counter not above the stored one) is refused.
    let cloned = key.get(&sent["passkey"], 1);
    let (status, body) =
        call(post(&format!("/api/v1/reset/{flow2}/verify"), json!({"method": "passkey", "credential": cloned}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("passkey_refused")));
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3.contains("passkey refused") && a.3.contains("counter")), "the audit says why");
    // A refused answer sent again in the same flow finds its challenge spent.
    let (status, body) = call(post(
        &format!("/api/v1/reset/{flow2}/verify"),
        json!({"method": "passkey", "credential": key.get(&sent["passkey"], 9)}),
    ))
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("wrong_step")), "{body}");
    let (_, sent) = call(post(&format!("/api/v1/reset/{flow2}/send"), json!({"method": "passkey"}))).await;
    let next = key.get(&sent["passkey"], 2);
    let (status, _) =
        call(post(&format!("/api/v1/reset/{flow2}/verify"), json!({"method": "passkey", "credential": next}))).await;
    assert_eq!(status, StatusCode::OK);
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3.starts_with("registered passkey")), "audited");
}

#[actix_web::test]
async fn a_stranger_is_offered_passkey_options_that_look_real() {
    let (t, _) = setup("pat").await;
    let svc = t.service().await;
    let mut seen = false;
    for n in 0..40 {
        let user = format!("ghost{n}");
        let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
        if !started["methods"].as_array().unwrap().iter().any(|m| m["id"] == "passkey") {
            continue;
        }
        seen = true;
        let flow = started["flow"].as_str().unwrap();
        let sent = json(
            test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "passkey"}))).await,
        )
        .await;
        let allowed = sent["passkey"]["allowCredentials"].as_array().unwrap();
        assert_eq!(allowed.len(), 1, "{sent}");
        assert!([16, 32].contains(&unb64(allowed[0]["id"].as_str().unwrap()).len()));
        break;
    }
    assert!(seen, "decoys offer passkeys too, when the policy does");
}

#[actix_web::test]
async fn a_refused_passkey_reads_the_same_for_a_real_account_and_a_stranger() {
    let (t, key) = setup("pat").await;
    let svc = t.service().await;
    // pat registers a passkey.
    let signed_in = post("/api/v1/register/session", json!({"user": "pat", "password": PASSWORD}));
    let session = json(test::call_service(&svc, signed_in).await).await["session"].as_str().unwrap().to_owned();
    let options =
        json(test::call_service(&svc, post(&format!("/api/v1/register/{session}/passkey"), json!({}))).await).await;
    let answer = key.create(&options["publicKey"], None);
    test::call_service(&svc, post(&format!("/api/v1/register/{session}/passkey/verify"), answer)).await;
    // A junk answer that names the listed credential, for pat and for a stranger offered a passkey.
    let mut bodies = Vec::new();
    for n in 0..60 {
        let user = if n == 0 { "pat".to_owned() } else { format!("ghost{n}") };
        let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
        if !started["methods"].as_array().unwrap().iter().any(|m| m["id"] == "passkey") {
            continue;
        }
        let flow = started["flow"].as_str().unwrap();
        let sent = json(
            test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "passkey"}))).await,
        )
        .await;
        let listed = sent["passkey"]["allowCredentials"][0]["id"].as_str().unwrap().to_owned();
        let junk = json!({"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA", "rawId": listed});
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "passkey", "credential": junk})),
        )
        .await;
        let status = resp.status();
        let mut body = json(resp).await;
        body["error"]["request_id"] = Value::Null;
        bodies.push((status, body));
        if bodies.len() == 2 {
            break;
        }
    }
    assert_eq!(bodies.len(), 2, "a stranger was offered a passkey");
    assert_eq!(bodies[0], bodies[1]);
}

#[actix_web::test]
async fn malformed_passkey_answers_are_named() {
    let (t, key) = setup("pat").await;
    let svc = t.service().await;
    let signed_in = post("/api/v1/register/session", json!({"user": "pat", "password": PASSWORD}));
    let body = json(test::call_service(&svc, signed_in).await).await;
    let session = body["session"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/register/{session}");
    let options = json(test::call_service(&svc, post(&format!("{base}/passkey"), json!({}))).await).await;
    let mut answer = key.create(&options["publicKey"], None);
    answer["publicKeyAlgorithm"] = json!("ES256");
    let resp = test::call_service(&svc, post(&format!("{base}/passkey/verify"), answer)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(json(resp).await["error"]["message"].as_str().unwrap().contains("publicKeyAlgorithm"));
    let mut answer = key.create(&options["publicKey"], None);
    answer["authenticatorData"] = json!("AAAA");
    let resp = test::call_service(&svc, post(&format!("{base}/passkey/verify"), answer)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let view = json(test::call_service(&svc, TestRequest::get().uri(&base).to_request()).await).await;
    assert!(!view["items"].as_array().unwrap().iter().any(|i| i["kind"] == "passkey"), "nothing stored");
}
