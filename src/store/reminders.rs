//! When people were last reminded to register.

use super::{Effects, EnrolmentRow, Error, Store};
use crate::domain::Enrolment;
use crate::domain::method::Source;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

impl Store {
    /// Every registration of a directory's accounts, by account, read at
    /// once for the jobs that go through everyone in scope.
    pub async fn directory_rows(&self, directory: String) -> Result<HashMap<String, Vec<EnrolmentRow>>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, kind, value, verified_at, last_step, source FROM enrolments WHERE directory = ?1",
            )?;
            let rows = stmt.query_map(params![directory], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            let mut out: HashMap<String, Vec<EnrolmentRow>> = HashMap::new();
            for row in rows {
                let (account, kind, value, verified_at, last_step, source) = row?;
                let Some(kind) = Enrolment::from_id(&kind) else { continue };
                let source = Source::from_id(&source).unwrap_or(Source::User);
                out.entry(account).or_default().push(EnrolmentRow { kind, value, verified_at, last_step, source });
            }
            Ok(out)
        })
        .await
    }

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
