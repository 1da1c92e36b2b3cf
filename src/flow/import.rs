//! Pre-population (`passdesk import`): contact data an administrator
//! already has, so people can reset on day one without registering. The
//! file's rows are checked by `domain::import`; here each login is found in
//! its directory, and then everything is stored in one commit, with an
//! audit row per person, or nothing is.

use super::reset::directory_error;
use super::{Client, Error, Flows};
use crate::directory::Directory;
use crate::domain::Enrolment;
use crate::domain::audit::AuditRecord;
use crate::domain::import::{ImportRow, RowProblem};
use crate::domain::{Activity, AuditOutcome, Login};
use crate::store::{Effects, ImportCounts, ImportEntry};
use std::sync::Arc;

/// Directory look-ups in flight at once: enough to hide a directory's
/// round trip, few enough not to weigh on it.
const LOOKUPS_IN_FLIGHT: usize = 16;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows (people) in the file.
    pub people: usize,
    /// What changed in the store.
    pub counts: ImportCounts,
}

impl Flows {
    /// Imports checked rows: every login must exist in its directory (the
    /// named one, else any, as for a reset), or nothing is imported and
    /// each missing one is reported with its line, together with the
    /// file's own `earlier` problems. `progress` is told how many rows have
    /// been looked up so far.
    pub async fn import_contacts(
        &self,
        rows: Vec<ImportRow>,
        earlier: Vec<RowProblem>,
        overwrite_verified: bool,
        actor: &str,
        client: &Client,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportSummary, Error> {
        let mut found = Vec::with_capacity(rows.len());
        let mut problems = earlier;
        let mut tasks = tokio::task::JoinSet::new();
        let mut pending = rows.into_iter().enumerate();
        let mut looked_up = 0;
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
            looked_up += 1;
            progress(looked_up);
            match result.map_err(directory_error)? {
                Some((directory, account_id)) => found.push((index, row, directory, account_id)),
                None => problems.push(RowProblem {
                    line: row.line,
                    reason: format!("login {}: {}", row.login.as_str(), self.not_found(&row)),
                }),
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(Error::ImportRejected(problems));
        }
        found.sort_by_key(|f| f.0);
        let people = found.len();
        let mut entries = Vec::new();
        let mut audit = Vec::with_capacity(people);
        for (_, row, directory, account_id) in found {
            let mut given = Vec::new();
            for (kind, value) in [
                (Enrolment::Email, row.email),
                (Enrolment::AltEmail, row.alt_email),
                (Enrolment::Mobile, row.mobile),
                (Enrolment::OfficePhone, row.office_phone),
            ] {
                if let Some(value) = value {
                    given.push(kind.id());
                    entries.push(ImportEntry {
                        directory: directory.clone(),
                        account_id: account_id.clone(),
                        kind,
                        value,
                    });
                }
            }
            let detail = format!("pre-populated by import (line {}): {}", row.line, given.join(", "));
            audit.push(self.import_audit(actor, row.login.as_str(), detail, client));
        }
        let counts = self
            .store
            .import_enrolments(entries, overwrite_verified, self.clock.now(), Effects::audited(audit))
            .await?;
        Ok(ImportSummary { people, counts })
    }

    fn lookup_targets(&self, row: &ImportRow) -> Result<Vec<Arc<dyn Directory>>, Error> {
        match &row.directory {
            Some(name) => self.directory(name).map(|d| vec![d]).ok_or_else(|| Error::InvalidInput {
                field: "directory",
                message: format!("line {}: no directory is named {name:?}", row.line),
            }),
            None => Ok(self.directories.clone()),
        }
    }

    fn not_found(&self, row: &ImportRow) -> String {
        match &row.directory {
            Some(name) => format!("not found in directory {name} (or outside the scope passdesk may reset)"),
            None => "not found in any directory (or outside the scope passdesk may reset)".to_owned(),
        }
    }

    fn import_audit(&self, actor: &str, login: &str, detail: String, client: &Client) -> AuditRecord {
        let mut record = self.audit(Activity::Registered, AuditOutcome::Success, login, detail, client);
        record.actor = actor.to_owned();
        record
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
