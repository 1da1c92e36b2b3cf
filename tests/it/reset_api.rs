//! The reset flow through the JSON API: happy path, code rules, decoys and
//! malformed bodies.

use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

#[actix_web::test]
async fn happy_path_resets_the_password_in_the_directory() {
    let t = TestApp::new();
    let id = t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;

    let resp = test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "alice"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let started = json(resp).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    assert_eq!(flow.len(), 64);
    assert_eq!(started["required"], 1);
    assert_eq!(started["methods"], json!([{"id": "email", "kind": "email", "hint": "al•••••@example.org"}]));

    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let sent = json(resp).await;
    assert_eq!((sent["resend_after"].as_i64(), sent["valid_for"].as_i64()), (Some(60), Some(600)));
    let code = t.code_for("alice@example.org").await;
    assert_eq!(code.len(), 8);

    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(resp).await["complete"], true);

    let new = "Violet meadow drums 42";
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, new).await);
    assert!(!t.can_sign_in(&id, "Old-Passw0rd-1234").await);

    // The token is spent.
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "x"}))).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    // The confirmation is queued, and the audit tells the story with event ids.
    let outbox = t.outbox().await;
    assert_eq!(outbox.len(), 2);
    assert!(outbox[1].subject.contains("password was reset"));
    let audit = t.audit_activities().await;
    let names: Vec<&str> = audit.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "Self-service password reset flow activity progress").count(), 3);
    assert!(audit.iter().any(|a| a.0 == "Reset password (self-service)" && a.2 == Some(31001)));
    assert!(audit.iter().any(|a| a.0 == "Reset password (self-service)" && a.1 == "success" && a.2 == Some(31002)));
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
    // Nothing secret in the audit trail.
    assert!(audit.iter().all(|a| !a.3.contains(&code) && !a.3.contains(new)));
}

async fn started_flow(
    t: &TestApp,
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    user: &str,
) -> String {
    let resp = test::call_service(svc, post("/api/v1/reset/start", json!({"user": user}))).await;
    let flow = json(resp).await["flow"].as_str().unwrap().to_owned();
    let resp = test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let _ = t;
    flow
}

#[actix_web::test]
async fn five_wrong_codes_kill_the_code_even_for_the_right_one() {
    let t = TestApp::new();
    t.user("bob", Some("bob@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "bob").await;
    let code = t.code_for("bob@example.org").await;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    let verify = |c: &str| post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": c}));
    for remaining in (1..=4).rev() {
        let resp = test::call_service(&svc, verify(wrong)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body = json(resp).await;
        assert_eq!(body["error"]["code"], "code_wrong");
        let left = if remaining == 1 { "1 try left".to_owned() } else { format!("{remaining} tries left") };
        assert!(body["error"]["message"].as_str().unwrap().contains(&left), "{body}");
    }
    let resp = test::call_service(&svc, verify(wrong)).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // The fifth failed proof also blocks self-service for the account.
    let resp = test::call_service(&svc, verify(&code)).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "blocked");
}

#[actix_web::test]
async fn expired_code_is_refused() {
    let t = TestApp::new();
    t.user("carol", Some("carol@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "carol").await;
    let code = t.code_for("carol@example.org").await;
    t.clock.advance(599);
    t.clock.advance(1);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "code_expired");
}

#[actix_web::test]
async fn code_valid_until_just_before_expiry() {
    let t = TestApp::with_config("[reset]\ncode_lifetime_minutes = 2\n");
    t.user("dan", Some("dan@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "dan").await;
    let code = t.code_for("dan@example.org").await;
    t.clock.advance(119);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_code_works_once_and_only_in_its_own_flow() {
    let t = TestApp::new();
    t.user("erin", Some("erin@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let first = started_flow(&t, &svc, "erin").await;
    let code = t.code_for("erin@example.org").await;
    let second = started_flow(&t, &svc, "erin").await;
    let second_code = t.code_for("erin@example.org").await;
    // The first flow's code does not open the second flow.
    if code != second_code {
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{second}/verify"), json!({"method": "email", "code": code})),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    let verify = || post(&format!("/api/v1/reset/{first}/verify"), json!({"method": "email", "code": code}));
    assert_eq!(test::call_service(&svc, verify()).await.status(), StatusCode::OK);
    // Reused: the flow has moved on, the code is spent.
    let resp = test::call_service(&svc, verify()).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(json(resp).await["error"]["code"], "wrong_step");
}

#[actix_web::test]
async fn resend_waits_sixty_seconds() {
    let t = TestApp::new();
    t.user("fay", Some("fay@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "fay").await;
    t.clock.advance(59);
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
    t.clock.advance(1);
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(t.outbox().await.len(), 2);
}

#[actix_web::test]
async fn unknown_user_gets_the_same_shape_and_nothing_is_sent() {
    let t = TestApp::new();
    t.user("gina", Some("gina@example.org"), "Old-Passw0rd-1234").await;
    t.user("nomail", None, "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let start = |user: &str| post("/api/v1/reset/start", json!({"user": user}));
    let real = json(test::call_service(&svc, start("gina")).await).await;
    let ghost = json(test::call_service(&svc, start("ghost")).await).await;
    let ghost_again = json(test::call_service(&svc, start("GHOST")).await).await;
    let nomail = json(test::call_service(&svc, start("nomail")).await).await;
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&real), keys(&ghost));
    assert_eq!(ghost["methods"], ghost_again["methods"], "decoys are stable");
    assert_eq!(ghost["methods"][0]["hint"], "gh•••••@example.org");
    assert_eq!(nomail["methods"][0]["kind"], "email");

    let flow = ghost["flow"].as_str().unwrap();
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(t.outbox().await.is_empty(), "nothing is sent for a decoy");
    // Every code is wrong for a decoy, with the same answer as a real flow.
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": "12345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "code_wrong");
    // Disabled accounts look the same too.
    let id = t.local.find("gina").await.unwrap().unwrap().id;
    use passdesk::directory::Directory;
    t.local.set_disabled(&id, true).await.unwrap();
    let disabled = json(test::call_service(&svc, start("gina")).await).await;
    assert_eq!(keys(&disabled), keys(&real));
}

#[actix_web::test]
async fn password_before_proof_and_weak_passwords_are_refused() {
    let t = TestApp::new();
    let id = t.user("hal", Some("hal@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "hal").await;
    let set = |p: &str| post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": p}));
    let resp = test::call_service(&svc, set("Violet meadow drums 42")).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let code = t.code_for("hal@example.org").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    for (weak, why) in [
        ("short", "at least 12"),
        ("password1234", "commonly used"),
        ("hal-is-my-name-ok", "user ID"),
        ("zzzzzzzzzzzzzzzz", "too easy to guess"),
        ("qwertyuiop1234567", "too easy to guess"),
    ] {
        let resp = test::call_service(&svc, set(weak)).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        let body = json(resp).await;
        assert!(body["error"]["message"].as_str().unwrap().contains(why), "{weak}: {body}");
    }
    assert!(t.can_sign_in(&id, "Old-Passw0rd-1234").await, "a refused password changes nothing");
    assert_eq!(test::call_service(&svc, set("Violet meadow drums 42")).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_session_ends_after_fifteen_minutes() {
    let t = TestApp::new();
    t.user("ivy", Some("ivy@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = started_flow(&t, &svc, "ivy").await;
    t.clock.advance(15 * 60);
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    assert_eq!(json(resp).await["error"]["code"], "flow_expired");
}

#[actix_web::test]
async fn malformed_requests_get_clear_4xx_json() {
    let t = TestApp::new();
    let svc = t.service().await;
    let cases: Vec<(actix_http::Request, StatusCode, &str)> = vec![
        (
            TestRequest::post()
                .uri("/api/v1/reset/start")
                .insert_header(("content-type", "application/json"))
                .set_payload("{not json")
                .to_request(),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
        (post("/api/v1/reset/start", json!({"usr": "alice"})), StatusCode::BAD_REQUEST, "bad_json"),
        (post("/api/v1/reset/start", json!({"user": "a", "extra": 1})), StatusCode::BAD_REQUEST, "bad_json"),
        (post("/api/v1/reset/start", json!({"user": 42})), StatusCode::BAD_REQUEST, "bad_json"),
        (post("/api/v1/reset/start", json!({"user": "   "})), StatusCode::BAD_REQUEST, "invalid_input"),
        (post("/api/v1/reset/start", json!({"user": "a\u{0}b"})), StatusCode::BAD_REQUEST, "invalid_input"),
        (
            TestRequest::post().uri("/api/v1/reset/start").set_payload("user=alice").to_request(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            post("/api/v1/reset/start", json!({"user": "x".repeat(70 * 1024)})),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            post(&format!("/api/v1/reset/{}/send", "0".repeat(64)), json!({"method": "email"})),
            StatusCode::NOT_FOUND,
            "flow_not_found",
        ),
        (post("/api/v1/reset/not-a-token/send", json!({"method": "email"})), StatusCode::NOT_FOUND, "flow_not_found"),
        (TestRequest::get().uri("/api/v1/nothing").to_request(), StatusCode::NOT_FOUND, "not_found"),
    ];
    for (req, status, code) in cases {
        let resp = test::call_service(&svc, req).await;
        assert_eq!(resp.status(), status, "{code}");
        let body = json(resp).await;
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
        assert_eq!(body["error"]["request_id"].as_str().unwrap().len(), 16);
    }
    // Every body error names what is wrong: the field of a wrong type, the
    // missing field, the unknown one.
    for (body, named) in [
        (json!({"user": 42}), "user: invalid type: integer `42`, expected a string"),
        (json!({"usr": "alice"}), "unknown field `usr`"),
        (json!({"user": "a", "extra": 1}), "unknown field `extra`"),
        (json!({}), "missing field `user`"),
    ] {
        let resp = test::call_service(&svc, post("/api/v1/reset/start", body.clone())).await;
        let answer = json(resp).await;
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(named), "{body}: {message}");
    }
    assert!(t.outbox().await.is_empty());
    assert!(t.audit_activities().await.is_empty(), "bad input changes nothing");
}

#[actix_web::test]
async fn unknown_method_is_refused() {
    let t = TestApp::new();
    t.user("jo", Some("jo@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let resp = test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "jo"}))).await;
    let flow = json(resp).await["flow"].as_str().unwrap().to_owned();
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "fax"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "unknown_method");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": "12345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(json(resp).await["error"]["code"], "no_code_sent");
}

#[actix_web::test]
async fn openapi_describes_the_endpoints() {
    let t = TestApp::new();
    let svc = t.service().await;
    let resp = test::call_service(&svc, TestRequest::get().uri("/api/v1/openapi.json").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let doc = json(resp).await;
    assert_eq!(doc["openapi"], "3.1.0");
    // Every route the API registers is described, with its method: each
    // path is a `resource("…")` followed by its `.route(web::<method>()…)`.
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/api/mod.rs")).unwrap();
    let (mut path, mut registered) = (String::new(), Vec::new());
    for line in source.lines() {
        if let Some(rest) = line.split("resource(\"").nth(1) {
            path = rest.split('"').next().unwrap().to_owned();
        }
        for rest in line.split(".route(web::").skip(1) {
            registered.push(format!("{} /api/v1{path}", rest.split('(').next().unwrap()));
        }
    }
    let missing: Vec<&String> = registered
        .iter()
        .filter(|r| {
            let (method, path) = r.split_once(' ').unwrap();
            !doc["paths"][path][method].is_object()
        })
        .collect();
    assert!(missing.is_empty(), "missing from the OpenAPI document: {missing:?}");
    assert!(registered.len() > 20, "{} routes found", registered.len());
    // And every operation it describes is a route (the 405 answer's Allow
    // header is read from the document).
    let mut extra = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !registered.contains(&format!("{method} {path}")) {
                extra.push(format!("{method} {path}"));
            }
        }
    }
    assert!(extra.is_empty(), "described but not routed: {extra:?}");
}
