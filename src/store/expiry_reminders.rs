//! Which password-expiry reminders went out: each (account, expiry, mark)
//! once. The check and the record happen in the same transaction as the
//! message and its audit row, so two runs at once (the schedule in `serve`
//! and `passdesk remind-expiry`) still send each mark once.

use super::{Error, Store, audit, outbox};
use crate::domain::Message;
use crate::domain::audit::AuditRecord;
use rusqlite::params;
use std::collections::HashSet;

/// One reminder to record and send, unless its mark was sent already.
#[derive(Debug, Clone)]
pub struct ExpiryReminder {
    /// The directory's account id.
    pub account_id: String,
    /// The expiry the reminder counts down to (Unix seconds).
    pub expires_at: i64,
    /// The mark: days before the expiry.
    pub mark_days: u32,
    /// The e-mail.
    pub message: Message,
    /// Its audit row.
    pub audit: AuditRecord,
}

impl Store {
    /// The (account, expiry, mark) reminders already sent for `directory`.
    pub async fn expiry_marks_sent(&self, directory: String) -> Result<HashSet<(String, i64, u32)>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, expires_at, mark_days FROM expiry_reminders WHERE directory = ?1",
            )?;
            let rows = stmt.query_map(params![directory], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Records and queues each reminder whose mark was not sent yet, with
    /// its audit row, in one commit; forgets the marks of expiries before
    /// `now` (no reminder follows an expiry). Returns how many were queued.
    pub async fn record_expiry_reminders(
        &self,
        directory: String,
        reminders: Vec<ExpiryReminder>,
        now: i64,
    ) -> Result<usize, Error> {
        self.change(move |tx| {
            tx.prepare_cached("DELETE FROM expiry_reminders WHERE directory = ?1 AND expires_at <= ?2")?
                .execute(params![directory, now])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO expiry_reminders (directory, account_id, expires_at, mark_days, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?;
            let mut queued = 0;
            for r in &reminders {
                if insert.execute(params![directory, r.account_id, r.expires_at, r.mark_days, now])? == 0 {
                    continue;
                }
                outbox::enqueue(tx, &r.message, now)?;
                audit::append(tx, &r.audit)?;
                queued += 1;
            }
            Ok(queued)
        })
        .await
    }
}
