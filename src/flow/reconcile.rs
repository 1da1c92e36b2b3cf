//! Start-up reconciliation of writebacks interrupted by a crash (DESIGN.md
//! §11): for each intent without an outcome, ask the directory when the
//! password was last set (AD `pwdLastSet`, OpenLDAP `pwdChangedTime`, local
//! `password_set_at`), compare it with the time it gave just before the
//! write, and record whether the write happened, or that it cannot tell.
//! Each one is audited and logged as a warning, so admins see it.

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

/// Whether an interrupted write happened, from the directory's
/// password-set time just before it (`before`) and now (`now`), and when
/// the intent was recorded (passdesk's clock).
pub fn judge(before: Option<i64>, now: Option<i64>, started_at: i64) -> WritebackOutcome {
    match (before, now) {
        (_, None) => WritebackOutcome::Unknown,
        // Set since passdesk looked, just before its write.
        (Some(b), Some(n)) if n > b => WritebackOutcome::Applied,
        // Moved back (AD's "must change at next logon" zeroes it, or
        // someone else set it): not passdesk's write to claim.
        (Some(b), Some(n)) if n < b => WritebackOutcome::Unknown,
        // Unchanged, and set so long before the intent that a write after
        // it would show a later time, however far apart the clocks are.
        (Some(b), Some(_)) if b < started_at - CLOCK_SKEW_SECS => WritebackOutcome::NotApplied,
        // Unchanged, but an earlier write fell within the skew window: a
        // write in the same second would look just the same (OpenLDAP and
        // the local directory keep whole seconds).
        (Some(_), Some(_)) => WritebackOutcome::Unknown,
        // No time before (an intent from an older passdesk, or none given):
        // only the time window can tell.
        (None, Some(n)) if n >= started_at - CLOCK_SKEW_SECS => WritebackOutcome::Applied,
        (None, Some(_)) => WritebackOutcome::NotApplied,
    }
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
                    Ok(Some(account)) => {
                        let judged = judge(open.set_before, account.password_set_at, open.started_at);
                        // An intent left open by an earlier start (the directory
                        // was down) and a later write of the same account: the
                        // moved time may be that write's.
                        let later =
                            self.store.later_writeback(open.id, open.directory.clone(), open.account_id.clone());
                        if judged == WritebackOutcome::Applied && later.await? {
                            WritebackOutcome::Unknown
                        } else {
                            judged
                        }
                    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use WritebackOutcome::{Applied, NotApplied, Unknown};

    #[test]
    fn a_set_time_that_moved_means_the_write_happened() {
        assert_eq!(judge(Some(1_000), Some(5_000), 5_000), Applied);
        assert_eq!(judge(Some(4_990), Some(5_001), 5_000), Applied);
    }

    #[test]
    fn an_unchanged_set_time_is_not_applied_only_when_it_is_old() {
        assert_eq!(judge(Some(1_000), Some(1_000), 5_000), NotApplied);
        // An earlier write seconds before the intent: the same second could
        // hold this one too, so start-up says it cannot tell.
        assert_eq!(judge(Some(4_995), Some(4_995), 5_000), Unknown);
        assert_eq!(judge(Some(5_000), Some(5_000), 5_000), Unknown);
    }

    #[test]
    fn no_time_now_cannot_tell_and_no_time_before_falls_back_to_the_window() {
        // A time that went back is someone else's doing.
        assert_eq!(judge(Some(4_000), Some(0), 5_000), Unknown);
        assert_eq!(judge(Some(1_000), None, 5_000), Unknown);
        assert_eq!(judge(None, None, 5_000), Unknown);
        assert_eq!(judge(None, Some(4_950), 5_000), Applied);
        assert_eq!(judge(None, Some(1_000), 5_000), NotApplied);
    }
}
