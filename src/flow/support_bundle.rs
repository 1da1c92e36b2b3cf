//! What `passdesk support-bundle` gathers from the store and the
//! directories: database statistics, outbox counts, dead letters with
//! masked recipients and no bodies, the newest audit rows, and the
//! directories' self-check under a time limit. Rendering and redaction are
//! the command's job; nothing here knows how the bundle looks.

use super::{Error, Flows};
use crate::directory::check::CheckItem;
use crate::domain::mask::{mask_email, mask_phone};
use crate::store::{AuditRow, DatabaseStats, DeadLetter};
use std::time::Duration;

/// The facts of one installation a support person may see.
#[derive(Debug, Clone)]
pub struct SupportFacts {
    /// Row counts and pragmas.
    pub database: DatabaseStats,
    /// Messages per outbox state.
    pub outbox_depth: Vec<(String, u64)>,
    /// Dead letters, newest first, recipients already masked.
    pub dead_letters: Vec<DeadLetter>,
    /// The newest audit rows, newest first.
    pub audit: Vec<AuditRow>,
}

/// The directories' self-check, or why there is none.
#[derive(Debug, Clone)]
pub enum CheckOutcome {
    /// Each directory's name and checklist.
    Done(Vec<(String, Vec<CheckItem>)>),
    /// It took longer than the limit (a directory that does not answer).
    TimedOut(Duration),
}

impl Flows {
    /// Reads the facts; `audit_rows` and `dead_letters` bound how many rows
    /// of each are read.
    pub async fn support_facts(&self, audit_rows: u32, dead_letters: u32) -> Result<SupportFacts, Error> {
        let database = self.store.statistics().await?;
        let outbox_depth = self.store.outbox_depth().await?;
        let mut letters = self.store.dead_letters(dead_letters).await?;
        for letter in &mut letters {
            // The recipient is personal data: the hint people see is enough.
            letter.recipient = match letter.channel.as_str() {
                "email" => mask_email(&letter.recipient),
                _ => mask_phone(&letter.recipient),
            };
        }
        let audit = self.store.recent_audit(audit_rows).await?;
        Ok(SupportFacts { database, outbox_depth, dead_letters: letters, audit })
    }

    /// Runs every directory's self-check, giving up after `limit` (the
    /// checks' own timeouts apply per operation, not to the whole list).
    pub async fn bounded_self_check(&self, limit: Duration) -> CheckOutcome {
        match tokio::time::timeout(limit, self.self_check()).await {
            Ok(results) => CheckOutcome::Done(results),
            Err(_) => CheckOutcome::TimedOut(limit),
        }
    }
}
