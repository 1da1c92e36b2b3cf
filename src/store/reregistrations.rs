//! The helpdesk's "require re-registration" marks: one per account, with
//! when and by whom. A mark is satisfied by anything the person proves or
//! confirms after it (their own enrolments' `verified_at`), so nothing has
//! to clear it.

use super::{Effects, Error, Store};
use rusqlite::{OptionalExtension, params};

/// An administrator's request that an account register again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reregistration {
    /// When it was asked (Unix seconds).
    pub required_at: i64,
    /// Who asked ("admin:login").
    pub required_by: String,
}

impl Store {
    /// Marks an account as having to register again (replacing an older
    /// mark), with the effects.
    pub async fn require_reregistration(
        &self,
        directory: String,
        account_id: String,
        by: String,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO reregistrations (directory, account_id, required_at, required_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (directory, account_id) DO UPDATE
                 SET required_at = excluded.required_at, required_by = excluded.required_by",
            )?
            .execute(params![directory, account_id, now, by])?;
            Ok(())
        })
        .await
    }

    /// The account's mark, if it has one that nothing proven or confirmed
    /// by the person since has satisfied.
    pub async fn open_reregistration(
        &self,
        directory: String,
        account_id: String,
    ) -> Result<Option<Reregistration>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT required_at, required_by FROM reregistrations r
                     WHERE directory = ?1 AND account_id = ?2
                       AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.directory = r.directory
                                       AND e.account_id = r.account_id AND e.source = 'user'
                                       AND e.verified_at > r.required_at)",
                )?
                .query_row(params![directory, account_id], |r| {
                    Ok(Reregistration { required_at: r.get(0)?, required_by: r.get(1)? })
                })
                .optional()?)
        })
        .await
    }
}
