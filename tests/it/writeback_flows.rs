//! The reset, change and unlock flows through passdesk's API against the
//! real directories of the test bed, configured through passdesk.toml.

use crate::directory_contract::{Bed, add_ad, add_openldap, bed, unique};
use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

pub fn directory_toml(name: &str, kind: &str, bed: &Bed, logins: &str) -> String {
    let password_file = std::env::temp_dir().join(format!("passdesk-test-{name}-{}", std::process::id()));
    std::fs::write(&password_file, format!("{}\n", bed.bind_password)).unwrap();
    format!(
        "[directories.{name}]\nkind = \"{kind}\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password_file = \"{}\"\nscope = [\"{}\"]\nlogin_attributes = {logins}\nmail_domain = \"example.test\"\n{}",
        bed.url,
        bed.ca,
        bed.bind_dn,
        password_file.display(),
        bed.scope,
        if kind == "openldap" {
            format!("policy_dn = \"cn=default,ou=policies,{}\"\n", bed.base)
        } else {
            String::new()
        }
    )
}

/// Reset then change then (after locking by bad binds) unlock, all through the API.
/// What a directory's own rules look like to passdesk.
struct Expect {
    /// A password refused on reset, the error code and a phrase of the sentence.
    refused: (&'static str, &'static str, &'static str),
    /// The effective policy shown after the proof: complexity, history, source phrase.
    policy: (bool, u64, &'static str),
}

async fn flows_against(t: &TestApp, user: &str, email: &str, expect: Expect, lock: impl AsyncFn()) {
    let refused = expect.refused;
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    assert_eq!(started["methods"][0]["hint"].as_str().unwrap(), crate::support::mask(email));
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for(email).await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // After the proof, the effective policy for this person is shown.
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    let policy = &view["policy"];
    assert_eq!(policy["complexity"], expect.policy.0, "{view}");
    assert_eq!(policy["history"], expect.policy.1, "{view}");
    assert!(policy["source"].as_str().unwrap().contains(expect.policy.2), "{view}");
    assert_eq!(policy["min_length"], 12);
    // The directory's own policy is enforced (or relayed) with its cause.
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": refused.0})))
            .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], refused.1, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains(refused.2), "{body}");
    let new = "Harbour lantern maple 31!";
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", json(resp).await);

    let changed = "Quiet orchard bicycle 42!";
    let resp = test::call_service(
        &svc,
        post("/api/v1/change", json!({"user": user, "old_password": "Not-the-Passw0rd!", "new_password": changed})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = test::call_service(
        &svc,
        post("/api/v1/change", json!({"user": user, "old_password": new, "new_password": changed})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", json(resp).await);
    // Back to a password in the directory's history: refused with that cause.
    let resp = test::call_service(
        &svc,
        post("/api/v1/change", json!({"user": user, "old_password": changed, "new_password": new})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "directory_policy");
    assert!(body["error"]["message"].as_str().unwrap().contains("used this password before"), "{body}");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.2 == Some(33008)), "policy refusal event: {audit:?}");
    assert!(audit.iter().any(|a| a.2 == Some(33007)), "wrong password event: {audit:?}");

    lock().await;
    let resp = test::call_service(
        &svc,
        post(
            "/api/v1/change",
            json!({"user": user, "old_password": changed, "new_password": "Another fine password 7"}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(resp).await["error"]["code"], "account_locked");
    assert!(t.audit_activities().await.iter().any(|a| a.2 == Some(33006)), "locked-out event");
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    t.clock.advance(61);
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for(email).await;
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    let resp =
        test::call_service(&svc, TestRequest::post().uri(&format!("/api/v1/reset/{flow}/unlock")).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", json(resp).await);
    let resp = test::call_service(
        &svc,
        post(
            "/api/v1/change",
            json!({"user": user, "old_password": changed, "new_password": "Another fine password 7"}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "unlocked: {}", json(resp).await);
}

/// Three wrong binds through the directory, as a person mistyping would.
async fn lock_by_binds(t: &TestApp, user: &str) {
    let svc = t.service().await;
    for _ in 0..3 {
        let resp = test::call_service(
            &svc,
            post(
                "/api/v1/change",
                json!({"user": user, "old_password": "Wrong-Passw0rd-x", "new_password": "Whatever fine 123"}),
            ),
        )
        .await;
        assert!(resp.status().is_client_error());
    }
}

#[actix_web::test]
async fn reset_change_unlock_on_openldap() {
    let Some(bed) = bed("LDAP", "writeback flows on OpenLDAP") else { return };
    let user = unique("wf");
    add_openldap(&bed, "ou=people", &user, "Start-Passw0rd-1", None).await;
    let t = TestApp::with_config(&directory_toml("corp", "openldap", &bed, "[\"uid\", \"mail\"]"));
    let email = format!("{user}@example.test");
    let expect = Expect {
        refused: ("Start-Passw0rd-1", "directory_policy", "used this password before"),
        policy: (false, 5, "ppolicy cn=default,ou=policies"),
    };
    flows_against(&t, &user, &email, expect, async || lock_by_binds(&t, &user).await).await;
}

#[actix_web::test]
async fn reset_change_unlock_on_samba_ad() {
    let Some(bed) = bed("AD", "writeback flows on Samba AD") else { return };
    let user = unique("wa");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\", \"mail\"]"));
    let email = format!("{user}@example.test");
    let expect = Expect {
        refused: ("plain lowercase words only", "password_rejected", "mix at least three"),
        policy: (true, 24, "domain policy of DC=example,DC=test"),
    };
    flows_against(&t, &user, &email, expect, async || lock_by_binds(&t, &user).await).await;
}

#[actix_web::test]
async fn a_too_young_password_is_refused_before_the_proofs_and_again_after_them() {
    let Some(bed) = bed("LDAP", "minimum password age on OpenLDAP") else { return };
    let user = unique("ya");
    let policy = unique("young");
    let mut admin = crate::directory_contract::admin(&bed).await;
    let policy_dn = format!("cn={policy},ou=policies,{}", bed.base);
    use std::collections::HashSet;
    let attrs = vec![
        ("objectClass", HashSet::from(["namedPolicy", "pwdPolicy"])),
        ("cn", HashSet::from([policy.as_str()])),
        ("pwdAttribute", HashSet::from(["userPassword"])),
        ("pwdMinAge", HashSet::from(["86400"])),
        ("pwdMinLength", HashSet::from(["14"])),
    ];
    admin.add(&policy_dn, attrs).await.unwrap().success().unwrap();
    add_openldap(&bed, "ou=people", &user, "Start-Passw0rd-1", None).await;
    let dn = format!("uid={user},ou=people,{}", bed.base);
    let mods = vec![ldap3::Mod::Add("pwdPolicySubentry", HashSet::from([policy_dn.as_str()]))];
    admin.modify(&dn, mods).await.unwrap().success().unwrap();
    // A password change now starts the one-day minimum age.
    let mods = vec![ldap3::Mod::Replace("userPassword", HashSet::from(["Fresh-Passw0rd-22"]))];
    admin.modify(&dn, mods).await.unwrap().success().unwrap();

    let t = TestApp::with_config(&directory_toml("corp", "openldap", &bed, "[\"uid\"]"));
    // Agree with the server's clock: the password was set a minute ago.
    let direct = passdesk::directory::openldap::OpenLdap::new(
        "direct",
        passdesk::directory::ldap::LdapPool::new(crate::directory_contract::ldap_config(
            &bed,
            vec![bed.url.clone()],
            &["uid"],
        ))
        .unwrap(),
    );
    use passdesk::directory::Directory;
    let set_at = direct.find(&user).await.unwrap().unwrap().password_set_at.expect("pwdChangedTime");
    t.clock.set(set_at + 60);
    let svc = t.service().await;
    let email = format!("{user}@example.test");
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    // Before any proof nothing differs from an unknown user: no policy shown.
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    assert!(view["policy"].is_null(), "{view}");
    // The send answers as usual, but the message says why no code came:
    // the owner learns it before proving anything, a stranger sees nothing.
    let sent = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let sent = json(sent).await;
    assert!(sent["resend_after"].as_i64().unwrap() > 0 && sent["valid_for"].as_i64().unwrap() > 0, "{sent}");
    let message = t.outbox().await.into_iter().rev().find(|m| m.recipient == email).expect("a message");
    assert!(message.body.contains("changed too") && message.body.contains("No verification code"), "{}", message.body);
    assert!(!message.body.contains("code is:"), "{}", message.body);
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3.starts_with("no code sent by email: the password was changed too recently")));
    let wrong = json!({"method": "email", "code": "12345678"});
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), wrong)).await;
    assert_eq!(json(resp).await["error"]["code"], "code_wrong");

    // A password that turns too young during a flow (changed by another
    // route) is refused after the proofs, before any write: a flow that
    // sent its code a day later, then a clock set back to the change.
    t.clock.set(set_at + 86_400 + 10);
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for(&email).await;
    t.clock.set(set_at + 60);
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})))
        .await;
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    let policy = &view["policy"];
    assert_eq!(policy["min_length"], 14, "the directory's longer minimum wins: {view}");
    assert!(policy["too_young_until"].as_i64().is_some(), "{view}");
    assert!(
        policy["source"].as_str().unwrap().contains(&policy_dn.to_lowercase())
            || policy["source"].as_str().unwrap().contains(&policy_dn),
        "{view}"
    );
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Silver birch canoe 77"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "directory_policy");
    assert!(body["error"]["message"].as_str().unwrap().contains("changed too recently"), "{body}");
    assert!(t.app.store.open_writebacks().await.unwrap().is_empty());
    let audit = t.audit_activities().await;
    assert!(!audit.iter().any(|a| a.2 == Some(31001)), "no writeback was attempted");
}

#[actix_web::test]
async fn the_contact_attribute_mapping_chooses_where_codes_go() {
    let Some(bed) = bed("AD", "contact attribute mapping on Samba AD") else { return };
    let toml = directory_toml("corp", "ad", &bed, "[\"sAMAccountName\"]") + "mail_attribute = \"otherMailbox\"\n";
    let t = TestApp::with_config(&toml);
    let svc = t.service().await;
    // The test bed's alice has mail alice@example.test and otherMailbox alice.private@example.org.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "alice"}))).await).await;
    assert_eq!(started["methods"][0]["hint"], "al•••••@example.org", "{started}");
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(t.outbox().await[0].recipient, "alice.private@example.org");
}

/// E-mail, security questions and the authenticator against a real Samba
/// AD account: two proofs, then the new password is written and works.
#[actix_web::test]
async fn email_questions_and_authenticator_on_samba_ad() {
    use passdesk::domain::totp::{STEP_SECS, TotpSecret};
    use passdesk::flow::Client;
    let Some(bed) = bed("AD", "proof methods on Samba AD") else { return };
    let user = unique("wm");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\"]"));
    let c = Client::default();
    let flows = &t.app.flows;
    flows.set_policy("methods", "email,questions,authenticator", "test", &c).await.unwrap();
    flows.set_policy("methods_required", "2", "test", &c).await.unwrap();
    let answers: Vec<(String, String)> = [("p02", "Utrecht"), ("p05", "Fiat Panda"), ("p09", "Leiden")]
        .iter()
        .map(|(q, a)| ((*q).into(), (*a).into()))
        .collect();
    flows.enrol_questions(&user, &answers, &c).await.unwrap();
    let secret_text = TotpSecret::generate().base32();
    let secret = TotpSecret::from_base32(&secret_text).unwrap();
    let now = passdesk::clock::Clock::now(t.clock.as_ref());
    flows.enrol_authenticator(&user, &secret_text, &secret.code_at(now / STEP_SECS - 1), &c).await.unwrap();
    let svc = t.service().await;

    // E-mail, then questions.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    assert_eq!(started["required"], 2);
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for(&format!("{user}@example.test")).await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(json(resp).await["complete"], false);
    let shown = json(
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
    )
    .await;
    let given = answer_shown(&shown, &answers, str::to_uppercase);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": given})),
    )
    .await;
    assert_eq!(json(resp).await["complete"], true);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Quiet harbour lantern 41"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", json(resp).await);

    // Authenticator, then questions, in a second reset.
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let resp = test::call_service(
        &svc,
        post(
            &format!("/api/v1/reset/{flow}/verify"),
            json!({"method": "authenticator", "code": secret.code_at(now / STEP_SECS)}),
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let shown = json(
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
    )
    .await;
    let given = answer_shown(&shown, &answers, str::to_owned);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": given})),
    )
    .await;
    assert_eq!(json(resp).await["complete"], true);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Amber tide compass 58"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", json(resp).await);
    // The directory took it: the person can change from the new password.
    let resp = test::call_service(
        &svc,
        post(
            "/api/v1/change",
            json!({"user": user, "old_password": "Amber tide compass 58", "new_password": "Velvet orchard signal 63"}),
        ),
    )
    .await;
    assert_ne!(resp.status(), StatusCode::UNAUTHORIZED, "the new password binds: {:?}", json(resp).await);
}

/// The answers to the questions a `send` showed, each passed through `form`.
fn answer_shown(
    shown: &serde_json::Value,
    answers: &[(String, String)],
    form: fn(&str) -> String,
) -> serde_json::Map<String, serde_json::Value> {
    shown["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let id = q["id"].as_str().unwrap();
            (id.to_owned(), json!(form(&answers.iter().find(|(a, _)| a == id).unwrap().1)))
        })
        .collect()
}
