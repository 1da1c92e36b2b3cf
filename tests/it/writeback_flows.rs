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

fn directory_toml(name: &str, kind: &str, bed: &Bed, logins: &str) -> String {
    let password_file = std::env::temp_dir().join(format!("passdesk-test-{name}-{}", std::process::id()));
    std::fs::write(&password_file, format!("{}\n", bed.bind_password)).unwrap();
    format!(
        "[directories.{name}]\nkind = \"{kind}\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password_file = \"{}\"\nscope = [\"{}\"]\nlogin_attributes = {logins}\nmail_domain = \"example.test\"\n",
        bed.url,
        bed.ca,
        bed.bind_dn,
        password_file.display(),
        bed.scope
    )
}

/// Reset then change then (after locking by bad binds) unlock, all through the API.
/// `refused` is a password passdesk accepts but the directory refuses on a
/// reset, with a phrase of the sentence the person gets.
async fn flows_against(t: &TestApp, user: &str, email: &str, refused: (&str, &str), lock: impl AsyncFn()) {
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
    // The directory's own policy is relayed with its cause.
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": refused.0})))
            .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "directory_policy");
    assert!(body["error"]["message"].as_str().unwrap().contains(refused.1), "{body}");
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
    flows_against(&t, &user, &email, ("Start-Passw0rd-1", "used this password before"), async || {
        lock_by_binds(&t, &user).await
    })
    .await;
}

#[actix_web::test]
async fn reset_change_unlock_on_samba_ad() {
    let Some(bed) = bed("AD", "writeback flows on Samba AD") else { return };
    let user = unique("wa");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    let t = TestApp::with_config(&directory_toml("corp", "ad", &bed, "[\"sAMAccountName\", \"mail\"]"));
    let email = format!("{user}@example.test");
    flows_against(&t, &user, &email, ("plain lowercase words only", "more complex"), async || {
        lock_by_binds(&t, &user).await
    })
    .await;
}
