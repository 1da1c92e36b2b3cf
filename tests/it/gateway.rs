//! SMS and voice gateways. Kannel is the real one from the test bed
//! (`tests/bed/kannel.sh`: bearerbox + smsbox with a fake SMSC whose every
//! received message is captured in a file the tests read codes from).
//! Twilio-compatible APIs and templates go to a small HTTP receiver started
//! inside the test, which records exactly what arrived (there is no real
//! Twilio here). Without the `PASSDESK_TEST_KANNEL_*` settings the Kannel
//! tests are skipped (and named); under `PASSDESK_REQUIRE_SERVERS=1` they fail.

use crate::support::{TestApp, json};
use actix_web::test;
use passdesk::config::GatewayConfig;
use passdesk::domain::{Channel, Enrolment, Message};
use passdesk::flow::Client;
use passdesk::notify::{self, GatewayNotifier, Notifier};
use passdesk::store::OutboxState;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

pub struct Kannel {
    pub url: String,
    pub user: String,
    pub password: String,
    pub capture: std::path::PathBuf,
}

pub fn kannel() -> Option<Kannel> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_KANNEL_{k}")).ok();
    let found = (|| {
        Some(Kannel {
            url: var("URL")?,
            user: var("USER")?,
            password: var("PASSWORD")?,
            capture: var("OUTBOX")?.into(),
        })
    })();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "kannel suite: PASSDESK_TEST_KANNEL_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!("skipped: kannel suite (no PASSDESK_TEST_KANNEL_URL; tests/run.sh starts the test bed)");
    }
    found
}

/// A mobile number no other test uses.
pub fn unique_number() -> String {
    format!("+3161{:07}", rand::random::<u32>() % 10_000_000)
}

/// The text of the message the fake SMSC received for `to` (fakesmsc logs
/// `Got message N: <FROM TO TYPE DATA>`; UCS-2 data is URL-encoded).
pub fn received_by_smsc(k: &Kannel, to: &str) -> Option<(String, String)> {
    for _ in 0..100 {
        let log = std::fs::read_to_string(&k.capture).unwrap_or_default();
        for line in log.lines() {
            let Some(at) = line.find("Got message ") else { continue };
            let Some(inner) = line[at..].split_once(": <").map(|(_, r)| r.trim_end_matches('>')) else { continue };
            let mut parts = inner.splitn(4, ' ');
            let (from, dest, kind, data) =
                (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap_or(""));
            if dest != to {
                continue;
            }
            let text = match kind {
                "text" => data.to_owned(),
                "ucs-2" | "ucs2" => {
                    let bytes = percent_decode_bytes(data);
                    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                    String::from_utf16(&units).unwrap()
                }
                other => panic!("unexpected fakesmsc type {other}: {line}"),
            };
            return Some((from.to_owned(), text));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Percent-decoding to raw bytes ('+' is a space), as fakesmsc writes UCS-2.
fn percent_decode_bytes(data: &str) -> Vec<u8> {
    let bytes = data.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&data[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// A route from TOML, as an administrator writes it.
pub fn route(toml: &str, channel: Channel) -> GatewayConfig {
    let section = if channel == Channel::Voice { "voice" } else { "sms" };
    let c = passdesk::config::load_str(&format!("[notify.{section}]\n{toml}"), "test", &[]).unwrap();
    if channel == Channel::Voice { c.notify.voice.unwrap() } else { c.notify.sms.unwrap() }
}

pub fn kannel_route(k: &Kannel, password: &str) -> String {
    format!(
        "preset = \"kannel\"\nurl = {:?}\nusername = {:?}\npassword = {password:?}\nfrom = \"passdesk\"\n",
        k.url, k.user
    )
}

pub fn sms(to: &str, body: &str) -> Message {
    Message { channel: Channel::Sms, recipient: to.into(), subject: String::new(), body: body.into(), expires_at: None }
}

fn temporary(e: notify::Error) -> String {
    match e {
        notify::Error::Temporary(t) => t,
        other => panic!("expected a temporary failure: {other:?}"),
    }
}

fn permanent(e: notify::Error) -> String {
    match e {
        notify::Error::Permanent(t) => t,
        other => panic!("expected a permanent failure: {other:?}"),
    }
}

#[actix_web::test]
async fn a_reset_code_by_sms_reaches_kannel_through_the_outbox() {
    let Some(k) = kannel() else { return };
    let t = TestApp::with_config(&format!("[notify.sms]\n{}", kannel_route(&k, &k.password)));
    let number = unique_number();
    t.user("smsuser", Some("smsuser@example.org"), "Old-Passw0rd-Long").await;
    t.app.flows.enrol_phone("smsuser", Enrolment::Mobile, &number, &Client::default()).await.unwrap();
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "smsuser"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let send = serde_json::json!({"method": "mobile_sms", "confirm": number});
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), send)).await;
    assert!(resp.status().is_success(), "{}", resp.status());

    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.channel == "sms").unwrap();
    assert_eq!(row.state, OutboxState::Sent, "{:?}", row.last_error);
    let (from, text) = received_by_smsc(&k, &row.recipient).expect("the fake SMSC received the message");
    assert_eq!(from, "passdesk");
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 8)
        .unwrap_or_else(|| panic!("no 8-digit code in {text}"))
        .to_owned();
    let verify =
        post(&format!("/api/v1/reset/{flow}/verify"), serde_json::json!({"method": "mobile_sms", "code": code}));
    assert_eq!(test::call_service(&svc, verify).await.status(), actix_web::http::StatusCode::OK);
}

#[tokio::test]
async fn kannel_carries_text_beyond_ascii_intact() {
    let Some(k) = kannel() else { return };
    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, &k.password), Channel::Sms), Channel::Sms).unwrap();
    let to = unique_number();
    let body = "Uw code: 4711 — geldig tot 10:15 (Zoë & Ångström) €5 ✓\nregel twee";
    gateway.deliver(&sms(&to, body)).await.unwrap();
    let (_, text) = received_by_smsc(&k, &to).expect("the fake SMSC received it");
    assert_eq!(text, body);
}

#[tokio::test]
async fn kannel_refusals_are_permanent_with_kannels_words_and_no_password() {
    let Some(k) = kannel() else { return };
    let wrong = "Wrong-Secret&9";
    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, wrong), Channel::Sms), Channel::Sms).unwrap();
    let cause = permanent(gateway.deliver(&sms(&unique_number(), "1234")).await.unwrap_err());
    assert!(cause.contains("HTTP 403 Forbidden: Authorization failed for sendsms"), "{cause}");
    assert!(cause.contains("username and password"), "{cause}");
    assert!(!cause.contains(wrong) && !cause.contains("Wrong-Secret"), "{cause}");

    let gateway = GatewayNotifier::new(&route(&kannel_route(&k, &k.password), Channel::Sms), Channel::Sms).unwrap();
    let cause = permanent(gateway.deliver(&sms("not-a-number", "1234")).await.unwrap_err());
    assert!(cause.contains("HTTP 400 Bad Request: Number(s) has/have been denied"), "{cause}");
    assert!(!cause.contains(&k.password), "{cause}");
}

#[actix_web::test]
async fn the_admin_sees_kannels_refusal_in_the_outbox() {
    let Some(k) = kannel() else { return };
    let t = TestApp::with_config(&format!("[notify.sms]\n{}", kannel_route(&k, "Not-The-Password")));
    let number = unique_number();
    t.user("smsadmin", Some("smsadmin@example.org"), "Old-Passw0rd-Long").await;
    t.app.flows.enrol_phone("smsadmin", Enrolment::Mobile, &number, &Client::default()).await.unwrap();
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "smsadmin"}))).await)
            .await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let send = serde_json::json!({"method": "mobile_sms", "confirm": number});
    assert!(test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), send)).await.status().is_success());
    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let row = t.outbox().await.into_iter().find(|r| r.channel == "sms").unwrap();
    assert_eq!(row.state, OutboxState::Dead);
    let cause = row.last_error.unwrap();
    assert!(
        cause.contains("SMS gateway (kannel) answered HTTP 403 Forbidden: Authorization failed for sendsms"),
        "{cause}"
    );
    assert!(!cause.contains("Not-The-Password"), "{cause}");
}

#[tokio::test]
async fn an_unreachable_gateway_is_temporary_with_the_cause() {
    let refused = route(
        "preset = \"kannel\"\nurl = \"http://127.0.0.1:1/cgi-bin/sendsms\"\nusername = \"u\"\npassword = \"Secret-Pw\"\n",
        Channel::Sms,
    );
    let cause = temporary(
        GatewayNotifier::new(&refused, Channel::Sms).unwrap().deliver(&sms("+31611", "x")).await.unwrap_err(),
    );
    assert!(cause.contains("SMS gateway (kannel) at 127.0.0.1:1 unreachable") && cause.contains("refused"), "{cause}");
    assert!(!cause.contains("Secret-Pw") && !cause.contains("password="), "{cause}");

    let unknown = route(
        "preset = \"twilio\"\nurl = \"https://gateway.invalid\"\nusername = \"AC1\"\npassword = \"t\"\nfrom = \"+3120\"\n",
        Channel::Sms,
    );
    let cause = temporary(
        GatewayNotifier::new(&unknown, Channel::Sms).unwrap().deliver(&sms("+31611", "x")).await.unwrap_err(),
    );
    assert!(cause.contains("gateway.invalid:443 unreachable") && cause.contains("dns"), "{cause}");
}

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes()).into_owned().collect()
    }
}

/// An HTTP server on loopback answering each request in turn with
/// `replies` (status, body); returns its base URL and what it saw.
pub fn receiver(replies: Vec<(u16, &'static str)>) -> (String, std::thread::JoinHandle<Vec<Seen>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for (status, body) in replies {
            let (stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut words = line.split_whitespace();
            let (method, target) = (words.next().unwrap().to_owned(), words.next().unwrap().to_owned());
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (n, v) = h.split_once(':').unwrap();
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
            let length = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut buf = vec![0; length];
            reader.read_exact(&mut buf).unwrap();
            seen.push(Seen { method, target, headers, body: String::from_utf8(buf).unwrap() });
            let reply = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            (&stream).write_all(reply.as_bytes()).unwrap();
        }
        seen
    });
    (base, handle)
}

fn twilio_route(base: &str) -> String {
    format!(
        "preset = \"twilio\"\nurl = {base:?}\nusername = \"AC0123\"\npassword = \"tw-token\"\nfrom = \"+31201234567\"\n"
    )
}

#[tokio::test]
async fn twilio_compatible_sms_and_voice() {
    let (base, server) = receiver(vec![(201, "{\"sid\":\"SM1\"}"), (201, "{\"sid\":\"CA1\"}")]);
    let sms_gateway = GatewayNotifier::new(&route(&twilio_route(&base), Channel::Sms), Channel::Sms).unwrap();
    sms_gateway.deliver(&sms("+31612345678", "12345678 is your code & <more>")).await.unwrap();
    let voice_gateway = GatewayNotifier::new(&route(&twilio_route(&base), Channel::Voice), Channel::Voice).unwrap();
    let call =
        Message { channel: Channel::Voice, ..sms("+31612345678", "Your code is: 1, 2, 3. Say \"<hi>\" & 'bye'\n") };
    voice_gateway.deliver(&call).await.unwrap();

    let seen = server.join().unwrap();
    let basic = "Basic QUMwMTIzOnR3LXRva2Vu"; // AC0123:tw-token
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("POST", "/2010-04-01/Accounts/AC0123/Messages.json")
    );
    assert_eq!(seen[0].header("authorization"), Some(basic));
    assert_eq!(seen[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    let form = seen[0].form();
    let want = [("To", "+31612345678"), ("From", "+31201234567"), ("Body", "12345678 is your code & <more>")];
    assert_eq!(form, want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec());

    assert_eq!((seen[1].method.as_str(), seen[1].target.as_str()), ("POST", "/2010-04-01/Accounts/AC0123/Calls.json"));
    assert_eq!(seen[1].header("authorization"), Some(basic));
    let form = seen[1].form();
    assert_eq!(form[0], ("To".into(), "+31612345678".into()));
    assert_eq!(
        form[2],
        (
            "Twiml".into(),
            "<Response><Say>Your code is: 1, 2, 3. Say &quot;&lt;hi&gt;&quot; &amp; &apos;bye&apos;</Say></Response>"
                .into()
        )
    );
}

#[tokio::test]
async fn templates_escape_values_for_json_form_and_url() {
    let (base, server) = receiver(vec![(200, "{}"), (200, "{}"), (202, "")]);
    let json_route = format!(
        "preset = \"template\"\nurl = \"{base}/v1/send?to={{to}}\"\nusername = \"api\"\npassword = \"p@ss\"\n\
         headers = {{ \"X-Api-Key\" = \"key-{{password}}\" }}\nbody_format = \"json\"\n\
         body = '{{\"to\": \"{{to}}\", \"from\": \"{{from}}\", \"message\": \"{{text}}\"}}'\nfrom = \"IT\"\n"
    );
    let form_route = format!(
        "preset = \"template\"\nurl = \"{base}/form\"\nbody_format = \"form\"\nbody = \"number={{to}}&msg={{text}}\"\n"
    );
    let get_route = format!("preset = \"template\"\nmethod = \"GET\"\nurl = \"{base}/get?n={{to}}&t={{text}}\"\n");
    let text = "Code \"1234\" \\ & = + é\nline";
    for toml in [&json_route, &form_route, &get_route] {
        let gateway = GatewayNotifier::new(&route(toml, Channel::Sms), Channel::Sms).unwrap();
        gateway.deliver(&sms("+31 6 1", text)).await.unwrap();
    }
    let seen = server.join().unwrap();
    assert_eq!(seen[0].target, "/v1/send?to=%2B31+6+1");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("x-api-key"), Some("key-p@ss"));
    assert_eq!(seen[0].header("authorization"), Some("Basic YXBpOnBAc3M=")); // api:p@ss
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"to": "+31 6 1", "from": "IT", "message": text}));

    assert_eq!(
        (seen[1].method.as_str(), seen[1].header("content-type")),
        ("POST", Some("application/x-www-form-urlencoded"))
    );
    assert_eq!(seen[1].form(), vec![("number".into(), "+31 6 1".into()), ("msg".to_owned(), text.to_owned())]);
    assert_eq!(seen[1].header("authorization"), None);

    assert_eq!(seen[2].method, "GET");
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(seen[2].target.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
    assert_eq!(query, vec![("n".into(), "+31 6 1".into()), ("t".to_owned(), text.to_owned())]);
}

#[tokio::test]
async fn gateway_answers_map_to_temporary_or_permanent_with_their_words() {
    let replies = vec![
        (503, "<html><body>\n  Service   Unavailable, try later </body></html>"),
        (429, "{\"code\": 20429, \"message\": \"Too Many Requests\"}"),
        (400, "{\"code\": 21211, \"message\": \"The 'To' number +3161 is not a valid phone number.\"}"),
        (401, "{\"code\": 20003, \"message\": \"Authenticate\"}"),
        (500, "boom: tw-token was wrong"),
    ];
    let (base, server) = receiver(replies);
    let gateway = GatewayNotifier::new(&route(&twilio_route(&base), Channel::Sms), Channel::Sms).unwrap();
    let mut results = Vec::new();
    for _ in 0..5 {
        results.push(gateway.deliver(&sms("+3161", "x")).await.unwrap_err());
    }
    server.join().unwrap();
    let label = "SMS gateway (twilio) answered HTTP";
    assert_eq!(
        temporary(results[0].clone()),
        format!("{label} 503 Service Unavailable: <html><body> Service Unavailable, try later </body></html>")
    );
    assert_eq!(temporary(results[1].clone()), format!("{label} 429 Too Many Requests: Too Many Requests (code 20429)"));
    assert_eq!(
        permanent(results[2].clone()),
        format!("{label} 400 Bad Request: The 'To' number +3161 is not a valid phone number. (code 21211)")
    );
    let auth = permanent(results[3].clone());
    assert!(auth.starts_with(&format!("{label} 401 Unauthorized: Authenticate (code 20003)")), "{auth}");
    assert!(auth.contains("username and password"), "{auth}");
    assert_eq!(temporary(results[4].clone()), format!("{label} 500 Internal Server Error: boom: *** was wrong"));
}

/// A TLS server with a certificate nobody trusts; accepts one handshake.
pub fn untrusted_tls_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut conn = rustls::ServerConnection::new(std::sync::Arc::new(config)).unwrap();
        let _ = conn.complete_io(&mut stream);
    });
    (port, handle)
}

#[tokio::test]
async fn an_untrusted_certificate_is_temporary_and_names_ca_file() {
    let (port, server) = untrusted_tls_server();
    let route = route(&twilio_route(&format!("https://127.0.0.1:{port}")), Channel::Sms);
    let cause =
        temporary(GatewayNotifier::new(&route, Channel::Sms).unwrap().deliver(&sms("+3161", "x")).await.unwrap_err());
    server.join().unwrap();
    assert!(cause.contains("unreachable") && cause.to_lowercase().contains("certificate"), "{cause}");
    assert!(cause.contains("notify.sms.ca_file"), "{cause}");
}

#[tokio::test]
async fn messages_go_to_the_route_of_their_channel() {
    let (base, server) = receiver(vec![(201, "{}")]);
    let t = TestApp::with_config(&format!("[notify.voice]\n{}", twilio_route(&base)));
    let (sms_route, voice_route) = t.app.gateways().unwrap();
    assert!(sms_route.is_none() && voice_route.is_some());
    t.app.delivery().unwrap();
    let router = passdesk::notify::Router::new(
        std::sync::Arc::new(passdesk::notify::ConsoleNotifier),
        None,
        voice_route.map(|v| std::sync::Arc::new(v) as std::sync::Arc<dyn Notifier>),
    );
    let call = Message { channel: Channel::Voice, ..sms("+31612345678", "1, 2") };
    router.deliver(&call).await.unwrap();
    // No SMS route: the console (outbox-only) takes it, as before gateways.
    router.deliver(&sms("+31612345678", "printed")).await.unwrap();
    let seen = server.join().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].target.ends_with("/Calls.json"), "{}", seen[0].target);
}

/// An HTTPS server whose certificate is signed by a CA of its own; answers
/// one request with 201 and returns the CA's PEM and the request line.
fn private_https_receiver() -> (u16, String, std::thread::JoinHandle<String>) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().signed_by(&leaf_key, &ca).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = rustls::ServerConnection::new(std::sync::Arc::new(config)).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            tls.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .unwrap_or(0);
        let mut body = vec![0; length];
        tls.read_exact(&mut body).unwrap();
        tls.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").unwrap();
        tls.flush().unwrap();
        head.lines().next().unwrap().to_owned()
    });
    (port, ca.pem(), handle)
}

#[tokio::test]
async fn a_private_gateway_is_trusted_through_ca_file() {
    let (port, ca_pem, server) = private_https_receiver();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("gateway-ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let toml = format!(
        "{}ca_file = {:?}\n",
        twilio_route(&format!("https://127.0.0.1:{port}")),
        ca_file.display().to_string()
    );
    GatewayNotifier::new(&route(&toml, Channel::Sms), Channel::Sms).unwrap().deliver(&sms("+3161", "x")).await.unwrap();
    let line = tokio::task::spawn_blocking(move || server.join().unwrap()).await.unwrap();
    assert_eq!(line, "POST /2010-04-01/Accounts/AC0123/Messages.json HTTP/1.1");
}

#[actix_web::test]
async fn a_voice_code_is_read_digit_by_digit_through_a_twilio_call() {
    let (base, server) = receiver(vec![(201, "{\"sid\":\"CA1\"}")]);
    let t = TestApp::with_config(&format!("[notify.voice]\n{}", twilio_route(&base)));
    t.user("voiceuser", Some("voiceuser@example.org"), "Old-Passw0rd-Long").await;
    t.app.flows.enrol_phone("voiceuser", Enrolment::Mobile, "+31 6 1234 5678", &Client::default()).await.unwrap();
    t.app.flows.set_policy("methods", "email,mobile_voice", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let post = |uri: &str, body: serde_json::Value| test::TestRequest::post().uri(uri).set_json(body).to_request();
    let started =
        json(test::call_service(&svc, post("/api/v1/reset/start", serde_json::json!({"user": "voiceuser"}))).await)
            .await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    let send = serde_json::json!({"method": "mobile_voice", "confirm": "+31612345678"});
    assert!(test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), send)).await.status().is_success());
    t.app.delivery().unwrap().deliver_due().await.unwrap();
    let seen = tokio::task::spawn_blocking(move || server.join().unwrap()).await.unwrap();
    assert!(seen[0].target.ends_with("/Calls.json"), "{}", seen[0].target);
    let twiml = seen[0].form().into_iter().find(|(k, _)| k == "Twiml").unwrap().1;
    assert!(twiml.starts_with("<Response><Say>") && twiml.ends_with("</Say></Response>"), "{twiml}");
    // "1, 2, 3, …": every digit on its own, so the speech engine reads them
    // one by one (whatever the words around them, in any language).
    let code = spaced_code(&twiml).unwrap_or_else(|| panic!("no code read digit by digit in {twiml}"));
    let verify =
        post(&format!("/api/v1/reset/{flow}/verify"), serde_json::json!({"method": "mobile_voice", "code": code}));
    assert_eq!(test::call_service(&svc, verify).await.status(), actix_web::http::StatusCode::OK);
}

/// The first eight digits written "d, d, d, …" in `text`.
fn spaced_code(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|start| {
        let window: String = chars.get(start..start + 22)?.iter().collect();
        let digits: Vec<&str> = window.split(", ").collect();
        (digits.len() == 8 && digits.iter().all(|d| d.len() == 1 && d.chars().all(|c| c.is_ascii_digit())))
            .then(|| digits.concat())
    })
}
