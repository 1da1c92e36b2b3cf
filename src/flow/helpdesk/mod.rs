//! The helpdesk (issue 8 item 4): find people across every directory by
//! part of a user ID, name or e-mail address, and see where one person
//! stands: in the policy's scope or not, administrator or not, registered
//! or capable, what they have on file (masked) and whether self-service is
//! blocked. The actions an administrator takes are in `actions.rs`.

mod actions;

pub use actions::USER_AUDIT_ROWS;
pub(super) use actions::enrolment_kind;

use super::import::MethodInfo;
use super::reset::directory_error;
use super::{Error, Flows};
use crate::directory::{Account, Directory};
use crate::domain::Login;
use crate::domain::mask::mask_email;
use crate::domain::policy::{Enabled, ResetPolicy};
use crate::i18n::Msg;
use crate::store::Reregistration;
use std::sync::Arc;

/// Most people a search shows; beyond it the page asks to refine.
pub const SEARCH_LIMIT: usize = 50;

/// Fewest characters a search needs (one letter would list everyone).
pub const SEARCH_MIN_CHARS: usize = 2;

/// Most characters a search may have.
pub const SEARCH_MAX_CHARS: usize = 100;

/// One person a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUser {
    /// The directory that has the account.
    pub directory: String,
    /// The canonical user ID.
    pub login: String,
    /// The name the directory gives.
    pub display_name: String,
    /// The directory's e-mail address, masked.
    pub email: Option<String>,
    /// Disabled in the directory.
    pub disabled: bool,
    /// Locked out in the directory.
    pub locked: bool,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// At most [`SEARCH_LIMIT`] people, by directory then user ID.
    pub found: Vec<FoundUser>,
    /// More matched than are shown: the search should be refined.
    pub more: bool,
    /// Directories that could not be searched, with why.
    pub failed: Vec<(String, String)>,
}

/// Where a person stands with the reset policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// Fewer independent methods on file than the policy requires.
    NotRegistered,
    /// Enough methods for the policy, but self-service is not open to
    /// them (outside the pilot group, policy off, or account disabled).
    Registered,
    /// Registered, in the policy's scope and enabled: they can reset now.
    Capable,
}

impl RegistrationState {
    /// As the page says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotRegistered => "Not registered",
            Self::Registered => "Registered",
            Self::Capable => "Capable",
        }
    }
}

/// One person as the helpdesk sees them.
#[derive(Debug, Clone)]
pub struct UserDetail {
    /// The directory that has the account.
    pub directory: String,
    /// The account as the directory reads it now.
    pub account: Account,
    /// Self-service is open to them: the policy is on for everyone, or for
    /// the pilot group and they are in it.
    pub in_scope: bool,
    /// Why not, when they are not in scope.
    pub scope_note: Option<String>,
    /// Member of the directory's administrators' group (or a local
    /// administrator): the fixed administrator policy applies.
    pub admin: bool,
    /// Registered / capable / not, against the policy that applies to them.
    pub state: RegistrationState,
    /// Independent methods the policy accepts that they have.
    pub usable: usize,
    /// Methods the policy that applies to them requires.
    pub required: u8,
    /// Everything on file, masked, with source and date.
    pub methods: Vec<MethodInfo>,
    /// Self-service is blocked until then (Unix seconds).
    pub blocked_until: Option<i64>,
    /// An open request to register again.
    pub reregistration: Option<Reregistration>,
}

/// Whether the policy's "enabled for" covers a person, and why not.
pub fn scope_of(policy: &ResetPolicy, pilot: Option<bool>, directory: &str) -> Result<(), String> {
    match (policy.enabled, pilot) {
        (Enabled::All, _) => Ok(()),
        (Enabled::None, _) => Err("self-service password reset is turned off for everyone".to_owned()),
        (Enabled::Group, Some(true)) => Ok(()),
        (Enabled::Group, Some(false)) => Err("not a member of the pilot group".to_owned()),
        (Enabled::Group, None) => Err(format!("enabled for a pilot group, but directory {directory} has none")),
    }
}

/// The registration state from the parts it is defined by.
pub fn registration_state(usable: usize, required: u8, in_scope: bool, disabled: bool) -> RegistrationState {
    if usable < usize::from(required) {
        RegistrationState::NotRegistered
    } else if in_scope && !disabled {
        RegistrationState::Capable
    } else {
        RegistrationState::Registered
    }
}

fn bad_search(message: String) -> Error {
    Error::InvalidInput { field: "q", message: Msg::admin(message) }
}

impl Flows {
    /// People whose user ID, name or e-mail address contains `text`, in
    /// every directory. A directory that cannot be searched is named in the
    /// answer rather than failing the whole search.
    pub async fn search_users(&self, text: &str) -> Result<SearchResults, Error> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars < SEARCH_MIN_CHARS {
            return Err(bad_search(format!(
                "type at least {SEARCH_MIN_CHARS} characters of a user ID, name or e-mail address"
            )));
        }
        if chars > SEARCH_MAX_CHARS {
            return Err(bad_search(format!("{chars} characters is too long: type at most {SEARCH_MAX_CHARS}")));
        }
        if text.chars().any(char::is_control) {
            return Err(bad_search("remove the control characters (tabs, line breaks) from the search".into()));
        }
        let mut results = SearchResults::default();
        for dir in &self.directories {
            match dir.search(text, SEARCH_LIMIT + 1).await {
                Ok(accounts) => results.found.extend(accounts.into_iter().map(|a| FoundUser {
                    directory: dir.name().to_owned(),
                    email: a.email.as_deref().filter(|e| !e.is_empty()).map(mask_email),
                    login: a.login,
                    display_name: a.display_name,
                    disabled: a.disabled,
                    locked: a.locked,
                })),
                Err(e) => {
                    tracing::warn!(directory = dir.name(), error = %e, "user search failed");
                    results.failed.push((dir.name().to_owned(), e.to_string()));
                }
            }
        }
        if results.found.len() > SEARCH_LIMIT {
            results.more = true;
            results.found.truncate(SEARCH_LIMIT);
        }
        Ok(results)
    }

    /// The account `login` names in directory `directory`, for the
    /// helpdesk's page and actions.
    pub(super) async fn helpdesk_target(
        &self,
        directory: &str,
        login: &str,
    ) -> Result<(Arc<dyn Directory>, Account), Error> {
        let dir = self.directory(directory).ok_or_else(|| Error::InvalidInput {
            field: "directory",
            message: Msg::admin(format!(
                "there is no directory {directory:?}: use one of {}",
                self.directories.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ")
            )),
        })?;
        let login = Login::parse(login).map_err(|e| Error::InvalidInput { field: "login", message: e.msg() })?;
        let account = dir.find(login.as_str()).await.map_err(directory_error)?;
        let account = account.ok_or_else(|| Error::UserNotFound(login.as_str().to_owned()))?;
        Ok((dir, account))
    }

    /// Where one person stands, for the helpdesk.
    pub async fn user_detail(&self, directory: &str, login: &str) -> Result<UserDetail, Error> {
        let (dir, account) = self.helpdesk_target(directory, login).await?;
        let policy = self.store.reset_policy().await?;
        let standing = dir.standing(&account.id).await.map_err(directory_error)?;
        let scope = scope_of(&policy, standing.pilot, dir.name());
        let (required, allowed) = policy.for_person(standing.admin);
        let rows = self.store.enrolments(dir.name().to_owned(), account.id.0.clone()).await?;
        let usable = self.usable(&rows, &account, &policy, &allowed);
        let methods = self.method_infos(dir.name(), &account).await?;
        let key = self.defence_key(dir.name(), Some(&account.id.0), &account.login);
        let blocked_until = self.store.blocked_until(key, self.clock.now()).await?;
        let reregistration = self.store.open_reregistration(dir.name().to_owned(), account.id.0.clone()).await?;
        let in_scope = scope.is_ok();
        Ok(UserDetail {
            directory: dir.name().to_owned(),
            in_scope,
            scope_note: scope.err(),
            admin: standing.admin,
            state: registration_state(usable, required, in_scope, account.disabled),
            usable,
            required,
            methods,
            blocked_until,
            reregistration,
            account,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capable_needs_enough_methods_scope_and_an_enabled_account() {
        assert_eq!(registration_state(0, 1, true, false), RegistrationState::NotRegistered);
        assert_eq!(registration_state(1, 2, true, false), RegistrationState::NotRegistered);
        assert_eq!(registration_state(2, 2, true, false), RegistrationState::Capable);
        assert_eq!(registration_state(2, 2, false, false), RegistrationState::Registered);
        assert_eq!(registration_state(1, 1, true, true), RegistrationState::Registered);
    }

    #[test]
    fn scope_follows_enabled_for_and_the_pilot_group() {
        let mut policy = ResetPolicy::default();
        assert!(scope_of(&policy, None, "corp").is_ok());
        policy.enabled = Enabled::Group;
        assert!(scope_of(&policy, Some(true), "corp").is_ok());
        assert_eq!(scope_of(&policy, Some(false), "corp").unwrap_err(), "not a member of the pilot group");
        assert!(scope_of(&policy, None, "corp").unwrap_err().contains("directory corp has none"));
        policy.enabled = Enabled::None;
        assert!(scope_of(&policy, Some(true), "corp").is_err());
    }
}
