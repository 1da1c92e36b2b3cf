//! `passdesk rotate-key`: every registered method (e-mail, security
//! questions, authenticator, passkey) still proves a reset after one and
//! after two rotations, a code sent before a rotation still verifies, the
//! audit chain holds, backups from before and after a rotation restore
//! working, and an interrupted rotation loses nothing; it refuses while serve runs, and a
//! damaged or missing key file is named while nothing changes.

use crate::cli::{passdesk, run};
use crate::passkeys::SoftKey;
use crate::support::{START, TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::clock::Clock;
use passdesk::domain::Enrolment;
use passdesk::domain::ServerKey;
use passdesk::domain::totp::{STEP_SECS, TotpSecret};
use passdesk::flow::Client;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const PASSWORD: &str = "Old-Passw0rd-1234";

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

fn config_of(data: &Path) -> passdesk::config::Config {
    passdesk::config::load_str(&format!("[store]\ndata_dir = {:?}\n", data.display().to_string()), "test", &[]).unwrap()
}

/// Registers e-mail (directory), alternate e-mail, questions, an
/// authenticator and a passkey for `login`.
async fn registered(t: &TestApp, login: &str) -> SoftKey {
    t.user(login, Some(&format!("{login}@example.org")), PASSWORD).await;
    let c = Client::default();
    let flows = &t.app.flows;
    flows.set_policy("methods", "email,questions,authenticator,passkey", "test", &c).await.unwrap();
    let answers: Vec<(String, String)> =
        [("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak Primary")].map(|(q, a)| (q.into(), a.into())).into();
    flows.enrol_questions(login, &answers, &c).await.unwrap();
    let secret = TotpSecret::from_base32(SECRET).unwrap();
    t.clock.set(START - 300);
    flows.enrol_authenticator(login, SECRET, &secret.code_at((START - 300) / STEP_SECS), &c).await.unwrap();
    t.clock.set(START);
    let key = SoftKey::new(&flows.settings().public_base);
    let svc = t.service().await;
    let session = json(
        test::call_service(&svc, post("/api/v1/register/session", json!({"user": login, "password": PASSWORD}))).await,
    )
    .await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    let options = json(test::call_service(&svc, post(&format!("/api/v1/register/{session}/passkey"), json!({}))).await)
        .await["publicKey"]
        .clone();
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/register/{session}/passkey/verify"), key.create(&options, None)),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    key
}

/// Starts a reset of `login` and proves it with `method` (the passkey
/// signs with `counter`); returns the status and body of the verify step.
async fn prove(t: &TestApp, login: &str, method: &str, passkey: &SoftKey, counter: u32) -> (StatusCode, Value) {
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": login}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let sent = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": method}))).await;
    let sent = json(sent).await;
    let body = match method {
        "email" => json!({"method": "email", "code": t.code_for(&format!("{login}@example.org")).await}),
        "questions" => {
            json!({"method": "questions", "answers": {"p01": "rex", "p04": "main street", "p08": "oak primary"}})
        }
        "authenticator" => {
            let code = TotpSecret::from_base32(SECRET).unwrap().code_at(t.clock.now() / STEP_SECS);
            json!({"method": "authenticator", "code": code})
        }
        _ => json!({"method": "passkey", "credential": passkey.get(&sent["passkey"], counter)}),
    };
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/verify"), body)).await;
    let status = resp.status();
    (status, json(resp).await)
}

/// Each method proves a reset on its own, and an e-mail proof ends in a
/// new password.
async fn every_method_works(t: &TestApp, passkey: &SoftKey, counter: u32) {
    for method in ["email", "questions", "authenticator", "passkey"] {
        let (status, body) = prove(t, "rosa", method, passkey, counter).await;
        assert_eq!((status, body["complete"].as_bool()), (StatusCode::OK, Some(true)), "{method}: {body}");
    }
}

fn key_file(data: &Path) -> (String, u32) {
    let path = data.join("server.key");
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    #[cfg(not(unix))]
    let mode = 0o600;
    (std::fs::read_to_string(path).unwrap(), mode)
}

#[actix_web::test]
async fn registered_methods_and_codes_in_flight_survive_rotations_backups_and_a_crash() {
    let host = tempfile::tempdir().unwrap();
    let data = host.path().join("data");
    let t = TestApp::over(&data);
    let passkey = registered(&t, "rosa").await;
    let handle_before = passdesk::domain::passkey::UserHandle::of_existing(&stored_passkeys(&t).await);
    // A code sent before the rotation, in a flow that lives on.
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "rosa"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    let code = t.code_for("rosa@example.org").await;
    drop(svc);
    let old_archive = host.path().join("before.tar.gz");
    passdesk::backup::create(&config_of(&data), None, &old_archive, START + 30).await.unwrap();
    drop(t);

    let (before, _) = key_file(&data);
    let rotated = passdesk::rotate::rotate(&config_of(&data), START + 60).await.unwrap();
    assert_eq!((rotated.resealed, rotated.recovered, rotated.dropped_id.as_deref()), (1, 0, None));
    let (after, mode) = key_file(&data);
    assert_ne!(before, after);
    assert_eq!(mode, 0o600);
    assert!(!after.starts_with(before.trim()) && after.contains(&format!("previous {}", before.trim())));

    let t = TestApp::over(&data);
    t.clock.set(START + 90);
    {
        let svc = t.service().await;
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "email", "code": code})),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK, "the code sent before the rotation");
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{flow}/password"), json!({"new_password": "Harbour lantern maple 42"})),
        )
        .await;
        assert!(resp.status().is_success(), "{:?}", resp.status());
    }
    every_method_works(&t, &passkey, 1).await;
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
    let audit = t.audit_activities().await;
    let row = audit.iter().find(|a| a.0 == "Server key rotated (by admin)").expect("audited");
    assert!(row.3.contains(&rotated.new_id) && row.3.contains("1 authenticator secret(s) re-sealed"), "{}", row.3);
    // A new passkey request carries the handle the first passkey holds.
    assert_eq!(UserHandleOf::registration(&t, "rosa").await, handle_before.map(|h| h.as_bytes().to_vec()));

    // A backup after the rotation restores working, with the new key.
    let archive = host.path().join("after.tar.gz");
    passdesk::backup::create(&config_of(&data), None, &archive, START + 100).await.unwrap();
    drop(t);
    let copy = host.path().join("copy");
    let options = passdesk::backup::RestoreOptions::default();
    passdesk::backup::restore(&config_of(&copy), None, &archive, options, START + 110).unwrap();
    assert_eq!(key_file(&copy).0, key_file(&data).0);
    let restored = TestApp::over(&copy);
    restored.clock.set(START + 120);
    every_method_works(&restored, &passkey, 2).await;
    drop(restored);

    // A crash after the key file was replaced but before the secrets were
    // re-sealed: the previous key still opens them, and the next rotation
    // finishes the job before dropping anything.
    let ring = passdesk::keyfile::read(&data.join("server.key")).unwrap();
    let crashed = ServerKey::generate().with_previous(*ring.expose(), START + 130);
    passdesk::keyfile::write(&data.join("server.key"), &crashed).unwrap();
    let t = TestApp::over(&data);
    t.clock.set(START + 150);
    let (status, body) = prove(&t, "rosa", "authenticator", &passkey, 0).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    drop(t);
    let again = passdesk::rotate::rotate(&config_of(&data), START + 180).await.unwrap();
    assert_eq!((again.resealed, again.recovered), (1, 1));
    assert_eq!(again.dropped_id.as_deref(), Some(ring.id().as_str()), "the key before the previous is gone");
    let t = TestApp::over(&data);
    t.clock.set(START + 210);
    every_method_works(&t, &passkey, 3).await;
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
    drop(t);

    // A backup from before the rotations brings back the key it was made
    // with, and its secrets open with it.
    let options = passdesk::backup::RestoreOptions::default();
    passdesk::backup::restore(&config_of(&data), None, &old_archive, options, START + 240).unwrap();
    assert_eq!(key_file(&data).0, before);
    let t = TestApp::over(&data);
    t.clock.set(START + 270);
    for method in ["questions", "authenticator"] {
        let (status, body) = prove(&t, "rosa", method, &passkey, 0).await;
        assert_eq!(status, StatusCode::OK, "{method}: {body}");
    }
}

async fn stored_passkeys(t: &TestApp) -> Vec<passdesk::domain::passkey::Passkey> {
    let id = t.local_id("rosa").await;
    let rows = t.app.store.enrolments("local".into(), id).await.unwrap();
    rows.iter()
        .find(|r| r.kind == Enrolment::Passkey)
        .map(|r| serde_json::from_str(&r.value).unwrap())
        .unwrap_or_default()
}

struct UserHandleOf;

impl UserHandleOf {
    /// The user handle a new passkey registration of `login` would use.
    async fn registration(t: &TestApp, login: &str) -> Option<Vec<u8>> {
        let svc = t.service().await;
        let body = json!({"user": login, "password": "Harbour lantern maple 42"});
        let session = json(test::call_service(&svc, post("/api/v1/register/session", body)).await).await;
        let session = session["session"].as_str()?.to_owned();
        let resp = test::call_service(&svc, post(&format!("/api/v1/register/{session}/passkey"), json!({}))).await;
        let id = json(resp).await["publicKey"]["user"]["id"].as_str()?.to_owned();
        Some(crate::passkeys::unb64(&id))
    }
}

/// A passdesk made by `init`: its configuration and data folder.
fn installation(dir: &Path) -> (PathBuf, PathBuf) {
    let config = dir.join("passdesk.toml");
    let data = dir.join("data");
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    (config, data)
}

fn rotate(config: &Path) -> (i32, String) {
    let (code, out, err) = run(passdesk().args(["rotate-key", "--config"]).arg(config));
    (code, format!("{out}{err}"))
}

/// The data folder's files and their contents' hashes (the lock file, the
/// WAL index and an empty WAL left out: opening the database to read it
/// makes them, and they hold no data).
fn state(data: &Path) -> Vec<(String, Vec<u8>)> {
    use sha2::{Digest, Sha256};
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with("passdesk.lock") && !p.to_string_lossy().ends_with("-shm"))
        .filter(|p| std::fs::metadata(p).unwrap().len() > 0)
        .map(|p| (p.file_name().unwrap().to_string_lossy().into(), Sha256::digest(std::fs::read(&p).unwrap()).to_vec()))
        .collect();
    files.sort();
    files
}

#[test]
fn rotate_key_refuses_while_serve_runs_and_names_a_bad_key_file_changing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = installation(dir.path());
    let mut serve = crate::cli::serve_listening(&config);
    let before = state(&data);
    let (code, said) = rotate(&config);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("passdesk serve (or another passdesk command) is using it. Stop it first"), "{said}");
    assert_eq!(state(&data), before, "nothing changed");
    serve.kill().unwrap();
    serve.wait().unwrap();

    // Twice in a row: the second drops the first key.
    let key = data.join("server.key");
    let first = std::fs::read_to_string(&key).unwrap();
    let (code, said) = rotate(&config);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("replaced by") && said.contains("0 authenticator secret(s) re-sealed"), "{said}");
    let second = std::fs::read_to_string(&key).unwrap();
    let (code, said) = rotate(&config);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("is dropped"), "{said}");
    let third = std::fs::read_to_string(&key).unwrap();
    assert_eq!(third.lines().count(), 2);
    assert!(third.contains(&format!("previous {}", second.lines().next().unwrap())), "{third}");
    assert!(!third.contains(first.trim()), "the first key is gone");
    let (code, out, err) = run(passdesk().args(["audit", "verify", "--config"]).arg(&config));
    assert_eq!(code, 0, "{out}{err}");

    // A damaged key file, one others can read, and none at all.
    let good = std::fs::read(&key).unwrap();
    std::fs::write(&key, "abc\n").unwrap();
    let before = state(&data);
    let (code, said) = rotate(&config);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("is not a passdesk server key (64 hex characters expected"), "{said}");
    assert!(said.contains("nothing was changed"), "{said}");
    assert_eq!(state(&data), before);
    std::fs::write(&key, &good).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let before = state(&data);
        let (code, said) = rotate(&config);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains("is readable by other users") && said.contains("chmod 600"), "{said}");
        assert_eq!(state(&data), before);
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::rename(&key, dir.path().join("aside.key")).unwrap();
    let before = state(&data);
    let (code, said) = rotate(&config);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("there is no server key at") && said.contains("nothing to rotate"), "{said}");
    assert_eq!(state(&data), before);
}

#[actix_web::test]
async fn a_key_file_of_another_installation_is_refused_and_nothing_changes() {
    let host = tempfile::tempdir().unwrap();
    let data = host.path().join("data");
    let t = TestApp::over(&data);
    registered(&t, "rosa").await;
    drop(t);
    passdesk::keyfile::write(&data.join("server.key"), &ServerKey::generate()).unwrap();
    let before = state(&data);
    let e = format!("{:#}", passdesk::rotate::rotate(&config_of(&data), START + 60).await.unwrap_err());
    assert!(e.contains("cannot be opened with the keys in") && e.contains("nothing was changed"), "{e}");
    assert_eq!(state(&data), before);
}
