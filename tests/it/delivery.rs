//! The outbox worker: delivery, retry with backoff, dead letters, and codes
//! that expire in the queue.

use crate::support::{START, TestApp};
use async_trait::async_trait;
use passdesk::domain::{Channel, Message};
use passdesk::flow::delivery::{Delivery, MAX_ATTEMPTS};
use passdesk::notify::{self, ConsoleNotifier, Notifier};
use passdesk::store::{Effects, OutboxState};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A transport that is down: every attempt fails temporarily.
struct DownTransport(AtomicU32);

#[async_trait]
impl Notifier for DownTransport {
    fn name(&self) -> &'static str {
        "down"
    }
    async fn deliver(&self, _: &Message) -> Result<(), notify::Error> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(notify::Error::Temporary("connection refused".into()))
    }
}

fn message(expires_at: Option<i64>) -> Message {
    Message {
        channel: Channel::Email,
        recipient: "a@example.org".into(),
        subject: "s".into(),
        body: "b".into(),
        expires_at,
    }
}

async fn queue(t: &TestApp, m: Message) {
    t.app.store.record(START, Effects::with(vec![], vec![m])).await.unwrap();
}

#[tokio::test]
async fn console_transport_marks_messages_sent() {
    let t = TestApp::new();
    queue(&t, message(None)).await;
    let delivery = Delivery::new(t.app.store.clone(), Arc::new(ConsoleNotifier), t.clock.clone());
    assert_eq!(delivery.deliver_due().await.unwrap(), 1);
    let rows = t.outbox().await;
    assert_eq!(rows[0].state, OutboxState::Sent);
    assert_eq!(delivery.deliver_due().await.unwrap(), 0, "a sent message is not sent again");
}

#[tokio::test]
async fn an_outage_retries_with_backoff_then_dead_letters() {
    let t = TestApp::new();
    queue(&t, message(None)).await;
    let down = Arc::new(DownTransport(AtomicU32::new(0)));
    let delivery = Delivery::new(t.app.store.clone(), down.clone(), t.clock.clone());
    delivery.deliver_due().await.unwrap();
    let row = &t.outbox().await[0];
    assert_eq!((row.state, row.attempts), (OutboxState::Pending, 1));
    assert_eq!(row.last_error.as_deref(), Some("connection refused"));
    // Not due again before the backoff.
    t.clock.advance(29);
    delivery.deliver_due().await.unwrap();
    assert_eq!(down.0.load(Ordering::SeqCst), 1);
    for _ in 1..MAX_ATTEMPTS {
        t.clock.advance(3600);
        delivery.deliver_due().await.unwrap();
    }
    let row = &t.outbox().await[0];
    assert_eq!((row.state, row.attempts), (OutboxState::Dead, MAX_ATTEMPTS));
    assert_eq!(down.0.load(Ordering::SeqCst), MAX_ATTEMPTS);
}

#[tokio::test]
async fn an_expired_code_is_never_sent_late() {
    let t = TestApp::new();
    queue(&t, message(Some(START + 600))).await;
    let down = Arc::new(DownTransport(AtomicU32::new(0)));
    Delivery::new(t.app.store.clone(), down.clone(), t.clock.clone()).deliver_due().await.unwrap();
    t.clock.advance(600);
    Delivery::new(t.app.store.clone(), Arc::new(ConsoleNotifier), t.clock.clone()).deliver_due().await.unwrap();
    assert_eq!(t.outbox().await[0].state, OutboxState::Expired);
}
