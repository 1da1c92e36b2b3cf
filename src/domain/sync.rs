//! Directory sync's rules, with no I/O: what the directory's attributes
//! say each person's contact data should be, compared with what is stored,
//! gives a plan. Synced data is marked `sync`; a value the person verified
//! themselves is kept unless the administrator says otherwise; a synced
//! value whose attribute was cleared goes; an account no longer in the
//! directory's scope loses everything it had (any source).

use super::email::check_email;
use super::method::{Enrolment, Source};
use super::phone::{PhoneError, normalise_phone};
use std::collections::{HashMap, HashSet};

/// One stored contact datum (or any registration, for accounts that are gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The account, as stored.
    pub account_id: String,
    /// What it is.
    pub kind: Enrolment,
    /// The value (contact kinds only; empty for questions and authenticators).
    pub value: String,
    /// Who set it.
    pub source: Source,
}

/// One account as the directory has it: the raw attribute value of each
/// synced kind (`None` when the attribute is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The directory's id for the account.
    pub account_id: String,
    /// Its user ID, for the audit trail and messages.
    pub login: String,
    /// Each synced kind and its raw value.
    pub values: Vec<(Enrolment, Option<String>)>,
}

/// A value that could not be used, left as it was and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The account's user ID.
    pub login: String,
    /// Which kind.
    pub kind: Enrolment,
    /// What is wrong and how to fix it in the directory.
    pub reason: String,
}

/// One write of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set (add or replace) a synced value.
    Put(Enrolment, String),
    /// Remove a synced value whose attribute is now empty.
    Remove(Enrolment),
}

/// What changes for one person whose data changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPlan {
    /// The account id to write under.
    pub account_id: String,
    /// Its user ID.
    pub login: String,
    /// The writes, and for the audit row what they were.
    pub changes: Vec<Change>,
    /// "email added, mobile changed, …", for the audit row.
    pub summary: String,
}

/// What a sync does and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    /// Accounts read from the directory.
    pub accounts: usize,
    /// Values the account did not have.
    pub added: usize,
    /// Values replaced by a different one.
    pub changed: usize,
    /// Synced values removed because their attribute is now empty.
    pub removed: usize,
    /// Values already so.
    pub unchanged: usize,
    /// Values the person verified themselves, kept.
    pub kept_verified: usize,
    /// Attribute values that could not be used (skipped, reported).
    pub skipped: usize,
    /// Accounts gone from the scope whose data was removed.
    pub gone: usize,
}

/// The whole plan for one directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncPlan {
    /// People whose data changes.
    pub people: Vec<PersonPlan>,
    /// Accounts no longer in scope: (account id, registrations removed).
    pub gone: Vec<(String, usize)>,
    /// Values that could not be used.
    pub skipped: Vec<Skipped>,
    /// The numbers.
    pub counts: SyncCounts,
}

/// A raw attribute value as stored contact data: addresses checked, phone
/// numbers in E.164 (national ones completed with `country`).
pub fn normalise(kind: Enrolment, raw: &str, country: Option<&str>) -> Result<String, String> {
    let problem = match kind {
        Enrolment::Email | Enrolment::AltEmail => match check_email(raw) {
            Ok(address) => return Ok(address),
            Err(e) => e.to_string(),
        },
        _ => match normalise_phone(raw, country) {
            Ok(number) => return Ok(number),
            Err(PhoneError::NoCountryCode) => format!(
                "{}, or set organisation.phone_country_code to complete national numbers",
                PhoneError::NoCountryCode
            ),
            Err(e) => e.to_string(),
        },
    };
    Err(format!("{raw:?}: {problem}"))
}

/// A directory's stored rows by lower-cased account id: the stored
/// spelling of the id, and the rows by kind.
type ByAccount<'a> = HashMap<String, (&'a str, HashMap<Enrolment, &'a Stored>)>;

/// Compares the directory with the store. `stored` holds every stored row
/// of the directory (all kinds and sources); account ids match without
/// regard to case (DNs).
pub fn plan(stored: &[Stored], wanted: &[Wanted], overwrite_verified: bool, country: Option<&str>) -> SyncPlan {
    let mut out = SyncPlan::default();
    let mut by_account: ByAccount<'_> = HashMap::new();
    for row in stored {
        let entry =
            by_account.entry(row.account_id.to_lowercase()).or_insert_with(|| (&row.account_id, HashMap::new()));
        entry.1.insert(row.kind, row);
    }
    let mut present = HashSet::with_capacity(wanted.len());
    for person in wanted {
        let key = person.account_id.to_lowercase();
        let (account_id, current) = match by_account.get(&key) {
            Some((id, rows)) => ((*id).to_owned(), Some(rows)),
            None => (person.account_id.clone(), None),
        };
        present.insert(key);
        let mut changes = Vec::new();
        let mut said = Vec::new();
        for (kind, raw) in &person.values {
            let have = current.and_then(|rows| rows.get(kind)).copied();
            let Some(want) = out.usable(person, *kind, raw.as_deref(), country) else { continue };
            if let Some((change, what)) = out.compare(*kind, want, have, overwrite_verified) {
                changes.push(change);
                said.push(format!("{} {what}", kind.id()));
            }
        }
        if !changes.is_empty() {
            out.people.push(PersonPlan { account_id, login: person.login.clone(), changes, summary: said.join(", ") });
        }
    }
    out.counts.accounts = wanted.len();
    for (key, (account_id, rows)) in &by_account {
        if !present.contains(key) {
            out.gone.push(((*account_id).to_owned(), rows.len()));
        }
    }
    out.gone.sort();
    out.counts.gone = out.gone.len();
    out
}

impl SyncPlan {
    /// The value a raw attribute gives: `Some(None)` for an empty
    /// attribute, `None` for a value that cannot be used (recorded as
    /// skipped, so the stored value stays as it is).
    fn usable(
        &mut self,
        person: &Wanted,
        kind: Enrolment,
        raw: Option<&str>,
        country: Option<&str>,
    ) -> Option<Option<String>> {
        let Some(raw) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Some(None) };
        match normalise(kind, raw, country) {
            Ok(value) => Some(Some(value)),
            Err(reason) => {
                self.skipped.push(Skipped { login: person.login.clone(), kind, reason });
                self.counts.skipped += 1;
                None
            }
        }
    }

    /// Counts one kind of one person and says what to write, if anything,
    /// with the word for the audit row.
    fn compare(
        &mut self,
        kind: Enrolment,
        want: Option<String>,
        have: Option<&Stored>,
        overwrite_verified: bool,
    ) -> Option<(Change, &'static str)> {
        let c = &mut self.counts;
        match (want, have) {
            (Some(v), None) => {
                c.added += 1;
                Some((Change::Put(kind, v), "added"))
            }
            (Some(v), Some(h)) if h.value == v => {
                c.unchanged += 1;
                None
            }
            // What the person verified, and what an administrator imported
            // (a new joiner's private address), is not replaced by sync
            // unless the administrator says so.
            (Some(_), Some(h)) if h.source != Source::Sync && !overwrite_verified => {
                c.kept_verified += 1;
                None
            }
            (Some(v), Some(_)) => {
                c.changed += 1;
                Some((Change::Put(kind, v), "changed"))
            }
            (None, Some(h)) if h.source == Source::Sync => {
                c.removed += 1;
                Some((Change::Remove(kind), "removed (empty in the directory)"))
            }
            (None, _) => None,
        }
    }
}

#[cfg(test)]
mod tests;
