//! Directory sync (`passdesk sync`, and on a schedule in `serve`): reads a
//! directory's whole scope once with the configured attributes, compares
//! it with what is stored (`domain::sync`), and writes the difference in
//! one commit, with an audit row (actor "sync") only for people whose data
//! changed. Nothing is written when the directory cannot be read in full.

use super::{Client, Error, Flows};
use crate::config::SyncConfig;
use crate::domain::audit::AuditRecord;
use crate::domain::sync::{Skipped, SyncCounts, SyncPlan, Wanted, plan};
use crate::domain::{Activity, AuditOutcome};
use crate::i18n::Msg;
use crate::store::SyncWrite;

/// The actor of every audit row a sync writes.
pub const ACTOR: &str = "sync";

/// How to run one sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Replace values people verified themselves (or the directory's
    /// `overwrite_verified` says so).
    pub overwrite_verified: bool,
    /// Compare and report, write nothing.
    pub dry_run: bool,
    /// Remove the data of more accounts gone from the scope than passdesk
    /// removes on its own (see [`MAX_SILENT_REMOVALS`]).
    pub allow_removals: bool,
}

/// Accounts with stored data that a sync removes on its own when they are
/// gone from the scope: at most this many, or 2% of those stored, whichever
/// is more. Beyond it, a partial read (a lost read right on one OU, a scope
/// typo, a lagging replica) is likelier than people leaving, and removal
/// cannot be undone, so the administrator must confirm.
pub const MAX_SILENT_REMOVALS: usize = 10;

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStage {
    /// Reading the directory: this many accounts so far.
    Reading(usize),
    /// Comparing with the store and writing.
    Writing,
}

/// What one directory's sync did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The directory.
    pub directory: String,
    /// The numbers.
    pub counts: SyncCounts,
    /// Values that could not be used, with the reason.
    pub skipped: Vec<Skipped>,
    /// Nothing was written.
    pub dry_run: bool,
}

impl Flows {
    /// Syncs one directory's contact data from its attributes.
    pub async fn sync_directory(
        &self,
        name: &str,
        config: &SyncConfig,
        options: SyncOptions,
        progress: &(dyn Fn(SyncStage) + Sync),
    ) -> Result<SyncReport, Error> {
        // The store is read first: data set while the directory is read
        // (an import for a new account) is never taken for a gone account's.
        let stored = self.store.directory_enrolments(name.to_owned()).await?;
        let wanted = self.read_scope(name, config, progress).await?;
        progress(SyncStage::Writing);
        if wanted.is_empty() && !stored.is_empty() {
            // An empty read is far likelier a wrong scope or a lost read
            // right than everyone leaving at once; removing all would be
            // irreversible.
            return Err(Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!(
                    "directory {name} returned no accounts, but {} registrations are stored for it; \
                     check its scope and the service account's read access. Nothing was changed",
                    stored.len()
                )),
            });
        }
        let overwrite_verified = options.overwrite_verified || config.overwrite_verified;
        let mut plan = plan(&stored, &wanted, overwrite_verified, self.settings.phone_country.as_deref());
        let accounts: std::collections::HashSet<&str> = stored.iter().map(|s| s.account_id.as_str()).collect();
        let limit = MAX_SILENT_REMOVALS.max(accounts.len() / 50);
        if plan.gone.len() > limit && !options.allow_removals {
            return Err(Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!(
                    "{} accounts with data stored for directory {name} are no longer in its scope, more than the \
                     {limit} passdesk removes on its own. If they really left, run passdesk sync --directory {name} \
                     --allow-removals; otherwise check the scope and the service account's read rights. Nothing \
                     was changed",
                    plan.gone.len()
                )),
            });
        }
        let skipped = std::mem::take(&mut plan.skipped);
        let report = SyncReport { directory: name.to_owned(), counts: plan.counts, skipped, dry_run: options.dry_run };
        let nothing_to_write = plan.people.is_empty() && plan.gone.is_empty();
        if !options.dry_run && !nothing_to_write {
            self.write_plan(name, plan, overwrite_verified).await?;
        }
        Ok(report)
    }

    /// Every account in the directory's scope with its synced attributes.
    async fn read_scope(
        &self,
        name: &str,
        config: &SyncConfig,
        progress: &(dyn Fn(SyncStage) + Sync),
    ) -> Result<Vec<Wanted>, Error> {
        let Some(directory) = self.directory(name) else {
            let names: Vec<&str> = self.directories.iter().map(|d| d.name()).collect();
            return Err(Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!("no directory is named {name:?}; use one of {}", names.join(", "))),
            });
        };
        if !config.enabled {
            return Err(Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!(
                    "sync is off for directory {name}: set enabled = true in [directories.{name}.sync]"
                )),
            });
        }
        let attributes: Vec<String> = config.mapping.iter().map(|(_, a)| a.clone()).collect();
        let seen = |n: usize| progress(SyncStage::Reading(n));
        // The administrator runs sync, so the directory's own words are shown.
        let read_failed = |e| Error::InvalidInput {
            field: "directory",
            message: Msg::admin(format!("reading directory {name} failed: {e}")),
        };
        let Some(listed) = directory.list(&attributes, &seen).await.map_err(read_failed)? else {
            return Err(Error::InvalidInput {
                field: "directory",
                message: Msg::admin(format!(
                    "directory {name} keeps its contact data in passdesk itself: there is nothing to sync"
                )),
            });
        };
        Ok(listed
            .into_iter()
            .map(|account| Wanted {
                account_id: account.id.0,
                login: account.login,
                values: config.mapping.iter().map(|(kind, _)| *kind).zip(account.values).collect(),
            })
            .collect())
    }

    /// Writes a plan in one commit, with an audit row per changed person
    /// and per account gone.
    async fn write_plan(&self, name: &str, plan: SyncPlan, overwrite_verified: bool) -> Result<(), Error> {
        let client = Client { ip: None, request_id: Some("sync".into()), lang: None };
        let people = plan.people.into_iter().map(|p| {
            let audit = self.sync_audit(&p.login, format!("synced from directory {name}: {}", p.summary), &client);
            (p.account_id, p.changes, audit)
        });
        let gone = plan.gone.into_iter().map(|(account_id, count)| {
            let detail = format!(
                "removed by sync: the account is no longer in directory {name}'s scope ({count} registration(s))"
            );
            let audit = self.sync_audit(&account_id, detail, &client);
            (account_id, audit)
        });
        let write = SyncWrite { people: people.collect(), gone: gone.collect(), overwrite_verified };
        Ok(self.store.apply_sync(name.to_owned(), write, self.clock.now()).await?)
    }

    fn sync_audit(&self, target: &str, detail: String, client: &Client) -> AuditRecord {
        let mut record = self.audit(Activity::Synced, AuditOutcome::Success, target, detail, client);
        record.actor = ACTOR.to_owned();
        record
    }
}

/// Time after start-up before the first scheduled sync: the server is
/// answering by then, and a restart does not postpone sync by a whole
/// interval.
pub const FIRST_RUN_DELAY: std::time::Duration = std::time::Duration::from_secs(10);

/// The longest one scheduled sync may take before it is given up (and
/// tried again at the next interval).
const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Starts one background task per directory whose sync has an interval
/// (`serve`); each logs its summary and carries on after a failure.
pub fn schedule(flows: &std::sync::Arc<Flows>, directories: &[crate::config::DirectoryConfig]) {
    for dir in directories.iter().filter(|d| d.sync.enabled) {
        let Some(every) = dir.sync.interval else { continue };
        let (flows, name, config) = (flows.clone(), dir.name.clone(), dir.sync.clone());
        tokio::spawn(async move {
            tokio::time::sleep(FIRST_RUN_DELAY).await;
            loop {
                // A directory that stops answering mid-read must not stall
                // the schedule for good.
                let run = flows.sync_directory(&name, &config, SyncOptions::default(), &|_| {});
                let outcome = tokio::time::timeout(RUN_LIMIT, run).await.unwrap_or_else(|_| {
                    Err(Error::InvalidInput {
                        field: "directory",
                        message: Msg::admin(format!("no answer within {} minutes", RUN_LIMIT.as_secs() / 60)),
                    })
                });
                match outcome {
                    Ok(r) => tracing::info!(
                        directory = %name,
                        accounts = r.counts.accounts,
                        added = r.counts.added,
                        changed = r.counts.changed,
                        removed = r.counts.removed,
                        kept_verified = r.counts.kept_verified,
                        skipped = r.counts.skipped,
                        gone = r.counts.gone,
                        "directory sync done"
                    ),
                    Err(e) => tracing::warn!(directory = %name, error = %e, "directory sync failed; nothing changed"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}
