//! SMS and voice gateways against the receivers of `gateway_servers`:
//! Twilio-compatible messages and calls, templates and their escaping, the
//! mapping of answers and transport failures to temporary or permanent
//! causes, trust through `ca_file`, and routing by channel. Kannel itself
//! is in `gateway_kannel`.

use crate::gateway_servers::{private_https_receiver, receiver, untrusted_tls_server};
use crate::support::{TestApp, json};
use actix_web::test;
use passdesk::config::GatewayConfig;
use passdesk::domain::{Channel, Enrolment, Message};
use passdesk::flow::Client;
use passdesk::notify::{self, GatewayNotifier, Notifier};

/// A route from TOML, as an administrator writes it.
pub fn route(toml: &str, channel: Channel) -> GatewayConfig {
    let section = if channel == Channel::Voice { "voice" } else { "sms" };
    let c = passdesk::config::load_str(&format!("[notify.{section}]\n{toml}"), "test", &[]).unwrap();
    if channel == Channel::Voice { c.notify.voice.unwrap() } else { c.notify.sms.unwrap() }
}

pub fn sms(to: &str, body: &str) -> Message {
    Message { channel: Channel::Sms, recipient: to.into(), subject: String::new(), body: body.into(), expires_at: None }
}

pub fn temporary(e: notify::Error) -> String {
    match e {
        notify::Error::Temporary(t) => t,
        other => panic!("expected a temporary failure: {other:?}"),
    }
}

pub fn permanent(e: notify::Error) -> String {
    match e {
        notify::Error::Permanent(t) => t,
        other => panic!("expected a permanent failure: {other:?}"),
    }
}

pub fn twilio_route(base: &str) -> String {
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
    // A refused account is the whole route's problem: retried, like SMTP's 535.
    let auth = temporary(results[3].clone());
    assert!(auth.starts_with(&format!("{label} 401 Unauthorized: Authenticate (code 20003)")), "{auth}");
    assert!(auth.contains("username and password"), "{auth}");
    assert_eq!(temporary(results[4].clone()), format!("{label} 500 Internal Server Error: boom: *** was wrong"));
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

#[tokio::test]
async fn a_request_that_cannot_be_built_is_permanent() {
    // The config refuses such a password at load; built by hand here, the
    // send must not be retried as if the gateway were down.
    let mut config = route(
        "preset = \"kannel\"\nurl = \"http://127.0.0.1:1/cgi-bin/sendsms\"\nusername = \"u\"\npassword = \"p\"\n",
        Channel::Sms,
    );
    config.password = Some("line\nbreak".to_owned().into());
    let cause =
        permanent(GatewayNotifier::new(&config, Channel::Sms).unwrap().deliver(&sms("+31611", "x")).await.unwrap_err());
    assert!(cause.contains("the request cannot be built") && !cause.contains("line\nbreak"), "{cause}");
}

#[tokio::test]
async fn twilio_is_checked_without_sending_and_a_template_cannot_be() {
    let replies = vec![
        (200, "{\"sid\": \"AC0123\", \"status\": \"active\"}"),
        (503, "down for maintenance"),
        (401, "{\"code\": 20003, \"message\": \"Authenticate\"}"),
    ];
    let (base, server) = receiver(replies);
    let gateway = GatewayNotifier::new(&route(&twilio_route(&base), Channel::Voice), Channel::Voice).unwrap();
    assert_eq!(gateway.probe(Channel::Voice).await, Some(Ok(())));
    let down = temporary(gateway.probe(Channel::Voice).await.unwrap().unwrap_err());
    assert!(down.contains("voice gateway (twilio) answered HTTP 503"), "{down}");
    // Refused credentials map as a real send's 401 does.
    let refused = temporary(gateway.probe(Channel::Voice).await.unwrap().unwrap_err());
    assert!(refused.contains("401 Unauthorized"), "{refused}");
    let seen = server.join().unwrap();
    assert!(seen.iter().all(|s| s.method == "GET" && s.target.ends_with("/Accounts/AC0123.json")), "{seen:?}");

    let template =
        route("preset = \"template\"\nurl = \"http://127.0.0.1:1/send?to={to}&text={text}\"\n", Channel::Sms);
    assert_eq!(GatewayNotifier::new(&template, Channel::Sms).unwrap().probe(Channel::Sms).await, None);
}
