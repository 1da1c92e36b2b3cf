//! "This wasn't me" links: stored as a digest with the account they speak
//! for, valid for a week, followed at most once.

use super::{Effects, Error, Store, apply_effects};
use rusqlite::{OptionalExtension, params};

/// A report link about to be sent.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// SHA-256 of the link's token.
    pub token_hash: [u8; 32],
    /// Directory name.
    pub directory: String,
    /// The account the notice was about.
    pub account_id: String,
    /// Its user ID, for the audit trail.
    pub login: String,
    /// What the notice reported ("reset", "change", "unlock").
    pub what: String,
    /// When the link stops working.
    pub expires_at: i64,
}

/// A stored report link.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// Row id.
    pub id: i64,
    /// Directory name.
    pub directory: String,
    /// The account.
    pub account_id: String,
    /// Its user ID.
    pub login: String,
    /// What the notice reported.
    pub what: String,
    /// When the notice was sent.
    pub created_at: i64,
    /// When the link stops working.
    pub expires_at: i64,
    /// When it was followed, if it was.
    pub used_at: Option<i64>,
}

/// Stores a report link inside the transaction that queues its notice.
pub(super) fn insert(tx: &rusqlite::Transaction<'_>, report: &NewReport, now: i64) -> Result<(), Error> {
    tx.prepare_cached(
        "INSERT INTO reports (token_hash, directory, account_id, login, what, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &report.token_hash[..],
        report.directory,
        report.account_id,
        report.login,
        report.what,
        now,
        report.expires_at
    ])?;
    Ok(())
}

impl Store {
    /// The report link with this token digest.
    pub async fn report_by_token(&self, token_hash: [u8; 32]) -> Result<Option<ReportRow>, Error> {
        self.run(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT id, directory, account_id, login, what, created_at, expires_at, used_at
                     FROM reports WHERE token_hash = ?1",
                )?
                .query_row([&token_hash[..]], |r| {
                    Ok(ReportRow {
                        id: r.get(0)?,
                        directory: r.get(1)?,
                        account_id: r.get(2)?,
                        login: r.get(3)?,
                        what: r.get(4)?,
                        created_at: r.get(5)?,
                        expires_at: r.get(6)?,
                        used_at: r.get(7)?,
                    })
                })
                .optional()?;
            Ok(row)
        })
        .await
    }

    /// Marks a report followed and blocks `key` until `until`, with the
    /// audit rows and alerts, in one transaction; false when it was
    /// already followed (then nothing changes).
    pub async fn use_report(
        &self,
        report_id: i64,
        key: String,
        until: i64,
        reason: String,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            let changed = tx
                .prepare_cached("UPDATE reports SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL")?
                .execute(params![report_id, now])?;
            if changed != 1 {
                return Ok(false);
            }
            tx.prepare_cached(
                "INSERT INTO blocks (key, until, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET until = max(until, excluded.until), reason = excluded.reason",
            )?
            .execute(params![key, until, reason])?;
            apply_effects(tx, &effects, now)?;
            Ok(true)
        })
        .await
    }
}
