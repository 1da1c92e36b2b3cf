//! What a flow can answer instead of success. Each variant is something the
//! person (or client program) can act on; the faces map them to statuses
//! and localised sentences.

use crate::directory::PolicyReason;
use crate::domain::PasswordProblem;
use crate::i18n::Msg;

/// A flow's refusal or failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A field is malformed.
    #[error("{field}: {message}")]
    InvalidInput {
        /// The field, as named in the form and the API.
        field: &'static str,
        /// What is wrong and how to fix it, in the catalogue's words.
        message: Msg,
    },
    /// No flow has this token (never issued, purged, or finished).
    #[error("this reset session does not exist or has ended")]
    FlowNotFound,
    /// The flow outlived its session time.
    #[error("this reset session has expired")]
    FlowExpired,
    /// The step does not fit the flow's state (password before proof…);
    /// the catalogue key (`step-…`) of why.
    #[error("this step is not possible now: {}", crate::i18n::Lang::En.t(.0))]
    WrongStep(&'static str),
    /// The method was not offered in this flow.
    #[error("method: this method is not offered here")]
    UnknownMethod,
    /// Asked for a new code too soon.
    #[error("wait {retry_after} seconds before asking for another code")]
    TooSoon {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// Verify before any code was sent.
    #[error("no code was sent for this method yet")]
    NoCodeSent,
    /// The code is past its lifetime.
    #[error("the code has expired; ask for a new one")]
    CodeExpired,
    /// The code was wrong.
    #[error("the code is not correct")]
    CodeWrong {
        /// Tries left on this code.
        remaining: u32,
    },
    /// The captcha answer was forged, expired or unsolved.
    #[error("{0}")]
    Captcha(crate::domain::captcha::CaptchaError),
    /// The captcha was already used once.
    #[error("captcha: this anti-robot check was already used; get a new one")]
    CaptchaUsed,
    /// The organisation's daily text-message and call budget is spent.
    #[error("text messages and calls are paused for now")]
    PhoneBudgetSpent,
    /// A "this wasn't me" link that does not exist or has expired.
    #[error("this link does not exist or has expired")]
    ReportNotFound,
    /// The phone number typed is not the one the hint masks.
    #[error("confirm: that is not the number on file; type the full number the hint ends with")]
    NumberMismatch,
    /// At least one security answer was wrong (never says which).
    #[error("the answers are not correct; new questions are shown")]
    AnswersWrong,
    /// The authenticator code was wrong, too old or already used.
    #[error("the authenticator code is not correct; wait for the next one and try again")]
    AuthenticatorWrong,
    /// Too many wrong tries or already used: the code is dead.
    #[error("this code can no longer be used; ask for a new one")]
    CodeUsedUp,
    /// The user ID or the current password is wrong (never says which).
    #[error("the user ID or the current password is not correct")]
    WrongCredentials,
    /// The account is locked out; the person can unlock it with a proof.
    #[error("the account is locked")]
    AccountLocked,
    /// passdesk's password rules refused the new password.
    #[error("{0}")]
    PasswordRejected(#[from] PasswordProblem),
    /// The directory's rules refused the new password.
    #[error("the directory refused the password")]
    DirectoryPolicy(PolicyReason),
    /// The account cannot be changed by self-service (disabled, protected,
    /// missing right): the person must contact the helpdesk.
    #[error("this account cannot be reset here")]
    AccountNotEligible(String),
    /// A linked reset reached some directories but not all.
    #[error("the new password is set in {} but not yet in {failed}: {cause}", .written.join(", "))]
    PartialWriteback {
        /// Directories that have the new password.
        written: Vec<String>,
        /// The directory that refused or could not be reached.
        failed: String,
        /// Why, for the log.
        cause: String,
    },
    /// Self-service is blocked for this account for a while.
    #[error("self-service is blocked for this account until {until}")]
    Blocked {
        /// When the block ends (Unix seconds).
        until: i64,
    },
    /// A policy change was refused.
    #[error("{0}")]
    PolicyInvalid(crate::domain::policy::PolicyError),
    /// The administrator turned unlock-without-reset off.
    #[error("unlocking without a new password is turned off")]
    UnlockDisabled,
    /// No directory has this user (said only to administrators).
    #[error("no account {0:?} in any directory")]
    UserNotFound(String),
    /// An import file has rows that cannot be imported; nothing was.
    #[error("{} row(s) cannot be imported; nothing was imported", .0.len())]
    ImportRejected(Vec<crate::domain::import::RowProblem>),
    /// A passkey answer was refused (wrong site, bad signature, replay…).
    #[error("the passkey was not accepted: {0}")]
    PasskeyRefused(String),
    /// A one-time reset link that does not exist, expired or was used.
    #[error("this link does not work any more: it was used, or is more than 24 hours old")]
    LinkNotFound,
    /// The registration session is missing, signed out or timed out.
    #[error("sign in again: this session has ended")]
    SignInNeeded,
    /// The person proved who they are but is no administrator.
    #[error("this account is not an administrator of passdesk")]
    NotAdmin,
    /// Removing a method would leave fewer than the policy requires.
    #[error("removing this would leave {left} of the {required} method(s) the policy requires")]
    MethodNeeded {
        /// Methods the policy requires.
        required: u8,
        /// Methods left after the removal.
        left: usize,
    },
    /// No directory server answered; nothing changed.
    #[error("the directory cannot be reached; try again in a few minutes")]
    DirectoryUnavailable,
    /// The channel's transport (mail server, gateway) is failing: no code
    /// was stored or queued. Carries the cause, for the log only.
    #[error("{0}")]
    DeliveryUnavailable(String),
    /// The disk holding the database is full: nothing was kept, and the
    /// same request works again once there is room.
    #[error("{}", crate::store::Error::DiskFull)]
    StorageFull,
    /// Our own fault; the detail goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::store::Error> for Error {
    fn from(e: crate::store::Error) -> Self {
        if e.is_disk_full() { Self::StorageFull } else { Self::Internal(e.to_string()) }
    }
}
