//! What each preset sends, as a plain description of one HTTP request, so
//! the escaping rules can be tested without a network: Kannel's POST
//! `sendsms` (UTF-8, UCS-2 coding when the text is not plain ASCII), Twilio's
//! form posts (a voice call's TwiML built from the XML-escaped body), and a
//! template filled with values escaped for where they land.

use crate::config::{BodyFormat, GatewayConfig, GatewayPreset, TemplateMethod, TemplateRequest, fill};
use crate::domain::{Channel, Message};
use secrecy::ExposeSecret;

/// One request, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// GET or POST.
    pub method: reqwest::Method,
    /// Full URL, query included.
    pub url: url::Url,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// HTTP basic credentials.
    pub basic: Option<(String, String)>,
    /// Body and its Content-Type.
    pub body: Option<(String, &'static str)>,
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The request that delivers `message` through the route `config`.
pub fn plan(config: &GatewayConfig, message: &Message) -> Result<Plan, String> {
    match &config.preset {
        GatewayPreset::Kannel => kannel(config, message),
        GatewayPreset::Twilio => twilio(config, message),
        GatewayPreset::Template(template) => filled(config, template, message),
    }
}

fn password(config: &GatewayConfig) -> String {
    config.password.as_ref().map(|p| p.expose_secret().to_owned()).unwrap_or_default()
}

/// Kannel's smsbox POST form: the text as a `text/plain` UTF-8 body, the
/// rest in X-Kannel-* headers, so the password never sits in a URL (where
/// proxies and access logs keep it). Plain ASCII fits the GSM alphabet (160
/// characters a part); anything else is sent as UCS-2 (coding 2) so accents
/// and scripts arrive intact.
fn kannel(config: &GatewayConfig, message: &Message) -> Result<Plan, String> {
    if message.channel != Channel::Sms {
        return Err("Kannel sends text messages only".into());
    }
    let mut headers = kannel_account(config);
    headers.push(("X-Kannel-To".into(), message.recipient.clone()));
    if !message.body.is_ascii() {
        headers.push(("X-Kannel-Coding".into(), "2".into()));
    }
    if let Some(from) = &config.from {
        headers.push(("X-Kannel-From".into(), from.clone()));
    }
    Ok(Plan {
        method: reqwest::Method::POST,
        url: config.url.clone(),
        headers,
        basic: None,
        body: Some((message.body.clone(), KANNEL_TEXT)),
    })
}

/// Content-Type of a Kannel POST.
pub const KANNEL_TEXT: &str = "text/plain; charset=UTF-8";

/// The sendsms account as Kannel's POST headers.
pub fn kannel_account(config: &GatewayConfig) -> Vec<(String, String)> {
    vec![
        ("X-Kannel-Username".into(), config.username.clone().unwrap_or_default()),
        ("X-Kannel-Password".into(), password(config)),
    ]
}

/// `{base}/2010-04-01/Accounts/{sid}/Messages.json` or `…/Calls.json`.
fn twilio(config: &GatewayConfig, message: &Message) -> Result<Plan, String> {
    let sid = config.username.clone().unwrap_or_default();
    let (resource, content) = match message.channel {
        Channel::Sms => ("Messages.json", ("Body", message.body.clone())),
        Channel::Voice => ("Calls.json", ("Twiml", twiml(&message.body))),
        Channel::Email => return Err("an e-mail is not sent through a phone gateway".into()),
    };
    let url = twilio_url(&config.url, &[&sid, resource])?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("To", &message.recipient)
        .append_pair("From", config.from.as_deref().unwrap_or_default())
        .append_pair(content.0, &content.1)
        .finish();
    Ok(Plan {
        method: reqwest::Method::POST,
        url,
        headers: Vec::new(),
        basic: Some((sid, password(config))),
        body: Some((body, FORM)),
    })
}

/// `{base}/2010-04-01/Accounts/{parts…}`, each part one path segment.
pub fn twilio_url(base: &url::Url, parts: &[&str]) -> Result<url::Url, String> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| format!("{base} cannot take a path"))?
        .pop_if_empty()
        .extend(["2010-04-01", "Accounts"])
        .extend(parts);
    Ok(url)
}

/// The call reads the body aloud (the templates already spell codes digit
/// by digit).
pub fn twiml(body: &str) -> String {
    format!("<Response><Say>{}</Say></Response>", xml_escape(body.trim()))
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn filled(config: &GatewayConfig, template: &TemplateRequest, message: &Message) -> Result<Plan, String> {
    let secret = password(config);
    let value = |name: &str| -> String {
        match name {
            "to" => message.recipient.clone(),
            "text" => message.body.clone(),
            "from" => config.from.clone().unwrap_or_default(),
            "username" => config.username.clone().unwrap_or_default(),
            "password" => secret.clone(),
            _ => String::new(),
        }
    };
    let url_text = fill(&template.url, |name| url::form_urlencoded::byte_serialize(value(name).as_bytes()).collect());
    let url = url::Url::parse(&url_text).map_err(|e| format!("the template's url does not parse once filled: {e}"))?;
    let headers = template.headers.iter().map(|(name, v)| (name.clone(), fill(v, value))).collect();
    let body = template.body.as_ref().map(|(text, format)| match format {
        BodyFormat::Form => (fill(text, |n| url::form_urlencoded::byte_serialize(value(n).as_bytes()).collect()), FORM),
        BodyFormat::Json => (fill(text, |n| json_inside_string(&value(n))), JSON),
    });
    let basic = config.username.clone().map(|user| (user, secret.clone()));
    let method = match template.method {
        TemplateMethod::Get => reqwest::Method::GET,
        TemplateMethod::Post => reqwest::Method::POST,
    };
    Ok(Plan { method, url, headers, basic, body })
}

/// The inside of a JSON string literal: quotes, backslashes and control
/// characters escaped, no surrounding quotes.
fn json_inside_string(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or(&quoted).to_owned()
}

#[cfg(test)]
mod tests;
