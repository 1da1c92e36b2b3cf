//! `passdesk check` for the transports: against the bed's real SMTP sink
//! and Kannel it passes without sending anything; a wrong host, an
//! untrusted certificate and refused credentials fail with the exact cause
//! and the line that fixes it.

use crate::gateway::route;
use crate::gateway_kannel::{Kannel, kannel, kannel_route};
use crate::gateway_servers::{receiver, untrusted_tls_server};
use crate::smtp_fake::fake_smtp;
use crate::smtp_session::plain_config;
use passdesk::config::{SmtpAuth, SmtpConfig, SmtpSecurity};
use passdesk::domain::Channel;
use passdesk::notify::GatewayNotifier;
use passdesk::notify::check;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const FROM: &str = "IT Helpdesk <helpdesk@example.test>";

fn sink_config() -> Option<SmtpConfig> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_{k}")).ok();
    let (Some(host), Some(port), Some(ca)) = (var("SMTP_HOST"), var("SMTP_PORT"), var("SMTP_CA")) else {
        assert!(std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"), "smtp check: no PASSDESK_TEST_SMTP_*");
        eprintln!("skipped: smtp check suite (no PASSDESK_TEST_SMTP_HOST; tests/run.sh starts the test bed)");
        return None;
    };
    Some(SmtpConfig {
        host,
        port: port.parse().unwrap(),
        security: SmtpSecurity::StartTls,
        auth: Some(SmtpAuth { username: "passdesk-check".into(), password: "Sink-Secret".to_owned().into() }),
        reply_to: None,
        timeout: Duration::from_secs(10),
        ca_file: Some(PathBuf::from(ca)),
        hello_name: Some("passdesk.example.test".into()),
    })
}

#[tokio::test]
async fn smtp_check_passes_on_the_sink_and_names_each_failure() {
    let Some(good) = sink_config() else { return };
    let probe = check::smtp(&good, FROM).await;
    assert!(probe.passed, "{probe:?}");
    assert_eq!(probe.detail, "connected, STARTTLS verified, logged in as passdesk-check, EHLO passdesk.example.test");

    let wrong_host = SmtpConfig { port: 1, ..good.clone() };
    let probe = check::smtp(&wrong_host, FROM).await;
    assert!(!probe.passed && probe.detail.to_lowercase().contains("refused"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("notify.smtp.host and port"), "{probe:?}");

    let untrusted = SmtpConfig { ca_file: None, ..good.clone() };
    let probe = check::smtp(&untrusted, FROM).await;
    assert!(!probe.passed && probe.detail.contains("ca_file"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("set notify.smtp.ca_file"), "{probe:?}");
}

#[tokio::test]
async fn smtp_check_reports_a_refused_login() {
    let (port, server) = fake_smtp(1);
    let probe = check::smtp(&plain_config(port, None, true), FROM).await;
    server.join().unwrap();
    assert!(!probe.passed, "{probe:?}");
    assert!(probe.detail.contains("535") && probe.detail.contains("Authentication credentials invalid"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("refused the login: fix notify.smtp.username"), "{probe:?}");
}

fn kannel_gateway(k: &Kannel, password: &str) -> GatewayNotifier {
    GatewayNotifier::new(&route(&kannel_route(k, password), Channel::Sms), Channel::Sms).unwrap()
}

#[tokio::test]
async fn kannel_check_proves_the_account_without_sending() {
    let Some(k) = kannel() else { return };
    let probe = check::gateway(&kannel_gateway(&k, &k.password)).await;
    assert!(probe.passed, "{probe:?}");
    // Kannel refuses a request without `to` before queueing anything, and
    // says so only once the account is accepted.
    assert!(probe.detail.contains("nothing sent"), "{probe:?}");

    let probe = check::gateway(&kannel_gateway(&k, "Not-The-Password")).await;
    assert!(!probe.passed, "{probe:?}");
    assert!(probe.detail.contains("HTTP 403 Forbidden: Authorization failed for sendsms"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("sendsms-user"), "{probe:?}");
    assert!(!probe.detail.contains("Not-The-Password"), "{probe:?}");

    let wrong_host = route(
        "preset = \"kannel\"\nurl = \"http://127.0.0.1:1/cgi-bin/sendsms\"\nusername = \"u\"\npassword = \"p\"\n",
        Channel::Sms,
    );
    let probe = check::gateway(&GatewayNotifier::new(&wrong_host, Channel::Sms).unwrap()).await;
    assert!(!probe.passed && probe.detail.contains("unreachable"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("check notify.sms.url"), "{probe:?}");
}

#[tokio::test]
async fn twilio_check_reads_the_account_and_template_check_sends_nothing() {
    let (base, server) = receiver(vec![
        (200, "{\"sid\":\"AC0123\"}"),
        (401, "{\"code\":20003,\"message\":\"Authenticate\"}"),
        (404, ""),
    ]);
    let toml = format!(
        "preset = \"twilio\"\nurl = {base:?}\nusername = \"AC0123\"\npassword = \"tw-token\"\nfrom = \"+3120\"\n"
    );
    let gateway = GatewayNotifier::new(&route(&toml, Channel::Voice), Channel::Voice).unwrap();
    let ok = check::gateway(&gateway).await;
    let refused = check::gateway(&gateway).await;
    let template = format!(
        "preset = \"template\"\nurl = \"{base}/send/{{to}}\"\nbody_format = \"json\"\nbody = '{{\"t\": \"{{text}}\"}}'\n"
    );
    let template = check::gateway(&GatewayNotifier::new(&route(&template, Channel::Sms), Channel::Sms).unwrap()).await;
    let seen = server.join().unwrap();
    assert!(ok.passed, "{ok:?}");
    assert_eq!((seen[0].method.as_str(), seen[0].target.as_str()), ("GET", "/2010-04-01/Accounts/AC0123.json"));
    assert_eq!(seen[0].header("authorization"), Some("Basic QUMwMTIzOnR3LXRva2Vu"));
    assert!(!refused.passed && refused.detail.contains("401 Unauthorized: Authenticate (code 20003)"), "{refused:?}");
    assert!(refused.fix.as_deref().unwrap().contains("notify.voice.username is the Account SID"), "{refused:?}");
    assert!(template.passed, "{template:?}");
    assert_eq!((seen[2].method.as_str(), seen[2].target.as_str()), ("HEAD", "/"));
}

#[tokio::test]
async fn gateway_check_names_an_untrusted_certificate() {
    let (port, server) = untrusted_tls_server();
    let toml = format!(
        "preset = \"twilio\"\nurl = \"https://127.0.0.1:{port}\"\nusername = \"AC1\"\npassword = \"t\"\nfrom = \"+3120\"\n"
    );
    let probe = check::gateway(&GatewayNotifier::new(&route(&toml, Channel::Sms), Channel::Sms).unwrap()).await;
    server.join().unwrap();
    assert!(!probe.passed && probe.detail.to_lowercase().contains("certificate"), "{probe:?}");
    assert!(probe.fix.as_deref().unwrap().contains("set notify.sms.ca_file"), "{probe:?}");
}

#[test]
fn passdesk_check_lists_the_transports() {
    let Some(k) = kannel() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passdesk.toml");
    let text = format!(
        "[store]\ndata_dir = {:?}\n[notify.sms]\n{}",
        dir.path().join("data").display().to_string(),
        kannel_route(&k, "Not-The-Password")
    );
    std::fs::write(&path, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
    cmd.arg("check").arg("--config").arg(&path).stdin(Stdio::null());
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("PASSDESK_")) {
        cmd.env_remove(key);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Messages\n[ FAIL ] SMS gateway (kannel): Kannel refused the account: HTTP 403"),
        "{stdout}"
    );
    assert!(stdout.contains("fix: notify.sms.username and password must match a sendsms-user group"), "{stdout}");
}
