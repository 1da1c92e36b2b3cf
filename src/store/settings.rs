//! Administrator-editable settings (the reset policy, branding, password
//! rules, notifications: one JSON document per key) and admin API tokens.
//! A settings change and its audit row commit together.

use super::{Effects, Error, Store};
use crate::domain::policy::ResetPolicy;
use rusqlite::{OptionalExtension, params};

const RESET_POLICY: &str = "reset_policy";

/// Writes one settings key's document inside a transaction: every
/// administrator-editable document goes through here.
pub(super) fn put_setting(tx: &rusqlite::Transaction<'_>, key: &str, value: &str, now: i64) -> Result<(), Error> {
    tx.prepare_cached(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![key, value, now])?;
    Ok(())
}

impl Store {
    /// The reset policy; the defaults until an administrator changes it.
    pub async fn reset_policy(&self) -> Result<ResetPolicy, Error> {
        self.run(|conn| {
            let stored: Option<String> = conn
                .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                .query_row([RESET_POLICY], |r| r.get(0))
                .optional()?;
            // A document written by this code always parses; anything else
            // (hand-edited) falls back to the defaults rather than failing resets.
            Ok(stored.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
        })
        .await
    }

    /// Replaces the reset policy, with its audit rows, in one transaction.
    pub async fn save_reset_policy(&self, policy: ResetPolicy, now: i64, effects: Effects) -> Result<(), Error> {
        let json = serde_json::to_string(&policy)
            .map_err(|e| Error::Open { path: "settings".into(), reason: e.to_string() })?;
        self.write(now, effects, move |tx| put_setting(tx, RESET_POLICY, &json, now)).await
    }

    /// The stored JSON document of a settings key, if an administrator saved one.
    pub async fn setting(&self, key: &'static str) -> Result<Option<String>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    /// Replaces a settings key's JSON document, with its audit rows, in one transaction.
    pub async fn save_setting(&self, key: &'static str, json: String, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| put_setting(tx, key, &json, now)).await
    }

    /// Stores a new admin API token's digest, with its audit rows.
    pub async fn add_admin_token(
        &self,
        name: String,
        created_by: String,
        digest: [u8; 32],
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO admin_tokens (name, created_by, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![name, created_by, &digest[..], now])?;
            Ok(())
        })
        .await
    }

    /// The name and last use of the live token with this digest.
    pub async fn admin_token(&self, digest: [u8; 32]) -> Result<Option<(String, Option<i64>)>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT name, last_used_at FROM admin_tokens WHERE token_hash = ?1 AND revoked_at IS NULL",
                )?
                .query_row([&digest[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })
        .await
    }
}
