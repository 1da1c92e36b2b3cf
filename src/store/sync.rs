//! Directory sync's reads and its one commit per directory: every stored
//! row of a directory for the comparison, then the plan's writes with an
//! audit row for each person whose data changed. The writes re-check the
//! rules in SQL, so a value a person verifies while a sync runs is still
//! kept.

use super::{Error, Store};
use crate::domain::Enrolment;
use crate::domain::audit::AuditRecord;
use crate::domain::method::Source;
use crate::domain::sync::{Change, Stored};
use rusqlite::params;

/// What a sync writes for one directory, in one commit.
#[derive(Debug, Clone, Default)]
pub struct SyncWrite {
    /// Per person: account id, the changes, and the audit row.
    pub people: Vec<(String, Vec<Change>, AuditRecord)>,
    /// Accounts gone from the scope, with their audit rows.
    pub gone: Vec<(String, AuditRecord)>,
    /// Replace values people verified themselves.
    pub overwrite_verified: bool,
}

impl Store {
    /// Every stored row of a directory; the values of contact kinds only
    /// (secrets and question hashes are not needed to compare).
    pub async fn directory_enrolments(&self, directory: String) -> Result<Vec<Stored>, Error> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT account_id, kind,
                        CASE WHEN kind IN ('email', 'alt_email', 'mobile', 'office_phone') THEN value ELSE '' END,
                        source
                 FROM enrolments WHERE directory = ?1",
            )?;
            let rows = stmt.query_map(params![directory], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (account_id, kind, value, source) = row?;
                // A kind this build does not know (a newer one wrote it) still
                // marks the account as having data; it is counted as questions.
                let kind = Enrolment::from_id(&kind).unwrap_or(Enrolment::Questions);
                let source = Source::from_id(&source).unwrap_or(Source::User);
                out.push(Stored { account_id, kind, value, source });
            }
            Ok(out)
        })
        .await
    }

    /// Applies a sync plan in one commit.
    pub async fn apply_sync(&self, directory: String, write: SyncWrite, now: i64) -> Result<(), Error> {
        self.change(move |tx| {
            // A value the person verified (or an administrator imported) is
            // replaced only when the administrator said so, even if it was
            // set just now.
            let mut put = tx.prepare_cached(
                "INSERT INTO enrolments (directory, account_id, kind, value, verified_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'sync')
                 ON CONFLICT (directory, account_id, kind) DO UPDATE
                 SET value = excluded.value, verified_at = excluded.verified_at, last_step = NULL, source = 'sync'
                 WHERE enrolments.source = 'sync' OR ?6",
            )?;
            let mut remove = tx.prepare_cached(
                "DELETE FROM enrolments WHERE directory = ?1 AND account_id = ?2 AND kind = ?3 AND source = 'sync'",
            )?;
            let mut remove_all =
                tx.prepare_cached("DELETE FROM enrolments WHERE directory = ?1 AND account_id = ?2")?;
            for (account_id, changes, audit) in &write.people {
                for change in changes {
                    match change {
                        Change::Put(kind, value) => put.execute(params![
                            directory,
                            account_id,
                            kind.id(),
                            value,
                            now,
                            write.overwrite_verified
                        ])?,
                        Change::Remove(kind) => remove.execute(params![directory, account_id, kind.id()])?,
                    };
                }
                super::audit::append(tx, audit)?;
            }
            for (account_id, audit) in &write.gone {
                if remove_all.execute(params![directory, account_id])? > 0 {
                    super::audit::append(tx, audit)?;
                }
            }
            Ok(())
        })
        .await
    }
}
