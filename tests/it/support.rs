//! A passdesk built in-process for tests: temporary data folder, fixed
//! clock, local directory, and helpers to read codes from the outbox.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use passdesk::app::{App, web_app};
use passdesk::clock::FixedClock;
use passdesk::directory::local::{LocalDirectory, NewLocalUser};
use passdesk::directory::{AccountId, Directory};
use passdesk::store::OutboxRow;
use secrecy::SecretString;
use std::sync::Arc;

/// 2027-01-15T08:00:00Z, a Monday morning.
pub const START: i64 = 1_800_000_000;

pub struct TestApp {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub local: LocalDirectory,
    pub _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_config("")
    }

    /// With extra TOML appended after the data folder setting. The
    /// identify captcha is off, so tests can start flows with a plain
    /// body; [`TestApp::with_captcha`] keeps it on.
    pub fn with_config(extra: &str) -> Self {
        Self::build(
            extra,
            &[
                ("PASSDESK_RESET__CAPTCHA_DIFFICULTY".to_owned(), "0".to_owned()),
                ("PASSDESK_RESET__RESPONSE_FLOOR_MS".to_owned(), "0".to_owned()),
            ],
        )
    }

    /// With the configured (or default) captcha in force (no padding).
    pub fn with_captcha(extra: &str) -> Self {
        Self::build(extra, &[("PASSDESK_RESET__RESPONSE_FLOOR_MS".to_owned(), "0".to_owned())])
    }

    /// With these environment overrides and no extra TOML.
    pub fn with_config_env(env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Self::build("", &env)
    }

    /// Over an existing data folder (e.g. one a restore filled), with the
    /// same test settings as [`TestApp::new`].
    pub fn over(data: &std::path::Path) -> Self {
        let env = [
            ("PASSDESK_RESET__CAPTCHA_DIFFICULTY".to_owned(), "0".to_owned()),
            ("PASSDESK_RESET__RESPONSE_FLOOR_MS".to_owned(), "0".to_owned()),
        ];
        Self::build_at(tempfile::tempdir().unwrap(), data.to_owned(), "", &env)
    }

    fn build(extra: &str, env: &[(String, String)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        Self::build_at(dir, data, extra, env)
    }

    fn build_at(dir: tempfile::TempDir, data: std::path::PathBuf, extra: &str, env: &[(String, String)]) -> Self {
        crate::trace_log::install();
        let text = format!("[store]\ndata_dir = {:?}\n{extra}", data.display().to_string());
        let config = passdesk::config::load_str(&text, "test", env).unwrap();
        let clock = Arc::new(FixedClock::new(START));
        let app = App::build(config, clock.clone()).unwrap();
        let local = LocalDirectory::new("local", app.store.pool(), clock.clone());
        Self { app, clock, local, _dir: dir }
    }

    /// Adds a local user and returns its id.
    /// The local directory's account id of a user.
    pub async fn local_id(&self, login: &str) -> String {
        self.local.find(login).await.unwrap().unwrap().id.0
    }

    pub async fn user(&self, login: &str, email: Option<&str>, password: &str) -> AccountId {
        let user = NewLocalUser {
            login: login.into(),
            display_name: format!("{login} test"),
            email: email.map(Into::into),
            is_admin: false,
        };
        crate::trace_log::note_password(password);
        assert!(self.local.add_user(user, SecretString::from(password.to_owned()), START).await.unwrap());
        self.local.find(login).await.unwrap().unwrap().id
    }

    pub async fn can_sign_in(&self, id: &AccountId, password: &str) -> bool {
        self.local.authenticate(id, &SecretString::from(password.to_owned())).await.is_ok()
    }

    pub async fn service(
        &self,
    ) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
        test::init_service(web_app(self.app.state())).await
    }

    pub async fn outbox(&self) -> Vec<OutboxRow> {
        self.app.store.messages_after(0, 1000).await.unwrap()
    }

    /// The code in the newest message to `to`.
    pub async fn code_for(&self, to: &str) -> String {
        let rows = self.outbox().await;
        let row = rows.iter().rev().find(|r| r.recipient == to).expect("a message to that address");
        let at = row.body.find("code is: ").expect("a code in the message") + "code is: ".len();
        row.body[at..at + 8].to_owned()
    }

    pub async fn audit_activities(&self) -> Vec<(String, String, Option<i64>, String)> {
        let mut rows = self.app.store.recent_audit(1000).await.unwrap();
        rows.reverse();
        rows.into_iter().map(|r| (r.record.activity, r.record.result, r.record.event_id, r.record.detail)).collect()
    }
}

impl Drop for TestApp {
    /// Leaves the app's secrets for the no-secret-in-logs check, if asked.
    fn drop(&mut self) {
        if let Ok(conn) = self.app.store.pool().get() {
            crate::trace_log::note_store(&conn);
        }
    }
}

/// Reads a JSON body.
pub async fn json(resp: ServiceResponse<impl MessageBody>) -> serde_json::Value {
    let bytes = test::read_body(resp).await;
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

/// Reads a text body.
pub async fn text(resp: ServiceResponse<impl MessageBody>) -> String {
    String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
}

/// The masked hint passdesk shows for an address.
pub fn mask(email: &str) -> String {
    passdesk::domain::mask::mask_email(email)
}

/// Starts a reset for `user` through the API and passes the e-mail proof
/// with the code sent to `email`; returns the flow token.
pub async fn proven_flow(
    t: &TestApp,
    svc: &impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
    user: &str,
    email: &str,
) -> String {
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(svc, post("/api/v1/reset/start", serde_json::json!({"user": user}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(svc, post(&format!("/api/v1/reset/{flow}/send"), serde_json::json!({"method": "email"}))).await;
    let code = t.code_for(email).await;
    let verify = post(&format!("/api/v1/reset/{flow}/verify"), serde_json::json!({"method": "email", "code": code}));
    let resp = test::call_service(svc, verify).await;
    assert_eq!(resp.status(), actix_web::http::StatusCode::OK);
    flow
}
