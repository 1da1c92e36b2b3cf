//! The metrics page's content: the in-memory counters plus the gauges that
//! live in the database, read when a scraper asks.

use super::delivery_health::ChannelHealth;
use super::{Error, Flows};
use crate::metrics::Gauge;

impl Flows {
    /// `/metrics` in the Prometheus text format.
    pub async fn metrics_text(&self) -> Result<String, Error> {
        let depth = self.store.outbox_depth().await?;
        let blocked = self.store.blocked_count(self.clock.now()).await?;
        let health = self.delivery_health.snapshot();
        let (sqlite_used, sqlite_high) = crate::store::sqlite_memory();
        let gauges = [
            Gauge {
                name: "passdesk_outbox_messages",
                help: "Messages in the outbox, by state (pending ones wait for delivery).",
                series: depth.into_iter().map(|(state, n)| (vec![("state", state)], n as f64)).collect(),
            },
            Gauge {
                name: "passdesk_blocked_accounts",
                help: "Accounts and unknown user IDs blocked from self-service now.",
                series: vec![(Vec::new(), blocked as f64)],
            },
            Gauge {
                name: "passdesk_sqlite_memory_bytes",
                help: "Heap held by SQLite (page caches, statements): \"used\" now, \"highwater\" the most since start.",
                series: vec![
                    (vec![("kind", "used".to_owned())], sqlite_used as f64),
                    (vec![("kind", "highwater".to_owned())], sqlite_high as f64),
                ],
            },
            Gauge {
                name: "passdesk_delivery_failing",
                help: "1 while a channel's transport is failing (codes are refused at once).",
                series: health
                    .into_iter()
                    .map(|(channel, h)| {
                        let failing = matches!(h, ChannelHealth::Failing { .. });
                        (vec![("channel", channel.as_str().to_owned())], if failing { 1.0 } else { 0.0 })
                    })
                    .collect(),
            },
        ];
        Ok(self.metrics.render(&gauges))
    }
}
