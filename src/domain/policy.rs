//! The reset policy an administrator edits (DESIGN.md §4): who may use
//! self-service, how many proofs, which methods, question counts,
//! registration and notification switches. Stored as one JSON document,
//! read on every request, changed key by key with a message for every
//! mistake. Administrators always get the fixed administrator policy.

use super::questions::validate_custom_questions;
use serde::{Deserialize, Serialize};

/// Who may use self-service password reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enabled {
    /// Nobody.
    None,
    /// Members of the directory's pilot group.
    Group,
    /// Everyone in scope.
    All,
}

/// Identifiers of the methods a policy may offer.
pub const METHOD_NAMES: &[&str] =
    &["email", "alt_email", "mobile_sms", "mobile_voice", "office_voice", "questions", "authenticator", "passkey"];

/// The administrator policy's allowed methods: never security questions.
pub const ADMIN_METHODS: &[&str] =
    &["email", "alt_email", "mobile_sms", "mobile_voice", "office_voice", "authenticator", "passkey"];

/// The editable reset policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResetPolicy {
    /// Who may reset.
    pub enabled: Enabled,
    /// Proofs required: 1 or 2.
    pub methods_required: u8,
    /// Methods offered, from [`METHOD_NAMES`].
    pub methods: Vec<String>,
    /// Security questions a person registers (3–5).
    pub questions_to_register: u8,
    /// Security questions asked at reset (3–5, at most those registered).
    pub questions_to_reset: u8,
    /// Send people to registration when they sign in without enough methods.
    pub require_registration: bool,
    /// Days before registered data must be confirmed again (0 = never, up to 730).
    pub reconfirm_days: u16,
    /// Days between e-mails reminding people in scope who have not
    /// registered enough to do so (0 = no reminders, up to 365).
    pub reminder_days: u16,
    /// Let a locked-out person unlock without choosing a new password.
    pub allow_unlock: bool,
    /// Tell the person after a reset.
    pub notify_user_on_reset: bool,
    /// Tell every other administrator when an administrator resets.
    pub notify_admins_on_admin_reset: bool,
    /// Helpdesk link shown on error pages (https:// or mailto:); empty = the configured one.
    pub helpdesk: String,
    /// The administrator's own security questions, added to the predefined list.
    pub custom_questions: Vec<String>,
}

impl Default for ResetPolicy {
    fn default() -> Self {
        Self {
            enabled: Enabled::All,
            methods_required: 1,
            methods: vec!["email".to_owned()],
            questions_to_register: 3,
            questions_to_reset: 3,
            require_registration: false,
            reconfirm_days: 180,
            reminder_days: 0,
            allow_unlock: true,
            notify_user_on_reset: true,
            notify_admins_on_admin_reset: true,
            helpdesk: String::new(),
            custom_questions: Vec::new(),
        }
    }
}

/// A policy change that was refused, naming the key and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct PolicyError {
    /// The key concerned.
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn problem(key: &str, message: impl Into<String>) -> PolicyError {
    PolicyError { key: key.to_owned(), message: message.into() }
}

fn boolean(key: &str, value: &str) -> Result<bool, PolicyError> {
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(problem(key, format!("\"{value}\" is not a yes/no value: use true or false"))),
    }
}

fn number<T: std::str::FromStr>(key: &str, value: &str, range: &str) -> Result<T, PolicyError> {
    value.trim().parse().map_err(|_| problem(key, format!("\"{value}\" is not a whole number: use {range}")))
}

impl ResetPolicy {
    /// The keys, in display order.
    pub const KEYS: &'static [&'static str] = &[
        "enabled",
        "methods_required",
        "methods",
        "questions_to_register",
        "questions_to_reset",
        "require_registration",
        "reconfirm_days",
        "reminder_days",
        "allow_unlock",
        "notify_user_on_reset",
        "notify_admins_on_admin_reset",
        "helpdesk",
        "custom_questions",
    ];

    /// Checks the whole policy; every rule that spans keys is here.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !(1..=2).contains(&self.methods_required) {
            return Err(problem("methods_required", "use 1 or 2"));
        }
        if let Some(bad) = self.methods.iter().find(|m| !METHOD_NAMES.contains(&m.as_str())) {
            return Err(problem(
                "methods",
                format!("\"{bad}\" is not a method: choose from {}", METHOD_NAMES.join(", ")),
            ));
        }
        let mut distinct = self.methods.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != self.methods.len() {
            return Err(problem("methods", "list each method once"));
        }
        if self.methods.len() < usize::from(self.methods_required) {
            return Err(problem(
                "methods",
                format!("offer at least {} method(s), as many as methods_required", self.methods_required),
            ));
        }
        if !(3..=5).contains(&self.questions_to_register) {
            return Err(problem("questions_to_register", "use 3, 4 or 5"));
        }
        if !(3..=5).contains(&self.questions_to_reset) {
            return Err(problem("questions_to_reset", "use 3, 4 or 5"));
        }
        if self.questions_to_reset > self.questions_to_register {
            return Err(problem(
                "questions_to_reset",
                format!(
                    "number of questions to answer ({}) cannot exceed the number to register ({}): lower it or \
                     raise questions_to_register",
                    self.questions_to_reset, self.questions_to_register
                ),
            ));
        }
        if self.reconfirm_days > 730 {
            return Err(problem("reconfirm_days", "use 0 (never) to 730 days"));
        }
        if self.reminder_days > 365 {
            return Err(problem("reminder_days", "use 0 (no reminders) to 365 days"));
        }
        validate_custom_questions(&self.custom_questions).map_err(|m| problem("custom_questions", m))?;
        let h = &self.helpdesk;
        if !(h.is_empty() || h.starts_with("https://") || h.starts_with("mailto:")) || h.contains(char::is_whitespace) {
            return Err(problem("helpdesk", "use an https:// URL or a mailto: link, or an empty value"));
        }
        Ok(())
    }

    /// This policy with one key changed from text (`passdesk policy set`),
    /// validated as a whole.
    pub fn with(&self, key: &str, value: &str) -> Result<Self, PolicyError> {
        let mut next = self.clone();
        match key {
            "enabled" => {
                next.enabled = match value.trim().to_lowercase().as_str() {
                    "none" => Enabled::None,
                    "group" => Enabled::Group,
                    "all" => Enabled::All,
                    _ => return Err(problem(key, format!("\"{value}\" is not none, group or all"))),
                }
            }
            "methods_required" => next.methods_required = number(key, value, "1 or 2")?,
            "methods" => {
                next.methods = value.split(',').map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()).collect()
            }
            "questions_to_register" => next.questions_to_register = number(key, value, "3, 4 or 5")?,
            "questions_to_reset" => next.questions_to_reset = number(key, value, "3, 4 or 5")?,
            "require_registration" => next.require_registration = boolean(key, value)?,
            "reconfirm_days" => next.reconfirm_days = number(key, value, "0 to 730")?,
            "reminder_days" => next.reminder_days = number(key, value, "0 to 365")?,
            "allow_unlock" => next.allow_unlock = boolean(key, value)?,
            "notify_user_on_reset" => next.notify_user_on_reset = boolean(key, value)?,
            "notify_admins_on_admin_reset" => next.notify_admins_on_admin_reset = boolean(key, value)?,
            "helpdesk" => next.helpdesk = value.trim().to_owned(),
            // Questions contain commas, so the list is separated by "|".
            "custom_questions" => {
                next.custom_questions =
                    value.split('|').map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()).collect()
            }
            other => {
                return Err(problem(other, format!("unknown policy key: the keys are {}", Self::KEYS.join(", "))));
            }
        }
        next.validate()?;
        Ok(next)
    }

    /// Each key with its value as text, in display order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let value = serde_json::to_value(self).unwrap_or_default();
        Self::KEYS
            .iter()
            .map(|k| {
                let text = match &value[*k] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(items) => {
                        let separator = if *k == "custom_questions" { "|" } else { "," };
                        items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(separator)
                    }
                    other => other.to_string(),
                };
                (*k, text)
            })
            .collect()
    }

    /// How many proofs a person needs and which methods they may use: the
    /// fixed administrator policy for administrators, this policy otherwise.
    pub fn for_person(&self, admin: bool) -> (u8, Vec<String>) {
        if admin {
            (2, ADMIN_METHODS.iter().map(|m| (*m).to_owned()).collect())
        } else {
            (self.methods_required, self.methods.clone())
        }
    }
}

#[cfg(test)]
mod tests;
