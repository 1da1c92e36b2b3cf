//! `passdesk check` for OpenLDAP: connections, scope, the ppolicy entry,
//! and write access to `userPassword` and `pwdAccountLockedTime` proven on
//! every in-scope user (up to a cap) by deleting a value that is not there:
//! slapd answers "no such attribute" (16) when the ACL allows the write and
//! "insufficient access" (50) when it does not, and nothing changes.
//! Locked accounts are not probed for `pwdAccountLockedTime`, since that
//! delete would unlock them.

use super::check::{self, CheckItem, names, probe_each, users_in_scope};
use super::ldap::attr;
use super::openldap::OpenLdap;
use ldap3::Mod;
use std::collections::HashSet;

fn acl(scope: &[String], attribute: &str, bind_dn: &str) -> String {
    scope
        .iter()
        .map(|base| {
            let rest =
                if attribute == "userPassword" { " by self write by anonymous auth by * none" } else { " by * none" };
            format!("access to dn.subtree=\"{base}\" attrs={attribute} by dn.exact=\"{bind_dn}\" write{rest}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl OpenLdap {
    /// The checklist for this directory.
    pub async fn checklist(&self) -> Vec<CheckItem> {
        let (mut items, reachable) = check::shared(self.pool()).await;
        if reachable {
            items.extend(check::or_fail("rights", self.rights().await));
        }
        items
    }

    async fn rights(&self) -> Result<Vec<CheckItem>, super::Error> {
        let pool = self.pool();
        let config = pool.config();
        let mut items = Vec::new();
        match &config.policy_dn {
            None => items.push(CheckItem::warn(
                "ppolicy entry",
                "policy_dn is not set: accounts without pwdPolicySubentry show only passdesk's rules",
                "set policy_dn to slapd's ppolicy_default DN",
            )),
            Some(dn) => {
                let dn = dn.clone();
                let found = super::ldap::with_service!(pool, |ldap| {
                    let r =
                        ldap.search(&dn, ldap3::Scope::Base, "(objectClass=pwdPolicy)", vec!["pwdMinLength"]).await?;
                    Ok(r.1.rc == 0 && !r.0.is_empty())
                })?;
                items.push(if found {
                    CheckItem::pass("ppolicy entry", format!("{dn} readable"))
                } else {
                    CheckItem::fail(
                        "ppolicy entry",
                        format!("{dn} not found or not readable"),
                        format!("give the service account read access to {dn}"),
                    )
                });
            }
        }
        let users = users_in_scope(pool, "(objectClass=inetOrgPerson)", &["uid", "pwdAccountLockedTime"]).await?;
        let admin_locked: Vec<&ldap3::SearchEntry> =
            users.iter().filter(|e| attr(e, "pwdAccountLockedTime") == Some("000001010000Z")).collect();
        let candidates: Vec<&ldap3::SearchEntry> =
            users.iter().filter(|e| attr(e, "pwdAccountLockedTime") != Some("000001010000Z")).collect();
        items.push(CheckItem::pass("users in scope", check::found_sentence(users.len(), candidates.len())));
        if !admin_locked.is_empty() {
            items.push(CheckItem::warn(
                "disabled accounts",
                format!(
                    "{} are locked by an administrator (pwdAccountLockedTime 000001010000Z): {}",
                    admin_locked.len(),
                    names(&admin_locked, "uid")
                ),
                "remove pwdAccountLockedTime if they should use self-service",
            ));
        }
        if candidates.is_empty() {
            items.push(CheckItem::warn(
                "rights",
                "no usable user in scope to prove the rights on",
                "add a test user and run the check again",
            ));
            return Ok(items);
        }
        let absent = format!("passdesk-check-{}", rand::random::<u64>());
        let denied = probe_each(pool, &candidates, |_| {
            vec![Mod::Delete(b"userPassword".to_vec(), HashSet::from([absent.clone().into_bytes()]))]
        })
        .await?;
        items.push(right_item(
            "write userPassword",
            &candidates,
            &denied,
            acl(&config.scope, "userPassword", &config.bind_dn),
        ));
        let unlocked: Vec<&ldap3::SearchEntry> =
            candidates.iter().filter(|e| attr(e, "pwdAccountLockedTime").is_none()).copied().collect();
        let denied =
            probe_each(pool, &unlocked, |_| vec![Mod::Delete(b"pwdAccountLockedTime".to_vec(), HashSet::new())])
                .await?;
        items.push(right_item(
            "write pwdAccountLockedTime",
            &unlocked,
            &denied,
            acl(&config.scope, "pwdAccountLockedTime", &config.bind_dn),
        ));
        Ok(items)
    }
}

fn right_item(right: &str, all: &[&ldap3::SearchEntry], denied: &[&ldap3::SearchEntry], fix: String) -> CheckItem {
    if denied.is_empty() {
        return CheckItem::pass(right, format!("proven on {} user(s) in scope", all.len()));
    }
    CheckItem::fail(
        right,
        format!("missing for {} of {} user(s): {}", denied.len(), all.len(), names(denied, "uid")),
        fix,
    )
}
