//! `GET /metrics`: only with an admin token; counts requests by route
//! pattern (never a raw path with a token in it), audited outcomes,
//! writeback latency per directory, and reads the outbox and blocks.

use crate::support::{TestApp, proven_flow, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::flow::Client;
use serde_json::json;

#[actix_web::test]
async fn metrics_need_a_token_and_count_what_happened() {
    let t = TestApp::new();
    t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;

    let resp = test::call_service(&svc, TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    let flow = proven_flow(&t, &svc, "alice", "alice@example.org").await;
    let set = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(json!({"new_password": "Maple harbour lantern 73"}))
        .to_request();
    assert_eq!(test::call_service(&svc, set).await.status(), StatusCode::OK);

    let token = t.app.flows.issue_admin_token("prometheus", &Client::default()).await.unwrap();
    let get = TestRequest::get()
        .uri("/metrics")
        .insert_header(("authorization", format!("Bearer {}", token.as_str())))
        .to_request();
    let resp = test::call_service(&svc, get).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let body = text(resp).await;
    assert!(
        body.contains("passdesk_http_requests_total{route=\"/api/v1/reset/{flow}/send\",status=\"200\"} 1"),
        "{body}"
    );
    assert!(body.contains("route=\"/metrics\",status=\"401\"} 1"), "{body}");
    assert!(!body.contains(&flow), "a flow token never appears");
    assert!(
        body.contains(
            "passdesk_audit_events_total{activity=\"Reset password (self-service)\",result=\"success\",method=\"\"}"
        ),
        "{body}"
    );
    // Flow outcomes by method: the send and verify steps name theirs.
    assert!(
        body.contains(
            "activity=\"Self-service password reset flow activity progress\",result=\"success\",method=\"email\"}"
        ),
        "{body}"
    );
    assert!(body.contains("passdesk_writeback_duration_seconds_count{directory=\"local\"} 1"), "{body}");
    assert!(body.contains("passdesk_outbox_messages{state=\"pending\"}"), "{body}");
    assert!(body.contains("passdesk_blocked_accounts 0"), "{body}");
    assert!(body.contains("passdesk_delivery_failing{channel=\"email\"} 0"), "{body}");
    // SQLite's heap: a real, positive figure, the high-water mark at least as much.
    let sqlite = |kind: &str| -> f64 {
        let prefix = format!("passdesk_sqlite_memory_bytes{{kind=\"{kind}\"}} ");
        body.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).unwrap_or(-1.0)
    };
    assert!(sqlite("used") > 0.0 && sqlite("highwater") >= sqlite("used"), "{body}");
    // Every sample line is `name{labels} value` with a number.
    for line in body.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
}
