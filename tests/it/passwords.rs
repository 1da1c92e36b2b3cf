//! Password rules beyond the embedded list: the offline breached-password
//! file (HIBP format), and the live check that feeds the strength meter,
//! bound to a flow whose proofs are complete.

use crate::support::{TestApp, json, proven_flow};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

const LEAKED: &str = "Violet meadow drums 42";

/// A test app whose breached list holds [`LEAKED`] among 1,000 others.
fn with_breached_list() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pwned.txt");
    let mut list: Vec<String> = (0..1000).map(|n| format!("leaked password {n}")).collect();
    list.push(LEAKED.to_owned());
    passdesk::breached::build_file(list, &path).unwrap();
    let t = TestApp::with_config(&format!("[password]\nbreached_file = {:?}\n", path.display().to_string()));
    // The file must outlive the app; keep the folder for the test's life.
    std::mem::forget(dir);
    t
}

#[actix_web::test]
async fn a_breached_password_is_refused_on_reset_and_change() {
    let t = with_breached_list();
    let id = t.user("bea", Some("bea@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = proven_flow(&t, &svc, "bea", "bea@example.org").await;
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": LEAKED})))
            .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("data breach"), "{body}");
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await, "nothing written");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Copper lantern harbour 57"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    let resp = test::call_service(
        &svc,
        post(
            "/api/v1/change",
            json!({"user": "bea", "old_password": "Copper lantern harbour 57", "new_password": LEAKED}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(t.can_sign_in(&id, "Copper lantern harbour 57").await);
}

#[actix_web::test]
async fn a_file_in_another_format_stops_start_up_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.txt");
    std::fs::write(&path, "password\n123456\n").unwrap();
    let text = format!(
        "[store]\ndata_dir = {:?}\n[password]\nbreached_file = {:?}\n",
        dir.path().join("data").display().to_string(),
        path.display().to_string()
    );
    let config = passdesk::config::load_str(&text, "test", &[]).unwrap();
    let clock = std::sync::Arc::new(passdesk::clock::FixedClock::new(crate::support::START));
    let e = passdesk::app::App::build(config, clock).err().expect("refused");
    let e = format!("{e:#}");
    assert!(e.contains("password.breached_file") && e.contains("ordered by hash"), "{e}");
}

#[actix_web::test]
async fn the_live_check_lists_every_unmet_rule_only_after_the_proof() {
    let t = with_breached_list();
    t.user("bea", Some("bea@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let check =
        |flow: &str, password: &str| post("/api/v1/password/check", json!({"flow": flow, "password": password}));

    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "bea"}))).await).await;
    let early = started["flow"].as_str().unwrap().to_owned();
    let resp = test::call_service(&svc, check(&early, "anything at all")).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT, "no oracle before the proof");
    let resp = test::call_service(&svc, check(&"0".repeat(64), "x")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let flow = proven_flow(&t, &svc, "bea", "bea@example.org").await;
    let body = json(test::call_service(&svc, check(&flow, "bea1")).await).await;
    assert_eq!(body["acceptable"], false);
    let problems: Vec<&str> = body["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(problems.iter().any(|p| p.contains("at least 12 characters")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("user ID")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("too easy to guess")), "{problems:?}");
    let body = json(test::call_service(&svc, check(&flow, LEAKED)).await).await;
    assert!(body["problems"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("data breach")), "{body}");
    let body = json(test::call_service(&svc, check(&flow, "Copper lantern harbour 57")).await).await;
    assert_eq!(body["acceptable"], true, "{body}");
    assert!(body["score"].as_u64().unwrap() >= 3);

    // Bad bodies: a clear 400, and the flow is untouched.
    for bad in [
        json!({"flow": flow}),
        json!({"flow": flow, "password": 5}),
        json!({"flow": flow, "password": "x", "extra": 1}),
    ] {
        let resp = test::call_service(&svc, post("/api/v1/password/check", bad)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    let resp = test::call_service(&svc, check(&flow, &"x".repeat(2000))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    assert_eq!(view["ready_for_password"], true);
}

#[actix_web::test]
async fn the_portal_meter_asks_with_the_cookie_and_the_csrf_token() {
    use crate::reset_portal::{Jar, form, get};
    let t = TestApp::new();
    t.user("bea", Some("bea@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "bea")])).await;
    jar.take(&resp);
    test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "email")])).await;
    let code = t.code_for("bea@example.org").await;
    test::call_service(&svc, form("/reset/verify", &jar, &[("csrf", &csrf), ("method", "email"), ("code", &code)]))
        .await;
    let page = crate::support::text(test::call_service(&svc, get("/reset/password", &jar)).await).await;
    assert!(page.contains("data-check=\"/reset/password/check\"") && page.contains("/static/meter.js"), "{page}");

    let ask = |csrf: &str| {
        TestRequest::post()
            .uri("/reset/password/check")
            .insert_header(("origin", crate::reset_portal::ORIGIN))
            .insert_header(("cookie", jar.header()))
            .set_json(json!({"csrf": csrf, "password": "short"}))
            .to_request()
    };
    let resp = test::call_service(&svc, ask(&csrf)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(resp).await["acceptable"], false);
    let resp = test::call_service(&svc, ask("forged")).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}
