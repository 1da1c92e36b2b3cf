//! Writeback intents: recorded before every write, closed after, and an
//! intent left open by a crash reconciled at start-up.

use crate::support::{START, TestApp};
use passdesk::directory::{Directory, ResetMode};
use passdesk::store::{Effects, WritebackKind, WritebackOutcome};
use secrecy::SecretString;

#[tokio::test]
async fn interrupted_writebacks_are_reconciled_from_the_directory() {
    let t = TestApp::new();
    let applied = t.user("rae", Some("rae@example.org"), "Old-Passw0rd-1234").await;
    let untouched = t.user("ron", Some("ron@example.org"), "Old-Passw0rd-1234").await;
    t.clock.advance(3600);
    let now = START + 3600;
    let store = &t.app.store;
    let begin = |id: &str, login: &str, dir: &str| {
        store.begin_writeback(WritebackKind::Reset, dir.into(), id.into(), login.into(), now, Effects::default())
    };
    // A crash after the directory write but before the outcome was stored...
    let a = begin(&applied.0, "rae", "local").await.unwrap();
    t.local
        .reset_password(&applied, &SecretString::from("New-Passw0rd-5678".to_owned()), ResetMode::SelfService)
        .await
        .unwrap();
    // ...a crash before the write...
    let b = begin(&untouched.0, "ron", "local").await.unwrap();
    // ...and an intent for a directory that is no longer configured.
    let c = begin("1", "gone", "retired").await.unwrap();

    let found = t.app.flows.reconcile_writebacks().await.unwrap();
    let outcome = |id| found.iter().find(|r| r.id == id).map(|r| r.outcome);
    assert_eq!(outcome(a), Some(WritebackOutcome::Applied));
    assert_eq!(outcome(b), Some(WritebackOutcome::NotApplied));
    assert_eq!(outcome(c), Some(WritebackOutcome::Unknown));
    assert_eq!(store.writeback_outcome(b).await.unwrap().as_deref(), Some("not_applied"));
    assert!(store.open_writebacks().await.unwrap().is_empty());
    let audit = t.audit_activities().await;
    assert_eq!(audit.iter().filter(|a| a.0 == "Password writeback reconciled").count(), 3);
    assert!(t.app.flows.reconcile_writebacks().await.unwrap().is_empty(), "nothing left on the next start");
}

#[actix_web::test]
async fn every_writeback_of_a_flow_is_closed() {
    use actix_web::test::{self, TestRequest};
    let t = TestApp::new();
    t.user("sam", Some("sam@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let body =
        serde_json::json!({"user": "sam", "old_password": "Old-Passw0rd-1234", "new_password": "Fresh river stones 8"});
    let resp = test::call_service(&svc, TestRequest::post().uri("/api/v1/change").set_json(body).to_request()).await;
    assert!(resp.status().is_success());
    let body =
        serde_json::json!({"user": "sam", "old_password": "wrong-one-here", "new_password": "Fresh river stones 9"});
    let resp = test::call_service(&svc, TestRequest::post().uri("/api/v1/change").set_json(body).to_request()).await;
    assert!(resp.status().is_client_error());
    assert!(t.app.store.open_writebacks().await.unwrap().is_empty());
    assert_eq!(t.app.store.writeback_outcome(1).await.unwrap().as_deref(), Some("written"));
    assert_eq!(t.app.store.writeback_outcome(2).await.unwrap().as_deref(), Some("failed"));
}

#[actix_web::test]
async fn a_reset_records_its_writeback_outcome_with_the_flows_end() {
    use actix_web::test::{self, TestRequest};
    let t = TestApp::new();
    t.user("rita", Some("rita@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = crate::support::proven_flow(&t, &svc, "rita", "rita@example.org").await;
    let body = serde_json::json!({"new_password": "Quiet harbour lanterns 7"});
    let uri = format!("/api/v1/reset/{flow}/password");
    let resp = test::call_service(&svc, TestRequest::post().uri(&uri).set_json(body).to_request()).await;
    assert!(resp.status().is_success());
    assert!(t.app.store.open_writebacks().await.unwrap().is_empty());
    assert_eq!(t.app.store.writeback_outcome(1).await.unwrap().as_deref(), Some("written"));
    let audit = t.audit_activities().await;
    assert_eq!(audit.iter().filter(|a| a.2 == Some(31002)).count(), 1, "{audit:?}");
    // The flow is done: the same step again is refused and writes nothing.
    let again = serde_json::json!({"new_password": "Quiet harbour lanterns 8"});
    let resp = test::call_service(&svc, TestRequest::post().uri(&uri).set_json(again).to_request()).await;
    assert!(resp.status().is_client_error());
    assert!(t.app.store.writeback_outcome(2).await.is_err(), "no second intent");
    assert_eq!(t.audit_activities().await.iter().filter(|a| a.2 == Some(31002)).count(), 1);
}
