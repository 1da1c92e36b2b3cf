//! Text messages through the test bed's real Kannel (`tests/bed/kannel.sh`:
//! bearerbox + smsbox with a fake SMSC whose every received message is
//! captured in a file the tests read codes from). Without the
//! `PASSDESK_TEST_KANNEL_*` settings the suite is skipped (and named); under
//! `PASSDESK_REQUIRE_SERVERS=1` it fails instead.

use crate::gateway::{permanent, route, sms, temporary};
use crate::support::{TestApp, json};
use actix_web::test;
use passdesk::domain::{Channel, Enrolment};
use passdesk::flow::Client;
use passdesk::notify::{GatewayNotifier, Notifier};
use passdesk::store::OutboxState;
use std::time::Duration;

pub struct Kannel {
    pub url: String,
    pub user: String,
    pub password: String,
    pub capture: std::path::PathBuf,
}

pub fn kannel() -> Option<Kannel> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_KANNEL_{k}")).ok();
    let found = (|| {
        Some(Kannel {
            url: var("URL")?,
            user: var("USER")?,
            password: var("PASSWORD")?,
            capture: var("OUTBOX")?.into(),
        })
    })();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "kannel suite: PASSDESK_TEST_KANNEL_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!("skipped: kannel suite (no PASSDESK_TEST_KANNEL_URL; tests/run.sh starts the test bed)");
    }
    found
}

/// A mobile number no other test uses.
pub fn unique_number() -> String {
    format!("+3161{:07}", rand::random::<u32>() % 10_000_000)
}

/// The text of the message the fake SMSC received for `to` (fakesmsc logs
/// `Got message N: <FROM TO TYPE DATA>`; UCS-2 data is URL-encoded).
pub fn received_by_smsc(k: &Kannel, to: &str) -> Option<(String, String)> {
    for _ in 0..100 {
        let log = std::fs::read_to_string(&k.capture).unwrap_or_default();
        for line in log.lines() {
            let Some(at) = line.find("Got message ") else { continue };
            let Some(inner) = line[at..].split_once(": <").map(|(_, r)| r.trim_end_matches('>')) else { continue };
            let mut parts = inner.splitn(4, ' ');
            let (from, dest, kind, data) =
                (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap_or(""));
            if dest != to {
                continue;
            }
            let text = match kind {
                "text" => data.to_owned(),
                "ucs-2" | "ucs2" => {
                    let bytes = percent_decode_bytes(data);
                    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                    String::from_utf16(&units).unwrap()
                }
                other => panic!("unexpected fakesmsc type {other}: {line}"),
            };
            return Some((from.to_owned(), text));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Percent-decoding to raw bytes ('+' is a space), as fakesmsc writes UCS-2.
fn percent_decode_bytes(data: &str) -> Vec<u8> {
    let bytes = data.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&data[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

pub fn kannel_route(k: &Kannel, password: &str) -> String {
    format!(
        "preset = \"kannel\"\nurl = {:?}\nusername = {:?}\npassword = {password:?}\nfrom = \"passdesk\"\n",
        k.url, k.user
    )
}

#[actix_web::test]
async fn a_reset_code_by_sms_reaches_kannel_through_the_outbox() {
    let Some(k) = kannel() else { return };
    let t = TestApp::with_config(&format!("[notify.sms]\n{}", kannel_route(&k, &k.password)));
    let number = unique_number();
    t.user("smsuser", Some("smsuser@example.org"), "Old-Passw0rd-Long").await;
    t.app.flows.enrol_phone("smsuser", Enrolment::Mobile, &number, &Client::default()).await.unwrap();
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "smsuser"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let send = serde_json::json!({"method": "mobile_sms", "confirm": number});
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), send)).await;
    assert!(resp.status().is_success(), "{}", resp.status());

    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.channel == "sms").unwrap();
    assert_eq!(row.state, OutboxState::Sent, "{:?}", row.last_error);
    let (from, text) = received_by_smsc(&k, &row.recipient).expect("the fake SMSC received the message");
    assert_eq!(from, "passdesk");
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 8)
        .unwrap_or_else(|| panic!("no 8-digit code in {text}"))
        .to_owned();
    let verify =
        post(&format!("/api/v1/reset/{flow}/verify"), serde_json::json!({"method": "mobile_sms", "code": code}));
    assert_eq!(test::call_service(&svc, verify).await.status(), actix_web::http::StatusCode::OK);
}

#[tokio::test]
async fn kannel_carries_text_beyond_ascii_intact() {
    let Some(k) = kannel() else { return };
    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, &k.password), Channel::Sms), Channel::Sms).unwrap();
    let to = unique_number();
    let body = "Uw code: 4711 — geldig tot 10:15 (Zoë & Ångström) €5 ✓\nregel twee";
    gateway.deliver(&sms(&to, body)).await.unwrap();
    let (_, text) = received_by_smsc(&k, &to).expect("the fake SMSC received it");
    assert_eq!(text, body);
}

#[tokio::test]
async fn kannel_refusals_carry_kannels_words_and_no_password() {
    let Some(k) = kannel() else { return };
    let wrong = "Wrong-Secret&9";
    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, wrong), Channel::Sms), Channel::Sms).unwrap();
    // A refused account is retried (the administrator must fix it); a
    // refused number is final.
    let cause = temporary(gateway.deliver(&sms(&unique_number(), "1234")).await.unwrap_err());
    assert!(cause.contains("HTTP 403 Forbidden: Authorization failed for sendsms"), "{cause}");
    assert!(cause.contains("username and password"), "{cause}");
    assert!(!cause.contains(wrong) && !cause.contains("Wrong-Secret"), "{cause}");

    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, &k.password), Channel::Sms), Channel::Sms).unwrap();
    let cause = permanent(gateway.deliver(&sms("not-a-number", "1234")).await.unwrap_err());
    assert!(cause.contains("HTTP 400 Bad Request: Number(s) has/have been denied"), "{cause}");
    assert!(!cause.contains(&k.password), "{cause}");
}

#[actix_web::test]
async fn the_admin_sees_kannels_refusal_in_the_outbox() {
    let Some(k) = kannel() else { return };
    let t = TestApp::with_config(&format!("[notify.sms]\n{}", kannel_route(&k, "Not-The-Password")));
    let number = unique_number();
    t.user("smsadmin", Some("smsadmin@example.org"), "Old-Passw0rd-Long").await;
    t.app.flows.enrol_phone("smsadmin", Enrolment::Mobile, &number, &Client::default()).await.unwrap();
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "smsadmin"}))).await)
            .await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let send = serde_json::json!({"method": "mobile_sms", "confirm": number});
    assert!(test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), send)).await.status().is_success());
    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.channel == "sms").unwrap();
    assert_eq!(row.state, OutboxState::Pending, "a refused account is retried until it is fixed");
    let cause = row.last_error.unwrap();
    assert!(
        cause.contains("SMS gateway (kannel) answered HTTP 403 Forbidden: Authorization failed for sendsms"),
        "{cause}"
    );
    assert!(!cause.contains("Not-The-Password"), "{cause}");
}

#[tokio::test]
async fn the_worker_checks_kannel_without_sending_and_a_denied_number_leaves_the_channel_healthy() {
    use passdesk::clock::Clock;
    use passdesk::flow::delivery::Delivery;
    use passdesk::flow::delivery_health::{ChannelHealth, PROBE_SECS};
    let Some(k) = kannel() else { return };
    let good = GatewayNotifier::new(&route(&kannel_route(&k, &k.password), Channel::Sms), Channel::Sms).unwrap();
    assert_eq!(good.probe(Channel::Sms).await, Some(Ok(())));
    assert_eq!(good.probe(Channel::Voice).await, None, "not this route's channel");
    let wrong = GatewayNotifier::new(&route(&kannel_route(&k, "Wrong-Secret&9"), Channel::Sms), Channel::Sms).unwrap();
    // A refused account is mapped as a real send's 403 is (temporary: the
    // channel fails until it is fixed), so a decoy's check and a real code agree.
    let Some(Err(passdesk::notify::Error::Temporary(cause))) = wrong.probe(Channel::Sms).await else {
        panic!("as a send's refusal")
    };
    assert!(
        cause.contains("SMS gateway (kannel)") && cause.contains("403") && !cause.contains("Wrong-Secret"),
        "{cause}"
    );
    let real = temporary(wrong.deliver(&sms(&unique_number(), "1234")).await.unwrap_err());
    assert!(real.contains("403"), "{real}");

    // A number Kannel denies is about that message only.
    let t = TestApp::new();
    let store = t.app.store.clone();
    let health = t.app.flows.delivery_health();
    let effects = passdesk::store::Effects::with(vec![], vec![sms("not-a-number", "Your code: 123456")]);
    store.record(t.clock.now(), effects).await.unwrap();
    let delivery = Delivery::new(store, std::sync::Arc::new(good), t.clock.clone()).with_health(health.clone());
    delivery.deliver_due().await.unwrap();
    let sms_health = || health.snapshot().into_iter().find(|(c, _)| *c == Channel::Sms).unwrap().1;
    assert_eq!(sms_health(), ChannelHealth::Unknown);
    let rows = t.outbox().await;
    assert_eq!(rows[0].state, OutboxState::Dead, "{rows:?}");
    assert!(!rows[0].last_error.as_deref().unwrap_or_default().contains("123456"), "{rows:?}");

    // An outage of Kannel's route ends by the worker's own check.
    health.record_failure(Channel::Sms, "connection refused", t.clock.now());
    t.clock.advance(PROBE_SECS);
    delivery.deliver_due().await.unwrap();
    assert!(matches!(sms_health(), ChannelHealth::Working { .. }), "{:?}", sms_health());
}
