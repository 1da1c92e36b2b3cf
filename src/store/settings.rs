//! Administrator-editable settings (the reset policy) and admin API tokens.
//! A policy change and its audit row commit together.

use super::{Effects, Error, Store};
use crate::domain::policy::ResetPolicy;
use rusqlite::{OptionalExtension, params};

const RESET_POLICY: &str = "reset_policy";

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
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )?
            .execute(params![RESET_POLICY, json, now])?;
            Ok(())
        })
        .await
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

    /// The name of the live token with this digest.
    pub async fn admin_token(&self, digest: [u8; 32]) -> Result<Option<String>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached("SELECT name FROM admin_tokens WHERE token_hash = ?1 AND revoked_at IS NULL")?
                .query_row([&digest[..]], |r| r.get(0))
                .optional()?)
        })
        .await
    }
}
