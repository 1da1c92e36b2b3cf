//! Clock jumps (issue 10, item 5): the host's clock leaps forward (a
//! suspended VM resumes) or back (NTP corrects a fast clock) in the middle
//! of things. A leap forward ends a flow with a clear "start again", a
//! leap back keeps it working, the audit chain stays whole either way, and
//! a queued message is never held back until the clock catches up.

use crate::support::{START, TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use async_trait::async_trait;
use passdesk::domain::{Channel, Message};
use passdesk::flow::delivery::Delivery;
use passdesk::notify::{self, ConsoleNotifier, Notifier};
use passdesk::store::{Effects, OutboxState};
use serde_json::{Value, json};
use std::sync::Arc;

const PASSWORD: &str = "Old-Passw0rd-1234";

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

/// Starts a reset for `user` (mail `user@example.org`) and sends the code:
/// the flow and the code.
async fn code_sent(
    t: &TestApp,
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    user: &str,
) -> (String, String) {
    let started = json(test::call_service(svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    (flow, t.code_for(&format!("{user}@example.org")).await)
}

#[actix_web::test]
async fn a_leap_forward_mid_flow_says_start_again_and_a_new_flow_works() {
    let t = TestApp::new();
    let id = t.user("lea", Some("lea@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let (flow, code) = code_sent(&t, &svc, "lea").await;
    t.clock.advance(6 * 3600);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert!(resp.status() == StatusCode::GONE || resp.status() == StatusCode::NOT_FOUND, "{}", resp.status());
    let body = json(resp).await;
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.to_lowercase().contains("start"), "tells the person to start again: {message}");
    // Nothing half-way: the password is the old one, the chain whole.
    assert!(t.can_sign_in(&id, PASSWORD).await);
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
    // A new flow, at the new time, goes all the way.
    let flow = crate::support::proven_flow(&t, &svc, "lea", "lea@example.org").await;
    let set = post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Forward-Jump-Passw0rd-1"}));
    assert_eq!(test::call_service(&svc, set).await.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, "Forward-Jump-Passw0rd-1").await);
}

#[actix_web::test]
async fn a_leap_back_mid_flow_keeps_the_flow_and_the_audit_chain_whole() {
    let t = TestApp::new();
    let id = t.user("ben", Some("ben@example.org"), PASSWORD).await;
    let svc = t.service().await;
    let (flow, code) = code_sent(&t, &svc, "ben").await;
    // An hour back: the audit rows from now on are older than the ones
    // before them.
    t.clock.set(START - 3600);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let set = post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Leap-Back-Passw0rd-2"}));
    assert_eq!(test::call_service(&svc, set).await.status(), StatusCode::OK);
    assert!(t.can_sign_in(&id, "Leap-Back-Passw0rd-2").await);
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None, "the chain does not depend on time order");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Reset password (self-service)" && a.1 == "success"), "{audit:?}");
}

/// A mail server that is down for the first attempt only.
struct DownOnce(std::sync::atomic::AtomicBool);

#[async_trait]
impl Notifier for DownOnce {
    fn name(&self) -> &'static str {
        "down-once"
    }
    async fn deliver(&self, _: &Message) -> Result<(), notify::Error> {
        if self.0.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Err(notify::Error::Temporary("connection refused".into()));
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_message_planned_before_the_clock_went_back_is_not_held_back() {
    let t = TestApp::new();
    let message = Message {
        channel: Channel::Email,
        recipient: "zoe@example.org".into(),
        subject: "Your code".into(),
        body: "b".into(),
        expires_at: None,
    };
    t.app.store.record(START, Effects::with(vec![], vec![message])).await.unwrap();
    let delivery = Delivery::new(
        t.app.store.clone(),
        Arc::new(DownOnce(std::sync::atomic::AtomicBool::new(true))),
        t.clock.clone(),
    );
    assert_eq!(delivery.deliver_due().await.unwrap(), 1);
    let row = &t.outbox().await[0];
    assert_eq!(row.state, OutboxState::Pending, "the first attempt failed and a retry is planned");
    // The clock goes two hours back: the retry, planned 30 s after the old
    // now, must not wait two hours.
    t.clock.set(START - 7200);
    assert_eq!(delivery.deliver_due().await.unwrap(), 1);
    assert_eq!(t.outbox().await[0].state, OutboxState::Sent);
    // And a message planned in the normal way is not sent early.
    let console = Delivery::new(t.app.store.clone(), Arc::new(ConsoleNotifier), t.clock.clone());
    assert_eq!(console.deliver_due().await.unwrap(), 0, "nothing else is due");
}
