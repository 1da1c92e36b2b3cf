//! The load users in the test bed's slapd (`uid=loadNNNNN` under the
//! people OU), shared by the benches that need a big directory.

use ldap3::{LdapConnAsync, LdapConnSettings, Mod};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn env(key: &str) -> String {
    std::env::var(format!("PASSDESK_TEST_LDAP_{key}"))
        .unwrap_or_else(|_| panic!("PASSDESK_TEST_LDAP_{key} is not set: eval \"$(tests/bed/all.sh env)\""))
}

/// The attributes of a bed person: `uid` and `cn` the login, a mail
/// address for the e-mail code, and the password.
pub fn person<'a>(uid: &'a str, sn: &'a str, mail: &'a str, password: &'a str) -> Vec<(&'a str, HashSet<&'a str>)> {
    vec![
        ("objectClass", HashSet::from(["inetOrgPerson"])),
        ("uid", HashSet::from([uid])),
        ("cn", HashSet::from([uid])),
        ("sn", HashSet::from([sn])),
        ("mail", HashSet::from([mail])),
        ("userPassword", HashSet::from([password])),
    ]
}

pub fn dn(i: usize) -> String {
    format!("uid=load{i:05},{}", env("SCOPE"))
}

pub const WORDS: &[&str] = &[
    "amber", "birch", "canal", "delta", "ember", "fjord", "glade", "harbor", "islet", "juniper", "kestrel", "lantern",
    "meadow", "nectar", "orchid", "pebble", "quarry", "raven", "saffron", "tundra", "umber", "violet", "willow",
    "yarrow", "zephyr", "copper", "granite", "heron", "indigo", "lagoon",
];

/// A fresh password every policy accepts: four random words and a number.
pub fn fresh_password() -> String {
    let w = |_| WORDS[rand::random_range(0..WORDS.len())];
    let words: Vec<&str> = (0..4).map(w).collect();
    format!("{} {}", words.join(" "), rand::random_range(1000..9999))
}

/// A new LDAPS connection with TCP_NODELAY (without it every new
/// connection stalls about 40 ms on delayed ACKs; TESTBED.md §6).
pub async fn connect() -> ldap3::Ldap {
    static TLS: std::sync::OnceLock<Arc<rustls::ClientConfig>> = std::sync::OnceLock::new();
    let tls = TLS.get_or_init(|| {
        let path = env("CA");
        Arc::new(passdesk::directory::ldap::tls_config(Some(std::path::Path::new(&path))).unwrap())
    });
    let url = url::Url::parse(&env("URL")).unwrap();
    let tcp = tokio::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let settings = LdapConnSettings::new()
        .set_config(tls.clone())
        .set_conn_timeout(Duration::from_secs(10))
        .set_std_stream(ldap3::StdStream::Tcp(tcp.into_std().unwrap()));
    let (conn, ldap) = LdapConnAsync::from_url_with_settings(settings, &url).await.unwrap();
    ldap3::drive!(conn);
    ldap
}

pub async fn admin() -> ldap3::Ldap {
    let mut ldap = connect().await;
    ldap.simple_bind(&env("ADMIN_DN"), &env("ADMIN_PASSWORD")).await.unwrap().success().unwrap();
    ldap
}

/// Creates the missing load users and gives every one a known password.
pub async fn prepare_users(n: usize) -> Arc<Vec<Mutex<String>>> {
    let started = Instant::now();
    let passwords: Arc<Vec<Mutex<String>>> = Arc::new((0..n).map(|_| Mutex::new(fresh_password())).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (passwords, next) = (passwords.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ldap = admin().await;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let password = passwords[i].lock().unwrap().clone();
                let replaced = ldap
                    .modify(&dn(i), vec![Mod::Replace("userPassword", HashSet::from([password.as_str()]))])
                    .await
                    .unwrap();
                if replaced.rc == 32 {
                    let uid = format!("load{i:05}");
                    let mail = format!("{uid}@example.test");
                    let attrs = person(&uid, "Load", &mail, &password);
                    ldap.add(&dn(i), attrs).await.unwrap().success().unwrap();
                } else {
                    replaced.success().unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    eprintln!("prepared {n} users in {:.1} s", started.elapsed().as_secs_f64());
    passwords
}

/// A passdesk configuration for the bed's slapd with its data in
/// `data_dir`; writes the service account's password file into `dir`.
pub fn slapd_config(dir: &std::path::Path, data_dir: &std::path::Path) -> String {
    let password_file = dir.join("bind-password");
    std::fs::write(&password_file, env("BIND_PASSWORD")).unwrap();
    format!(
        "[store]\ndata_dir = \"{}\"\n[directories.corp]\nkind = \"openldap\"\nurls = [\"{}\"]\nca_file = \"{}\"\n\
         bind_dn = \"{}\"\nbind_password_file = \"{}\"\nscope = [\"{}\"]\nlogin_attributes = [\"uid\"]\n\
         mail_domain = \"example.test\"\npolicy_dn = \"cn=default,ou=policies,{}\"\n",
        data_dir.display(),
        env("URL"),
        env("CA"),
        env("BIND_DN"),
        password_file.display(),
        env("SCOPE"),
        env("BASE"),
    )
}

/// [`slapd_config`] bound as the directory's administrator, for the
/// benches that read the whole people OU: the bed's slapd caps other
/// accounts at 1,000 entries (`sizelimit 1000`) unless it was started with
/// the service account's paged-read limit lifted (tests/bed/openldap.sh
/// does so from now on, at a cold start).
pub fn slapd_reader_config(dir: &std::path::Path, data_dir: &std::path::Path) -> String {
    let text = slapd_config(dir, data_dir);
    std::fs::write(dir.join("bind-password"), env("ADMIN_PASSWORD")).unwrap();
    text.replace(&env("BIND_DN"), &env("ADMIN_DN"))
}
