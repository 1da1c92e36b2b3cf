//! Blocking (DESIGN.md §5): five failed proofs in 24 hours, or more than ten
//! messages in ten minutes, block self-service for the account for 24 hours,
//! for unknown user IDs exactly as for real ones; a successful reset clears
//! the counters; the directory account is never locked by it.

use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

/// One flow with one wrong code; returns the status of the verify.
async fn one_failure(t: &TestApp, user: &str) -> (StatusCode, serde_json::Value) {
    let svc = t.service().await;
    let resp = test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await;
    if !resp.status().is_success() {
        let status = resp.status();
        return (status, json(resp).await);
    }
    let flow = json(resp).await["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": "00000000"})),
    )
    .await;
    let status = resp.status();
    (status, json(resp).await)
}

#[actix_web::test]
async fn five_failed_proofs_block_real_and_unknown_users_alike_for_a_day() {
    let t = TestApp::new();
    let id = t.user("rita", Some("rita@example.org"), "Old-Passw0rd-1234").await;
    for user in ["rita", "nobody-at-all"] {
        for _ in 0..5 {
            let (status, _) = one_failure(&t, user).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{user}");
        }
        let (status, body) = one_failure(&t, user).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{user}");
        assert_eq!(body["error"]["code"], "blocked", "{user}");
        assert!(body["error"]["message"].as_str().unwrap().contains("Contact your helpdesk"));
    }
    let audit = t.audit_activities().await;
    assert_eq!(audit.iter().filter(|a| a.0 == "Blocked from self-service password reset").count(), 2);
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await, "the directory account is not locked");
    // The helpdesk lifts the unknown user's block at once; rita's ends after 24 hours.
    let client = passdesk::flow::Client::default();
    assert!(t.app.flows.unblock("nobody-at-all", "helpdesk", &client).await.unwrap());
    assert_eq!(one_failure(&t, "nobody-at-all").await.0, StatusCode::BAD_REQUEST);
    assert!(t.audit_activities().await.iter().any(|a| a.0.starts_with("Unblocked from self-service")));
    t.clock.advance(24 * 3600);
    let (status, _) = one_failure(&t, "rita").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unblocked after 24 hours");
}

#[actix_web::test]
async fn more_than_ten_messages_in_ten_minutes_block() {
    let t = TestApp::new();
    t.user("sven", Some("sven@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    // The resend wait holds within one flow; many flows at once are what the budget stops.
    let send = || async {
        let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "sven"}))).await).await;
        let flow = started["flow"].as_str().unwrap().to_owned();
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await
    };
    for _ in 0..10 {
        assert_eq!(send().await.status(), StatusCode::OK);
        t.clock.advance(5);
    }
    let resp = send().await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "blocked");
    assert_eq!(t.outbox().await.len(), 10, "the eleventh message is not sent");
}

#[actix_web::test]
async fn a_successful_reset_clears_the_counters() {
    let t = TestApp::new();
    t.user("tove", Some("tove@example.org"), "Old-Passw0rd-1234").await;
    for _ in 0..4 {
        one_failure(&t, "tove").await;
    }
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "tove"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for("tove@example.org").await;
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Fresh river stones 8"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Without the clearing, this fifth failure would block.
    let (status, _) = one_failure(&t, "tove").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = one_failure(&t, "tove").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn one_mailbox_gets_at_most_ten_messages_in_ten_minutes() {
    let t = TestApp::new();
    t.user("uma", Some("shared@example.org"), "Old-Passw0rd-1234").await;
    t.user("ulf", Some("shared@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let send = |user: &'static str| {
        let svc = &svc;
        async move {
            let started = json(test::call_service(svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
            let flow = started["flow"].as_str().unwrap().to_owned();
            test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await
        }
    };
    for i in 0..10 {
        assert_eq!(send(if i % 2 == 0 { "uma" } else { "ulf" }).await.status(), StatusCode::OK);
    }
    let resp = send("uma").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "too_soon");
    assert_eq!(t.outbox().await.len(), 10);
}
