//! When OpenLDAP passwords expire, for the expiry reminders (slapo-ppolicy):
//! `pwdChangedTime` + `pwdMaxAge` of the account's `pwdPolicySubentry`, else
//! of the configured default policy (`policy_dn`). `pwdMaxAge` 0 or absent,
//! no policy, or no `pwdChangedTime` (a password ppolicy never saw set)
//! means no expiry; `pwdReset: TRUE` means it must be changed at the next
//! sign-in. One paged search for the scope, one read per distinct policy.

use super::ldap::{attr, read_entry, with_service};
use super::openldap::{OpenLdap, SCHEMA};
use super::{Error, Expiring};
use crate::domain::expiry::PasswordExpiry;
use std::collections::HashMap;

/// An account's expiry from when its password was set, whether ppolicy
/// asks for a change (`pwdReset`), and its policy's `pwdMaxAge` seconds.
pub(super) fn expiry_from(changed_at: Option<i64>, reset: bool, max_age_secs: Option<i64>) -> PasswordExpiry {
    if reset {
        return PasswordExpiry::MustChange;
    }
    match (changed_at, max_age_secs.filter(|a| *a > 0)) {
        (Some(set), Some(age)) => PasswordExpiry::At { expires_at: set.saturating_add(age), set_at: Some(set) },
        _ => PasswordExpiry::Never,
    }
}

impl OpenLdap {
    /// Every account in scope with its password's expiry (see the module
    /// comment).
    pub(super) async fn expiries(&self) -> Result<Vec<Expiring>, Error> {
        let asked: Vec<String> = ["pwdPolicySubentry", "pwdReset"].map(str::to_owned).to_vec();
        let listed = self.pool().list_accounts(&SCHEMA, &asked, &|_| {}).await?;
        let default = self.pool().config().policy_dn.clone();
        let mut ages: HashMap<String, Option<i64>> = HashMap::new();
        let mut out = Vec::with_capacity(listed.len());
        for one in listed {
            let policy = one.values.first().cloned().flatten().or_else(|| default.clone());
            let reset = one.values.get(1).cloned().flatten().is_some_and(|v| v.eq_ignore_ascii_case("TRUE"));
            let max_age = match policy {
                Some(dn) => self.max_age(dn, &mut ages).await?,
                None => None,
            };
            out.push(Expiring {
                expiry: expiry_from(one.account.password_set_at, reset, max_age),
                account: one.account,
            });
        }
        Ok(out)
    }

    /// `pwdMaxAge` of the policy entry at `dn` (read once per run).
    async fn max_age(&self, dn: String, ages: &mut HashMap<String, Option<i64>>) -> Result<Option<i64>, Error> {
        if let Some(age) = ages.get(&dn) {
            return Ok(*age);
        }
        let entry = with_service!(self.pool(), |ldap| { read_entry(ldap, &dn, &["pwdMaxAge"]).await })?;
        let age = entry.and_then(|e| attr(&e, "pwdMaxAge").and_then(|v| v.trim().parse::<i64>().ok()));
        ages.insert(dn, age);
        Ok(age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_time_plus_max_age_unless_reset_or_unlimited() {
        let set = 1_795_657_132;
        let expiry = expiry_from(Some(set), false, Some(90 * 86_400));
        assert_eq!(expiry, PasswordExpiry::At { expires_at: set + 90 * 86_400, set_at: Some(set) });
        assert_eq!(expiry_from(Some(set), true, Some(86_400)), PasswordExpiry::MustChange);
        assert_eq!(expiry_from(Some(set), false, Some(0)), PasswordExpiry::Never);
        assert_eq!(expiry_from(Some(set), false, None), PasswordExpiry::Never);
        assert_eq!(expiry_from(None, false, Some(86_400)), PasswordExpiry::Never);
    }
}
