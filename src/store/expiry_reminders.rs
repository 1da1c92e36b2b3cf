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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::StoreConfig;
    use crate::domain::Channel;

    fn reminder(account: &str, expires_at: i64, mark_days: u32) -> ExpiryReminder {
        let message = Message {
            channel: Channel::Email,
            recipient: format!("{account}@example.org"),
            subject: "s".into(),
            body: "b".into(),
            expires_at: Some(expires_at),
        };
        let audit = AuditRecord {
            at: 10,
            actor: "expiry-reminders".into(),
            target: account.into(),
            activity: "x".into(),
            result: "success".into(),
            event_id: None,
            detail: format!("{mark_days}"),
            client_ip: None,
            correlation: None,
            ..Default::default()
        };
        ExpiryReminder { account_id: account.into(), expires_at, mark_days, message, audit }
    }

    #[tokio::test]
    async fn each_mark_is_queued_once_per_expiry_and_passed_expiries_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreConfig { data_dir: dir.path().join("data") }).unwrap();
        let first = vec![reminder("a", 1000, 7), reminder("b", 2000, 7)];
        assert_eq!(store.record_expiry_reminders("d".into(), first, 10).await.unwrap(), 2);
        // The same marks again (a second run at once): nothing more queued or audited.
        let again = vec![reminder("a", 1000, 7), reminder("a", 1000, 3), reminder("a", 5000, 7)];
        assert_eq!(store.record_expiry_reminders("d".into(), again, 10).await.unwrap(), 2);
        assert_eq!(store.messages_after(0, 100).await.unwrap().len(), 4);
        assert_eq!(store.recent_audit(100).await.unwrap().len(), 4);
        let sent = store.expiry_marks_sent("d".into()).await.unwrap();
        assert_eq!(sent.len(), 4);
        assert!(sent.contains(&("a".into(), 1000, 3)) && sent.contains(&("a".into(), 5000, 7)));
        assert!(store.expiry_marks_sent("other".into()).await.unwrap().is_empty());
        // Once an expiry has passed its marks are forgotten.
        assert_eq!(store.record_expiry_reminders("d".into(), Vec::new(), 2000).await.unwrap(), 0);
        let left = store.expiry_marks_sent("d".into()).await.unwrap();
        assert_eq!(left, HashSet::from([("a".to_owned(), 5000, 7)]));
    }
}
