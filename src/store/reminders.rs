//! When people were last reminded to register.

use super::{Effects, Error, Store};
use rusqlite::params;
use std::collections::HashSet;

impl Store {
    /// Accounts of `directory` reminded at or after `since`.
    pub async fn reminded_since(&self, directory: String, since: i64) -> Result<HashSet<String>, Error> {
        self.run(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT account_id FROM reminders WHERE directory = ?1 AND sent_at >= ?2")?;
            let rows = stmt.query_map(params![directory, since], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Records reminders sent to `accounts` of `directory`, with their
    /// messages and audit rows, in one commit.
    pub async fn record_reminders(
        &self,
        directory: String,
        accounts: Vec<String>,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO reminders (directory, account_id, sent_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (directory, account_id) DO UPDATE SET sent_at = excluded.sent_at",
            )?;
            for account in &accounts {
                stmt.execute(params![directory, account, now])?;
            }
            Ok(())
        })
        .await
    }
}
