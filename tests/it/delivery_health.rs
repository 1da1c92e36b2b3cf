//! A transport that really fails (the SMTP transport pointed at a closed
//! port on 127.0.0.1: connection refused) tells the person at once that a
//! code cannot be sent, changes nothing, answers unknown users the same way,
//! leaves the other channels alone, and recovers by itself once the mail
//! server answers again (the test bed's SMTP sink when it runs, else the
//! console transport). Messages queued across the outage are delivered
//! after it, except codes that expired meanwhile.

use crate::support::{START, TestApp, json, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::clock::Clock;
use passdesk::config::{SmtpConfig, SmtpSecurity};
use passdesk::domain::{Channel, Message};
use passdesk::flow::Client;
use passdesk::flow::delivery::Delivery;
use passdesk::flow::delivery_health::{ChannelHealth, PROBE_SECS};
use passdesk::notify::{ConsoleNotifier, Notifier, SmtpNotifier};
use passdesk::store::{Effects, OutboxState};
use serde_json::{Value, json};
use std::sync::Arc;

const SENTENCE: &str = "We couldn't send the code. Try another method, or try again in a few minutes.";

/// A port on 127.0.0.1 with nothing listening (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A passdesk whose mail server refuses connections.
fn broken_mail() -> TestApp {
    TestApp::with_config(&format!(
        "[notify]\ntransport = \"smtp\"\nfrom = \"helpdesk@example.test\"\n[notify.smtp]\nhost = \"127.0.0.1\"\nport = {}\n",
        closed_port()
    ))
}

/// One pass of the configured (failing) transport.
async fn deliver(t: &TestApp) {
    t.app.delivery().unwrap().deliver_due().await.unwrap();
}

/// The test bed's SMTP sink (host, port, CA), or None when it is not
/// running: a skip, or a failure under `PASSDESK_REQUIRE_SERVERS=1`.
fn sink(case: &str) -> Option<(String, u16, String)> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_SMTP_{k}")).ok();
    let found = (|| Some((var("HOST")?, var("PORT")?.parse().ok()?, var("CA")?)))();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "delivery_health {case}: PASSDESK_TEST_SMTP_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!(
            "skipped: delivery_health {case} with the SMTP sink (no PASSDESK_TEST_SMTP_HOST; tests/run.sh starts the test bed)"
        );
    }
    found
}

/// A working transport sharing the app's health: the test bed's SMTP sink
/// (real STARTTLS) when it runs, else the console.
fn working_transport() -> Arc<dyn Notifier> {
    match sink("recovery") {
        Some((host, port, ca)) => {
            let config = SmtpConfig {
                host,
                port,
                security: SmtpSecurity::StartTls,
                auth: None,
                reply_to: None,
                timeout: std::time::Duration::from_secs(10),
                ca_file: Some(ca.into()),
                hello_name: None,
            };
            Arc::new(SmtpNotifier::new(&config, "helpdesk@example.test").unwrap())
        }
        None => Arc::new(ConsoleNotifier),
    }
}

async fn deliver_working(t: &TestApp) {
    Delivery::new(t.app.store.clone(), working_transport(), t.clock.clone())
        .with_health(t.app.flows.delivery_health())
        .deliver_due()
        .await
        .unwrap();
}

fn email_health(t: &TestApp) -> ChannelHealth {
    t.app.flows.delivery_health().snapshot().into_iter().find(|(c, _)| *c == Channel::Email).unwrap().1
}

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

async fn call<S, B>(svc: &S, req: actix_http::Request) -> (StatusCode, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let resp = test::call_service(svc, req).await;
    (resp.status(), json(resp).await)
}

/// The error without its request id, to compare two answers.
fn shape(body: &Value) -> Value {
    let mut body = body.clone();
    body["error"].as_object_mut().unwrap().remove("request_id");
    body
}

#[actix_web::test]
async fn a_failing_mail_server_refuses_email_codes_for_real_and_unknown_users_alike() {
    let t = broken_mail();
    t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    t.user("bob", Some("bob@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let start = |user: &str| post("/api/v1/reset/start", json!({"user": user}));
    let send = |flow: &str| post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}));

    // Nothing known yet: the first code is accepted and queued.
    let alice = call(&svc, start("alice")).await.1["flow"].as_str().unwrap().to_owned();
    assert_eq!(call(&svc, send(&alice)).await.0, StatusCode::OK);
    assert_eq!(email_health(&t), ChannelHealth::Unknown);
    deliver(&t).await;
    let row = &t.outbox().await[0];
    assert_eq!((row.state, row.attempts), (OutboxState::Pending, 1), "kept for a retry");
    let cause = row.last_error.clone().unwrap();
    assert!(matches!(email_health(&t), ChannelHealth::Failing { since: START, cause: c } if c == cause));

    // Now a real account and an unknown one get the same answer.
    let bob = call(&svc, start("bob")).await.1["flow"].as_str().unwrap().to_owned();
    let (status, real) = call(&svc, send(&bob)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(real["error"]["code"], "delivery_unavailable");
    assert_eq!(real["error"]["message"], SENTENCE);
    assert!(!real.to_string().contains(&cause), "the cause is for administrators only");
    let ghost = call(&svc, start("ghost")).await.1["flow"].as_str().unwrap().to_owned();
    let (status, decoy) = call(&svc, send(&ghost)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(shape(&decoy), shape(&real));

    // Nothing changed: no message, no code (verify says none was sent), no
    // resend wait (once it works, bob may ask at once).
    assert_eq!(t.outbox().await.len(), 1);
    let (status, body) =
        call(&svc, post(&format!("/api/v1/reset/{bob}/verify"), json!({"method": "email", "code": "12345678"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("no_code_sent")));
    // The administrator finds the exact cause in the audit trail.
    let audit = t.audit_activities().await;
    assert!(
        audit
            .iter()
            .any(|a| a.3.contains("e-mail delivery failing since 2027-01-15T08:00:00Z") && a.3.contains(&cause)),
        "{audit:?}"
    );

    // The mail server answers again: alice's queued code goes out on its
    // retry, and codes are accepted again at once.
    t.clock.advance(30);
    deliver_working(&t).await;
    assert_eq!(t.outbox().await[0].state, OutboxState::Sent);
    assert!(matches!(email_health(&t), ChannelHealth::Working { .. }));
    assert_eq!(call(&svc, send(&bob)).await.0, StatusCode::OK);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::OK);
    assert_eq!(t.outbox().await.len(), 2, "bob's code queued, the decoy's not");
}

#[actix_web::test]
async fn while_failing_one_send_per_interval_probes_for_real_and_unknown_users_alike() {
    let t = broken_mail();
    t.user("carol", Some("carol@example.org"), "Old-Passw0rd-1234").await;
    t.user("dave", Some("dave@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let start = |user: &str| post("/api/v1/reset/start", json!({"user": user}));
    let send = |flow: &str| post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}));
    let carol = call(&svc, start("carol")).await.1["flow"].as_str().unwrap().to_owned();
    call(&svc, send(&carol)).await;
    deliver(&t).await;
    let dave = call(&svc, start("dave")).await.1["flow"].as_str().unwrap().to_owned();
    let ghost = call(&svc, start("ghost")).await.1["flow"].as_str().unwrap().to_owned();
    assert_eq!(call(&svc, send(&dave)).await.0, StatusCode::SERVICE_UNAVAILABLE);

    // After the interval an unknown user takes the probe turn: the next
    // real request is refused as if the probe had been a real one.
    t.clock.advance(PROBE_SECS);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::OK);
    assert_eq!(call(&svc, send(&dave)).await.0, StatusCode::SERVICE_UNAVAILABLE);
    // The next turn goes to a real account: its code is queued and tried.
    t.clock.advance(PROBE_SECS);
    assert_eq!(call(&svc, send(&dave)).await.0, StatusCode::OK);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::SERVICE_UNAVAILABLE);
    deliver(&t).await;
    let rows = t.outbox().await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.state == OutboxState::Pending && r.last_error.is_some()), "{rows:?}");
    // Its failure does not move the schedule: one interval after the turn.
    t.clock.advance(PROBE_SECS - 1);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::SERVICE_UNAVAILABLE);
    t.clock.advance(1);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn other_channels_work_and_registration_codes_are_refused_too() {
    let t = broken_mail();
    t.user("erin", Some("erin@example.org"), "Old-Passw0rd-1234").await;
    t.user("frank", Some("frank@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.set_policy("methods", "email,alt_email,mobile_sms", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let flow =
        call(&svc, post("/api/v1/reset/start", json!({"user": "frank"}))).await.1["flow"].as_str().unwrap().to_owned();
    call(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    deliver(&t).await;

    let (status, body) =
        call(&svc, post("/api/v1/register/session", json!({"user": "erin", "password": "Old-Passw0rd-1234"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let base = format!("/api/v1/register/{}", body["session"].as_str().unwrap());
    let before = t.outbox().await.len();
    let (status, body) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "alt_email", "value": "erin@example.net"}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("delivery_unavailable"))
    );
    assert_eq!(body["error"]["message"], SENTENCE);
    assert_eq!(t.outbox().await.len(), before, "nothing queued");
    let (status, _) = call(&svc, post(&format!("{base}/contact/verify"), json!({"code": "12345678"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "no code is waiting");
    // Text messages do not depend on the mail server.
    let (status, body) =
        call(&svc, post(&format!("{base}/contact"), json!({"kind": "mobile", "value": "+31 6 1234 5678"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.outbox().await.last().unwrap().channel, "sms");
}

#[actix_web::test]
async fn the_portal_shows_the_refusal_on_the_verify_page() {
    use crate::reset_portal::{Jar, form, get};
    let t = broken_mail();
    t.user("gail", Some("gail@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.delivery_health().record_failure(Channel::Email, "connection refused", START);
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "gail")])).await;
    jar.take(&resp);
    let resp = test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "email")])).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = text(resp).await;
    assert!(page.contains("send the code. Try another method, or try again in a few minutes."), "{page}");
    assert!(page.contains("ga•••••@example.org"), "the methods are still offered: {page}");
    assert!(!page.contains("connection refused"));
    assert!(t.outbox().await.is_empty());
}

#[actix_web::test]
async fn an_admin_reset_link_names_the_cause() {
    let t = broken_mail();
    t.user("hank", Some("hank@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.delivery_health().record_failure(Channel::Email, "connection refused", START);
    let err = t.app.flows.send_reset_link("hank", "email", "admin", &Client::default()).await.unwrap_err();
    assert!(
        matches!(&err, passdesk::flow::Error::DeliveryUnavailable(c) if c.contains("e-mail delivery failing since") && c.contains("connection refused")),
        "{err:?}"
    );
    assert!(t.outbox().await.is_empty());
}

fn notice(to: &str, expires_at: Option<i64>) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.into(),
        subject: "passdesk test".into(),
        body: "Your password was changed.".into(),
        expires_at,
    }
}

#[tokio::test]
async fn messages_queued_across_an_outage_are_delivered_after_it_except_expired_codes() {
    let t = broken_mail();
    let code = notice("code@example.test", Some(START + 600));
    let confirmation = notice("confirmation@example.test", None);
    let alert = notice("alert@example.test", None);
    t.app.store.record(START, Effects::with(vec![], vec![code, confirmation])).await.unwrap();
    // The outage: every retry fails, for two hours.
    deliver(&t).await;
    t.app.store.record(t.clock.now(), Effects::with(vec![], vec![alert])).await.unwrap();
    for _ in 0..4 {
        t.clock.advance(1800);
        deliver(&t).await;
    }
    let rows = t.outbox().await;
    assert_eq!(rows[0].state, OutboxState::Expired, "a code is never sent late");
    assert!(rows[1..].iter().all(|r| r.state == OutboxState::Pending && r.attempts >= 2), "{rows:?}");
    // Once the mail server works, the notices go out, late rather than never.
    t.clock.advance(3600);
    deliver_working(&t).await;
    let states: Vec<OutboxState> = t.outbox().await.iter().map(|r| r.state).collect();
    assert_eq!(states, [OutboxState::Expired, OutboxState::Sent, OutboxState::Sent]);
    assert!(matches!(email_health(&t), ChannelHealth::Working { .. }));
}

#[actix_web::test]
async fn an_unknown_users_send_checks_the_transport_as_a_real_code_would() {
    let t = broken_mail();
    t.user("ivy", Some("ivy@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let start = |user: &str| post("/api/v1/reset/start", json!({"user": user}));
    let send = |flow: &str| post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}));
    // Only a decoy has asked: the worker's pass still finds the outage.
    let ghost = call(&svc, start("ghost")).await.1["flow"].as_str().unwrap().to_owned();
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::OK);
    assert!(t.outbox().await.is_empty());
    deliver(&t).await;
    assert!(matches!(email_health(&t), ChannelHealth::Failing { since: START, .. }), "{:?}", email_health(&t));
    let ivy = call(&svc, start("ivy")).await.1["flow"].as_str().unwrap().to_owned();
    assert_eq!(call(&svc, send(&ivy)).await.0, StatusCode::SERVICE_UNAVAILABLE);

    // And a decoy's probe turn notices the recovery (with the real sink;
    // the console transport cannot check without a message).
    if sink("decoy recovery").is_none() {
        return;
    }
    t.clock.advance(PROBE_SECS);
    assert_eq!(call(&svc, send(&ghost)).await.0, StatusCode::OK);
    deliver_working(&t).await;
    assert!(matches!(email_health(&t), ChannelHealth::Working { .. }), "{:?}", email_health(&t));
    assert_eq!(call(&svc, send(&ivy)).await.0, StatusCode::OK);
}

/// The sink's settings, trusting another CA than the one that signed it.
fn sink_with_wrong_ca(dir: &std::path::Path) -> Option<SmtpConfig> {
    let (host, port, _) = sink("TLS case")?;
    let other = dir.join("other-ca.pem");
    let cert = rcgen::generate_simple_self_signed(vec!["smtp.example.test".to_owned()]).unwrap();
    std::fs::write(&other, cert.cert.pem()).unwrap();
    Some(SmtpConfig {
        host,
        port,
        security: SmtpSecurity::StartTls,
        auth: None,
        reply_to: None,
        timeout: std::time::Duration::from_secs(10),
        ca_file: Some(other),
        hello_name: None,
    })
}

#[tokio::test]
async fn an_untrusted_certificate_marks_the_channel_failing_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let Some(config) = sink_with_wrong_ca(dir.path()) else { return };
    let t = TestApp::new();
    t.app.store.record(START, Effects::with(vec![], vec![notice("x@example.test", None)])).await.unwrap();
    let notifier = Arc::new(SmtpNotifier::new(&config, "helpdesk@example.test").unwrap());
    let delivery = Delivery::new(t.app.store.clone(), notifier.clone(), t.clock.clone())
        .with_health(t.app.flows.delivery_health());
    delivery.deliver_due().await.unwrap();
    let ChannelHealth::Failing { cause, .. } = email_health(&t) else { panic!("{:?}", email_health(&t)) };
    assert!(cause.contains("ca_file"), "the administrator is told what to fix: {cause}");
    assert_eq!(t.outbox().await[0].state, OutboxState::Pending, "kept for after the fix");
    // The check without a message finds the same.
    assert!(matches!(notifier.probe(Channel::Email).await, Some(Err(passdesk::notify::Error::Temporary(_)))));
}

#[actix_web::test]
async fn the_registration_page_shows_the_refusal_and_keeps_the_session() {
    use crate::reset_portal::{Jar, form, get};
    let t = broken_mail();
    t.user("jill", Some("jill@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.set_policy("methods", "email,alt_email", "test", &Client::default()).await.unwrap();
    t.app.flows.delivery_health().record_failure(Channel::Email, "connection refused", START);
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/register", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let sign_in = [("csrf", csrf.as_str()), ("user", "jill"), ("password", "Old-Passw0rd-1234")];
    let resp = test::call_service(&svc, form("/register/sign-in", &jar, &sign_in)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    jar.take(&resp);
    let fields = [("csrf", csrf.as_str()), ("kind", "alt_email"), ("value", "jill@example.net")];
    let resp = test::call_service(&svc, form("/register/contact", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = text(resp).await;
    assert!(page.contains("send the code. Try another method, or try again in a few minutes."), "{page}");
    assert!(page.contains("Hello jill test"), "still signed in, on the overview: {page}");
    assert!(t.outbox().await.is_empty());
}

#[actix_web::test]
async fn the_worker_notices_a_recovery_while_nobody_sends_and_a_wasted_turn_changes_nothing() {
    let t = broken_mail();
    t.user("kim", Some("kim@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let kim =
        call(&svc, post("/api/v1/reset/start", json!({"user": "kim"}))).await.1["flow"].as_str().unwrap().to_owned();
    let send = || post(&format!("/api/v1/reset/{kim}/send"), json!({"method": "email"}));
    // An outage with nothing queued: no retry can end it.
    t.app.flows.delivery_health().record_failure(Channel::Email, "connection refused", START);
    assert!(matches!(email_health(&t), ChannelHealth::Failing { .. }), "{:?}", email_health(&t));
    // The turn let through is taken by a send that then queues nothing and
    // asks for no check (as one turned away for a wrong number would).
    t.clock.advance(PROBE_SECS);
    assert!(t.app.flows.delivery_health().admit(Channel::Email, t.clock.now()).is_ok());
    // Still broken: the worker's own check keeps the outage, nobody sends.
    deliver(&t).await;
    assert!(matches!(email_health(&t), ChannelHealth::Failing { .. }), "{:?}", email_health(&t));
    assert_eq!(call(&svc, send()).await.0, StatusCode::SERVICE_UNAVAILABLE);
    if sink("worker recovery").is_none() {
        return;
    }
    // The mail server works again: within one interval the worker's check
    // notices, though nobody has sent anything.
    t.clock.advance(PROBE_SECS);
    deliver_working(&t).await;
    assert!(matches!(email_health(&t), ChannelHealth::Working { .. }), "{:?}", email_health(&t));
    assert_eq!(call(&svc, send()).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_recipient_the_server_puts_off_is_retried_and_the_channel_stays_healthy() {
    use crate::smtp_fake::fake_smtp_replying;
    // Two connections at most (lettre may or may not reuse the first after
    // the 450); the server is not joined, as a reused one leaves it waiting.
    let (port, _server) = fake_smtp_replying(2, &[("RCPT", b"450 4.2.1 Mailbox busy, try later\r\n")]);
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::Plain,
        auth: None,
        reply_to: None,
        timeout: std::time::Duration::from_secs(10),
        ca_file: None,
        hello_name: None,
    };
    let t = TestApp::new();
    t.app.store.record(START, Effects::with(vec![], vec![notice("busy@example.test", None)])).await.unwrap();
    let notifier = SmtpNotifier::new(&config, "helpdesk@example.test").unwrap();
    let err = notifier.deliver(&notice("busy@example.test", None)).await.unwrap_err();
    assert!(matches!(&err, passdesk::notify::Error::Deferred(t) if t.contains("450")), "{err:?}");
    let delivery = Delivery::new(t.app.store.clone(), Arc::new(notifier), t.clock.clone())
        .with_health(t.app.flows.delivery_health());
    delivery.deliver_due().await.unwrap();
    let rows = t.outbox().await;
    assert_eq!(rows[0].state, OutboxState::Pending, "retried later: {rows:?}");
    assert!(rows[0].last_error.as_deref().unwrap_or_default().contains("450"), "{rows:?}");
    assert_eq!(email_health(&t), ChannelHealth::Unknown, "one mailbox says nothing about the channel");
}
