//! One-time reset links sent by an administrator: stored by hash, used once.

use super::{Effects, Error, Store};
use rusqlite::{OptionalExtension, params};

/// A link to store, with the message that carries it.
#[derive(Debug, Clone)]
pub struct NewResetLink {
    /// SHA-256 of the token in the link.
    pub token_hash: [u8; 32],
    /// Directory name.
    pub directory: String,
    /// The account in it.
    pub account_id: String,
    /// The user ID.
    pub login: String,
    /// The method the link proves ("email" or "mobile_sms").
    pub method: String,
    /// Who sent it (the admin token's name, or `cli:<user>`).
    pub sent_by: String,
    /// When it stops working.
    pub expires_at: i64,
}

/// A link's account and the proof it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedResetLink {
    /// Directory name.
    pub directory: String,
    /// The account in it.
    pub account_id: String,
    /// The user ID.
    pub login: String,
    /// The method it proves.
    pub method: String,
}

impl Store {
    /// Stores a link together with its message and audit row; the
    /// account's earlier unused links stop working (only the newest counts).
    pub async fn create_reset_link(&self, link: NewResetLink, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "UPDATE reset_links SET used_at = ?3 WHERE directory = ?1 AND account_id = ?2 AND used_at IS NULL",
            )?
            .execute(params![link.directory, link.account_id, now])?;
            tx.prepare_cached(
                "INSERT INTO reset_links (token_hash, directory, account_id, login, method, sent_by, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                &link.token_hash[..],
                link.directory,
                link.account_id,
                link.login,
                link.method,
                link.sent_by,
                now,
                link.expires_at
            ])?;
            Ok(())
        })
        .await
    }

    /// Marks a live link used and returns it; `None` when it does not
    /// exist, has expired or was used already (one commit decides, so two
    /// clicks cannot both win).
    pub async fn use_reset_link(&self, token_hash: [u8; 32], now: i64) -> Result<Option<UsedResetLink>, Error> {
        self.change(move |tx| {
            let found = tx
                .prepare_cached(
                    "UPDATE reset_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                     RETURNING directory, account_id, login, method",
                )?
                .query_row(params![&token_hash[..], now], |r| {
                    Ok(UsedResetLink {
                        directory: r.get(0)?,
                        account_id: r.get(1)?,
                        login: r.get(2)?,
                        method: r.get(3)?,
                    })
                })
                .optional()?;
            Ok(found)
        })
        .await
    }

    /// A live link, without using it: the page asks before using it, and
    /// the flow checks the account before spending it.
    pub async fn live_reset_link(&self, token_hash: [u8; 32], now: i64) -> Result<Option<UsedResetLink>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT directory, account_id, login, method FROM reset_links
                     WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                )?
                .query_row(params![&token_hash[..], now], |r| {
                    Ok(UsedResetLink {
                        directory: r.get(0)?,
                        account_id: r.get(1)?,
                        login: r.get(2)?,
                        method: r.get(3)?,
                    })
                })
                .optional()?)
        })
        .await
    }
}
