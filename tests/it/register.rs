//! Registration end to end through the JSON API against the local
//! directory: sign-in (throttled, no enumeration), every method verified
//! before it is saved, questions' rules, the authenticator's first code,
//! removal that respects the policy, audits and confirmations, session
//! timeouts, and the interrupt (register at sign-in, re-confirm after N days).

use crate::support::{START, TestApp, json};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::domain::Enrolment;
use passdesk::domain::totp::{STEP_SECS, TotpSecret};
use passdesk::flow::Client;
use serde_json::{Value, json};

pub const PASSWORD: &str = "Old-Passw0rd-1234";

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn call<S, B>(svc: &S, req: actix_http::Request) -> (StatusCode, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let resp = test::call_service(svc, req).await;
    let status = resp.status();
    let bytes = test::read_body(resp).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub async fn policy(t: &TestApp, key: &str, value: &str) {
    t.app.flows.set_policy(key, value, "test", &Client::default()).await.unwrap();
}

async fn sign_in<S, B>(svc: &S, user: &str) -> (String, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let (status, body) = call(svc, post("/api/v1/register/session", json!({"user": user, "password": PASSWORD}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["session"].as_str().unwrap().to_owned(), body["registration"].clone())
}

fn kinds(view: &Value) -> Vec<(String, String)> {
    view["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["origin"].as_str().unwrap().to_owned()))
        .collect()
}

/// The 8-digit code in the newest message to `to`.
pub async fn code_to(t: &TestApp, to: &str) -> String {
    let rows = t.outbox().await;
    let row = rows.iter().rev().find(|r| r.recipient == to).unwrap_or_else(|| panic!("no message to {to}"));
    row.body.chars().filter(char::is_ascii_digit).take(8).collect()
}

async fn stored(t: &TestApp, login: &str) -> Vec<Enrolment> {
    let id = t.local_id(login).await;
    t.app.store.enrolments("local".into(), id).await.unwrap().into_iter().map(|r| r.kind).collect()
}

#[actix_web::test]
async fn sign_in_refuses_wrong_passwords_and_strangers_alike_and_blocks_after_five() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let wrong = json!({"user": "ann", "password": "not-it"});
    let (s1, b1) = call(&svc, post("/api/v1/register/session", wrong.clone())).await;
    let (s2, b2) = call(&svc, post("/api/v1/register/session", json!({"user": "nobody", "password": "x"}))).await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(b1["error"]["code"], b2["error"]["code"]);
    assert_eq!(b1["error"]["message"], b2["error"]["message"]);
    for _ in 0..4 {
        call(&svc, post("/api/v1/register/session", wrong.clone())).await;
    }
    // Blocked now, even with the right password.
    let (status, body) =
        call(&svc, post("/api/v1/register/session", json!({"user": "ann", "password": PASSWORD}))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "blocked");
    // Bad bodies name the field and change nothing.
    let (status, body) = call(&svc, post("/api/v1/register/session", json!({"user": "ann"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("password"), "{body}");
    let (status, _) = call(&svc, post("/api/v1/register/session", json!({"user": 7, "password": "x"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn an_alternate_address_and_a_mobile_are_saved_only_after_their_codes() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email,mobile_sms,mobile_voice,office_voice").await;
    let svc = t.service().await;
    let (session, view) = sign_in(&svc, "ann").await;
    assert_eq!(kinds(&view), [("email".to_owned(), "directory".to_owned())]);
    assert_eq!(view["required"], 1);
    assert_eq!(view["can_register"], json!(["alt_email", "mobile", "office_phone"]));
    let base = format!("/api/v1/register/{session}");

    // Bad input: named, nothing sent or stored.
    let (status, body) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "ann@"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().starts_with("alt_email:"), "{body}");
    let (status, _) = call(&svc, post(&format!("{base}/contact"), json!({"kind": "questions", "value": "x"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "ANN@example.org"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the directory address is no alternate");
    let (status, body) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": "12345678"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("no_code_sent")));
    assert!(t.outbox().await.is_empty());

    // The code goes to the new address; a wrong one saves nothing.
    let (status, view) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "ann.home@example.net"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["pending"]["kind"], "alt_email");
    let code = code_to(&t, "ann.home@example.net").await;
    let (status, body) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": "00000000"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("code_wrong")));
    assert!(stored(&t, "ann").await.is_empty());
    let (status, view) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(kinds(&view).contains(&("alt_email".to_owned(), "you".to_owned())));
    assert!(view["pending"].is_null());
    // The same code again: nothing is waiting any more.
    let (status, _) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The directory address is told, with a "this wasn't me" link; the new one is not.
    let rows = t.outbox().await;
    let notice = rows.iter().find(|r| r.recipient == "ann@example.org").expect("a confirmation");
    assert!(notice.subject.contains("security info") && notice.body.contains("/report/"), "{}", notice.body);
    assert_eq!(rows.iter().filter(|r| r.recipient == "ann.home@example.net").count(), 1, "only the code");

    // A mobile: by text message, stored in E.164.
    let (status, _) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "mobile", "value": "+31 6 1234 5678"}))).await;
    assert_eq!(status, StatusCode::OK);
    let sms = t.outbox().await.into_iter().rev().find(|r| r.recipient == "+31612345678").unwrap();
    assert_eq!(sms.channel, "sms");
    let code = code_to(&t, "+31612345678").await;
    let (status, _) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    assert_eq!(status, StatusCode::OK);
    let mut got = stored(&t, "ann").await;
    got.sort_by_key(|k| k.id());
    assert_eq!(got, [Enrolment::AltEmail, Enrolment::Mobile]);
    let audit = t.audit_activities().await;
    let registered: Vec<&str> = audit
        .iter()
        .filter(|a| a.0 == "User registered for self-service password reset")
        .map(|a| a.3.as_str())
        .collect();
    assert_eq!(registered.len(), 2, "{registered:?}");
    assert!(registered[0].starts_with("registered alt_email an•••••@example.net"), "{registered:?}");
    assert!(registered.iter().all(|d| !d.contains("ann.home") && !d.contains("1234 5678")), "masked");
}

#[actix_web::test]
async fn questions_follow_the_rules_and_then_serve_a_reset() {
    let t = TestApp::new();
    t.user("ben", Some("ben@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,questions").await;
    let svc = t.service().await;
    let (session, view) = sign_in(&svc, "ben").await;
    assert_eq!(view["questions_to_register"], 3);
    assert!(view["questions"].as_array().unwrap().len() >= 20);
    let uri = format!("/api/v1/register/{session}/questions");
    let put = |body: Value| TestRequest::put().uri(&uri).set_json(body).to_request();
    let answers = |list: &[(&str, &str)]| json!({"answers": list.iter().map(|(q, a)| json!({"question": q, "answer": a})).collect::<Vec<_>>()});
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("p01", "Rex"), ("p04", "Main Street")], "exactly 3"),
        (&[("p01", "Rex"), ("p01", "Max"), ("p08", "Oak Primary")], "chosen twice"),
        (&[("p01", "Rex"), ("p04", "rex "), ("p08", "Oak Primary")], "different answer"),
        (&[("p01", "Rex"), ("p04", PASSWORD), ("p08", "Oak Primary")], "your password"),
        (&[("p01", "Rex"), ("p04", "Main Street"), ("nope", "x y z")], "not a question on the list"),
        (&[("p01", "Rex"), ("p04", "Main Street"), ("p08", "ab")], "at least"),
    ];
    for (list, says) in cases {
        let (status, body) = call(&svc, put(answers(list))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(says), "{says}: {body}");
    }
    // An answer equal to its own question.
    let text = view["questions"][0]["text"].as_str().unwrap().to_owned();
    let id = view["questions"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = call(&svc, put(answers(&[(&id, &text), ("p04", "Main Street"), ("p08", "Oak")]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("question itself"), "{body}");
    // Wrong types are named.
    let (status, body) = call(&svc, put(json!({"answers": "Rex"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("answers"), "{body}");
    assert!(stored(&t, "ben").await.is_empty(), "nothing saved by any refusal");

    let (status, view) = call(&svc, put(answers(&[("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak")]))).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(kinds(&view).contains(&("questions".to_owned(), "you".to_owned())));
    assert_eq!(view["usable"], 2);
    // A reset now offers the questions.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "ben"}))).await).await;
    let ids: Vec<&str> = started["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["email", "questions"]);
}

#[actix_web::test]
async fn an_authenticator_is_saved_only_after_its_first_code_and_that_code_is_spent() {
    let t = TestApp::new();
    t.user("cat", Some("cat@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,authenticator").await;
    let svc = t.service().await;
    let (session, _) = sign_in(&svc, "cat").await;
    let base = format!("/api/v1/register/{session}");
    let (status, _) = call(&svc, post(&format!("{base}/authenticator/verify"), json!({"code": "123456"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "no set-up started");
    let (status, setup) = call(&svc, post(&format!("{base}/authenticator"), json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    let secret_text = setup["secret"].as_str().unwrap();
    assert!(setup["uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    // Asking again shows the same secret until it is confirmed.
    let (_, again) = call(&svc, post(&format!("{base}/authenticator"), json!({}))).await;
    assert_eq!(again["secret"], setup["secret"]);
    let secret = TotpSecret::from_base32(secret_text).unwrap();
    let now_code = secret.code_at(START / STEP_SECS);
    let wrong = format!("{:06}", (now_code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let (status, body) = call(&svc, post(&format!("{base}/authenticator/verify"), json!({"code": wrong}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("authenticator_wrong")));
    assert!(stored(&t, "cat").await.is_empty());
    let (status, view) = call(&svc, post(&format!("{base}/authenticator/verify"), json!({"code": now_code}))).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(stored(&t, "cat").await, [Enrolment::Authenticator]);
    // The code that proved the app cannot open a reset.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "cat"}))).await).await;
    let flow = started["flow"].as_str().unwrap();
    let verify = json!({"method": "authenticator", "code": now_code});
    let (status, _) = call(&svc, post(&format!("/api/v1/reset/{flow}/verify"), verify)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn removal_is_refused_when_it_would_break_the_policy() {
    let t = TestApp::new();
    t.user("dan", Some("dan@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email,mobile_sms").await;
    policy(&t, "methods_required", "2").await;
    t.app.flows.enrol_alt_email("dan", "dan.home@example.net", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let (session, view) = sign_in(&svc, "dan").await;
    assert_eq!((view["usable"].as_u64(), view["enough"].as_bool()), (Some(2), Some(true)));
    let uri = format!("/api/v1/register/{session}/methods/alt_email");
    let (status, body) = call(&svc, TestRequest::delete().uri(&uri).to_request()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("method_needed")), "{body}");
    assert_eq!(stored(&t, "dan").await, [Enrolment::AltEmail]);
    let (status, _) =
        call(&svc, TestRequest::delete().uri(&format!("/api/v1/register/{session}/methods/mobile")).to_request()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "nothing of that kind to remove");
    let (status, _) =
        call(&svc, TestRequest::delete().uri(&format!("/api/v1/register/{session}/methods/fax")).to_request()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // With a mobile added, the alternate address may go; both addresses are told.
    let base = format!("/api/v1/register/{session}");
    call(&svc, post(&format!("{base}/contact"), json!({"kind": "mobile", "value": "+44 7700 900123"}))).await;
    let code = code_to(&t, "+447700900123").await;
    call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    let before = t.outbox().await.len();
    let (status, view) = call(&svc, TestRequest::delete().uri(&uri).to_request()).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(stored(&t, "dan").await, [Enrolment::Mobile]);
    let told: Vec<String> = t.outbox().await.into_iter().skip(before).map(|r| r.recipient).collect();
    assert_eq!(told, ["dan@example.org", "dan.home@example.net"]);
}

#[actix_web::test]
async fn sessions_end_when_idle_or_old_and_on_sign_out() {
    let t = TestApp::new();
    t.user("eve", Some("eve@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let get = |s: &str| TestRequest::get().uri(&format!("/api/v1/register/{s}")).to_request();
    let (session, _) = sign_in(&svc, "eve").await;
    t.clock.set(START + 14 * 60);
    assert_eq!(call(&svc, get(&session)).await.0, StatusCode::OK);
    t.clock.set(START + 30 * 60);
    let (status, body) = call(&svc, get(&session)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_needed")));

    // Busy, but past the absolute limit.
    let (session, _) = sign_in(&svc, "eve").await;
    for minutes in [40, 50, 60, 70, 80, 90, 100] {
        t.clock.set(START + minutes * 60);
        let status = call(&svc, get(&session)).await.0;
        assert_eq!(status == StatusCode::OK, minutes <= 30 + 60, "{minutes} minutes");
    }

    let (session, _) = sign_in(&svc, "eve").await;
    let (status, _) = call(&svc, TestRequest::delete().uri(&format!("/api/v1/register/{session}")).to_request()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(call(&svc, get(&session)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&svc, get("not-a-token")).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_interrupt_asks_to_register_then_to_reconfirm_and_may_be_skipped_once_per_sign_in() {
    let t = TestApp::new();
    t.user("fay", None, PASSWORD).await;
    policy(&t, "methods", "alt_email,mobile_sms").await;
    policy(&t, "require_registration", "true").await;
    policy(&t, "reconfirm_days", "30").await;
    let svc = t.service().await;
    let (session, view) = sign_in(&svc, "fay").await;
    assert_eq!((view["enough"].as_bool(), view["interrupt"].as_bool()), (Some(false), Some(true)));
    let (status, view) = call(&svc, post(&format!("/api/v1/register/{session}/skip"), json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["interrupt"], false, "skipped for this sign-in");
    let (_, view) = sign_in(&svc, "fay").await;
    assert_eq!(view["interrupt"], true, "asked again at the next sign-in");

    let (session, _) = sign_in(&svc, "fay").await;
    let base = format!("/api/v1/register/{session}");
    call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "fay@example.net"}))).await;
    let code = code_to(&t, "fay@example.net").await;
    let (_, view) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    assert_eq!((view["enough"].as_bool(), view["interrupt"].as_bool()), (Some(true), Some(false)));

    // 31 days on: the data is stale and the person is asked to confirm it.
    t.clock.set(START + 31 * 86_400);
    let (session, view) = sign_in(&svc, "fay").await;
    assert_eq!((view["stale"].as_bool(), view["interrupt"].as_bool()), (Some(true), Some(true)));
    let (status, view) = call(&svc, post(&format!("/api/v1/register/{session}/reconfirm"), json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((view["stale"].as_bool(), view["interrupt"].as_bool()), (Some(false), Some(false)));
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3 == "confirmed registered data is still current"));

    // Without the policy switch nobody is interrupted.
    policy(&t, "require_registration", "false").await;
    t.clock.set(START + 90 * 86_400);
    let (_, view) = sign_in(&svc, "fay").await;
    assert_eq!((view["stale"].as_bool(), view["interrupt"].as_bool()), (Some(true), Some(false)));
}

#[actix_web::test]
async fn a_wrong_code_five_times_blocks_and_kills_the_waiting_registration() {
    let t = TestApp::new();
    t.user("gus", Some("gus@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email").await;
    let svc = t.service().await;
    let (session, _) = sign_in(&svc, "gus").await;
    let base = format!("/api/v1/register/{session}");
    call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "gus@example.net"}))).await;
    let code = code_to(&t, "gus@example.net").await;
    let mut last = (StatusCode::OK, Value::Null);
    for _ in 0..5 {
        last = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": "11111111"}))).await;
    }
    assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{}", last.1);
    let (status, _) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": code}))).await;
    assert_ne!(status, StatusCode::OK, "the right code no longer works");
    assert!(stored(&t, "gus").await.is_empty());
}
