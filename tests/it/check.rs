//! `passdesk check` against the real directories: it passes where the
//! service account has its rights, fails with the exact fix line where it
//! does not, and changes nothing on the accounts it probes.

use crate::directory_contract::{Bed, add_ad, admin, bed, unique};
use std::process::{Command, Stdio};

fn config(ad: &Bed, ad_scope: &str, ldap: &Bed, ldap_scope: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let text = format!(
        "[store]\ndata_dir = {data:?}\n\
         [directories.corp]\nkind = \"ad\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password = \"{}\"\nscope = [\"{ad_scope}\"]\nprefer_pdc_emulator = true\nadmin_group = \"CN=passdesk-admins,OU=Staff,{}\"\n\
         [directories.ldap]\nkind = \"openldap\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password = \"{}\"\nscope = [\"{ldap_scope}\"]\n\
         policy_dn = \"cn=default,ou=policies,{}\"\n",
        ad.url,
        ad.ca,
        ad.bind_dn,
        ad.bind_password,
        ad.base,
        ldap.url,
        ldap.ca,
        ldap.bind_dn,
        ldap.bind_password,
        ldap.base,
        data = dir.join("data").display().to_string(),
    );
    let path = dir.join("passdesk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_check(config: &std::path::Path, json: bool) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
    cmd.arg("check").arg("--config").arg(config).stdin(Stdio::null());
    if json {
        cmd.arg("--json");
    }
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PASSDESK_")) {
        cmd.env_remove(k);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn pwd_state(bed: &Bed, dn: &str) -> (String, String) {
    let mut ldap = admin(bed).await;
    let (rows, _) = ldap
        .search(dn, ldap3::Scope::Base, "(objectClass=*)", vec!["pwdLastSet", "badPwdCount"])
        .await
        .unwrap()
        .success()
        .unwrap();
    let e = ldap3::SearchEntry::construct(rows.into_iter().next().unwrap());
    let get = |a: &str| e.attrs.get(a).and_then(|v| v.first()).cloned().unwrap_or_default();
    (get("pwdLastSet"), get("badPwdCount"))
}

#[tokio::test]
async fn check_passes_with_the_rights_and_changes_nothing() {
    let (Some(ad), Some(ldap)) = (bed("AD", "passdesk check on Samba AD"), bed("LDAP", "passdesk check on OpenLDAP"))
    else {
        return;
    };
    let probe = unique("chk");
    add_ad(&ad, "OU=Staff", &probe, "Probe!Passw0rd1", "512", false).await;
    let dn = format!("CN={probe},OU=Staff,{}", ad.base);
    let before = pwd_state(&ad, &dn).await;
    let dir = tempfile::tempdir().unwrap();
    let path = config(&ad, &ad.scope, &ldap, &ldap.scope, dir.path());
    let (code, out) = run_check(&path, false);
    assert_eq!(code, 0, "{out}");
    for expected in [
        "All checks passed.",
        "[  ok  ] Reset Password: proven on",
        "[  ok  ] write lockoutTime: proven on",
        "[  ok  ] write pwdLastSet: proven on",
        "[  ok  ] write userPassword: proven on",
        "[  ok  ] write pwdAccountLockedTime: proven on",
        "[ warn ] policy hints: the DC does not list",
        "[ warn ] PDC emulator: dc1.example.test holds the role but is not among urls",
        "fix: add ldaps://dc1.example.test to urls",
        "[  ok  ] admin group CN=passdesk-admins,OU=Staff,DC=example,DC=test: exists, 1 direct member(s)",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // The bed's disabled erin and protected frank are named (among the
    // accounts other tests create).
    let line = |start: &str| out.lines().find(|l| l.starts_with(start)).unwrap_or_default().to_owned();
    assert!(line("[ warn ] disabled accounts").contains("erin"), "{out}");
    assert!(line("[ warn ] protected accounts").contains("frank"), "{out}");
    assert_eq!(pwd_state(&ad, &dn).await, before, "the probes changed the account");
    let (code, out) = run_check(&path, true);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["directories"][0]["directory"], "corp");
}

#[tokio::test]
async fn check_fails_with_the_line_that_fixes_a_missing_right() {
    let (Some(ad), Some(ldap)) = (bed("AD", "passdesk check on Samba AD"), bed("LDAP", "passdesk check on OpenLDAP"))
    else {
        return;
    };
    // The service account has no rights in CN=Users (AD) or ou=others (OpenLDAP).
    let dir = tempfile::tempdir().unwrap();
    let ldap_others = format!("ou=others,{}", ldap.base);
    let path = config(&ad, &format!("CN=Users,{}", ad.base), &ldap, &ldap_others, dir.path());
    let (code, out) = run_check(&path, false);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "[ FAIL ] Reset Password: missing for",
        "fix: dsacls \"CN=Users,DC=example,DC=test\" /I:S /G \"<DOMAIN>\\svc-passdesk:CA;Reset Password;user\"",
        "fix: dsacls \"CN=Users,DC=example,DC=test\" /I:S /G \"<DOMAIN>\\svc-passdesk:WP;lockoutTime;user\"",
        "[ FAIL ] write userPassword: missing for",
        &format!(
            "fix: access to dn.subtree=\"{ldap_others}\" attrs=userPassword by dn.exact=\"{}\" write",
            ldap.bind_dn
        ),
        "Some checks failed",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn check_names_unreachable_servers() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let text = format!(
        "[store]\ndata_dir = {:?}\n[directories.corp]\nkind = \"openldap\"\nurls = [\"ldaps://127.0.0.1:{port}\"]\n\
         bind_dn = \"cn=x\"\nbind_password = \"y\"\nscope = [\"ou=people,dc=example,dc=test\"]\nconnect_timeout_secs = 2\n",
        dir.path().join("data").display().to_string()
    );
    let path = dir.path().join("p.toml");
    std::fs::write(&path, text).unwrap();
    let (code, out) = run_check(&path, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Connection refused") && out.contains("fix: nothing listens there"), "{out}");
}

/// A scope larger than the server's size limit (slapd: 500 entries) is
/// read in pages: the check still works and says it probed the first 500.
#[tokio::test]
async fn a_scope_beyond_the_size_limit_is_read_in_pages() {
    let (Some(ad), Some(ldap)) = (bed("AD", "paged check"), bed("LDAP", "paged check on OpenLDAP")) else {
        return;
    };
    let mut root = admin(&ldap).await;
    for n in 0..520 {
        let uid = format!("page{n:04}");
        let dn = format!("uid={uid},{}", ldap.scope);
        let attrs = vec![
            ("objectClass", std::collections::HashSet::from(["inetOrgPerson"])),
            ("uid", std::collections::HashSet::from([uid.as_str()])),
            ("cn", std::collections::HashSet::from([uid.as_str()])),
            ("sn", std::collections::HashSet::from(["Page"])),
            ("userPassword", std::collections::HashSet::from(["Page-Passw0rd-1"])),
        ];
        let r = root.add(&dn, attrs).await.unwrap();
        assert!(r.rc == 0 || r.rc == 68, "{r:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = config(&ad, &ad.scope, &ldap, &ldap.scope, dir.path());
    let (code, out) = run_check(&path, false);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("sizeLimitExceeded"), "{out}");
    assert!(out.contains("500 or more found; the first 500 were probed"), "{out}");
}
