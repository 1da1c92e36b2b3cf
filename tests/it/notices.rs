//! Notices after a reset, change or unlock on every address the person
//! has, never with the password, with a "this wasn't me" link that blocks
//! self-service, alerts the administrators and is audited; and an
//! administrator's own reset told to the other administrators.

use crate::reset_portal::{Jar, form, get};
use crate::support::{TestApp, json, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::domain::Enrolment;
use passdesk::flow::Client;
use serde_json::{Value, json};

const ALERTS: &str = "[notify]\nadmin_alerts = [\"security@example.org\", \"root.home@example.net\"]\n";
const NEW: &str = "Copper lantern harbour 57";

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

/// The report link in the newest message to `to`.
async fn link_to(t: &TestApp, to: &str) -> String {
    let rows = t.outbox().await;
    let row = rows.iter().rev().find(|r| r.recipient == to).unwrap_or_else(|| panic!("no message to {to}"));
    let at = row.body.find("/report/").expect("a report link");
    row.body[at..at + "/report/".len() + 64].to_owned()
}

async fn reset(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    t: &TestApp,
    user: &str,
    email: &str,
) -> StatusCode {
    let resp = test::call_service(svc, post("/api/v1/reset/start", json!({"user": user}))).await;
    if resp.status() != StatusCode::OK {
        return resp.status();
    }
    let started = json(resp).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let resp = test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    if resp.status() != StatusCode::OK {
        return resp.status();
    }
    let code = t.code_for(email).await;
    test::call_service(svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    test::call_service(svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": NEW})))
        .await
        .status()
}

#[actix_web::test]
async fn a_reset_is_told_on_every_address_and_this_wasnt_me_blocks_and_alerts() {
    let t = TestApp::with_config(ALERTS);
    let id = t.user("nora", Some("nora@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.enrol_alt_email("nora", "nora.home@example.net", &Client::default()).await.unwrap();
    let svc = t.service().await;
    assert_eq!(reset(&svc, &t, "nora", "nora@example.org").await, StatusCode::OK);

    let outbox = t.outbox().await;
    for to in ["nora@example.org", "nora.home@example.net"] {
        let notice = outbox.iter().rev().find(|m| m.recipient == to).unwrap();
        assert!(notice.subject.contains("password was reset"), "{}", notice.subject);
        assert!(notice.body.contains("https://127.0.0.1:8443/report/"), "{}", notice.body);
        assert!(!notice.body.contains(NEW), "never the password");
    }
    let link = link_to(&t, "nora.home@example.net").await;
    assert_eq!(link, link_to(&t, "nora@example.org").await, "one link for the event");

    // Opening the link changes nothing (mail scanners open links).
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get(&link, &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    jar.take(&resp);
    let page = text(resp).await;
    assert!(page.contains("password reset on your account"), "{page}");
    let alerts_before = t.outbox().await.iter().filter(|m| m.recipient == "security@example.org").count();
    assert_eq!(alerts_before, 0);

    // Confirming blocks self-service, alerts every admin address, audits.
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form(&link, &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(text(resp).await.contains("your IT team has been alerted"));
    let alerts: Vec<_> = t.outbox().await.into_iter().filter(|m| m.subject.contains("ALERT: nora")).collect();
    assert_eq!(alerts.len(), 2, "both admin addresses");
    assert!(alerts[0].body.contains("passdesk admin unblock nora"));
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0.contains("this wasn't me") && a.3.contains("password reset")), "{audit:?}");
    assert!(audit.iter().any(|a| a.0 == "Blocked from self-service password reset"));
    assert_eq!(reset(&svc, &t, "nora", "nora@example.org").await, StatusCode::TOO_MANY_REQUESTS);
    assert!(t.can_sign_in(&id, NEW).await, "the directory account itself is untouched");

    // A second confirmation changes nothing.
    let resp = test::call_service(&svc, form(&link, &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(t.outbox().await.iter().filter(|m| m.subject.contains("ALERT: nora")).count(), 2);

    // The helpdesk lifts the block.
    assert!(t.app.flows.unblock("nora", "helpdesk", &Client::default()).await.unwrap());
}

#[actix_web::test]
async fn report_links_expire_and_garbage_is_a_clear_404() {
    let t = TestApp::new();
    t.user("olga", Some("olga@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    assert_eq!(reset(&svc, &t, "olga", "olga@example.org").await, StatusCode::OK);
    let link = link_to(&t, "olga@example.org").await;
    for bad in ["/report/nonsense", "/report/0000000000000000000000000000000000000000000000000000000000000000"] {
        let resp = test::call_service(&svc, get(bad, &Jar::default())).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert!(text(resp).await.contains("does not exist or has expired"));
    }
    t.clock.advance(7 * 24 * 3600);
    let resp = test::call_service(&svc, get(&link, &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn changes_and_unlocks_are_told_too() {
    let t = TestApp::new();
    let id = t.user("pia", Some("pia@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let resp = test::call_service(
        &svc,
        post("/api/v1/change", json!({"user": "pia", "old_password": "Old-Passw0rd-1234", "new_password": NEW})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let notice = t.outbox().await.pop().unwrap();
    assert!(notice.subject.contains("password was changed") && notice.body.contains("/report/"));

    t.local.lock(&id).await.unwrap();
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "pia"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for("pia@example.org").await;
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/unlock"), json!({}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let notice = t.outbox().await.pop().unwrap();
    assert!(notice.subject.contains("account was unlocked") && notice.body.contains("/report/"), "{notice:?}");
}

#[actix_web::test]
async fn an_administrators_own_reset_is_told_to_the_other_administrators() {
    let t = TestApp::with_config(ALERTS);
    let c = Client::default();
    t.app.flows.add_local_admin("root", &c).await.unwrap();
    t.app.flows.enrol_alt_email("root", "root.home@example.net", &c).await.unwrap();
    t.app.flows.enrol_phone("root", Enrolment::Mobile, "+31 6 5555 0000", &c).await.unwrap();
    t.app.flows.set_policy("methods", "alt_email,mobile_sms", "test", &c).await.unwrap();
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "root"}))).await).await;
    assert_eq!(started["required"], 2);
    let flow = started["flow"].as_str().unwrap().to_owned();
    for status in pass_phone_and_alt_email(&svc, &t, &flow).await {
        assert_eq!(status, StatusCode::OK);
    }
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": NEW}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let alerts: Vec<_> =
        t.outbox().await.into_iter().filter(|m| m.subject.contains("Administrator root reset")).collect();
    let to: Vec<&str> = alerts.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(to, ["security@example.org"], "every other administrator, not root's own address");

    // With the switch off, nobody is told.
    t.app.flows.set_policy("notify_admins_on_admin_reset", "false", "test", &c).await.unwrap();
    t.app.flows.unblock("root", "test", &c).await.unwrap();
    t.clock.advance(120);
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "root"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    pass_phone_and_alt_email(&svc, &t, &flow).await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Amber tide compass 58"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(t.outbox().await.iter().filter(|m| m.subject.contains("Administrator root reset")).count(), 1);
}

/// Sends and verifies root's alternate e-mail and SMS codes in `flow`;
/// the verify answers' statuses.
async fn pass_phone_and_alt_email(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    t: &TestApp,
    flow: &str,
) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for (method, to, confirm) in
        [("alt_email", "root.home@example.net", None), ("mobile_sms", "+31655550000", Some("+31655550000"))]
    {
        let mut body = json!({"method": method});
        if let Some(c) = confirm {
            body["confirm"] = json!(c);
        }
        test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), body)).await;
        let rows = t.outbox().await;
        let row = rows.iter().rev().find(|r| r.recipient == to).unwrap();
        let code: String = row.body.chars().filter(char::is_ascii_digit).take(8).collect();
        let verify = post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": method, "code": code}));
        statuses.push(test::call_service(svc, verify).await.status());
    }
    statuses
}
