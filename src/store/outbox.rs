//! The outbox: every message is queued here in the same transaction as the
//! change that caused it, and the delivery worker moves it on. With no
//! transport configured the rows stay here for admins and `passdesk outbox`.

use super::{Effects, Error, Store};
use crate::domain::{Channel, Message};
use rusqlite::{Row, params};

/// Where a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting for (another) delivery attempt.
    Pending,
    /// Handed to the transport.
    Sent,
    /// Given up after too many attempts.
    Dead,
    /// Not sent because it expired first (a late code is useless).
    Expired,
}

impl OutboxState {
    /// Every state, in the order the outbox page lists its filters.
    pub const ALL: [OutboxState; 4] = [Self::Pending, Self::Sent, Self::Dead, Self::Expired];

    /// The stored (and URL) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
            Self::Expired => "expired",
        }
    }

    /// The state a name means, strictly (for filters typed by people).
    pub fn from_id(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn parse(text: &str) -> Self {
        match text {
            "sent" => Self::Sent,
            "dead" => Self::Dead,
            "expired" => Self::Expired,
            _ => Self::Pending,
        }
    }
}

/// A queued message with its delivery state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    /// Row id, increasing.
    pub id: i64,
    /// When it was queued.
    pub created_at: i64,
    /// "email".
    pub channel: String,
    /// Destination.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Not to be sent after this time.
    pub expires_at: Option<i64>,
    /// Delivery state.
    pub state: OutboxState,
    /// Attempts so far.
    pub attempts: u32,
    /// Last transport error.
    pub last_error: Option<String>,
}

impl OutboxRow {
    /// The message to hand to a transport.
    pub fn message(&self) -> Option<Message> {
        Some(Message {
            channel: Channel::parse(&self.channel)?,
            recipient: self.recipient.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            expires_at: self.expires_at,
        })
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let state: String = r.get("state")?;
    Ok(OutboxRow {
        id: r.get("id")?,
        created_at: r.get("created_at")?,
        channel: r.get("channel")?,
        recipient: r.get("recipient")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        expires_at: r.get("expires_at")?,
        state: OutboxState::parse(&state),
        attempts: r.get("attempts")?,
        last_error: r.get("last_error")?,
    })
}

pub(super) fn enqueue(tx: &rusqlite::Transaction<'_>, message: &Message, now: i64) -> Result<(), Error> {
    tx.prepare_cached(
        "INSERT INTO outbox (created_at, channel, recipient, subject, body, expires_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1)",
    )?
    .execute(params![
        now,
        message.channel.as_str(),
        message.recipient,
        message.subject,
        message.body,
        message.expires_at
    ])?;
    Ok(())
}

impl Store {
    /// How many messages are in each state, for `/metrics`.
    pub async fn outbox_depth(&self) -> Result<Vec<(String, u64)>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// How many accounts (and decoy user IDs) are blocked at `now`.
    pub async fn blocked_count(&self, now: i64) -> Result<u64, Error> {
        self.run(move |conn| {
            Ok(conn.query_row("SELECT COUNT(*) FROM blocks WHERE until > ?1", [now], |r| r.get::<_, i64>(0))?.max(0)
                as u64)
        })
        .await
    }

    /// Text messages and calls queued since `since`, for the
    /// organisation's daily budget.
    pub async fn phone_messages_since(&self, since: i64) -> Result<u32, Error> {
        self.run(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT count(*) FROM outbox WHERE channel IN ('sms', 'voice') AND created_at > ?1")?;
            Ok(stmt.query_row([since], |r| r.get(0))?)
        })
        .await
    }

    /// Pending messages whose next attempt is due, oldest first. A message
    /// planned more than `longest_wait` seconds ahead was planned before
    /// the clock went back: it is due too, rather than stuck until the
    /// clock catches up.
    pub async fn due_messages(&self, now: i64, longest_wait: i64, limit: u32) -> Result<Vec<OutboxRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT * FROM outbox WHERE state = 'pending' AND (next_attempt_at <= ?1 OR next_attempt_at > ?1 + ?3)
                 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now, limit, longest_wait], from_row)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Messages with an id above `after`, oldest first (for `passdesk outbox`).
    pub async fn messages_after(&self, after: i64, limit: u32) -> Result<Vec<OutboxRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached("SELECT * FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2")?;
            let rows = stmt.query_map(params![after, limit], from_row)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Records the result of a delivery attempt.
    pub async fn settle_message(
        &self,
        id: i64,
        state: OutboxState,
        next_attempt_at: i64,
        error: Option<String>,
        now: i64,
    ) -> Result<(), Error> {
        self.change(move |tx| {
            let done_at = (state != OutboxState::Pending).then_some(now);
            tx.prepare_cached(
                "UPDATE outbox SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3,
                        last_error = ?4, done_at = ?5 WHERE id = ?1",
            )?
            .execute(params![id, state.as_str(), next_attempt_at, error, done_at])?;
            Ok(())
        })
        .await
    }

    /// Up to `limit` messages with an id below `before`, in `state` (all
    /// states when `None`), newest first: the outbox page.
    pub async fn outbox_page(
        &self,
        state: Option<OutboxState>,
        before: i64,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, Error> {
        let state = state.map(OutboxState::as_str);
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT * FROM outbox WHERE id < ?1 AND (?2 IS NULL OR state = ?2) ORDER BY id DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![before, state, limit], from_row)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Puts the dead-lettered messages among `ids` back in the queue, due
    /// now with a fresh set of attempts (the last error stays until the
    /// next attempt), with the effects; returns how many were dead.
    pub async fn retry_dead(&self, ids: Vec<i64>, now: i64, effects: Effects) -> Result<usize, Error> {
        self.write(now, effects, move |tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, done_at = NULL
                 WHERE id = ?1 AND state = 'dead'",
            )?;
            let mut retried = 0;
            for id in ids {
                retried += stmt.execute(params![id, now])?;
            }
            Ok(retried)
        })
        .await
    }

    /// Marks a message as expired without an attempt.
    pub async fn expire_message(&self, id: i64, now: i64) -> Result<(), Error> {
        self.change(move |tx| {
            tx.prepare_cached("UPDATE outbox SET state = 'expired', done_at = ?2 WHERE id = ?1")?
                .execute(params![id, now])?;
            Ok(())
        })
        .await
    }
}
