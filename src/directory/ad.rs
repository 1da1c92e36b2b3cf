//! Active Directory (and Samba AD) writeback over LDAPS or StartTLS only.
//! - Reset: the service account replaces `unicodePwd` (the password in
//!   double quotes, UTF-16LE), with LDAP_SERVER_POLICY_HINTS when the DC's
//!   rootDSE lists it so history, age and complexity still apply; then
//!   `pwdLastSet` = -1 (self-service: the password is current) or 0 (must
//!   change at next sign-in).
//! - Change: one modify, delete old + add new `unicodePwd`, bound as the
//!   user (or as the service account with the Change Password right when the
//!   user cannot bind because the password must be changed).
//! - Unlock: `lockoutTime` = 0.
//! - Disabled (`userAccountControl` bit 2) and protected (`adminCount` = 1)
//!   accounts are refused before any write.

use super::ad_codes::{
    BindOutcome, POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID, POLICY_HINTS_VALUE, bind_result, modify_result,
    unicode_pwd,
};
use super::ldap::with_service;
use super::ldap::{AccountSchema, LdapPool, attr, read_attr, read_entry, unavailable};
use super::{Account, AccountId, Directory, DirectoryPolicy, Error, ResetMode};
use crate::config::LdapConfig;
use async_trait::async_trait;
use ldap3::controls::RawControl;
use ldap3::{Ldap, Mod};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashSet;
use tokio::sync::OnceCell;

const ATTRS: &[&str] = &[
    "sAMAccountName",
    "userPrincipalName",
    "displayName",
    "cn",
    "mail",
    "mobile",
    "userAccountControl",
    "lockoutTime",
    "msDS-User-Account-Control-Computed",
    "adminCount",
    "pwdLastSet",
];
const USER_FILTER: &str = "(&(objectCategory=person)(objectClass=user))";
const UF_ACCOUNTDISABLE: u32 = 0x2;
const UF_LOCKOUT: u32 = 0x10;

/// An Active Directory domain.
pub struct ActiveDirectory {
    name: String,
    pool: LdapPool,
    /// The policy-hints OID the DC supports, if any; read once from the rootDSE.
    policy_hints: OnceCell<Option<&'static str>>,
    /// The PDC emulator's host name, found once when `prefer_pdc_emulator` is on.
    pdc: OnceCell<Option<String>>,
}

fn account_from(entry: &ldap3::SearchEntry, config: &LdapConfig) -> Account {
    let link_attribute = config.link_attribute.as_deref();
    let number = |name| attr(entry, name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let uac = number("userAccountControl") as u32;
    let computed = number("msDS-User-Account-Control-Computed") as u32;
    Account {
        id: AccountId(entry.dn.clone()),
        login: attr(entry, "sAMAccountName").unwrap_or_default().to_owned(),
        display_name: attr(entry, "displayName").or_else(|| attr(entry, "cn")).unwrap_or_default().to_owned(),
        email: attr(entry, &config.mail_attribute).map(str::to_owned),
        mobile: attr(entry, &config.mobile_attribute).map(str::to_owned),
        office_phone: attr(entry, &config.office_phone_attribute).map(str::to_owned),
        disabled: uac & UF_ACCOUNTDISABLE != 0,
        locked: computed & UF_LOCKOUT != 0 || (computed == 0 && number("lockoutTime") > 0),
        protected: number("adminCount") == 1,
        link: link_attribute.and_then(|a| attr(entry, a)).map(str::to_owned),
        password_set_at: filetime_to_unix(number("pwdLastSet")),
    }
}

/// An AD interval (negative 100 ns units; the minimum i64 means "never")
/// in seconds.
pub(super) fn interval_secs(value: Option<&str>) -> Option<i64> {
    let v = value?.parse::<i64>().ok()?;
    (v < 0 && v != i64::MIN).then(|| -v / 10_000_000)
}

/// Rules from a domain object (`minPwdLength` …) or a PSO (`msDS-…`).
fn policy_from(entry: &ldap3::SearchEntry, pso: bool, source: String) -> DirectoryPolicy {
    let name = |domain: &'static str, fine: &'static str| if pso { fine } else { domain };
    let number = |a| attr(entry, a).and_then(|v| v.parse::<i64>().ok());
    let complexity = if pso {
        attr(entry, "msDS-PasswordComplexityEnabled").is_some_and(|v| v.eq_ignore_ascii_case("TRUE"))
    } else {
        number("pwdProperties").is_some_and(|p| p & 1 == 1)
    };
    DirectoryPolicy {
        min_length: number(name("minPwdLength", "msDS-MinimumPasswordLength")).and_then(|v| u32::try_from(v).ok()),
        complexity,
        history: number(name("pwdHistoryLength", "msDS-PasswordHistoryLength")).and_then(|v| u32::try_from(v).ok()),
        min_age_secs: interval_secs(attr(entry, name("minPwdAge", "msDS-MinimumPasswordAge"))).filter(|s| *s > 0),
        max_age_secs: interval_secs(attr(entry, name("maxPwdAge", "msDS-MaximumPasswordAge"))).filter(|s| *s > 0),
        source,
    }
}

const DOMAIN_POLICY_ATTRS: &[&str] = &["minPwdLength", "pwdProperties", "pwdHistoryLength", "minPwdAge", "maxPwdAge"];
const PSO_ATTRS: &[&str] = &[
    "msDS-MinimumPasswordLength",
    "msDS-PasswordComplexityEnabled",
    "msDS-PasswordHistoryLength",
    "msDS-MinimumPasswordAge",
    "msDS-MaximumPasswordAge",
];

/// FILETIME (100 ns since 1601) to Unix seconds; 0 means "must change" and
/// carries no time.
pub(super) fn filetime_to_unix(filetime: i64) -> Option<i64> {
    (filetime > 0).then(|| filetime / 10_000_000 - 11_644_473_600)
}

/// How this flavour reads accounts.
pub(super) const SCHEMA: AccountSchema = AccountSchema { filter: USER_FILTER, attrs: ATTRS, build: account_from };

impl ActiveDirectory {
    /// The connections (for `passdesk check`).
    pub(super) fn pool(&self) -> &LdapPool {
        &self.pool
    }

    /// A domain reached through `pool`.
    pub fn new(name: impl Into<String>, pool: LdapPool) -> Self {
        Self { name: name.into(), pool, policy_hints: OnceCell::new(), pdc: OnceCell::new() }
    }

    /// Which policy-hints control the DC lists, if any (for `passdesk check`
    /// and for resets).
    pub async fn policy_hints(&self) -> Result<Option<&'static str>, Error> {
        self.policy_hints
            .get_or_try_init(|| async {
                let listed: HashSet<String> = with_service!(self.pool, |ldap| {
                    let (rows, _) = ldap
                        .search("", ldap3::Scope::Base, "(objectClass=*)", vec!["supportedControl"])
                        .await?
                        .success()?;
                    let entry = rows.into_iter().next().map(ldap3::SearchEntry::construct);
                    Ok(entry
                        .and_then(|e| e.attrs.into_iter().find(|(k, _)| k.eq_ignore_ascii_case("supportedControl")))
                        .map(|(_, v)| v.into_iter().collect())
                        .unwrap_or_default())
                })?;
                Ok([POLICY_HINTS_OID, POLICY_HINTS_DEPRECATED_OID].into_iter().find(|oid| listed.contains(*oid)))
            })
            .await
            .copied()
    }

    /// The PDC emulator's DNS name, from the domain's `fSMORoleOwner` (the
    /// NTDS Settings object of the role holder) and its server object.
    pub async fn pdc_emulator(&self) -> Result<Option<String>, Error> {
        self.pdc
            .get_or_try_init(|| async {
                with_service!(self.pool, |ldap| {
                    let base = read_attr(ldap, "", "defaultNamingContext").await?.unwrap_or_default();
                    let owner = read_attr(ldap, &base, "fSMORoleOwner").await?;
                    // The owner is the NTDS Settings object under the server object.
                    let Some(server) = owner.as_deref().and_then(|o| o.split_once(',')).map(|(_, s)| s.to_owned())
                    else {
                        return Ok(None);
                    };
                    read_attr(ldap, &server, "dNSHostName").await
                })
            })
            .await
            .cloned()
    }

    /// With `prefer_pdc_emulator`, points writes at the PDC emulator before
    /// the first one (so history and lockout are current at once).
    async fn prefer_pdc(&self) {
        if !self.pool.config().prefer_pdc_emulator || self.pdc.initialized() {
            return;
        }
        match self.pdc_emulator().await {
            Ok(Some(host)) if self.pool.pin_host(&host) => {
                tracing::info!(directory = %self.name, %host, "writes go to the PDC emulator")
            }
            Ok(Some(host)) => {
                tracing::warn!(directory = %self.name, %host, "the PDC emulator is not among urls; writes go to the first healthy server")
            }
            Ok(None) => {
                tracing::warn!(directory = %self.name, "no PDC emulator found; writes go to the first healthy server")
            }
            Err(e) => tracing::warn!(directory = %self.name, error = %e, "PDC emulator discovery failed"),
        }
    }

    async fn eligible(&self, id: &AccountId) -> Result<Account, Error> {
        self.prefer_pdc().await;
        let account = self.account(id).await?.ok_or(Error::NotFound)?;
        if account.disabled {
            return Err(Error::AccountDisabled);
        }
        if account.protected {
            return Err(Error::ProtectedAccount);
        }
        Ok(account)
    }

    async fn set_pwd_last_set(&self, dn: &str, value: &str) -> Result<(), Error> {
        let (rc, text) = with_service!(self.pool, |ldap| {
            let mods = vec![Mod::Replace("pwdLastSet", HashSet::from([value]))];
            let r = ldap.modify(dn, mods).await?;
            Ok((r.rc, r.text))
        })?;
        modify_result(rc, &text, "write pwdLastSet")
    }

    /// Binds as the user on a person-bind connection and hands it back
    /// (to be given back to the pool when done).
    async fn bind_as(&self, dn: &str, password: &SecretString) -> Result<(Ldap, BindOutcome), Error> {
        // An empty password would be an unauthenticated bind, which succeeds.
        if password.expose_secret().is_empty() {
            return Err(Error::InvalidCredentials);
        }
        let (ldap, r) = self.pool.bind_person(dn, password.expose_secret(), Vec::new()).await?;
        Ok((ldap, bind_result(r.rc, &r.text)))
    }
}

#[async_trait]
impl Directory for ActiveDirectory {
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
        let (ldap, outcome) = self.bind_as(&id.0, password).await?;
        self.pool.give_back_person(ldap);
        match outcome {
            BindOutcome::Ok | BindOutcome::MustChange => Ok(()),
            BindOutcome::Refused(e) => Err(e),
        }
    }

    async fn reset_password(&self, id: &AccountId, new: &SecretString, mode: ResetMode) -> Result<(), Error> {
        self.eligible(id).await?;
        let hints = self.policy_hints().await?;
        let value = unicode_pwd(new.expose_secret());
        let dn = id.0.as_str();
        let (rc, text) = with_service!(self.pool, |ldap| {
            if let Some(oid) = hints {
                ldap.with_controls(RawControl {
                    ctype: oid.to_owned(),
                    crit: true,
                    val: Some(POLICY_HINTS_VALUE.to_vec()),
                });
            }
            let mods = vec![Mod::Replace(b"unicodePwd".to_vec(), HashSet::from([value.clone()]))];
            let r = ldap.modify(dn, mods).await?;
            Ok((r.rc, r.text))
        })?;
        modify_result(rc, &text, "Reset Password")?;
        let flag = match mode {
            ResetMode::SelfService => "-1",
            ResetMode::MustChange => "0",
        };
        if let Err(e) = self.set_pwd_last_set(dn, flag).await {
            // The password is written and works; only the "current" flag is missing.
            tracing::error!(directory = %self.name, error = %e, "password reset, but pwdLastSet could not be set");
        }
        Ok(())
    }

    async fn change_password(&self, id: &AccountId, old: &SecretString, new: &SecretString) -> Result<(), Error> {
        self.prefer_pdc().await;
        let account = self.account(id).await?.ok_or(Error::NotFound)?;
        if account.disabled {
            return Err(Error::AccountDisabled);
        }
        let (mut ldap, outcome) = self.bind_as(&id.0, old).await?;
        let old_value = unicode_pwd(old.expose_secret());
        let new_value = unicode_pwd(new.expose_secret());
        let mods = || {
            vec![
                Mod::Delete(b"unicodePwd".to_vec(), HashSet::from([old_value.clone()])),
                Mod::Add(b"unicodePwd".to_vec(), HashSet::from([new_value.clone()])),
            ]
        };
        let (rc, text) = match outcome {
            BindOutcome::Refused(e) => {
                self.pool.give_back_person(ldap);
                return Err(e);
            }
            BindOutcome::Ok => {
                let r = ldap.modify(&id.0, mods()).await.map_err(unavailable)?;
                self.pool.give_back_person(ldap);
                (r.rc, r.text)
            }
            // The user may not sign in until the password is changed: the
            // service account's Change Password right does it, and the DC
            // still checks the old password.
            BindOutcome::MustChange => {
                self.pool.give_back_person(ldap);
                with_service!(self.pool, |ldap| {
                    let r = ldap.modify(&id.0, mods()).await?;
                    Ok((r.rc, r.text))
                })?
            }
        };
        modify_result(rc, &text, "Change Password")
    }

    async fn unlock(&self, id: &AccountId) -> Result<(), Error> {
        self.eligible(id).await?;
        let (rc, text) = with_service!(self.pool, |ldap| {
            let r = ldap.modify(&id.0, vec![Mod::Replace("lockoutTime", HashSet::from(["0"]))]).await?;
            Ok((r.rc, r.text))
        })?;
        modify_result(rc, &text, "write lockoutTime")
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
        self.pool.standing(&id.0, true).await
    }

    async fn self_check(&self) -> Vec<super::check::CheckItem> {
        self.checklist().await
    }

    async fn password_policy(&self, id: &AccountId) -> Result<DirectoryPolicy, Error> {
        let dn = id.0.clone();
        // The winning fine-grained policy (PSO), when the service account may
        // read it; otherwise the domain's default policy.
        let (pso, domain) = with_service!(self.pool, |ldap| {
            let mut pso = None;
            if let Some(pso_dn) = read_attr(ldap, &dn, "msDS-ResultantPSO").await? {
                pso = read_entry(ldap, &pso_dn, PSO_ATTRS).await?.map(|e| (pso_dn, e));
            }
            let base = read_attr(ldap, "", "defaultNamingContext").await?.unwrap_or_default();
            Ok((pso, read_entry(ldap, &base, DOMAIN_POLICY_ATTRS).await?.map(|e| (base, e))))
        })?;
        match (pso, domain) {
            (Some((pso_dn, entry)), _) if attr(&entry, "msDS-MinimumPasswordLength").is_some() => {
                Ok(policy_from(&entry, true, format!("fine-grained policy {pso_dn}")))
            }
            (_, Some((base, entry))) => Ok(policy_from(&entry, false, format!("domain policy of {base}"))),
            _ => Err(Error::Other("the domain's password policy could not be read".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_negative_hundred_nanoseconds() {
        assert_eq!(interval_secs(Some("-864000000000")), Some(86_400));
        assert_eq!(interval_secs(Some("-9223372036854775808")), None);
        assert_eq!(interval_secs(Some("0")), None);
        assert_eq!(interval_secs(None), None);
    }

    #[test]
    fn filetime_converts_to_unix_seconds() {
        assert_eq!(filetime_to_unix(116_444_736_000_000_000), Some(0));
        assert_eq!(filetime_to_unix(134_401_307_327_025_750), Some(1_795_657_132));
        assert_eq!(filetime_to_unix(0), None);
        assert_eq!(filetime_to_unix(-1), None);
    }
}
