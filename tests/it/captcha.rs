//! The identify step's proof-of-work captcha: required when on, single
//! use, bound to the server key and its lifetime, harder for an address
//! that asks for many, and refused with a clear answer that changes nothing.

use crate::support::{TestApp, json, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::domain::captcha::solve;
use serde_json::{Value, json};

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

fn captcha_get() -> actix_http::Request {
    TestRequest::get().uri("/api/v1/captcha").to_request()
}

#[actix_web::test]
async fn a_solved_challenge_starts_one_flow_and_only_one() {
    let t = TestApp::with_captcha("[reset]\ncaptcha_difficulty = 10\n");
    t.user("cleo", Some("cleo@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;

    let resp = test::call_service(&svc, captcha_get()).await;
    assert_eq!(resp.headers().get("cache-control").unwrap(), "no-store");
    let c = json(resp).await;
    assert_eq!((c["required"].as_bool(), c["difficulty"].as_u64()), (Some(true), Some(10)));
    let challenge = c["challenge"].as_str().unwrap().to_owned();
    let solution = solve(&challenge, 10);
    let body = json!({"user": "cleo", "captcha": {"challenge": challenge, "solution": solution}});

    let resp = test::call_service(&svc, post("/api/v1/reset/start", body.clone())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let audit_before = t.audit_activities().await.len();
    let resp = test::call_service(&svc, post("/api/v1/reset/start", body)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "captcha_used");
    assert_eq!(t.audit_activities().await.len(), audit_before, "a replay changes nothing");
}

#[actix_web::test]
async fn missing_forged_unsolved_and_expired_answers_are_refused() {
    let t = TestApp::with_captcha("[reset]\ncaptcha_difficulty = 12\n");
    t.user("cleo", Some("cleo@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let start = |captcha: Value| post("/api/v1/reset/start", json!({"user": "cleo", "captcha": captcha}));

    let resp = test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "cleo"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "invalid_input");
    assert!(body["error"]["message"].as_str().unwrap().contains("GET /api/v1/captcha"), "{body}");

    let c = json(test::call_service(&svc, captcha_get()).await).await;
    let challenge = c["challenge"].as_str().unwrap().to_owned();
    let forged = challenge.replacen("v1.12.", "v1.1.", 1);
    let resp = test::call_service(&svc, start(json!({"challenge": forged, "solution": solve(&forged, 1)}))).await;
    assert_eq!(json(resp).await["error"]["code"], "captcha_invalid", "a lowered difficulty breaks the MAC");
    let unsolved =
        (0..).map(|n: u32| n.to_string()).find(|s| passdesk::domain::captcha::zero_bits(&challenge, s) < 12).unwrap();
    let resp = test::call_service(&svc, start(json!({"challenge": challenge, "solution": unsolved}))).await;
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "captcha_invalid");
    assert!(body["error"]["message"].as_str().unwrap().contains("not solved"), "{body}");
    let resp = test::call_service(&svc, start(json!({"challenge": "garbage", "solution": "1"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(&svc, start(json!({"challenge": challenge, "solution": 7}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "a number where text belongs");

    t.clock.advance(301);
    let solution = solve(&challenge, 12);
    let resp = test::call_service(&svc, start(json!({"challenge": challenge, "solution": solution}))).await;
    let body = json(resp).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"), "{body}");
    assert!(t.audit_activities().await.iter().all(|a| !a.3.starts_with("identify")), "no flow was started");
}

#[actix_web::test]
async fn one_address_asking_for_many_gets_harder_challenges() {
    let t = TestApp::with_captcha("[reset]\ncaptcha_difficulty = 8\n");
    let svc = t.service().await;
    let mut seen = Vec::new();
    for _ in 0..41 {
        seen.push(json(test::call_service(&svc, captcha_get()).await).await["difficulty"].as_u64().unwrap());
    }
    assert_eq!(seen[0], 8);
    assert_eq!(seen[9], 8);
    assert_eq!(seen[10], 9, "the 11th in a minute");
    assert_eq!(seen[40], 11, "the 41st in a minute");
    t.clock.advance(60);
    assert_eq!(json(test::call_service(&svc, captcha_get()).await).await["difficulty"], 8, "a new minute");
}

#[actix_web::test]
async fn the_portal_form_carries_a_challenge_and_its_script() {
    let t = TestApp::with_captcha("");
    t.user("cleo", Some("cleo@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let mut jar = crate::reset_portal::Jar::default();
    let resp = test::call_service(&svc, crate::reset_portal::get("/reset", &jar)).await;
    jar.take(&resp);
    let page = text(resp).await;
    assert!(page.contains("data-captcha=\"v1.16.") && page.contains("data-difficulty=\"16\""), "{page}");
    assert!(page.contains("<script src=\"/static/captcha.js\" defer></script>"));
    let script = test::call_service(&svc, TestRequest::get().uri("/static/captcha.js").to_request()).await;
    assert_eq!(script.status(), StatusCode::OK);

    // Posted before the script finished: the form comes back with a new challenge.
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(
        &svc,
        crate::reset_portal::form("/reset", &jar, &[("csrf", &csrf), ("user", "cleo"), ("captcha_challenge", "")]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let page = text(resp).await;
    assert!(page.contains("anti-robot check") && page.contains("data-captcha=\"v1.16."), "{page}");
}

#[test]
fn difficulty_outside_its_range_is_a_config_error() {
    for bad in ["5", "25", "-1"] {
        let e = passdesk::config::load_str(&format!("[reset]\ncaptcha_difficulty = {bad}\n"), "t", &[]).unwrap_err();
        assert!(e.to_string().contains("reset.captcha_difficulty: use 8 to 24 bits"), "{e}");
    }
    assert!(passdesk::config::load_str("[reset]\ncaptcha_difficulty = 0\n", "t", &[]).is_ok());
}
