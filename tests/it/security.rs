//! DESIGN.md §10 for the web faces: CSRF and Origin, cookie attributes,
//! security headers, request ids, body limits, health endpoints.

use crate::reset_portal::{Jar, ORIGIN, form, get};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

async fn csrf_jar(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
) -> (Jar, String) {
    let mut jar = Jar::default();
    let resp = test::call_service(svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    (jar, csrf)
}

#[actix_web::test]
async fn forms_without_a_valid_csrf_token_or_origin_are_refused() {
    let t = TestApp::new();
    t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let (jar, csrf) = csrf_jar(&svc).await;

    // Missing token field.
    let resp = test::call_service(&svc, form("/reset", &jar, &[("user", "alice")])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // Forged token.
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &"f".repeat(64)), ("user", "alice")])).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(text(resp).await.contains("Reload the page"));
    // Right token, no cookie.
    let resp = test::call_service(&svc, form("/reset", &Jar::default(), &[("csrf", &csrf), ("user", "alice")])).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Right token, foreign origin.
    let req = TestRequest::post()
        .uri("/reset")
        .insert_header(("origin", "https://evil.example"))
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "alice")])
        .to_request();
    let resp = test::call_service(&svc, req).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(text(resp).await.contains("did not come from this site"));
    // No Origin, but a same-site Referer is accepted; neither is refused.
    let with_referer = TestRequest::post()
        .uri("/reset")
        .insert_header(("referer", format!("{ORIGIN}/reset")))
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "alice")])
        .to_request();
    assert_eq!(test::call_service(&svc, with_referer).await.status(), StatusCode::SEE_OTHER);
    let bare = TestRequest::post()
        .uri("/reset")
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "alice")])
        .to_request();
    assert_eq!(test::call_service(&svc, bare).await.status(), StatusCode::FORBIDDEN);
    // `Origin: null` (what browsers send under Referrer-Policy: no-referrer)
    // is decided by Fetch Metadata: same-origin passes, cross-site does not.
    let with_null = |site: &str| {
        TestRequest::post()
            .uri("/reset")
            .insert_header(("origin", "null"))
            .insert_header(("sec-fetch-site", site.to_owned()))
            .insert_header(("cookie", jar.header()))
            .set_form([("csrf", csrf.as_str()), ("user", "alice")])
            .to_request()
    };
    assert_eq!(test::call_service(&svc, with_null("cross-site")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(test::call_service(&svc, with_null("same-site")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(test::call_service(&svc, with_null("same-origin")).await.status(), StatusCode::SEE_OTHER);
    // A foreign Origin is refused even with a same-origin claim beside it.
    let mixed = TestRequest::post()
        .uri("/reset")
        .insert_header(("origin", "https://evil.example"))
        .insert_header(("sec-fetch-site", "same-origin"))
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "alice")])
        .to_request();
    assert_eq!(test::call_service(&svc, mixed).await.status(), StatusCode::FORBIDDEN);
    // Only the two accepted requests created flows.
    let flows = t.audit_activities().await.len();
    assert_eq!(flows, 2);
}

#[actix_web::test]
async fn configured_public_url_is_the_only_accepted_origin() {
    let t = TestApp::with_config("[server]\npublic_url = \"https://passdesk.example.org\"\n");
    let svc = t.service().await;
    let (jar, csrf) = csrf_jar(&svc).await;
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "x")])).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "Host-derived origin is not enough when public_url is set");
    let req = TestRequest::post()
        .uri("/reset")
        .insert_header(("origin", "https://passdesk.example.org"))
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "x")])
        .to_request();
    assert_eq!(test::call_service(&svc, req).await.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn cookies_are_host_prefixed_secure_httponly_strict() {
    let t = TestApp::new();
    t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/reset", &Jar::default())).await;
    let cookies: Vec<String> = resp.headers().get_all("set-cookie").map(|v| v.to_str().unwrap().to_owned()).collect();
    let (jar, csrf) = csrf_jar(&svc).await;
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "alice")])).await;
    let all: Vec<String> = cookies
        .into_iter()
        .chain(resp.headers().get_all("set-cookie").map(|v| v.to_str().unwrap().to_owned()))
        .collect();
    assert_eq!(all.len(), 2, "{all:?}");
    for c in all {
        assert!(c.starts_with("__Host-"), "{c}");
        for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(attr), "{c} lacks {attr}");
        }
        assert!(!c.contains("Domain="), "{c}");
    }
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::new();
    let svc = t.service().await;
    for uri in ["/", "/reset", "/api/v1/openapi.json", "/nope", "/static/passdesk.css"] {
        let resp = test::call_service(&svc, get(uri, &Jar::default())).await;
        let h = resp.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h.get("strict-transport-security").unwrap(), "max-age=31536000", "{uri}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
        assert_eq!(h.get("x-request-id").unwrap().len(), 16);
        let cache = h.get("cache-control").unwrap().to_str().unwrap();
        if uri.starts_with("/static") {
            assert!(cache.starts_with("public"), "{cache}");
        } else {
            assert_eq!(cache, "no-store", "{uri}");
        }
    }
}

#[actix_web::test]
async fn templates_have_no_inline_script_or_style() {
    let t = TestApp::new();
    let svc = t.service().await;
    for uri in ["/", "/reset", "/nope"] {
        let page = text(test::call_service(&svc, get(uri, &Jar::default())).await).await;
        assert!(!page.contains("<script>") && !page.contains(" style=") && !page.contains("<style"), "{uri}");
    }
}

#[actix_web::test]
async fn error_pages_carry_the_request_id_of_the_log() {
    let t = TestApp::with_config("[organisation]\nhelpdesk = \"mailto:help@example.org\"\n");
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/no/such/page", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let id = resp.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    let page = text(resp).await;
    assert!(page.contains(&id), "{page}");
    assert!(page.contains("mailto:help@example.org"), "the helpdesk link is on every error page");
}

#[actix_web::test]
async fn oversize_form_is_413_and_changes_nothing() {
    let t = TestApp::new();
    let svc = t.service().await;
    let (jar, csrf) = csrf_jar(&svc).await;
    let huge = "x".repeat(65 * 1024);
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", &huge)])).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(t.audit_activities().await.is_empty());
}

#[actix_web::test]
async fn health_and_readiness() {
    let t = TestApp::new();
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/healthz", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = test::call_service(&svc, get("/readyz", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(text(resp).await, "ready\n");
}

#[actix_web::test]
async fn static_assets_revalidate_by_etag() {
    let t = TestApp::new();
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/static/passdesk.css", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/css"));
    let etag = resp.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    let req = TestRequest::get().uri("/static/passdesk.css").insert_header(("if-none-match", etag)).to_request();
    assert_eq!(test::call_service(&svc, req).await.status(), StatusCode::NOT_MODIFIED);
    let resp = test::call_service(&svc, get("/static/missing.css", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn each_address_gets_a_limited_number_of_requests() {
    let t = TestApp::with_config("[server]\nrequests_per_minute = 3\n");
    let svc = t.service().await;
    let start = |peer: &str| {
        TestRequest::post()
            .uri("/api/v1/reset/start")
            .peer_addr(peer.parse().unwrap())
            .set_json(serde_json::json!({"user": "someone"}))
            .to_request()
    };
    for _ in 0..3 {
        assert_eq!(test::call_service(&svc, start("127.0.0.2:5000")).await.status(), StatusCode::OK);
    }
    let resp = test::call_service(&svc, start("127.0.0.2:5001")).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers().get("retry-after").unwrap(), "60");
    assert!(resp.headers().get("x-request-id").is_some() && resp.headers().get("content-security-policy").is_some());
    let body: serde_json::Value = serde_json::from_str(&text(resp).await).unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another address is unaffected, and reading pages is never limited.
    assert_eq!(test::call_service(&svc, start("127.0.0.3:5000")).await.status(), StatusCode::OK);
    let page = TestRequest::get().uri("/reset").peer_addr("127.0.0.2:5002".parse().unwrap()).to_request();
    assert_eq!(test::call_service(&svc, page).await.status(), StatusCode::OK);
    // A limited form post gets a page, not JSON.
    let (jar, csrf) = csrf_jar(&svc).await;
    let post = TestRequest::post()
        .uri("/reset")
        .peer_addr("127.0.0.2:5003".parse().unwrap())
        .insert_header(("origin", ORIGIN))
        .insert_header(("cookie", jar.header()))
        .set_form([("csrf", csrf.as_str()), ("user", "someone")])
        .to_request();
    let resp = test::call_service(&svc, post).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(text(resp).await.contains("Too many requests from your address"));
}
