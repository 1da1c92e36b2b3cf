//! Directory health (issue 8 item 3): the six states from the same
//! self-test as `passdesk check`, kept in memory with the time of the last
//! check; against the local directory and, with the test bed, real slapd
//! and Samba AD with good and broken settings.

use crate::directory_contract::{Bed, bed};
use crate::support::{START, TestApp};
use passdesk::flow::Client;
use passdesk::flow::directories_health::Health;

fn config(kind: &str, bed: &Bed, url: &str, password: &str, scope: &str) -> String {
    format!(
        "[directories.corp]\nkind = \"{kind}\"\nurls = [\"{url}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password = \"{password}\"\nscope = [\"{scope}\"]\nmail_domain = \"example.test\"\nconnect_timeout_secs = 2\n",
        bed.ca, bed.bind_dn
    )
}

#[actix_web::test]
async fn not_checked_until_a_check_runs_then_up_and_running() {
    let t = TestApp::new();
    let flows = &t.app.flows;
    let before = flows.directories_health();
    assert_eq!(before.len(), 1);
    assert_eq!((before[0].name.as_str(), before[0].health, before[0].checked_at), ("local", Health::NotChecked, None));
    t.clock.advance(30);
    let after = flows.run_directory_check("admin:root", &Client::default()).await.unwrap();
    assert_eq!((after[0].health, after[0].checked_at), (Health::UpAndRunning, Some(START + 30)));
    assert!(!after[0].items.is_empty());
    assert_eq!(flows.directories_health()[0].checked_at, Some(START + 30), "kept");
    let last = t.app.store.recent_audit(1).await.unwrap().pop().unwrap().record;
    assert_eq!(last.actor, "admin:root");
    assert!(last.detail.contains("local: Up and running"), "{}", last.detail);
}

async fn health_of(text: &str) -> Health {
    let t = TestApp::with_config(text);
    let all = t.app.flows.run_directory_check("admin:root", &Client::default()).await.unwrap();
    let corp = all.into_iter().find(|d| d.name == "corp").unwrap();
    let failures: Vec<String> = corp
        .items
        .iter()
        .filter(|i| i.fix.is_some())
        .map(|i| format!("{}: {} -> {}", i.name, i.detail, i.fix.clone().unwrap_or_default()))
        .collect();
    eprintln!("{:?}: {failures:#?}", corp.health);
    corp.health
}

#[actix_web::test]
async fn real_servers_map_onto_the_six_states() {
    for (prefix, kind) in [("LDAP", "openldap"), ("AD", "ad")] {
        let Some(b) = bed(prefix, "directory health against the test bed") else { continue };
        let good = health_of(&config(kind, &b, &b.url, &b.bind_password, &b.scope)).await;
        assert_eq!(good, Health::UpAndRunning, "{kind}");
        // The service account has no rights in CN=Users (AD) or ou=others (OpenLDAP).
        let unmanaged = if kind == "ad" { format!("CN=Users,{}", b.base) } else { format!("ou=others,{}", b.base) };
        let rights = health_of(&config(kind, &b, &b.url, &b.bind_password, &unmanaged)).await;
        assert_eq!(rights, Health::PermissionsMissing, "{kind}");
        let wrong = health_of(&config(kind, &b, &b.url, "not-the-password", &b.scope)).await;
        assert_eq!(wrong, Health::AuthenticationFailed, "{kind}");
        let nobody = health_of(&config(kind, &b, "ldaps://127.0.0.1:1", &b.bind_password, &b.scope)).await;
        assert_eq!(nobody, Health::CannotConnect, "{kind}");
        let scope = format!("ou=nowhere,{}", b.base);
        let missing = health_of(&config(kind, &b, &b.url, &b.bind_password, &scope)).await;
        assert_eq!(missing, Health::NotProperlyConfigured, "{kind}");
    }
}

#[actix_web::test]
async fn the_page_shows_the_states_and_the_button_runs_the_check() {
    use crate::admin_support::{add_admin, csrf, form, get, location, sign_in_admin};
    use crate::support::text;
    use actix_web::http::StatusCode;
    use actix_web::test;
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let resp = test::call_service(&svc, get("/admin/directories", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = text(resp).await;
    assert!(body.contains("Not checked yet") && body.contains("never since passdesk started"), "{body}");
    let resp = test::call_service(&svc, form("/admin/directories/check", &jar, &[])).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let resp = test::call_service(&svc, form("/admin/directories/check", &jar, &[("csrf", &csrf(&jar))])).await;
    assert_eq!(location(&resp), "/admin/directories?done=checked");
    let body = text(test::call_service(&svc, get("/admin/directories?done=checked", &jar)).await).await;
    assert!(body.contains("state-up_and_running") && body.contains("[PASS] local directory"), "{body}");
    assert!(body.contains("Last check: 2027-01-15T08:00:00Z"), "{body}");
}
