//! The transports' part of `passdesk check`: prove, before anyone needs a
//! code, that the mail server and the gateways can be reached over verified
//! TLS and accept passdesk's credentials, without sending anything. Every
//! failure carries the line that fixes it.

use super::gateway::{GatewayNotifier, request};
use super::{Error, Notifier, SmtpNotifier};
use crate::config::{GatewayPreset, SmtpConfig};
use secrecy::ExposeSecret;

/// One line of the transports' checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// What was checked ("SMTP mail.example.org:587").
    pub name: String,
    /// It works.
    pub passed: bool,
    /// What was found: the exact cause of a failure.
    pub detail: String,
    /// How to fix a failure.
    pub fix: Option<String>,
}

impl Probe {
    fn pass(name: &str, detail: String) -> Self {
        Self { name: name.to_owned(), passed: true, detail, fix: None }
    }

    fn fail(name: &str, detail: String, fix: String) -> Self {
        Self { name: name.to_owned(), passed: false, detail, fix: Some(fix) }
    }
}

/// Connect, TLS as configured, EHLO, AUTH, NOOP.
pub async fn smtp(config: &SmtpConfig, from: &str) -> Probe {
    let name = format!("SMTP {}:{}", config.host, config.port);
    let notifier = match SmtpNotifier::new(config, from) {
        Ok(n) => n,
        Err(e) => return Probe::fail(&name, cause(&e), "fix the [notify.smtp] setting named above".into()),
    };
    match notifier.test_connection().await {
        Ok(()) => {
            let auth = match &config.auth {
                Some(a) => format!(", logged in as {}", a.username),
                None => ", no login configured".into(),
            };
            let tls = match config.security {
                crate::config::SmtpSecurity::StartTls => "STARTTLS verified",
                crate::config::SmtpSecurity::Tls => "TLS verified",
                crate::config::SmtpSecurity::Plain => "no encryption (security = \"plain\")",
            };
            Probe::pass(&name, format!("connected, {tls}{auth}, EHLO {}", notifier.hello_name()))
        }
        Err(e) => {
            let detail = cause(&e);
            let fix = smtp_fix(&detail, config);
            Probe::fail(&name, detail, fix)
        }
    }
}

fn smtp_fix(detail: &str, config: &SmtpConfig) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("535") || lower.contains("authentication") && lower.contains("fail") {
        "the mail server refused the login: fix notify.smtp.username and password (or password_file)".into()
    } else if lower.contains("ca_file") || lower.contains("certificate") {
        "the server's certificate is not trusted: set notify.smtp.ca_file to the PEM of the CA that signed it, \
         and make notify.smtp.host the name in the certificate"
            .into()
    } else if lower.contains("530") || lower.contains("538") {
        "the mail server wants a login or TLS first: set notify.smtp.username and password, \
         and security = \"starttls\" or \"tls\""
            .into()
    } else if lower.contains("within") || lower.contains("timed out") {
        format!("no answer in time: check that {}:{} is the mail server's submission port", config.host, config.port)
    } else {
        format!(
            "check notify.smtp.host and port ({}:{}) and notify.smtp.security: is the mail server running and \
             reachable from this machine?",
            config.host, config.port
        )
    }
}

/// Reachability, TLS, and the credentials where the API can prove them
/// without sending anything.
pub async fn gateway(notifier: &GatewayNotifier) -> Probe {
    let config = notifier.config();
    let name = notifier.label();
    let outcome = match &config.preset {
        GatewayPreset::Kannel => kannel(notifier).await,
        GatewayPreset::Twilio => twilio(notifier).await,
        GatewayPreset::Template(_) => template(notifier).await,
    };
    match outcome {
        Ok(detail) => Probe::pass(&name, detail),
        Err((detail, fix)) => {
            // The line already names the route.
            let detail = detail.strip_prefix(&format!("{name} ")).map_or(detail.clone(), str::to_owned);
            Probe::fail(&name, detail, fix)
        }
    }
}

/// The check behind `GatewayNotifier::probe`: the requests of [`gateway`],
/// their answers mapped as a send's would be (so a decoy's check and a real
/// code teach the channel the same), or `None` for a template (its request
/// would send a message).
pub(crate) async fn gateway_health(notifier: &GatewayNotifier) -> Option<Result<(), Error>> {
    let config = notifier.config();
    let plan = match &config.preset {
        GatewayPreset::Kannel => kannel_plan(config),
        GatewayPreset::Twilio => match twilio_plan(config) {
            Ok(plan) => plan,
            Err(e) => return Some(Err(Error::Permanent(format!("{}: {e}", notifier.label())))),
        },
        GatewayPreset::Template(_) => return None,
    };
    let (status, answer) = match notifier.exchange(plan).await {
        Ok(answer) => answer,
        Err(e) => return Some(Err(e)),
    };
    let kannel_accepts = config.preset == GatewayPreset::Kannel
        && status == reqwest::StatusCode::BAD_REQUEST
        && answer.contains("Missing receiver");
    if status.is_success() || kannel_accepts {
        return Some(Ok(()));
    }
    Some(Err(notifier.answer_error(status, &answer)))
}

/// smsbox's check request: the account, no recipient (nothing is sent).
fn kannel_plan(config: &crate::config::GatewayConfig) -> request::Plan {
    request::Plan {
        method: reqwest::Method::POST,
        url: config.url.clone(),
        headers: request::kannel_account(config),
        basic: None,
        body: Some((String::new(), request::KANNEL_TEXT)),
    }
}

/// Twilio's check request: an authenticated GET of the account resource.
fn twilio_plan(config: &crate::config::GatewayConfig) -> Result<request::Plan, String> {
    let sid = config.username.clone().unwrap_or_default();
    let url = request::twilio_url(&config.url, &[&format!("{sid}.json")])?;
    let password = config.password.as_ref().map(|p| p.expose_secret().to_owned()).unwrap_or_default();
    Ok(request::Plan {
        method: reqwest::Method::GET,
        url,
        headers: Vec::new(),
        basic: Some((sid, password)),
        body: None,
    })
}

type Outcome = Result<String, (String, String)>;

fn unreachable(e: &Error, key: &str) -> (String, String) {
    let detail = cause(e);
    let fix = if detail.contains("ca_file") {
        format!("set {key}.ca_file to the PEM of the CA that signed the gateway's certificate")
    } else {
        format!("check {key}.url: is the gateway running and reachable from this machine?")
    };
    (detail, fix)
}

fn key(notifier: &GatewayNotifier) -> &'static str {
    if notifier.name() == "voice-gateway" { "notify.voice" } else { "notify.sms" }
}

/// smsbox checks the account before the parameters: a request without
/// `to` answers 403 for a wrong account and 400 "Missing receiver number"
/// for a right one, and sends nothing either way.
async fn kannel(notifier: &GatewayNotifier) -> Outcome {
    let plan = kannel_plan(notifier.config());
    let key = key(notifier);
    let (status, answer) = notifier.exchange(plan).await.map_err(|e| unreachable(&e, key))?;
    match status.as_u16() {
        400 if answer.contains("Missing receiver") => {
            Ok("sendsms answers and accepts the account (probed without a recipient: nothing sent)".into())
        }
        401 | 403 => Err((
            format!("Kannel refused the account: HTTP {status}: {answer}"),
            format!(
                "{key}.username and password must match a sendsms-user group in kannel.conf (and its \
                 user-allow-ip, if set, must allow this machine)"
            ),
        )),
        _ => Err((
            format!("unexpected answer HTTP {status}: {answer}"),
            format!("check that {key}.url is smsbox's sendsms URL, e.g. http://host:13013/cgi-bin/sendsms"),
        )),
    }
}

/// An authenticated GET of the account resource.
async fn twilio(notifier: &GatewayNotifier) -> Outcome {
    let key = key(notifier);
    let plan = twilio_plan(notifier.config())
        .map_err(|e| (e, format!("give {key}.url as the API's base, e.g. https://api.twilio.com")))?;
    let (status, answer) = notifier.exchange(plan).await.map_err(|e| unreachable(&e, key))?;
    match status.as_u16() {
        200..=299 => Ok("the API answers and accepts the Account SID and auth token".into()),
        401 | 403 => Err((
            format!("the API refused the credentials: HTTP {status}: {answer}"),
            format!("{key}.username is the Account SID (AC…) and password (or password_file) its auth token"),
        )),
        404 => Err((
            format!("no such account: HTTP {status}: {answer}"),
            format!("check {key}.username (the Account SID) and {key}.url"),
        )),
        _ => Err((format!("unexpected answer HTTP {status}: {answer}"), format!("check {key}.url"))),
    }
}

/// A template request would send a message, so only the server is tried:
/// any HTTP answer to a HEAD of its origin proves reachability and TLS.
async fn template(notifier: &GatewayNotifier) -> Outcome {
    let config = notifier.config();
    let key = key(notifier);
    let mut url = config.url.clone();
    url.set_path("/");
    url.set_query(None);
    let plan = request::Plan { method: reqwest::Method::HEAD, url, headers: Vec::new(), basic: None, body: None };
    let (status, _) = notifier.exchange(plan).await.map_err(|e| unreachable(&e, key))?;
    Ok(format!(
        "the server answers (HTTP {status} to HEAD /){}; the template itself is not tried, as it would send a message",
        if config.url.scheme() == "https" { " over verified TLS" } else { "" }
    ))
}

fn cause(e: &Error) -> String {
    match e {
        Error::Temporary(t) | Error::Deferred(t) | Error::Permanent(t) => t.clone(),
    }
}
