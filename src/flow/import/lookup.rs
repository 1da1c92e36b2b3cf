//! Finding each import row's account: one directory search per row for a
//! small file, or for a large one a single paged read of each directory's
//! scope and an in-memory match, which gives the same answers (case-blind,
//! an ambiguous login matches nobody) in a fraction of the time.

use super::super::reset::directory_error;
use super::super::{Error, Flows};
use crate::directory::{Directory, Listed};
use crate::domain::Login;
use crate::domain::import::ImportRow;
use crate::i18n::Msg;
use std::collections::HashMap;
use std::sync::Arc;

/// Directory look-ups in flight at once: enough to hide a directory's
/// round trip, few enough not to weigh on it.
const LOOKUPS_IN_FLIGHT: usize = 16;

/// From this many rows on, each directory's scope is read once and the
/// logins matched in memory: one paged search beats hundreds of single
/// searches, while a small file should not read a whole directory.
pub(super) const BULK_ROWS: usize = 500;

impl Flows {
    /// One directory search per row, [`LOOKUPS_IN_FLIGHT`] at a time: the
    /// quick way for a small file.
    pub(super) async fn find_rows_one_by_one(
        &self,
        rows: Vec<ImportRow>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<RowLookup>, Error> {
        let mut out = Vec::with_capacity(rows.len());
        let mut tasks = tokio::task::JoinSet::new();
        let mut pending = rows.into_iter().enumerate();
        loop {
            while tasks.len() < LOOKUPS_IN_FLIGHT {
                let Some((index, row)) = pending.next() else { break };
                let dirs = self.lookup_targets(&row)?;
                tasks.spawn(async move {
                    let result = find_in(&dirs, &row.login).await;
                    (index, row, result)
                });
            }
            let Some(done) = tasks.join_next().await else { break };
            let (index, row, result) = done.map_err(|e| Error::Internal(format!("import look-up: {e}")))?;
            out.push((index, row, result.map_err(directory_error)?));
            progress(out.len());
        }
        Ok(out)
    }

    /// Reads each directory the rows name (or all) once, with one paged
    /// search, and matches the logins in memory: a large file costs a few
    /// seconds of reading instead of a search per row. A directory that
    /// cannot list its accounts (local) is still asked row by row.
    pub(super) async fn find_rows_in_bulk(
        &self,
        rows: Vec<ImportRow>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<RowLookup>, Error> {
        let total = rows.len();
        let mut indexes = HashMap::new();
        for dir in &self.directories {
            let named = rows.iter().any(|r| r.directory.as_deref().is_none_or(|d| d == dir.name()));
            if !named {
                continue;
            }
            let seen = |n: usize| progress(n.min(total) / 2);
            match dir.list(&[], &seen).await {
                Ok(Some(listed)) => {
                    indexes.insert(dir.name().to_owned(), LoginIndex::new(&listed));
                }
                Ok(None) => {}
                // A directory that will not hand over its whole scope (a
                // size limit) is still asked row by row: slower, but whole.
                Err(crate::directory::Error::Other(why)) => {
                    tracing::warn!(directory = dir.name(), %why, "reading the whole scope failed; looking up row by row");
                }
                Err(e) => return Err(directory_error(e)),
            }
        }
        let mut out = Vec::with_capacity(total);
        for (index, row) in rows.into_iter().enumerate() {
            let mut result = None;
            for dir in self.lookup_targets(&row)? {
                let account_id = match indexes.get(dir.name()) {
                    Some(logins) => logins.find(row.login.as_str()),
                    None => dir.find(row.login.as_str()).await.map_err(directory_error)?.map(|a| a.id.0),
                };
                if let Some(account_id) = account_id {
                    result = Some((dir.name().to_owned(), account_id));
                    break;
                }
            }
            out.push((index, row, result));
            progress(total / 2 + out.len() / 2);
        }
        progress(total);
        Ok(out)
    }

    pub(super) fn lookup_targets(&self, row: &ImportRow) -> Result<Vec<Arc<dyn Directory>>, Error> {
        match &row.directory {
            Some(name) => self.directory(name).map(|d| vec![d]).ok_or_else(|| Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!("line {}: no directory is named {name:?}", row.line)),
            }),
            None => Ok(self.directories.clone()),
        }
    }
}

/// A row, its position in the file, and where its login was found:
/// (directory, account id), or nowhere.
pub(super) type RowLookup = (usize, ImportRow, Option<(String, String)>);

/// Every login value of a directory's accounts, folded to lower case (the
/// login attributes match without regard to case), to the account it
/// names; a value that names several accounts is ambiguous and matches
/// none, as a directory search for it would.
struct LoginIndex(HashMap<String, Option<String>>);

impl LoginIndex {
    fn new(listed: &[Listed]) -> Self {
        let mut map: HashMap<String, Option<String>> = HashMap::with_capacity(listed.len());
        for account in listed {
            for login in &account.logins {
                let key = Login::parse(login).map_or_else(|_| login.to_lowercase(), |l| l.as_str().to_lowercase());
                map.entry(key)
                    .and_modify(|id| {
                        if id.as_deref() != Some(account.id.0.as_str()) {
                            *id = None;
                        }
                    })
                    .or_insert_with(|| Some(account.id.0.clone()));
            }
        }
        Self(map)
    }

    fn find(&self, login: &str) -> Option<String> {
        self.0.get(&login.to_lowercase()).cloned().flatten()
    }
}

/// The first directory that has the login: (directory, account id).
async fn find_in(
    dirs: &[Arc<dyn Directory>],
    login: &Login,
) -> Result<Option<(String, String)>, crate::directory::Error> {
    for dir in dirs {
        if let Some(account) = dir.find(login.as_str()).await? {
            return Ok(Some((dir.name().to_owned(), account.id.0)));
        }
    }
    Ok(None)
}
