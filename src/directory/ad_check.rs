//! `passdesk check` for Active Directory: connections, scope, the
//! policy-hints control, and each right proven on every in-scope user (up
//! to a cap) without changing anything:
//! - Reset Password: replace `unicodePwd` with an unquoted value, which a DC
//!   refuses as malformed (53) when the right is there and with 50 when not;
//! - write `lockoutTime` / `pwdLastSet`: the constructed
//!   `allowedAttributesEffective` attribute lists what the account may write;
//! - Change Password is granted to Everyone by default and is exercised
//!   bound as the user, so it is not probed (a probe would count as a wrong
//!   password).

use super::ad::ActiveDirectory;
use super::check::{self, CheckItem, names, probe_each, users_in_scope};
use super::ldap::attr;
use ldap3::Mod;
use std::collections::{BTreeSet, HashSet};

const UF_ACCOUNTDISABLE: i64 = 0x2;

fn account_name(bind_dn: &str) -> String {
    let first = bind_dn.split(',').next().unwrap_or(bind_dn);
    first.split_once('=').map_or(first, |(_, v)| v).to_owned()
}

fn parents(entries: &[&ldap3::SearchEntry]) -> BTreeSet<String> {
    entries.iter().map(|e| e.dn.split_once(',').map_or(e.dn.clone(), |(_, p)| p.to_owned())).collect()
}

/// `dsacls` lines that grant `grant` (e.g. `CA;Reset Password;user`) on each OU.
fn dsacls(ous: &BTreeSet<String>, who: &str, grant: &str) -> String {
    ous.iter().map(|ou| format!("dsacls \"{ou}\" /I:S /G \"<DOMAIN>\\{who}:{grant}\"")).collect::<Vec<_>>().join("\n")
}

impl ActiveDirectory {
    /// The checklist for this domain.
    pub async fn checklist(&self) -> Vec<CheckItem> {
        let pool = self.pool();
        let (mut items, reachable) = check::shared(pool).await;
        if !reachable {
            return items;
        }
        items.push(match self.policy_hints().await {
            Ok(Some(oid)) => {
                CheckItem::pass("policy hints", format!("the DC lists {oid}: resets keep history, age and complexity"))
            }
            Ok(None) => CheckItem::warn(
                "policy hints",
                "the DC does not list LDAP_SERVER_POLICY_HINTS (1.2.840.113556.1.4.2239 or …2066): \
                 password history and minimum age are not applied to self-service resets (Samba never lists it)",
                "use Windows Server 2016 or later DCs first in urls to have history enforced on resets",
            ),
            Err(e) => CheckItem::fail("policy hints", e.to_string(), "fix the connection problems above first"),
        });
        if pool.config().prefer_pdc_emulator {
            items.push(match self.pdc_emulator().await {
                Ok(Some(host))
                    if pool
                        .config()
                        .urls
                        .iter()
                        .any(|u| u.host_str().is_some_and(|h| h.eq_ignore_ascii_case(&host))) =>
                {
                    CheckItem::pass("PDC emulator", format!("{host}: writes go there first"))
                }
                Ok(Some(host)) => CheckItem::warn(
                    "PDC emulator",
                    format!("{host} holds the role but is not among urls: writes go to the first healthy server"),
                    format!("add ldaps://{host} to urls"),
                ),
                Ok(None) => CheckItem::warn(
                    "PDC emulator",
                    "fSMORoleOwner could not be read",
                    "check the service account's read access to the domain object",
                ),
                Err(e) => CheckItem::fail("PDC emulator", e.to_string(), "fix the connection problems above first"),
            });
        }
        items.extend(check::or_fail("rights", self.rights().await));
        items
    }

    async fn rights(&self) -> Result<Vec<CheckItem>, super::Error> {
        let pool = self.pool();
        let filter = "(&(objectCategory=person)(objectClass=user))";
        let attrs = ["sAMAccountName", "userAccountControl", "adminCount", "allowedAttributesEffective"];
        let users = users_in_scope(pool, filter, &attrs).await?;
        let number = |e: &ldap3::SearchEntry, a| attr(e, a).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        let disabled: Vec<&ldap3::SearchEntry> =
            users.iter().filter(|e| number(e, "userAccountControl") & UF_ACCOUNTDISABLE != 0).collect();
        let protected: Vec<&ldap3::SearchEntry> = users.iter().filter(|e| number(e, "adminCount") == 1).collect();
        let candidates: Vec<&ldap3::SearchEntry> = users
            .iter()
            .filter(|e| number(e, "userAccountControl") & UF_ACCOUNTDISABLE == 0 && number(e, "adminCount") != 1)
            .collect();
        let mut items = vec![CheckItem::pass("users in scope", check::found_sentence(users.len(), candidates.len()))];
        if !disabled.is_empty() {
            items.push(CheckItem::warn(
                "disabled accounts",
                format!("{} cannot reset while disabled: {}", disabled.len(), names(&disabled, "sAMAccountName")),
                "enable them in the directory if they should use self-service",
            ));
        }
        if !protected.is_empty() {
            items.push(CheckItem::warn(
                "protected accounts",
                format!("{} have adminCount=1 and are never reset by self-service: {}", protected.len(), names(&protected, "sAMAccountName")),
                "by design: privileged accounts use their own procedure; if an account is no longer privileged, clear its adminCount",
            ));
        }
        if candidates.is_empty() {
            items.push(CheckItem::warn(
                "rights",
                "no enabled, unprotected user in scope to prove the rights on",
                "add a test user to the OU and run the check again",
            ));
            return Ok(items);
        }
        let who = account_name(&pool.config().bind_dn);
        let malformed: Vec<u8> = "x".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let denied = probe_each(pool, &candidates, |_| {
            vec![Mod::Replace(b"unicodePwd".to_vec(), HashSet::from([malformed.clone()]))]
        })
        .await?;
        items.push(right_item("Reset Password", &candidates, &denied, &who, "CA;Reset Password;user"));
        for attribute in ["lockoutTime", "pwdLastSet"] {
            let denied: Vec<&ldap3::SearchEntry> = candidates
                .iter()
                .filter(|e| {
                    !e.attrs.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case("allowedAttributesEffective")
                            && v.iter().any(|a| a.eq_ignore_ascii_case(attribute))
                    })
                })
                .copied()
                .collect();
            items.push(right_item(
                &format!("write {attribute}"),
                &candidates,
                &denied,
                &who,
                &format!("WP;{attribute};user"),
            ));
        }
        items.push(CheckItem::pass(
            "Change Password",
            "granted to Everyone on user objects by default; changes are made bound as the user and the DC checks \
             the old password (not probed: a probe would count as a wrong password)",
        ));
        Ok(items)
    }
}

fn right_item(
    right: &str,
    all: &[&ldap3::SearchEntry],
    denied: &[&ldap3::SearchEntry],
    who: &str,
    grant: &str,
) -> CheckItem {
    if denied.is_empty() {
        return CheckItem::pass(right, format!("proven on {} user(s) in scope", all.len()));
    }
    CheckItem::fail(
        right,
        format!("missing for {} of {} user(s): {}", denied.len(), all.len(), names(denied, "sAMAccountName")),
        dsacls(&parents(denied), who, grant),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_lines_name_the_ou_and_the_account() {
        assert_eq!(account_name("CN=svc-passdesk,CN=Users,DC=example,DC=test"), "svc-passdesk");
        let ous = BTreeSet::from(["OU=Staff,DC=example,DC=test".to_owned()]);
        assert_eq!(
            dsacls(&ous, "svc-passdesk", "CA;Reset Password;user"),
            "dsacls \"OU=Staff,DC=example,DC=test\" /I:S /G \"<DOMAIN>\\svc-passdesk:CA;Reset Password;user\""
        );
    }
}
