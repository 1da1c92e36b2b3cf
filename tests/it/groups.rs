//! Admin and pilot groups per directory (nested membership): members of the
//! admin group get the fixed administrator policy (two methods; with only
//! e-mail available they cannot use self-service), and a pilot group limits
//! reset to its members. Either way a refused person sees the same answer
//! shape as everyone else, and nothing is sent.

use crate::directory_contract::{Bed, bed};
use crate::support::{TestApp, json};
use actix_web::test::{self, TestRequest};
use serde_json::json;

fn config(kind: &str, bed: &Bed, extra: &str) -> String {
    format!(
        "[directories.corp]\nkind = \"{kind}\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password = \"{}\"\n\
         scope = [\"{}\"]\nmail_domain = \"example.test\"\n{extra}",
        bed.url, bed.ca, bed.bind_dn, bed.bind_password, bed.scope
    )
}

/// Points the phone attributes at one the test accounts leave empty.
const NO_PHONES: &str = "mobile_attribute = \"pager\"\noffice_phone_attribute = \"pager\"\n";

/// Starts a reset and asks for a code; returns the start answer and whether a message was queued.
async fn try_reset(t: &TestApp, user: &str) -> (serde_json::Value, bool) {
    let svc = t.service().await;
    let before = t.outbox().await.len();
    let req = TestRequest::post().uri("/api/v1/reset/start").set_json(json!({"user": user})).to_request();
    let started = json(test::call_service(&svc, req).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let req = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/send"))
        .set_json(json!({"method": "email"}))
        .to_request();
    assert!(test::call_service(&svc, req).await.status().is_success());
    (started, t.outbox().await.len() > before)
}

#[actix_web::test]
async fn ad_admins_and_pilot_members() {
    let Some(ad) = bed("AD", "admin and pilot groups on Samba AD") else { return };
    let group = std::env::var("PASSDESK_TEST_AD_ADMIN_GROUP").unwrap();
    // carol is in passdesk-admins; bob is not. With the phone attributes
    // pointed at the unused `pager`, carol has only e-mail.
    let t = TestApp::with_config(&config("ad", &ad, &format!("admin_group = \"{group}\"\n{NO_PHONES}")));
    let (carol, sent) = try_reset(&t, "carol").await;
    assert!(!sent, "an administrator with one method gets nothing");
    assert_eq!(carol["required"], 1, "the answer looks like anyone's: {carol}");
    assert_eq!(carol["methods"][0]["hint"], "ca•••••@example.test");
    let (_, sent) = try_reset(&t, "bob").await;
    assert!(sent);
    assert!(t.audit_activities().await.iter().any(|a| a.3.contains("administrator policy needs 2 method(s)")));

    // With her directory phones, carol meets the administrator policy:
    // two proofs, never questions, whatever the reset policy offers.
    let t = TestApp::with_config(&config("ad", &ad, &format!("admin_group = \"{group}\"\n")));
    let (carol, _) = try_reset(&t, "carol").await;
    assert_eq!(carol["required"], 2, "{carol}");
    let ids: Vec<&str> = carol["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["email", "mobile_sms", "mobile_voice", "office_voice"]);

    let t = TestApp::with_config(&config("ad", &ad, &format!("pilot_group = \"{group}\"\n")));
    assert!(try_reset(&t, "bob").await.1, "with the policy enabled for all, the pilot group does not restrict");
    let client = passdesk::flow::Client::default();
    t.app.flows.set_policy("enabled", "group", "test", &client).await.unwrap();
    assert!(!try_reset(&t, "bob").await.1, "outside the pilot group");
    assert!(try_reset(&t, "carol").await.1, "in the pilot group");
    assert!(t.audit_activities().await.iter().any(|a| a.3.contains("not in the pilot group")));
}

#[actix_web::test]
async fn openldap_admin_group() {
    let Some(ol) = bed("LDAP", "admin group on OpenLDAP") else { return };
    let group = std::env::var("PASSDESK_TEST_LDAP_ADMIN_GROUP").unwrap();
    let t = TestApp::with_config(&config("openldap", &ol, &format!("admin_group = \"{group}\"\n{NO_PHONES}")));
    assert!(!try_reset(&t, "carol").await.1);
    assert!(try_reset(&t, "alice").await.1);
}

#[actix_web::test]
async fn local_administrators_get_the_administrator_policy() {
    let t = TestApp::new();
    let admin = passdesk::directory::local::NewLocalUser {
        login: "root".into(),
        display_name: "Root".into(),
        email: Some("root@example.org".into()),
        is_admin: true,
    };
    t.local
        .add_user(admin, secrecy::SecretString::from("Root-Passw0rd-123".to_owned()), crate::support::START)
        .await
        .unwrap();
    let (started, sent) = try_reset(&t, "root").await;
    assert!(!sent && started["methods"][0]["hint"] == "ro•••••@example.org", "{started}");
    assert!(t.audit_activities().await.iter().any(|a| a.3.contains("administrator policy needs 2 method(s)")));
}

#[test]
fn group_settings_are_validated() {
    let err = passdesk::config::load_str(
        "[directories.corp]\nkind = \"ad\"\nurls = [\"ldaps://dc\"]\nbind_dn = \"cn=x\"\nbind_password = \"y\"\nscope = [\"ou=a\"]\nadmin_group = \"Domain Admins\"\n",
        "t",
        &[],
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("directories.corp.admin_group") && err.to_string().contains("group's DN"),
        "{err}"
    );
    let err = passdesk::config::load_str("[directories.x]\nkind = \"local\"\npilot_group = \"cn=g\"\n", "t", &[])
        .unwrap_err();
    assert!(err.to_string().contains("belong to kind"), "{err}");
}
