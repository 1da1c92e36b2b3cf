//! The configuration as a support person may see it: the file with the
//! environment overrides applied, every secret replaced by `[redacted]`.
//! Two rules, so one forgotten entry does not leak: a key is shown only
//! when it is on the list of known harmless keys, and even then never when
//! its name sounds secret (password, secret, token, key, auth…). Values
//! set from the environment are redacted too (they are often the secrets
//! kept out of the file), and URLs lose their password and query values.

use toml::{Table, Value};

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Keys whose value is secret whatever their name says: the gateway
/// template's body and headers may carry an API key in clear, and a
/// gateway user name is half of its credentials (Twilio's account SID).
const SECRET_KEYS: &[&str] =
    &["bind_password", "password", "api_token", "auth_token", "notify.*.body", "notify.*.headers", "notify.*.username"];

/// Parts of a key name that make it secret, unless listed in
/// [`HARMLESS_NAMES`].
const SECRET_WORDS: &[&str] = &["password", "passwd", "secret", "token", "key", "auth", "credential", "passphrase"];

/// Keys that contain a secret word but hold no secret: a file's path.
const HARMLESS_NAMES: &[&str] = &["tls_key"];

/// Every key shown in clear, as a pattern (`*` stands for a directory's or a
/// route's name). A key missing here is redacted.
const PUBLIC_KEYS: &[&str] = &[
    "server.listen",
    "server.public_url",
    "server.tls_cert",
    "server.tls_key",
    "server.max_body_kib",
    "server.requests_per_minute",
    "server.server_timing",
    "store.data_dir",
    "directories.*.kind",
    "directories.*.urls",
    "directories.*.starttls",
    "directories.*.ca_file",
    "directories.*.bind_dn",
    "directories.*.bind_password_file",
    "directories.*.scope",
    "directories.*.login_attributes",
    "directories.*.connect_timeout_secs",
    "directories.*.timeout_secs",
    "directories.*.pool_size",
    "directories.*.admin_group",
    "directories.*.pilot_group",
    "directories.*.mail_attribute",
    "directories.*.mobile_attribute",
    "directories.*.office_phone_attribute",
    "directories.*.link_attribute",
    "directories.*.prefer_pdc_emulator",
    "directories.*.policy_dn",
    "directories.*.mail_domain",
    "directories.*.sync.enabled",
    "directories.*.sync.interval_minutes",
    "directories.*.sync.overwrite_verified",
    "directories.*.sync.email",
    "directories.*.sync.alt_email",
    "directories.*.sync.mobile",
    "directories.*.sync.office_phone",
    "reset.code_lifetime_minutes",
    "reset.session_minutes",
    "reset.captcha_difficulty",
    "reset.response_floor_ms",
    "password.min_length",
    "password.max_length",
    "password.min_strength",
    "password.organisation_words",
    "password.breached_file",
    "notify.transport",
    "notify.from",
    "notify.phone_daily_budget",
    "notify.admin_alerts",
    "notify.expiry_reminder_days",
    "notify.smtp.host",
    "notify.smtp.port",
    "notify.smtp.security",
    "notify.smtp.username",
    "notify.smtp.password_file",
    "notify.smtp.reply_to",
    "notify.smtp.timeout_secs",
    "notify.smtp.ca_file",
    "notify.smtp.hello_name",
    "notify.*.preset",
    "notify.*.url",
    "notify.*.password_file",
    "notify.*.from",
    "notify.*.timeout_secs",
    "notify.*.ca_file",
    "notify.*.method",
    "notify.*.body_format",
    "organisation.name",
    "organisation.helpdesk",
    "organisation.phone_country_code",
    "organisation.language",
    "organisation.logo_file",
    "organisation.colour",
    "log.level",
    "log.format",
    "log.event_log",
];

/// How a key is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Shown (URLs still lose their password and query values).
    Public,
    /// Secret by the list or by its name.
    Secret,
    /// Not on any list: redacted, because a new key may be a secret.
    Unknown,
}

/// The redacted configuration and the secret values taken out of it (so
/// the rest of the bundle can be scrubbed of them too).
#[derive(Debug, Default)]
pub struct RedactedConfig {
    /// TOML text.
    pub toml: String,
    /// The values replaced, as written.
    pub removed: Vec<String>,
    /// The environment variables that set keys.
    pub env_names: Vec<String>,
}

/// Redacts `text` (the configuration file, empty for the embedded
/// defaults) after applying the `PASSDESK_SECTION__KEY` overrides in `env`.
pub fn redact_config(text: &str, env: &[(String, String)]) -> Result<RedactedConfig, String> {
    let mut table: Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut problems = Vec::new();
    crate::config::load::apply_env(&mut table, env, &mut problems);
    let mut env_paths = Vec::new();
    let mut env_names = Vec::new();
    for (name, _) in env {
        let Some(rest) = name.strip_prefix("PASSDESK_").filter(|r| r.contains("__")) else { continue };
        env_paths.push(rest.split("__").map(str::to_lowercase).collect::<Vec<_>>().join("."));
        env_names.push(name.clone());
    }
    let mut removed = Vec::new();
    redact_table(&mut table, &[], &env_paths, &mut removed);
    let toml = toml::to_string_pretty(&table).map_err(|e| e.to_string())?;
    Ok(RedactedConfig { toml, removed, env_names })
}

fn redact_table(table: &mut Table, at: &[&str], env_paths: &[String], removed: &mut Vec<String>) {
    for (key, value) in table.iter_mut() {
        let mut path: Vec<&str> = at.to_vec();
        path.push(key);
        let dotted = path.join(".");
        let from_env = env_paths.iter().any(|p| *p == dotted || p.starts_with(&format!("{dotted}.")));
        let class = classify(&path);
        // A section is walked even when its name sounds secret: `[password]`
        // holds the password rules, not a password.
        if (class == Class::Public || is_section(&path))
            && let Value::Table(inner) = value
        {
            redact_table(inner, &path, env_paths, removed);
            continue;
        }
        let harmless_env = matches!(value, Value::Boolean(_) | Value::Integer(_));
        if class != Class::Public || (from_env && !harmless_env) {
            collect(value, removed);
            *value = Value::String(REDACTED.into());
        } else {
            clean_urls(value, removed);
        }
    }
}

/// Sections (and directories' and routes' tables) hold keys, not values.
fn is_section(path: &[&str]) -> bool {
    let pattern = pattern_of(path);
    matches!(
        pattern.as_str(),
        "server"
            | "store"
            | "directories"
            | "directories.*"
            | "directories.*.sync"
            | "reset"
            | "password"
            | "notify"
            | "notify.smtp"
            | "notify.*"
            | "organisation"
            | "log"
    )
}

/// The key's pattern: a directory's name and a route's name become `*`.
fn pattern_of(path: &[&str]) -> String {
    let mut parts: Vec<&str> = path.to_vec();
    if parts.first() == Some(&"directories") && parts.len() > 1 {
        parts[1] = "*";
    }
    if parts.first() == Some(&"notify") && parts.len() > 1 && matches!(parts[1], "sms" | "voice") {
        parts[1] = "*";
    }
    parts.join(".")
}

/// How the key at `path` is treated.
pub fn classify(path: &[&str]) -> Class {
    let pattern = pattern_of(path);
    // A directory's or route's own name is the administrator's choice, not a key.
    let name = if pattern.ends_with('*') { "" } else { path.last().copied().unwrap_or_default() };
    if SECRET_KEYS.iter().any(|k| *k == name || *k == pattern || path_under(&pattern, k)) {
        return Class::Secret;
    }
    if secret_name(name) {
        return Class::Secret;
    }
    if PUBLIC_KEYS.contains(&pattern.as_str()) || is_section(path) { Class::Public } else { Class::Unknown }
}

fn path_under(pattern: &str, key: &str) -> bool {
    key.contains('.') && pattern.starts_with(&format!("{key}."))
}

/// Whether a key's name sounds secret (a `…_file` key names a file, and
/// the file's content never reaches the bundle).
pub fn secret_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    if HARMLESS_NAMES.contains(&lower.as_str()) || lower.ends_with("_file") {
        return false;
    }
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

fn collect(value: &Value, removed: &mut Vec<String>) {
    match value {
        Value::String(s) => removed.push(s.clone()),
        Value::Integer(i) => removed.push(i.to_string()),
        Value::Float(f) => removed.push(f.to_string()),
        Value::Array(items) => items.iter().for_each(|v| collect(v, removed)),
        Value::Table(t) => {
            t.values().for_each(|v| collect(v, removed));
        }
        Value::Boolean(_) | Value::Datetime(_) => {}
    }
}

/// Takes the password and the query values out of URLs
/// (`https://user:pw@host/?key=v` → `https://user:[redacted]@host/?key=[redacted]`).
fn clean_urls(value: &mut Value, removed: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            if let Some(clean) = clean_url(s, removed) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| clean_urls(v, removed)),
        _ => {}
    }
}

/// The URL in `text` without its secrets, or `None` when `text` is not a
/// URL with a password or a query.
pub fn clean_url(text: &str, removed: &mut Vec<String>) -> Option<String> {
    if !text.contains("://") {
        return None;
    }
    let mut url = url::Url::parse(text).ok()?;
    let mut changed = false;
    if let Some(password) = url.password() {
        removed.push(password.to_owned());
        changed = url.set_password(Some(REDACTED)).is_ok();
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let mut query = url.query_pairs_mut();
        query.clear();
        for (k, v) in pairs {
            removed.push(v);
            query.append_pair(&k, REDACTED);
        }
        drop(query);
        changed = true;
    }
    // The brackets are percent-encoded by the URL type; show them plainly.
    changed.then(|| url.to_string().replace("%5Bredacted%5D", REDACTED))
}

#[cfg(test)]
mod tests;
