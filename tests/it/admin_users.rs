//! The helpdesk (issue 8 item 4): user search across directories (the
//! local directory here, and real slapd and Samba AD when the test bed
//! runs), where one person stands, and each action with its audit row.

use crate::directory_contract::{Bed, add_ad, add_openldap, bed, unique};
use crate::support::{START, TestApp};
use passdesk::directory::Directory;
use passdesk::directory::local::NewLocalUser;
use passdesk::domain::Enrolment;
use passdesk::flow::helpdesk::{RegistrationState, SEARCH_LIMIT};
use passdesk::flow::{Client, Error};
use passdesk::store::Effects;
use secrecy::SecretString;

const ADMIN: &str = "admin:root";
const PASSWORD: &str = "correct horse battery staple 1";

fn client() -> Client {
    Client { ip: Some("192.0.2.7".into()), request_id: Some("req-1".into()), lang: None }
}

async fn add(t: &TestApp, login: &str, name: &str, email: Option<&str>, admin: bool) {
    let user =
        NewLocalUser { login: login.into(), display_name: name.into(), email: email.map(Into::into), is_admin: admin };
    assert!(t.local.add_user(user, SecretString::from(PASSWORD.to_owned()), START).await.unwrap());
}

fn logins(found: &passdesk::flow::helpdesk::SearchResults) -> Vec<&str> {
    found.found.iter().map(|f| f.login.as_str()).collect()
}

/// Audit rows (actor, activity, target, detail), oldest first.
async fn audit(t: &TestApp) -> Vec<(String, String, String, String)> {
    let mut rows = t.app.store.recent_audit(1000).await.unwrap();
    rows.reverse();
    rows.into_iter().map(|r| (r.record.actor, r.record.activity, r.record.target, r.record.detail)).collect()
}

fn invalid_field(e: Error) -> &'static str {
    match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected a form problem, got {other:?}"),
    }
}

#[actix_web::test]
async fn search_matches_login_name_and_email_literally_and_caps_the_list() {
    let t = TestApp::new();
    add(&t, "hd_ann", "Ann Archer", Some("ann.archer@example.org"), false).await;
    add(&t, "hdxann", "Ann Other", Some("other@example.org"), false).await;
    add(&t, "brenda", "Brenda Bloggs", Some("bb@corp.example"), false).await;
    let flows = &t.app.flows;
    assert_eq!(logins(&flows.search_users("hd_").await.unwrap()), ["hd_ann"], "_ is no wildcard");
    assert_eq!(logins(&flows.search_users("ANN").await.unwrap()), ["hd_ann", "hdxann"], "login and name, any case");
    assert_eq!(logins(&flows.search_users("Bloggs").await.unwrap()), ["brenda"]);
    let by_mail = flows.search_users("corp.example").await.unwrap();
    assert_eq!(logins(&by_mail), ["brenda"]);
    assert_eq!(by_mail.found[0].email.as_deref(), Some("b•••••@corp.example"), "addresses are masked");
    assert_eq!(by_mail.found[0].directory, "local");
    assert!(flows.search_users("%%").await.unwrap().found.is_empty(), "% is no wildcard");
    assert!(flows.search_users("nobody-here").await.unwrap().found.is_empty());

    for bad in ["", " a ", "\ta\n"] {
        assert_eq!(invalid_field(flows.search_users(bad).await.unwrap_err()), "q", "{bad:?}");
    }
    assert_eq!(invalid_field(flows.search_users(&"x".repeat(101)).await.unwrap_err()), "q");

    for n in 0..SEARCH_LIMIT + 5 {
        add(&t, &format!("many{n:03}"), "Many", None, false).await;
    }
    let many = flows.search_users("many").await.unwrap();
    assert_eq!((many.found.len(), many.more), (SEARCH_LIMIT, true));
    assert_eq!(many.found[0].login, "many000");
    let few = flows.search_users("many05").await.unwrap();
    assert_eq!((few.found.len(), few.more), (5, false));
}

fn ldap_config(kind: &str, bed: &Bed, logins: &str) -> String {
    format!(
        "[directories.corp]\nkind = \"{kind}\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password = \"{}\"\n\
         scope = [\"{}\"]\nlogin_attributes = [{logins}]\nmail_domain = \"example.test\"\n",
        bed.url, bed.ca, bed.bind_dn, bed.bind_password, bed.scope
    )
}

#[actix_web::test]
async fn search_on_openldap_stays_in_scope_and_escapes_the_filter() {
    let Some(ol) = bed("LDAP", "helpdesk search on OpenLDAP") else { return };
    let stem = unique("hs");
    let (inside, also, outside) = (format!("{stem}a"), format!("{stem}b"), format!("{stem}c"));
    add_openldap(&ol, "ou=people", &inside, "User-Passw0rd-1", None).await;
    add_openldap(&ol, "ou=people", &also, "User-Passw0rd-1", None).await;
    add_openldap(&ol, "ou=others", &outside, "User-Passw0rd-1", None).await;
    let t = TestApp::with_config(&ldap_config("openldap", &ol, "\"uid\", \"mail\""));
    let found = t.app.flows.search_users(&stem).await.unwrap();
    assert!(found.failed.is_empty(), "{:?}", found.failed);
    let corp: Vec<&str> = found.found.iter().filter(|f| f.directory == "corp").map(|f| f.login.as_str()).collect();
    assert_eq!(corp, [inside.as_str(), also.as_str()], "ou=others is outside the scope");
    let by_mail = t.app.flows.search_users(&format!("{also}@example")).await.unwrap();
    assert_eq!(logins(&by_mail), [also.as_str()]);
    // Filter syntax in the text matches literally and breaks nothing.
    let odd = t.app.flows.search_users(&format!("{stem}*)(uid=*")).await.unwrap();
    assert!(odd.found.is_empty() && odd.failed.is_empty(), "{odd:?}");
    let detail = t.app.flows.user_detail("corp", &inside).await.unwrap();
    assert_eq!((detail.state, detail.in_scope, detail.admin), (RegistrationState::Capable, true, false));
}

#[actix_web::test]
async fn search_on_samba_ad_stays_in_scope() {
    let Some(ad) = bed("AD", "helpdesk search on Samba AD") else { return };
    let stem = unique("hs");
    let (inside, outside) = (format!("{stem}a"), format!("{stem}c"));
    add_ad(&ad, "OU=Staff", &inside, "User!Passw0rd1", "512", false).await;
    add_ad(&ad, "CN=Users", &outside, "User!Passw0rd1", "512", false).await;
    let t = TestApp::with_config(&ldap_config("ad", &ad, "\"sAMAccountName\", \"userPrincipalName\", \"mail\""));
    let found = t.app.flows.search_users(&stem).await.unwrap();
    assert!(found.failed.is_empty(), "{:?}", found.failed);
    let corp: Vec<&str> = found.found.iter().filter(|f| f.directory == "corp").map(|f| f.login.as_str()).collect();
    assert_eq!(corp, [inside.as_str()]);
    assert_eq!(
        found.found[0].email.as_deref(),
        Some(passdesk::domain::mask::mask_email(&format!("{inside}@example.test")).as_str())
    );
    assert!(t.app.flows.search_users(&format!("{stem}\\")).await.unwrap().found.is_empty());
    let detail = t.app.flows.user_detail("corp", &inside).await.unwrap();
    assert_eq!(detail.state, RegistrationState::Capable);
}

#[actix_web::test]
async fn registration_state_follows_the_policy_scope_and_methods() {
    let t = TestApp::new();
    add(&t, "reg_mail", "Reg Mail", Some("reg@example.org"), false).await;
    add(&t, "reg_none", "Reg None", None, false).await;
    add(&t, "reg_admin", "Reg Admin", Some("boss@example.org"), true).await;
    let flows = &t.app.flows;
    let with_mail = flows.user_detail("local", "reg_mail").await.unwrap();
    assert_eq!(
        (with_mail.state, with_mail.in_scope, with_mail.usable, with_mail.required),
        (RegistrationState::Capable, true, 1, 1)
    );
    assert_eq!(with_mail.methods[0].value, "re•••••@example.org");
    assert_eq!(with_mail.methods[0].source, "directory");
    assert_eq!(flows.user_detail("local", "reg_none").await.unwrap().state, RegistrationState::NotRegistered);
    let admin = flows.user_detail("local", "reg_admin").await.unwrap();
    assert!(admin.admin);
    assert_eq!((admin.required, admin.state), (2, RegistrationState::NotRegistered), "the administrator policy");

    // Registered but outside the scope: self-service is off (or pilot only,
    // and the local directory has no pilot group).
    flows.set_policy("enabled", "none", ADMIN, &client()).await.unwrap();
    let off = flows.user_detail("local", "reg_mail").await.unwrap();
    assert_eq!((off.state, off.in_scope), (RegistrationState::Registered, false));
    flows.set_policy("enabled", "group", ADMIN, &client()).await.unwrap();
    let pilot = flows.user_detail("local", "reg_mail").await.unwrap();
    assert_eq!(pilot.state, RegistrationState::Registered);
    assert!(pilot.scope_note.unwrap().contains("has none"));
    flows.set_policy("enabled", "all", ADMIN, &client()).await.unwrap();
    // Two methods required: one is not enough.
    flows.set_policy("methods", "email,alt_email", ADMIN, &client()).await.unwrap();
    flows.set_policy("methods_required", "2", ADMIN, &client()).await.unwrap();
    assert_eq!(flows.user_detail("local", "reg_mail").await.unwrap().state, RegistrationState::NotRegistered);
    let id = t.local_id("reg_mail").await;
    t.app
        .store
        .put_enrolment("local".into(), id, Enrolment::AltEmail, "reg@home.example".into(), START, Effects::default())
        .await
        .unwrap();
    let two = flows.user_detail("local", "reg_mail").await.unwrap();
    assert_eq!((two.state, two.usable), (RegistrationState::Capable, 2));
    assert!(two.methods.iter().any(|m| m.kind == "alt_email" && m.source == "user" && m.set_at == Some(START)));
    // A disabled account is never capable.
    let account = t.local.find("reg_mail").await.unwrap().unwrap();
    t.local.set_disabled(&account.id, true).await.unwrap();
    assert_eq!(flows.user_detail("local", "reg_mail").await.unwrap().state, RegistrationState::Registered);

    assert_eq!(invalid_field(flows.user_detail("nowhere", "reg_mail").await.unwrap_err()), "directory");
    assert!(matches!(flows.user_detail("local", "ghost").await.unwrap_err(), Error::UserNotFound(_)));
}

#[actix_web::test]
async fn unblock_is_audited_with_the_admin_and_lifts_the_block() {
    let t = TestApp::new();
    add(&t, "blocked1", "Blocked One", Some("b1@example.org"), false).await;
    let key = format!("local:{}", t.local_id("blocked1").await);
    t.app.store.block(key, START + 3600, "test".into(), START, Effects::default()).await.unwrap();
    let flows = &t.app.flows;
    assert_eq!(flows.user_detail("local", "blocked1").await.unwrap().blocked_until, Some(START + 3600));
    assert!(flows.helpdesk_unblock("local", "blocked1", ADMIN, &client()).await.unwrap());
    assert_eq!(flows.user_detail("local", "blocked1").await.unwrap().blocked_until, None);
    let rows = audit(&t).await;
    let last = rows.last().unwrap();
    assert_eq!((last.0.as_str(), last.2.as_str()), (ADMIN, "blocked1"));
    assert!(last.1.starts_with("Unblocked"), "{last:?}");
    assert!(!flows.helpdesk_unblock("local", "blocked1", ADMIN, &client()).await.unwrap(), "no longer blocked");
    assert!(audit(&t).await.last().unwrap().3.contains("was not blocked"));
    let before = audit(&t).await.len();
    assert_eq!(invalid_field(flows.helpdesk_unblock("local", "", ADMIN, &client()).await.unwrap_err()), "login");
    assert_eq!(audit(&t).await.len(), before, "a refused action writes nothing");
}

#[actix_web::test]
async fn require_reregistration_makes_the_next_sign_in_ask_until_the_person_confirms() {
    let t = TestApp::new();
    add(&t, "rereg", "Re Reg", Some("rereg@example.org"), false).await;
    let id = t.local_id("rereg").await;
    t.app
        .store
        .put_enrolment("local".into(), id, Enrolment::AltEmail, "rereg@home.example".into(), START, Effects::default())
        .await
        .unwrap();
    let flows = &t.app.flows;
    let password = SecretString::from(PASSWORD.to_owned());
    let signed = flows.register_sign_in("rereg", &password, &client()).await.unwrap();
    assert_eq!((signed.view.stale, signed.view.interrupt), (false, false));

    t.clock.advance(60);
    flows.require_reregistration("local", "rereg", ADMIN, &client()).await.unwrap();
    let last = audit(&t).await.pop().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str(), last.2.as_str()),
        (ADMIN, "Re-registration required (by admin)", "rereg")
    );
    let detail = flows.user_detail("local", "rereg").await.unwrap();
    assert_eq!(detail.reregistration.unwrap().required_by, ADMIN);
    // Asked at the next sign-in, though the policy neither requires
    // registration nor finds the data old.
    let signed = flows.register_sign_in("rereg", &password, &client()).await.unwrap();
    assert_eq!((signed.view.stale, signed.view.interrupt), (true, true));
    t.clock.advance(60);
    flows.register_reconfirm(signed.token.as_str(), &client()).await.unwrap();
    let view = flows.registration(signed.token.as_str()).await.unwrap();
    assert_eq!((view.stale, view.interrupt), (false, false));
    assert!(flows.user_detail("local", "rereg").await.unwrap().reregistration.is_none());
}

#[actix_web::test]
async fn removing_methods_is_audited_and_refuses_what_is_not_there() {
    let t = TestApp::new();
    add(&t, "remover", "Re Mover", Some("rm@example.org"), false).await;
    let id = t.local_id("remover").await;
    for (kind, value) in [(Enrolment::AltEmail, "rm@home.example"), (Enrolment::Mobile, "+15550100111")] {
        t.app
            .store
            .put_enrolment("local".into(), id.clone(), kind, value.into(), START, Effects::default())
            .await
            .unwrap();
    }
    let flows = &t.app.flows;
    let before = audit(&t).await.len();
    assert_eq!(
        invalid_field(
            flows.helpdesk_remove_methods("local", "remover", Some("questions"), ADMIN, &client()).await.unwrap_err()
        ),
        "kind"
    );
    assert_eq!(
        invalid_field(
            flows.helpdesk_remove_methods("local", "remover", Some("pigeon"), ADMIN, &client()).await.unwrap_err()
        ),
        "kind"
    );
    assert_eq!(audit(&t).await.len(), before, "nothing changed");
    assert_eq!(flows.helpdesk_remove_methods("local", "remover", Some("mobile"), ADMIN, &client()).await.unwrap(), 1);
    let last = audit(&t).await.pop().unwrap();
    assert_eq!((last.0.as_str(), last.2.as_str()), (ADMIN, "remover"));
    assert!(last.3.contains("mobile"), "{last:?}");
    let kinds: Vec<String> =
        flows.user_detail("local", "remover").await.unwrap().methods.iter().map(|m| m.kind.to_owned()).collect();
    assert_eq!(kinds, ["email", "alt_email"]);
    assert_eq!(flows.helpdesk_remove_methods("local", "remover", None, ADMIN, &client()).await.unwrap(), 1);
    assert!(audit(&t).await.pop().unwrap().3.contains("all registered and imported data"));
    assert!(flows.helpdesk_remove_methods("local", "remover", None, ADMIN, &client()).await.is_err());
}

#[actix_web::test]
async fn a_reset_link_goes_out_audited_and_the_trail_lists_the_newest_fifty() {
    let t = TestApp::new();
    add(&t, "linked", "Link Ed", Some("link@example.org"), false).await;
    let flows = &t.app.flows;
    assert_eq!(
        invalid_field(flows.helpdesk_send_link("local", "linked", "pigeon", ADMIN, &client()).await.unwrap_err()),
        "via"
    );
    let sent = flows.helpdesk_send_link("local", "linked", "email", ADMIN, &client()).await.unwrap();
    assert_eq!(sent.to, "li•••••@example.org");
    let message = t.outbox().await.pop().unwrap();
    assert_eq!(message.recipient, "link@example.org");
    let last = audit(&t).await.pop().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), (ADMIN, "One-time reset link sent (by admin)"));

    for _ in 0..60 {
        flows.helpdesk_unblock("local", "linked", ADMIN, &client()).await.unwrap();
    }
    add(&t, "other", "Other", None, false).await;
    flows.helpdesk_unblock("local", "other", ADMIN, &client()).await.unwrap();
    let trail = flows.user_audit("local", "linked").await.unwrap();
    assert_eq!(trail.len(), 50);
    assert!(trail.iter().all(|r| r.record.target == "linked"));
    assert!(trail.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let all = t.app.store.recent_audit(1000).await.unwrap();
    let newest_of_linked = all.iter().find(|r| r.record.target == "linked").unwrap();
    assert_eq!(trail[0].id, newest_of_linked.id);
}

mod pages {
    //! The helpdesk pages through the in-process server.
    use super::*;
    use crate::admin_support::{add_admin, csrf, form, get, location, sign_in_admin};
    use crate::support::text;
    use actix_web::http::StatusCode;
    use actix_web::test;

    #[actix_web::test]
    async fn search_then_unblock_and_every_action_through_the_pages() {
        let t = TestApp::new();
        add_admin(&t, "ada").await;
        add(&t, "pat.page", "Pat Page", Some("pat@example.org"), false).await;
        let key = format!("local:{}", t.local_id("pat.page").await);
        t.app.store.block(key, START + 3600, "test".into(), START, Effects::default()).await.unwrap();
        let svc = t.service().await;
        let jar = sign_in_admin(&svc, "ada").await;
        let token = csrf(&jar);

        let resp = test::call_service(&svc, get("/admin/users", &jar)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let resp = test::call_service(&svc, get("/admin/users?q=pat", &jar)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let body = text(resp).await;
        assert!(body.contains("href=\"/admin/users/local/pat.page\""), "{body}");
        assert!(body.contains("pa•••••@example.org") && !body.contains("pat@example.org"), "masked");
        let resp = test::call_service(&svc, get("/admin/users?q=p", &jar)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(text(resp).await.contains("type at least 2 characters"));

        let page = "/admin/users/local/pat.page";
        let body = text(test::call_service(&svc, get(page, &jar)).await).await;
        assert!(body.contains("blocked until 2027-01-15T09:00:00Z"), "{body}");
        assert!(body.contains("Capable"));
        let resp = test::call_service(&svc, form(&format!("{page}/unblock"), &jar, &[("csrf", &token)])).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), format!("{page}?done=unblocked"));
        let body = text(test::call_service(&svc, get(&location(&resp), &jar)).await).await;
        assert!(body.contains("The block was lifted.") && body.contains("not blocked"), "{body}");
        assert!(body.contains("admin:ada") && body.contains("Unblocked from self-service"), "the trail shows it");

        let resp = test::call_service(&svc, form(&format!("{page}/reregister"), &jar, &[("csrf", &token)])).await;
        assert_eq!(location(&resp), format!("{page}?done=reregister"));
        let resp =
            test::call_service(&svc, form(&format!("{page}/send-link"), &jar, &[("csrf", &token), ("via", "email")]))
                .await;
        assert_eq!(location(&resp), format!("{page}?done=sent"));
        assert_eq!(t.outbox().await.pop().unwrap().recipient, "pat@example.org");

        // Bad input: the page again with the reason, 400, nothing changed.
        let before = t.app.store.audit_count().await.unwrap();
        for (path, fields) in [
            ("send-link", vec![("csrf", token.as_str()), ("via", "pigeon")]),
            ("remove", vec![("csrf", token.as_str()), ("kind", "questions")]),
            ("remove", vec![("csrf", token.as_str()), ("kind", "")]),
        ] {
            let resp = test::call_service(&svc, form(&format!("{page}/{path}"), &jar, &fields)).await;
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{path} {fields:?}");
            let body = text(resp).await;
            assert!(body.contains("role=\"alert\""), "{body}");
        }
        assert_eq!(t.app.store.audit_count().await.unwrap(), before);
        let resp = test::call_service(&svc, get("/admin/users/local/nobody", &jar)).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let resp = test::call_service(&svc, get("/admin/users/elsewhere/pat.page", &jar)).await;
        assert!(resp.status().is_client_error());
        let resp = test::call_service(&svc, form(&format!("{page}/explode"), &jar, &[("csrf", &token)])).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "no such action");
        // CSRF missing: 403, nothing changed.
        let resp = test::call_service(&svc, form(&format!("{page}/unblock"), &jar, &[])).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    }

    #[actix_web::test]
    async fn removing_a_method_through_the_page() {
        let t = TestApp::new();
        add_admin(&t, "ada").await;
        add(&t, "remy", "Remy", Some("remy@example.org"), false).await;
        let id = t.local_id("remy").await;
        t.app
            .store
            .put_enrolment(
                "local".into(),
                id,
                Enrolment::AltEmail,
                "remy@home.example".into(),
                START,
                Effects::default(),
            )
            .await
            .unwrap();
        let svc = t.service().await;
        let jar = sign_in_admin(&svc, "ada").await;
        let body = text(test::call_service(&svc, get("/admin/users/local/remy", &jar)).await).await;
        assert!(body.contains("re•••••@home.example") && body.contains("verified by the user"), "{body}");
        let resp = test::call_service(
            &svc,
            form("/admin/users/local/remy/remove", &jar, &[("csrf", &csrf(&jar)), ("kind", "alt_email")]),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let body = text(test::call_service(&svc, get("/admin/users/local/remy", &jar)).await).await;
        assert!(!body.contains("re•••••@home.example"));
    }
}

mod browser {
    //! A helpdesk unblock end to end in headless Chromium: a local
    //! administrator signs in to `passdesk serve --demo`, finds the blocked
    //! demo user alice, and lifts the block.
    use crate::axe::{Finding, audit, axe_or_skip};
    use crate::browser::{Browser, free_port, launch, passdesk, tools_or_skip};
    use passdesk::directory::Directory;
    use passdesk::directory::local::LocalDirectory;
    use passdesk::store::{Effects, Store};
    use serde_json::json;
    use std::sync::Arc;

    /// Far in the future, so the block holds whatever the server's clock says.
    const UNTIL: i64 = 4_000_000_000;

    /// axe-core's serious and critical findings on the page shown, when
    /// axe-core is installed.
    async fn check(b: &Browser, axe: Option<&str>, page: &str, findings: &mut Vec<Finding>) {
        if let Some(axe) = axe {
            findings.extend(audit(b, axe, page).await);
        }
    }

    #[tokio::test]
    async fn a_helpdesk_admin_unblocks_a_user_in_chromium() {
        let Some((driver, chromium)) = tools_or_skip() else { return };
        let tmp = tempfile::tempdir().unwrap();
        let added = passdesk().args(["admin", "add", "helpdesk"]).current_dir(tmp.path()).output().unwrap();
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
        let out = String::from_utf8_lossy(&added.stdout).into_owned();
        let password = out.lines().find_map(|l| l.strip_prefix("    ")).expect("the password line").trim().to_owned();
        let port = free_port();
        // Tall enough that the screenshots show the whole page.
        let launched = launch(tmp.path(), &chromium, &driver, port, &[], &["--window-size=1000,1700"]).await;
        let (guard, b) = (launched.guard, launched.browser);
        let axe = axe_or_skip();
        let axe = axe.as_deref();
        let mut findings = Vec::new();

        // alice (a demo user) is blocked, as after five failed proofs.
        let store = Store::open_file(&tmp.path().join("passdesk-data").join("passdesk.sqlite")).unwrap();
        let local = LocalDirectory::new("local", store.pool(), Arc::new(passdesk::clock::FixedClock::new(0)));
        let alice = local.find("alice").await.unwrap().expect("the demo user alice");
        store.block(format!("local:{}", alice.id.0), UNTIL, "test".into(), 0, Effects::default()).await.unwrap();

        let e2e = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("e2e");
        std::fs::create_dir_all(&e2e).unwrap();
        let site = format!("https://127.0.0.1:{port}");
        b.post("/url", json!({"url": format!("{site}/admin/users")})).await;
        b.type_into("form[action='/admin/sign-in'] input[name='user']", "helpdesk").await;
        b.type_into("form[action='/admin/sign-in'] input[name='password']", &password).await;
        b.click("form[action='/admin/sign-in'] button[type='submit']").await;
        b.wait_for_text("Users and helpdesk").await;
        b.type_into("input[name='q']", "alice").await;
        b.click("form[action='/admin/users'] button[type='submit']").await;
        b.wait_for_text("Alice Anders").await;
        check(&b, axe, "admin users search", &mut findings).await;
        b.click("a[href='/admin/users/local/alice']").await;
        let text = b.wait_for_text("blocked until").await;
        assert!(text.contains("al•••••@example.org") && !text.contains("alice@example.org"), "{text}");
        check(&b, axe, "admin user page", &mut findings).await;
        b.screenshot(&e2e.join("admin-user-blocked.png")).await;
        b.click("button#unblock").await;
        let text = b.wait_for_text("The block was lifted.").await;
        assert!(text.contains("not blocked") && text.contains("admin:helpdesk"), "{text}");
        assert!(b.url().await.ends_with("/admin/users/local/alice?done=unblocked"), "{}", b.url().await);
        assert_eq!(store.blocked_until(format!("local:{}", alice.id.0), 0).await.unwrap(), None);
        b.screenshot(&e2e.join("admin-user-unblocked.png")).await;

        b.post("/url", json!({"url": format!("{site}/admin/directories")})).await;
        b.wait_for_text("Not checked yet").await;
        b.click("button#run-check").await;
        b.wait_for_text("Up and running").await;
        check(&b, axe, "admin directories", &mut findings).await;
        b.screenshot(&e2e.join("admin-directories.png")).await;
        b.post("/url", json!({"url": format!("{site}/admin/outbox")})).await;
        b.wait_for_text("Every message passdesk sends").await;
        check(&b, axe, "admin outbox", &mut findings).await;
        b.screenshot(&e2e.join("admin-outbox.png")).await;
        drop(guard);
        assert!(findings.is_empty(), "accessibility findings: {findings:#?}");
    }
}
