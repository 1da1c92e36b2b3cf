//! The outbox as administrators see it (issue 8 item 7): messages newest
//! first, by state, with the destination masked and the body of any
//! message that carries a code or a link hidden (those are the ones with
//! an expiry); and putting dead-lettered messages back in the queue,
//! audited.

use super::{Client, Error, Flows};
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::{Activity, AuditOutcome};
use crate::i18n::Msg;
pub use crate::store::OutboxState;
use crate::store::{Effects, OutboxRow};

/// Messages per page.
pub const OUTBOX_PAGE: u32 = 50;

/// One message as the outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Row id.
    pub id: i64,
    /// When it was queued (Unix seconds).
    pub created_at: i64,
    /// "email", "sms" or "voice".
    pub channel: String,
    /// The destination, masked.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// The body; `None` when it carries a code or a link, which nobody
    /// but its recipient may read.
    pub body: Option<String>,
    /// Delivery state.
    pub state: OutboxState,
    /// Attempts so far.
    pub attempts: u32,
    /// The transport's last error.
    pub last_error: Option<String>,
    /// A dead message that a retry could still deliver (not a code or link
    /// that has expired since).
    pub retryable: bool,
}

/// One page of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPage {
    /// Messages, newest first.
    pub entries: Vec<OutboxEntry>,
    /// The id to ask the next (older) page `before`, when there is one.
    pub older: Option<i64>,
    /// How many messages are in each state, over the whole outbox.
    pub counts: Vec<(String, u64)>,
}

/// The state filter of the page: empty or "all" for every state.
pub fn parse_state(text: &str) -> Result<Option<OutboxState>, Error> {
    match text.trim() {
        "" | "all" => Ok(None),
        other => OutboxState::from_id(other).map(Some).ok_or_else(|| Error::InvalidInput {
            field: "state",
            message: Msg::admin(format!("{other:?} is not a state: use all, pending, sent, dead or expired")),
        }),
    }
}

fn masked_destination(row: &OutboxRow) -> String {
    if row.channel == "email" { mask_email(&row.recipient) } else { mask_phone(&row.recipient) }
}

fn entry(row: OutboxRow, now: i64) -> OutboxEntry {
    // Codes and links expire; a notice's "this wasn't me" link is a live
    // token too (opening it blocks the person's self-service).
    let secret = row.expires_at.is_some() || row.body.contains("/report/");
    let to = masked_destination(&row);
    // Transports often quote the address they refused: it stays masked.
    let last_error = row.last_error.map(|e| if row.recipient.is_empty() { e } else { e.replace(&row.recipient, &to) });
    OutboxEntry {
        id: row.id,
        created_at: row.created_at,
        to,
        retryable: row.state == OutboxState::Dead && row.expires_at.is_none_or(|at| at > now),
        body: (!secret).then_some(row.body),
        channel: row.channel,
        subject: row.subject,
        state: row.state,
        attempts: row.attempts,
        last_error,
    }
}

impl Flows {
    /// A page of the outbox: messages older than `before` (newest first
    /// when `None`) in `state` ("all" or empty for every state).
    pub async fn outbox_page(&self, state: &str, before: Option<i64>) -> Result<OutboxPage, Error> {
        let state = parse_state(state)?;
        if before.is_some_and(|b| b < 1) {
            return Err(Error::InvalidInput {
                field: "before",
                message: Msg::admin("before must be a message number of 1 or more"),
            });
        }
        let now = self.clock.now();
        let mut rows = self.store.outbox_page(state, before.unwrap_or(i64::MAX), OUTBOX_PAGE + 1).await?;
        let more = rows.len() > OUTBOX_PAGE as usize;
        rows.truncate(OUTBOX_PAGE as usize);
        let older = if more { rows.last().map(|r| r.id) } else { None };
        let counts = self.store.outbox_depth().await?;
        Ok(OutboxPage { entries: rows.into_iter().map(|r| entry(r, now)).collect(), older, counts })
    }

    /// Puts one dead-lettered message back in the queue, due now.
    pub async fn retry_message(&self, id: i64, actor: &str, client: &Client) -> Result<(), Error> {
        let now = self.clock.now();
        let row = self.store.outbox_page(None, id.saturating_add(1), 1).await?.into_iter().find(|r| r.id == id);
        let Some(row) = row else {
            return Err(Error::InvalidInput { field: "id", message: Msg::admin(format!("there is no message #{id}")) });
        };
        let shown = entry(row, now);
        if shown.state != OutboxState::Dead {
            return Err(Error::InvalidInput {
                field: "id",
                message: Msg::admin(format!(
                    "message #{id} is {}, not dead: only dead messages are retried",
                    shown.state.as_str()
                )),
            });
        }
        if !shown.retryable {
            return Err(Error::InvalidInput {
                field: "id",
                message: Msg::admin(format!(
                    "message #{id} carried a code or link that has expired: sending it now would be useless, so it stays dead"
                )),
            });
        }
        let detail = format!("message #{id} ({} to {}) put back in the queue by {actor}", shown.channel, shown.to);
        self.retry(vec![id], detail, actor, client).await.map(|_| ())
    }

    /// Puts every dead-lettered message that could still be delivered back
    /// in the queue; returns how many.
    pub async fn retry_dead_messages(&self, actor: &str, client: &Client) -> Result<usize, Error> {
        let now = self.clock.now();
        let dead = self.store.outbox_page(Some(OutboxState::Dead), i64::MAX, u32::MAX).await?;
        let ids: Vec<i64> = dead.into_iter().map(|r| entry(r, now)).filter(|e| e.retryable).map(|e| e.id).collect();
        if ids.is_empty() {
            return Err(Error::InvalidInput {
                field: "id",
                message: Msg::admin("there is no dead message that could still be delivered: nothing was retried"),
            });
        }
        let detail = format!("{} dead message(s) put back in the queue by {actor}", ids.len());
        self.retry(ids, detail, actor, client).await
    }

    async fn retry(&self, ids: Vec<i64>, detail: String, actor: &str, client: &Client) -> Result<usize, Error> {
        let mut audit = self.audit(Activity::OutboxRetried, AuditOutcome::Success, "outbox", detail, client);
        audit.actor = actor.to_owned();
        let retried = self.store.retry_dead(ids, self.clock.now(), Effects::audited(vec![audit])).await?;
        self.outbox_signal.notify_one();
        Ok(retried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(expires_at: Option<i64>, state: OutboxState) -> OutboxRow {
        OutboxRow {
            id: 7,
            created_at: 100,
            channel: "sms".into(),
            recipient: "+15550100123".into(),
            subject: "Your code".into(),
            body: "Your code is 12345678".into(),
            expires_at,
            state,
            attempts: 8,
            last_error: Some("gateway refused +15550100123: unknown".into()),
        }
    }

    #[test]
    fn codes_and_links_are_never_shown_and_destinations_are_masked() {
        let shown = entry(row(Some(500), OutboxState::Dead), 200);
        assert_eq!(shown.body, None);
        assert_eq!(shown.to, "+•••••23");
        assert_eq!(shown.last_error.as_deref(), Some("gateway refused +•••••23: unknown"), "masked in errors too");
        assert!(shown.retryable);
        assert!(!entry(row(Some(150), OutboxState::Dead), 200).retryable, "an expired code is not retried");
        assert!(!entry(row(None, OutboxState::Sent), 200).retryable);
        let notice = entry(row(None, OutboxState::Dead), 200);
        assert_eq!(notice.body.as_deref(), Some("Your code is 12345678"));
        assert!(notice.retryable);
    }

    #[test]
    fn the_state_filter_names_the_states() {
        assert_eq!(parse_state("").unwrap(), None);
        assert_eq!(parse_state("all").unwrap(), None);
        assert_eq!(parse_state("dead").unwrap(), Some(OutboxState::Dead));
        assert!(parse_state("gone").unwrap_err().to_string().contains("use all, pending, sent, dead or expired"));
    }
}
