//! The audit log page: filters, paging, bad filters explained with a 400,
//! and the CSV and JSON-lines exports streamed with the same filters.

use crate::admin_support::{add_admin, get, sign_in_admin};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test;
use passdesk::flow::Client;

#[actix_web::test]
async fn the_audit_page_filters_pages_and_exports() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    for n in 0..60 {
        t.app.flows.issue_admin_token(&format!("token-{n:02}"), &Client::default()).await.unwrap();
    }
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;

    let resp = test::call_service(&svc, get("/admin/audit", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    assert!(page.contains("61 rows match"), "60 tokens and a sign-in");
    assert!(page.contains("Admin portal sign-in"));
    assert!(page.contains("token-59") && !page.contains("token-05<"), "newest first, 50 a page");
    let at = page.find("href=\"/admin/audit?before=").expect("a link to older rows") + "href=\"".len();
    let older = page[at..].split('"').next().unwrap().replace("&amp;", "&");
    let page2 = text(test::call_service(&svc, get(&older, &jar)).await).await;
    assert!(page2.contains("token-05") && !page2.contains("token-59"), "the next page");

    // The older-rows and export links keep every filter, method included.
    let by_method = text(test::call_service(&svc, get("/admin/audit?method=email&result=failure", &jar)).await).await;
    assert!(by_method.contains("export.csv?result=failure&#38;method=email"), "{by_method}");
    let only = "/admin/audit?activity=Admin+portal+sign-in&result=success&user=ada";
    let page = text(test::call_service(&svc, get(only, &jar)).await).await;
    assert!(page.contains("1 row match"), "{page}");

    for (query, field, says) in [
        ("since=yesterday", "since-error", "is not a date"),
        ("since=2026-11-20&until=2026-11-01", "until-error", "must come after"),
        ("activity=Deleted+everything", "activity-error", "not an activity type"),
        ("result=maybe", "result-error", "not a result"),
    ] {
        let resp = test::call_service(&svc, get(&format!("/admin/audit?{query}"), &jar)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{query}");
        let page = text(resp).await;
        assert!(page.contains(field) && page.contains(says), "{query}: {page}");
    }

    let resp = test::call_service(&svc, get("/admin/audit/export.csv?activity=Admin+API+token+issued", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("content-type").unwrap(), "text/csv; charset=utf-8");
    let csv = text(resp).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 61, "a header and 60 rows, oldest first");
    assert!(lines[0].starts_with("id,time,actor,target,activity,result,event_id"));
    assert!(lines[1].contains("token-00") && lines[60].contains("token-59"));

    let resp = test::call_service(&svc, get("/admin/audit/export.json?user=ada", &jar)).await;
    let json = text(resp).await;
    let rows: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["activity"], "Admin portal sign-in");
    let bad = test::call_service(&svc, get("/admin/audit/export.csv?since=soon", &jar)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let exports: Vec<_> =
        t.audit_activities().await.into_iter().filter(|a| a.0 == "Audit log exported (by admin)").collect();
    assert_eq!(exports.len(), 2, "each export is audited, the refused one is not: {exports:?}");
    assert!(exports[1].3.contains("JSON lines: user=ada"), "{exports:?}");
}

#[actix_web::test]
async fn the_admin_api_pages_and_exports_the_audit_trail() {
    let t = TestApp::new();
    let token = t.app.flows.issue_admin_token("siem", &Client::default()).await.unwrap().as_str().to_owned();
    for n in 0..55 {
        t.app.flows.issue_admin_token(&format!("t{n}"), &Client::default()).await.unwrap();
    }
    let svc = t.service().await;
    let call = |uri: String| {
        actix_web::test::TestRequest::get()
            .uri(&uri)
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request()
    };
    let page = crate::support::json(test::call_service(&svc, call("/api/v1/admin/audit".into())).await).await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 50);
    assert_eq!(page["matching"], 56);
    assert_eq!(page["rows"][0]["target"], "t54", "newest first");
    let older = page["older"].as_str().unwrap().to_owned();
    let next =
        crate::support::json(test::call_service(&svc, call(format!("/api/v1/admin/audit?before={older}"))).await).await;
    assert_eq!(next["rows"].as_array().unwrap().len(), 6);
    assert!(next["older"].is_null());

    for (uri, says) in [
        ("/api/v1/admin/audit?before=abc", "not a page of this log"),
        ("/api/v1/admin/audit?method=pigeon", "not a method"),
        ("/api/v1/admin/audit?result=meh", "not a result"),
        ("/api/v1/admin/audit/export?format=xml", "use csv or json"),
    ] {
        let resp = test::call_service(&svc, call(uri.into())).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{uri}");
        let body = crate::support::json(resp).await;
        assert!(body["error"]["message"].as_str().unwrap().contains(says), "{uri}: {body}");
    }
    let csv = text(test::call_service(&svc, call("/api/v1/admin/audit/export?user=siem".into())).await).await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let anonymous = actix_web::test::TestRequest::get().uri("/api/v1/admin/audit").to_request();
    assert_eq!(test::call_service(&svc, anonymous).await.status(), StatusCode::UNAUTHORIZED);
}
