//! Each directory's health for the admin pages, in the reference's
//! vocabulary of six states (its on-premises integration status), from the
//! same self-test as `passdesk check`. The last result of each directory and
//! when it ran are kept in memory: a restart shows "Not checked yet" until
//! the next check.

use super::Flows;
pub use crate::directory::check::{CheckItem, Status};
use std::collections::HashMap;
use std::sync::RwLock;

/// A directory's health, as the directories page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// No check has run since passdesk started.
    NotChecked,
    /// Every check passed (warnings may remain).
    UpAndRunning,
    /// No server answered over verified TLS.
    CannotConnect,
    /// A server answered, but the service account could not sign in.
    AuthenticationFailed,
    /// The service account lacks a right self-service needs.
    PermissionsMissing,
    /// Anything else failed: a scope base or group that does not exist,
    /// one of several servers unreachable, the local database unreadable.
    NotProperlyConfigured,
}

impl Health {
    /// Every state, in the order the page explains them.
    pub const ALL: [Health; 6] = [
        Self::UpAndRunning,
        Self::NotChecked,
        Self::CannotConnect,
        Self::AuthenticationFailed,
        Self::PermissionsMissing,
        Self::NotProperlyConfigured,
    ];

    /// The state's name on the page.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotChecked => "Not checked yet",
            Self::UpAndRunning => "Up and running",
            Self::CannotConnect => "Can't connect",
            Self::AuthenticationFailed => "Authentication failed",
            Self::PermissionsMissing => "Permissions missing",
            Self::NotProperlyConfigured => "Not properly configured",
        }
    }

    /// A stable identifier (CSS class, JSON).
    pub fn id(self) -> &'static str {
        match self {
            Self::NotChecked => "not_checked",
            Self::UpAndRunning => "up_and_running",
            Self::CannotConnect => "cannot_connect",
            Self::AuthenticationFailed => "authentication_failed",
            Self::PermissionsMissing => "permissions_missing",
            Self::NotProperlyConfigured => "not_properly_configured",
        }
    }

    /// What the state means for the people who reset, in one sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::NotChecked => "passdesk has not run the self-test since it started: run a check.",
            Self::UpAndRunning => "passdesk reaches the directory and may do everything self-service needs.",
            Self::CannotConnect => "no server of this directory answers over TLS: every reset fails until one does.",
            Self::AuthenticationFailed => "the service account cannot sign in: resets and unlocks fail.",
            Self::PermissionsMissing => "the service account lacks a right: some or all resets fail.",
            Self::NotProperlyConfigured => "part of the configuration does not match the directory: see the checklist.",
        }
    }
}

/// Whether a failed item is a server that could not be reached.
fn unreachable(item: &CheckItem) -> bool {
    item.name.starts_with("server ")
        && (item.detail.starts_with("cannot connect") || item.detail.starts_with("connection lost"))
}

/// Whether a failed item is the service account's sign-in.
fn sign_in_failed(item: &CheckItem) -> bool {
    item.name.starts_with("server ") && item.detail.contains("cannot sign in")
}

/// Whether a failed item is a missing right.
fn right_missing(item: &CheckItem) -> bool {
    item.detail.starts_with("missing for ") || item.detail.contains("lacks the right")
}

/// The state a checklist amounts to: the first of "Can't connect" (no
/// server reachable), "Authentication failed", "Permissions missing" and
/// "Not properly configured" that a failed item shows, else "Up and
/// running". An empty checklist proves nothing: "Not properly configured".
pub fn health_of(items: &[CheckItem]) -> Health {
    let failed: Vec<&CheckItem> = items.iter().filter(|i| i.status == Status::Fail).collect();
    if items.is_empty() {
        return Health::NotProperlyConfigured;
    }
    if failed.is_empty() {
        return Health::UpAndRunning;
    }
    let servers: Vec<&CheckItem> = items.iter().filter(|i| i.name.starts_with("server ")).collect();
    if !servers.is_empty() && servers.iter().all(|i| i.status == Status::Fail && unreachable(i)) {
        return Health::CannotConnect;
    }
    if failed.iter().any(|i| sign_in_failed(i)) {
        return Health::AuthenticationFailed;
    }
    if failed.iter().any(|i| right_missing(i)) {
        return Health::PermissionsMissing;
    }
    Health::NotProperlyConfigured
}

/// One directory's last check.
#[derive(Debug, Clone)]
pub struct DirectoryHealth {
    /// The configured name.
    pub name: String,
    /// Its state.
    pub health: Health,
    /// When the last check ran (Unix seconds), if one has.
    pub checked_at: Option<i64>,
    /// The last check's items, in order.
    pub items: Vec<CheckItem>,
}

/// The last check of every directory, in memory.
#[derive(Debug, Default)]
pub struct HealthBoard(RwLock<HashMap<String, (i64, Vec<CheckItem>)>>);

impl Flows {
    /// Every configured directory's last check, in configuration order.
    pub fn directories_health(&self) -> Vec<DirectoryHealth> {
        let board = self.health.0.read().map(|b| b.clone()).unwrap_or_default();
        self.directories
            .iter()
            .map(|dir| match board.get(dir.name()) {
                Some((at, items)) => DirectoryHealth {
                    name: dir.name().to_owned(),
                    health: health_of(items),
                    checked_at: Some(*at),
                    items: items.clone(),
                },
                None => DirectoryHealth {
                    name: dir.name().to_owned(),
                    health: Health::NotChecked,
                    checked_at: None,
                    items: Vec::new(),
                },
            })
            .collect()
    }

    /// Runs the self-test of every directory (as `passdesk check` does),
    /// keeps the result, and returns the new health of each. Audited with
    /// the administrator as the actor: a check probes real accounts.
    pub async fn run_directory_check(
        &self,
        actor: &str,
        client: &super::Client,
    ) -> Result<Vec<DirectoryHealth>, super::Error> {
        let results = self.self_check().await;
        let now = self.clock.now();
        let mut summary = Vec::new();
        if let Ok(mut board) = self.health.0.write() {
            for (name, items) in results {
                summary.push(format!("{name}: {}", health_of(&items).label()));
                board.insert(name, (now, items));
            }
        }
        let detail = format!("directory self-check run: {}", summary.join("; "));
        let mut audit = self.audit(
            crate::domain::Activity::DirectoryChecked,
            crate::domain::AuditOutcome::Success,
            actor,
            detail,
            client,
        );
        audit.actor = actor.to_owned();
        self.store.record(now, crate::store::Effects::audited(vec![audit])).await?;
        Ok(self.directories_health())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: Status, detail: &str) -> CheckItem {
        let mut item = CheckItem::pass("server ldaps://dc1.example.test/", detail);
        item.status = status;
        item
    }

    #[test]
    fn each_failure_maps_to_its_state() {
        let ok = server(Status::Pass, "reachable, TLS certificate verified, service account signed in");
        let down = server(Status::Fail, "cannot connect over TLS: connection refused");
        let bad_bind = server(Status::Fail, "the service account cannot sign in (LDAP 49: invalid credentials)");
        let scope = CheckItem::fail("scope ou=people,dc=x", "no such entry", "correct the DN");
        let right = CheckItem::fail("Reset Password", "missing for 2 of 3 user(s): a, b", "grant Reset Password");
        let warn = CheckItem::warn("policy hints", "not listed", "upgrade");
        assert_eq!(health_of(&[ok.clone(), warn.clone()]), Health::UpAndRunning);
        assert_eq!(health_of(std::slice::from_ref(&down)), Health::CannotConnect);
        assert_eq!(health_of(&[down.clone(), down.clone()]), Health::CannotConnect);
        // One of two servers down: it still works, but is not configured right.
        assert_eq!(health_of(&[down.clone(), ok.clone()]), Health::NotProperlyConfigured);
        assert_eq!(health_of(std::slice::from_ref(&bad_bind)), Health::AuthenticationFailed);
        assert_eq!(health_of(&[ok.clone(), right.clone(), scope.clone()]), Health::PermissionsMissing);
        assert_eq!(health_of(&[ok.clone(), scope]), Health::NotProperlyConfigured);
        assert_eq!(health_of(&[]), Health::NotProperlyConfigured);
        let local = CheckItem::fail("local directory", "database locked", "check the data folder");
        assert_eq!(health_of(&[local]), Health::NotProperlyConfigured);
        let denied = CheckItem::fail("groups", "the service account lacks the right: read", "fix");
        assert_eq!(health_of(&[ok, denied]), Health::PermissionsMissing);
    }

    #[test]
    fn six_states_with_distinct_names() {
        let mut labels: Vec<&str> = Health::ALL.iter().map(|h| h.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), 6);
        assert!(Health::ALL.iter().all(|h| !h.meaning().is_empty() && !h.id().is_empty()));
    }
}
