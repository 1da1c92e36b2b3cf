//! `[notify.sms]` and `[notify.voice]`: the HTTP(S) gateways that send text
//! messages and place voice calls. Each route names a preset (Kannel's
//! `sendsms`, a Twilio-compatible API, or a template of the admin's own);
//! everything a request needs is checked here, templates included (their
//! placeholders are known and a JSON body is still JSON once filled in), so a
//! bad route stops the start instead of a send.

use super::Problem;
use super::raw::RawGateway;
use secrecy::SecretString;
use std::path::PathBuf;
use std::time::Duration;

/// Where Twilio's API lives; `url` replaces it for compatible providers.
pub const TWILIO_DEFAULT_URL: &str = "https://api.twilio.com";

/// Placeholders a template may use in its URL and body.
pub const TEMPLATE_PLACEHOLDERS: [&str; 5] = ["to", "text", "from", "username", "password"];
/// Placeholders a template may use in header values.
pub const HEADER_PLACEHOLDERS: [&str; 2] = ["username", "password"];

/// Which API a route speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayPreset {
    /// Kannel's smsbox `cgi-bin/sendsms` (SMS only).
    Kannel,
    /// Twilio's REST API or a compatible one: Messages.json, Calls.json.
    Twilio,
    /// A request described by the administrator.
    Template(TemplateRequest),
}

impl GatewayPreset {
    /// The name used in the configuration and in messages to admins.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Kannel => "kannel",
            Self::Twilio => "twilio",
            Self::Template(_) => "template",
        }
    }
}

/// HTTP method of a template request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateMethod {
    /// GET: everything in the URL.
    Get,
    /// POST with the body.
    Post,
}

/// How placeholders are escaped in a template body, and its Content-Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded`: values percent-encoded.
    Form,
    /// `application/json`: values escaped as the inside of a JSON string.
    Json,
}

/// `preset = "template"`: the admin's own request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRequest {
    /// GET or POST.
    pub method: TemplateMethod,
    /// URL with placeholders (their values are percent-encoded).
    pub url: String,
    /// Extra headers; values may hold `{username}` and `{password}`.
    pub headers: Vec<(String, String)>,
    /// Body with placeholders, and how they are escaped; `None` = no body.
    pub body: Option<(String, BodyFormat)>,
}

/// One validated route (`[notify.sms]` or `[notify.voice]`).
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The API spoken.
    pub preset: GatewayPreset,
    /// Kannel: the sendsms URL; Twilio: the API's base URL. Templates
    /// carry their own URL.
    pub url: url::Url,
    /// Kannel user, Twilio Account SID, or basic-auth user of a template.
    pub username: Option<String>,
    /// Its password or auth token.
    pub password: Option<SecretString>,
    /// Sender: number or name (Kannel `from`, Twilio `From`).
    pub from: Option<String>,
    /// Limit for one whole request, connection included.
    pub timeout: Duration,
    /// CA file trusted instead of the system's store (private gateways).
    pub ca_file: Option<PathBuf>,
}

/// Which route a section is, for its key paths and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `[notify.sms]`
    Sms,
    /// `[notify.voice]`
    Voice,
}

impl Route {
    fn key(self) -> &'static str {
        match self {
            Self::Sms => "notify.sms",
            Self::Voice => "notify.voice",
        }
    }
}

/// Validates one route; `None` when the section is absent. Problems go to
/// `p` (the result is then unused).
pub(super) fn gateway(p: &mut Vec<Problem>, raw: RawGateway, route: Route) -> Option<GatewayConfig> {
    if raw == RawGateway::default() {
        return None;
    }
    let section = route.key();
    let mut add = |key: &str, message: String| p.push(Problem { key: format!("{section}.{key}"), message });
    let preset = match raw.preset.as_deref() {
        Some("kannel") if route == Route::Voice => {
            add(
                "preset",
                "Kannel sends text messages only and cannot place calls: use \"twilio\" or \"template\" for voice, \
                 or remove [notify.voice]"
                    .into(),
            );
            GatewayPreset::Kannel
        }
        Some("kannel") => GatewayPreset::Kannel,
        Some("twilio") => GatewayPreset::Twilio,
        Some("template") => GatewayPreset::Template(template(&mut add, &raw)),
        None => {
            add("preset", "missing: give preset = \"kannel\", \"twilio\" or \"template\"".into());
            GatewayPreset::Kannel
        }
        Some(other) => {
            add(
                "preset",
                format!("\"{other}\" is not a preset: use \"kannel\", \"twilio\" or \"template\" (your own request)"),
            );
            GatewayPreset::Kannel
        }
    };
    if !matches!(preset, GatewayPreset::Template(_)) {
        for (key, set) in [
            ("method", raw.method.is_some()),
            ("headers", raw.headers.is_some()),
            ("body", raw.body.is_some()),
            ("body_format", raw.body_format.is_some()),
        ] {
            if set {
                add(key, "is only for preset = \"template\": remove it, or use the template preset".into());
            }
        }
    }
    let url = base_url(&mut add, &raw, &preset);
    let scheme = url.as_ref().map_or("https", url::Url::scheme);
    let username = raw.username.clone().filter(|u| !u.trim().is_empty());
    let password = raw.password.clone().map(SecretString::from);
    match (&preset, username.is_some(), password.is_some()) {
        (GatewayPreset::Kannel, false, _) => {
            add("username", "missing: Kannel's sendsms needs the username of a sendsms-user group".into())
        }
        (GatewayPreset::Twilio, false, _) => {
            add("username", "missing: give the Account SID (AC…) as username, and the auth token as password".into())
        }
        (GatewayPreset::Kannel | GatewayPreset::Twilio, true, false) => {
            add("password", "missing: give password or password_file (a file holding it)".into())
        }
        (GatewayPreset::Template(_), false, true) => {
            add("username", "missing: a password without a username is never sent; give both or neither".into())
        }
        _ => {}
    }
    if raw.username.as_deref().is_some_and(|u| u.trim().is_empty()) {
        add("username", "must not be empty: give the account name, or remove the key".into());
    }
    for (key, value) in [("username", raw.username.as_deref()), ("password", raw.password.as_deref())] {
        if let (Some(value), Some(why)) = (value, in_header(&preset, &raw, key)) {
            // Spaces inside are fine; at either end a server would trim them.
            if !value.chars().all(|c| (' '..='~').contains(&c)) || value.trim() != value {
                add(key, format!("use visible ASCII characters only ({why})"));
            }
        }
    }
    let from = raw.from.clone().filter(|f| !f.trim().is_empty());
    if preset == GatewayPreset::Twilio && from.is_none() {
        add("from", "missing: Twilio needs the number messages and calls come from, e.g. \"+31201234567\"".into());
    }
    if from.as_deref().is_some_and(|f| f.chars().count() > 32 || f.contains(char::is_control)) {
        add("from", "give a phone number or a sender name of at most 32 characters".into());
    }
    let timeout_secs = match raw.timeout_secs {
        None => 15,
        Some(n @ 1..=120) => n as u64,
        Some(n) => {
            add("timeout_secs", format!("{n} is out of range: use a whole number from 1 to 120 (default 15)"));
            15
        }
    };
    let ca_file = raw.ca_file.clone().filter(|f| !f.trim().is_empty()).map(PathBuf::from);
    if let Some(path) = &ca_file {
        if scheme != "https" {
            add("ca_file", "has no use with an http:// URL: use https://, or remove ca_file".into());
        } else if let Err(message) = super::smtp::check_ca_file(path) {
            add("ca_file", message);
        }
    }
    Some(GatewayConfig {
        preset,
        url: url?,
        username,
        password,
        from,
        timeout: Duration::from_secs(timeout_secs),
        ca_file,
    })
}

/// Why `key` (username or password) travels in an HTTP header, where only
/// visible ASCII fits, or `None` when it does not (Twilio's Basic auth is
/// base64, any text fits). Checked at load so a bad value is a config
/// problem naming the key, never a failed send.
fn in_header(preset: &GatewayPreset, raw: &RawGateway, key: &str) -> Option<&'static str> {
    let placeholder = format!("{{{key}}}");
    match preset {
        GatewayPreset::Kannel => Some("Kannel sends it in an HTTP header"),
        GatewayPreset::Twilio => None,
        GatewayPreset::Template(_) => raw
            .headers
            .as_ref()
            .is_some_and(|h| h.values().any(|v| v.contains(&placeholder)))
            .then_some("the template puts it in an HTTP header"),
    }
}

/// The URL the client connects to: Kannel's sendsms, Twilio's base, or
/// a template's URL with sample values (for `passdesk check`). `None` after
/// a problem was reported.
fn base_url(add: &mut impl FnMut(&str, String), raw: &RawGateway, preset: &GatewayPreset) -> Option<url::Url> {
    let text = match (preset, raw.url.as_deref()) {
        (GatewayPreset::Twilio, None) => return url::Url::parse(TWILIO_DEFAULT_URL).ok(),
        (GatewayPreset::Template(t), _) if t.url.is_empty() => return None,
        (GatewayPreset::Template(t), _) => fill(&t.url, |_| "x".into()),
        (_, Some(text)) => text.to_owned(),
        (_, None) => {
            add(
                "url",
                "missing: give Kannel's sendsms URL, e.g. \"http://sms.example.org:13013/cgi-bin/sendsms\"".into(),
            );
            return None;
        }
    };
    match url::Url::parse(&text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            if !u.username().is_empty() || u.password().is_some() {
                add("url", "must not hold credentials: use username and password (or password_file)".into());
            }
            Some(u)
        }
        _ => {
            add("url", format!("\"{text}\" is not an http:// or https:// URL, e.g. \"https://sms.example.org/send\""));
            None
        }
    }
}

fn template(add: &mut impl FnMut(&str, String), raw: &RawGateway) -> TemplateRequest {
    let method = match raw.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("POST") => TemplateMethod::Post,
        Some("GET") => TemplateMethod::Get,
        Some(other) => {
            add("method", format!("\"{other}\" is not supported: use \"POST\" (default) or \"GET\""));
            TemplateMethod::Post
        }
    };
    let url = raw.url.clone().unwrap_or_default();
    if raw.url.is_none() {
        add("url", "missing: the template needs the URL to call, e.g. \"https://sms.example.org/api/send\"".into());
    }
    if let Err(message) = placeholders_known(&url, &TEMPLATE_PLACEHOLDERS) {
        add("url", message);
    }
    let mut headers = Vec::new();
    for (name, value) in raw.headers.clone().unwrap_or_default() {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            add("headers", format!("\"{name}\" is not a header name: use letters, digits and '-', e.g. \"X-Api-Key\""));
        } else if matches!(name.to_ascii_lowercase().as_str(), "content-type" | "content-length" | "host") {
            add("headers", format!("\"{name}\" is set by passdesk (from body_format and url): remove it"));
        } else if let Err(message) = placeholders_known(&value, &HEADER_PLACEHOLDERS) {
            add("headers", format!("\"{name}\": {message}"));
        } else if reqwest::header::HeaderValue::from_str(&fill(&value, |_| "x".into())).is_err() {
            add("headers", format!("the value of \"{name}\" must be visible ASCII on one line"));
        } else {
            headers.push((name, value));
        }
    }
    let format = match raw.body_format.as_deref() {
        None if raw.body.is_some() => {
            add("body_format", "missing: say how the body is written, \"form\" or \"json\"".into());
            BodyFormat::Form
        }
        None | Some("form") => BodyFormat::Form,
        Some("json") => BodyFormat::Json,
        Some(other) => {
            add("body_format", format!("\"{other}\" is not a body format: use \"form\" or \"json\""));
            BodyFormat::Form
        }
    };
    let body = raw.body.clone().map(|b| (b, format));
    if let Some((text, format)) = &body {
        if method == TemplateMethod::Get {
            add("body", "a GET request has no body: use method = \"POST\", or put the values in the URL".into());
        } else if let Err(message) = placeholders_known(text, &TEMPLATE_PLACEHOLDERS) {
            add("body", message);
        } else if *format == BodyFormat::Json
            && serde_json::from_str::<serde_json::Value>(&fill(text, |_| "x\\\"\\\\".into())).is_err()
        {
            add(
                "body",
                "is not JSON once its placeholders are filled: write each placeholder inside a JSON string, \
                 e.g. {\"to\": \"{to}\", \"message\": \"{text}\"}"
                    .into(),
            );
        }
    } else if method == TemplateMethod::Post && !url.contains("{text}") {
        add("body", "missing: a POST template needs a body that carries {text} (or put {text} in the url)".into());
    }
    TemplateRequest { method, url, headers, body }
}

/// Every `{name}` (name of letters and '_') must be one of `allowed`; other
/// braces, such as a JSON object's, are plain text.
pub fn placeholders_known(text: &str, allowed: &[&str]) -> Result<(), String> {
    let mut unknown = Vec::new();
    fill(text, |name| {
        if !allowed.contains(&name) {
            unknown.push(format!("{{{name}}}"));
        }
        String::new()
    });
    if unknown.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = allowed.iter().map(|a| format!("{{{a}}}")).collect();
    Err(format!("unknown placeholder(s) {}: use {}", unknown.join(", "), known.join(", ")))
}

/// Replaces each `{name}` by `value(name)`; everything else is copied.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            out.push_str(&value(&after[..name_len]));
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
