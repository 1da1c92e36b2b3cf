//! Admin portal sign-in: local administrators and refused non-admins,
//! idle and absolute timeouts, re-authentication before a sensitive
//! change, CSRF, sign-out, the audit of each, and the admin API's tokens
//! issued and revoked from the pages.

use crate::admin_support::{ADMIN_PASSWORD, add_admin, csrf, form, get, location, sign_in_admin, visit};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

#[actix_web::test]
async fn an_administrator_signs_in_sees_the_overview_and_signs_out() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/admin/tokens", &crate::admin_support::Jar(Vec::new()))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "a page needs a session");
    assert_eq!(location(&resp), "/admin/sign-in?next=%2Fadmin%2Ftokens");

    let jar = sign_in_admin(&svc, "ada").await;
    let resp = test::call_service(&svc, get("/admin", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("cache-control").unwrap(), "no-store");
    let page = text(resp).await;
    assert!(page.contains("Signed in as <strong>ada</strong>"), "{page}");
    assert!(page.contains("href=\"/admin/audit\""));

    let resp = test::call_service(&svc, form("/admin/sign-out", &jar, &[("csrf", &csrf(&jar))])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = test::call_service(&svc, get("/admin", &jar)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "the old cookie opens nothing after sign-out");
    let audit = t.audit_activities().await;
    let names: Vec<&str> = audit.iter().map(|a| a.0.as_str()).collect();
    assert!(names.contains(&"Admin portal sign-in") && names.contains(&"Admin portal sign-out"), "{names:?}");
}

#[actix_web::test]
async fn wrong_passwords_and_non_admins_are_refused_and_audited() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    t.user("ned", Some("ned@example.org"), ADMIN_PASSWORD).await;
    let svc = t.service().await;
    let jar = visit(&svc).await;
    let token = csrf(&jar);
    let wrong = [("csrf", token.as_str()), ("user", "ada"), ("password", "not-it"), ("next", "/admin")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &wrong)).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(text(resp).await.contains("The user ID or password is not correct."));

    let ned = [("csrf", token.as_str()), ("user", "ned"), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &ned)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "the right password of a non-admin opens nothing");
    assert!(resp.response().cookies().all(|c| c.name() != "__Host-passdesk-admin"));
    assert!(text(resp).await.contains("not an administrator"));
    let audit = t.audit_activities().await;
    assert!(
        audit.iter().any(|a| a.0 == "Admin access refused" && a.1 == "failure" && a.3.contains("ned")),
        "{audit:?}"
    );
    assert!(audit.iter().any(|a| a.0 == "Admin portal sign-in" && a.1 == "failure"));

    // Empty fields are explained, and sign-in without the CSRF token is refused.
    let empty = [("csrf", token.as_str()), ("user", "ada"), ("password", ""), ("next", "/admin")];
    assert_eq!(test::call_service(&svc, form("/admin/sign-in", &jar, &empty)).await.status(), StatusCode::BAD_REQUEST);
    let forged = [("csrf", "x"), ("user", "ada"), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    assert_eq!(test::call_service(&svc, form("/admin/sign-in", &jar, &forged)).await.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn sessions_end_after_fifteen_idle_minutes_and_after_eight_hours() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    t.clock.advance(14 * 60);
    assert_eq!(test::call_service(&svc, get("/admin", &jar)).await.status(), StatusCode::OK);
    t.clock.advance(15 * 60 + 1);
    assert_eq!(test::call_service(&svc, get("/admin", &jar)).await.status(), StatusCode::SEE_OTHER, "idle");

    let jar = sign_in_admin(&svc, "ada").await;
    for _ in 0..(8 * 6) {
        t.clock.advance(10 * 60);
        let status = test::call_service(&svc, get("/admin", &jar)).await.status();
        if status == StatusCode::SEE_OTHER {
            break;
        }
        assert_eq!(status, StatusCode::OK);
    }
    t.clock.advance(10 * 60);
    assert_eq!(test::call_service(&svc, get("/admin", &jar)).await.status(), StatusCode::SEE_OTHER, "8 hours");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Admin portal sign-out" && a.3.contains("15 minutes idle")), "{audit:?}");
    assert!(audit.iter().any(|a| a.0 == "Admin portal sign-out" && a.3.contains("8-hour")), "{audit:?}");
}

#[actix_web::test]
async fn a_sensitive_change_asks_for_the_password_again_after_five_minutes() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let token = csrf(&jar);
    t.clock.advance(6 * 60);
    let issue = [("csrf", token.as_str()), ("name", "hr-sync")];
    let resp = test::call_service(&svc, form("/admin/tokens", &jar, &issue)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/reauth?next=%2Fadmin%2Ftokens");
    assert!(t.app.flows.admin_token_list().await.unwrap().is_empty(), "nothing issued before re-authentication");

    let wrong = [("csrf", token.as_str()), ("password", "nope"), ("next", "/admin/tokens")];
    assert_eq!(test::call_service(&svc, form("/admin/reauth", &jar, &wrong)).await.status(), StatusCode::UNAUTHORIZED);
    // A `next` off the admin portal never leads away from it.
    let good = [("csrf", token.as_str()), ("password", ADMIN_PASSWORD), ("next", "https://evil.example/")];
    let resp = test::call_service(&svc, form("/admin/reauth", &jar, &good)).await;
    assert_eq!(location(&resp), "/admin");

    let resp = test::call_service(&svc, form("/admin/tokens", &jar, &issue)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    let at = page.find("id=\"issued-token\">").unwrap() + "id=\"issued-token\">".len();
    let bearer = page[at..at + 64].to_owned();
    let api = |bearer: &str| {
        TestRequest::get()
            .uri("/api/v1/admin/policy")
            .insert_header(("authorization", format!("Bearer {bearer}")))
            .to_request()
    };
    assert_eq!(test::call_service(&svc, api(&bearer)).await.status(), StatusCode::OK);
    let tokens = t.app.flows.admin_token_list().await.unwrap();
    assert_eq!((tokens[0].name.as_str(), tokens[0].created_by.as_str()), ("hr-sync", "admin:ada"));
    assert!(tokens[0].last_used_at.is_some(), "the use is noted");

    let revoke = format!("/admin/tokens/{}/revoke", tokens[0].id);
    let resp = test::call_service(&svc, form(&revoke, &jar, &[("csrf", &token)])).await;
    assert_eq!(location(&resp), "/admin/tokens?done=revoked");
    let resp = test::call_service(&svc, api(&bearer)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "a revoked token stops at once");
    let again = test::call_service(&svc, form(&revoke, &jar, &[("csrf", &token)])).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(text(again).await.contains("no live token number"));
    // A blank name is explained and issues nothing.
    let blank = test::call_service(&svc, form("/admin/tokens", &jar, &[("csrf", &token), ("name", " ")])).await;
    assert_eq!(blank.status(), StatusCode::BAD_REQUEST);
    assert_eq!(t.app.flows.admin_token_list().await.unwrap().len(), 1);
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Admin API token revoked"));
    assert!(audit.iter().any(|a| a.0 == "Admin access refused" && a.3.contains("not live")), "{audit:?}");
}

#[actix_web::test]
async fn a_removed_administrator_loses_the_portal_at_once() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    add_admin(&t, "bea").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    assert_eq!(test::call_service(&svc, get("/admin/audit", &jar)).await.status(), StatusCode::OK);
    t.app.flows.remove_local_admin("ada", "admin:bea", &passdesk::flow::Client::default()).await.unwrap();
    let resp = test::call_service(&svc, get("/admin/audit", &jar)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "the open session ends with the role");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Admin portal sign-out" && a.3.contains("no longer")), "{audit:?}");

    // Signing in again in a browser that has a session ends the old one
    // and gives a new CSRF token.
    let jar = sign_in_admin(&svc, "bea").await;
    let old_csrf = csrf(&jar);
    let fields = [("csrf", old_csrf.as_str()), ("user", "bea"), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let mut fresh = crate::admin_support::Jar(jar.0.clone());
    fresh.take(&resp);
    assert_ne!(csrf(&fresh), old_csrf);
    assert_eq!(
        test::call_service(&svc, get("/admin", &jar)).await.status(),
        StatusCode::SEE_OTHER,
        "old session ended"
    );
    assert_eq!(test::call_service(&svc, get("/admin", &fresh)).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn no_next_parameter_leads_off_the_admin_portal() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let token = csrf(&jar);
    let attempts = [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/admin//evil.example",
        "/admin/\\evil.example",
        "/admin\\@evil.example",
        "/admin@evil.example",
        "/admin/../..//evil.example",
        "/admin\r\nLocation: https://evil.example",
        "/admin/\tevil",
        "javascript:alert(1)",
        "http:/evil.example",
        "%2F%2Fevil.example",
        " /admin",
        "",
    ];
    for next in attempts {
        let reauth = [("csrf", token.as_str()), ("password", ADMIN_PASSWORD), ("next", next)];
        let resp = test::call_service(&svc, form("/admin/reauth", &jar, &reauth)).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&resp), "/admin", "{next:?}");
        let sign_in = TestRequest::get().uri(&format!("/admin/sign-in?next={}", url_escape(next))).to_request();
        let page = text(test::call_service(&svc, sign_in).await).await;
        assert!(page.contains(r#"name="next" value="/admin""#), "{next:?}: the form carries /admin instead");
        assert!(!page.contains("evil.example"), "{next:?} reached the sign-in form");
    }
    // A path on the admin portal is kept.
    let reauth = [("csrf", token.as_str()), ("password", ADMIN_PASSWORD), ("next", "/admin/audit?user=ada")];
    let resp = test::call_service(&svc, form("/admin/reauth", &jar, &reauth)).await;
    assert_eq!(location(&resp), "/admin/audit?user=ada");
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
