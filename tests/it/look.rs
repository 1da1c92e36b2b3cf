//! The portal's look from settings: the organisation's colour as
//! `/brand.css`, its logo as `/brand/logo` (or passdesk's mark), and what
//! every page carries: the stylesheets, the logo and name, one main
//! landmark, the helpdesk and the language picker.

use crate::reset_portal::{Jar, get};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

const SVG: &str = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n";

#[actix_web::test]
async fn the_colour_is_served_as_a_stylesheet_with_an_etag() {
    let t = TestApp::with_config("[organisation]\ncolour = \"#0B5A3A\"\n");
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/brand.css", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert!(h.get("content-type").unwrap().to_str().unwrap().starts_with("text/css"));
    assert!(h.get("cache-control").unwrap().to_str().unwrap().starts_with("public"));
    let etag = h.get("etag").unwrap().to_str().unwrap().to_owned();
    let css = text(resp).await;
    assert!(css.contains("--brand: #0b5a3a;"), "{css}");
    assert!(css.contains("prefers-color-scheme: dark"), "a lighter link colour for dark mode:\n{css}");
    let req = TestRequest::get().uri("/brand.css").insert_header(("if-none-match", etag)).to_request();
    assert_eq!(test::call_service(&svc, req).await.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn the_configured_logo_is_served_as_read_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logo.svg");
    std::fs::write(&path, SVG).unwrap();
    let t = TestApp::with_config(&format!("[organisation]\nlogo_file = {:?}\n", path.display().to_string()));
    std::fs::remove_file(&path).unwrap();
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/brand/logo", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("content-type").unwrap(), "image/svg+xml");
    let csp = resp.headers().get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("sandbox") && csp.starts_with("default-src 'none'"), "an SVG never runs script: {csp}");
    let etag = resp.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    assert_eq!(text(resp).await, SVG, "read once at start, so the file may go");
    let req = TestRequest::get().uri("/brand/logo").insert_header(("if-none-match", etag)).to_request();
    assert_eq!(test::call_service(&svc, req).await.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn without_a_logo_the_mark_comes_in_the_colour() {
    let t = TestApp::with_config("[organisation]\ncolour = \"#7a1f1f\"\n");
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/brand/logo", &Jar::default())).await;
    assert_eq!(resp.headers().get("content-type").unwrap(), "image/svg+xml");
    assert!(text(resp).await.contains("fill=\"#7a1f1f\""));
}

#[actix_web::test]
async fn every_page_carries_brand_landmarks_helpdesk_and_languages() {
    let t = TestApp::with_config("[organisation]\nname = \"Contoso\"\nhelpdesk = \"https://help.contoso.example\"\n");
    let svc = t.service().await;
    for uri in ["/", "/reset", "/unlock", "/change", "/register", "/no/such/page", "/reset/verify"] {
        let page = text(test::call_service(&svc, get(uri, &Jar::default())).await).await;
        for part in [
            "<html lang=\"en\">",
            "href=\"/static/passdesk.css\"",
            "href=\"/brand.css?v=",
            "src=\"/brand/logo?v=",
            "<span>Contoso</span>",
            "<main id=\"main\"",
            "<footer",
            "href=\"https://help.contoso.example\"",
            &format!("href=\"{uri}?lang=nl\" lang=\"nl\" hreflang=\"nl\">Nederlands</a>"),
            &format!("href=\"{uri}?lang=en\" lang=\"en\" hreflang=\"en\" aria-current=\"true\">English</a>"),
        ] {
            assert!(page.contains(part), "{uri} lacks {part}:\n{page}");
        }
        assert_eq!(page.matches("<h1").count(), 1, "{uri}: one heading");
    }
}

#[actix_web::test]
async fn error_pages_say_what_to_do_without_a_helpdesk_too() {
    let t = TestApp::new();
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/no/such/page", &Jar::default())).await;
    let id = resp.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    let page = text(resp).await;
    assert!(page.contains(&format!("<code>{id}</code>")), "{page}");
    assert!(page.contains("href=\"/\"") && page.contains("Contact your IT helpdesk"), "{page}");
}
