//! Enrolment reminders with a fixed clock: people in scope who have not
//! registered enough get one e-mail with a link to /register per
//! `reminder_days`, and nobody else does; on the local directory and on
//! slapd (one paged read of the scope).

use crate::support::{START, TestApp};
use crate::sync::{SLAPD, add_person, delete, own_scope};
use crate::writeback_flows::directory_toml;
use passdesk::flow::Client;
use passdesk::flow::reminders::ReminderSummary;

async fn policy(t: &TestApp, key: &str, value: &str) {
    t.app.flows.set_policy(key, value, "test", &Client::default()).await.unwrap();
}

fn reminders_to(rows: &[passdesk::store::OutboxRow]) -> Vec<String> {
    let mut to: Vec<String> =
        rows.iter().filter(|r| r.subject.contains("security info")).map(|r| r.recipient.clone()).collect();
    to.sort();
    to
}

#[actix_web::test]
async fn reminders_go_to_who_needs_them_at_most_once_per_interval() {
    let t = TestApp::new();
    t.user("ann", Some("ann@example.org"), "Old-Passw0rd-1234").await;
    t.user("ben", Some("ben@example.org"), "Old-Passw0rd-1234").await;
    t.user("cid", None, "Old-Passw0rd-1234").await;
    let dee = t.user("dee", Some("dee@example.org"), "Old-Passw0rd-1234").await;
    t.local.set_disabled(&dee, true).await.unwrap();
    policy(&t, "methods", "alt_email,mobile_sms").await;
    t.app.flows.enrol_alt_email("ann", "ann@home.example", &Client::default()).await.unwrap();

    // Off by default.
    assert_eq!(t.app.flows.send_reminders().await.unwrap(), ReminderSummary::default());
    assert!(t.outbox().await.is_empty());

    policy(&t, "reminder_days", "7").await;
    let first = t.app.flows.send_reminders().await.unwrap();
    assert_eq!(first, ReminderSummary { checked: 3, sent: 1, recent: 0, no_address: 1 });
    let rows = t.outbox().await;
    assert_eq!(reminders_to(&rows), ["ben@example.org"]);
    let body = &rows.iter().find(|r| r.recipient == "ben@example.org").unwrap().body;
    assert!(body.contains("/register") && body.contains("Hello ben test"), "{body}");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Registration reminder sent" && a.3.contains("be•••••@example.org")));

    // Again the same day, and six days on: nothing new.
    for days in [0, 6] {
        t.clock.set(START + days * 86_400);
        let again = t.app.flows.send_reminders().await.unwrap();
        assert_eq!((again.sent, again.recent), (0, 1), "day {days}");
    }
    // A week on, ben is reminded again.
    t.clock.set(START + 7 * 86_400 + 60);
    assert_eq!(t.app.flows.send_reminders().await.unwrap().sent, 1);
    assert_eq!(reminders_to(&t.outbox().await), ["ben@example.org", "ben@example.org"]);
    // Once he registered, never again.
    t.app.flows.enrol_alt_email("ben", "ben@home.example", &Client::default()).await.unwrap();
    t.clock.set(START + 30 * 86_400);
    let later = t.app.flows.send_reminders().await.unwrap();
    assert_eq!((later.sent, later.recent, later.no_address), (0, 0, 1));
    // Self-service turned off: nobody.
    policy(&t, "enabled", "none").await;
    t.clock.set(START + 60 * 86_400);
    assert_eq!(t.app.flows.send_reminders().await.unwrap(), ReminderSummary::default());
}

#[actix_web::test]
async fn reminders_read_an_ldap_scope_once() {
    let Some(bed) = own_scope(&SLAPD, "reminders on slapd").await else { return };
    let with_mail =
        add_person(&SLAPD, &bed, &crate::directory_contract::unique("rm"), &[("mail", "rem1@example.test")]).await;
    let with_mobile = add_person(
        &SLAPD,
        &bed,
        &crate::directory_contract::unique("rm"),
        &[("mail", "rem2@example.test"), ("mobile", "+31 6 5555 0199")],
    )
    .await;
    let t = TestApp::with_config(&directory_toml("corp", "openldap", &bed, "[\"uid\"]"));
    policy(&t, "methods", "alt_email,mobile_sms").await;
    policy(&t, "reminder_days", "14").await;
    let summary = t.app.flows.send_reminders().await.unwrap();
    assert_eq!((summary.checked, summary.sent), (2, 1), "{summary:?}");
    assert_eq!(reminders_to(&t.outbox().await), ["rem1@example.test"]);
    delete(&bed, &[&with_mail, &with_mobile, &bed.scope]).await;
}
