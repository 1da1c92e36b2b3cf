//! Writeback latency (issue 3): p50/p95/p99 of a reset (as passdesk's
//! service account, including AD's pwdLastSet write) and of a change (bound
//! as the user) against the test bed's Samba AD DC and OpenLDAP slapd.
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench writeback` (knob BENCH_WRITES, default 200 per kind).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use ldap3::{LdapConnAsync, LdapConnSettings};
use passdesk::config::LdapConfig;
use passdesk::directory::ad::ActiveDirectory;
use passdesk::directory::ldap::{LdapPool, tls_config};
use passdesk::directory::openldap::OpenLdap;
use passdesk::directory::{Directory, ResetMode};
use secrecy::SecretString;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(prefix: &str, key: &str) -> String {
    std::env::var(format!("PASSDESK_TEST_{prefix}_{key}"))
        .unwrap_or_else(|_| panic!("PASSDESK_TEST_{prefix}_{key} is not set: eval \"$(tests/bed/all.sh env)\""))
}

fn config(prefix: &str, logins: &[&str]) -> LdapConfig {
    LdapConfig {
        urls: vec![url::Url::parse(&env(prefix, "URL")).unwrap()],
        starttls: false,
        ca_file: Some(env(prefix, "CA").into()),
        bind_dn: env(prefix, "BIND_DN"),
        bind_password: SecretString::from(env(prefix, "BIND_PASSWORD")),
        scope: vec![env(prefix, "SCOPE")],
        login_attributes: logins.iter().map(|s| (*s).to_owned()).collect(),
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(30),
        pool_size: 4,
        prefer_pdc_emulator: false,
        link_attribute: None,
        admin_group: None,
        pilot_group: None,
        mail_attribute: "mail".into(),
        mobile_attribute: "mobile".into(),
        office_phone_attribute: "telephoneNumber".into(),
        policy_dn: None,
    }
}

async fn admin(prefix: &str) -> ldap3::Ldap {
    let tls = Arc::new(tls_config(Some(std::path::Path::new(&env(prefix, "CA")))).unwrap());
    let (conn, mut ldap) =
        LdapConnAsync::with_settings(LdapConnSettings::new().set_config(tls), &env(prefix, "URL")).await.unwrap();
    ldap3::drive!(conn);
    ldap.simple_bind(&env(prefix, "ADMIN_DN"), &env(prefix, "ADMIN_PASSWORD")).await.unwrap().success().unwrap();
    ldap
}

fn utf16(p: &str) -> Vec<u8> {
    format!("\"{p}\"").encode_utf16().flat_map(u16::to_le_bytes).collect()
}

async fn add_user(prefix: &str, name: &str, password: &str) {
    let mut ldap = admin(prefix).await;
    let base = env(prefix, "BASE");
    if prefix == "AD" {
        let dn = format!("CN={name},OU=Staff,{base}");
        let attrs: Vec<(Vec<u8>, HashSet<Vec<u8>>)> = vec![
            (b"objectClass".to_vec(), HashSet::from([b"user".to_vec()])),
            (b"sAMAccountName".to_vec(), HashSet::from([name.as_bytes().to_vec()])),
            (b"unicodePwd".to_vec(), HashSet::from([utf16(password)])),
            (b"userAccountControl".to_vec(), HashSet::from([b"512".to_vec()])),
        ];
        ldap.add(&dn, attrs).await.unwrap().success().unwrap();
    } else {
        let dn = format!("uid={name},ou=people,{base}");
        let attrs = vec![
            ("objectClass", HashSet::from(["inetOrgPerson"])),
            ("uid", HashSet::from([name])),
            ("cn", HashSet::from([name])),
            ("sn", HashSet::from([name])),
            ("userPassword", HashSet::from([password])),
        ];
        ldap.add(&dn, attrs).await.unwrap().success().unwrap();
    }
}

fn summary(label: &str, mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p = |q: f64| ms[(((q / 100.0) * (ms.len() - 1) as f64).round() as usize).min(ms.len() - 1)];
    format!("| {label} | {} | {:.2} | {:.2} | {:.2} |", ms.len(), p(50.0), p(95.0), p(99.0))
}

async fn run(prefix: &str, dir: &dyn Directory, n: usize) -> Vec<String> {
    let name = format!("bench{}", rand::random::<u32>() % 1_000_000);
    let mut current = "Bench-Start-Aa1!x".to_owned();
    add_user(prefix, &name, &current).await;
    let id = dir.find(&name).await.unwrap().expect("bench user").id;
    let secret = |s: &str| SecretString::from(s.to_owned());
    // Warm the pool (connection + TLS + bind) outside the measurement.
    dir.account(&id).await.unwrap();
    let (mut resets, mut changes) = (Vec::new(), Vec::new());
    for i in 0..n {
        let next = format!("Bench-Reset-{i}-Aa1!");
        let t = Instant::now();
        dir.reset_password(&id, &secret(&next), ResetMode::SelfService).await.unwrap();
        resets.push(t.elapsed().as_secs_f64() * 1e3);
        let changed = format!("Bench-Change-{i}-Bb2?");
        let t = Instant::now();
        dir.change_password(&id, &secret(&next), &secret(&changed)).await.unwrap();
        changes.push(t.elapsed().as_secs_f64() * 1e3);
        current = changed;
    }
    let _ = current;
    vec![
        summary(&format!("{prefix} reset (service account)"), resets),
        summary(&format!("{prefix} change (new connection, bind as user, write)"), changes),
    ]
}

#[tokio::main]
async fn main() {
    let n = std::env::var("BENCH_WRITES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let mut report = format!(
        "## Writeback latency ({n} of each, sequential)\n\n| operation | n | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|\n"
    );
    let ad = ActiveDirectory::new("ad", LdapPool::new(config("AD", &["sAMAccountName"])).unwrap());
    for line in run("AD", &ad, n).await {
        report.push_str(&line);
        report.push('\n');
    }
    let ol = OpenLdap::new("openldap", LdapPool::new(config("LDAP", &["uid"])).unwrap());
    for line in run("LDAP", &ol, n).await {
        report.push_str(&line);
        report.push('\n');
    }
    println!("{report}");
    let _ = std::fs::write(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-writeback.md"), &report);
}
