//! Counters behind the blocking rules: failed proofs and sent messages per
//! account key and per destination, and the blocks themselves.

use super::{Effects, Error, Store};
use rusqlite::{OptionalExtension, params};

/// Counts after recording an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Events of this kind for the key within the window.
    pub for_key: u32,
    /// Sends to this destination within the window (0 without one).
    pub for_destination: u32,
}

/// Records one failed proof or send and counts the window, inside the
/// caller's transaction.
pub(super) fn count_event(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    kind: &str,
    destination: Option<&str>,
    now: i64,
    window_secs: i64,
) -> Result<Counts, Error> {
    tx.prepare_cached("INSERT INTO defence_events (key, kind, destination, at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![key, kind, destination, now])?;
    let since = now - window_secs;
    let for_key: u32 = tx
        .prepare_cached("SELECT count(*) FROM defence_events WHERE key = ?1 AND kind = ?2 AND at > ?3")?
        .query_row(params![key, kind, since], |r| r.get(0))?;
    let for_destination: u32 = match destination {
        Some(d) => tx
            .prepare_cached("SELECT count(*) FROM defence_events WHERE destination = ?1 AND at > ?2")?
            .query_row(params![d, since], |r| r.get(0))?,
        None => 0,
    };
    Ok(Counts { for_key, for_destination })
}

impl Store {
    /// Records a failed proof or a send and counts the window, in one transaction.
    pub async fn record_defence_event(
        &self,
        key: String,
        kind: &'static str,
        destination: Option<String>,
        now: i64,
        window_secs: i64,
    ) -> Result<Counts, Error> {
        self.change(move |tx| count_event(tx, &key, kind, destination.as_deref(), now, window_secs)).await
    }

    /// Blocks a key until `until`, with its audit rows.
    pub async fn block(
        &self,
        key: String,
        until: i64,
        reason: String,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO blocks (key, until, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET until = excluded.until, reason = excluded.reason",
            )?
            .execute(params![key, until, reason])?;
            Ok(())
        })
        .await
    }

    /// Until when a key is blocked, if it is now.
    pub async fn blocked_until(&self, key: String, now: i64) -> Result<Option<i64>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached("SELECT until FROM blocks WHERE key = ?1 AND until > ?2")?
                .query_row(params![key, now], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    /// Forgets a key's counters and block (after a successful reset, or an
    /// unblock by the helpdesk).
    pub async fn clear_defence(&self, key: String) -> Result<(), Error> {
        self.change(move |tx| {
            tx.prepare_cached("DELETE FROM defence_events WHERE key = ?1")?.execute([&key])?;
            tx.prepare_cached("DELETE FROM blocks WHERE key = ?1")?.execute([&key])?;
            Ok(())
        })
        .await
    }
}
