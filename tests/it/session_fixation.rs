//! Session fixation (DESIGN.md §10): a session cookie planted in the
//! browser before a sign-in or a reset is never adopted. Each step that
//! grants something sets a fresh random value, and the planted value opens
//! nothing afterwards.

use crate::admin_support::{ADMIN_PASSWORD, add_admin, location, visit};
use crate::reset_portal::{Jar, form, get};
use crate::support::TestApp;
use actix_web::http::StatusCode;
use actix_web::test;

const PLANTED: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
const PASSWORD: &str = "Old-Passw0rd-1234";

/// The value a response sets for `name`, if it sets one.
fn set_value<B>(resp: &actix_web::dev::ServiceResponse<B>, name: &str) -> Option<String> {
    resp.response().cookies().find(|c| c.name() == name).map(|c| c.value().to_owned())
}

/// A jar holding only `name` = the planted value.
fn planted(name: &str) -> Jar {
    Jar(vec![(name.to_owned(), PLANTED.to_owned())])
}

#[actix_web::test]
async fn a_planted_admin_session_and_csrf_token_are_worthless_after_sign_in() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    // The attacker planted both cookies and knows their values.
    let mut jar = visit(&svc).await;
    jar.0.retain(|(n, _)| n != "__Host-passdesk-csrf");
    jar.0.push(("__Host-passdesk-csrf".to_owned(), PLANTED.to_owned()));
    jar.0.push(("__Host-passdesk-admin".to_owned(), PLANTED.to_owned()));
    let fields = [("csrf", PLANTED), ("user", "ada"), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let session = set_value(&resp, "__Host-passdesk-admin").expect("a new admin session cookie");
    let csrf = set_value(&resp, "__Host-passdesk-csrf").expect("a new CSRF token");
    assert!(session.len() >= 32 && session != PLANTED);
    assert!(csrf.len() == 64 && csrf != PLANTED);
    jar.take(&resp);
    assert_eq!(test::call_service(&svc, get("/admin", &jar)).await.status(), StatusCode::OK);

    // The planted session opens nothing.
    let resp = test::call_service(&svc, get("/admin", &planted("__Host-passdesk-admin"))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(location(&resp).starts_with("/admin/sign-in"));
    // The planted token cannot make a change in the real session, even
    // with the planted CSRF cookie put back beside it.
    let mut forged = Jar(jar.0.iter().filter(|(n, _)| n != "__Host-passdesk-csrf").cloned().collect());
    forged.0.push(("__Host-passdesk-csrf".to_owned(), PLANTED.to_owned()));
    let before = t.audit_activities().await.len();
    let resp = test::call_service(&svc, form("/admin/tokens", &forged, &[("csrf", PLANTED), ("name", "x")])).await;
    let status = resp.status();
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", crate::support::text(resp).await);
    let audit = t.audit_activities().await;
    assert!(audit[before..].iter().all(|a| a.0 == "Admin access refused"), "{audit:?}");
}

#[actix_web::test]
async fn a_planted_registration_session_is_not_adopted() {
    let t = TestApp::new();
    t.user("ivy", Some("ivy@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    jar.take(&test::call_service(&svc, get("/register", &jar)).await);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    jar.0.push(("__Host-passdesk-session".to_owned(), PLANTED.to_owned()));
    let good = [("csrf", csrf.as_str()), ("user", "ivy"), ("password", PASSWORD)];
    let resp = test::call_service(&svc, form("/register/sign-in", &jar, &good)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let session = set_value(&resp, "__Host-passdesk-session").expect("a new registration session");
    assert!(session.len() >= 32 && session != PLANTED);
    jar.take(&resp);
    let page = crate::support::text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(page.contains("Hello ivy"), "the real session is signed in");

    // The planted value is still nobody: the sign-in form again.
    let mut attacker = planted("__Host-passdesk-session");
    attacker.0.push(("__Host-passdesk-csrf".to_owned(), csrf.clone()));
    let page = crate::support::text(test::call_service(&svc, get("/register", &attacker)).await).await;
    assert!(page.contains("action=\"/register/sign-in\"") && !page.contains("Hello ivy"), "{page}");
    let fields = [("csrf", csrf.as_str()), ("kind", "alt_email"), ("value", "mallory@example.net")];
    let resp = test::call_service(&svc, form("/register/contact", &attacker, &fields)).await;
    assert_ne!(resp.status(), StatusCode::OK);
    assert!(
        t.outbox().await.iter().all(|m| m.recipient != "mallory@example.net"),
        "nothing was sent for the planted session"
    );
}

#[actix_web::test]
async fn a_planted_reset_flow_cookie_is_replaced_when_a_reset_starts() {
    let t = TestApp::new();
    t.user("alice", Some("alice@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    jar.take(&test::call_service(&svc, get("/reset", &jar)).await);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    jar.0.push(("__Host-passdesk-reset".to_owned(), PLANTED.to_owned()));
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "alice")])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let flow = set_value(&resp, "__Host-passdesk-reset").expect("a new flow cookie");
    assert!(flow.len() >= 32 && flow != PLANTED);
    jar.take(&resp);
    let page = crate::support::text(test::call_service(&svc, get("/reset/verify", &jar)).await).await;
    assert!(page.contains("Verify it is you") && page.contains("al•••••@example.org"), "the real flow goes on: {page}");

    // The planted value holds no flow: it is sent back to the start.
    let mut attacker = planted("__Host-passdesk-reset");
    attacker.0.push(("__Host-passdesk-csrf".to_owned(), csrf.clone()));
    let resp = test::call_service(&svc, get("/reset/verify", &attacker)).await;
    assert!(resp.status() == StatusCode::SEE_OTHER || resp.status().is_client_error(), "{}", resp.status());
    let fields = [("csrf", csrf.as_str()), ("method", "email")];
    let sent_before = t.outbox().await.len();
    let resp = test::call_service(&svc, form("/reset/send", &attacker, &fields)).await;
    assert_ne!(resp.status(), StatusCode::OK);
    assert_eq!(t.outbox().await.len(), sent_before, "no code is sent for the planted flow");
}
