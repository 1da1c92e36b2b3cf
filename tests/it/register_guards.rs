//! What keeps registration honest under pressure: parallel guesses share a
//! code's tries, kinds the policy does not offer are refused, sessions end
//! with the password they were opened with, and wrong passwords at sign-in
//! never block a person's password reset.

use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::flow::Client;
use serde_json::{Value, json};

const PASSWORD: &str = "Old-Passw0rd-1234";

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn policy(t: &TestApp, key: &str, value: &str) {
    t.app.flows.set_policy(key, value, "test", &Client::default()).await.unwrap();
}

#[actix_web::test]
async fn parallel_guesses_share_the_five_tries_of_one_code() {
    let t = TestApp::new();
    t.user("kim", Some("kim@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email").await;
    let svc = t.service().await;
    let signed = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "kim", "password": PASSWORD}))).await,
    )
    .await;
    let base = format!("/api/v1/register/{}", signed["session"].as_str().unwrap());
    test::call_service(
        &svc,
        post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "kim@home.example"})),
    )
    .await;
    let guesses = (0..12).map(|n| {
        let uri = format!("{base}/contact/verify");
        let svc = &svc;
        async move {
            let resp = test::call_service(svc, post(&uri, json!({"code": format!("{:08}", 10_000_000 + n)}))).await;
            json(resp).await["error"]["code"].as_str().unwrap_or_default().to_owned()
        }
    });
    let answers = futures_join(guesses).await;
    let wrong = answers.iter().filter(|c| *c == "code_wrong").count();
    assert!(wrong <= 4, "at most four 'try again' answers among {answers:?}");
    assert!(
        answers.iter().all(|c| matches!(c.as_str(), "code_wrong" | "code_used_up" | "no_code_sent" | "blocked")),
        "{answers:?}"
    );
}

/// Runs futures on this thread together (the test service is not Send).
async fn futures_join<F: std::future::Future<Output = String>>(all: impl Iterator<Item = F>) -> Vec<String> {
    let mut pending: Vec<std::pin::Pin<Box<F>>> = all.map(Box::pin).collect();
    let mut out = vec![String::new(); pending.len()];
    let mut done = vec![false; pending.len()];
    std::future::poll_fn(|cx| {
        for (i, f) in pending.iter_mut().enumerate() {
            if !done[i]
                && let std::task::Poll::Ready(v) = f.as_mut().poll(cx)
            {
                out[i] = v;
                done[i] = true;
            }
        }
        if done.iter().all(|d| *d) { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    out
}

#[actix_web::test]
async fn kinds_the_policy_does_not_offer_are_refused_and_send_nothing() {
    let t = TestApp::new();
    t.user("lee", Some("lee@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email").await;
    let svc = t.service().await;
    let signed = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "lee", "password": PASSWORD}))).await,
    )
    .await;
    let base = format!("/api/v1/register/{}", signed["session"].as_str().unwrap());
    let cases = [
        post(&format!("{base}/contact"), json!({"kind": "mobile", "value": "+31 6 1234 5678"})),
        post(&format!("{base}/authenticator"), json!({})),
        post(&format!("{base}/passkey"), json!({})),
        TestRequest::put()
            .uri(&format!("{base}/questions"))
            .set_json(json!({"answers": [{"question": "p01", "answer": "Rex"}]}))
            .to_request(),
    ];
    for req in cases {
        let resp = test::call_service(&svc, req).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body = json(resp).await;
        assert!(body["error"]["message"].as_str().unwrap().contains("does not use"), "{body}");
    }
    assert!(t.outbox().await.is_empty(), "no text or call went out");
}

#[actix_web::test]
async fn a_password_change_ends_the_sessions_opened_with_the_old_one() {
    let t = TestApp::new();
    t.user("max", Some("max@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let signed = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "max", "password": PASSWORD}))).await,
    )
    .await;
    let base = format!("/api/v1/register/{}", signed["session"].as_str().unwrap());
    assert_eq!(test::call_service(&svc, TestRequest::get().uri(&base).to_request()).await.status(), StatusCode::OK);
    let change = json!({"user": "max", "old_password": PASSWORD, "new_password": "Copper window garden 58"});
    assert_eq!(test::call_service(&svc, post("/api/v1/change", change)).await.status(), StatusCode::OK);
    let resp = test::call_service(&svc, TestRequest::get().uri(&base).to_request()).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn wrong_passwords_at_sign_in_never_block_the_password_reset() {
    let t = TestApp::new();
    t.user("ned", Some("ned@example.org"), PASSWORD).await;
    let svc = t.service().await;
    for _ in 0..6 {
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "ned", "password": "guess"}))).await;
    }
    let resp =
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "ned", "password": PASSWORD}))).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "sign-in to registration is blocked");
    // The reset still works.
    crate::support::proven_flow(&t, &svc, "ned", "ned@example.org").await;
    // A locked account answers like a wrong password.
    let other = TestApp::new();
    let oid = other.user("ola", Some("ola@example.org"), PASSWORD).await;
    other.local.lock(&oid).await.unwrap();
    let svc = other.service().await;
    let locked = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "ola", "password": PASSWORD}))).await,
    )
    .await;
    let nobody = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": "zed", "password": PASSWORD}))).await,
    )
    .await;
    assert_eq!(locked["error"]["code"], nobody["error"]["code"]);
    assert_eq!(locked["error"]["message"], nobody["error"]["message"]);
}

#[actix_web::test]
async fn parallel_wrong_answers_to_the_questions_stop_at_the_block() {
    let t = TestApp::new();
    t.user("ray", Some("ray@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,questions").await;
    let answers = [("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak Primary")];
    let answers: Vec<(String, String)> = answers.iter().map(|(q, a)| ((*q).into(), (*a).into())).collect();
    t.app.flows.enrol_questions("ray", &answers, &Client::default()).await.unwrap();
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "ray"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let sent = json(
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
    )
    .await;
    let ids: Vec<String> =
        sent["questions"].as_array().unwrap().iter().map(|q| q["id"].as_str().unwrap().to_owned()).collect();
    let guesses = (0..9).map(|n| {
        let uri = format!("/api/v1/reset/{flow}/verify");
        let wrong: serde_json::Map<String, Value> =
            ids.iter().map(|id| (id.clone(), json!(format!("wrong {n}")))).collect();
        let svc = &svc;
        async move {
            let resp = test::call_service(svc, post(&uri, json!({"method": "questions", "answers": wrong}))).await;
            json(resp).await["error"]["code"].as_str().unwrap_or_default().to_owned()
        }
    });
    let codes = futures_join(guesses).await;
    let checked = codes.iter().filter(|c| *c == "answers_wrong").count();
    assert!(checked <= 5, "the block stops the burst after five checked guesses: {codes:?}");
    assert!(codes.iter().any(|c| c == "blocked"), "{codes:?}");
}
