//! Blocking after too many failed proofs or messages (DESIGN.md §5). The
//! key is the account ("directory:id"), or for a user ID that resolves to
//! no usable account a MAC of it, so a stranger sees the same blocking
//! behaviour either way. Blocks are audited as "Blocked from self-service
//! password reset" and never touch the directory account.

use super::{Client, Error, Flows};
use crate::domain::defence::{
    BLOCK_SECS, DESTINATION_BUDGET, FAILURE_WINDOW_SECS, MAX_FAILURES, SEND_BUDGET, SEND_WINDOW_SECS,
};
use crate::domain::{Activity, AuditOutcome};
use crate::store::{Counts, Effects, FlowRow, SendCount};

impl Flows {
    /// The key counters and blocks are kept under.
    pub(super) fn defence_key(&self, directory: &str, account_id: Option<&str>, login: &str) -> String {
        match account_id {
            Some(id) => format!("{directory}:{id}"),
            None => format!(
                "decoy:{}",
                hex::encode(self.key.mac("passdesk/defence/v1", &[login.to_lowercase().as_bytes()]))
            ),
        }
    }

    pub(super) fn flow_key(&self, flow: &FlowRow) -> String {
        self.defence_key(&flow.directory, flow.account_id.as_deref(), &flow.login)
    }

    /// Refuses a blocked key.
    pub(super) async fn ensure_not_blocked(&self, key: &str) -> Result<(), Error> {
        match self.store.blocked_until(key.to_owned(), self.clock.now()).await? {
            Some(until) => Err(Error::Blocked { until }),
            None => Ok(()),
        }
    }

    async fn block(&self, key: &str, login: &str, reason: &str, client: &Client) -> Result<i64, Error> {
        let now = self.clock.now();
        let until = now + BLOCK_SECS;
        let detail = format!("{reason}; blocked until {}", crate::clock::rfc3339(until));
        tracing::warn!(login, "{detail}");
        let facets = super::Facets::failed(crate::domain::audit::Reason::Blocked);
        let audit = self.audit_as(Activity::Blocked, AuditOutcome::Failure, login, detail.clone(), facets, client);
        self.store.block(key.to_owned(), until, detail, now, Effects::audited(vec![audit])).await?;
        Ok(until)
    }

    /// Counts a failed proof; the fifth in a day blocks the key.
    pub(super) async fn note_failure(&self, key: &str, login: &str, client: &Client) -> Result<(), Error> {
        let counts = self
            .store
            .record_defence_event(key.to_owned(), "failure", None, self.clock.now(), FAILURE_WINDOW_SECS)
            .await?;
        if counts.for_key >= MAX_FAILURES {
            self.block(key, login, &format!("{} failed proofs within 24 hours", counts.for_key), client).await?;
        }
        Ok(())
    }

    /// The budgets a message is counted against when it is queued: over
    /// the account's, the key is blocked (for real and unknown users
    /// alike); over the destination's (several accounts sharing one
    /// address), nothing is sent for a while. Either way nothing is queued.
    pub(super) fn send_count(&self, key: &str, destination: Option<&str>) -> SendCount {
        SendCount {
            key: key.to_owned(),
            destination: destination.map(str::to_owned),
            window_secs: SEND_WINDOW_SECS,
            key_budget: SEND_BUDGET,
            destination_budget: DESTINATION_BUDGET,
        }
    }

    /// The answer to a send over budget; blocks the key when it was the
    /// account's budget that ran out.
    pub(super) async fn over_budget(&self, counts: Counts, key: &str, login: &str, client: &Client) -> Error {
        if counts.for_key > SEND_BUDGET {
            let reason = format!("more than {SEND_BUDGET} messages within 10 minutes");
            return match self.block(key, login, &reason, client).await {
                Ok(until) => Error::Blocked { until },
                Err(e) => e,
            };
        }
        Error::TooSoon { retry_after: SEND_WINDOW_SECS }
    }

    /// Forgets a key's counters after a successful reset or unlock.
    pub(super) async fn clear_defence(&self, key: &str) -> Result<(), Error> {
        Ok(self.store.clear_defence(key.to_owned()).await?)
    }

    /// Lifts a block and clears the counters of a user ID (the helpdesk's
    /// unblock), audited with who did it.
    pub async fn unblock(&self, user: &str, actor: &str, client: &Client) -> Result<bool, Error> {
        let login =
            crate::domain::Login::parse(user).map_err(|e| Error::InvalidInput { field: "user", message: e.msg() })?;
        let key = match self.find_account(&login).await? {
            Some((dir, account)) => self.defence_key(dir.name(), Some(&account.id.0), login.as_str()),
            None => self.defence_key("", None, login.as_str()),
        };
        let was_blocked = self.store.blocked_until(key.clone(), self.clock.now()).await?.is_some();
        self.clear_defence(&key).await?;
        let mut audit = self.audit(
            Activity::Unblocked,
            AuditOutcome::Success,
            login.as_str(),
            format!("unblocked by {actor}"),
            client,
        );
        audit.actor = actor.to_owned();
        self.store.record(self.clock.now(), Effects::audited(vec![audit])).await?;
        Ok(was_blocked)
    }
}
