//! Signed-in sessions of the registration portal, and the one registration
//! each may have waiting for its proof (a code sent to a new address, or a
//! new authenticator secret until the app's first code).

use super::{Effects, Error, Issued, SendCount, Store, apply_effects};
use crate::domain::Enrolment;
use rusqlite::{OptionalExtension, params};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Row id; also binds the codes sent in this session.
    pub id: i64,
    /// Directory name.
    pub directory: String,
    /// The account in it.
    pub account_id: String,
    /// The user ID the person signed in with.
    pub login: String,
    /// When the person signed in.
    pub created_at: i64,
    /// Last request, for the idle timeout.
    pub touched_at: i64,
    /// "Skip for now" was chosen on the registration interrupt.
    pub skipped: bool,
    /// The registration waiting for its proof.
    pub pending: Option<Pending>,
}

/// A registration waiting for its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// What is being registered.
    pub kind: Enrolment,
    /// The new address or number, or the sealed authenticator secret.
    pub value: String,
    /// MAC of the code sent (empty for an authenticator: the app makes codes).
    pub mac: Vec<u8>,
    /// When the code was sent (or the secret made).
    pub sent_at: i64,
    /// When it stops working.
    pub expires_at: i64,
    /// Tries claimed so far (each is claimed before it is compared).
    pub failures: u32,
}

/// A registration the person proved, to store as theirs.
#[derive(Debug, Clone)]
pub struct Proven {
    /// Session it was proven in.
    pub session_id: i64,
    /// What it is.
    pub kind: Enrolment,
    /// Stored value.
    pub value: String,
    /// Authenticator: the time step that proved it (never accepted again).
    pub last_step: Option<i64>,
}

const COLUMNS: &str = "id, directory, account_id, login, created_at, touched_at, skipped, \
     pending_kind, pending_value, pending_mac, pending_sent_at, pending_expires_at, pending_failures";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    let kind: Option<String> = r.get(7)?;
    let pending = match (kind.as_deref().and_then(Enrolment::from_id), r.get::<_, Option<String>>(8)?) {
        (Some(kind), Some(value)) => Some(Pending {
            kind,
            value,
            mac: r.get::<_, Option<Vec<u8>>>(9)?.unwrap_or_default(),
            sent_at: r.get::<_, Option<i64>>(10)?.unwrap_or_default(),
            expires_at: r.get::<_, Option<i64>>(11)?.unwrap_or_default(),
            failures: r.get(12)?,
        }),
        _ => None,
    };
    Ok(SessionRow {
        id: r.get(0)?,
        directory: r.get(1)?,
        account_id: r.get(2)?,
        login: r.get(3)?,
        created_at: r.get(4)?,
        touched_at: r.get(5)?,
        skipped: r.get(6)?,
        pending,
    })
}

impl Store {
    /// Opens a session for a person who just proved their password.
    pub async fn create_session(
        &self,
        token_hash: [u8; 32],
        directory: String,
        account_id: String,
        login: String,
        now: i64,
        effects: Effects,
    ) -> Result<i64, Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO sessions (token_hash, directory, account_id, login, created_at, touched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![&token_hash[..], directory, account_id, login, now])?;
            Ok(tx.last_insert_rowid())
        })
        .await
    }

    /// The session a token opens, if any.
    pub async fn session_by_token(&self, token_hash: [u8; 32]) -> Result<Option<SessionRow>, Error> {
        self.run(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = ?1");
            Ok(conn.prepare_cached(&sql)?.query_row([&token_hash[..]], session_row).optional()?)
        })
        .await
    }

    /// Marks a session used now (idle timeout), and skipped if asked.
    pub async fn touch_session(&self, id: i64, skipped: bool, now: i64) -> Result<(), Error> {
        self.change(move |tx| {
            tx.prepare_cached("UPDATE sessions SET touched_at = ?2, skipped = MAX(skipped, ?3) WHERE id = ?1")?
                .execute(params![id, now, skipped])?;
            Ok(())
        })
        .await
    }

    /// Ends a session (sign-out, expiry), with its effects.
    pub async fn end_session(&self, id: i64, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached("DELETE FROM sessions WHERE id = ?1")?.execute([id])?;
            Ok(())
        })
        .await
    }

    /// Counts a message against the send budgets and, within them, sets
    /// the session's waiting registration and queues its code, in one
    /// commit (as `issue_code` does for a reset).
    pub async fn set_pending(
        &self,
        session_id: i64,
        pending: Pending,
        send: Option<SendCount>,
        now: i64,
        effects: Effects,
    ) -> Result<Issued, Error> {
        self.change(move |tx| {
            if let Some(send) = send {
                let counts = super::defence::count_event(
                    tx,
                    &send.key,
                    "send",
                    send.destination.as_deref(),
                    now,
                    send.window_secs,
                )?;
                if counts.for_key > send.key_budget || counts.for_destination > send.destination_budget {
                    return Ok(Issued::OverBudget(counts));
                }
            }
            tx.prepare_cached(
                "UPDATE sessions SET pending_kind = ?2, pending_value = ?3, pending_mac = ?4, pending_sent_at = ?5,
                 pending_expires_at = ?6, pending_failures = 0, touched_at = ?5 WHERE id = ?1",
            )?
            .execute(params![
                session_id,
                pending.kind.id(),
                pending.value,
                pending.mac,
                pending.sent_at,
                pending.expires_at
            ])?;
            apply_effects(tx, &effects, now)?;
            Ok(Issued::Issued)
        })
        .await
    }

    /// Claims one try at the waiting registration of `kind` before its
    /// proof is checked, so parallel guesses share its tries: returns it
    /// with the tries so far (this one included), or `None` when nothing of
    /// that kind waits, it expired, or its tries are spent.
    pub async fn claim_pending_try(
        &self,
        session_id: i64,
        kind: Enrolment,
        max_tries: u32,
        now: i64,
    ) -> Result<Option<Pending>, Error> {
        self.change(move |tx| {
            let found = tx
                .prepare_cached(
                    "UPDATE sessions SET pending_failures = pending_failures + 1, touched_at = ?5
                     WHERE id = ?1 AND pending_kind = ?2 AND pending_failures < ?3 AND pending_expires_at > ?4
                     RETURNING pending_value, pending_mac, pending_sent_at, pending_expires_at, pending_failures",
                )?
                .query_row(params![session_id, kind.id(), max_tries, now, now], |r| {
                    Ok(Pending {
                        kind,
                        value: r.get(0)?,
                        mac: r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
                        sent_at: r.get(2)?,
                        expires_at: r.get(3)?,
                        failures: r.get(4)?,
                    })
                })
                .optional()?;
            Ok(found)
        })
        .await
    }

    /// Drops the waiting registration (the person cancelled or it expired).
    pub async fn drop_pending(&self, session_id: i64, now: i64) -> Result<(), Error> {
        self.change(move |tx| {
            clear_pending(tx, session_id)?;
            tx.prepare_cached("UPDATE sessions SET touched_at = ?2 WHERE id = ?1")?
                .execute(params![session_id, now])?;
            Ok(())
        })
        .await
    }

    /// Stores what the person proved as theirs (replacing what they or an
    /// administrator had of that kind) and clears the waiting registration,
    /// with the audit row and confirmations, in one commit; only while that
    /// registration still waits (`waited`, the value it holds for its kind),
    /// so of two parallel proofs one saves; `None` for what needs no waiting
    /// proof (security questions). Returns whether it saved.
    pub async fn save_proven(
        &self,
        directory: String,
        account_id: String,
        proven: Proven,
        waited: Option<String>,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            if let Some(waited) = waited {
                let cleared = tx
                    .prepare_cached(
                        "UPDATE sessions SET pending_kind = NULL, pending_value = NULL, pending_mac = NULL,
                         pending_sent_at = NULL, pending_expires_at = NULL, pending_failures = 0, touched_at = ?4
                         WHERE id = ?1 AND pending_kind = ?2 AND pending_value = ?3",
                    )?
                    .execute(params![proven.session_id, proven.kind.id(), waited, now])?;
                if cleared != 1 {
                    return Ok(false);
                }
            }
            tx.prepare_cached(
                "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source, last_step)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'user', ?6)
                 ON CONFLICT (directory, account_id, kind) DO UPDATE
                 SET value = excluded.value, verified_at = excluded.verified_at, last_step = excluded.last_step,
                     source = 'user'",
            )?
            .execute(params![
                directory,
                account_id,
                proven.kind.id(),
                proven.value,
                now,
                proven.last_step
            ])?;
            apply_effects(tx, &effects, now)?;
            Ok(true)
        })
        .await
    }

    /// The person confirmed their registered data is still current: every
    /// row of theirs counts as verified now.
    pub async fn reconfirm_enrolments(
        &self,
        directory: String,
        account_id: String,
        now: i64,
        effects: Effects,
    ) -> Result<usize, Error> {
        self.write(now, effects, move |tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE enrolments SET verified_at = ?3 WHERE directory = ?1 AND account_id = ?2 AND source = 'user'",
                )?
                .execute(params![directory, account_id, now])?)
        })
        .await
    }

    /// Ends every session of an account (its password was reset or
    /// changed, or its owner reported a change as not theirs).
    pub async fn end_account_sessions(&self, directory: String, account_id: String) -> Result<usize, Error> {
        self.change(move |tx| {
            Ok(tx
                .prepare_cached("DELETE FROM sessions WHERE directory = ?1 AND account_id = ?2")?
                .execute(params![directory, account_id])?)
        })
        .await
    }

    /// Forgets sessions idle since `idle_before` or opened before `opened_before`.
    pub async fn purge_sessions(&self, idle_before: i64, opened_before: i64) -> Result<usize, Error> {
        self.change(move |tx| {
            Ok(tx
                .prepare_cached("DELETE FROM sessions WHERE touched_at < ?1 OR created_at < ?2")?
                .execute(params![idle_before, opened_before])?)
        })
        .await
    }
}

fn clear_pending(tx: &rusqlite::Transaction<'_>, session_id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE sessions SET pending_kind = NULL, pending_value = NULL, pending_mac = NULL, pending_sent_at = NULL,
         pending_expires_at = NULL, pending_failures = 0 WHERE id = ?1",
    )?
    .execute([session_id])?;
    Ok(())
}
