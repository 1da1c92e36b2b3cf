//! Every route of the web faces, read from the source so a new route cannot
//! slip past: each answers without a server error and with the security
//! headers and cookie attributes of DESIGN.md §10, signed in or not; every
//! portal form refuses a missing or forged CSRF token and changes nothing;
//! and no session cookie planted before a sign-in survives it (session
//! fixation).

use crate::admin_support::{add_admin, sign_in_admin};
use crate::reset_portal::{Jar, form, get};
use crate::support::TestApp;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use std::collections::BTreeSet;
use std::path::Path;

/// Every route: method, the pattern as the source declares it (with the
/// scope's prefix), and a concrete path to call it with.
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/", "/"),
    ("GET", "/healthz", "/healthz"),
    ("GET", "/readyz", "/readyz"),
    ("GET", "/metrics", "/metrics"),
    ("GET", "/static/{file:.*}", "/static/passdesk.css"),
    ("GET", "/brand.css", "/brand.css"),
    ("GET", "/brand/logo", "/brand/logo"),
    // Portal: reset, unlock, change, registration, reset links, reports.
    ("GET", "/reset", "/reset"),
    ("POST", "/reset", "/reset"),
    ("GET", "/reset/verify", "/reset/verify"),
    ("POST", "/reset/send", "/reset/send"),
    ("POST", "/reset/verify", "/reset/verify"),
    ("GET", "/reset/password", "/reset/password"),
    ("POST", "/reset/password", "/reset/password"),
    ("POST", "/reset/password/check", "/reset/password/check"),
    ("GET", "/reset/done", "/reset/done"),
    ("GET", "/reset/link/{token}", "/reset/link/0123456789abcdef0123456789abcdef"),
    ("POST", "/reset/link/{token}", "/reset/link/0123456789abcdef0123456789abcdef"),
    ("GET", "/report/{token}", "/report/0123456789abcdef0123456789abcdef"),
    ("POST", "/report/{token}", "/report/0123456789abcdef0123456789abcdef"),
    ("GET", "/unlock", "/unlock"),
    ("POST", "/unlock", "/unlock"),
    ("GET", "/unlock/confirm", "/unlock/confirm"),
    ("POST", "/unlock/confirm", "/unlock/confirm"),
    ("GET", "/unlock/done", "/unlock/done"),
    ("GET", "/change", "/change"),
    ("POST", "/change", "/change"),
    ("GET", "/change/done", "/change/done"),
    ("GET", "/register", "/register"),
    ("POST", "/register/sign-in", "/register/sign-in"),
    ("POST", "/register/contact", "/register/contact"),
    ("POST", "/register/code", "/register/code"),
    ("POST", "/register/cancel", "/register/cancel"),
    ("GET", "/register/questions", "/register/questions"),
    ("POST", "/register/questions", "/register/questions"),
    ("GET", "/register/authenticator", "/register/authenticator"),
    ("POST", "/register/authenticator", "/register/authenticator"),
    ("GET", "/register/passkey", "/register/passkey"),
    ("POST", "/register/passkey", "/register/passkey"),
    ("POST", "/register/remove", "/register/remove"),
    ("POST", "/register/skip", "/register/skip"),
    ("POST", "/register/reconfirm", "/register/reconfirm"),
    ("POST", "/register/sign-out", "/register/sign-out"),
    // Admin portal.
    ("GET", "/admin", "/admin"),
    ("GET", "/admin/", "/admin/"),
    ("GET", "/admin/sign-in", "/admin/sign-in"),
    ("POST", "/admin/sign-in", "/admin/sign-in"),
    ("GET", "/admin/reauth", "/admin/reauth"),
    ("POST", "/admin/reauth", "/admin/reauth"),
    ("POST", "/admin/sign-out", "/admin/sign-out"),
    ("GET", "/admin/audit", "/admin/audit"),
    ("GET", "/admin/audit/export.csv", "/admin/audit/export.csv"),
    ("GET", "/admin/audit/export.json", "/admin/audit/export.json"),
    ("GET", "/admin/insights", "/admin/insights"),
    ("POST", "/admin/insights/recount", "/admin/insights/recount"),
    ("GET", "/admin/insights/{chart}.csv", "/admin/insights/coverage.csv"),
    ("GET", "/admin/tokens", "/admin/tokens"),
    ("POST", "/admin/tokens", "/admin/tokens"),
    ("POST", "/admin/tokens/{id}/revoke", "/admin/tokens/1/revoke"),
    ("GET", "/admin/policy", "/admin/policy"),
    ("POST", "/admin/policy", "/admin/policy"),
    ("GET", "/admin/policy/questions", "/admin/policy/questions"),
    ("POST", "/admin/policy/questions", "/admin/policy/questions"),
    ("GET", "/admin/policy/notifications", "/admin/policy/notifications"),
    ("POST", "/admin/policy/notifications", "/admin/policy/notifications"),
    ("GET", "/admin/policy/password", "/admin/policy/password"),
    ("POST", "/admin/policy/password", "/admin/policy/password"),
    ("GET", "/admin/policy/branding", "/admin/policy/branding"),
    ("POST", "/admin/policy/branding", "/admin/policy/branding"),
    ("GET", "/admin/policy/branding/preview.css", "/admin/policy/branding/preview.css"),
    ("GET", "/admin/users", "/admin/users"),
    ("GET", "/admin/users/{directory}/{login}", "/admin/users/local/ada"),
    ("POST", "/admin/users/{directory}/{login}/{action}", "/admin/users/local/ada/unblock"),
    ("GET", "/admin/directories", "/admin/directories"),
    ("POST", "/admin/directories/check", "/admin/directories/check"),
    ("GET", "/admin/outbox", "/admin/outbox"),
    ("POST", "/admin/outbox/retry-dead", "/admin/outbox/retry-dead"),
    ("POST", "/admin/outbox/{id}/retry", "/admin/outbox/1/retry"),
    ("GET", "/admin/troubleshooting", "/admin/troubleshooting"),
    // JSON API.
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json"),
    ("GET", "/api/v1/captcha", "/api/v1/captcha"),
    ("POST", "/api/v1/reset/start", "/api/v1/reset/start"),
    ("POST", "/api/v1/reset/link", "/api/v1/reset/link"),
    ("GET", "/api/v1/reset/{flow}", "/api/v1/reset/0123456789abcdef0123456789abcdef"),
    ("POST", "/api/v1/reset/{flow}/send", "/api/v1/reset/0123456789abcdef0123456789abcdef/send"),
    ("POST", "/api/v1/reset/{flow}/verify", "/api/v1/reset/0123456789abcdef0123456789abcdef/verify"),
    ("POST", "/api/v1/reset/{flow}/password", "/api/v1/reset/0123456789abcdef0123456789abcdef/password"),
    ("POST", "/api/v1/reset/{flow}/unlock", "/api/v1/reset/0123456789abcdef0123456789abcdef/unlock"),
    ("POST", "/api/v1/register/session", "/api/v1/register/session"),
    ("GET", "/api/v1/register/{session}", "/api/v1/register/0123456789abcdef0123456789abcdef"),
    ("DELETE", "/api/v1/register/{session}", "/api/v1/register/0123456789abcdef0123456789abcdef"),
    ("POST", "/api/v1/register/{session}/contact", "/api/v1/register/0123456789abcdef0123456789abcdef/contact"),
    ("DELETE", "/api/v1/register/{session}/contact", "/api/v1/register/0123456789abcdef0123456789abcdef/contact"),
    (
        "POST",
        "/api/v1/register/{session}/contact/verify",
        "/api/v1/register/0123456789abcdef0123456789abcdef/contact/verify",
    ),
    ("PUT", "/api/v1/register/{session}/questions", "/api/v1/register/0123456789abcdef0123456789abcdef/questions"),
    (
        "POST",
        "/api/v1/register/{session}/authenticator",
        "/api/v1/register/0123456789abcdef0123456789abcdef/authenticator",
    ),
    (
        "POST",
        "/api/v1/register/{session}/authenticator/verify",
        "/api/v1/register/0123456789abcdef0123456789abcdef/authenticator/verify",
    ),
    ("POST", "/api/v1/register/{session}/passkey", "/api/v1/register/0123456789abcdef0123456789abcdef/passkey"),
    (
        "POST",
        "/api/v1/register/{session}/passkey/verify",
        "/api/v1/register/0123456789abcdef0123456789abcdef/passkey/verify",
    ),
    (
        "DELETE",
        "/api/v1/register/{session}/methods/{kind}",
        "/api/v1/register/0123456789abcdef0123456789abcdef/methods/questions",
    ),
    ("POST", "/api/v1/register/{session}/skip", "/api/v1/register/0123456789abcdef0123456789abcdef/skip"),
    ("POST", "/api/v1/register/{session}/reconfirm", "/api/v1/register/0123456789abcdef0123456789abcdef/reconfirm"),
    ("POST", "/api/v1/change", "/api/v1/change"),
    ("POST", "/api/v1/password/check", "/api/v1/password/check"),
    ("GET", "/api/v1/admin/audit", "/api/v1/admin/audit"),
    ("GET", "/api/v1/admin/audit/export", "/api/v1/admin/audit/export"),
    ("GET", "/api/v1/admin/policy", "/api/v1/admin/policy"),
    ("PUT", "/api/v1/admin/policy", "/api/v1/admin/policy"),
    ("GET", "/api/v1/admin/users/{login}/methods", "/api/v1/admin/users/ada/methods"),
    ("PUT", "/api/v1/admin/users/{login}/methods", "/api/v1/admin/users/ada/methods"),
    ("DELETE", "/api/v1/admin/users/{login}/methods", "/api/v1/admin/users/ada/methods"),
    ("POST", "/api/v1/admin/users/{login}/reset-link", "/api/v1/admin/users/ada/reset-link"),
];

/// The prefix a route's file puts before it: the scope it is configured in.
fn scope_of(file: &Path) -> &'static str {
    let p = file.to_string_lossy().replace('\\', "/");
    if p.contains("src/http/admin/") {
        "/admin"
    } else if p.contains("src/http/api/") {
        "/api/v1"
    } else {
        ""
    }
}

/// The text after `start` up to the next `"`.
fn quoted(text: &str) -> Option<&str> {
    text.find('"').map(|end| &text[..end])
}

/// The method a `web::get()`-like call at the start of `text` names.
fn method_at(text: &str) -> Option<&'static str> {
    let text = text.trim_start();
    [("web::get()", "GET"), ("web::post()", "POST"), ("web::put()", "PUT"), ("web::delete()", "DELETE")]
        .into_iter()
        .find(|(call, _)| text.starts_with(call))
        .map(|(_, m)| m)
}

/// Every (method, pattern) the router declares, read from src/http.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for file in crate::layering::rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http")) {
        let src = std::fs::read_to_string(&file).unwrap();
        let prefix = scope_of(&file);
        // `.route("/path", web::get()…)`
        for (at, _) in src.match_indices(".route(\"") {
            let rest = &src[at + 8..];
            let path = quoted(rest).unwrap();
            let after = rest[path.len() + 1..].trim_start().trim_start_matches(',');
            if let Some(method) = method_at(after) {
                found.insert((method.to_owned(), format!("{prefix}{path}")));
            }
        }
        // `web::resource("/path")….route(web::get()…)` (or a local
        // `resource("/path")` helper that wraps it)
        for (at, _) in src.match_indices("resource(\"") {
            let rest = &src[at + 10..];
            let path = quoted(rest).unwrap();
            let end = [rest.find(".route(\""), rest[1..].find("resource(\"").map(|e| e + 1)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(rest.len());
            for (r, _) in rest[..end].match_indices(".route(") {
                if let Some(method) = method_at(&rest[r + 7..]) {
                    found.insert((method.to_owned(), format!("{prefix}{path}")));
                }
            }
        }
    }
    found
}

#[test]
fn the_route_table_lists_every_route_the_router_declares() {
    let declared = declared_routes();
    let listed: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    let admin_home = [("GET".to_owned(), "/admin".to_owned()), ("GET".to_owned(), "/admin/".to_owned())];
    let missing: Vec<_> = declared.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&declared).filter(|r| !admin_home.contains(r)).collect();
    assert!(missing.is_empty(), "routes missing from ROUTES in tests/it/routes.rs: {missing:?}");
    assert!(stale.is_empty(), "ROUTES lists routes the router no longer has: {stale:?}");
    assert!(declared.len() > 90, "the source scan found only {} routes", declared.len());
}

/// A request for a route as a browser or API client would send it, empty.
fn request(method: &str, uri: &str, jar: &Jar) -> actix_http::Request {
    let req = match method {
        "GET" => return get(uri, jar),
        "POST" if !uri.starts_with("/api/") => return form(uri, jar, &[]),
        "POST" => TestRequest::post(),
        "PUT" => TestRequest::put(),
        _ => TestRequest::delete(),
    };
    req.uri(uri).insert_header(("cookie", jar.header())).set_json(serde_json::json!({})).to_request()
}

/// The §10 headers and cookie attributes, for one answer.
fn check_answer<B>(what: &str, resp: &ServiceResponse<B>) {
    let status = resp.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    let h = resp.headers();
    let header = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let csp = header("content-security-policy");
    if what.ends_with(" /brand/logo") {
        // The uploaded logo may be an SVG: it gets nothing, in a sandbox.
        assert!(csp.starts_with("default-src 'none'") && csp.ends_with("; sandbox"), "{what}: CSP {csp:?}");
    } else {
        assert!(csp.starts_with("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp:?}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    }
    assert_eq!(header("strict-transport-security"), "max-age=31536000", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header("x-request-id").len(), 16, "{what}");
    let cache = header("cache-control");
    // Style sheets and the logo may be kept (the admin preview only by the
    // browser of the admin who asked); everything else never.
    let asset = what.contains(" /static/") || what.contains(" /brand") || what.ends_with(".css");
    if asset && status.is_success() {
        let private_only = what.contains("/admin/");
        let ok = cache.starts_with("private") || (!private_only && cache.starts_with("public"));
        assert!(ok, "{what}: {cache}");
    } else {
        assert_eq!(cache, "no-store", "{what}: pages and answers are never cached");
    }
    for cookie in h.get_all("set-cookie") {
        let c = cookie.to_str().unwrap();
        assert!(c.starts_with("__Host-"), "{what}: {c}");
        for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(attr), "{what}: {c} lacks {attr}");
        }
        assert!(!c.contains("Domain="), "{what}: {c}");
    }
}

async fn call_every_route<S, B>(svc: &S, jar: &Jar, who: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (method, _, uri) in ROUTES {
        let resp = test::call_service(svc, request(method, uri, jar)).await;
        check_answer(&format!("{who}: {method} {uri}"), &resp);
    }
}

#[actix_web::test]
async fn every_route_answers_with_the_security_headers_and_no_server_error() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    call_every_route(&svc, &Jar::default(), "anonymous").await;
    // With a CSRF cookie but an empty form (the token missing).
    let mut jar = Jar::default();
    jar.take(&test::call_service(&svc, get("/reset", &jar)).await);
    call_every_route(&svc, &jar, "with a CSRF cookie").await;
    // Signed in as an administrator: every admin page is shown for real.
    let admin = sign_in_admin(&svc, "ada").await;
    let pages: Vec<_> = ROUTES.iter().filter(|(m, p, _)| *m == "GET" && p.starts_with("/admin")).collect();
    for (method, _, uri) in pages {
        let resp = test::call_service(&svc, get(uri, &admin)).await;
        let what = format!("administrator: {method} {uri}");
        assert!(resp.status().is_success() || resp.status() == StatusCode::NOT_FOUND, "{what}: {}", resp.status());
        check_answer(&what, &resp);
    }
}

/// Every row of every table, to prove a refused request changed nothing.
fn stored_state(t: &TestApp) -> Vec<String> {
    let conn = t.app.store.pool().get().unwrap();
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables.sort();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut found = stmt.query([]).unwrap();
        while let Some(row) = found.next().unwrap() {
            let values: Vec<String> =
                (0..columns).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect::<Vec<_>>();
            rows.push(format!("{table}: {}", values.join(", ")));
        }
    }
    rows
}

/// A portal POST as the page would send it: a form, or JSON for the
/// strength meter's question.
fn portal_post(uri: &str, jar: &Jar, origin: Option<&str>, fields: &[(&str, &str)]) -> actix_http::Request {
    let origin = origin.unwrap_or(crate::reset_portal::ORIGIN).to_owned();
    let req = TestRequest::post().uri(uri).insert_header(("origin", origin)).insert_header(("cookie", jar.header()));
    if uri.ends_with("/password/check") {
        let body: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect();
        return req.set_json(body).to_request();
    }
    req.set_form(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>()).to_request()
}

/// A refusal: the form's CSRF answer (403), a form the handler could not
/// read (400), or, for the JSON strength check, its invalid-input answer.
fn refused(uri: &str, status: StatusCode) -> bool {
    status == StatusCode::BAD_REQUEST
        || status == StatusCode::FORBIDDEN
        || (uri.ends_with("/password/check") && status == StatusCode::UNPROCESSABLE_ENTITY)
}

#[actix_web::test]
async fn every_portal_form_refuses_a_missing_or_forged_csrf_token_and_changes_nothing() {
    let t = TestApp::new();
    let alice = t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    jar.take(&test::call_service(&svc, get("/reset", &jar)).await);
    // Fields a real submission of each form would carry, so only the token
    // is wrong.
    let fields: &[(&str, &str)] = &[
        ("user", "alice"),
        ("password", "Old-Passw0rd-1234"),
        ("current", "Old-Passw0rd-1234"),
        ("new", "Brand-New-Passw0rd-77"),
        ("confirm", "Brand-New-Passw0rd-77"),
        ("next", "/admin"),
        ("method", "email"),
        ("code", "123456"),
        ("contact", "alice@example.org"),
    ];
    let posts: Vec<_> = ROUTES.iter().filter(|(m, p, _)| *m == "POST" && !p.starts_with("/api/")).collect();
    assert!(posts.len() > 30);
    let before = stored_state(&t);
    let audit_before = t.audit_activities().await.len();
    for (_, _, uri) in &posts {
        for token in [None, Some("f".repeat(64)), Some(String::new())] {
            let mut body = fields.to_vec();
            if let Some(token) = &token {
                body.push(("csrf", token));
            }
            let resp = test::call_service(&svc, portal_post(uri, &jar, None, &body)).await;
            let status = resp.status();
            assert!(refused(uri, status), "POST {uri} with csrf {token:?}: {status}");
        }
        // The right token from a foreign origin is refused too.
        let csrf = jar.get("__Host-passdesk-csrf").unwrap();
        let body: Vec<(&str, &str)> = fields.iter().copied().chain([("csrf", csrf.as_str())]).collect();
        let status =
            test::call_service(&svc, portal_post(uri, &jar, Some("https://evil.example"), &body)).await.status();
        assert!(refused(uri, status), "POST {uri} cross-site: {status}");
    }
    // Refused admin changes leave an "Admin access refused" audit row by
    // design (admin_permissions.rs); nothing else may change.
    let after = stored_state(&t);
    let without_audit = |rows: &[String]| rows.iter().filter(|r| !r.starts_with("audit")).cloned().collect::<Vec<_>>();
    assert_eq!(without_audit(&before), without_audit(&after), "a refused form changed the store");
    let audit = t.audit_activities().await;
    assert!(audit[audit_before..].iter().all(|a| a.0 == "Admin access refused"), "{:?}", &audit[audit_before..]);
    assert!(t.can_sign_in(&alice, "Old-Passw0rd-1234").await, "alice's password is untouched");
}
