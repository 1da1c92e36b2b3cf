//! What the outbox worker last learnt about each channel's transport, so a
//! send step can tell the person at once that a code cannot go out now
//! instead of promising one that the mail server or gateway will not take.
//! Kept in memory: it is rebuilt from the first attempts after a start.
//!
//! A channel is failing from an attempt that failed for a reason of the
//! transport (`notify::Error::Temporary`: connection refused, TLS refused,
//! authentication refused, 421 or a timeout) until an attempt on it
//! succeeds. A refusal of one message (`notify::Error::Permanent`: a bad
//! address, a recipient the server rejects) or its deferral
//! (`notify::Error::Deferred`: 45x at MAIL, RCPT or DATA) says nothing
//! about the channel.
//! While failing, the outbox worker checks the transport itself once per
//! [`PROBE_SECS`] where it can check without a message (SMTP, Kannel,
//! Twilio), whoever asks or not, so a recovery never waits for a person's
//! send (a send turned away for another reason, such as a wrong number,
//! cannot keep the channel refused). For a transport that cannot check (a
//! template gateway), one send per [`PROBE_SECS`] is let through anyway; the
//! worker's retries of queued messages are further probes. Whether a send
//! is refused depends only on the channel's state and the time, never on
//! whether the account exists: decoys take the probe turn like real accounts.

use crate::clock::rfc3339;
use crate::domain::Channel;
use std::sync::{Mutex, PoisonError};

/// While a channel is failing, at most one send per this many seconds is
/// let through (and queued) to find out whether it works again.
pub const PROBE_SECS: i64 = 60;

/// What is known about one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelHealth {
    /// Nothing was attempted since the start.
    Unknown,
    /// The last attempt worked.
    Working {
        /// First success after start or after a failure (Unix seconds).
        since: i64,
    },
    /// The last attempt failed for a reason of the transport.
    Failing {
        /// First failure of this outage (Unix seconds).
        since: i64,
        /// The transport's words for the latest failure, for administrators.
        cause: String,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    health: ChannelHealth,
    /// While failing: when the next send may go through as a probe.
    next_probe_at: i64,
    /// A send that queued nothing (a decoy) asks the worker to check the
    /// transport, as a real message's attempt would.
    check_wanted: bool,
    /// While failing: when the worker checks the transport next on its own.
    next_worker_probe_at: i64,
}

/// The per-channel health, shared by the outbox worker (which writes it)
/// and the flows (which read it before they queue a code).
#[derive(Debug)]
pub struct DeliveryHealth {
    channels: Mutex<[Entry; 3]>,
}

impl Default for DeliveryHealth {
    fn default() -> Self {
        let entry =
            Entry { health: ChannelHealth::Unknown, next_probe_at: 0, check_wanted: false, next_worker_probe_at: 0 };
        Self { channels: Mutex::new([entry.clone(), entry.clone(), entry]) }
    }
}

const CHANNELS: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Voice];

fn index(channel: Channel) -> usize {
    match channel {
        Channel::Email => 0,
        Channel::Sms => 1,
        Channel::Voice => 2,
    }
}

/// The channel as administrators read it ("e-mail", "text message", "voice call").
pub fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "e-mail",
        Channel::Sms => "text message",
        Channel::Voice => "voice call",
    }
}

impl DeliveryHealth {
    fn with<T>(&self, f: impl FnOnce(&mut [Entry; 3]) -> T) -> T {
        // A panic while holding the lock cannot leave an entry half
        // written (each write is one assignment), so a poisoned lock is fine.
        f(&mut self.channels.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Records a delivered message. Logs the recovery of a failing channel.
    pub fn record_success(&self, channel: Channel, now: i64) {
        self.with(|entries| {
            let entry = &mut entries[index(channel)];
            match &entry.health {
                ChannelHealth::Working { .. } => {}
                ChannelHealth::Failing { since, .. } => {
                    tracing::warn!(
                        channel = channel.as_str(),
                        failing_secs = now - since,
                        "{} delivery works again",
                        channel_name(channel)
                    );
                    entry.health = ChannelHealth::Working { since: now };
                }
                ChannelHealth::Unknown => entry.health = ChannelHealth::Working { since: now },
            }
        });
    }

    /// Records an attempt that failed for a reason of the transport. Logs
    /// the start of an outage with its cause (later failures are logged by
    /// the worker per message).
    pub fn record_failure(&self, channel: Channel, cause: &str, now: i64) {
        self.with(|entries| {
            let entry = &mut entries[index(channel)];
            let since = match &entry.health {
                ChannelHealth::Failing { since, .. } => *since,
                _ => {
                    // The probes are timed from the start of the outage and
                    // then from each probe let through, never from the
                    // attempt it caused: a decoy's probe (nothing queued)
                    // and a real one leave the same schedule behind.
                    entry.next_probe_at = now + PROBE_SECS;
                    entry.next_worker_probe_at = now + PROBE_SECS;
                    tracing::error!(
                        channel = channel.as_str(),
                        cause,
                        "{} delivery failing: codes on this channel are refused until it works again",
                        channel_name(channel)
                    );
                    now
                }
            };
            entry.health = ChannelHealth::Failing { since, cause: cause.to_owned() };
        });
    }

    /// Whether a message may be queued on `channel` now: yes unless it is
    /// failing; while failing, yes once per [`PROBE_SECS`] (the probe).
    /// Otherwise the refusal names the outage for the log. The answer
    /// depends only on the channel and the time, never on who asks.
    pub fn admit(&self, channel: Channel, now: i64) -> Result<(), String> {
        self.with(|entries| {
            let entry = &mut entries[index(channel)];
            let ChannelHealth::Failing { since, cause } = &entry.health else { return Ok(()) };
            if now >= entry.next_probe_at {
                entry.next_probe_at = now + PROBE_SECS;
                return Ok(());
            }
            Err(format!("{} delivery failing since {}: {cause}", channel_name(channel), rfc3339(*since)))
        })
    }

    /// Asks the worker to check `channel`'s transport without a message:
    /// for a send step that was admitted but queued nothing (a decoy), so
    /// the channel's health changes as if a real code had been attempted
    /// and a later answer cannot tell the two apart.
    pub fn want_check(&self, channel: Channel) {
        self.with(|entries| entries[index(channel)].check_wanted = true);
    }

    /// The channels whose check was asked for since the last call.
    pub fn take_checks(&self) -> Vec<Channel> {
        self.with(|entries| {
            CHANNELS.iter().copied().filter(|c| std::mem::take(&mut entries[index(*c)].check_wanted)).collect()
        })
    }

    /// The failing channels the worker should check now on its own (once
    /// per [`PROBE_SECS`] each, from the start of the outage), so recovery
    /// is noticed even when nobody sends or every send is turned away.
    pub fn due_probes(&self, now: i64) -> Vec<Channel> {
        self.with(|entries| {
            CHANNELS
                .iter()
                .copied()
                .filter(|c| {
                    let entry = &mut entries[index(*c)];
                    let due =
                        matches!(entry.health, ChannelHealth::Failing { .. }) && now >= entry.next_worker_probe_at;
                    if due {
                        entry.next_worker_probe_at = now + PROBE_SECS;
                    }
                    due
                })
                .collect()
        })
    }

    /// Every channel's health, for administrators.
    pub fn snapshot(&self) -> Vec<(Channel, ChannelHealth)> {
        self.with(|entries| CHANNELS.iter().map(|c| (*c, entries[index(*c)].health.clone())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_800_000_000;

    fn health_of(h: &DeliveryHealth, channel: Channel) -> ChannelHealth {
        h.snapshot().into_iter().find(|(c, _)| *c == channel).map(|(_, s)| s).unwrap()
    }

    #[test]
    fn unknown_and_working_channels_admit() {
        let h = DeliveryHealth::default();
        assert_eq!(health_of(&h, Channel::Email), ChannelHealth::Unknown);
        assert!(h.admit(Channel::Email, T).is_ok());
        h.record_success(Channel::Email, T);
        assert_eq!(health_of(&h, Channel::Email), ChannelHealth::Working { since: T });
        assert!(h.admit(Channel::Email, T + 1).is_ok());
    }

    #[test]
    fn a_failure_refuses_that_channel_only_and_names_the_cause() {
        let h = DeliveryHealth::default();
        h.record_failure(Channel::Sms, "gateway answered 503", T);
        let refused = h.admit(Channel::Sms, T + 1).unwrap_err();
        assert!(
            refused.contains("text message delivery failing since 2027-01-15T08:00:00Z: gateway answered 503"),
            "{refused}"
        );
        assert!(h.admit(Channel::Email, T + 1).is_ok());
        assert!(h.admit(Channel::Voice, T + 1).is_ok());
    }

    #[test]
    fn an_outage_keeps_its_start_and_the_latest_cause() {
        let h = DeliveryHealth::default();
        h.record_success(Channel::Email, T - 100);
        h.record_failure(Channel::Email, "connection refused", T);
        h.record_failure(Channel::Email, "TLS refused", T + 30);
        assert_eq!(health_of(&h, Channel::Email), ChannelHealth::Failing { since: T, cause: "TLS refused".into() });
    }

    #[test]
    fn one_probe_per_interval_after_the_last_failure() {
        let h = DeliveryHealth::default();
        h.record_failure(Channel::Email, "connection refused", T);
        assert!(h.admit(Channel::Email, T + PROBE_SECS - 1).is_err());
        assert!(h.admit(Channel::Email, T + PROBE_SECS).is_ok(), "the probe");
        assert!(h.admit(Channel::Email, T + PROBE_SECS).is_err(), "only one");
        assert!(h.admit(Channel::Email, T + 2 * PROBE_SECS - 1).is_err());
        assert!(h.admit(Channel::Email, T + 2 * PROBE_SECS).is_ok(), "the next probe");
        // The probe's own failed attempt, moments later, does not move the
        // schedule: a decoy's probe (which queues nothing) leaves the same.
        h.record_failure(Channel::Email, "connection refused", T + 2 * PROBE_SECS + 10);
        assert!(h.admit(Channel::Email, T + 3 * PROBE_SECS - 1).is_err());
        assert!(h.admit(Channel::Email, T + 3 * PROBE_SECS).is_ok());
    }

    #[test]
    fn checks_are_asked_once_per_channel() {
        let h = DeliveryHealth::default();
        assert!(h.take_checks().is_empty());
        h.want_check(Channel::Sms);
        h.want_check(Channel::Email);
        h.want_check(Channel::Sms);
        assert_eq!(h.take_checks(), [Channel::Email, Channel::Sms]);
        assert!(h.take_checks().is_empty());
    }

    #[test]
    fn the_worker_probes_failing_channels_once_per_interval_whoever_sends() {
        let h = DeliveryHealth::default();
        assert!(h.due_probes(T).is_empty(), "nothing failing");
        h.record_success(Channel::Email, T);
        h.record_failure(Channel::Sms, "gateway answered 503", T);
        assert!(h.due_probes(T + PROBE_SECS - 1).is_empty());
        // A send took (and wasted) the let-through turn: the worker's own
        // schedule is untouched by it.
        assert!(h.admit(Channel::Sms, T + PROBE_SECS).is_ok());
        assert_eq!(h.due_probes(T + PROBE_SECS), [Channel::Sms]);
        assert!(h.due_probes(T + PROBE_SECS).is_empty(), "once per interval");
        h.record_failure(Channel::Sms, "gateway answered 503", T + PROBE_SECS + 1);
        assert_eq!(h.due_probes(T + 2 * PROBE_SECS), [Channel::Sms]);
        h.record_success(Channel::Sms, T + 2 * PROBE_SECS);
        assert!(h.due_probes(T + 10 * PROBE_SECS).is_empty(), "working again");
    }

    #[test]
    fn a_success_ends_the_outage() {
        let h = DeliveryHealth::default();
        h.record_failure(Channel::Voice, "gateway unreachable", T);
        h.record_success(Channel::Voice, T + 5);
        assert_eq!(health_of(&h, Channel::Voice), ChannelHealth::Working { since: T + 5 });
        assert!(h.admit(Channel::Voice, T + 6).is_ok());
        assert!(h.admit(Channel::Voice, T + 6).is_ok(), "no probe budget once working");
    }
}
