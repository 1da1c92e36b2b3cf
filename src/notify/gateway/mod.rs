//! Text messages and voice calls through an HTTP(S) gateway (reqwest on
//! rustls with the ring provider, never OpenSSL). One `GatewayNotifier`
//! serves one route (`[notify.sms]` or `[notify.voice]`); `request` says what
//! each preset sends. Failures keep their exact cause for the admin: no
//! connection, DNS, TLS, timeouts, 5xx and 429 are worth another try; other
//! 4xx (credentials refused, a number the gateway will not take) are not.
//! Causes never hold the password, the URL (a template's may carry it), the
//! message or a code (`scrub`).

pub mod request;
pub mod scrub;

use super::{Error, Notifier};
use crate::config::GatewayConfig;
use crate::domain::{Channel, Message};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Longest gateway answer quoted in a cause.
const MAX_CAUSE_CHARS: usize = 300;

/// Sends one channel's messages through one gateway.
pub struct GatewayNotifier {
    config: GatewayConfig,
    channel: Channel,
    client: reqwest::Client,
}

impl GatewayNotifier {
    /// A route for `channel`; no connection is made yet. Fails (needing a
    /// config fix) when the CA file cannot be used.
    pub fn new(config: &GatewayConfig, channel: Channel) -> Result<Self, Error> {
        let client = client(config).map_err(|e| Error::Permanent(format!("{} setup: {e}", label(config, channel))))?;
        if config.url.scheme() == "http" && config.password.is_some() {
            tracing::warn!(
                channel = channel.as_str(),
                preset = config.preset.name(),
                "the {} gateway is reached over plain http: its password and every code cross the network unencrypted",
                channel.as_str()
            );
        }
        Ok(Self { config: config.clone(), channel, client })
    }

    /// The route's settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// The HTTP client (shared with `passdesk check`).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// "SMS gateway (kannel)": how causes name this route.
    pub fn label(&self) -> String {
        label(&self.config, self.channel)
    }

    /// Sends one request and maps the outcome; returns the status of a
    /// success.
    pub async fn send(&self, plan: request::Plan) -> Result<reqwest::StatusCode, Error> {
        let (status, answer) = self.exchange(plan).await?;
        if status.is_success() {
            return Ok(status);
        }
        Err(self.answer_error(status, &answer))
    }

    /// What a non-success answer means: 5xx, 429 and 408 are the gateway's
    /// (temporary, the channel is failing), any other 4xx is about this
    /// request (permanent). The worker's checks use the same mapping, so a
    /// check without a message and a real send teach the channel's health
    /// the same thing.
    pub fn answer_error(&self, status: reqwest::StatusCode, answer: &str) -> Error {
        let cause = format!("{} answered HTTP {status}: {answer}{}", self.label(), hint(status, &self.config));
        // A refused account (401, 403) is the whole route's problem, like a
        // mail server's 535: retried until the administrator fixes it, and
        // the channel counts as failing so people are told at once instead
        // of waiting for a code that cannot come.
        if status.is_server_error()
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
            || status == reqwest::StatusCode::UNAUTHORIZED
            || status == reqwest::StatusCode::FORBIDDEN
        {
            Error::Temporary(cause)
        } else {
            Error::Permanent(cause)
        }
    }

    /// Sends one request; any HTTP answer is returned with its text (one
    /// line, shortened, scrubbed). Only a missing answer is an error
    /// (temporary: no connection, DNS, TLS, timeout).
    pub async fn exchange(&self, plan: request::Plan) -> Result<(reqwest::StatusCode, String), Error> {
        let mut builder = self.client.request(plan.method, plan.url);
        for (name, value) in plan.headers {
            builder = builder.header(name, value);
        }
        if let Some((user, password)) = plan.basic {
            builder = builder.basic_auth(user, Some(password));
        }
        if let Some((body, content_type)) = plan.body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, content_type).body(body);
        }
        let response = builder.send().await.map_err(|e| {
            if e.is_builder() {
                // The request could not be written (a credential or header
                // value that is not valid in HTTP): retrying cannot help,
                // the configuration must change.
                Error::Permanent(format!(
                    "{}: the request cannot be built: {} (check the route's username, password and headers)",
                    self.label(),
                    self.transport_cause(&e)
                ))
            } else {
                Error::Temporary(self.transport_cause(&e))
            }
        })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Ok((status, self.scrub(&answer_text(&text), None)))
    }

    /// A cause for a request that got no HTTP answer: the error chain with
    /// the URL left out, and the fix when the certificate is not trusted.
    fn transport_cause(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("{} did not answer within {} s", self.label(), self.config.timeout.as_secs());
        }
        let mut text = String::new();
        let mut untrusted = false;
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
        while let Some(inner) = source {
            let more = inner.to_string();
            if !text.contains(&more) {
                if !text.is_empty() {
                    text.push_str(": ");
                }
                text.push_str(&more);
            }
            untrusted |= is_certificate_error(inner) || more.contains("invalid peer certificate");
            source = inner.source();
        }
        if text.is_empty() {
            // Not e.to_string(): it holds the URL, and Kannel's holds the password.
            text = if e.is_connect() { "cannot connect" } else { "the request failed" }.to_owned();
        }
        let host = self.config.url.host_str().unwrap_or_default();
        let port = self.config.url.port_or_known_default().unwrap_or_default();
        let mut cause = format!("{} at {host}:{port} unreachable: {text}", self.label());
        if untrusted {
            let key = match self.channel {
                Channel::Voice => "notify.voice.ca_file",
                _ => "notify.sms.ca_file",
            };
            cause.push_str(&format!(" (is {key} the CA that signed the gateway's certificate?)"));
        }
        cause
    }

    /// A gateway that echoes the request must not put the secret, the
    /// code or the message in the outbox (see [`scrub`]). Causes of our own
    /// never hold them: reqwest's errors are taken without the URL.
    fn scrub(&self, text: &str, message: Option<&str>) -> String {
        let password = self.config.password.as_ref().map(|p| p.expose_secret());
        let secrets = scrub::Secrets { username: self.config.username.as_deref(), password, text: message };
        scrub::scrub(text, secrets)
    }
}

#[async_trait::async_trait]
impl Notifier for GatewayNotifier {
    fn name(&self) -> &'static str {
        match self.channel {
            Channel::Voice => "voice-gateway",
            _ => "sms-gateway",
        }
    }

    async fn deliver(&self, message: &Message) -> Result<(), Error> {
        if message.channel != self.channel {
            return Err(Error::Permanent(format!(
                "a {} message reached the {}: it sends {} only",
                message.channel.as_str(),
                self.label(),
                self.channel.as_str()
            )));
        }
        let plan =
            request::plan(&self.config, message).map_err(|e| Error::Permanent(format!("{}: {e}", self.label())))?;
        // The answer is scrubbed of the password and codes already; the
        // message text is known only here.
        let status = self.send(plan).await.map_err(|e| match e {
            Error::Temporary(t) => Error::Temporary(self.scrub(&t, Some(&message.body))),
            Error::Deferred(t) => Error::Deferred(self.scrub(&t, Some(&message.body))),
            Error::Permanent(t) => Error::Permanent(self.scrub(&t, Some(&message.body))),
        })?;
        tracing::info!(
            channel = message.channel.as_str(),
            preset = self.config.preset.name(),
            status = status.as_u16(),
            "message handed to the gateway"
        );
        Ok(())
    }

    /// Kannel and Twilio are checked with `passdesk check`'s requests,
    /// sending nothing (Kannel: a request without recipient; Twilio: the
    /// account resource); their answers are mapped as a send's would be
    /// ([`GatewayNotifier::answer_error`]). A template gateway cannot be
    /// checked without sending a message: `None`, so a failing template
    /// route relies on the one send per interval that is let through.
    async fn probe(&self, channel: Channel) -> Option<Result<(), Error>> {
        if channel != self.channel {
            return None;
        }
        super::check::gateway_health(self).await
    }
}

fn label(config: &GatewayConfig, channel: Channel) -> String {
    let what = match channel {
        Channel::Voice => "voice gateway",
        _ => "SMS gateway",
    };
    format!("{what} ({})", config.preset.name())
}

/// The gateway's own words: a JSON API's `message` (with its `code`), or
/// the text on one line, shortened.
fn answer_text(body: &str) -> String {
    let json = serde_json::from_str::<serde_json::Value>(body).ok();
    let from_json = json.as_ref().and_then(|v| {
        let message = v.get("message").or_else(|| v.get("error")).and_then(serde_json::Value::as_str)?;
        Some(match v.get("code") {
            Some(code) if !code.is_null() => format!("{message} (code {code})"),
            _ => message.to_owned(),
        })
    });
    let text = from_json.unwrap_or_else(|| body.split_whitespace().collect::<Vec<_>>().join(" "));
    if text.is_empty() {
        return "(no text)".into();
    }
    if text.chars().count() > MAX_CAUSE_CHARS {
        return format!("{}…", text.chars().take(MAX_CAUSE_CHARS).collect::<String>());
    }
    text
}

/// What to check for the answers that mean a setup problem.
fn hint(status: reqwest::StatusCode, config: &GatewayConfig) -> String {
    match status.as_u16() {
        401 | 403 => " (check the route's username and password: the gateway refused them)".into(),
        404 | 405 => format!(" (is {} the gateway's address?)", config.url.origin().ascii_serialization()),
        300..=399 => " (the gateway redirects: put the address it points to in url)".into(),
        _ => String::new(),
    }
}

/// A client with this route's timeout and trust: the CA file alone when
/// one is set (a private gateway must not be vouched for by any public CA),
/// else the system's store. No redirects: a redirect would carry the
/// credentials elsewhere.
fn client(config: &GatewayConfig) -> Result<reqwest::Client, String> {
    let mut roots = rustls::RootCertStore::empty();
    match &config.ca_file {
        Some(path) => {
            let certs =
                CertificateDer::pem_file_iter(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("{}: {e}", path.display()))?;
                roots.add(cert).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("passdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

/// rustls refused the server's certificate (possibly inside an I/O error).
fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let rustls = e.downcast_ref::<rustls::Error>().or_else(|| {
        e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).and_then(|i| i.downcast_ref::<rustls::Error>())
    });
    matches!(rustls, Some(rustls::Error::InvalidCertificate(_)))
}
