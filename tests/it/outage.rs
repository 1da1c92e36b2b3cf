//! Directory outages, failover and connections cut while idle, against the
//! real slapd through a small TCP relay the test can switch off, so the
//! shared server itself is never stopped.

use crate::directory_contract::{Bed, add_ad, add_openldap, bed, ldap_config, unique};
use crate::support::{TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::directory::ad::ActiveDirectory;
use passdesk::directory::ldap::LdapPool;
use passdesk::directory::openldap::OpenLdap;
use passdesk::directory::{Directory, Error};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A TCP relay to one server that can go down, come back, or cut the
/// connections it carries (as a firewall does to idle ones).
pub struct Relay {
    pub port: u16,
    up: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Relay {
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let live: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, live2) = (up.clone(), live.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                live2.lock().unwrap().push(task);
            }
        });
        Self { port, up, live, accept }
    }

    /// Cuts every carried connection.
    pub fn cut(&self) {
        for task in self.live.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    pub fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut();
    }

    pub fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn ldaps_target(url: &str) -> String {
    url.trim_start_matches("ldaps://").to_owned()
}

#[tokio::test]
async fn fails_over_to_the_next_server_and_says_unavailable_when_none_answers() {
    let Some(bed) = bed("LDAP", "outage tests on OpenLDAP") else { return };
    let dead = format!("ldaps://127.0.0.1:{}", closed_port());
    let pool = LdapPool::new(ldap_config(&bed, vec![dead.clone(), bed.url.clone()], &["uid", "mail"])).unwrap();
    let dir = OpenLdap::new("ol", pool);
    assert!(dir.find("alice").await.unwrap().is_some(), "the second URL answers");

    let pool = LdapPool::new(ldap_config(&bed, vec![dead], &["uid", "mail"])).unwrap();
    let dir = OpenLdap::new("ol", pool);
    assert!(matches!(dir.find("alice").await, Err(Error::Unavailable(_))));
}

#[tokio::test]
async fn a_connection_cut_while_idle_is_replaced() {
    let Some(bed) = bed("LDAP", "outage tests on OpenLDAP") else { return };
    let relay = Relay::start(ldaps_target(&bed.url)).await;
    let url = format!("ldaps://127.0.0.1:{}", relay.port);
    let dir = OpenLdap::new("ol", LdapPool::new(ldap_config(&bed, vec![url], &["uid", "mail"])).unwrap());
    assert!(dir.find("alice").await.unwrap().is_some());
    relay.cut(); // the pooled connection is now dead
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(dir.find("alice").await.unwrap().is_some(), "retried on a fresh connection");
}

fn post(uri: &str, body: serde_json::Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

#[actix_web::test]
async fn an_outage_mid_flow_changes_nothing_and_keeps_the_proof() {
    let Some(bed) = bed("LDAP", "outage tests on OpenLDAP") else { return };
    let user = unique("out");
    add_openldap(&bed, "ou=people", &user, "Start-Passw0rd-1", None).await;
    let direct = OpenLdap::new("direct", LdapPool::new(ldap_config(&bed, vec![bed.url.clone()], &["uid"])).unwrap());
    outage_mid_flow(&bed, "openldap", &user, "Start-Passw0rd-1", &direct).await;
}

#[actix_web::test]
async fn an_outage_mid_flow_on_samba_ad_changes_nothing_and_keeps_the_proof() {
    let Some(bed) = bed("AD", "outage tests on Samba AD") else { return };
    let user = unique("aout");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    let pool = LdapPool::new(ldap_config(&bed, vec![bed.url.clone()], &["sAMAccountName"])).unwrap();
    outage_mid_flow(&bed, "ad", &user, "Start!Passw0rd1", &ActiveDirectory::new("direct", pool)).await;
}

#[tokio::test]
async fn fails_over_on_samba_ad_too() {
    let Some(bed) = bed("AD", "outage tests on Samba AD") else { return };
    let dead = format!("ldaps://127.0.0.1:{}", closed_port());
    let logins = ["sAMAccountName", "userPrincipalName"];
    let pool = LdapPool::new(ldap_config(&bed, vec![dead.clone(), bed.url.clone()], &logins)).unwrap();
    let user = unique("afo");
    add_ad(&bed, "OU=Staff", &user, "Start!Passw0rd1", "512", false).await;
    assert!(ActiveDirectory::new("ad", pool).find(&user).await.unwrap().is_some(), "the second URL answers");
    let pool = LdapPool::new(ldap_config(&bed, vec![dead], &logins)).unwrap();
    assert!(matches!(ActiveDirectory::new("ad", pool).find(&user).await, Err(Error::Unavailable(_))));
}

/// A proven reset whose directory goes down (through a relay) just before
/// the write: a clear 503, the old password still works on the real
/// server, and the same flow finishes once the server is back.
async fn outage_mid_flow(bed: &Bed, kind: &str, user: &str, old: &str, direct: &dyn Directory) {
    let relay = Relay::start(ldaps_target(&bed.url)).await;
    let password_file = std::env::temp_dir().join(format!("passdesk-outage-{kind}-{}", std::process::id()));
    std::fs::write(&password_file, &bed.bind_password).unwrap();
    let t = TestApp::with_config(&format!(
        "[directories.dir]\nkind = \"{kind}\"\nurls = [\"ldaps://127.0.0.1:{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password_file = \"{}\"\nscope = [\"{}\"]\nconnect_timeout_secs = 2\ntimeout_secs = 5\n",
        relay.port,
        bed.ca,
        bed.bind_dn,
        password_file.display(),
        bed.scope
    ));
    let svc = t.service().await;
    let email = format!("{user}@example.test");
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for(&email).await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    relay.down();
    let new = "Copper kettle sings 19";
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "directory_unavailable");
    assert!(body["error"]["message"].as_str().unwrap().contains("try again in a few minutes"));

    // Nothing changed: the old password still works on the real server.
    let id = direct.find(user).await.unwrap().unwrap().id;
    direct.authenticate(&id, &secrecy::SecretString::from(old.to_owned())).await.unwrap();

    // The proof was not consumed: once the server is back, the same flow finishes.
    relay.up();
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": new}))).await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", json(resp).await);
    direct.authenticate(&id, &secrecy::SecretString::from(new.to_owned())).await.unwrap();
    let _ = std::fs::remove_file(password_file);
}
