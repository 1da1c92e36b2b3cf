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
    /// An administrator exported the audit trail (pages or API).
    AuditExported,
    /// Rows older than the retention were deleted; this row summarises them
    /// and carries the last one's hash, so the chain still proves itself.
    AuditPruned,
    /// `passdesk rotate-key` replaced the server key.
    KeyRotated,
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
        Self::ReregistrationRequired,
        Self::OutboxRetried,
        Self::DirectoryChecked,
        Self::AuditPruned,
        Self::AuditExported,
        Self::KeyRotated,
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
            Self::AuditPruned => "Audit rows pruned (retention)",
            Self::AuditExported => "Audit log exported (by admin)",
            Self::KeyRotated => "Server key rotated (by admin)",
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
    /// Every event id, for lookups by number.
    pub const ALL: [EventId; 13] = [
        Self::PasswordResetStart,
        Self::PasswordResetSuccess,
        Self::PasswordResetFail,
        Self::ChangePasswordStart,
        Self::ChangePasswordSuccess,
        Self::ChangePasswordFail,
        Self::DirectoryUnknownError,
        Self::DirectoryUserNotFound,
        Self::DirectoryPermissions,
        Self::DirectoryAccountDisabled,
        Self::DirectoryAccountLockedOut,
        Self::DirectoryIncorrectPassword,
        Self::DirectoryPasswordPolicy,
    ];

    /// The numeric id.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The event's name exactly as the reference's password writeback
    /// writes it to the event log (spelling included), for rules that match
    /// on names rather than numbers.
    pub fn name(self) -> &'static str {
        match self {
            Self::PasswordResetStart => "PasswordResetStart",
            Self::PasswordResetSuccess => "PasswordResetSuccess",
            Self::PasswordResetFail => "PasswordResetFail",
            Self::ChangePasswordStart => "ChangePasswordStart",
            Self::ChangePasswordSuccess => "ChangePasswordSuccess",
            Self::ChangePasswordFail => "ChangePasswordFail",
            Self::DirectoryUnknownError => "ADUnKnownError",
            Self::DirectoryUserNotFound => "ADUserNotFoundError",
            Self::DirectoryPermissions => "ADPermissionsError",
            Self::DirectoryAccountDisabled => "ADUserAccountDisabled",
            Self::DirectoryAccountLockedOut => "ADUserAccountLockedOut",
            Self::DirectoryIncorrectPassword => "ADUserIncorrectPassword",
            Self::DirectoryPasswordPolicy => "ADPasswordPolicyError",
        }
    }

    /// The event with this numeric id.
    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// The tracing target of the event-log copy of a writeback event; the
/// telemetry layer that sends them to journald or syslog listens for it.
pub const EVENT_LOG_TARGET: &str = "passdesk::event";

/// Why an audited action failed, as a short code that stays the same across
/// releases and languages, so admins can filter and count failures by it.
///
/// The list: `wrong_code`, `code_expired`, `code_used_up`, `wrong_answers`,
/// `wrong_authenticator`, `number_mismatch`, `passkey_refused`, `blocked`,
/// `too_soon`, `budget_spent`, `delivery_unavailable`, `policy_rejected`,
/// `wrong_password`, `user_not_found`, `account_disabled`, `account_locked`,
/// `access_denied`, `directory_unavailable`, `directory_error`,
/// `partial_writeback`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A one-time code was wrong.
    WrongCode,
    /// A one-time code was past its lifetime.
    CodeExpired,
    /// A one-time code had no tries left or was already used.
    CodeUsedUp,
    /// Security answers were wrong.
    WrongAnswers,
    /// An authenticator code was wrong.
    WrongAuthenticator,
    /// The typed phone number was not the one on file.
    NumberMismatch,
    /// A passkey answer was refused.
    PasskeyRefused,
    /// Self-service is blocked for the account.
    Blocked,
    /// The password was changed too recently for another reset.
    TooSoon,
    /// The organisation's text-message budget is spent.
    BudgetSpent,
    /// The channel's transport is failing.
    DeliveryUnavailable,
    /// A password policy (passdesk's or the directory's) refused the password.
    PolicyRejected,
    /// The current password was wrong.
    WrongPassword,
    /// No such account.
    UserNotFound,
    /// The account is disabled.
    AccountDisabled,
    /// The account is locked out.
    AccountLocked,
    /// The service account lacks a right, or the account is protected.
    AccessDenied,
    /// No directory server answered.
    DirectoryUnavailable,
    /// The directory failed for a reason of its own.
    DirectoryError,
    /// A linked writeback reached some directories but not all.
    PartialWriteback,
}

impl Reason {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongCode => "wrong_code",
            Self::CodeExpired => "code_expired",
            Self::CodeUsedUp => "code_used_up",
            Self::WrongAnswers => "wrong_answers",
            Self::WrongAuthenticator => "wrong_authenticator",
            Self::NumberMismatch => "number_mismatch",
            Self::PasskeyRefused => "passkey_refused",
            Self::Blocked => "blocked",
            Self::TooSoon => "too_soon",
            Self::BudgetSpent => "budget_spent",
            Self::DeliveryUnavailable => "delivery_unavailable",
            Self::PolicyRejected => "policy_rejected",
            Self::WrongPassword => "wrong_password",
            Self::UserNotFound => "user_not_found",
            Self::AccountDisabled => "account_disabled",
            Self::AccountLocked => "account_locked",
            Self::AccessDenied => "access_denied",
            Self::DirectoryUnavailable => "directory_unavailable",
            Self::DirectoryError => "directory_error",
            Self::PartialWriteback => "partial_writeback",
        }
    }
}

/// How long the audit trail may be kept, in days, when an administrator
/// sets a retention (none = forever, the default): at least a month, so a
/// typo cannot wipe the trail, at most ten years.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 30..=3650;

/// The rows one prune deleted: a contiguous start of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrunedRange {
    /// How many rows.
    pub rows: u64,
    /// The first deleted row's id.
    pub first_id: i64,
    /// The last deleted row's id.
    pub last_id: i64,
    /// The first deleted row's time (Unix seconds).
    pub first_at: i64,
    /// The last deleted row's time (Unix seconds).
    pub last_at: i64,
    /// The last deleted row's hash, which the first remaining row chains to.
    pub last_hash: Vec<u8>,
}

/// The words in a prune summary's detail that precede the last pruned
/// row's hash (hex); `audit verify` reads the hash back after them.
pub const PRUNED_HASH_MARK: &str = "last pruned row's hash sha256:";

impl PrunedRange {
    /// The summary row's detail; `from` and `to` are the range's times as
    /// the caller formats them.
    pub fn detail(&self, days: u32, from: &str, to: &str) -> String {
        format!(
            "{} row(s) older than the retention of {days} days deleted: ids {} to {}, from {from} to {to}; {PRUNED_HASH_MARK}{}",
            self.rows,
            self.first_id,
            self.last_id,
            hex::encode(&self.last_hash)
        )
    }
}

/// The last pruned row's hash a prune summary's detail records, if it is one.
pub fn pruned_hash(detail: &str) -> Option<Vec<u8>> {
    let at = detail.find(PRUNED_HASH_MARK)? + PRUNED_HASH_MARK.len();
    hex::decode(detail.get(at..at + 64)?).ok()
}

/// The hash of the row before the first one.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The fields of one audit row that the hash chain covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// The method a send or verify step used (`MethodKind::id`, "email",
    /// "mobile_sms", "questions"…), where one applies.
    pub method: Option<String>,
    /// The directory written, unlocked or registered in, where one applies.
    pub directory: Option<String>,
    /// Why it failed, as a stable code from [`Reason`], on failures.
    pub reason: Option<String>,
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
        // Rows written before these columns existed have all three unset and
        // must keep the hash they were written with, so the fields join the
        // input only when one is set. Each is tagged present or absent, so an
        // empty text and no value never hash alike.
        if self.method.is_some() || self.directory.is_some() || self.reason.is_some() {
            field(b"facets/v1");
            for facet in [&self.method, &self.directory, &self.reason] {
                match facet {
                    Some(text) => {
                        field(b"1");
                        field(text.as_bytes());
                    }
                    None => field(b"0"),
                }
            }
        }
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests;
