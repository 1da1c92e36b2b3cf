//! Directory sync against the real slapd and Samba AD of the test bed: each
//! run makes its own OU with its own users (so the scope holds only them),
//! syncs, changes and removes users in the directory, syncs again, and
//! checks what passdesk stored and audited; then deletes what it made.
//! Also the large-import path (one paged read) and `passdesk sync` itself.

use crate::directory_contract::{Bed, admin, bed, unique};
use crate::support::TestApp;
use crate::writeback_flows::directory_toml;
use passdesk::domain::Enrolment;
use passdesk::domain::method::Source;
use passdesk::domain::sync::Stored;
use passdesk::flow::sync::{SyncOptions, SyncReport};
use std::collections::HashSet;

/// One bed flavour: how its people look and which attributes it syncs.
pub(crate) struct Flavour {
    kind: &'static str,
    prefix: &'static str,
    ou_rdn: &'static str,
    person_rdn: &'static str,
    logins: &'static str,
    alt_email: bool,
}

pub(crate) const SLAPD: Flavour = Flavour {
    kind: "openldap",
    prefix: "LDAP",
    ou_rdn: "ou",
    person_rdn: "uid",
    logins: "[\"uid\"]",
    alt_email: false,
};
pub(crate) const SAMBA: Flavour = Flavour {
    kind: "ad",
    prefix: "AD",
    ou_rdn: "OU",
    person_rdn: "CN",
    logins: "[\"sAMAccountName\"]",
    alt_email: true,
};

/// The bed with its scope narrowed to a new OU of this run's own.
pub(crate) async fn own_scope(f: &Flavour, suite: &str) -> Option<Bed> {
    let mut bed = bed(f.prefix, suite)?;
    let ou = format!("{}={},{}", f.ou_rdn, unique("sync"), bed.scope);
    let mut ldap = admin(&bed).await;
    let name = ou.split([',', '=']).nth(1).unwrap().to_owned();
    let attrs =
        vec![("objectClass", HashSet::from(["organizationalUnit"])), (f.ou_rdn, HashSet::from([name.as_str()]))];
    ldap.add(&ou, attrs).await.unwrap().success().unwrap_or_else(|e| panic!("adding {ou}: {e}"));
    bed.scope = ou;
    Some(bed)
}

fn copy(bed: &Bed) -> Bed {
    Bed {
        url: bed.url.clone(),
        ca: bed.ca.clone(),
        bind_dn: bed.bind_dn.clone(),
        bind_password: bed.bind_password.clone(),
        scope: bed.scope.clone(),
        base: bed.base.clone(),
        admin_dn: bed.admin_dn.clone(),
        admin_password: bed.admin_password.clone(),
    }
}

/// Adds a person with the given attributes; returns the DN.
pub(crate) async fn add_person(f: &Flavour, bed: &Bed, login: &str, attrs: &[(&str, &str)]) -> String {
    let dn = format!("{}={login},{}", f.person_rdn, bed.scope);
    let mut all: Vec<(Vec<u8>, HashSet<Vec<u8>>)> = Vec::new();
    let mut put = |k: &str, v: Vec<u8>| all.push((k.as_bytes().to_vec(), HashSet::from([v])));
    if f.kind == "ad" {
        put("objectClass", b"user".to_vec());
        put("sAMAccountName", login.as_bytes().to_vec());
        put("userAccountControl", b"514".to_vec());
    } else {
        put("objectClass", b"inetOrgPerson".to_vec());
        put("uid", login.as_bytes().to_vec());
        put("cn", login.as_bytes().to_vec());
        put("sn", login.as_bytes().to_vec());
    }
    for (k, v) in attrs {
        put(k, v.as_bytes().to_vec());
    }
    let mut ldap = admin(bed).await;
    ldap.add(&dn, all).await.unwrap().success().unwrap_or_else(|e| panic!("adding {dn}: {e}"));
    dn
}

async fn modify(bed: &Bed, dn: &str, mods: Vec<ldap3::Mod<&str>>) {
    admin(bed).await.modify(dn, mods).await.unwrap().success().unwrap();
}

pub(crate) async fn delete(bed: &Bed, dns: &[&str]) {
    let mut ldap = admin(bed).await;
    for dn in dns {
        let _ = ldap.delete(dn).await;
    }
}

fn app(f: &Flavour, bed: &Bed, sync: &str) -> TestApp {
    TestApp::with_config(&format!(
        "{}[directories.corp.sync]\nenabled = true\n{sync}[organisation]\nphone_country_code = \"31\"\n",
        directory_toml("corp", f.kind, bed, f.logins)
    ))
}

async fn sync(t: &TestApp, options: SyncOptions) -> SyncReport {
    let config = t.app.config.directories[0].sync.clone();
    t.app.flows.sync_directory("corp", &config, options, &|_| {}).await.unwrap()
}

/// What is stored for an account: (kind, value, source), sorted.
async fn stored(t: &TestApp, dn: &str) -> Vec<(Enrolment, String, Source)> {
    let rows = t.app.store.directory_enrolments("corp".into()).await.unwrap();
    let mut out: Vec<_> = rows
        .into_iter()
        .filter(|r: &Stored| r.account_id.eq_ignore_ascii_case(dn))
        .map(|r| (r.kind, r.value, r.source))
        .collect();
    out.sort_by_key(|r| r.0.id());
    out
}

async fn sync_rows(t: &TestApp) -> Vec<(String, String)> {
    let rows = t.app.store.recent_audit(1000).await.unwrap();
    rows.into_iter().filter(|r| r.record.actor == "sync").map(|r| (r.record.target, r.record.detail)).collect()
}

async fn added_changed_removed(f: &Flavour, suite: &str) {
    let Some(bed) = own_scope(f, suite).await else { return };
    let (ann, ben, cid) = (unique("sa"), unique("sb"), unique("sc"));
    let mut ann_attrs = vec![("mail", "ann@example.test"), ("mobile", "06 1234 5678")];
    if f.alt_email {
        ann_attrs.push(("otherMailbox", "ann.home@example.net"));
    }
    let ann_dn = add_person(f, &bed, &ann, &ann_attrs).await;
    let ben_dn =
        add_person(f, &bed, &ben, &[("mobile", "+31 6 2222 2222"), ("telephoneNumber", "+31 20 123 4567")]).await;
    let cid_dn = add_person(f, &bed, &cid, &[("mail", "cid@example.test"), ("mobile", "call me maybe")]).await;
    let t = app(f, &bed, "");
    // Ann verified her own mobile before the first sync; Cid registered questions.
    let store = &t.app.store;
    let own = "+31699999999".to_owned();
    let (effects, now) = (passdesk::store::Effects::default(), crate::support::START);
    store.put_enrolment("corp".into(), ann_dn.clone(), Enrolment::Mobile, own.clone(), now, effects).await.unwrap();
    let effects = passdesk::store::Effects::default();
    store.put_enrolment("corp".into(), cid_dn.clone(), Enrolment::Questions, "[]".into(), now, effects).await.unwrap();

    // A dry run reports and writes nothing.
    let dry = sync(&t, SyncOptions { dry_run: true, ..SyncOptions::default() }).await;
    assert!(dry.dry_run && dry.counts.added > 0);
    assert_eq!(stored(&t, &ann_dn).await, [(Enrolment::Mobile, own.clone(), Source::User)]);

    let first = sync(&t, SyncOptions::default()).await;
    let c = first.counts;
    let alt = usize::from(f.alt_email);
    assert_eq!((c.accounts, c.added, c.kept_verified, c.skipped, c.gone), (3, 4 + alt, 1, 1, 0), "{first:?}");
    assert_eq!(first.skipped[0].login.to_lowercase(), cid.to_lowercase());
    assert_eq!(first.skipped[0].kind, Enrolment::Mobile);
    let mut expect_ann = vec![(Enrolment::Email, "ann@example.test".to_owned(), Source::Sync)];
    if f.alt_email {
        expect_ann.insert(0, (Enrolment::AltEmail, "ann.home@example.net".to_owned(), Source::Sync));
    }
    expect_ann.push((Enrolment::Mobile, own.clone(), Source::User));
    assert_eq!(stored(&t, &ann_dn).await, expect_ann, "the verified mobile is kept");
    assert_eq!(
        stored(&t, &ben_dn).await,
        [
            (Enrolment::Mobile, "+31622222222".to_owned(), Source::Sync),
            (Enrolment::OfficePhone, "+31201234567".to_owned(), Source::Sync),
        ]
    );
    let audited = sync_rows(&t).await;
    assert_eq!(audited.len(), 3, "one row per person whose data changed: {audited:?}");
    // Administrators see where the data came from.
    let methods = t.app.flows.user_methods(&ben).await.unwrap().methods;
    assert!(methods.iter().any(|m| m.kind == "office_phone" && m.source == "sync"), "{methods:?}");

    // Nothing changed in the directory: nothing written, no audit rows.
    let again = sync(&t, SyncOptions::default()).await;
    assert_eq!((again.counts.added, again.counts.changed, again.counts.unchanged), (0, 0, 4 + alt));
    assert_eq!(sync_rows(&t).await.len(), 3);

    // Ben's mobile changes and his office number is cleared; Cid leaves.
    modify(&bed, &ben_dn, vec![ldap3::Mod::Replace("mobile", HashSet::from(["+31 6 3333 3333"]))]).await;
    modify(&bed, &ben_dn, vec![ldap3::Mod::Delete("telephoneNumber", HashSet::new())]).await;
    delete(&bed, &[&cid_dn]).await;
    let third = sync(&t, SyncOptions::default()).await;
    let c = third.counts;
    assert_eq!((c.accounts, c.changed, c.removed, c.gone), (2, 1, 1, 1), "{third:?}");
    assert_eq!(stored(&t, &ben_dn).await, [(Enrolment::Mobile, "+31633333333".to_owned(), Source::Sync)]);
    assert!(stored(&t, &cid_dn).await.is_empty(), "a removed user loses every method, registered ones too");
    let audited = sync_rows(&t).await;
    assert_eq!(audited.len(), 5, "{audited:?}");
    assert!(audited.iter().any(|(target, detail)| target.eq_ignore_ascii_case(&cid_dn)
        && detail.contains("no longer in directory corp's scope (2 registration(s))")));
    assert!(audited.iter().any(|(_, d)| d.contains("mobile changed, office_phone removed (empty in the directory)")));

    // The administrator may replace what people verified.
    let forced = sync(&t, SyncOptions { overwrite_verified: true, ..SyncOptions::default() }).await;
    assert_eq!(forced.counts.changed, 1);
    assert!(stored(&t, &ann_dn).await.contains(&(Enrolment::Mobile, "+31612345678".to_owned(), Source::Sync)));

    delete(&bed, &[&ann_dn, &ben_dn, &bed.scope]).await;
}

#[tokio::test]
async fn sync_adds_changes_and_removes_users_from_slapd() {
    added_changed_removed(&SLAPD, "directory sync on OpenLDAP").await;
}

#[tokio::test]
async fn sync_adds_changes_and_removes_users_from_samba_ad() {
    added_changed_removed(&SAMBA, "directory sync on Samba AD").await;
}

/// A scope that reads as empty while data is stored is refused, not taken
/// as "everybody left"; a scope base that cannot be read is named with the
/// directory's answer; a directory without sync turned on is refused too.
#[tokio::test]
async fn an_empty_or_failed_read_or_a_disabled_directory_changes_nothing() {
    let Some(bed) = own_scope(&SLAPD, "empty sync scope on OpenLDAP").await else { return };
    let t = app(&SLAPD, &bed, "");
    let (now, effects) = (crate::support::START, passdesk::store::Effects::default());
    let dn = format!("uid=nobody,{}", bed.scope);
    t.app
        .store
        .put_enrolment("corp".into(), dn.clone(), Enrolment::Mobile, "+31611111111".into(), now, effects)
        .await
        .unwrap();
    let config = t.app.config.directories[0].sync.clone();
    let err = t.app.flows.sync_directory("corp", &config, SyncOptions::default(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("returned no accounts, but 1 registrations are stored"), "{err}");
    assert_eq!(stored(&t, &dn).await.len(), 1);
    // A scope base that does not exist is named with the directory's answer.
    let missing = Bed { scope: format!("ou=missing,{}", bed.scope), ..copy(&bed) };
    let missing = app(&SLAPD, &missing, "");
    let err = missing.app.flows.sync_directory("corp", &config, SyncOptions::default(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("failed with LDAP result 32"), "{err}");
    assert!(err.to_string().contains("check the scope"), "{err}");
    let off = passdesk::config::SyncConfig { enabled: false, ..config };
    let err = t.app.flows.sync_directory("corp", &off, SyncOptions::default(), &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("set enabled = true in [directories.corp.sync]"), "{err}");
    delete(&bed, &[&bed.scope]).await;
}

/// From 500 rows on, an import reads the scope once and matches in memory:
/// the same answers as row by row (found, not found with its line).
#[tokio::test]
async fn a_large_import_matches_logins_from_one_paged_read() {
    let Some(bed) = own_scope(&SLAPD, "large import on OpenLDAP").await else { return };
    let prefix = unique("bulk");
    let mut ldap = admin(&bed).await;
    let mut dns = Vec::new();
    for i in 0..520 {
        let uid = format!("{prefix}n{i}");
        let dn = format!("uid={uid},{}", bed.scope);
        let attrs = vec![
            ("objectClass", HashSet::from(["inetOrgPerson"])),
            ("uid", HashSet::from([uid.as_str()])),
            ("cn", HashSet::from([uid.as_str()])),
            ("sn", HashSet::from(["Bulk"])),
        ];
        ldap.add(&dn, attrs).await.unwrap().success().unwrap();
        dns.push(dn);
    }
    let t = app(&SLAPD, &bed, "");
    let mut csv = String::from("login,email,alt_email,mobile,office_phone\n");
    for i in 0..520 {
        // Logins match without regard to case, as the directory's would.
        csv.push_str(&format!("{}N{i},,,06 1000 {i:04},\n", prefix.to_uppercase()));
    }
    csv.push_str("nobody-here,,,06 1234 5678,\n");
    let (rows, problems) = passdesk::domain::import::check_import(csv.as_bytes(), &["corp"], Some("31")).unwrap();
    use passdesk::flow::import::{ImportJob, Origin};
    let job = |rows| ImportJob { rows, earlier: problems.clone(), overwrite_verified: false, origin: Origin::File };
    let client = passdesk::flow::Client::default();
    let err = t.app.flows.import_contacts(job(rows.clone()), "cli:test", &client, &|_| {}).await.unwrap_err();
    let passdesk::flow::Error::ImportRejected(problems) = err else { panic!("{err:?}") };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 522);
    let rows: Vec<_> = rows.into_iter().filter(|r| r.login.as_str() != "nobody-here").collect();
    let summary = t.app.flows.import_contacts(job(rows), "cli:test", &client, &|_| {}).await.unwrap();
    assert_eq!((summary.people, summary.counts.added), (520, 520));
    assert_eq!(stored(&t, &dns[7]).await, [(Enrolment::Mobile, "+31610000007".to_owned(), Source::Import)]);
    for dn in &dns {
        let _ = ldap.delete(dn).await;
    }
    let _ = ldap.delete(&bed.scope).await;
}

/// `passdesk sync` prints its summary; without any directory to sync it
/// says how to turn sync on and exits 1.
#[tokio::test]
async fn the_command_prints_a_summary_and_explains_a_missing_section() {
    let Some(bed) = own_scope(&SLAPD, "passdesk sync on OpenLDAP").await else { return };
    let user = unique("scli");
    let dn = add_person(&SLAPD, &bed, &user, &[("mail", "cli@example.test"), ("mobile", "not a number")]).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    let base = format!(
        "[store]\ndata_dir = {:?}\n{}",
        dir.path().join("data").display().to_string(),
        directory_toml("corp", "openldap", &bed, "[\"uid\"]")
    );
    let run_with = |text: &str, extra: &[&str]| {
        std::fs::write(&config, text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_passdesk"))
            .args(["sync", "--config", config.to_str().unwrap()])
            .args(extra)
            .env_remove("PASSDESK_CONFIG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let run = |text: &str| run_with(text, &[]);
    let (code, _, err) = run(&base);
    assert_eq!(code, Some(1));
    assert!(err.contains("no directory has sync turned on: add [directories.NAME.sync] with enabled = true"), "{err}");
    let enabled = format!("{base}[directories.corp.sync]\nenabled = true\n[directories.local]\nkind = \"local\"\n");
    let (code, out, err) = run(&enabled);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("corp: synced 1 accounts."), "{out}");
    assert!(out.contains("1 added, 0 changed, 0 removed, 0 already so"), "{out}");
    assert!(out.contains("1 value(s) skipped") && out.contains(&format!("{user} mobile: ")), "{out}");
    let (code, _, err) = run_with(&enabled, &["--directory", "local"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("directory local is passdesk's own"), "{err}");
    let (code, _, err) = run_with(&enabled, &["--directory", "nope"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no directory is named \"nope\"; use one of corp, local"), "{err}");
    delete(&bed, &[&dn, &bed.scope]).await;
}

/// `serve` runs sync on its schedule: the first run comes shortly after
/// start-up, without anyone running `passdesk sync`.
#[tokio::test]
async fn serve_syncs_on_its_schedule() {
    let Some(bed) = own_scope(&SLAPD, "scheduled sync on OpenLDAP").await else { return };
    let dn = add_person(&SLAPD, &bed, &unique("ssch"), &[("mail", "scheduled@example.test")]).await;
    let t = app(&SLAPD, &bed, "interval_minutes = 60\n");
    passdesk::flow::sync::schedule(&t.app.flows, &t.app.config.directories);
    let deadline = std::time::Instant::now() + passdesk::flow::sync::FIRST_RUN_DELAY * 3;
    while stored(&t, &dn).await.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(stored(&t, &dn).await, [(Enrolment::Email, "scheduled@example.test".to_owned(), Source::Sync)]);
    assert_eq!(sync_rows(&t).await.len(), 1);
    delete(&bed, &[&dn, &bed.scope]).await;
}

/// More accounts gone than a sync removes on its own: refused until the
/// administrator confirms (a partial read is likelier than a mass exodus).
#[tokio::test]
async fn many_accounts_gone_at_once_need_the_administrators_word() {
    let Some(bed) = own_scope(&SLAPD, "mass removal on OpenLDAP").await else { return };
    let mut dns = Vec::new();
    for _ in 0..13 {
        let login = unique("mg");
        let mail = format!("{login}@example.test");
        dns.push(add_person(&SLAPD, &bed, &login, &[("mail", mail.as_str())]).await);
    }
    let t = app(&SLAPD, &bed, "");
    assert_eq!(sync(&t, SyncOptions::default()).await.counts.added, 13);
    let leaving: Vec<&str> = dns[1..].iter().map(String::as_str).collect();
    delete(&bed, &leaving).await;
    let config = t.app.config.directories[0].sync.clone();
    let err = t.app.flows.sync_directory("corp", &config, SyncOptions::default(), &|_| {}).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("12 accounts") && text.contains("--allow-removals") && text.contains("Nothing was changed"),
        "{text}"
    );
    assert_eq!(t.app.store.directory_enrolments("corp".into()).await.unwrap().len(), 13, "nothing removed");
    let confirmed = sync(&t, SyncOptions { allow_removals: true, ..SyncOptions::default() }).await;
    assert_eq!(confirmed.counts.gone, 12);
    assert_eq!(t.app.store.directory_enrolments("corp".into()).await.unwrap().len(), 1);
    delete(&bed, &[&dns[0], &bed.scope]).await;
}
