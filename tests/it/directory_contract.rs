//! One directory contract, run against the local directory, a real OpenLDAP
//! slapd and a real Samba AD DC (tests/bed/). Each run creates its own
//! uniquely named accounts through an administrator connection, so runs do
//! not disturb each other. Without the servers the LDAP suites are skipped
//! (and named); under tests/run.sh (PASSDESK_REQUIRE_SERVERS=1) they fail.

use crate::support::{START, TestApp};
use ldap3::{LdapConnAsync, LdapConnSettings};
use passdesk::config::LdapConfig;
use passdesk::directory::ad::ActiveDirectory;
use passdesk::directory::ldap::{LdapPool, tls_config};
use passdesk::directory::local::NewLocalUser;
use passdesk::directory::openldap::OpenLdap;
use passdesk::directory::{AccountId, Directory, Error, PolicyReason, ResetMode};
use secrecy::SecretString;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

/// Environment of one LDAP server of the test bed, or why it is missing.
pub struct Bed {
    pub url: String,
    pub ca: String,
    pub bind_dn: String,
    pub bind_password: String,
    pub scope: String,
    pub base: String,
    pub admin_dn: String,
    pub admin_password: String,
}

/// Reads `PASSDESK_TEST_<PREFIX>_*`; `None` means "skip", unless servers are required.
pub fn bed(prefix: &str, suite: &str) -> Option<Bed> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_{prefix}_{k}")).ok();
    let found = (|| {
        Some(Bed {
            url: var("URL")?,
            ca: var("CA")?,
            bind_dn: var("BIND_DN")?,
            bind_password: var("BIND_PASSWORD")?,
            scope: var("SCOPE")?,
            base: var("BASE")?,
            admin_dn: var("ADMIN_DN")?,
            admin_password: var("ADMIN_PASSWORD")?,
        })
    })();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "{suite}: PASSDESK_TEST_{prefix}_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!("skipped: {suite} (no PASSDESK_TEST_{prefix}_URL; tests/run.sh starts the test bed)");
    }
    found
}

pub fn ldap_config(bed: &Bed, urls: Vec<String>, logins: &[&str]) -> LdapConfig {
    LdapConfig {
        urls: urls.iter().map(|u| url::Url::parse(u).unwrap()).collect(),
        starttls: true,
        ca_file: Some(bed.ca.clone().into()),
        bind_dn: bed.bind_dn.clone(),
        bind_password: SecretString::from(bed.bind_password.clone()),
        scope: vec![bed.scope.clone()],
        login_attributes: logins.iter().map(|s| (*s).to_owned()).collect(),
        connect_timeout: Duration::from_secs(3),
        timeout: Duration::from_secs(10),
        pool_size: 2,
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

/// Runs one administrative modify/add on the bed as its administrator.
pub async fn admin(bed: &Bed) -> ldap3::Ldap {
    let tls = Arc::new(tls_config(Some(std::path::Path::new(&bed.ca))).unwrap());
    let settings = LdapConnSettings::new().set_config(tls);
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &bed.url).await.unwrap();
    ldap3::drive!(conn);
    ldap.simple_bind(&bed.admin_dn, &bed.admin_password).await.unwrap().success().unwrap();
    ldap
}

/// A name no other run uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}x{}", rand::random::<u32>() % 1_000_000, N.fetch_add(1, Ordering::SeqCst))
}

/// Accounts a backend created for one contract run.
pub struct Fixture {
    pub dir: Arc<dyn Directory>,
    /// (login, email, password) of an ordinary account in scope.
    pub user: (String, String, String),
    /// (login, password) of an account to lock out; already locked when
    /// `lock_binds` is `None`.
    pub locker: (String, String),
    /// Wrong binds that lock an account.
    pub lock_binds: Option<u32>,
    /// A disabled account in scope.
    pub disabled: String,
    /// A protected (adminCount=1) account in scope, where the flavour has them.
    pub protected: Option<String>,
    /// An account that exists outside the scope.
    pub outside: Option<String>,
    /// A password the directory's own policy refuses as too short.
    pub too_short: Option<&'static str>,
    /// Whether the directory refuses a recently used password on change.
    pub history: bool,
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

async fn id_of(dir: &dyn Directory, login: &str) -> AccountId {
    dir.find(login).await.unwrap().unwrap_or_else(|| panic!("{login} not found")).id
}

/// The whole contract, in the order a person meets it.
pub async fn contract(f: &Fixture) {
    let dir = f.dir.as_ref();
    let (login, email, old) = (&f.user.0, &f.user.1, &f.user.2);

    // Find by each login attribute, ignoring case; contact data comes along.
    let account = dir.find(login).await.unwrap().expect("find by login");
    assert_eq!(account.email.as_deref(), Some(email.as_str()));
    assert!(!account.disabled && !account.locked && !account.protected);
    assert_eq!(dir.find(&login.to_uppercase()).await.unwrap().map(|a| a.id), Some(account.id.clone()));
    assert_eq!(dir.find(email).await.unwrap().map(|a| a.id), Some(account.id.clone()), "find by mail");
    assert_eq!(dir.account(&account.id).await.unwrap().map(|a| a.login.to_lowercase()), Some(login.to_lowercase()));

    // Unknown users and injection attempts find nothing and break nothing.
    for probe in ["nobody-here", "*", ")(", "*)(uid=*", "a*", "x\\00y", "\0", &format!("{login})(|(mail=*")] {
        assert!(dir.find(probe).await.unwrap().is_none(), "{probe:?} must match nothing");
    }
    if let Some(outside) = &f.outside {
        assert!(dir.find(outside).await.unwrap().is_none(), "out of scope");
    }

    // Authenticate.
    dir.authenticate(&account.id, &secret(old)).await.unwrap();
    assert_eq!(dir.authenticate(&account.id, &secret("wrong-Passw0rd!")).await, Err(Error::InvalidCredentials));
    assert_eq!(dir.authenticate(&account.id, &secret("")).await, Err(Error::InvalidCredentials), "empty password");

    // Reset: the new password works, the old one does not, and the
    // directory reports when it was set (used to reconcile crashes).
    // (OpenLDAP records pwdChangedTime only once a password is changed.)
    let before = dir.account(&account.id).await.unwrap().unwrap().password_set_at.unwrap_or(0);
    let reset_to = format!("Reset-{}-Aa1!", &login[..login.len().min(6)]);
    dir.reset_password(&account.id, &secret(&reset_to), ResetMode::SelfService).await.unwrap();
    dir.authenticate(&account.id, &secret(&reset_to)).await.unwrap();
    assert_eq!(dir.authenticate(&account.id, &secret(old)).await, Err(Error::InvalidCredentials));
    let after = dir.account(&account.id).await.unwrap().unwrap().password_set_at.expect("password time");
    assert!(after >= before, "password time moved back: {before} -> {after}");
    assert!(after > 1_700_000_000, "password time is a plausible Unix time: {after}");

    // Change: a wrong old password is refused and changes nothing.
    let changed = format!("Changed-{}-Bb2?", &login[..login.len().min(6)]);
    assert_eq!(
        dir.change_password(&account.id, &secret("not-the-Passw0rd"), &secret(&changed)).await,
        Err(Error::InvalidCredentials)
    );
    dir.authenticate(&account.id, &secret(&reset_to)).await.unwrap();
    dir.change_password(&account.id, &secret(&reset_to), &secret(&changed)).await.unwrap();
    dir.authenticate(&account.id, &secret(&changed)).await.unwrap();

    // The directory's own rules, relayed with their cause.
    if let Some(short) = f.too_short {
        assert_eq!(
            dir.reset_password(&account.id, &secret(short), ResetMode::SelfService).await,
            Err(Error::PolicyRejected(PolicyReason::TooShort))
        );
    }
    if f.history {
        assert_eq!(
            dir.change_password(&account.id, &secret(&changed), &secret(&reset_to)).await,
            Err(Error::PolicyRejected(PolicyReason::InHistory))
        );
    }
    dir.authenticate(&account.id, &secret(&changed)).await.unwrap();

    // Lockout and unlock.
    let locker = id_of(dir, &f.locker.0).await;
    if let Some(n) = f.lock_binds {
        for _ in 0..n {
            let _ = dir.authenticate(&locker, &secret("wrong-Passw0rd!")).await;
        }
    }
    assert_eq!(dir.authenticate(&locker, &secret(&f.locker.1)).await, Err(Error::AccountLockedOut));
    assert!(dir.account(&locker).await.unwrap().unwrap().locked);
    dir.unlock(&locker).await.unwrap();
    dir.authenticate(&locker, &secret(&f.locker.1)).await.unwrap();
    dir.unlock(&locker).await.unwrap(); // unlocking an unlocked account is fine

    // Disabled and protected accounts are refused before any write.
    let disabled = id_of(dir, &f.disabled).await;
    assert!(dir.account(&disabled).await.unwrap().unwrap().disabled);
    assert_eq!(
        dir.reset_password(&disabled, &secret("Whatever-Passw0rd-9"), ResetMode::SelfService).await,
        Err(Error::AccountDisabled)
    );
    if let Some(protected) = &f.protected {
        let id = id_of(dir, protected).await;
        assert!(dir.account(&id).await.unwrap().unwrap().protected);
        assert_eq!(
            dir.reset_password(&id, &secret("Whatever-Passw0rd-9"), ResetMode::SelfService).await,
            Err(Error::ProtectedAccount)
        );
    }
}

#[tokio::test]
async fn contract_on_the_local_directory() {
    let t = TestApp::new();
    let add = async |login: &str, email: &str, password: &str| {
        let user = NewLocalUser {
            login: login.into(),
            display_name: login.into(),
            email: Some(email.into()),
            is_admin: false,
        };
        assert!(t.local.add_user(user, secret(password), START).await.unwrap());
        id_of(&t.local, login).await
    };
    add("lena", "lena@example.org", "Lena-Passw0rd-1").await;
    let locker = add("lars", "lars@example.org", "Lars-Passw0rd-1").await;
    t.local.lock(&locker).await.unwrap();
    let off = add("otto", "otto@example.org", "Otto-Passw0rd-1").await;
    t.local.set_disabled(&off, true).await.unwrap();
    let dir: Arc<dyn Directory> =
        Arc::new(passdesk::directory::local::LocalDirectory::new("local", t.app.store.pool(), t.clock.clone()));
    contract(&Fixture {
        dir,
        user: ("lena".into(), "lena@example.org".into(), "Lena-Passw0rd-1".into()),
        locker: ("lars".into(), "Lars-Passw0rd-1".into()),
        lock_binds: None,
        disabled: "otto".into(),
        protected: None,
        outside: None,
        too_short: None,
        history: false,
    })
    .await;
}

pub async fn add_openldap(bed: &Bed, ou: &str, uid: &str, password: &str, locked: Option<&str>) {
    let mut ldap = admin(bed).await;
    let dn = format!("uid={uid},{ou},{}", bed.base);
    let mail = format!("{uid}@example.test");
    let mut attrs = vec![
        ("objectClass", HashSet::from(["inetOrgPerson"])),
        ("uid", HashSet::from([uid])),
        ("cn", HashSet::from([uid])),
        ("sn", HashSet::from([uid])),
        ("mail", HashSet::from([mail.as_str()])),
        ("userPassword", HashSet::from([password])),
    ];
    if let Some(lock) = locked {
        attrs.push(("pwdAccountLockedTime", HashSet::from([lock])));
    }
    ldap.add(&dn, attrs).await.unwrap().success().unwrap_or_else(|e| panic!("adding {dn}: {e}"));
    let _ = ldap.unbind().await;
}

#[tokio::test]
async fn contract_on_openldap() {
    let Some(bed) = bed("LDAP", "directory contract on OpenLDAP") else { return };
    let starttls = std::env::var("PASSDESK_TEST_LDAP_STARTTLS_URL").unwrap_or_default();
    // StartTLS first, LDAPS second: both paths are used.
    let pool = LdapPool::new(ldap_config(&bed, vec![starttls, bed.url.clone()], &["uid", "mail"])).unwrap();
    let dir: Arc<dyn Directory> = Arc::new(OpenLdap::new("openldap", pool));
    let (user, locker, off, outside) = (unique("ol"), unique("olk"), unique("old"), unique("olo"));
    add_openldap(&bed, "ou=people", &user, "User-Passw0rd-1", None).await;
    add_openldap(&bed, "ou=people", &locker, "Lock-Passw0rd-1", None).await;
    add_openldap(&bed, "ou=people", &off, "Off-Passw0rd-1", Some("000001010000Z")).await;
    add_openldap(&bed, "ou=others", &outside, "Out-Passw0rd-1", None).await;
    contract(&Fixture {
        dir,
        user: (user.clone(), format!("{user}@example.test"), "User-Passw0rd-1".into()),
        locker: (locker, "Lock-Passw0rd-1".into()),
        lock_binds: Some(3),
        disabled: off,
        protected: None,
        outside: Some(outside),
        too_short: Some("Ab1!x"),
        history: true,
    })
    .await;
}

fn utf16_quoted(p: &str) -> Vec<u8> {
    format!("\"{p}\"").encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub async fn add_ad(bed: &Bed, container: &str, sam: &str, password: &str, uac: &str, admin_count: bool) {
    let mut ldap = admin(bed).await;
    let dn = format!("CN={sam},{container},{}", bed.base);
    let mail = format!("{sam}@example.test");
    let upn = format!("{sam}@example.test");
    let pwd = utf16_quoted(password);
    let mut attrs: Vec<(Vec<u8>, HashSet<Vec<u8>>)> = vec![
        (b"objectClass".to_vec(), HashSet::from([b"user".to_vec()])),
        (b"sAMAccountName".to_vec(), HashSet::from([sam.as_bytes().to_vec()])),
        (b"userPrincipalName".to_vec(), HashSet::from([upn.into_bytes()])),
        (b"mail".to_vec(), HashSet::from([mail.into_bytes()])),
        (b"unicodePwd".to_vec(), HashSet::from([pwd])),
        (b"userAccountControl".to_vec(), HashSet::from([uac.as_bytes().to_vec()])),
    ];
    if admin_count {
        attrs.push((b"adminCount".to_vec(), HashSet::from([b"1".to_vec()])));
    }
    ldap.add(&dn, attrs).await.unwrap().success().unwrap_or_else(|e| panic!("adding {dn}: {e}"));
    let _ = ldap.unbind().await;
}

#[tokio::test]
async fn contract_on_samba_ad() {
    let Some(bed) = bed("AD", "directory contract on Samba AD") else { return };
    let pool =
        LdapPool::new(ldap_config(&bed, vec![bed.url.clone()], &["sAMAccountName", "userPrincipalName", "mail"]))
            .unwrap();
    let dir: Arc<dyn Directory> = Arc::new(ActiveDirectory::new("ad", pool));
    let (user, locker, off, prot, outside) = (unique("ad"), unique("adl"), unique("add"), unique("adp"), unique("ado"));
    add_ad(&bed, "OU=Staff", &user, "User!Passw0rd1", "512", false).await;
    add_ad(&bed, "OU=Staff", &locker, "Lock!Passw0rd1", "512", false).await;
    add_ad(&bed, "OU=Staff", &off, "Off!Passw0rd1", "514", false).await;
    add_ad(&bed, "OU=Staff", &prot, "Prot!Passw0rd1", "512", true).await;
    add_ad(&bed, "CN=Users", &outside, "Out!Passw0rd1", "512", false).await;
    contract(&Fixture {
        dir,
        user: (user.clone(), format!("{user}@example.test"), "User!Passw0rd1".into()),
        locker: (locker, "Lock!Passw0rd1".into()),
        lock_binds: Some(3),
        disabled: off,
        protected: Some(prot),
        outside: Some(outside),
        too_short: Some("Ab1!x"),
        history: true,
    })
    .await;
}

/// Person binds reuse connections (a TLS handshake per change cost more
/// than the change): after one person's change, another person's wrong
/// password is still refused on the reused connection, and each person's
/// own password still works.
#[tokio::test]
async fn reused_person_connections_never_carry_a_previous_bind() {
    for (prefix, suite) in [("LDAP", "person-bind reuse on OpenLDAP"), ("AD", "person-bind reuse on Samba AD")] {
        let Some(bed) = bed(prefix, suite) else { continue };
        let (a, b) = (unique("ra"), unique("rb"));
        let dir: Box<dyn Directory> = if prefix == "LDAP" {
            add_openldap(&bed, "ou=people", &a, "Start-Passw0rd-1", None).await;
            add_openldap(&bed, "ou=people", &b, "Start-Passw0rd-1", None).await;
            let pool = LdapPool::new(ldap_config(&bed, vec![bed.url.clone()], &["uid"])).unwrap();
            Box::new(OpenLdap::new("ldap", pool))
        } else {
            add_ad(&bed, "OU=Staff", &a, "Start!Passw0rd1", "512", false).await;
            add_ad(&bed, "OU=Staff", &b, "Start!Passw0rd1", "512", false).await;
            let pool = LdapPool::new(ldap_config(&bed, vec![bed.url.clone()], &["sAMAccountName"])).unwrap();
            Box::new(ActiveDirectory::new("ad", pool))
        };
        let start = if prefix == "LDAP" { "Start-Passw0rd-1" } else { "Start!Passw0rd1" };
        let secret = |s: &str| SecretString::from(s.to_owned());
        let ida = dir.find(&a).await.unwrap().unwrap().id;
        let idb = dir.find(&b).await.unwrap().unwrap().id;
        dir.change_password(&ida, &secret(start), &secret("Amber-Tide-Compass-58")).await.unwrap();
        for _ in 0..3 {
            let wrong = dir.authenticate(&idb, &secret("not her password")).await;
            assert!(matches!(wrong, Err(passdesk::directory::Error::InvalidCredentials)), "{suite}: {wrong:?}");
            dir.authenticate(&ida, &secret("Amber-Tide-Compass-58")).await.unwrap();
            dir.authenticate(&idb, &secret(start)).await.unwrap();
        }
        assert!(dir.authenticate(&ida, &secret(start)).await.is_err(), "{suite}: the old password is gone");
    }
}
