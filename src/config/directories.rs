//! `[directories.NAME]` → `DirectoryConfig`: the kind, and for LDAP kinds
//! the servers, TLS, service account and scope, each problem with its key.

use super::raw::RawDirectory;
use super::{DirectoryConfig, DirectoryKind, LdapConfig, Problem};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Idle connections kept per pool (service and person binds) when the
/// config does not say: a few for the quiet hours, so the first requests
/// of a burst find one ready; a burst itself keeps more (directory/ldap.rs).
const DEFAULT_POOL_SIZE: usize = 16;

struct Section<'a> {
    name: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Section<'_> {
    fn add(&mut self, key: &str, message: impl Into<String>) {
        self.problems.push(Problem { key: format!("directories.{}.{key}", self.name), message: message.into() });
    }

    fn seconds(&mut self, key: &str, value: Option<i64>, max: i64, default: i64) -> Duration {
        match value {
            None => Duration::from_secs(default as u64),
            Some(v) if (1..=max).contains(&v) => Duration::from_secs(v as u64),
            Some(v) => {
                self.add(key, format!("{v} is out of range: use a whole number of seconds from 1 to {max}"));
                Duration::from_secs(default as u64)
            }
        }
    }
}

/// The default when no directory is configured: one local directory.
fn embedded_default() -> DirectoryConfig {
    DirectoryConfig {
        name: "local".to_owned(),
        kind: DirectoryKind::Local,
        mail_domain: "example.org".to_owned(),
        ldap: None,
        sync: super::sync::sync(&mut Vec::new(), "local", DirectoryKind::Local, Default::default()),
    }
}

pub(super) fn directories(problems: &mut Vec<Problem>, raw: BTreeMap<String, RawDirectory>) -> Vec<DirectoryConfig> {
    if raw.is_empty() {
        return vec![embedded_default()];
    }
    raw.into_iter().map(|(name, dir)| directory(problems, name, dir)).collect()
}

fn directory(problems: &mut Vec<Problem>, name: String, mut dir: RawDirectory) -> DirectoryConfig {
    let mut s = Section { name: &name, problems };
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || name.len() > 32 {
        s.problems.push(Problem {
            key: format!("directories.{name}"),
            message: "a directory name uses only letters, digits, '-' and '_' (at most 32)".into(),
        });
    }
    let kind = match dir.kind.as_deref() {
        Some("local") => DirectoryKind::Local,
        Some("ad") => DirectoryKind::ActiveDirectory,
        Some("openldap") => DirectoryKind::OpenLdap,
        Some(other) => {
            s.add("kind", format!("\"{other}\" is not a directory kind: use \"ad\", \"openldap\" or \"local\""));
            DirectoryKind::Local
        }
        None => {
            s.add("kind", "missing: say which kind of directory this is: kind = \"ad\", \"openldap\" or \"local\"");
            DirectoryKind::Local
        }
    };
    let mail_domain = dir.mail_domain.clone().unwrap_or_else(|| "example.org".to_owned());
    if mail_domain.is_empty() || mail_domain.contains('@') || mail_domain.contains(char::is_whitespace) {
        s.add("mail_domain", "give a bare domain such as \"example.org\"");
    }
    let sync = super::sync::sync(s.problems, &name, kind, std::mem::take(&mut dir.sync));
    let ldap = match kind {
        DirectoryKind::Local => {
            let stray = [
                dir.urls.is_some(),
                dir.bind_dn.is_some(),
                dir.bind_password.is_some(),
                dir.scope.is_some(),
                dir.policy_dn.is_some(),
                dir.prefer_pdc_emulator.is_some(),
                dir.link_attribute.is_some(),
                dir.mail_attribute.is_some(),
                dir.admin_group.is_some(),
                dir.pilot_group.is_some(),
                dir.mobile_attribute.is_some(),
                dir.office_phone_attribute.is_some(),
            ];
            if stray.iter().any(|x| *x) {
                s.add(
                    "kind",
                    "urls, bind_dn, bind_password and scope belong to kind = \"ad\" or \"openldap\", not \"local\"",
                );
            }
            None
        }
        _ => Some(ldap(&mut s, kind, dir)),
    };
    DirectoryConfig { name, kind, mail_domain, ldap, sync }
}

fn ldap(s: &mut Section<'_>, kind: DirectoryKind, dir: RawDirectory) -> LdapConfig {
    let starttls = dir.starttls.unwrap_or(false);
    let mut urls = Vec::new();
    match dir.urls {
        None => s.add("urls", "missing: list the servers, e.g. urls = [\"ldaps://dc1.example.org\"]"),
        Some(list) if list.is_empty() => s.add("urls", "give at least one server URL"),
        Some(list) => {
            for text in list {
                match url::Url::parse(&text) {
                    Ok(u) if u.scheme() == "ldaps" && u.host().is_some() => urls.push(u),
                    Ok(u) if u.scheme() == "ldap" && u.host().is_some() && starttls => urls.push(u),
                    Ok(u) if u.scheme() == "ldap" => s.add(
                        "urls",
                        format!("\"{u}\" is plain LDAP: passwords are only written over TLS; use ldaps:// or set starttls = true"),
                    ),
                    _ => s.add("urls", format!("\"{text}\" is not an LDAP URL: use e.g. \"ldaps://dc1.example.org:636\"")),
                }
            }
        }
    }
    let bind_dn = dir.bind_dn.unwrap_or_default();
    if bind_dn.trim().is_empty() {
        s.add("bind_dn", "missing: the DN of the service account passdesk writes with");
    }
    let password = dir.bind_password.unwrap_or_default();
    if password.is_empty() {
        s.add("bind_password", "missing: give bind_password or bind_password_file (the service account's password)");
    }
    let scope = dir.scope.unwrap_or_default();
    if scope.is_empty() || scope.iter().any(|b| !b.contains('=')) {
        s.add(
            "scope",
            "list the OUs (DNs) that hold the accounts people may reset, e.g. [\"OU=Staff,DC=example,DC=org\"]",
        );
    }
    for (key, value) in [("admin_group", &dir.admin_group), ("pilot_group", &dir.pilot_group)] {
        if value.as_deref().is_some_and(|g| !g.contains('=')) {
            s.add(key, "give the group's DN, e.g. \"CN=Password Admins,OU=Groups,DC=corp,DC=example,DC=org\"");
        }
    }
    for (key, value) in [
        ("link_attribute", &dir.link_attribute),
        ("mail_attribute", &dir.mail_attribute),
        ("mobile_attribute", &dir.mobile_attribute),
        ("office_phone_attribute", &dir.office_phone_attribute),
    ] {
        if value.as_deref().is_some_and(|a| a.is_empty() || !a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
            s.add(key, "give one attribute name, e.g. \"mail\", \"otherMailbox\" or \"employeeID\"");
        }
    }
    if kind != DirectoryKind::ActiveDirectory && dir.prefer_pdc_emulator == Some(true) {
        s.add("prefer_pdc_emulator", "only Active Directory has a PDC emulator: remove this key or set kind = \"ad\"");
    }
    let default_logins: &[&str] = match kind {
        DirectoryKind::ActiveDirectory => &["sAMAccountName", "userPrincipalName", "mail"],
        _ => &["uid", "mail"],
    };
    let login_attributes =
        dir.login_attributes.unwrap_or_else(|| default_logins.iter().map(|a| (*a).to_owned()).collect());
    if login_attributes.is_empty()
        || login_attributes.iter().any(|a| a.is_empty() || !a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        s.add("login_attributes", "list attribute names such as [\"sAMAccountName\", \"mail\"]");
    }
    let pool_size = match dir.pool_size {
        None => DEFAULT_POOL_SIZE,
        Some(n) if (1..=256).contains(&n) => n as usize,
        Some(n) => {
            s.add("pool_size", format!("{n} is out of range: use 1 to 256"));
            DEFAULT_POOL_SIZE
        }
    };
    LdapConfig {
        urls,
        starttls,
        ca_file: dir.ca_file.map(PathBuf::from),
        bind_dn,
        bind_password: password.into(),
        scope,
        login_attributes,
        connect_timeout: s.seconds("connect_timeout_secs", dir.connect_timeout_secs, 60, 5),
        timeout: s.seconds("timeout_secs", dir.timeout_secs, 120, 10),
        pool_size,
        prefer_pdc_emulator: dir.prefer_pdc_emulator.unwrap_or(false),
        link_attribute: dir.link_attribute.clone().filter(|a| !a.is_empty()),
        admin_group: dir.admin_group.clone(),
        pilot_group: dir.pilot_group.clone(),
        mail_attribute: dir.mail_attribute.clone().unwrap_or_else(|| "mail".to_owned()),
        mobile_attribute: dir.mobile_attribute.clone().unwrap_or_else(|| "mobile".to_owned()),
        office_phone_attribute: dir.office_phone_attribute.clone().unwrap_or_else(|| "telephoneNumber".to_owned()),
        policy_dn: dir.policy_dn,
    }
}
