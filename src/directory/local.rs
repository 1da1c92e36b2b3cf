//! The local directory: accounts kept by passdesk itself in the
//! `local_users` table, passwords as argon2id hashes (the only passwords
//! passdesk ever stores). It is the embedded default for trying passdesk
//! without a directory server, the home of local administrators, and the
//! fast directory of the test suite. Argon2 work runs on the blocking pool.

use super::{Account, AccountId, Directory, DirectoryPolicy, Error, ResetMode, Standing};
use crate::clock::Clock;
use async_trait::async_trait;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OptionalExtension, params};
use secrecy::SecretString;
use std::sync::Arc;

type Pool = r2d2::Pool<SqliteConnectionManager>;

/// A new local account.
#[derive(Debug, Clone)]
pub struct NewLocalUser {
    /// User ID, unique ignoring case.
    pub login: String,
    /// Name shown to the person.
    pub display_name: String,
    /// E-mail address for codes.
    pub email: Option<String>,
    /// Local administrators sign in to the admin pages.
    pub is_admin: bool,
}

/// Accounts in passdesk's own database.
pub struct LocalDirectory {
    name: String,
    pool: Pool,
    clock: Arc<dyn Clock>,
}

impl LocalDirectory {
    /// A local directory over the passdesk database.
    pub fn new(name: impl Into<String>, pool: Pool, clock: Arc<dyn Clock>) -> Self {
        Self { name: name.into(), pool, clock }
    }

    async fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(|e| Error::Unavailable(e.to_string()))?;
            work(&conn)
        })
        .await
        .map_err(|_| Error::Other("a directory task stopped unexpectedly".into()))?
    }

    /// Creates an account; returns false when the user ID is already taken.
    pub async fn add_user(&self, user: NewLocalUser, password: SecretString, now: i64) -> Result<bool, Error> {
        let hash = crate::argon::hash(&password).await.map_err(|e| Error::Other(e.to_string()))?;
        self.run(move |conn| {
            let inserted = conn
                .execute(
                    "INSERT INTO local_users (login, display_name, email, password_hash, is_admin, password_set_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (login) DO NOTHING",
                    params![user.login, user.display_name, user.email, hash, user.is_admin, now],
                )
                .map_err(sql)?;
            Ok(inserted == 1)
        })
        .await
    }

    /// Every local account, for the jobs that go through all people in
    /// scope (registration reminders).
    pub async fn accounts(&self) -> Result<Vec<Account>, Error> {
        self.run(|conn| {
            let mut stmt = conn.prepare_cached("SELECT * FROM local_users ORDER BY id").map_err(sql)?;
            let rows = stmt.query_map([], account_from_row).map_err(sql)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(sql)
        })
        .await
    }

    /// The local administrators' user IDs and when each was created.
    pub async fn admins(&self) -> Result<Vec<(String, i64)>, Error> {
        self.run(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT login, created_at FROM local_users WHERE is_admin = 1 ORDER BY login")
                .map_err(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(sql)
        })
        .await
    }

    /// Deletes a local administrator unless it is the last one, in one
    /// transaction: `Ok(None)` when there is no such administrator,
    /// `Ok(Some(false))` when it is the last.
    pub async fn remove_admin(&self, login: String) -> Result<Option<bool>, Error> {
        self.run(move |conn| {
            let tx = conn.unchecked_transaction().map_err(sql)?;
            let exists: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM local_users WHERE is_admin = 1 AND login = ?1 COLLATE NOCASE",
                    [&login],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            if exists == 0 {
                return Ok(None);
            }
            let admins: i64 =
                tx.query_row("SELECT COUNT(*) FROM local_users WHERE is_admin = 1", [], |r| r.get(0)).map_err(sql)?;
            if admins <= 1 {
                return Ok(Some(false));
            }
            tx.execute("DELETE FROM local_users WHERE is_admin = 1 AND login = ?1 COLLATE NOCASE", [&login])
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
            Ok(Some(true))
        })
        .await
    }

    /// Disables or enables an account.
    pub async fn set_disabled(&self, id: &AccountId, disabled: bool) -> Result<(), Error> {
        let id = row_id(id)?;
        self.run(move |conn| {
            conn.execute("UPDATE local_users SET disabled = ?2 WHERE id = ?1", params![id, disabled]).map_err(sql)?;
            Ok(())
        })
        .await
    }

    /// Locks an account, as too many wrong passwords would.
    pub async fn lock(&self, id: &AccountId) -> Result<(), Error> {
        let id = row_id(id)?;
        self.run(move |conn| {
            conn.execute("UPDATE local_users SET locked = 1 WHERE id = ?1", [id]).map_err(sql)?;
            Ok(())
        })
        .await
    }

    /// Writes a new hash (both reset and change end here).
    async fn store_password(&self, id: i64, new: &SecretString) -> Result<(), Error> {
        let hash = crate::argon::hash(new).await.map_err(|e| Error::Other(e.to_string()))?;
        let now = self.clock.now();
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE local_users SET password_hash = ?2, password_set_at = ?3, locked = 0 WHERE id = ?1",
                    params![id, hash, now],
                )
                .map_err(sql)?;
            if changed == 0 { Err(Error::NotFound) } else { Ok(()) }
        })
        .await
    }

    async fn hash_and_state(&self, id: i64) -> Result<(String, bool, bool), Error> {
        self.run(move |conn| {
            conn.query_row("SELECT password_hash, disabled, locked FROM local_users WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(sql)?
            .ok_or(Error::NotFound)
        })
        .await
    }

    async fn check_password(&self, id: i64, password: &SecretString) -> Result<(), Error> {
        let (hash, disabled, locked) = self.hash_and_state(id).await?;
        let matches = crate::argon::verify(password, hash).await.map_err(|e| Error::Other(e.to_string()))?;
        if !matches {
            return Err(Error::InvalidCredentials);
        }
        if disabled {
            return Err(Error::AccountDisabled);
        }
        if locked {
            return Err(Error::AccountLockedOut);
        }
        Ok(())
    }
}

fn sql(e: rusqlite::Error) -> Error {
    Error::Unavailable(format!("local directory database: {e}"))
}

/// `text` with LIKE's wildcards (`%`, `_`) and the escape character
/// itself escaped, so a search for "a_b" finds only "a_b".
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn row_id(id: &AccountId) -> Result<i64, Error> {
    id.0.parse().map_err(|_| Error::NotFound)
}

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: AccountId(r.get::<_, i64>("id")?.to_string()),
        login: r.get("login")?,
        display_name: r.get("display_name")?,
        email: r.get("email")?,
        mobile: r.get("mobile")?,
        office_phone: r.get("office_phone")?,
        disabled: r.get("disabled")?,
        locked: r.get("locked")?,
        protected: false,
        link: None,
        password_set_at: Some(r.get("password_set_at")?),
    })
}

#[async_trait]
impl Directory for LocalDirectory {
    fn name(&self) -> &str {
        &self.name
    }

    async fn find(&self, login: &str) -> Result<Option<Account>, Error> {
        let login = login.to_owned();
        self.run(move |conn| {
            conn.prepare_cached(
                "SELECT * FROM local_users WHERE login = ?1 COLLATE NOCASE
                 OR (email = ?1 COLLATE NOCASE AND (SELECT count(*) FROM local_users WHERE email = ?1 COLLATE NOCASE) = 1)",
            )
            .and_then(|mut s| s.query_row([login], account_from_row).optional())
            .map_err(sql)
        })
        .await
    }

    async fn search(&self, text: &str, limit: usize) -> Result<Vec<Account>, Error> {
        let pattern = format!("%{}%", like_escaped(text.trim()));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT * FROM local_users WHERE login LIKE ?1 ESCAPE '\\' OR display_name LIKE ?1 ESCAPE '\\'
                     OR email LIKE ?1 ESCAPE '\\' ORDER BY login COLLATE NOCASE LIMIT ?2",
                )
                .map_err(sql)?;
            let rows = stmt.query_map(params![pattern, limit], account_from_row).map_err(sql)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(sql)
        })
        .await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<Account>, Error> {
        let Ok(id) = row_id(id) else { return Ok(None) };
        self.run(move |conn| {
            conn.prepare_cached("SELECT * FROM local_users WHERE id = ?1")
                .and_then(|mut s| s.query_row([id], account_from_row).optional())
                .map_err(sql)
        })
        .await
    }

    async fn authenticate(&self, id: &AccountId, password: &SecretString) -> Result<(), Error> {
        self.check_password(row_id(id)?, password).await
    }

    async fn reset_password(&self, id: &AccountId, new: &SecretString, _mode: ResetMode) -> Result<(), Error> {
        let id = row_id(id)?;
        let (_, disabled, _) = self.hash_and_state(id).await?;
        if disabled {
            return Err(Error::AccountDisabled);
        }
        self.store_password(id, new).await
    }

    async fn change_password(&self, id: &AccountId, old: &SecretString, new: &SecretString) -> Result<(), Error> {
        let id = row_id(id)?;
        self.check_password(id, old).await?;
        self.store_password(id, new).await
    }

    async fn unlock(&self, id: &AccountId) -> Result<(), Error> {
        let id = row_id(id)?;
        self.run(move |conn| {
            let changed = conn.execute("UPDATE local_users SET locked = 0 WHERE id = ?1", [id]).map_err(sql)?;
            if changed == 0 { Err(Error::NotFound) } else { Ok(()) }
        })
        .await
    }

    async fn standing(&self, id: &AccountId) -> Result<Standing, Error> {
        let id = row_id(id)?;
        let admin = self
            .run(move |conn| {
                conn.query_row("SELECT is_admin FROM local_users WHERE id = ?1", [id], |r| r.get::<_, bool>(0))
                    .optional()
                    .map_err(sql)
            })
            .await?
            .ok_or(Error::NotFound)?;
        Ok(Standing { admin, pilot: None })
    }

    async fn self_check(&self) -> Vec<super::check::CheckItem> {
        let count = self
            .run(|conn| conn.query_row("SELECT count(*) FROM local_users", [], |r| r.get::<_, i64>(0)).map_err(sql))
            .await;
        vec![match count {
            Ok(n) => super::check::CheckItem::pass("local directory", format!("{n} account(s) kept by passdesk")),
            Err(e) => super::check::CheckItem::fail(
                "local directory",
                e.to_string(),
                "check the data folder and its permissions",
            ),
        }]
    }

    async fn password_policy(&self, _id: &AccountId) -> Result<DirectoryPolicy, Error> {
        // The local directory has no rules of its own beyond passdesk's.
        Ok(DirectoryPolicy { source: "passdesk".into(), ..DirectoryPolicy::default() })
    }
}
