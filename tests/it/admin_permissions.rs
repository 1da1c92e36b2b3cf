//! Every admin route refuses people who are not signed-in administrators:
//! pages lead to the sign-in, changes are refused with a 403 and an audit
//! row, and a form without its CSRF token is refused even for an
//! administrator.

use crate::admin_support::{ADMIN_PASSWORD, Jar, add_admin, csrf, form, get, location, sign_in_admin, visit};
use crate::support::TestApp;
use actix_web::http::StatusCode;
use actix_web::test;

/// Every admin route: (method, path). Add each new route here. Two are
/// public by design and left out: the sign-in page, and the troubleshooting
/// guide (`/admin/troubleshooting`), which error pages link to for people
/// who cannot sign in.
pub const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/reauth"),
    ("POST", "/admin/reauth"),
    ("POST", "/admin/sign-out"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit/export.csv"),
    ("GET", "/admin/audit/export.json"),
    ("GET", "/admin/insights"),
    ("POST", "/admin/insights/recount"),
    ("GET", "/admin/insights/coverage.csv"),
    ("GET", "/admin/tokens"),
    ("POST", "/admin/tokens"),
    ("POST", "/admin/tokens/1/revoke"),
    ("GET", "/admin/policy"),
    ("POST", "/admin/policy"),
    ("GET", "/admin/policy/questions"),
    ("POST", "/admin/policy/questions"),
    ("GET", "/admin/policy/notifications"),
    ("POST", "/admin/policy/notifications"),
    ("GET", "/admin/policy/password"),
    ("POST", "/admin/policy/password"),
    ("GET", "/admin/policy/branding"),
    ("POST", "/admin/policy/branding"),
    ("GET", "/admin/policy/branding/preview.css"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users?q=ada"),
    ("GET", "/admin/users/local/ada"),
    ("POST", "/admin/users/local/ada/unblock"),
    ("POST", "/admin/users/local/ada/reregister"),
    ("POST", "/admin/users/local/ada/remove"),
    ("POST", "/admin/users/local/ada/send-link"),
    ("GET", "/admin/directories"),
    ("POST", "/admin/directories/check"),
    ("GET", "/admin/outbox"),
    ("GET", "/admin/outbox?state=dead"),
    ("POST", "/admin/outbox/1/retry"),
    ("POST", "/admin/outbox/retry-dead"),
];

#[actix_web::test]
async fn anonymous_callers_and_non_admins_reach_no_admin_route() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    t.user("ned", Some("ned@example.org"), ADMIN_PASSWORD).await;
    let svc = t.service().await;
    // Ned proves his password but is no administrator: refused, no session.
    let jar = visit(&svc).await;
    let token = csrf(&jar);
    let ned = [("csrf", token.as_str()), ("user", "ned"), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &ned)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let before = t.audit_activities().await.len();
    for (method, path) in ADMIN_ROUTES {
        let resp = match *method {
            "GET" => test::call_service(&svc, get(path, &jar)).await,
            _ => test::call_service(&svc, form(path, &jar, &[("csrf", &token)])).await,
        };
        if *method == "GET" {
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{method} {path}");
            assert!(location(&resp).starts_with("/admin/sign-in?next="), "{method} {path}");
        } else {
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
    let audit = t.audit_activities().await;
    let refused = audit[before..].iter().filter(|a| a.0 == "Admin access refused").count();
    let posts = ADMIN_ROUTES.iter().filter(|(m, _)| *m == "POST").count();
    assert_eq!(refused, posts, "each refused change is audited: {audit:?}");
}

#[actix_web::test]
async fn an_administrators_change_without_its_csrf_token_is_refused_and_audited() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    for (method, path) in ADMIN_ROUTES.iter().filter(|(m, _)| *m == "POST") {
        let before = t.audit_activities().await.len();
        let resp = test::call_service(&svc, form(path, &jar, &[("csrf", "forged")])).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let audit = t.audit_activities().await;
        assert!(audit[before..].iter().any(|a| a.0 == "Admin access refused"), "{path}: {audit:?}");
    }
    let still = test::call_service(&svc, get("/admin", &jar)).await;
    assert_eq!(still.status(), StatusCode::OK, "the session is untouched");
    let _ = Jar(Vec::new());
}
