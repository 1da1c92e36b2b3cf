//! The crash run's own accounts in the test bed's slapd: an OU of its own
//! under the people OU (named with the run's tag, so parallel runs and
//! other tests never meet), users with a mail address for the e-mail code,
//! and the directory's truth about a password: a bind.

use crate::common::users::{admin, connect, env, person};
use ldap3::Scope;
use std::collections::HashSet;

/// One account the run resets.
pub struct Account {
    pub login: String,
    pub dn: String,
}

/// The run's OU.
pub fn ou(tag: &str) -> String {
    format!("ou=crash-{tag},{}", env("SCOPE"))
}

/// Creates the OU and `n` users, each with `passwords[i]`. The users follow
/// the bed's policy without lockout (`cn=service`), so the binds of the
/// final check can never lock an account and make a right password look
/// wrong; history and quality checks still apply.
pub async fn create(tag: &str, passwords: &[String]) -> Vec<Account> {
    let mut ldap = admin().await;
    let ou = ou(tag);
    let name = format!("crash-{tag}");
    let attrs = vec![("objectClass", HashSet::from(["organizationalUnit"])), ("ou", HashSet::from([name.as_str()]))];
    ldap.add(&ou, attrs).await.unwrap().success().unwrap();
    let policy = format!("cn=service,ou=policies,{}", env("BASE"));
    let mut accounts = Vec::new();
    for (i, password) in passwords.iter().enumerate() {
        let login = format!("crash{tag}u{i:04}");
        let dn = format!("uid={login},{ou}");
        let mail = format!("{login}@example.test");
        let mut attrs = person(&login, "Crash", &mail, password);
        attrs.push(("pwdPolicySubentry", HashSet::from([policy.as_str()])));
        ldap.add(&dn, attrs).await.unwrap().success().unwrap();
        accounts.push(Account { login, dn });
    }
    let _ = ldap.unbind().await;
    accounts
}

/// Which of `candidates` the directory accepts for `dn` (a bind each,
/// newest first, stopping at the first that binds).
pub async fn holder<'a>(dn: &str, candidates: &'a [String]) -> Option<&'a String> {
    let mut ldap = connect().await;
    for candidate in candidates.iter().rev() {
        let bound = ldap.simple_bind(dn, candidate).await.unwrap();
        if bound.rc == 0 {
            let _ = ldap.unbind().await;
            return Some(candidate);
        }
    }
    let _ = ldap.unbind().await;
    None
}

/// Deletes the run's users and OU (after a passing run; a failing run
/// leaves them for a look).
pub async fn remove(tag: &str) {
    let mut ldap = admin().await;
    let ou = ou(tag);
    let (entries, _) =
        ldap.search(&ou, Scope::OneLevel, "(objectClass=*)", vec!["1.1"]).await.unwrap().success().unwrap();
    for entry in entries {
        let entry = ldap3::SearchEntry::construct(entry);
        ldap.delete(&entry.dn).await.unwrap().success().unwrap();
    }
    ldap.delete(&ou).await.unwrap().success().unwrap();
    let _ = ldap.unbind().await;
}
