//! `passdesk support-bundle`: after real flows (a reset by e-mail code, a
//! registration with security answers, an admin API token, a dead letter),
//! the bundle made by the real binary from a configuration full of
//! distinctive secrets holds every section with sensible content and none
//! of those secrets, codes, answers, passwords or tokens, in clear or
//! encoded. Bad input is refused with a clear message and writes nothing.
//! The check section runs against the real slapd of the test bed.

use crate::cli::{passdesk, run};
use crate::directory_contract::bed;
use crate::support::{TestApp, json, proven_flow};
use actix_web::test::{self, TestRequest};
use serde_json::json;
use std::path::{Path, PathBuf};

const BIND_PW: &str = "BindPw-Quokka-7731";
const SMTP_ENV_PW: &str = "EnvSmtpPw-Walrus-6060";
const GATEWAY_USER: &str = "GwUser-Marten-1188";
const GATEWAY_PW: &str = "GatewayPw-Heron-2277";
const GATEWAY_QUERY: &str = "GwQueryKey-Lynx-8833";
const HEADER_KEY: &str = "HeaderKey-Ibis-5566";
const BODY_KEY: &str = "BodyKey-Gecko-9911";
const FILE_SECRET: &str = "FileSecret-Tapir-3344";
const OLD_PW: &str = "Old-Passw0rd-1234";
const NEW_PW: &str = "Crimson lantern ferry 2291";
const ANSWERS: [&str; 3] = ["Zanzibar quokka", "Xylophone marsh", "Quetzal harbour"];

/// A configuration over `data` with a secret in every place one can be.
fn secret_config(dir: &Path, data: &Path) -> PathBuf {
    let secret_file = dir.join("twilio-token");
    std::fs::write(&secret_file, format!("{FILE_SECRET}\n")).unwrap();
    let text = format!(
        r#"[store]
data_dir = {data:?}

[directories.local]
kind = "local"

[directories.corp]
kind = "openldap"
urls = ["ldaps://127.0.0.1:9"]
bind_dn = "cn=svc-passdesk,ou=services,dc=example,dc=test"
bind_password = "{BIND_PW}"
scope = ["ou=people,dc=example,dc=test"]

[notify]
transport = "smtp"
from = "Helpdesk <help@example.org>"

[notify.smtp]
host = "127.0.0.1"
port = 9
security = "tls"
username = "svc@example.org"

[notify.sms]
preset = "template"
url = "https://sms.example.org/send?api_key={GATEWAY_QUERY}"
username = "{GATEWAY_USER}"
password = "{GATEWAY_PW}"
method = "POST"
headers = {{ "X-Api-Key" = "{HEADER_KEY}" }}
body = '{{"key": "{BODY_KEY}", "to": "{{to}}", "text": "{{text}}"}}'
body_format = "json"

[notify.voice]
preset = "twilio"
url = "https://api.twilio.example"
username = "AC0123456789abcdef0123456789abcdef"
password_file = {secret_file:?}
from = "+31201234567"
"#,
        data = data.display().to_string(),
        secret_file = secret_file.display().to_string(),
    );
    let path = dir.join("passdesk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn bundle_cmd(config: &Path, out: &Path) -> std::process::Command {
    let mut cmd = passdesk();
    cmd.arg("support-bundle").arg("--config").arg(config).arg(out).env("PASSDESK_NOTIFY__SMTP__PASSWORD", SMTP_ENV_PW);
    cmd
}

/// Plain base64 (standard and URL-safe alphabets), for the encoded forms.
fn base64(bytes: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn assert_absent(bundle: &str, secret: &str) {
    let forms = [
        secret.to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
        base64(secret.as_bytes(), false),
        base64(secret.as_bytes(), true),
        hex::encode(secret.as_bytes()),
    ];
    for form in forms {
        assert!(!bundle.contains(&form), "{secret:?} (as {form:?}) is in the bundle:\n{bundle}");
    }
}

/// Every long word and 8-digit code in a message body: the codes, links
/// and tokens messages carry.
fn secrets_in_body(body: &str) -> Vec<String> {
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| (w.len() == 8 && w.chars().all(|c| c.is_ascii_digit())) || w.len() >= 20)
        .map(str::to_owned)
        .collect()
}

#[actix_web::test]
async fn a_bundle_after_real_flows_has_every_section_and_not_one_secret() {
    let t = TestApp::new();
    t.user("sb-ann", Some("sb-ann@example.org"), OLD_PW).await;
    t.app.flows.set_policy("methods", "email,questions", "test", &passdesk::flow::Client::default()).await.unwrap();
    let svc = t.service().await;
    // A reset by e-mail code.
    let flow = proven_flow(&t, &svc, "sb-ann", "sb-ann@example.org").await;
    let code = t.code_for("sb-ann@example.org").await;
    let set = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(json!({"new_password": NEW_PW}))
        .to_request();
    assert!(test::call_service(&svc, set).await.status().is_success());
    // A registration with security answers.
    let signed = TestRequest::post()
        .uri("/api/v1/register/session")
        .set_json(json!({"user": "sb-ann", "password": NEW_PW}))
        .to_request();
    let session = json(test::call_service(&svc, signed).await).await["session"].as_str().unwrap().to_owned();
    let answers: Vec<_> =
        ["p01", "p04", "p08"].iter().zip(ANSWERS).map(|(q, a)| json!({"question": q, "answer": a})).collect();
    let put = TestRequest::put()
        .uri(&format!("/api/v1/register/{session}/questions"))
        .set_json(json!({ "answers": answers }))
        .to_request();
    assert!(test::call_service(&svc, put).await.status().is_success());
    // A dead letter whose transport error even repeats a secret.
    let conn = t.app.store.pool().get().unwrap();
    let dead_id: i64 = conn.query_row("SELECT MIN(id) FROM outbox", [], |r| r.get(0)).unwrap();
    conn.execute(
        "UPDATE outbox SET state = 'dead', attempts = 8, done_at = created_at + 600, last_error = ?2 WHERE id = ?1",
        rusqlite::params![dead_id, format!("535 5.7.8 authentication failed for {SMTP_ENV_PW}")],
    )
    .unwrap();
    let bodies: Vec<String> = conn
        .prepare("SELECT subject || ' ' || body FROM outbox")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);

    let dir = tempfile::tempdir().unwrap();
    let data = t.app.config.store.data_dir.clone();
    let config = secret_config(dir.path(), &data);
    // An admin API token, issued by the binary.
    let (status, issued, err) = run(passdesk()
        .env("PASSDESK_NOTIFY__SMTP__PASSWORD", SMTP_ENV_PW)
        .args(["admin", "token", "--name", "ops", "--config"])
        .arg(&config));
    assert_eq!(status, 0, "{err}");
    let api_token = issued.split_whitespace().find(|w| w.len() >= 32).expect("the token is printed").to_owned();
    // A log that (as the outbox-only console does) shows a code and a link.
    let log = dir.path().join("passdesk.log");
    let link_token = bodies.iter().flat_map(|b| secrets_in_body(b)).find(|w| w.len() >= 20);
    std::fs::write(
        &log,
        format!(
            "2027-01-15T08:00:00.123456Z INFO to sb-ann@example.org: your code is: {code}\n\
             2027-01-15T08:00:01Z WARN bind as svc failed with {BIND_PW} and token {api_token}\n\
             2027-01-15T08:00:02Z INFO link https://passdesk.example.org/report/{}\n",
            link_token.clone().unwrap_or_default()
        ),
    )
    .unwrap();

    let out = dir.path().join("bundle.txt");
    let (status, said, err) =
        run(bundle_cmd(&config, &out).args(["--no-check", "--lines", "50", "--log-file"]).arg(&log));
    assert_eq!(status, 0, "{said}{err}");
    assert!(said.contains("support bundle written to") && said.contains("mode 0600"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let raw = std::fs::read(&out).unwrap();
    let bundle = String::from_utf8(raw).unwrap();

    let key = std::fs::read(t.app.config.store.key_path()).unwrap();
    let mut secrets: Vec<String> = vec![
        BIND_PW.into(),
        SMTP_ENV_PW.into(),
        GATEWAY_PW.into(),
        GATEWAY_USER.into(),
        GATEWAY_QUERY.into(),
        HEADER_KEY.into(),
        BODY_KEY.into(),
        FILE_SECRET.into(),
        "AC0123456789abcdef0123456789abcdef".into(),
        OLD_PW.into(),
        NEW_PW.into(),
        code.clone(),
        flow.clone(),
        session.clone(),
        api_token.clone(),
        hex::encode(&key),
        base64(&key, false),
    ];
    secrets.extend(ANSWERS.iter().map(|a| (*a).to_owned()));
    secrets.extend(bodies.iter().flat_map(|b| secrets_in_body(b)));
    assert!(link_token.is_some(), "a message carries a link token: {bodies:?}");
    for secret in &secrets {
        assert_absent(&bundle, secret);
    }
    for body in &bodies {
        assert!(!bundle.contains(body.as_str()), "a message body is in the bundle");
    }

    // Every section, with sensible content.
    for heading in ["## 1. Version", "## 2. Configuration", "## 3. passdesk check", "## 4. Log (3 line(s))"] {
        assert!(bundle.contains(heading), "{heading} missing:\n{bundle}");
    }
    for heading in ["## 5. Audit trail", "## 6. Outbox", "## 7. Database", "(end of bundle)"] {
        assert!(bundle.contains(heading), "{heading} missing:\n{bundle}");
    }
    let installation: String = t
        .app
        .store
        .pool()
        .get()
        .unwrap()
        .query_row("SELECT value FROM settings WHERE key = 'installation_id'", [], |r| r.get(0))
        .unwrap_or_default();
    let expected = [
        format!("passdesk version: {}", env!("CARGO_PKG_VERSION")),
        format!("operating system: {} {}", std::env::consts::OS, std::env::consts::ARCH),
        format!("installation id: {installation}"),
        "schema version: ".into(),
        // The configuration: harmless keys shown, secrets redacted.
        "bind_dn = \"cn=svc-passdesk,ou=services,dc=example,dc=test\"".into(),
        "bind_password = \"[redacted]\"".into(),
        "username = \"svc@example.org\"".into(),
        "api_key=[redacted]".into(),
        "set by the environment (values redacted): PASSDESK_NOTIFY__SMTP__PASSWORD".into(),
        "skipped (--no-check)".into(),
        format!("source: the file {}", log.display()),
        "your code is: [digits]".into(),
        "Reset password (self-service)".into(),
        "User registered for self-service password reset".into(),
        "dead letters (newest first): 1".into(),
        format!("#{dead_id} email to sb"),
        "8 attempt(s)".into(),
        "authentication failed for [redacted]".into(),
        "integrity_check: ok".into(),
        "journal_mode: wal".into(),
        "  audit: ".into(),
        "  outbox: ".into(),
    ];
    for text in expected {
        assert!(bundle.contains(&text), "{text:?} missing:\n{bundle}");
    }
    assert!(!installation.is_empty());
}

#[test]
fn bad_input_is_refused_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = secret_config(dir.path(), &data);
    let out = dir.path().join("bundle.txt");
    let listing = || {
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        // The data folder is the command's to create; only files beside the bundle count.
        names.retain(|n| n != "data");
        names.sort();
        names
    };

    // The file exists: refused, untouched; --force replaces it.
    std::fs::write(&out, "keep me").unwrap();
    let (status, _, err) = run(bundle_cmd(&config, &out).arg("--no-check"));
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let before = listing();
    let (status, _, err) = run(bundle_cmd(&config, &out).args(["--no-check", "--force"]));
    assert_eq!(status, 0, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("passdesk support bundle"));
    assert_eq!(listing(), before, "no partial file left");
    std::fs::remove_file(&out).unwrap();

    // A missing configuration file.
    let (status, _, err) =
        run(passdesk().args(["support-bundle", "--no-check", "--config"]).arg(dir.path().join("nope.toml")).arg(&out));
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("nope.toml") && err.contains("cannot read it"), "{err}");

    // Bad numbers are usage errors that name the option.
    for bad in [["--lines", "0"], ["--lines", "100001"], ["--lines", "many"], ["--audit-rows", "0"]] {
        let (status, _, err) = run(bundle_cmd(&config, &out).args(bad));
        assert_eq!(status, 2, "{bad:?}: {err}");
        assert!(err.contains(bad[0]), "{bad:?}: {err}");
    }

    // A folder that cannot be written to (even by root), or does not exist.
    for target in [PathBuf::from("/proc/passdesk-bundle.txt"), dir.path().join("missing").join("bundle.txt")] {
        let (status, _, err) = run(bundle_cmd(&config, &target).arg("--no-check"));
        assert_eq!(status, 1, "{err}");
        assert!(err.contains("cannot create") && err.contains("choose a folder you may write to"), "{err}");
    }

    // A log file that is not there.
    let (status, _, err) =
        run(bundle_cmd(&config, &out).args(["--no-check", "--log-file", "/nonexistent/passdesk.log"]));
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("cannot read the log file /nonexistent/passdesk.log"), "{err}");
    assert!(!out.exists());
    let left: Vec<String> = listing().into_iter().filter(|n| n.contains("bundle")).collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
}

#[test]
fn the_check_section_runs_against_the_real_slapd_without_its_password() {
    let Some(ldap) = bed("LDAP", "support bundle check") else { return };
    let dir = tempfile::tempdir().unwrap();
    let wrong = "WrongSlapdPw-Okapi-4242";
    let text = format!(
        "[store]\ndata_dir = {:?}\n[directories.ldap]\nkind = \"openldap\"\nurls = [\"{}\"]\nca_file = \"{}\"\n\
         bind_dn = \"{}\"\nbind_password = \"{wrong}\"\nscope = [\"{}\"]\n\
         [directories.good]\nkind = \"openldap\"\nurls = [\"{}\"]\nca_file = \"{}\"\nbind_dn = \"{}\"\n\
         bind_password = \"{}\"\nscope = [\"{}\"]\n",
        dir.path().join("data").display().to_string(),
        ldap.url,
        ldap.ca,
        ldap.bind_dn,
        ldap.scope,
        ldap.url,
        ldap.ca,
        ldap.bind_dn,
        ldap.bind_password,
        ldap.scope,
    );
    let config = dir.path().join("passdesk.toml");
    std::fs::write(&config, text).unwrap();
    let out = dir.path().join("bundle.txt");
    let (status, said, err) = run(passdesk().args(["support-bundle", "--config"]).arg(&config).arg(&out));
    assert_eq!(status, 0, "{said}{err}");
    let bundle = std::fs::read_to_string(&out).unwrap();
    let check = &bundle[bundle.find("## 3. passdesk check").unwrap()..bundle.find("## 4. Log").unwrap()];
    assert!(check.contains("Directory ldap") && check.contains("Directory good"), "{check}");
    assert!(check.contains("[ FAIL ]"), "the wrong password fails: {check}");
    assert!(check.contains("[  ok  ]"), "the right one passes: {check}");
    assert_absent(&bundle, wrong);
    assert_absent(&bundle, &ldap.bind_password);
}
