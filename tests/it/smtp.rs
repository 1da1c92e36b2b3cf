//! SMTP delivery against the test bed's real mail sink
//! (`tests/bed/smtp-sink.sh`: aiosmtpd with STARTTLS, SMTPS and AUTH, its
//! own CA, every message stored as an `.eml` with the TLS and AUTH state).
//! Codes are read from what the sink stored. Each test writes to its own
//! unique address, so other tests' mail never matters. Without the sink's
//! `PASSDESK_TEST_SMTP_*` settings the suite is skipped (and named); under
//! `PASSDESK_REQUIRE_SERVERS=1` it fails instead.

use crate::support::{TestApp, json};
use actix_web::test;
use passdesk::config::{SmtpConfig, SmtpSecurity};
use passdesk::domain::{Channel, Message};
use passdesk::notify::{self, Notifier, SmtpNotifier};
use passdesk::store::OutboxState;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Duration;

const FROM: &str = "IT Helpdesk <helpdesk@example.test>";

struct Sink {
    host: String,
    port: u16,
    smtps_port: u16,
    ca: String,
    maildir: PathBuf,
}

fn sink() -> Option<Sink> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_{k}")).ok();
    let found = (|| {
        Some(Sink {
            host: var("SMTP_HOST")?,
            port: var("SMTP_PORT")?.parse().ok()?,
            smtps_port: var("SMTPS_PORT")?.parse().ok()?,
            ca: var("SMTP_CA")?,
            maildir: var("SMTP_MAILDIR")?.into(),
        })
    })();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "smtp suite: PASSDESK_TEST_SMTP_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!("skipped: smtp suite (no PASSDESK_TEST_SMTP_HOST; tests/run.sh starts the test bed)");
    }
    found
}

fn unique(tag: &str) -> String {
    format!("{tag}-{:016x}@example.test", rand::random::<u64>())
}

fn config(sink: &Sink, security: SmtpSecurity, port: u16, ca: Option<&str>) -> SmtpConfig {
    SmtpConfig {
        host: sink.host.clone(),
        port,
        security,
        auth: None,
        reply_to: None,
        timeout: Duration::from_secs(10),
        ca_file: ca.map(PathBuf::from),
        hello_name: None,
    }
}

fn email(to: &str) -> Message {
    Message {
        channel: Channel::Email,
        recipient: to.into(),
        subject: "passdesk test".into(),
        body: "Your code is: 13572468\n\nA <test> & more.".into(),
        expires_at: None,
    }
}

/// The stored message whose envelope recipient is `to` (the sink stores
/// before it answers 250, so it is there once the send returned).
fn received(sink: &Sink, to: &str) -> Option<String> {
    let needle = format!("X-Sink-RcptTo: <{to}>");
    for _ in 0..50 {
        for entry in std::fs::read_dir(sink.maildir.join("new")).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.lines().any(|l| l == needle) {
                return Some(text.replace("\r\n", "\n"));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn header<'a>(eml: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    let head = eml.split("\n\n").next().unwrap();
    head.lines().find_map(|l| l.strip_prefix(prefix.as_str())).unwrap_or_else(|| panic!("no {name} in {head}"))
}

/// The decoded body of the `text/plain` part (7bit or quoted-printable).
pub fn plain_part(eml: &str) -> String {
    let at = eml.find("Content-Type: text/plain").unwrap_or_else(|| panic!("no text/plain part: {eml}"));
    let part = &eml[at..];
    let (head, body) = part.split_once("\n\n").unwrap();
    let body = body.split("\n--").next().unwrap();
    if head.contains("quoted-printable") {
        decode_qp(body)
    } else {
        assert!(!head.contains("base64"), "unexpected base64: {head}");
        body.to_owned()
    }
}

fn decode_qp(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[actix_web::test]
async fn a_reset_code_arrives_by_starttls_with_auth() {
    let Some(sink) = sink() else { return };
    let t = TestApp::with_config(&format!(
        "[notify]\ntransport = \"smtp\"\nfrom = {FROM:?}\n[notify.smtp]\nhost = {:?}\nport = {}\nca_file = {:?}\n\
         username = \"passdesk-it\"\npassword = \"Sink-Secret\"\nreply_to = \"Service Desk <desk@example.test>\"\n",
        sink.host, sink.port, sink.ca
    ));
    let to = unique("starttls");
    t.user("mailuser", Some(&to), "Old-Passw0rd-Long").await;
    // A branding saved on the admin pages while passdesk runs reaches the
    // next e-mail's HTML part.
    let client = passdesk::flow::Client::default();
    let logo = passdesk::flow::LogoChange::Keep;
    t.app.flows.set_branding("Fabrikam Mail", "#0b5a3a", logo, "admin:test", &client).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "mailuser"}))).await)
            .await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), serde_json::json!({"method": "email"}))).await;

    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.recipient == to).unwrap();
    assert_eq!(row.state, OutboxState::Sent, "{:?}", row.last_error);

    let eml = received(&sink, &to).expect("the sink stored the message");
    assert_eq!(header(&eml, "X-Sink-TLS"), "starttls");
    assert_eq!(header(&eml, "X-Sink-Auth"), "passdesk-it");
    assert_eq!(header(&eml, "X-Sink-MailFrom"), "<helpdesk@example.test>");
    assert_eq!(header(&eml, "From"), "\"IT Helpdesk\" <helpdesk@example.test>");
    assert_eq!(header(&eml, "Reply-To"), "\"Service Desk\" <desk@example.test>");
    assert!(header(&eml, "Message-ID").ends_with("@example.test>"), "{eml}");
    assert!(header(&eml, "Content-Type").starts_with("multipart/alternative"), "{eml}");
    assert!(eml.contains("Content-Type: text/html"), "{eml}");
    // The HTML part is quoted-printable: undo its soft line breaks and `=3D`.
    let html = eml.replace("\r\n", "\n").replace("=\n", "").replace("=3D", "=").to_lowercase();
    assert!(html.contains("fabrikam mail") && html.contains("background:#0b5a3a"), "{html}");
    let text = plain_part(&eml);
    let at = text.find("code is: ").expect("a code in the text part") + "code is: ".len();
    let code = &text[at..at + 8];

    let verify = post(&format!("/api/v1/reset/{flow}/verify"), serde_json::json!({"method": "email", "code": code}));
    assert_eq!(test::call_service(&svc, verify).await.status(), actix_web::http::StatusCode::OK);
}

#[tokio::test]
async fn implicit_tls_delivers_text_and_escaped_html() {
    let Some(sink) = sink() else { return };
    let notifier = SmtpNotifier::new(&config(&sink, SmtpSecurity::Tls, sink.smtps_port, Some(&sink.ca)), FROM).unwrap();
    let to = unique("smtps");
    notifier.deliver(&email(&to)).await.unwrap();
    let eml = received(&sink, &to).expect("the sink stored the message");
    assert_eq!(header(&eml, "X-Sink-TLS"), "smtps");
    assert_eq!(header(&eml, "X-Sink-Auth"), "none");
    assert!(plain_part(&eml).contains("Your code is: 13572468"), "{eml}");
    assert!(eml.contains("&lt;test&gt; &amp; more"), "the HTML part is escaped: {eml}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_temporary_failure() {
    let Some(sink) = sink() else { return };
    let dir = tempfile::tempdir().unwrap();
    let wrong_ca = dir.path().join("other-ca.pem");
    let other = rcgen::generate_simple_self_signed(vec!["smtp.example.test".to_owned()]).unwrap();
    std::fs::write(&wrong_ca, other.cert.pem()).unwrap();
    for (security, port) in [(SmtpSecurity::StartTls, sink.port), (SmtpSecurity::Tls, sink.smtps_port)] {
        for ca in [Some(wrong_ca.to_str().unwrap()), None] {
            let notifier = SmtpNotifier::new(&config(&sink, security, port, ca), FROM).unwrap();
            let to = unique("untrusted");
            let err = notifier.deliver(&email(&to)).await.unwrap_err();
            let notify::Error::Temporary(text) = &err else { panic!("{security:?} {ca:?}: {err:?}") };
            assert!(text.contains("ca_file"), "{text}");
            assert!(received_now(&sink, &to).is_none(), "nothing may be sent over an untrusted connection");
        }
    }
}

/// Like `received`, without waiting (for messages that must not exist).
fn received_now(sink: &Sink, to: &str) -> Option<String> {
    let needle = format!("X-Sink-RcptTo: <{to}>");
    std::fs::read_dir(sink.maildir.join("new"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .find(|text| text.lines().any(|l| l == needle))
}

/// A server that offers no STARTTLS; returns the commands it was sent.
fn server_without_starttls() -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = stream.try_clone().unwrap();
        out.write_all(b"220 plain.example.test ESMTP\r\n").unwrap();
        let mut commands = Vec::new();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                Some("EHLO") => b"250-plain.example.test\r\n250 AUTH PLAIN LOGIN\r\n",
                Some("QUIT") => b"221 bye\r\n",
                _ => b"250 ok\r\n",
            };
            commands.push(line);
            if out.write_all(reply).is_err() || commands.last().is_some_and(|c| c.eq_ignore_ascii_case("QUIT")) {
                break;
            }
        }
        commands
    });
    (port, handle)
}

#[tokio::test]
async fn plain_smtp_only_when_configured_explicitly() {
    // The default mode refuses a server that does not offer STARTTLS.
    let t = TestApp::with_config(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.test\"\n[notify.smtp]\nhost = \"127.0.0.1\"\nport = 1\n",
    );
    let passdesk::config::Transport::Smtp(mut default) = t.app.config.notify.transport.clone() else { panic!() };
    assert_eq!(default.security, SmtpSecurity::StartTls);
    let (port, server) = server_without_starttls();
    default.port = port;
    let err = SmtpNotifier::new(&default, FROM).unwrap().deliver(&email(&unique("nostarttls"))).await.unwrap_err();
    assert!(matches!(err, notify::Error::Temporary(_)), "{err:?}");
    let commands = server.join().unwrap();
    assert!(
        !commands.iter().any(|c| c.to_ascii_uppercase().starts_with("MAIL") || c.starts_with("AUTH")),
        "nothing but EHLO/QUIT in the clear: {commands:?}"
    );

    // Written out, plain works (the sink then records no TLS).
    let Some(sink) = sink() else { return };
    let notifier = SmtpNotifier::new(&config(&sink, SmtpSecurity::Plain, sink.port, None), FROM).unwrap();
    let to = unique("plain");
    notifier.deliver(&email(&to)).await.unwrap();
    assert_eq!(header(&received(&sink, &to).unwrap(), "X-Sink-TLS"), "none");
}

#[tokio::test]
async fn text_and_voice_messages_are_refused_not_printed() {
    let t = TestApp::with_config(
        "[notify]\ntransport = \"smtp\"\nfrom = \"h@example.test\"\n[notify.smtp]\nhost = \"127.0.0.1\"\nport = 1\n",
    );
    let passdesk::config::Transport::Smtp(smtp) = &t.app.config.notify.transport else { panic!() };
    let notifier = SmtpNotifier::new(smtp, FROM).unwrap();
    let sms = Message { channel: Channel::Sms, recipient: "+31612345678".into(), ..email("x@example.test") };
    let err = notifier.deliver(&sms).await.unwrap_err();
    assert!(matches!(&err, notify::Error::Permanent(t) if t.contains("not an e-mail")), "{err:?}");
    // A broken address is final too; a closed port is worth retrying.
    let err = notifier.deliver(&email("not an address")).await.unwrap_err();
    assert!(matches!(err, notify::Error::Permanent(_)), "{err:?}");
    let err = notifier.deliver(&email("a@example.test")).await.unwrap_err();
    assert!(matches!(err, notify::Error::Temporary(_)), "{err:?}");
}
