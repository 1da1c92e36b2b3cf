//! Pre-population (`passdesk import`): contact data an administrator
//! already has, so people can reset on day one without registering. The
//! file's rows are checked by `domain::import`; here each login is found in
//! its directory, and then everything is stored in one commit, with an
//! audit row per person, or nothing is.

use super::{Client, Error, Flows};
use crate::directory::Directory;
use crate::domain::Enrolment;
use crate::domain::audit::AuditRecord;
use crate::domain::import::{Fields, ImportRow, RowProblem, check_fields};
use crate::domain::mask::{mask_email, mask_phone};
use crate::domain::{Activity, AuditOutcome, Login};
use crate::i18n::Msg;
use crate::store::{Effects, ImportCounts, ImportEntry, ImportPerson};
use lookup::BULK_ROWS;
use std::sync::Arc;

mod lookup;

/// Where imported data came from, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file (`passdesk import`).
    File,
    /// The admin API (`PUT /api/v1/admin/users/{login}/methods`).
    AdminApi,
}

/// What to import: the rows that passed the file's checks, the file's
/// problems (reported together with the directory's), and how.
#[derive(Debug, Clone)]
pub struct ImportJob {
    /// Rows to look up and store.
    pub rows: Vec<ImportRow>,
    /// Problems already found in the file.
    pub earlier: Vec<RowProblem>,
    /// Replace values people verified themselves.
    pub overwrite_verified: bool,
    /// Where the data comes from.
    pub origin: Origin,
}

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
        job: ImportJob,
        actor: &str,
        client: &Client,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportSummary, Error> {
        let ImportJob { rows, earlier, overwrite_verified, origin } = job;
        let mut problems = earlier;
        let lookups = if rows.len() >= BULK_ROWS {
            self.find_rows_in_bulk(rows, progress).await?
        } else {
            self.find_rows_one_by_one(rows, progress).await?
        };
        let mut found = Vec::with_capacity(lookups.len());
        for (index, row, result) in lookups {
            match result {
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
        let mut batch = Vec::with_capacity(people);
        for (_, row, directory, account_id) in found {
            let mut given = Vec::new();
            let mut entries = Vec::new();
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
            let detail = match origin {
                Origin::File => format!("pre-populated by import (line {}): {}", row.line, given.join(", ")),
                Origin::AdminApi => format!("pre-populated through the admin API: {}", given.join(", ")),
            };
            batch.push(ImportPerson { entries, audit: self.import_audit(actor, row.login.as_str(), detail, client) });
        }
        let counts = self.store.import_enrolments(batch, overwrite_verified, self.clock.now()).await?;
        Ok(ImportSummary { people, counts })
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

/// One thing a person can be reached or proven with, as an administrator
/// sees it: the value masked, where it came from and since when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MethodInfo {
    /// `email`, `alt_email`, `mobile`, `office_phone`, `questions` or
    /// `authenticator`.
    pub kind: &'static str,
    /// Masked address or number; the number of questions; empty for an
    /// authenticator.
    pub value: String,
    /// `directory` (the account's own attribute), `user` (verified by the
    /// person), `import` (set by an administrator) or `sync` (copied from
    /// the directory's attributes by directory sync).
    pub source: &'static str,
    /// When it was set (Unix seconds), for registrations and imports.
    pub set_at: Option<i64>,
}

/// A user's contact data and registrations, for the admin API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserMethods {
    /// The user ID as asked.
    pub login: String,
    /// The directory that has the account.
    pub directory: String,
    /// Everything on file.
    pub methods: Vec<MethodInfo>,
}

impl Flows {
    /// What a user has on file (admin API), masked.
    pub async fn user_methods(&self, user: &str) -> Result<UserMethods, Error> {
        let (dir, account) = self.admin_target(user).await?;
        let methods = self.method_infos(dir.name(), &account).await?;
        Ok(UserMethods { login: user.trim().to_owned(), directory: dir.name().to_owned(), methods })
    }

    /// Everything an account has on file, masked, with its source and date
    /// (the admin API and the helpdesk page).
    pub(super) async fn method_infos(
        &self,
        directory: &str,
        account: &crate::directory::Account,
    ) -> Result<Vec<MethodInfo>, Error> {
        let rows = self.store.enrolments(directory.to_owned(), account.id.0.clone()).await?;
        let mut methods = Vec::new();
        let own = [("email", &account.email), ("mobile", &account.mobile), ("office_phone", &account.office_phone)];
        for (kind, value) in own {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                methods.push(MethodInfo { kind, value: masked(kind, v), source: "directory", set_at: None });
            }
        }
        for row in rows {
            let value = match row.kind {
                Enrolment::Questions => {
                    let n = serde_json::from_str::<Vec<serde_json::Value>>(&row.value).map_or(0, |v| v.len());
                    format!("{n} questions")
                }
                Enrolment::Authenticator => String::new(),
                kind => masked(kind.id(), &row.value),
            };
            methods.push(MethodInfo {
                kind: row.kind.id(),
                value,
                source: row.source.id(),
                set_at: Some(row.verified_at),
            });
        }
        Ok(methods)
    }

    /// Sets contact data for one user (admin API), checked and stored like
    /// an import row.
    pub async fn put_user_methods(
        &self,
        fields: &Fields<'_>,
        overwrite_verified: bool,
        actor: &str,
        client: &Client,
    ) -> Result<ImportSummary, Error> {
        let names: Vec<&str> = self.directories.iter().map(|d| d.name()).collect();
        let row = check_fields(fields, 0, &names, self.settings.phone_country.as_deref()).map_err(|message| {
            let field = message.split(':').next().and_then(field_name).unwrap_or("body");
            Error::InvalidInput { field, message: Msg::admin(message) }
        })?;
        let login = row.login.as_str().to_owned();
        let nobody = |_| ();
        let job = ImportJob { rows: vec![row], earlier: Vec::new(), overwrite_verified, origin: Origin::AdminApi };
        match self.import_contacts(job, actor, client, &nobody).await {
            Err(Error::ImportRejected(_)) => Err(Error::UserNotFound(login)),
            other => other,
        }
    }

    /// Removes one kind of a user's registered or imported data, or all of
    /// it (admin API); the directory's own attributes are not touched.
    pub async fn remove_user_methods(
        &self,
        user: &str,
        kind: Option<&str>,
        actor: &str,
        client: &Client,
    ) -> Result<usize, Error> {
        let kind = kind.map(super::helpdesk::enrolment_kind).transpose()?;
        let (dir, account) = self.admin_target(user).await?;
        let what = kind.map_or("all registered and imported data", Enrolment::id);
        let audit =
            self.import_audit(actor, account.login.as_str(), format!("removed by an administrator: {what}"), client);
        let now = self.clock.now();
        Ok(self
            .store
            .remove_enrolments(dir.name().to_owned(), account.id.0.clone(), kind, now, Effects::audited(vec![audit]))
            .await?)
    }

    async fn admin_target(&self, user: &str) -> Result<(Arc<dyn Directory>, crate::directory::Account), Error> {
        let login = Login::parse(user).map_err(|e| Error::InvalidInput { field: "login", message: e.msg() })?;
        self.find_account(&login).await?.ok_or_else(|| Error::UserNotFound(login.as_str().to_owned()))
    }
}

fn masked(kind: &str, value: &str) -> String {
    if kind.ends_with("email") { mask_email(value) } else { mask_phone(value) }
}

/// The field an import-check message names, as a static name.
fn field_name(prefix: &str) -> Option<&'static str> {
    ["login", "email", "alt_email", "mobile", "office_phone", "directory"].into_iter().find(|f| *f == prefix)
}
