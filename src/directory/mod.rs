//! Directories that hold the accounts people reset: one trait, one set of
//! operations, several flavours (`local` now; Active Directory and OpenLDAP
//! slot in behind the same trait). A directory never calls the store or the
//! notifier; `crate::flow` decides what to do with its answers.

pub mod ad;
mod ad_check;
/// Public only for the fuzz targets (`fuzz/`); passdesk reaches it through [`ad`].
#[doc(hidden)]
pub mod ad_codes;
mod ad_expiry;
pub mod check;
pub mod ldap;
pub mod listing;
pub mod local;
pub mod openldap;
mod openldap_check;
mod openldap_expiry;
pub mod search;
pub mod timed;

use async_trait::async_trait;
pub use listing::Listed;
use secrecy::SecretString;

/// Identifies an account inside one directory (a DN for LDAP, a row id for
/// the local directory). Opaque to everyone but the directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountId(pub String);

/// What passdesk knows about an account: enough to offer methods and to
/// explain refusals, never a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The directory's id for it.
    pub id: AccountId,
    /// The canonical user ID.
    pub login: String,
    /// Name to greet the person with.
    pub display_name: String,
    /// Directory e-mail address (`mail`).
    pub email: Option<String>,
    /// Mobile phone as the directory writes it.
    pub mobile: Option<String>,
    /// Office phone as the directory writes it.
    pub office_phone: Option<String>,
    /// Disabled accounts are never reset.
    pub disabled: bool,
    /// Locked out by too many wrong passwords.
    pub locked: bool,
    /// An administrative account that self-service must never touch (AD
    /// `adminCount` = 1).
    pub protected: bool,
    /// The value of the directory's `link_attribute`, when one is configured.
    pub link: Option<String>,
    /// When the password was last set (Unix seconds), if the directory says;
    /// used to reconcile a writeback interrupted by a crash.
    pub password_set_at: Option<i64>,
}

/// A directory's own password rules for one account, as far as the service
/// account can read them; merged with passdesk's rules by the flows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryPolicy {
    /// Fewest characters.
    pub min_length: Option<u32>,
    /// Passwords must mix character classes (AD complexity, ppolicy quality).
    pub complexity: bool,
    /// Previous passwords that may not be reused.
    pub history: Option<u32>,
    /// Seconds before a password may be changed again.
    pub min_age_secs: Option<i64>,
    /// Seconds after which a password expires.
    pub max_age_secs: Option<i64>,
    /// Where the rules come from ("domain policy", a PSO or ppolicy DN).
    pub source: String,
}

/// An account in scope and when its password expires, for the expiry
/// reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    /// The account as a look-up would have read it.
    pub account: Account,
    /// When its password expires, as the directory says.
    pub expiry: crate::domain::expiry::PasswordExpiry,
}

/// Where an account stands with respect to the directory's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Member of the administrators' group: the fixed administrator policy applies.
    pub admin: bool,
    /// Membership of the pilot group; `None` when the directory has none.
    pub pilot: Option<bool>,
}

/// Whether the person must change the password at next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetMode {
    /// The person chose it: it is current (AD `pwdLastSet = -1`).
    SelfService,
    /// Someone else chose it: change at next sign-in (AD `pwdLastSet = 0`).
    MustChange,
}

/// Why a directory refused a new password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyReason {
    /// Shorter than the directory allows.
    TooShort,
    /// Fails the directory's complexity rule.
    NotComplex,
    /// Used before.
    InHistory,
    /// Changed too recently.
    TooYoung,
    /// Another reason, in the directory's words.
    Other(String),
}

/// A directory's answer when an operation did not happen. Each variant is a
/// meaning the flow can act on; the detail for admins is in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The directory's password policy refused the password.
    #[error("the directory refused the password: {0:?}")]
    PolicyRejected(PolicyReason),
    /// Wrong current password.
    #[error("the password is not correct")]
    InvalidCredentials,
    /// The account is disabled.
    #[error("the account is disabled")]
    AccountDisabled,
    /// The account is locked out.
    #[error("the account is locked out")]
    AccountLockedOut,
    /// A protected (administrative) account that self-service may not touch.
    #[error("the account is protected")]
    ProtectedAccount,
    /// The service account lacks a right.
    #[error("the service account lacks the right: {missing_right}")]
    AccessDenied {
        /// The right, named as an admin would grant it.
        missing_right: String,
    },
    /// The account no longer exists.
    #[error("the account no longer exists")]
    NotFound,
    /// No server could be reached; nothing changed.
    #[error("the directory is unavailable: {0}")]
    Unavailable(String),
    /// Anything else, with the detail for admins.
    #[error("directory error: {0}")]
    Other(String),
}

/// One directory, as the flows see it.
#[async_trait]
pub trait Directory: Send + Sync {
    /// The configured name (`[directories.NAME]`).
    fn name(&self) -> &str;

    /// Finds the account a person means by the user ID they typed.
    async fn find(&self, login: &str) -> Result<Option<Account>, Error>;

    /// Accounts in scope whose user ID, name or e-mail address contains
    /// `text` (ignoring case), sorted by user ID, at most `limit`: the
    /// helpdesk's user search. `text` matches literally (no wildcards).
    async fn search(&self, text: &str, limit: usize) -> Result<Vec<Account>, Error>;

    /// Reads an account again by its id (contact data may have changed).
    async fn account(&self, id: &AccountId) -> Result<Option<Account>, Error>;

    /// Checks a password by signing in as the account.
    async fn authenticate(&self, id: &AccountId, password: &SecretString) -> Result<(), Error>;

    /// Sets a new password as the service account (forgotten password).
    async fn reset_password(&self, id: &AccountId, new: &SecretString, mode: ResetMode) -> Result<(), Error>;

    /// Changes the password as the account itself, old and new.
    async fn change_password(&self, id: &AccountId, old: &SecretString, new: &SecretString) -> Result<(), Error>;

    /// Clears a lockout without touching the password.
    async fn unlock(&self, id: &AccountId) -> Result<(), Error>;

    /// The directory's password rules that apply to this account.
    async fn password_policy(&self, id: &AccountId) -> Result<DirectoryPolicy, Error>;

    /// The account whose `link_attribute` equals `value` (another
    /// directory's account of the same person), if linking is configured.
    async fn find_linked(&self, _value: &str) -> Result<Option<Account>, Error> {
        Ok(None)
    }

    /// Every account in scope with the first value of each of
    /// `attributes`, read at once (directory sync, large imports); `seen`
    /// is told how many have arrived. `None`: this directory does not list
    /// its accounts (the local directory, whose data passdesk keeps itself).
    async fn list(&self, _attributes: &[String], _seen: &(dyn Fn(usize) + Sync)) -> Result<Option<Vec<Listed>>, Error> {
        Ok(None)
    }

    /// Every account in scope with its password's expiry, read at once
    /// (paged, like [`Directory::list`]). `None`: this directory does not
    /// know when passwords expire (the local directory).
    async fn password_expiries(&self) -> Result<Option<Vec<Expiring>>, Error> {
        Ok(None)
    }

    /// Administrator and pilot-group standing of an account (nested groups).
    async fn standing(&self, id: &AccountId) -> Result<Standing, Error>;

    /// The service-account self-test (`passdesk check`); changes nothing.
    async fn self_check(&self) -> Vec<check::CheckItem>;
}
