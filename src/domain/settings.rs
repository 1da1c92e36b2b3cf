//! The password rules and notification settings an administrator edits
//! from the pages, each stored as one JSON document over the
//! configuration's first values, and each checked as a whole with a
//! message that names the field and the fix. No I/O here (the breached
//! file is opened by the flow).

use super::PasswordPolicy;
use super::password::{MAX_LENGTH_CEILING, MAX_LENGTH_FLOOR, MIN_LENGTH_FLOOR};
use super::policy::PolicyError;
use serde::{Deserialize, Serialize};

/// Most words in the organisation's word list.
pub const MAX_ORGANISATION_WORDS: usize = 500;
/// Shortest organisation word that has an effect (shorter ones would
/// refuse too many good passwords, so the check skips them).
pub const MIN_WORD_CHARS: usize = 4;
/// Most administrator alert addresses.
pub const MAX_ADMIN_ALERTS: usize = 20;
/// Most expiry reminder days.
pub const MAX_REMINDER_DAYS: usize = 10;

fn problem(key: &str, message: impl Into<String>) -> PolicyError {
    PolicyError { key: key.to_owned(), message: message.into() }
}

/// passdesk's own password rules and the breached-password file, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSettings {
    /// Fewest characters accepted (8 to 256).
    pub min_length: usize,
    /// Most characters accepted (64 to 256).
    pub max_length: usize,
    /// Lowest zxcvbn score accepted (0 = any, 4 = strongest).
    pub min_strength: u8,
    /// Words of the organisation refused inside passwords.
    pub organisation_words: Vec<String>,
    /// Absolute path of the offline breached-password list; empty = none.
    pub breached_file: String,
}

impl PasswordSettings {
    /// The settings of a policy and a breached file.
    pub fn new(rules: &PasswordPolicy, breached_file: Option<String>) -> Self {
        Self {
            min_length: rules.min_length,
            max_length: rules.max_length,
            min_strength: rules.min_strength,
            organisation_words: rules.organisation_words.clone(),
            breached_file: breached_file.unwrap_or_default(),
        }
    }

    /// The rules passwords are checked against.
    pub fn rules(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.min_length,
            max_length: self.max_length,
            min_strength: self.min_strength,
            organisation_words: self.organisation_words.clone(),
        }
    }

    /// The organisation words from text, one per line or comma separated.
    pub fn parse_words(text: &str) -> Vec<String> {
        text.split(['\n', ',']).map(|w| w.trim().to_owned()).filter(|w| !w.is_empty()).collect()
    }

    /// Checks the whole set; the breached file's existence is the flow's.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let (min, max) = (self.min_length, self.max_length);
        if min < MIN_LENGTH_FLOOR {
            return Err(problem(
                "min_length",
                format!("minimum length ({min}) is below {MIN_LENGTH_FLOOR}: passdesk never accepts shorter passwords"),
            ));
        }
        if min > MAX_LENGTH_CEILING {
            return Err(problem(
                "min_length",
                format!(
                    "minimum length ({min}) is above {MAX_LENGTH_CEILING}: use {MIN_LENGTH_FLOOR} to {MAX_LENGTH_CEILING}"
                ),
            ));
        }
        if max < MAX_LENGTH_FLOOR {
            return Err(problem(
                "max_length",
                format!(
                    "maximum length ({max}) is below {MAX_LENGTH_FLOOR}: allow at least {MAX_LENGTH_FLOOR} characters so \
                     pass phrases fit (NIST SP 800-63B)"
                ),
            ));
        }
        if max > MAX_LENGTH_CEILING {
            return Err(problem(
                "max_length",
                format!(
                    "maximum length ({max}) is above {MAX_LENGTH_CEILING}, the most passdesk accepts: use {MAX_LENGTH_FLOOR} to {MAX_LENGTH_CEILING}"
                ),
            ));
        }
        if min > max {
            return Err(problem(
                "min_length",
                format!(
                    "minimum length ({min}) cannot exceed the maximum length ({max}): lower the minimum or raise the maximum"
                ),
            ));
        }
        if self.min_strength > 4 {
            return Err(problem(
                "min_strength",
                format!("minimum strength ({}) must be 0 (any) to 4 (strongest)", self.min_strength),
            ));
        }
        self.validate_words()?;
        let path = &self.breached_file;
        if !path.is_empty() && !std::path::Path::new(path).is_absolute() {
            return Err(problem(
                "breached_file",
                format!(
                    "{path:?} is not an absolute path: give the full path of the file, e.g. /var/lib/passdesk/pwned-passwords.txt"
                ),
            ));
        }
        Ok(())
    }

    fn validate_words(&self) -> Result<(), PolicyError> {
        let words = &self.organisation_words;
        if words.len() > MAX_ORGANISATION_WORDS {
            return Err(problem(
                "organisation_words",
                format!(
                    "{} words is more than {MAX_ORGANISATION_WORDS}: keep the names people really use",
                    words.len()
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for word in words {
            let length = word.chars().count();
            if length < MIN_WORD_CHARS {
                return Err(problem(
                    "organisation_words",
                    format!(
                        "\"{word}\" is shorter than {MIN_WORD_CHARS} characters: such short words are not looked for \
                         (they would refuse too many good passwords); remove it"
                    ),
                ));
            }
            if length > 64 || word.chars().any(char::is_control) || word.trim() != word {
                return Err(problem(
                    "organisation_words",
                    format!("\"{word}\": give words of 4 to 64 characters, one per line"),
                ));
            }
            if !seen.insert(word.to_lowercase()) {
                return Err(problem("organisation_words", format!("\"{word}\" is listed twice: give each word once")));
            }
        }
        Ok(())
    }

    /// Each setting as text for the audit trail, in display order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        vec![
            ("min_length", self.min_length.to_string()),
            ("max_length", self.max_length.to_string()),
            ("min_strength", self.min_strength.to_string()),
            ("organisation_words", self.organisation_words.join(",")),
            ("breached_file", self.breached_file.clone()),
        ]
    }
}

/// Who hears about security events, and when people hear that their
/// password is about to expire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Administrators' addresses for security alerts.
    pub admin_alerts: Vec<String>,
    /// Days before a password expires on which its owner is reminded,
    /// largest first; empty = no reminders.
    pub expiry_reminder_days: Vec<u32>,
}

impl NotificationSettings {
    /// Reminder days from text ("14, 7, 3, 1"), each a whole number.
    pub fn parse_days(text: &str) -> Result<Vec<u32>, PolicyError> {
        text.split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                d.parse().map_err(|_| {
                    problem(
                        "expiry_reminder_days",
                        format!("\"{d}\" is not a whole number of days: list numbers from 1 to 365, e.g. 14, 7, 3, 1"),
                    )
                })
            })
            .collect()
    }

    /// Addresses from text, one per line or comma separated.
    pub fn parse_addresses(text: &str) -> Vec<String> {
        text.split(['\n', ',']).map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect()
    }

    /// Checks the whole set, and sorts the days largest first.
    pub fn validated(mut self) -> Result<Self, PolicyError> {
        if self.admin_alerts.len() > MAX_ADMIN_ALERTS {
            return Err(problem(
                "admin_alerts",
                format!(
                    "{} addresses is more than {MAX_ADMIN_ALERTS}: use a mailing list address instead",
                    self.admin_alerts.len()
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for address in &self.admin_alerts {
            if super::email::check_email(address).as_deref() != Ok(address.as_str()) {
                return Err(problem(
                    "admin_alerts",
                    format!(
                        "\"{address}\" is not an e-mail address: give one address per line, e.g. it-security@example.org"
                    ),
                ));
            }
            if !seen.insert(address.to_lowercase()) {
                return Err(problem("admin_alerts", format!("\"{address}\" is listed twice: give each address once")));
            }
        }
        if self.expiry_reminder_days.len() > MAX_REMINDER_DAYS {
            return Err(problem(
                "expiry_reminder_days",
                format!(
                    "{} days is more than {MAX_REMINDER_DAYS}: people stop reading so many reminders",
                    self.expiry_reminder_days.len()
                ),
            ));
        }
        let mut days: Vec<u32> = Vec::new();
        for &day in &self.expiry_reminder_days {
            if !(1..=365).contains(&day) {
                return Err(problem(
                    "expiry_reminder_days",
                    format!(
                        "{day} is out of range: give whole numbers of days from 1 to 365, e.g. 14, 7, 3, 1, or nothing to send no expiry reminders"
                    ),
                ));
            }
            if days.contains(&day) {
                return Err(problem(
                    "expiry_reminder_days",
                    format!("{day} is listed twice: give each number of days once, e.g. 14, 7, 3, 1"),
                ));
            }
            days.push(day);
        }
        days.sort_unstable_by(|a, b| b.cmp(a));
        self.expiry_reminder_days = days;
        Ok(self)
    }

    /// Each setting as text for the audit trail, in display order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let days: Vec<String> = self.expiry_reminder_days.iter().map(u32::to_string).collect();
        vec![("admin_alerts", self.admin_alerts.join(",")), ("expiry_reminder_days", days.join(","))]
    }
}

/// The audit text of a change: `key: old -> new` for each key that differs.
pub fn changes(old: &[(&'static str, String)], new: &[(&'static str, String)]) -> Vec<String> {
    old.iter()
        .zip(new)
        .filter(|(a, b)| a.1 != b.1)
        .map(|((key, before), (_, after))| format!("{key}: {before} -> {after}"))
        .collect()
}

#[cfg(test)]
mod tests;
