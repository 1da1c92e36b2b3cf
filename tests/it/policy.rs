//! The reset policy: `passdesk policy show|set`, the admin API with bearer
//! tokens, validation that changes nothing on error, the audit of every
//! change, and each option changing behaviour on the next request.

use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::flow::Client;
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn token(t: &TestApp) -> String {
    t.app.flows.issue_admin_token("tests", &Client::default()).await.unwrap().as_str().to_owned()
}

#[actix_web::test]
async fn the_admin_api_reads_and_changes_the_policy_with_a_bearer_token() {
    let t = TestApp::new();
    let svc = t.service().await;
    let bearer = format!("Bearer {}", token(&t).await);
    let resp = test::call_service(&svc, TestRequest::get().uri("/api/v1/admin/policy").to_request()).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let forged = TestRequest::get()
        .uri("/api/v1/admin/policy")
        .insert_header(("authorization", format!("Bearer {}", "a".repeat(64))))
        .to_request();
    assert_eq!(test::call_service(&svc, forged).await.status(), StatusCode::FORBIDDEN, "a token that is not live");
    let get =
        || TestRequest::get().uri("/api/v1/admin/policy").insert_header(("authorization", bearer.clone())).to_request();
    let policy = json(test::call_service(&svc, get()).await).await;
    assert_eq!(policy["enabled"], "all");
    assert_eq!(policy["methods_required"], 1);

    let put = |body: serde_json::Value| {
        TestRequest::put()
            .uri("/api/v1/admin/policy")
            .insert_header(("authorization", bearer.clone()))
            .set_json(body)
            .to_request()
    };
    for (body, key) in [
        (json!({"methods_required": 2}), "methods"),
        (json!({"bogus": 1}), "bogus"),
        (json!({"enabled": 5}), "enabled"),
        (json!({"questions_to_reset": 5}), "questions_to_reset"),
        (json!({"helpdesk": "javascript:alert(1)"}), "helpdesk"),
    ] {
        let resp = test::call_service(&svc, put(body.clone())).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err = json(resp).await;
        assert_eq!(err["error"]["code"], "invalid_policy", "{body}");
        assert!(err["error"]["message"].as_str().unwrap().contains(key), "{body}: {err}");
    }
    assert_eq!(json(test::call_service(&svc, get()).await).await, policy, "refused changes change nothing");
    // Keys are applied together, so their order does not matter.
    let resp =
        test::call_service(&svc, put(json!({"methods_required": 2, "methods": ["email", "authenticator"]}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(test::call_service(&svc, get()).await).await["methods_required"], 2);
    let audit = t.audit_activities().await;
    let change = audit.iter().find(|a| a.0 == "Self-service password reset policy changes").expect("audited");
    assert!(
        change.3.contains("methods_required: 1 -> 2") && change.3.contains("methods: email -> email,authenticator"),
        "{change:?}"
    );
}

/// Starts a reset for `user` and says whether a code was sent.
async fn reset_sends(t: &TestApp, user: &str) -> bool {
    let svc = t.service().await;
    let before = t.outbox().await.len();
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    t.outbox().await.len() > before
}

#[actix_web::test]
async fn each_option_changes_behaviour_on_the_next_request() {
    let t = TestApp::new();
    t.user("pia", Some("pia@example.org"), "Old-Passw0rd-1234").await;
    let set = |k: &'static str, v: &'static str| {
        let flows = t.app.flows.clone();
        async move { flows.set_policy(k, v, "test", &Client::default()).await.unwrap() }
    };
    assert!(reset_sends(&t, "pia").await);

    set("enabled", "none").await;
    assert!(!reset_sends(&t, "pia").await, "turned off");
    set("enabled", "group").await;
    assert!(!reset_sends(&t, "pia").await, "group mode without a pilot group lets nobody in");
    set("enabled", "all").await;

    set("methods", "email,authenticator").await;
    set("methods_required", "2").await;
    assert!(!reset_sends(&t, "pia").await, "two methods required, one registered");
    set("methods_required", "1").await;
    set("methods", "authenticator").await;
    assert!(!reset_sends(&t, "pia").await, "e-mail not offered");
    set("methods", "email").await;
    assert!(reset_sends(&t, "pia").await);
    let audit = t.audit_activities().await;
    for reason in
        ["turned off", "has no pilot_group", "the policy needs 2 method(s), 1 usable", "no usable method registered"]
    {
        assert!(audit.iter().any(|a| a.3.contains(reason)), "{reason}: {audit:?}");
    }
}

#[actix_web::test]
async fn unlock_and_notification_switches() {
    let t = TestApp::new();
    let id = t.user("quinn", Some("quinn@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let client = Client::default();
    t.app.flows.set_policy("allow_unlock", "false", "test", &client).await.unwrap();
    let resp =
        test::call_service(&svc, crate::reset_portal::get("/unlock", &crate::reset_portal::Jar::default())).await;
    let mut jar = crate::reset_portal::Jar::default();
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp =
        test::call_service(&svc, crate::reset_portal::form("/unlock", &jar, &[("csrf", &csrf), ("user", "quinn")]))
            .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(crate::support::text(resp).await.contains("reset your password instead"));

    // A proven reset flow cannot unlock either, but can reset; with the
    // notification switched off, no confirmation is queued.
    t.app.flows.set_policy("notify_user_on_reset", "false", "test", &client).await.unwrap();
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "quinn"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for("quinn@example.org").await;
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    let resp =
        test::call_service(&svc, TestRequest::post().uri(&format!("/api/v1/reset/{flow}/unlock")).to_request()).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(resp).await["error"]["code"], "unlock_disabled");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Fresh river stones 8"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, "Fresh river stones 8").await);
    assert_eq!(t.outbox().await.len(), 1, "only the code, no confirmation");
}

#[test]
fn policy_from_the_command_line() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("p.toml");
    std::fs::write(&config, format!("[store]\ndata_dir = {:?}\n", dir.path().join("d").display().to_string())).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
        cmd.args(args).arg("--config").arg(&config);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PASSDESK_")) {
            cmd.env_remove(k);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, _) = run(&["policy", "show"]);
    assert_eq!(code, 0);
    assert!(out.contains("enabled") && out.contains("methods_required") && out.contains("allow_unlock"), "{out}");
    let (code, _, err) = run(&["policy", "set", "methods_required", "2"]);
    assert_eq!(code, 1);
    assert!(err.contains("methods: offer at least 2"), "{err}");
    let (code, out, _) = run(&["policy", "set", "reconfirm_days", "90"]);
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = run(&["policy", "show", "--json"]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["reconfirm_days"], 90);
    let (code, out, _) = run(&["admin", "token", "--name", "ops"]);
    assert_eq!(code, 0);
    assert!(out.contains("Authorization: Bearer"), "{out}");
    let (code, _, err) = run(&["policy", "set"]);
    assert_eq!(code, 2, "{err}");
}

#[actix_web::test]
async fn the_policy_helpdesk_link_replaces_the_configured_one_on_every_page() {
    let t = TestApp::with_config("[organisation]\nhelpdesk = \"mailto:desk@example.org\"\n");
    let svc = t.service().await;
    let page = |svc| async move {
        crate::support::text(test::call_service(svc, TestRequest::get().uri("/reset").to_request()).await).await
    };
    assert!(page(&svc).await.contains("href=\"mailto:desk@example.org\""));
    t.app.flows.set_policy("helpdesk", "https://help.example.org/passwords", "test", &Client::default()).await.unwrap();
    let html = page(&svc).await;
    assert!(
        html.contains("href=\"https://help.example.org/passwords\"") && !html.contains("desk@example.org"),
        "{html}"
    );
    // Error pages too.
    let resp = test::call_service(&svc, TestRequest::get().uri("/reset/verify").to_request()).await;
    assert!(crate::support::text(resp).await.contains("https://help.example.org/passwords"));
    t.app.flows.set_policy("helpdesk", "", "test", &Client::default()).await.unwrap();
    assert!(page(&svc).await.contains("href=\"mailto:desk@example.org\""), "empty falls back to the configuration");
}
