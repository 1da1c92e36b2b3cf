//! Linked accounts (DESIGN.md §15): one person with an account in Samba AD
//! and in OpenLDAP, matched by mail; one reset writes both, and a failure of
//! the second write is explained, audited, and finished by a retry.

use crate::directory_contract::{add_ad, add_openldap, bed, unique};
use crate::outage::Relay;
use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::directory::Directory;
use serde_json::json;

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

fn secret(s: &str) -> secrecy::SecretString {
    secrecy::SecretString::from(s.to_owned())
}

fn setup(ad: &crate::directory_contract::Bed, ol: &crate::directory_contract::Bed, ol_port: u16) -> TestApp {
    let pw = |bed: &crate::directory_contract::Bed, tag: &str| {
        let file = std::env::temp_dir().join(format!("passdesk-linked-{tag}-{}", std::process::id()));
        std::fs::write(&file, &bed.bind_password).unwrap();
        file.display().to_string()
    };
    // ou=others is readable by the service account but not writable: a
    // linked account there makes the second write fail after the first.
    TestApp::with_config(&format!(
        "[directories.corp]\nkind = \"ad\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\nbind_password_file = \"{}\"\n\
         scope = [\"{}\"]\nlink_attribute = \"mail\"\nmail_domain = \"example.test\"\n\
         [directories.unix]\nkind = \"openldap\"\nurls = [\"ldaps://127.0.0.1:{ol_port}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password_file = \"{}\"\nscope = [\"{}\", \"ou=others,{}\"]\nlink_attribute = \"mail\"\nconnect_timeout_secs = 2\n",
        ad.url,
        ad.ca,
        ad.bind_dn,
        pw(ad, "ad"),
        ad.scope,
        ol.ca,
        ol.bind_dn,
        pw(ol, "ol"),
        ol.scope,
        ol.base
    ))
}

async fn proven_flow(
    t: &TestApp,
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    name: &str,
) -> String {
    crate::support::proven_flow(t, svc, name, &format!("{name}@example.test")).await
}

fn directs(
    ad: &crate::directory_contract::Bed,
    ol: &crate::directory_contract::Bed,
) -> (passdesk::directory::ad::ActiveDirectory, passdesk::directory::openldap::OpenLdap) {
    use crate::directory_contract::ldap_config;
    use passdesk::directory::ldap::LdapPool;
    let mut ol_config = ldap_config(ol, vec![ol.url.clone()], &["uid"]);
    ol_config.scope.push(format!("ou=others,{}", ol.base));
    (
        passdesk::directory::ad::ActiveDirectory::new(
            "ad",
            LdapPool::new(ldap_config(ad, vec![ad.url.clone()], &["sAMAccountName"])).unwrap(),
        ),
        passdesk::directory::openldap::OpenLdap::new("ol", LdapPool::new(ol_config).unwrap()),
    )
}

#[actix_web::test]
async fn one_reset_writes_every_linked_account() {
    let (Some(ad), Some(ol)) = (bed("AD", "linked accounts"), bed("LDAP", "linked accounts")) else { return };
    let name = unique("lk");
    add_ad(&ad, "OU=Staff", &name, "Start!Passw0rd1", "512", false).await;
    add_openldap(&ol, "ou=people", &name, "Start-Passw0rd-1", None).await;
    let relay = Relay::start(ol.url.trim_start_matches("ldaps://").to_owned()).await;
    let t = setup(&ad, &ol, relay.port);
    let svc = t.service().await;
    let flow = proven_flow(&t, &svc, &name).await;

    // A linked directory that cannot be reached stops the reset before any write.
    relay.down();
    let new = "Linked lantern harbour 5!";
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(resp).await["error"]["code"], "directory_unavailable");
    let (direct_ad, direct_ol) = directs(&ad, &ol);
    let ad_id = direct_ad.find(&name).await.unwrap().unwrap().id;
    let ol_id = direct_ol.find(&name).await.unwrap().unwrap().id;
    direct_ad.authenticate(&ad_id, &secret("Start!Passw0rd1")).await.unwrap();

    relay.up();
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", json(resp).await);
    direct_ad.authenticate(&ad_id, &secret(new)).await.unwrap();
    direct_ol.authenticate(&ol_id, &secret(new)).await.unwrap();
    let audit = t.audit_activities().await;
    let success =
        |dir: &str| audit.iter().filter(|a| a.2 == Some(31002) && a.3.contains(&format!("directory {dir}"))).count();
    assert_eq!((success("corp"), success("unix")), (1, 1), "{audit:?}");
}

#[actix_web::test]
async fn a_second_write_that_fails_is_explained_and_retried_without_rewriting_the_first() {
    let (Some(ad), Some(ol)) = (bed("AD", "linked accounts"), bed("LDAP", "linked accounts")) else { return };
    let name = unique("lp");
    add_ad(&ad, "OU=Staff", &name, "Start!Passw0rd1", "512", false).await;
    add_openldap(&ol, "ou=others", &name, "Start-Passw0rd-1", None).await;
    let relay = Relay::start(ol.url.trim_start_matches("ldaps://").to_owned()).await;
    let t = setup(&ad, &ol, relay.port);
    let svc = t.service().await;
    let flow = proven_flow(&t, &svc, &name).await;
    let new = "Linked lantern harbour 6!";
    for _ in 0..2 {
        let resp =
            test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new})))
                .await;
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = json(resp).await;
        assert_eq!(body["error"]["code"], "partial_writeback", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("active in corp") && message.contains("could not be written to unix"), "{message}");
    }
    let (direct_ad, direct_ol) = directs(&ad, &ol);
    let ad_id = direct_ad.find(&name).await.unwrap().unwrap().id;
    let ol_id = direct_ol.find(&name).await.unwrap().unwrap().id;
    direct_ad.authenticate(&ad_id, &secret(new)).await.unwrap();
    direct_ol.authenticate(&ol_id, &secret("Start-Passw0rd-1")).await.unwrap();
    let audit = t.audit_activities().await;
    assert_eq!(
        audit.iter().filter(|a| a.2 == Some(31002) && a.3.contains("directory corp")).count(),
        1,
        "corp is written once"
    );
    assert_eq!(audit.iter().filter(|a| a.2 == Some(31003) && a.3.contains("directory unix")).count(), 2, "{audit:?}");
    assert!(audit.iter().any(|a| a.3.contains("linked writeback incomplete")), "{audit:?}");
}
