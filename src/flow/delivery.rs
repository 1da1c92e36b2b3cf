//! The outbox worker: takes due messages from the store and hands them to
//! the notifier, retrying with exponential backoff and giving up after a
//! number of attempts. A code that expires while queued is never sent late.
//! A transport outage never loses a message and never blocks a request.

use super::delivery_health::DeliveryHealth;
use crate::clock::Clock;
use crate::notify::{self, Notifier};
use crate::store::{OutboxState, Store};
use std::sync::Arc;
use std::time::Duration;

/// Attempts before a message is moved to the dead letters.
pub const MAX_ATTEMPTS: u32 = 8;
/// Wait after the first failure; doubled after each further one.
pub const FIRST_RETRY_SECS: i64 = 30;
/// Longest wait between attempts.
pub const MAX_RETRY_SECS: i64 = 3600;

/// Moves messages from the outbox to a transport.
pub struct Delivery {
    store: Store,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
    health: Arc<DeliveryHealth>,
    /// Messages handed to the transport whose outcome the store could not
    /// keep (a full disk): recorded again on the next pass, never sent
    /// again, so a full disk cannot turn into a stream of repeated codes.
    unsaved: std::sync::Mutex<std::collections::HashMap<i64, Settled>>,
}

/// What became of one message, to keep in the store.
#[derive(Clone)]
struct Settled {
    state: OutboxState,
    next: i64,
    error: Option<String>,
    at: i64,
}

/// Seconds to wait after the `attempt`-th failed attempt (1-based).
pub fn backoff_secs(attempt: u32) -> i64 {
    let exponent = attempt.saturating_sub(1).min(20);
    (FIRST_RETRY_SECS << exponent).min(MAX_RETRY_SECS)
}

impl Delivery {
    /// A worker over the store with one transport, keeping its own
    /// channel health (see [`Delivery::with_health`] to share it).
    pub fn new(store: Store, notifier: Arc<dyn Notifier>, clock: Arc<dyn Clock>) -> Self {
        Self { store, notifier, clock, health: Arc::default(), unsaved: Default::default() }
    }

    /// Records what each attempt teaches about its channel in `health`,
    /// the handle the flows read (`Flows::delivery_health`).
    pub fn with_health(self, health: Arc<DeliveryHealth>) -> Self {
        Self { health, ..self }
    }

    /// One pass over the due messages; returns how many were handled.
    pub async fn deliver_due(&self) -> Result<usize, crate::store::Error> {
        let now = self.clock.now();
        let due = self.store.due_messages(now, MAX_RETRY_SECS, 50).await?;
        for row in &due {
            let unsaved = self.unsaved.lock().map(|u| u.get(&row.id).cloned()).unwrap_or_default();
            if let Some(done) = unsaved {
                self.store.settle_message(row.id, done.state, done.next, done.error, done.at).await?;
                if let Ok(mut u) = self.unsaved.lock() {
                    u.remove(&row.id);
                }
                continue;
            }
            if row.expires_at.is_some_and(|at| at <= now) {
                self.store.expire_message(row.id, now).await?;
                continue;
            }
            let Some(message) = row.message() else {
                self.store.settle_message(row.id, OutboxState::Dead, now, Some("unknown channel".into()), now).await?;
                continue;
            };
            let attempt = row.attempts + 1;
            let result = self.notifier.deliver(&message).await;
            match &result {
                Ok(()) => self.health.record_success(message.channel, self.clock.now()),
                Err(notify::Error::Temporary(cause)) => {
                    self.health.record_failure(message.channel, cause, self.clock.now());
                }
                // One message refused (a bad address) or put off (a busy
                // mailbox): the channel may be fine, and one recipient must
                // not turn away everyone's codes.
                Err(notify::Error::Permanent(_) | notify::Error::Deferred(_)) => {}
            }
            let (state, next, error) = match result {
                Ok(()) => (OutboxState::Sent, now, None),
                Err(notify::Error::Permanent(e)) => (OutboxState::Dead, now, Some(e)),
                Err(notify::Error::Temporary(e) | notify::Error::Deferred(e)) if attempt >= MAX_ATTEMPTS => {
                    (OutboxState::Dead, now, Some(e))
                }
                Err(notify::Error::Temporary(e) | notify::Error::Deferred(e)) => {
                    (OutboxState::Pending, now + backoff_secs(attempt), Some(e))
                }
            };
            if let Some(e) = &error {
                tracing::warn!(message_id = row.id, attempt, transport = self.notifier.name(), error = %e, "delivery failed");
            }
            let done = Settled { state, next, error, at: self.clock.now() };
            if let Err(e) = self.store.settle_message(row.id, done.state, done.next, done.error.clone(), done.at).await
            {
                if let Ok(mut u) = self.unsaved.lock() {
                    u.insert(row.id, done);
                }
                return Err(e);
            }
        }
        self.check_channels().await;
        Ok(due.len())
    }

    /// Checks the transports that decoy sends asked about, so an outage
    /// starts or ends for them as it would for a real code, and every
    /// failing channel once per `PROBE_SECS`, so an outage ends by itself
    /// when the transport works again (transports that cannot check without
    /// a message answer `None` and rely on the let-through send instead).
    async fn check_channels(&self) {
        let mut channels = self.health.take_checks();
        for due in self.health.due_probes(self.clock.now()) {
            if !channels.contains(&due) {
                channels.push(due);
            }
        }
        for channel in channels {
            match self.notifier.probe(channel).await {
                Some(Ok(())) => self.health.record_success(channel, self.clock.now()),
                Some(Err(notify::Error::Temporary(cause))) => {
                    tracing::warn!(channel = channel.as_str(), transport = self.notifier.name(), error = %cause, "transport check failed");
                    self.health.record_failure(channel, &cause, self.clock.now());
                }
                Some(Err(notify::Error::Permanent(_) | notify::Error::Deferred(_))) | None => {}
            }
        }
    }

    /// Runs until the process ends: a pass whenever a message is queued, and
    /// at least every few seconds for retries and the failing channels' checks.
    pub async fn run(self, signal: Arc<tokio::sync::Notify>) {
        loop {
            if let Err(e) = self.deliver_due().await {
                tracing::error!(error = %e, "outbox delivery pass failed");
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), signal.notified()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(40), 3600);
    }
}
