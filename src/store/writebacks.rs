//! Writeback intents and outcomes (DESIGN.md §11): the intent commits
//! before the LDAP write, the outcome after; an intent left open by a crash
//! is reconciled at start-up.

use super::{Effects, Error, Store};
use rusqlite::params;

/// What a writeback does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritebackKind {
    /// A reset by the service account.
    Reset,
    /// A change by the person.
    Change,
}

impl WritebackKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Change => "change",
        }
    }
}

/// How a writeback ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritebackOutcome {
    /// The directory confirmed the write.
    Written,
    /// The directory refused it or could not be reached.
    Failed,
    /// Found open at start-up; the directory shows the password was set.
    Applied,
    /// Found open at start-up; the directory shows no new password.
    NotApplied,
    /// Found open at start-up; the directory could not tell.
    Unknown,
}

impl WritebackOutcome {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Written => "written",
            Self::Failed => "failed",
            Self::Applied => "applied",
            Self::NotApplied => "not_applied",
            Self::Unknown => "unknown",
        }
    }
}

/// The account a writeback intent is for.
#[derive(Debug, Clone)]
pub struct WritebackAccount {
    /// Directory name.
    pub directory: String,
    /// The account written.
    pub account_id: String,
    /// The user ID, for the audit trail.
    pub login: String,
    /// The account's password-set time as the directory gave it just
    /// before the write (None when it gives none).
    pub set_before: Option<i64>,
}

/// An intent that never got its outcome.
#[derive(Debug, Clone)]
pub struct OpenWriteback {
    /// Row id.
    pub id: i64,
    /// Directory name.
    pub directory: String,
    /// The account written.
    pub account_id: String,
    /// The user ID, for the audit trail.
    pub login: String,
    /// When the intent was recorded.
    pub started_at: i64,
    /// When the directory said the password was last set, read just before
    /// the write (None when it gave no time, or for intents recorded
    /// before passdesk kept it).
    pub set_before: Option<i64>,
}

/// Records how a writeback ended, inside the caller's transaction; an
/// outcome already recorded is kept.
pub(super) fn finish(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    outcome: WritebackOutcome,
    detail: &str,
    now: i64,
) -> Result<(), Error> {
    tx.prepare_cached(
        "UPDATE writebacks SET finished_at = ?2, outcome = ?3, detail = ?4 WHERE id = ?1 AND finished_at IS NULL",
    )?
    .execute(params![id, now, outcome.as_str(), detail])?;
    Ok(())
}

impl Store {
    /// Records the intent (with its effects, e.g. the 31001 audit row)
    /// before the directory is written; returns its id. `set_before` is
    /// the account's password-set time as the directory gave it just
    /// before, for reconciling the intent if passdesk dies mid-write.
    pub async fn begin_writeback(
        &self,
        kind: WritebackKind,
        account: WritebackAccount,
        now: i64,
        effects: Effects,
    ) -> Result<i64, Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO writebacks (kind, directory, account_id, login, started_at, set_before)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                kind.as_str(),
                account.directory,
                account.account_id,
                account.login,
                now,
                account.set_before
            ])?;
            let id = tx.last_insert_rowid();
            Ok(id)
        })
        .await
    }

    /// Records how a writeback ended, with its effects.
    pub async fn finish_writeback(
        &self,
        id: i64,
        outcome: WritebackOutcome,
        detail: String,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| finish(tx, id, outcome, &detail, now)).await
    }

    /// Intents without an outcome, oldest first.
    pub async fn open_writebacks(&self) -> Result<Vec<OpenWriteback>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, directory, account_id, login, started_at, set_before
                 FROM writebacks WHERE finished_at IS NULL ORDER BY id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(OpenWriteback {
                        id: r.get(0)?,
                        directory: r.get(1)?,
                        account_id: r.get(2)?,
                        login: r.get(3)?,
                        started_at: r.get(4)?,
                        set_before: r.get(5)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Whether passdesk began another writeback of the same account after
    /// intent `id` (its write would move the directory's time too).
    pub async fn later_writeback(&self, id: i64, directory: String, account_id: String) -> Result<bool, Error> {
        self.run(move |conn| {
            let sql = "SELECT EXISTS (SELECT 1 FROM writebacks WHERE id > ?1 AND directory = ?2 AND account_id = ?3)";
            Ok(conn.query_row(sql, params![id, directory, account_id], |r| r.get(0))?)
        })
        .await
    }

    /// The outcome of a writeback, for tests and admin views.
    pub async fn writeback_outcome(&self, id: i64) -> Result<Option<String>, Error> {
        self.run(move |conn| Ok(conn.query_row("SELECT outcome FROM writebacks WHERE id = ?1", [id], |r| r.get(0))?))
            .await
    }
}
