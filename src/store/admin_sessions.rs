//! Signed-in sessions of the admin portal and the list of admin API
//! tokens. Only SHA-256 digests of tokens are stored.

use super::{Effects, Error, Store};
use rusqlite::{OptionalExtension, params};

/// An admin session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSessionRow {
    /// Row id.
    pub id: i64,
    /// The administrator's user ID as the directory spells it.
    pub login: String,
    /// The directory that vouched for them.
    pub directory: String,
    /// Their account in it, to re-check the password on re-authentication.
    pub account_id: String,
    /// Sign-in time (absolute timeout).
    pub created_at: i64,
    /// Last request (idle timeout).
    pub touched_at: i64,
    /// Last time the password was typed (sensitive changes).
    pub reauth_at: i64,
}

/// An admin API token as the tokens page lists it (never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminTokenRow {
    /// Row id, for revoking.
    pub id: i64,
    /// The name given when it was issued.
    pub name: String,
    /// "cli" or the administrator who issued it.
    pub created_by: String,
    /// When it was issued.
    pub created_at: i64,
    /// Its last accepted use.
    pub last_used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

/// A new admin session's fields.
#[derive(Debug, Clone)]
pub struct NewAdminSession {
    /// SHA-256 of the cookie's token.
    pub token_hash: [u8; 32],
    /// User ID as the directory spells it.
    pub login: String,
    /// Directory name.
    pub directory: String,
    /// Account id in it.
    pub account_id: String,
    /// Address it signed in from.
    pub client_ip: Option<String>,
}

impl Store {
    /// Opens an admin session, with its audit rows.
    pub async fn create_admin_session(&self, new: NewAdminSession, now: i64, effects: Effects) -> Result<i64, Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO admin_sessions (token_hash, login, directory, account_id, created_at, touched_at, reauth_at, client_ip)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, ?6)",
            )?
            .execute(params![&new.token_hash[..], new.login, new.directory, new.account_id, now, new.client_ip])?;
            Ok(tx.last_insert_rowid())
        })
        .await
    }

    /// The admin session a token opens, if any (expired ones included:
    /// the flow decides).
    pub async fn admin_session(&self, token_hash: [u8; 32]) -> Result<Option<AdminSessionRow>, Error> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT id, login, directory, account_id, created_at, touched_at, reauth_at
                     FROM admin_sessions WHERE token_hash = ?1",
                )?
                .query_row([&token_hash[..]], |r| {
                    Ok(AdminSessionRow {
                        id: r.get(0)?,
                        login: r.get(1)?,
                        directory: r.get(2)?,
                        account_id: r.get(3)?,
                        created_at: r.get(4)?,
                        touched_at: r.get(5)?,
                        reauth_at: r.get(6)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    /// Marks an admin session used now, and re-authenticated if `reauth`.
    pub async fn touch_admin_session(&self, id: i64, reauth: bool, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "UPDATE admin_sessions SET touched_at = ?2,
                 reauth_at = CASE WHEN ?3 THEN ?2 ELSE reauth_at END WHERE id = ?1",
            )?
            .execute(params![id, now, reauth])?;
            Ok(())
        })
        .await
    }

    /// Ends an admin session (sign-out or timeout), with its audit rows;
    /// sessions past `stale_before` go too.
    pub async fn end_admin_session(&self, id: i64, stale_before: i64, now: i64, effects: Effects) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached("DELETE FROM admin_sessions WHERE id = ?1 OR touched_at < ?2")?
                .execute(params![id, stale_before])?;
            Ok(())
        })
        .await
    }

    /// Every admin API token, newest first.
    pub async fn admin_tokens(&self) -> Result<Vec<AdminTokenRow>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, created_by, created_at, last_used_at, revoked_at FROM admin_tokens ORDER BY id DESC",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(AdminTokenRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_by: r.get(2)?,
                    created_at: r.get(3)?,
                    last_used_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Revokes a live token, with its audit rows; its name, or `None` when
    /// there is no live token with this id (nothing changes then).
    pub async fn revoke_admin_token(&self, id: i64, now: i64, effects: Effects) -> Result<Option<String>, Error> {
        let name = self
            .run(move |conn| {
                Ok(conn
                    .prepare_cached("SELECT name FROM admin_tokens WHERE id = ?1 AND revoked_at IS NULL")?
                    .query_row([id], |r| r.get::<_, String>(0))
                    .optional()?)
            })
            .await?;
        if name.is_none() {
            return Ok(None);
        }
        self.write(now, effects, move |tx| {
            tx.prepare_cached("UPDATE admin_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")?
                .execute(params![id, now])?;
            Ok(())
        })
        .await?;
        Ok(name)
    }

    /// Notes a token's use (the flow calls it at most once a minute per
    /// token; the condition keeps two racing calls to one change).
    pub async fn note_admin_token_use(&self, digest: [u8; 32], now: i64) -> Result<(), Error> {
        self.write(now, Effects::default(), move |tx| {
            tx.prepare_cached(
                "UPDATE admin_tokens SET last_used_at = ?2
                 WHERE token_hash = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60)",
            )?
            .execute(params![&digest[..], now])?;
            Ok(())
        })
        .await
    }
}
