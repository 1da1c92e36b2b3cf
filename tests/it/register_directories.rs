//! Registration against the real directories of the test bed: the person
//! signs in with a bind as themselves, registers every method through the
//! API (each proven first), and a reset then uses what they registered.

use crate::directory_contract::{add_ad, add_openldap, bed, unique};
use crate::support::{TestApp, json};
use crate::writeback_flows::directory_toml;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::domain::totp::{STEP_SECS, TotpSecret};
use passdesk::flow::Client;
use serde_json::{Value, json};

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn code_to(t: &TestApp, to: &str) -> String {
    let rows = t.outbox().await;
    let row = rows.iter().rev().find(|r| r.recipient == to).unwrap_or_else(|| panic!("no message to {to}"));
    row.body.chars().filter(char::is_ascii_digit).take(8).collect()
}

/// Registers every method for `user` (password `password`) and resets with two of them.
async fn register_everything_then_reset(t: &TestApp, user: &str, password: &str) {
    let c = Client::default();
    let all = "email,alt_email,mobile_sms,office_voice,questions,authenticator";
    t.app.flows.set_policy("methods", all, "test", &c).await.unwrap();
    t.app.flows.set_policy("methods_required", "2", "test", &c).await.unwrap();
    let svc = t.service().await;
    let call = async |req| {
        let resp = test::call_service(&svc, req).await;
        let status = resp.status();
        (status, json(resp).await)
    };
    let (status, body) =
        call(post("/api/v1/register/session", json!({"user": user, "password": "Wrong!Passw0rd9"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("wrong_credentials")));
    let (status, body) = call(post("/api/v1/register/session", json!({"user": user, "password": password}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["session"].as_str().unwrap().to_owned();
    assert_eq!(body["registration"]["items"][0]["origin"], "directory");
    let base = format!("/api/v1/register/{session}");

    let home = format!("{user}.home@example.net");
    for (kind, value, to) in [
        ("alt_email", home.as_str(), home.clone()),
        ("mobile", "+31 6 5555 0101", "+31655550101".to_owned()),
        ("office_phone", "+31 20 555 0102", "+31205550102".to_owned()),
    ] {
        let (status, view) = call(post(&format!("{base}/contact"), json!({"kind": kind, "value": value}))).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {view}");
        let code = code_to(t, &to).await;
        let (status, view) = call(post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {view}");
    }
    let answers = |a: &str| {
        json!({"answers": [{"question": "p02", "answer": "Utrecht"}, {"question": "p05", "answer": a},
                           {"question": "p09", "answer": "Leiden"}]})
    };
    let put = |body| TestRequest::put().uri(&format!("{base}/questions")).set_json(body).to_request();
    let (status, body) = call(put(answers(password))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the password is no answer: {body}");
    let (status, _) = call(put(answers("Fiat Panda"))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, setup) = call(post(&format!("{base}/authenticator"), json!({}))).await;
    let secret = TotpSecret::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    let now = passdesk::clock::Clock::now(t.clock.as_ref());
    let (status, view) =
        call(post(&format!("{base}/authenticator/verify"), json!({"code": secret.code_at(now / STEP_SECS - 1)}))).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let mut kinds: Vec<&str> = view["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["alt_email", "authenticator", "email", "mobile", "office_phone", "questions"]);
    assert_eq!(view["usable"], 6);

    // A reset with two of the registered methods.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let ids: Vec<&str> = started["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"alt_email") && ids.contains(&"authenticator") && ids.contains(&"mobile_sms"), "{ids:?}");
    call(post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "alt_email"}))).await;
    let code = code_to(t, &home).await;
    let (status, _) =
        call(post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "alt_email", "code": code}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(post(
        &format!("/api/v1/reset/{flow}/verify"),
        json!({"method": "authenticator", "code": secret.code_at(now / STEP_SECS)}),
    ))
    .await;
    assert_eq!((status, body["complete"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    let new = "Harbour Lantern Maple 73!";
    let (status, body) = call(post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = call(post("/api/v1/register/session", json!({"user": user, "password": new}))).await;
    assert_eq!(status, StatusCode::OK, "the new password signs in to registration");
}

#[actix_web::test]
async fn every_registration_path_on_openldap() {
    let Some(bed) = bed("LDAP", "registration on OpenLDAP") else { return };
    let user = unique("rg");
    add_openldap(&bed, "ou=people", &user, "Start!Passw0rd1", None).await;
    let t = TestApp::with_config(&directory_toml("ldap", "openldap", &bed, "[\"uid\"]"));
    register_everything_then_reset(&t, &user, "Start!Passw0rd1").await;
}

#[actix_web::test]
async fn every_registration_path_on_samba_ad() {
    let Some(bed) = bed("AD", "registration on Samba AD") else { return };
    let user = unique("rg");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\"]"));
    register_everything_then_reset(&t, &user, "Start!Passw0rd1").await;
}
