//! Start-up reconciliation of writebacks interrupted by a crash (DESIGN.md
//! §11): for each intent without an outcome, ask the directory when the
//! password was last set (AD `pwdLastSet`, OpenLDAP `pwdChangedTime`, local
//! `password_set_at`) and record whether the write happened. Each one is
//! audited and logged as a warning, so admins see it.

use super::{Client, Error, Flows};
use crate::directory::AccountId;
use crate::domain::{Activity, AuditOutcome};
use crate::store::{Effects, WritebackOutcome};

/// Seconds of clock difference between passdesk and a directory server
/// that still count as "set at the time of the intent".
pub const CLOCK_SKEW_SECS: i64 = 120;

/// What start-up found, for the log and the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    /// Intent id.
    pub id: i64,
    /// User ID.
    pub login: String,
    /// The decision.
    pub outcome: WritebackOutcome,
}

impl Flows {
    /// Reconciles every open writeback intent.
    pub async fn reconcile_writebacks(&self) -> Result<Vec<Reconciled>, Error> {
        let client = Client { ip: None, request_id: Some("startup-reconcile".into()), lang: None };
        let mut done = Vec::new();
        for open in self.store.open_writebacks().await? {
            let outcome = match self.directory(&open.directory) {
                None => WritebackOutcome::Unknown,
                Some(dir) => match dir.account(&AccountId(open.account_id.clone())).await {
                    Ok(Some(account)) => match account.password_set_at {
                        Some(at) if at >= open.started_at - CLOCK_SKEW_SECS => WritebackOutcome::Applied,
                        Some(_) => WritebackOutcome::NotApplied,
                        None => WritebackOutcome::Unknown,
                    },
                    // The directory cannot answer now: leave it open for the next start.
                    Err(e) => {
                        tracing::warn!(intent = open.id, error = %e, "cannot reconcile a writeback yet");
                        continue;
                    }
                    Ok(None) => WritebackOutcome::Unknown,
                },
            };
            let detail = format!(
                "writeback #{} interrupted at {} reconciled on start-up: {} (directory {})",
                open.id,
                crate::clock::rfc3339(open.started_at),
                outcome.as_str(),
                open.directory
            );
            tracing::warn!(intent = open.id, login = %open.login, outcome = outcome.as_str(), "{detail}");
            let result =
                if outcome == WritebackOutcome::Applied { AuditOutcome::Success } else { AuditOutcome::Failure };
            let audit = self.audit(Activity::WritebackReconciled, result, &open.login, detail.clone(), &client);
            let effects = Effects::audited(vec![audit]);
            self.store.finish_writeback(open.id, outcome, detail, self.clock.now(), effects).await?;
            done.push(Reconciled { id: open.id, login: open.login, outcome });
        }
        Ok(done)
    }
}
