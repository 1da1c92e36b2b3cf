//! Secrets sealed under the server key (authenticator secrets, registered
//! or waiting in a registration session): listed and re-sealed in one
//! transaction by `passdesk rotate-key`. The store never opens them; it
//! only moves the text the caller sealed.

use super::{Effects, Error, Store};

/// Where a sealed value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedPlace {
    /// A registered authenticator (`enrolments.value`).
    Enrolment,
    /// An authenticator set-up waiting in a registration session
    /// (`sessions.pending_value`).
    Pending,
}

/// One sealed value, as stored.
#[derive(Debug, Clone)]
pub struct SealedValue {
    /// Its table.
    pub place: SealedPlace,
    /// Its row.
    pub id: i64,
    /// The sealed text.
    pub value: String,
}

impl Store {
    /// Every sealed value, registered or pending.
    pub async fn sealed_values(&self) -> Result<Vec<SealedValue>, Error> {
        self.run(|conn| {
            let mut found = Vec::new();
            let queries = [
                (SealedPlace::Enrolment, "SELECT id, value FROM enrolments WHERE kind = 'authenticator'"),
                (
                    SealedPlace::Pending,
                    "SELECT id, pending_value FROM sessions
                     WHERE pending_kind = 'authenticator' AND pending_value IS NOT NULL",
                ),
            ];
            for (place, sql) in queries {
                let mut statement = conn.prepare_cached(sql)?;
                let rows = statement.query_map([], |r| Ok(SealedValue { place, id: r.get(0)?, value: r.get(1)? }))?;
                for row in rows {
                    found.push(row?);
                }
            }
            Ok(found)
        })
        .await
    }

    /// Replaces each value with its re-sealed text, and writes `effects`,
    /// in one transaction. A value that changed since it was read (or a
    /// row that went) fails the whole change, so nothing is replaced.
    pub async fn reseal(&self, changes: Vec<(SealedValue, String)>, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            for (old, new) in &changes {
                let sql = match old.place {
                    SealedPlace::Enrolment => "UPDATE enrolments SET value = ?3 WHERE id = ?1 AND value = ?2",
                    SealedPlace::Pending => {
                        "UPDATE sessions SET pending_value = ?3 WHERE id = ?1 AND pending_value = ?2"
                    }
                };
                if tx.prepare_cached(sql)?.execute(rusqlite::params![old.id, old.value, new])? != 1 {
                    return Err(Error::NotCommitted(format!(
                        "a sealed secret ({:?} row {}) changed while it was being re-sealed",
                        old.place, old.id
                    )));
                }
            }
            Ok(())
        })
        .await
    }
}
