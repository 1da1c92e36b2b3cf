//! Password-expiry reminders against the real Samba AD of the test bed:
//! each run makes its own OU under Staff with its own users (so the scope
//! holds only them), reads their expiry through passdesk and by hand, and
//! moves a fixed clock to the reminder marks. The domain's policy and the
//! shared users are left alone; a fine-grained policy (PSO) is made for
//! this run's own user only, and everything is deleted at the end.

use crate::directory_contract::{Bed, add_ad, admin, ldap_config, unique};
use crate::support::TestApp;
use crate::sync::{SAMBA, delete, own_scope};
use crate::writeback_flows::directory_toml;
use ldap3::Mod;
use passdesk::directory::ad::ActiveDirectory;
use passdesk::directory::ldap::LdapPool;
use passdesk::directory::{Directory, Expiring};
use passdesk::domain::expiry::{DAY, PasswordExpiry};
use passdesk::flow::expiry::ExpiryReport;
use std::collections::HashSet;

const MARKS: [u32; 4] = [14, 7, 3, 1];

/// The first value of `name` on the entry at `dn`, read as the administrator.
async fn read(bed: &Bed, dn: &str, name: &str) -> String {
    let mut ldap = admin(bed).await;
    let (rows, _) =
        ldap.search(dn, ldap3::Scope::Base, "(objectClass=*)", vec![name]).await.unwrap().success().unwrap();
    let entry = ldap3::SearchEntry::construct(rows.into_iter().next().unwrap());
    entry.attrs.get(name).and_then(|v| v.first()).cloned().unwrap_or_else(|| panic!("{dn} has no {name}"))
}

/// FILETIME (100 ns since 1601) to Unix seconds, written out again here so
/// the test does not trust passdesk's own conversion.
fn unix(filetime: &str) -> i64 {
    filetime.parse::<i64>().unwrap() / 10_000_000 - 11_644_473_600
}

async fn expiries(bed: &Bed) -> Vec<Expiring> {
    let pool = LdapPool::new(ldap_config(bed, vec![bed.url.clone()], &["sAMAccountName"])).unwrap();
    ActiveDirectory::new("ad", pool).password_expiries().await.unwrap().expect("AD knows expiries")
}

fn expiry_of(all: &[Expiring], login: &str) -> PasswordExpiry {
    all.iter().find(|e| e.account.login == login).unwrap_or_else(|| panic!("{login} listed")).expiry
}

fn expires_at(expiry: PasswordExpiry) -> i64 {
    match expiry {
        PasswordExpiry::At { expires_at, .. } => expires_at,
        other => panic!("expected a date, got {other:?}"),
    }
}

/// Sends the due reminders and returns the report and the reminder
/// e-mails queued so far.
async fn run(t: &TestApp) -> (ExpiryReport, Vec<passdesk::store::OutboxRow>) {
    let report = t.app.flows.send_expiry_reminders(&MARKS, false).await.unwrap();
    let rows = t.outbox().await.into_iter().filter(|r| r.subject.contains("password expires")).collect();
    (report, rows)
}

#[actix_web::test]
async fn reminders_follow_the_domain_controllers_expiry_once_per_mark() {
    let Some(bed) = own_scope(&SAMBA, "expiry reminders on Samba AD").await else { return };
    let container = bed.scope.strip_suffix(&format!(",{}", bed.base)).unwrap().to_owned();
    let (user, never, off, must) = (unique("exu"), unique("exn"), unique("exd"), unique("exm"));
    add_ad(&bed, &container, &user, "Expiry!Passw0rd1", "512", false).await;
    // 66048 = normal account + UF_DONT_EXPIRE_PASSWD.
    add_ad(&bed, &container, &never, "Expiry!Passw0rd1", "66048", false).await;
    add_ad(&bed, &container, &off, "Expiry!Passw0rd1", "514", false).await;
    add_ad(&bed, &container, &must, "Expiry!Passw0rd1", "512", false).await;
    let dn = |sam: &str| format!("CN={sam},{}", bed.scope);
    admin(&bed).await.modify(&dn(&must), vec![Mod::Replace("pwdLastSet", HashSet::from(["0"]))]).await.unwrap();

    // The expiry passdesk reads is pwdLastSet + the domain's maxPwdAge.
    let max_age = -read(&bed, &bed.base, "maxPwdAge").await.parse::<i64>().unwrap() / 10_000_000;
    assert!(max_age > 0, "the bed's domain has a maximum password age");
    let set = unix(&read(&bed, &dn(&user), "pwdLastSet").await);
    let all = expiries(&bed).await;
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(expiry_of(&all, &user), PasswordExpiry::At { expires_at: set + max_age, set_at: Some(set) });
    assert_eq!(expiry_of(&all, &never), PasswordExpiry::Never);
    assert_eq!(expiry_of(&all, &must), PasswordExpiry::MustChange);
    let expires = set + max_age;

    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\"]"));
    // Fifteen days out nothing is due; at 7 days exactly one reminder, the
    // 7-day one (the 14-day mark was missed: it is not sent late).
    t.clock.set(expires - 15 * DAY);
    let (report, sent) = run(&t).await;
    assert_eq!((report.sent, sent.len()), (0, 0), "{report:?}");
    t.clock.set(expires - 7 * DAY);
    let dry = t.app.flows.send_expiry_reminders(&MARKS, true).await.unwrap();
    assert_eq!((dry.sent, dry.reminders.len(), dry.reminders[0].login.clone()), (1, 1, user.clone()));
    assert_eq!((dry.reminders[0].mark_days, dry.reminders[0].days_left), (7, 7));
    assert!(t.outbox().await.is_empty(), "a dry run queues nothing");
    let (report, sent) = run(&t).await;
    assert_eq!((report.checked, report.sent, report.never, report.disabled, report.must_change), (4, 1, 1, 1, 1));
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].recipient, format!("{user}@example.test"));
    assert!(sent[0].subject.contains("in 7 days"), "{}", sent[0].subject);
    assert!(sent[0].body.contains("https://127.0.0.1:8443/change"), "{}", sent[0].body);
    let audit = t.audit_activities().await;
    assert!(
        audit.iter().any(|a| a.0 == "Password expiry reminder sent" && a.3.contains("7-day reminder")),
        "{audit:?}"
    );
    // Again, and an hour later: nothing new.
    for later in [0, 3600] {
        t.clock.set(expires - 7 * DAY + later);
        let (report, sent) = run(&t).await;
        assert_eq!((report.sent, report.already_sent, sent.len()), (0, 1, 1), "{report:?}");
    }
    // passdesk was down at the 3-day mark: half a day before, only the 1-day one.
    t.clock.set(expires - DAY / 2);
    let (report, sent) = run(&t).await;
    assert_eq!((report.sent, sent.len()), (1, 2), "{report:?}");
    assert!(sent[1].subject.contains("within a day"), "{}", sent[1].subject);
    let (report, _) = run(&t).await;
    assert_eq!(report.sent, 0);

    // A new password is a new expiry with reminders of its own (the DC's
    // clock must tick past the old pwdLastSet's second first).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let pwd: Vec<u8> = "\"Expiry!Passw0rd2\"".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mods = vec![Mod::Replace(b"unicodePwd".to_vec(), HashSet::from([pwd]))];
    admin(&bed).await.modify(&dn(&user), mods).await.unwrap().success().unwrap();
    let renewed = expires_at(expiry_of(&expiries(&bed).await, &user));
    assert!(renewed > expires, "{renewed} after {expires}");
    t.clock.set(renewed - 7 * DAY);
    let (report, sent) = run(&t).await;
    assert_eq!((report.sent, sent.len()), (1, 3), "{report:?}");
    assert!(sent[2].subject.contains("in 7 days"));

    delete(&bed, &[&dn(&user), &dn(&never), &dn(&off), &dn(&must), &bed.scope]).await;
}

#[actix_web::test]
async fn a_fine_grained_policy_sets_the_expiry_of_its_own_people() {
    let Some(bed) = own_scope(&SAMBA, "expiry with a PSO on Samba AD").await else { return };
    let container = bed.scope.strip_suffix(&format!(",{}", bed.base)).unwrap().to_owned();
    let (user, other) = (unique("exp"), unique("exo"));
    add_ad(&bed, &container, &user, "Expiry!Passw0rd1", "512", false).await;
    add_ad(&bed, &container, &other, "Expiry!Passw0rd1", "512", false).await;
    let dn = |sam: &str| format!("CN={sam},{}", bed.scope);
    // A PSO with a 10-day maximum age that applies to this run's user only.
    let pso = format!("CN={},CN=Password Settings Container,CN=System,{}", unique("expso"), bed.base);
    let user_dn = dn(&user);
    let attrs: Vec<(&str, HashSet<&str>)> = vec![
        ("objectClass", HashSet::from(["msDS-PasswordSettings"])),
        ("msDS-PasswordSettingsPrecedence", HashSet::from(["10"])),
        ("msDS-PasswordReversibleEncryptionEnabled", HashSet::from(["FALSE"])),
        ("msDS-PasswordHistoryLength", HashSet::from(["0"])),
        ("msDS-PasswordComplexityEnabled", HashSet::from(["TRUE"])),
        ("msDS-MinimumPasswordLength", HashSet::from(["7"])),
        ("msDS-MinimumPasswordAge", HashSet::from(["0"])),
        ("msDS-MaximumPasswordAge", HashSet::from(["-8640000000000"])),
        ("msDS-LockoutThreshold", HashSet::from(["0"])),
        ("msDS-LockoutObservationWindow", HashSet::from(["-3000000000"])),
        ("msDS-LockoutDuration", HashSet::from(["-3000000000"])),
        ("msDS-PSOAppliesTo", HashSet::from([user_dn.as_str()])),
    ];
    admin(&bed).await.add(&pso, attrs).await.unwrap().success().unwrap();

    let all = expiries(&bed).await;
    let set = unix(&read(&bed, &user_dn, "pwdLastSet").await);
    assert_eq!(expiry_of(&all, &user), PasswordExpiry::At { expires_at: set + 10 * 86_400, set_at: Some(set) });
    let max_age = -read(&bed, &bed.base, "maxPwdAge").await.parse::<i64>().unwrap() / 10_000_000;
    let other_set = unix(&read(&bed, &dn(&other), "pwdLastSet").await);
    assert_eq!(expires_at(expiry_of(&all, &other)), other_set + max_age);

    // Its 14-day mark lies before the password was set: the first reminder
    // is the 7-day one.
    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\"]"));
    t.clock.set(set + 2 * DAY);
    assert_eq!(run(&t).await.0.sent, 0);
    t.clock.set(set + 3 * DAY);
    let (report, sent) = run(&t).await;
    assert_eq!((report.sent, sent[0].recipient.clone()), (1, format!("{user}@example.test")));

    delete(&bed, &[&pso, &user_dn, &dn(&other), &bed.scope]).await;
}

#[actix_web::test]
async fn directories_that_do_not_know_expiry_and_an_empty_list_send_nothing() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    let report = t.app.flows.send_expiry_reminders(&MARKS, false).await.unwrap();
    assert_eq!((report.checked, report.sent, report.not_known.clone()), (0, 0, vec!["local".to_owned()]));
    let off = t.app.flows.send_expiry_reminders(&[], false).await.unwrap();
    assert_eq!(off, ExpiryReport::default());
    assert!(t.outbox().await.is_empty());
}

#[test]
fn the_command_lists_without_sending_and_names_bad_days() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("passdesk.toml");
    let data = dir.path().join("data");
    let write = |extra: &str| {
        std::fs::write(&file, format!("[store]\ndata_dir = {:?}\n{extra}", data.display().to_string())).unwrap()
    };
    write("[notify]\nexpiry_reminder_days = [0, 7, 7]\n");
    let (code, _, err) = crate::cli::run(crate::cli::passdesk().args(["remind-expiry", "--config"]).arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("notify.expiry_reminder_days") && err.contains("0 is out of range"), "{err}");
    assert!(err.contains("7 is listed twice"), "{err}");
    write("[notify]\nexpiry_reminder_days = []\n");
    let (code, _, err) = crate::cli::run(crate::cli::passdesk().args(["remind-expiry", "--config"]).arg(&file));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("reminders are off"), "{err}");
    write("");
    let args = ["remind-expiry", "--dry-run", "--config"];
    let (code, out, err) = crate::cli::run(crate::cli::passdesk().args(args).arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 would be sent (dry run") && out.contains("local: this directory does not say"), "{out}");
}

#[actix_web::test]
async fn slapd_passwords_expire_by_their_ppolicy() {
    use crate::sync::{SLAPD, add_person};
    let Some(bed) = own_scope(&SLAPD, "expiry reminders on slapd").await else { return };
    // A policy of this run's own with a 10-day maximum age; the bed's
    // default policy (policy_dn) has none.
    let policy = format!("cn={},ou=policies,{}", unique("expol"), bed.base);
    let name = policy.split([',', '=']).nth(1).unwrap().to_owned();
    let attrs: Vec<(&str, HashSet<&str>)> = vec![
        ("objectClass", HashSet::from(["namedPolicy", "pwdPolicy"])),
        ("cn", HashSet::from([name.as_str()])),
        ("pwdAttribute", HashSet::from(["userPassword"])),
        ("pwdMaxAge", HashSet::from(["864000"])),
    ];
    admin(&bed).await.add(&policy, attrs).await.unwrap().success().unwrap();
    let (ten, plain) = (unique("ext"), unique("exf"));
    let ten_mail = format!("{ten}@example.test");
    let ten_dn = add_person(
        &SLAPD,
        &bed,
        &ten,
        &[("mail", &ten_mail), ("userPassword", "Expiry-Passw0rd-1"), ("pwdPolicySubentry", &policy)],
    )
    .await;
    let plain_dn =
        add_person(&SLAPD, &bed, &plain, &[("mail", "exf@example.test"), ("userPassword", "Expiry-Passw0rd-1")]).await;
    let changed = read(&bed, &ten_dn, "pwdChangedTime").await;

    let t = TestApp::with_config(&directory_toml("corp", "openldap", &bed, "[\"uid\"]"));
    let set = passdesk::directory::openldap::generalized_time(&changed).unwrap();
    t.clock.set(set + 3 * DAY);
    let (report, sent) = run(&t).await;
    assert_eq!((report.checked, report.sent, report.never), (2, 1, 1), "{report:?}");
    assert_eq!(sent[0].recipient, ten_mail);
    assert_eq!(report.reminders[0].expires_at, set + 10 * DAY);
    assert!(sent[0].subject.contains("in 7 days"), "{}", sent[0].subject);

    delete(&bed, &[&ten_dn, &plain_dn, &bed.scope, &policy]).await;
}
