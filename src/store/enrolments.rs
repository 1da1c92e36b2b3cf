//! Registrations a person made with passdesk (alternate e-mail, phones,
//! security questions, authenticator), keyed by directory and account.

use super::{Effects, Error, Store, apply_effects};
use crate::domain::Enrolment;
use rusqlite::params;

/// One stored registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentRow {
    /// What was registered.
    pub kind: Enrolment,
    /// The address, number, questions JSON or sealed secret.
    pub value: String,
    /// When the person proved or set it.
    pub verified_at: i64,
    /// Authenticator: the newest step accepted.
    pub last_step: Option<i64>,
}

impl Store {
    /// Everything an account has registered.
    pub async fn enrolments(&self, directory: String, account_id: String) -> Result<Vec<EnrolmentRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT kind, value, verified_at, last_step FROM enrolments WHERE directory = ?1 AND account_id = ?2",
            )?;
            let rows = stmt.query_map(params![directory, account_id], |r| {
                let kind: String = r.get(0)?;
                Ok((kind, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, value, verified_at, last_step) = row?;
                // A kind this build does not know (written by a newer one) is skipped.
                if let Some(kind) = Enrolment::from_id(&kind) {
                    out.push(EnrolmentRow { kind, value, verified_at, last_step });
                }
            }
            Ok(out)
        })
        .await
    }

    /// Registers (or replaces) one kind for an account, with its effects.
    pub async fn put_enrolment(
        &self,
        directory: String,
        account_id: String,
        kind: Enrolment,
        value: String,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO enrolments (directory, account_id, kind, value, verified_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (directory, account_id, kind)
                 DO UPDATE SET value = excluded.value, verified_at = excluded.verified_at, last_step = NULL",
            )?
            .execute(params![directory, account_id, kind.id(), value, now])?;
            Ok(())
        })
        .await
    }

    /// Records an authenticator step as used, only if it is newer than the
    /// last one: false means the code was replayed (or raced), and nothing
    /// but the effects is written.
    pub async fn use_authenticator_step(
        &self,
        directory: String,
        account_id: String,
        step: i64,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE enrolments SET last_step = ?3
                 WHERE directory = ?1 AND account_id = ?2 AND kind = 'authenticator'
                   AND (last_step IS NULL OR last_step < ?3)",
                )?
                .execute(params![directory, account_id, step])?;
            if changed == 1 {
                apply_effects(tx, &effects, now)?;
            }
            Ok(changed == 1)
        })
        .await
    }
}
