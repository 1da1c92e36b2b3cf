//! Admin sign-in with directory accounts: a member of the configured
//! admin group (through a nested group on Samba AD, directly on OpenLDAP)
//! signs in to `/admin`; a colleague outside it proves the same kind of
//! password and gets a 403 and an audit row.

use crate::admin_support::{csrf, form, location, visit};
use crate::directory_contract::{Bed, add_ad, add_openldap, admin, bed, unique};
use crate::support::TestApp;
use actix_web::http::StatusCode;
use actix_web::test;
use std::collections::HashSet;

fn config(kind: &str, bed: &Bed, group: &str) -> String {
    format!(
        "[directories.corp]\nkind = \"{kind}\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password = \"{}\"\n\
         scope = [\"{}\"]\nmail_domain = \"example.test\"\nadmin_group = \"{group}\"\n",
        bed.url, bed.ca, bed.bind_dn, bed.bind_password, bed.scope
    )
}

/// Adds `member` to the group `group` (both DNs).
async fn add_member(bed: &Bed, group: &str, member: &str) {
    let mut ldap = admin(bed).await;
    let change = ldap3::Mod::Add("member", HashSet::from([member]));
    ldap.modify(group, vec![change]).await.unwrap().success().unwrap_or_else(|e| panic!("adding to {group}: {e}"));
    let _ = ldap.unbind().await;
}

/// Signs `user` in with `password`; the status and whether a session cookie came back.
async fn sign_in(t: &TestApp, user: &str, password: &str) -> (StatusCode, bool, String) {
    let svc = t.service().await;
    let jar = visit(&svc).await;
    let token = csrf(&jar);
    let fields = [("csrf", token.as_str()), ("user", user), ("password", password), ("next", "/admin/audit")];
    let resp = test::call_service(&svc, form("/admin/sign-in", &jar, &fields)).await;
    let session = resp.response().cookies().any(|c| c.name() == "__Host-passdesk-admin" && !c.value().is_empty());
    (resp.status(), session, location(&resp))
}

#[actix_web::test]
async fn samba_ad_nested_admin_group_members_sign_in_and_others_are_refused() {
    let Some(ad) = bed("AD", "admin sign-in with Samba AD groups") else { return };
    let admins = std::env::var("PASSDESK_TEST_AD_ADMIN_GROUP").unwrap();
    let (boss, staff, team) = (unique("adm"), unique("stf"), unique("grp"));
    add_ad(&ad, "OU=Staff", &boss, "Boss!Passw0rd1", "512", false).await;
    add_ad(&ad, "OU=Staff", &staff, "Staff!Passw0rd1", "512", false).await;
    // boss is in `team`, and `team` is in the admin group: nested.
    let team_dn = format!("CN={team},OU=Staff,{}", ad.base);
    let mut ldap = admin(&ad).await;
    let boss_dn = format!("CN={boss},OU=Staff,{}", ad.base);
    let group = vec![
        ("objectClass", HashSet::from(["group"])),
        ("sAMAccountName", HashSet::from([team.as_str()])),
        ("member", HashSet::from([boss_dn.as_str()])),
    ];
    ldap.add(&team_dn, group).await.unwrap().success().unwrap();
    let _ = ldap.unbind().await;
    add_member(&ad, &admins, &team_dn).await;

    let t = TestApp::with_config(&config("ad", &ad, &admins));
    assert_eq!(sign_in(&t, &boss, "Boss!Passw0rd1").await, (StatusCode::SEE_OTHER, true, "/admin/audit".to_owned()));
    let (status, session, _) = sign_in(&t, &staff, "Staff!Passw0rd1").await;
    assert_eq!((status, session), (StatusCode::FORBIDDEN, false));
    let (status, session, _) = sign_in(&t, &boss, "Wrong!Passw0rd1").await;
    assert_eq!((status, session), (StatusCode::UNAUTHORIZED, false));
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.0 == "Admin portal sign-in" && a.1 == "success"), "{audit:?}");
    assert!(audit.iter().any(|a| a.0 == "Admin access refused" && a.3.contains(&staff)), "{audit:?}");
}

#[actix_web::test]
async fn openldap_admin_group_members_sign_in_and_others_are_refused() {
    let Some(ol) = bed("LDAP", "admin sign-in with OpenLDAP groups") else { return };
    let admins = std::env::var("PASSDESK_TEST_LDAP_ADMIN_GROUP").unwrap();
    let (boss, staff) = (unique("oladm"), unique("olstf"));
    add_openldap(&ol, "ou=people", &boss, "Boss-Passw0rd-1", None).await;
    add_openldap(&ol, "ou=people", &staff, "Staff-Passw0rd-1", None).await;
    // boss is in a team group, and the team group is in the admin group: nested.
    let team_dn = format!("cn={},ou=groups,{}", unique("olteam"), ol.base);
    let boss_dn = format!("uid={boss},ou=people,{}", ol.base);
    let mut ldap = admin(&ol).await;
    let team = vec![("objectClass", HashSet::from(["groupOfNames"])), ("member", HashSet::from([boss_dn.as_str()]))];
    ldap.add(&team_dn, team).await.unwrap().success().unwrap();
    let _ = ldap.unbind().await;
    add_member(&ol, &admins, &team_dn).await;

    let t = TestApp::with_config(&config("openldap", &ol, &admins));
    assert_eq!(sign_in(&t, &boss, "Boss-Passw0rd-1").await, (StatusCode::SEE_OTHER, true, "/admin/audit".to_owned()));
    let (status, session, _) = sign_in(&t, &staff, "Staff-Passw0rd-1").await;
    assert_eq!((status, session), (StatusCode::FORBIDDEN, false));
    assert!(t.audit_activities().await.iter().any(|a| a.0 == "Admin access refused" && a.3.contains(&staff)));
}
