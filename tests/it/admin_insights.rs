//! The insights dashboard: coverage, resets per day, proofs by method and
//! failure reasons counted from real flows, drawn as SVG with the numbers
//! beside, each chart as CSV, and bad periods or charts explained.

use crate::admin_support::{add_admin, csrf, form, get, location, sign_in_admin};
use crate::support::{TestApp, proven_flow, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::json;

#[actix_web::test]
async fn the_dashboard_counts_real_flows_and_offers_each_chart_as_csv() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    for n in 0..3 {
        t.user(&format!("user{n}"), Some(&format!("user{n}@example.org")), "Old-Pass-2026-x").await;
    }
    let svc = t.service().await;
    // One complete reset, and one wrong code.
    let flow = proven_flow(&t, &svc, "user0", "user0@example.org").await;
    let set = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(json!({"new_password": "Brand-New-Pass-2026!"}))
        .to_request();
    assert_eq!(test::call_service(&svc, set).await.status(), StatusCode::OK);
    let started = crate::support::json(
        test::call_service(
            &svc,
            TestRequest::post().uri("/api/v1/reset/start").set_json(json!({"user": "user1"})).to_request(),
        )
        .await,
    )
    .await;
    let other = started["flow"].as_str().unwrap().to_owned();
    let send = TestRequest::post().uri(&format!("/api/v1/reset/{other}/send")).set_json(json!({"method": "email"}));
    test::call_service(&svc, send.to_request()).await;
    let wrong = TestRequest::post()
        .uri(&format!("/api/v1/reset/{other}/verify"))
        .set_json(json!({"method": "email", "code": "00000000"}));
    test::call_service(&svc, wrong.to_request()).await;

    let jar = sign_in_admin(&svc, "ada").await;
    let resp = test::call_service(&svc, get("/admin/insights?period=7d", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    for heading in [
        "Users in scope, registered and capable",
        "Resets, unlocks and changes per day",
        "Failure reasons",
        "Blocked users",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(
        page.contains("role=\"img\"") && page.contains("<desc id=\"activity-d\">In all: 1 resets, 0 failed resets")
    );
    assert!(page.contains("4 people in scope"), "three users and the admin, all enabled");

    let csv = |chart: &str, period: &str| get(&format!("/admin/insights/{chart}.csv?period={period}"), &jar);
    let methods = text(test::call_service(&svc, csv("methods", "24h")).await).await;
    assert!(methods.starts_with("Method,Passed,Failed\n"), "{methods}");
    assert!(methods.contains("email,1,1"), "one passed and one failed e-mail proof: {methods}");
    let failures = text(test::call_service(&svc, csv("failures", "30d")).await).await;
    assert!(failures.contains("wrong"), "{failures}");
    let activity = text(test::call_service(&svc, csv("activity", "24h")).await).await;
    assert_eq!(activity.lines().count(), 25, "a header and 24 hours");

    let bad = test::call_service(&svc, get("/admin/insights?period=1y", &jar)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(text(bad).await.contains("use 24h, 7d or 30d"));
    let unknown = test::call_service(&svc, csv("everything", "7d")).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(text(unknown).await.contains("the charts are coverage"));

    t.user("user9", Some("user9@example.org"), "Old-Pass-2026-x").await;
    let resp =
        test::call_service(&svc, form("/admin/insights/recount", &jar, &[("csrf", &csrf(&jar)), ("period", "30d")]))
            .await;
    assert_eq!(location(&resp), "/admin/insights?period=30d");
    let page = text(test::call_service(&svc, get("/admin/insights?period=30d", &jar)).await).await;
    assert!(page.contains("5 people in scope"), "counted again");
}
