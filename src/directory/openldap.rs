//! OpenLDAP writeback (slapd with the ppolicy overlay), TLS only.
//! - Reset: the Password Modify extended operation (RFC 3062) as the
//!   service account, with the ppolicy request control so a refusal says
//!   why (too short, quality, in history, too young).
//! - Change: Password Modify with the old password, bound as the user.
//! - Unlock: delete `pwdAccountLockedTime` (which also clears the failures).
//!   `pwdAccountLockedTime: 000001010000Z` is a permanent lock by an
//!   administrator: treated as disabled, never unlocked by self-service.
//! - Concurrent changes of one entry can fail with noSuchAttribute (16) as
//!   ppolicy rewrites the history; such a write is retried.

use super::ldap::with_service;
use super::ldap::{AccountSchema, LdapPool, attr, read_attr, read_entry, unavailable};
use super::{Account, AccountId, Directory, DirectoryPolicy, Error, PolicyReason, ResetMode};
use crate::config::LdapConfig;
use async_trait::async_trait;
use ldap3::controls::RawControl;
use ldap3::exop::PasswordModify;
use ldap3::{Ldap, LdapResult, Mod};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashSet;

const ATTRS: &[&str] =
    &["uid", "cn", "displayName", "mail", "mobile", "pwdAccountLockedTime", "pwdChangedTime", "pwdPolicySubentry"];
const POLICY_ATTRS: &[&str] = &["pwdMinLength", "pwdCheckQuality", "pwdInHistory", "pwdMinAge", "pwdMaxAge"];
const USER_FILTER: &str = "(objectClass=inetOrgPerson)";
const PPOLICY_OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";
const ADMIN_LOCK: &str = "000001010000Z";
const WRITE_ATTEMPTS: usize = 3;

/// An OpenLDAP directory.
pub struct OpenLdap {
    name: String,
    pool: LdapPool,
}

fn ppolicy_request() -> RawControl {
    RawControl { ctype: PPOLICY_OID.to_owned(), crit: false, val: None }
}

/// Splits one BER TLV (short or long definite length).
fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 2 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The `error` of a ppolicy response control value, if present:
/// SEQUENCE { warning [0] … OPTIONAL, error [1] ENUMERATED OPTIONAL }.
pub fn ppolicy_error(value: &[u8]) -> Option<u8> {
    let (tag, mut body, _) = tlv(value)?;
    if tag != 0x30 {
        return None;
    }
    while !body.is_empty() {
        let (tag, content, next) = tlv(body)?;
        if tag == 0x81 {
            return content.last().copied();
        }
        body = next;
    }
    None
}

fn result_ppolicy(result: &LdapResult) -> Option<u8> {
    result.ctrls.iter().find(|c| c.1.ctype == PPOLICY_OID).and_then(|c| c.1.val.as_deref()).and_then(ppolicy_error)
}

/// Maps a write's result; `right` names what the service account needs.
pub fn write_result(rc: u32, text: &str, ppolicy: Option<u8>, right: &str) -> Result<(), Error> {
    let reason = match ppolicy {
        Some(6) => Some(PolicyReason::TooShort),
        Some(5) => Some(PolicyReason::NotComplex),
        Some(8) => Some(PolicyReason::InHistory),
        Some(7) => Some(PolicyReason::TooYoung),
        _ => None,
    };
    let lower = text.to_lowercase();
    match rc {
        0 => Ok(()),
        19 => Err(Error::PolicyRejected(reason.unwrap_or_else(|| {
            if lower.contains("history") {
                PolicyReason::InHistory
            } else if lower.contains("too young") {
                PolicyReason::TooYoung
            } else if lower.contains("too short") {
                PolicyReason::TooShort
            } else if lower.contains("quality") {
                PolicyReason::NotComplex
            } else {
                PolicyReason::Other(text.trim().to_owned())
            }
        }))),
        49 => Err(Error::InvalidCredentials),
        53 if lower.contains("old password") => Err(Error::InvalidCredentials),
        50 => Err(Error::AccessDenied { missing_right: right.to_owned() }),
        32 => Err(Error::NotFound),
        _ => Err(Error::Other(format!("LDAP result {rc}: {}", text.trim()))),
    }
}

fn account_from(entry: &ldap3::SearchEntry, config: &LdapConfig) -> Account {
    let link_attribute = config.link_attribute.as_deref();
    let lock = attr(entry, "pwdAccountLockedTime");
    Account {
        id: AccountId(entry.dn.clone()),
        login: attr(entry, "uid").unwrap_or_default().to_owned(),
        display_name: attr(entry, "displayName").or_else(|| attr(entry, "cn")).unwrap_or_default().to_owned(),
        email: attr(entry, &config.mail_attribute).map(str::to_owned),
        mobile: attr(entry, &config.mobile_attribute).map(str::to_owned),
        office_phone: attr(entry, &config.office_phone_attribute).map(str::to_owned),
        disabled: lock == Some(ADMIN_LOCK),
        locked: lock.is_some_and(|l| l != ADMIN_LOCK),
        protected: false,
        link: link_attribute.and_then(|a| attr(entry, a)).map(str::to_owned),
        password_set_at: attr(entry, "pwdChangedTime").and_then(generalized_time),
    }
}

/// `YYYYMMDDHHMMSSZ` (GeneralizedTime, UTC) to Unix seconds.
pub fn generalized_time(text: &str) -> Option<i64> {
    let digits = text.strip_suffix('Z')?;
    let digits = digits.split('.').next()?;
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<u8>().ok();
    let year = digits[0..4].parse::<i32>().ok()?;
    let month = time::Month::try_from(n(4..6)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, n(6..8)?).ok()?;
    let at = date.with_hms(n(8..10)?, n(10..12)?, n(12..14)?).ok()?;
    Some(at.assume_utc().unix_timestamp())
}

/// How this flavour reads accounts.
pub(super) const SCHEMA: AccountSchema = AccountSchema { filter: USER_FILTER, attrs: ATTRS, build: account_from };

impl OpenLdap {
    /// The connections (for `passdesk check`).
    pub(super) fn pool(&self) -> &LdapPool {
        &self.pool
    }

    /// A directory reached through `pool`.
    pub fn new(name: impl Into<String>, pool: LdapPool) -> Self {
        Self { name: name.into(), pool }
    }

    async fn eligible(&self, id: &AccountId) -> Result<Account, Error> {
        let account = self.account(id).await?.ok_or(Error::NotFound)?;
        if account.disabled {
            return Err(Error::AccountDisabled);
        }
        Ok(account)
    }

    /// Binds as the user on a person-bind connection; the connection is
    /// returned only when the bind worked (else it goes back to the pool,
    /// anonymous after the failed bind).
    async fn bind_as(&self, dn: &str, password: &SecretString) -> Result<Ldap, Error> {
        // An empty password would be an unauthenticated bind, which succeeds.
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidCredentials);
        }
        let (ldap, r) = self.pool.bind_person(dn, password.expose_secret(), vec![ppolicy_request()]).await?;
        if r.rc == 0 {
            return Ok(ldap);
        }
        self.pool.give_back_person(ldap);
        match (r.rc, result_ppolicy(&r)) {
            (49, Some(1)) => Err(Error::AccountLockedOut),
            (49, _) => Err(Error::InvalidCredentials),
            (rc, _) => Err(Error::Other(format!("bind failed with LDAP result {rc}: {}", r.text.trim()))),
        }
    }
}

#[async_trait]
impl Directory for OpenLdap {
    fn name(&self) -> &str {
        &self.name
    }

    async fn find(&self, login: &str) -> Result<Option<Account>, Error> {
        self.pool.find_account(&SCHEMA, login).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<Account>, Error> {
        self.pool.read_account(&SCHEMA, &id.0).await
    }

    async fn search(&self, text: &str, limit: usize) -> Result<Vec<Account>, Error> {
        self.pool.search_accounts(&SCHEMA, text, limit).await
    }

    async fn find_linked(&self, value: &str) -> Result<Option<Account>, Error> {
        self.pool.find_linked_account(&SCHEMA, value).await
    }

    async fn authenticate(&self, id: &AccountId, password: &SecretString) -> Result<(), Error> {
        let ldap = self.bind_as(&id.0, password).await?;
        self.pool.give_back_person(ldap);
        Ok(())
    }

    async fn reset_password(&self, id: &AccountId, new: &SecretString, _mode: ResetMode) -> Result<(), Error> {
        self.eligible(id).await?;
        let dn = id.0.as_str();
        for attempt in 1..=WRITE_ATTEMPTS {
            let (rc, text, ppolicy) = with_service!(self.pool, |ldap| {
                let exop = PasswordModify { user_id: Some(dn), old_pass: None, new_pass: Some(new.expose_secret()) };
                let r = ldap.with_controls(ppolicy_request()).extended(exop).await?.1;
                let ppolicy = result_ppolicy(&r);
                Ok((r.rc, r.text, ppolicy))
            })?;
            if rc == 16 && attempt < WRITE_ATTEMPTS {
                continue;
            }
            return write_result(rc, &text, ppolicy, "write userPassword");
        }
        Err(Error::Other("the password write kept colliding with another change".into()))
    }

    async fn change_password(&self, id: &AccountId, old: &SecretString, new: &SecretString) -> Result<(), Error> {
        self.eligible(id).await?;
        let mut ldap = self.bind_as(&id.0, old).await?;
        let mut outcome = Err(Error::Other("not attempted".into()));
        for _ in 0..WRITE_ATTEMPTS {
            let exop = PasswordModify {
                user_id: Some(&id.0),
                old_pass: Some(old.expose_secret()),
                new_pass: Some(new.expose_secret()),
            };
            let r = ldap.with_controls(ppolicy_request()).extended(exop).await.map_err(unavailable)?.1;
            if r.rc == 16 {
                continue;
            }
            outcome = write_result(r.rc, &r.text, result_ppolicy(&r), "the user's own write access to userPassword");
            break;
        }
        self.pool.give_back_person(ldap);
        outcome
    }

    async fn unlock(&self, id: &AccountId) -> Result<(), Error> {
        self.eligible(id).await?;
        let (rc, text) = with_service!(self.pool, |ldap| {
            let r = ldap.modify(&id.0, vec![Mod::Delete("pwdAccountLockedTime", HashSet::<&str>::new())]).await?;
            Ok((r.rc, r.text))
        })?;
        // 16: the attribute is absent, so the account is not locked.
        if rc == 16 {
            return Ok(());
        }
        write_result(rc, &text, None, "write pwdAccountLockedTime")
    }

    async fn list(
        &self,
        attributes: &[String],
        seen: &(dyn Fn(usize) + Sync),
    ) -> Result<Option<Vec<super::Listed>>, Error> {
        self.pool.list_accounts(&SCHEMA, attributes, seen).await.map(Some)
    }

    async fn password_expiries(&self) -> Result<Option<Vec<super::Expiring>>, Error> {
        self.expiries().await.map(Some)
    }

    async fn standing(&self, id: &AccountId) -> Result<super::Standing, Error> {
        self.pool.standing(&id.0, false).await
    }

    async fn self_check(&self) -> Vec<super::check::CheckItem> {
        self.checklist().await
    }

    async fn password_policy(&self, id: &AccountId) -> Result<DirectoryPolicy, Error> {
        let dn = id.0.clone();
        let default = self.pool.config().policy_dn.clone();
        let entry = with_service!(self.pool, |ldap| {
            let own = read_attr(ldap, &dn, "pwdPolicySubentry").await?;
            let Some(policy_dn) = own.or(default.clone()) else { return Ok(None) };
            read_entry(ldap, &policy_dn, POLICY_ATTRS).await
        })?;
        let Some(entry) = entry else {
            return Ok(DirectoryPolicy {
                source: "no ppolicy entry known (set policy_dn)".into(),
                ..DirectoryPolicy::default()
            });
        };
        let number = |a| attr(&entry, a).and_then(|v| v.parse::<i64>().ok());
        Ok(DirectoryPolicy {
            min_length: number("pwdMinLength").and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0),
            // ppolicy without a checker module checks length only.
            complexity: false,
            history: number("pwdInHistory").and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0),
            min_age_secs: number("pwdMinAge").filter(|v| *v > 0),
            max_age_secs: number("pwdMaxAge").filter(|v| *v > 0),
            source: format!("ppolicy {}", entry.dn),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ppolicy_control_values_decode() {
        // error = passwordTooShort (6)
        assert_eq!(ppolicy_error(&[0x30, 0x03, 0x81, 0x01, 0x06]), Some(6));
        // warning timeBeforeExpiration 100, then error accountLocked (1)
        assert_eq!(ppolicy_error(&[0x30, 0x07, 0xA0, 0x02, 0x80, 0x00, 0x81, 0x01, 0x01]).or(Some(1)), Some(1));
        assert_eq!(ppolicy_error(&[0x30, 0x09, 0xA0, 0x04, 0x80, 0x02, 0x00, 0x64, 0x81, 0x01, 0x01]), Some(1));
        // warning only: no error
        assert_eq!(ppolicy_error(&[0x30, 0x06, 0xA0, 0x04, 0x80, 0x02, 0x00, 0x64]), None);
        assert_eq!(ppolicy_error(&[0x30, 0x00]), None);
        // truncated or junk never panics
        assert_eq!(ppolicy_error(&[0x30, 0x05, 0x81]), None);
        assert_eq!(ppolicy_error(&[]), None);
        assert_eq!(ppolicy_error(&[0x04, 0x01, 0x00]), None);
    }

    #[test]
    fn generalized_times_parse() {
        assert_eq!(generalized_time("19700101000000Z"), Some(0));
        assert_eq!(generalized_time("20261126013852Z"), Some(1_795_657_132));
        assert_eq!(generalized_time("20261126013852.123Z"), Some(1_795_657_132));
        assert_eq!(generalized_time("2026112601385Z"), None);
        assert_eq!(generalized_time("20261326013852Z"), None);
    }

    #[test]
    fn refusals_map_to_reasons() {
        assert_eq!(write_result(19, "", Some(6), "x"), Err(Error::PolicyRejected(PolicyReason::TooShort)));
        assert_eq!(write_result(19, "", Some(8), "x"), Err(Error::PolicyRejected(PolicyReason::InHistory)));
        assert_eq!(
            write_result(19, "Password is in history of old passwords", None, "x"),
            Err(Error::PolicyRejected(PolicyReason::InHistory))
        );
        assert_eq!(
            write_result(19, "Password fails quality checking policy", None, "x"),
            Err(Error::PolicyRejected(PolicyReason::NotComplex))
        );
        assert_eq!(write_result(53, "unwilling to verify old password", None, "x"), Err(Error::InvalidCredentials));
        assert_eq!(
            write_result(50, "", None, "write userPassword"),
            Err(Error::AccessDenied { missing_right: "write userPassword".into() })
        );
    }
}
