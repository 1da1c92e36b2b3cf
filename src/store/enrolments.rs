//! Registrations a person made with passdesk (alternate e-mail, phones,
//! security questions, authenticator) and contact data an administrator
//! imported, keyed by directory and account.

use super::{Effects, Error, Store, apply_effects};
use crate::domain::Enrolment;
use crate::domain::method::Source;
use rusqlite::{OptionalExtension, params};

/// One stored registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentRow {
    /// What was registered.
    pub kind: Enrolment,
    /// The address, number, questions JSON or sealed secret.
    pub value: String,
    /// When the person proved or set it.
    pub verified_at: i64,
    /// Authenticator: the newest step accepted.
    pub last_step: Option<i64>,
    /// Who set it.
    pub source: Source,
}

/// One datum an import sets for an account.
#[derive(Debug, Clone)]
pub struct ImportEntry {
    /// Directory name.
    pub directory: String,
    /// The account in it.
    pub account_id: String,
    /// What it is (e-mail, alternate e-mail, mobile, office phone).
    pub kind: Enrolment,
    /// The address or E.164 number.
    pub value: String,
}

/// One person's imported data and the audit row it gets if it changes
/// anything.
#[derive(Debug, Clone)]
pub struct ImportPerson {
    /// The data.
    pub entries: Vec<ImportEntry>,
    /// "pre-populated by …", written only when something changed.
    pub audit: crate::domain::audit::AuditRecord,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Data the account did not have.
    pub added: usize,
    /// Data replaced by a different value.
    pub changed: usize,
    /// Data that already had this value.
    pub unchanged: usize,
    /// Data the person had verified themselves, kept (not overwritten).
    pub kept_verified: usize,
}

impl Store {
    /// Everything an account has registered.
    pub async fn enrolments(&self, directory: String, account_id: String) -> Result<Vec<EnrolmentRow>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT kind, value, verified_at, last_step, source FROM enrolments WHERE directory = ?1 AND account_id = ?2",
            )?;
            let rows = stmt.query_map(params![directory, account_id], |r| {
                let kind: String = r.get(0)?;
                let source: String = r.get(4)?;
                Ok((kind, r.get(1)?, r.get(2)?, r.get(3)?, source))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, value, verified_at, last_step, source) = row?;
                let source = Source::from_id(&source).unwrap_or(Source::User);
                // A kind this build does not know (written by a newer one) is skipped.
                if let Some(kind) = Enrolment::from_id(&kind) {
                    out.push(EnrolmentRow { kind, value, verified_at, last_step, source });
                }
            }
            Ok(out)
        })
        .await
    }

    /// Registers (or replaces) one kind for an account, with its effects.
    pub async fn put_enrolment(
        &self,
        directory: String,
        account_id: String,
        kind: Enrolment,
        value: String,
        now: i64,
        effects: Effects,
    ) -> Result<(), Error> {
        self.write(now, effects, move |tx| {
            tx.prepare_cached(
                "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'user')
                 ON CONFLICT (directory, account_id, kind) DO UPDATE
                 SET value = excluded.value, verified_at = excluded.verified_at, last_step = NULL, source = 'user'",
            )?
            .execute(params![directory, account_id, kind.id(), value, now])?;
            Ok(())
        })
        .await
    }

    /// Moves one passkey's signature counter from `seen` to `count`, only
    /// if it is still `seen` (two sign-ins racing with one counter value,
    /// as a cloned authenticator would, cannot both pass). Returns whether
    /// it moved.
    pub async fn advance_passkey_count(
        &self,
        directory: String,
        account_id: String,
        credential_id: Vec<u8>,
        seen: u32,
        count: u32,
    ) -> Result<bool, Error> {
        use crate::domain::passkey::Passkey;
        self.change(move |tx| {
            let stored: Option<String> = tx
                .prepare_cached(
                    "SELECT value FROM enrolments WHERE directory = ?1 AND account_id = ?2 AND kind = 'passkey'",
                )?
                .query_row(params![directory, account_id], |r| r.get(0))
                .optional()?;
            let Some(mut list) = stored.and_then(|v| serde_json::from_str::<Vec<Passkey>>(&v).ok()) else {
                return Ok(false);
            };
            let Some(passkey) = list.iter_mut().find(|p| p.credential_id == credential_id) else { return Ok(false) };
            if passkey.sign_count != seen {
                return Ok(false);
            }
            passkey.sign_count = count;
            let value = serde_json::to_string(&list).unwrap_or_default();
            tx.prepare_cached(
                "UPDATE enrolments SET value = ?3 WHERE directory = ?1 AND account_id = ?2 AND kind = 'passkey'",
            )?
            .execute(params![directory, account_id, value])?;
            Ok(true)
        })
        .await
    }

    /// Applies a whole import in one commit: every datum is added or
    /// replaced, except that a value the person verified themselves is
    /// kept unless `overwrite_verified`; a person's audit row is written
    /// when something of theirs was added or replaced.
    pub async fn import_enrolments(
        &self,
        people: Vec<ImportPerson>,
        overwrite_verified: bool,
        now: i64,
    ) -> Result<ImportCounts, Error> {
        self.change(move |tx| {
            let mut counts = ImportCounts::default();
            let mut read = tx.prepare_cached(
                "SELECT value, source FROM enrolments WHERE directory = ?1 AND account_id = ?2 AND kind = ?3",
            )?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'import')
                 ON CONFLICT (directory, account_id, kind) DO UPDATE
                 SET value = excluded.value, verified_at = excluded.verified_at, last_step = NULL, source = 'import'",
            )?;
            for person in &people {
                let before = counts.added + counts.changed;
                for e in &person.entries {
                    let key = params![e.directory, e.account_id, e.kind.id()];
                    let current: Option<(String, String)> =
                        read.query_row(key, |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
                    match current {
                        Some((value, _)) if value == e.value => counts.unchanged += 1,
                        Some((_, source)) if source == Source::User.id() && !overwrite_verified => {
                            counts.kept_verified += 1
                        }
                        found => {
                            upsert.execute(params![e.directory, e.account_id, e.kind.id(), e.value, now])?;
                            if found.is_some() { counts.changed += 1 } else { counts.added += 1 }
                        }
                    }
                }
                if counts.added + counts.changed > before {
                    super::audit::append(tx, &person.audit)?;
                }
            }
            Ok(counts)
        })
        .await
    }

    /// Removes an account's registrations of one kind, or all of them, with
    /// the effects; returns how many were removed.
    pub async fn remove_enrolments(
        &self,
        directory: String,
        account_id: String,
        kind: Option<Enrolment>,
        now: i64,
        effects: Effects,
    ) -> Result<usize, Error> {
        self.change(move |tx| {
            let removed = match kind {
                Some(kind) => tx
                    .prepare_cached("DELETE FROM enrolments WHERE directory = ?1 AND account_id = ?2 AND kind = ?3")?
                    .execute(params![directory, account_id, kind.id()])?,
                None => tx
                    .prepare_cached("DELETE FROM enrolments WHERE directory = ?1 AND account_id = ?2")?
                    .execute(params![directory, account_id])?,
            };
            if removed > 0 {
                apply_effects(tx, &effects, now)?;
            }
            Ok(removed)
        })
        .await
    }

    /// Records an authenticator step as used, only if it is newer than the
    /// last one: false means the code was replayed (or raced), and nothing
    /// but the effects is written.
    pub async fn use_authenticator_step(
        &self,
        directory: String,
        account_id: String,
        step: i64,
        now: i64,
        effects: Effects,
    ) -> Result<bool, Error> {
        self.change(move |tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE enrolments SET last_step = ?3
                 WHERE directory = ?1 AND account_id = ?2 AND kind = 'authenticator'
                   AND (last_step IS NULL OR last_step < ?3)",
                )?
                .execute(params![directory, account_id, step])?;
            if changed == 1 {
                apply_effects(tx, &effects, now)?;
            }
            Ok(changed == 1)
        })
        .await
    }
}
