//! Audit vocabulary. Activity names and event ids mirror the reference
//! product's (Azure AD SSPR and its writeback events), so the monitoring
//! rules administrators already have keep matching.

/// What happened, named as the reference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// A step of a reset flow (identify, send, verify…).
    FlowProgress,
    /// A password written by self-service reset.
    ResetSelfService,
    /// An account unlocked by self-service.
    UnlockSelfService,
    /// A password changed by its owner.
    ChangeSelfService,
    /// Self-service blocked for an account after too many failures.
    Blocked,
    /// A local administrator was created.
    AdminAdded,
    /// A local administrator was removed.
    AdminRemoved,
    /// A writeback interrupted by a crash was checked at start-up.
    WritebackReconciled,
    /// The reset policy was changed.
    PolicyChange,
    /// An admin API token was issued.
    AdminTokenIssued,
    /// The helpdesk lifted a self-service block.
    Unblocked,
    /// A person registered (or an administrator pre-populated) a method.
    Registered,
    /// A person followed the "this wasn't me" link of a notice.
    ReportedNotMe,
    /// An administrator sent a person a one-time reset link.
    ResetLinkSent,
    /// A person who has not registered enough was reminded to.
    ReminderSent,
    /// Directory sync added, changed or removed a person's contact data.
    Synced,
    /// A person was reminded that their password expires soon.
    ExpiryReminderSent,
    /// An administrator signed in to the admin portal (or failed to).
    AdminSignIn,
    /// An administrator signed out, or the session timed out.
    AdminSignOut,
    /// Someone who is not an administrator reached the admin portal or API.
    AdminAccessRefused,
    /// An admin API token was revoked.
    AdminTokenRevoked,
    /// The helpdesk asked a person to register their security info again.
    ReregistrationRequired,
    /// An administrator put dead-lettered messages back in the outbox.
    OutboxRetried,
    /// An administrator ran the directories' self-test from the pages.
    DirectoryChecked,
}

impl Activity {
    /// Every activity, in the order the audit page's filter lists them.
    pub const ALL: &'static [Activity] = &[
        Self::ResetSelfService,
        Self::UnlockSelfService,
        Self::ChangeSelfService,
        Self::Blocked,
        Self::Registered,
        Self::FlowProgress,
        Self::PolicyChange,
        Self::Unblocked,
        Self::ResetLinkSent,
        Self::ReportedNotMe,
        Self::ReminderSent,
        Self::ExpiryReminderSent,
        Self::Synced,
        Self::WritebackReconciled,
        Self::AdminSignIn,
        Self::AdminSignOut,
        Self::AdminAccessRefused,
        Self::AdminAdded,
        Self::AdminRemoved,
        Self::AdminTokenIssued,
        Self::AdminTokenRevoked,
    ];

    /// The activity type as written to the audit log and shown to admins.
    pub fn name(self) -> &'static str {
        match self {
            Self::FlowProgress => "Self-service password reset flow activity progress",
            Self::ResetSelfService => "Reset password (self-service)",
            Self::UnlockSelfService => "Unlock user account (self-service)",
            Self::ChangeSelfService => "Change password (self-service)",
            Self::Blocked => "Blocked from self-service password reset",
            Self::AdminAdded => "Add local administrator",
            Self::AdminRemoved => "Remove local administrator",
            Self::WritebackReconciled => "Password writeback reconciled",
            Self::PolicyChange => "Self-service password reset policy changes",
            Self::AdminTokenIssued => "Admin API token issued",
            Self::Unblocked => "Unblocked from self-service password reset (by admin)",
            Self::Registered => "User registered for self-service password reset",
            Self::ReportedNotMe => "User reported an unexpected password change (\"this wasn't me\")",
            Self::ResetLinkSent => "One-time reset link sent (by admin)",
            Self::ReminderSent => "Registration reminder sent",
            Self::Synced => "Contact data synced from the directory",
            Self::ExpiryReminderSent => "Password expiry reminder sent",
            Self::AdminSignIn => "Admin portal sign-in",
            Self::AdminSignOut => "Admin portal sign-out",
            Self::AdminAccessRefused => "Admin access refused",
            Self::AdminTokenRevoked => "Admin API token revoked",
            Self::ReregistrationRequired => "Re-registration required (by admin)",
            Self::OutboxRetried => "Outbox messages retried (by admin)",
            Self::DirectoryChecked => "Directory self-check run (by admin)",
        }
    }
}

/// Whether the audited action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    /// It worked.
    Success,
    /// It was refused or failed.
    Failure,
}

impl AuditOutcome {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// Writeback event ids, as the reference's password writeback emits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventId {
    /// 31001: a self-service reset writeback started.
    PasswordResetStart = 31001,
    /// 31002: the reset was written.
    PasswordResetSuccess = 31002,
    /// 31003: the reset writeback failed.
    PasswordResetFail = 31003,
    /// 31006: a self-service change writeback started.
    ChangePasswordStart = 31006,
    /// 31007: the change was written.
    ChangePasswordSuccess = 31007,
    /// 31008: the change writeback failed.
    ChangePasswordFail = 31008,
    /// 33001: the directory failed for a reason of its own.
    DirectoryUnknownError = 33001,
    /// 33002: the account was not found in the directory.
    DirectoryUserNotFound = 33002,
    /// 33004: the service account lacks a right (or the account is protected).
    DirectoryPermissions = 33004,
    /// 33005: the account is disabled.
    DirectoryAccountDisabled = 33005,
    /// 33006: the account is locked out.
    DirectoryAccountLockedOut = 33006,
    /// 33007: the current password was wrong.
    DirectoryIncorrectPassword = 33007,
    /// 33008: the directory's password policy refused the password.
    DirectoryPasswordPolicy = 33008,
}

impl EventId {
    /// The numeric id.
    pub fn code(self) -> i64 {
        self as i64
    }
}

/// The hash of the row before the first one.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The fields of one audit row that the hash chain covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, in Unix seconds.
    pub at: i64,
    /// Who acted ("anonymous", a login, "cli").
    pub actor: String,
    /// Whom it concerned.
    pub target: String,
    /// Activity type name.
    pub activity: String,
    /// "success" or "failure".
    pub result: String,
    /// Reference event id, where one applies.
    pub event_id: Option<i64>,
    /// Free text for admins; never a password, code or answer.
    pub detail: String,
    /// Client address.
    pub client_ip: Option<String>,
    /// Request id that ties the row to the log.
    pub correlation: Option<String>,
}

impl AuditRecord {
    /// Chains this record to the previous row's hash.
    pub fn chain_hash(&self, prev: &[u8]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(prev);
        field(&self.at.to_be_bytes());
        field(self.actor.as_bytes());
        field(self.target.as_bytes());
        field(self.activity.as_bytes());
        field(self.result.as_bytes());
        field(self.event_id.map(|e| e.to_string()).unwrap_or_default().as_bytes());
        field(self.detail.as_bytes());
        field(self.client_ip.as_deref().unwrap_or("").as_bytes());
        field(self.correlation.as_deref().unwrap_or("").as_bytes());
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            at: 1,
            actor: "alice".into(),
            target: "alice".into(),
            activity: Activity::ResetSelfService.name().into(),
            result: AuditOutcome::Success.as_str().into(),
            event_id: Some(EventId::PasswordResetSuccess.code()),
            detail: String::new(),
            client_ip: None,
            correlation: None,
        }
    }

    #[test]
    fn chain_changes_with_any_field_or_predecessor() {
        let r = record();
        let base = r.chain_hash(&GENESIS_HASH);
        assert_ne!(base, r.chain_hash(&[1; 32]));
        let mut other = r.clone();
        other.detail = "x".into();
        assert_ne!(base, other.chain_hash(&GENESIS_HASH));
        assert_eq!(EventId::PasswordResetSuccess.code(), 31002);
    }
}
