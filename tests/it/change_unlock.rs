//! Change and unlock through the JSON API and the portal, on the local
//! directory.

use crate::reset_portal::{Jar, form, get};
use crate::support::{TestApp, json, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

#[actix_web::test]
async fn change_password_by_api() {
    let t = TestApp::new();
    let id = t.user("mia", Some("mia@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let change = |user: &str, old: &str, new: &str| {
        post("/api/v1/change", json!({"user": user, "old_password": old, "new_password": new}))
    };
    let cases = [
        (change("mia", "wrong-Passw0rd", "Fresh river stones 8"), StatusCode::UNAUTHORIZED, "wrong_credentials"),
        (change("nobody", "Old-Passw0rd-1234", "Fresh river stones 8"), StatusCode::UNAUTHORIZED, "wrong_credentials"),
        (change("mia", "Old-Passw0rd-1234", "short"), StatusCode::UNPROCESSABLE_ENTITY, "password_rejected"),
        // The same answer for an unknown user ID: it tells no one which exists.
        (change("nobody", "Old-Passw0rd-1234", "short"), StatusCode::UNPROCESSABLE_ENTITY, "password_rejected"),
        (change("mia", "wrong-Passw0rd", "short"), StatusCode::UNPROCESSABLE_ENTITY, "password_rejected"),
        (change("mia", "Old-Passw0rd-1234", "Old-Passw0rd-1234"), StatusCode::BAD_REQUEST, "invalid_input"),
        (change("mia", "", "Fresh river stones 8"), StatusCode::BAD_REQUEST, "invalid_input"),
        (post("/api/v1/change", json!({"user": "mia"})), StatusCode::BAD_REQUEST, "bad_json"),
    ];
    for (req, status, code) in cases {
        let resp = test::call_service(&svc, req).await;
        assert_eq!(resp.status(), status, "{code}");
        assert_eq!(json(resp).await["error"]["code"], code);
    }
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await, "refusals change nothing");
    let resp = test::call_service(&svc, change("mia", "Old-Passw0rd-1234", "Fresh river stones 8")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, "Fresh river stones 8").await);
    assert!(!t.can_sign_in(&id, "Old-Passw0rd-1234").await);
    let outbox = t.outbox().await;
    assert!(outbox.last().unwrap().subject.contains("was changed"));
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Change password (self-service)" && a.2 == Some(31007)));
    assert!(audit.iter().any(|a| a.0 == "Change password (self-service)" && a.2 == Some(31008)));
    assert!(audit.iter().any(|a| a.2 == Some(33007)), "wrong current password: {audit:?}");
}

#[actix_web::test]
async fn a_locked_account_is_told_and_unlocked_by_api() {
    let t = TestApp::new();
    let id = t.user("noa", Some("noa@example.org"), "Old-Passw0rd-1234").await;
    t.local.lock(&id).await.unwrap();
    let svc = t.service().await;
    let resp = test::call_service(
        &svc,
        post(
            "/api/v1/change",
            json!({"user": "noa", "old_password": "Old-Passw0rd-1234", "new_password": "Fresh river stones 8"}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(resp).await["error"]["code"], "account_locked");

    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "noa"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    // Unlock needs the proofs first.
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/unlock"), json!({}))).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for("noa@example.org").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp =
        test::call_service(&svc, TestRequest::post().uri(&format!("/api/v1/reset/{flow}/unlock")).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await, "unlocked, same password");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Unlock user account (self-service)" && a.1 == "success"));
    // The flow is finished.
    let resp =
        test::call_service(&svc, TestRequest::post().uri(&format!("/api/v1/reset/{flow}/unlock")).to_request()).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_block_that_comes_after_the_proofs_stops_the_unlock() {
    let t = TestApp::new();
    let id = t.user("nia", Some("nia@example.org"), "Old-Passw0rd-1234").await;
    t.local.lock(&id).await.unwrap();
    let svc = t.service().await;
    let flow = crate::support::proven_flow(&t, &svc, "nia", "nia@example.org").await;
    // Someone else then fails the proofs for nia until she is blocked.
    let mut blocked = false;
    for _ in 0..10 {
        let resp = test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "nia"}))).await;
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            blocked = true;
            break;
        }
        let other = json(resp).await["flow"].as_str().unwrap().to_owned();
        test::call_service(&svc, post(&format!("/api/v1/reset/{other}/send"), json!({"method": "email"}))).await;
        let wrong = post(&format!("/api/v1/reset/{other}/verify"), json!({"method": "email", "code": "00000000"}));
        if test::call_service(&svc, wrong).await.status() == StatusCode::TOO_MANY_REQUESTS {
            blocked = true;
            break;
        }
    }
    assert!(blocked, "failed proofs block nia");
    let resp =
        test::call_service(&svc, TestRequest::post().uri(&format!("/api/v1/reset/{flow}/unlock")).to_request()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "blocked");
    assert!(!t.can_sign_in(&id, "Old-Passw0rd-1234").await, "still locked");
}

#[actix_web::test]
async fn unlock_and_change_in_the_portal() {
    let t = TestApp::new();
    let id = t.user("ola", Some("ola@example.org"), "Old-Passw0rd-1234").await;
    t.local.lock(&id).await.unwrap();
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/unlock", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    assert!(text(resp).await.contains("Unlock your account"));
    let resp = test::call_service(&svc, form("/unlock", &jar, &[("csrf", &csrf), ("user", "ola")])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    jar.take(&resp);
    test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "email")])).await;
    let code = t.code_for("ola@example.org").await;
    let resp =
        test::call_service(&svc, form("/reset/verify", &jar, &[("csrf", &csrf), ("method", "email"), ("code", &code)]))
            .await;
    assert_eq!(resp.headers().get("location").unwrap(), "/unlock/confirm");
    // An unlock flow never offers a new password.
    let resp = test::call_service(&svc, get("/reset/password", &jar)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = test::call_service(&svc, form("/unlock/confirm", &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.headers().get("location").unwrap(), "/unlock/done");
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await);

    let resp = test::call_service(&svc, get("/change", &jar)).await;
    assert!(text(resp).await.contains("Current password"));
    let fields = |old: &str, new: &str, confirm: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("user", "ola".into()),
            ("old_password", old.into()),
            ("new_password", new.into()),
            ("confirm", confirm.into()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form("/change", &jar, &pairs)
    };
    let resp =
        test::call_service(&svc, send(fields("Old-Passw0rd-1234", "Fresh river stones 8", "Fresh river stones 9")))
            .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp =
        test::call_service(&svc, send(fields("nope-nope-nope", "Fresh river stones 8", "Fresh river stones 8"))).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(text(resp).await.contains("not correct"));
    let resp =
        test::call_service(&svc, send(fields("Old-Passw0rd-1234", "Fresh river stones 8", "Fresh river stones 8")))
            .await;
    assert_eq!(resp.headers().get("location").unwrap(), "/change/done");
    assert!(t.can_sign_in(&id, "Fresh river stones 8").await);
}
