//! The service-account self-test behind `passdesk check`: every server
//! reachable over verified TLS, the service account signs in, the scope
//! exists, each right passdesk needs is proven on real in-scope users by a
//! write the server must refuse either way (so nothing changes), and the
//! users self-service cannot help are listed with the reason. Every failure
//! carries the line that fixes it.

use super::Error;
use super::ldap::{LdapPool, attr};
use secrecy::ExposeSecret;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Pass,
    /// Works, but something is weaker than it should be.
    Warn,
    /// Broken: self-service will fail for some or all users.
    Fail,
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckItem {
    /// What was checked.
    pub name: String,
    /// The outcome.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// How to fix it, when it is not a pass.
    pub fix: Option<String>,
}

impl CheckItem {
    /// A passed check.
    pub fn pass(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), status: Status::Pass, detail: detail.into(), fix: None }
    }

    /// A warning with its fix.
    pub fn warn(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name: name.into(), status: Status::Warn, detail: detail.into(), fix: Some(fix.into()) }
    }

    /// A failure with its fix.
    pub fn fail(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { name: name.into(), status: Status::Fail, detail: detail.into(), fix: Some(fix.into()) }
    }
}

/// Most in-scope users whose rights are probed one by one.
pub const MAX_PROBED_USERS: usize = 500;

fn connection_fix(error: &str) -> String {
    let lower = error.to_lowercase();
    if lower.contains("certificate") || lower.contains("unknownissuer") || lower.contains("invalidcertificate") {
        "the server's certificate is not trusted: set ca_file to the PEM of the CA that signed it, \
         and make sure the certificate names the host of the URL (subjectAltName)"
            .into()
    } else if lower.contains("refused") {
        "nothing listens there: check the host and port, and that LDAPS (636) or StartTLS is enabled".into()
    } else if lower.contains("timed out") || lower.contains("timeout") {
        "no answer in time: check firewalls between passdesk and the server, or raise connect_timeout_secs".into()
    } else {
        "check the URL, DNS and TLS settings of this server".into()
    }
}

/// Reachability, TLS and the service account's sign-in, for every URL.
pub async fn connections(pool: &LdapPool) -> Vec<CheckItem> {
    let mut items = Vec::new();
    let config = pool.config();
    for url in &config.urls {
        let name = format!("server {url}");
        let mut ldap = match pool.connect_one(url).await {
            Ok(ldap) => ldap,
            Err(e) => {
                let text = e.to_string();
                items.push(CheckItem::fail(name, format!("cannot connect over TLS: {text}"), connection_fix(&text)));
                continue;
            }
        };
        match ldap.simple_bind(&config.bind_dn, config.bind_password.expose_secret()).await {
            Ok(r) if r.rc == 0 => items.push(CheckItem::pass(name, "reachable, TLS certificate verified, service account signed in")),
            Ok(r) => items.push(CheckItem::fail(
                name,
                format!("the service account cannot sign in (LDAP {}: {})", r.rc, r.text.trim()),
                "check bind_dn and bind_password (or bind_password_file), and that the account is enabled and not locked",
            )),
            Err(e) => items.push(CheckItem::fail(name, format!("connection lost while signing in: {e}"), connection_fix(&e.to_string()))),
        }
        let _ = ldap.unbind().await;
    }
    items
}

/// The items of a check, or one failure item when it could not run.
pub fn or_fail(name: &str, result: Result<Vec<CheckItem>, Error>) -> Vec<CheckItem> {
    result.unwrap_or_else(|e| vec![CheckItem::fail(name, e.to_string(), "fix the connection problems above first")])
}

/// The part of the checklist every LDAP flavour shares (connections, scope,
/// groups), and whether any server answered so the flavour's own checks can run.
pub async fn shared(pool: &LdapPool) -> (Vec<CheckItem>, bool) {
    let mut items = connections(pool).await;
    if items.iter().all(|i| i.status == Status::Fail) {
        return (items, false);
    }
    items.extend(or_fail("scope", scope(pool).await));
    items.extend(or_fail("groups", groups(pool).await));
    (items, true)
}

/// Whether each scope base exists.
pub async fn scope(pool: &LdapPool) -> Result<Vec<CheckItem>, Error> {
    let bases = pool.config().scope.clone();
    let mut items = Vec::new();
    for base in bases {
        let found = super::ldap::with_service!(pool, |ldap| {
            let r = ldap.search(&base, ldap3::Scope::Base, "(objectClass=*)", vec!["1.1"]).await?;
            Ok(r.1.rc == 0)
        })?;
        items.push(if found {
            CheckItem::pass(format!("scope {base}"), "exists")
        } else {
            CheckItem::fail(format!("scope {base}"), "no such entry", "correct the DN in scope, or create the OU")
        });
    }
    Ok(items)
}

/// Whether the configured admin and pilot groups exist and may be read.
pub async fn groups(pool: &LdapPool) -> Result<Vec<CheckItem>, Error> {
    let config = pool.config();
    let mut items = Vec::new();
    for (label, group) in [("admin group", &config.admin_group), ("pilot group", &config.pilot_group)] {
        let Some(group) = group.clone() else { continue };
        let members = super::ldap::with_service!(pool, |ldap| {
            let entry = super::ldap::read_entry(ldap, &group, &["member"]).await?;
            Ok(entry.map(|e| {
                e.attrs.iter().filter(|(k, _)| k.eq_ignore_ascii_case("member")).map(|(_, v)| v.len()).sum::<usize>()
            }))
        })?;
        items.push(match members {
            Some(n) => CheckItem::pass(format!("{label} {group}"), format!("exists, {n} direct member(s)")),
            None => CheckItem::fail(
                format!("{label} {group}"),
                "not found, or not readable by the service account",
                "correct the DN, or give the service account read access to the group",
            ),
        });
    }
    Ok(items)
}

/// The in-scope user entries (the first [`MAX_PROBED_USERS`]), for the
/// per-user probes. Read in pages (RFC 2696), as servers cap a plain
/// search: slapd at 500 entries, Active Directory at 1,000.
pub async fn users_in_scope(pool: &LdapPool, filter: &str, attrs: &[&str]) -> Result<Vec<ldap3::SearchEntry>, Error> {
    use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
    let bases = pool.config().scope.clone();
    super::ldap::with_service!(pool, |ldap| {
        let mut all = Vec::new();
        for base in &bases {
            let adapters: Vec<Box<dyn Adapter<_, _>>> =
                vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(MAX_PROBED_USERS as i32))];
            let mut search =
                ldap.streaming_search_with(adapters, base, ldap3::Scope::Subtree, filter, attrs.to_vec()).await?;
            while all.len() < MAX_PROBED_USERS {
                match search.next().await? {
                    Some(entry) => all.push(ldap3::SearchEntry::construct(entry)),
                    None => break,
                }
            }
            if all.len() >= MAX_PROBED_USERS {
                // Enough for the probes: stop the server sending the rest.
                let id = search.ldap_handle().last_id();
                let _ = search.ldap_handle().abandon(id).await;
                break;
            }
            search.finish().await.success()?;
        }
        Ok(all)
    })
}

/// "N found (M can use self-service)", saying when only the first
/// [`MAX_PROBED_USERS`] were read.
pub fn found_sentence(found: usize, usable: usize) -> String {
    if found >= MAX_PROBED_USERS {
        format!("{found} or more found; the first {found} were probed ({usable} of them can use self-service)")
    } else {
        format!("{found} found ({usable} can use self-service)")
    }
}

/// Names for a list line: the first few, then a count.
pub fn names(entries: &[&ldap3::SearchEntry], login_attr: &str) -> String {
    let mut shown: Vec<String> =
        entries.iter().take(10).map(|e| attr(e, login_attr).unwrap_or(&e.dn).to_owned()).collect();
    if entries.len() > 10 {
        shown.push(format!("and {} more", entries.len() - 10));
    }
    shown.join(", ")
}

/// Runs `probe` (one modify the server refuses either way) on each entry
/// and returns those where the result code says "insufficient access".
pub async fn probe_each<'a>(
    pool: &LdapPool,
    entries: &[&'a ldap3::SearchEntry],
    probe: impl Fn(&'a ldap3::SearchEntry) -> Vec<ldap3::Mod<Vec<u8>>>,
) -> Result<Vec<&'a ldap3::SearchEntry>, Error> {
    let mut denied = Vec::new();
    for entry in entries {
        let mods = probe(entry);
        let rc = super::ldap::with_service!(pool, |ldap| {
            let r = ldap.modify(&entry.dn, mods.clone()).await?;
            Ok(r.rc)
        })?;
        if rc == 50 {
            denied.push(*entry);
        }
    }
    Ok(denied)
}
