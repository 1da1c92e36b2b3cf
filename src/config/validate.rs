//! `RawConfig` → `Config`: defaults applied, ranges checked, every problem
//! collected with its key path.

use super::raw::*;
use super::*;
use crate::domain::password::{MAX_LENGTH_CEILING, MAX_LENGTH_FLOOR, MIN_LENGTH_FLOOR};

/// Collects problems while the typed config is built.
#[derive(Default)]
pub(super) struct Problems(pub(super) Vec<Problem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { key: key.into(), message: message.into() });
    }

    /// An integer within `range`, or the default.
    fn int_in(&mut self, key: &str, value: Option<i64>, range: std::ops::RangeInclusive<i64>, default: i64) -> i64 {
        match value {
            None => default,
            Some(v) if range.contains(&v) => v,
            Some(v) => {
                self.add(
                    key,
                    format!("{v} is out of range: use a whole number from {} to {}", range.start(), range.end()),
                );
                default
            }
        }
    }
}

impl TryFrom<RawConfig> for Config {
    type Error = Vec<Problem>;

    fn try_from(raw: RawConfig) -> Result<Self, Self::Error> {
        let mut p = Problems::default();
        let server = server(&mut p, raw.server);
        let store =
            StoreConfig { data_dir: raw.store.data_dir.map(PathBuf::from).unwrap_or_else(super::default_data_dir) };
        if store.data_dir.as_os_str().is_empty() {
            p.add("store.data_dir", "must not be empty: give a folder, e.g. \"/var/lib/passdesk\"");
        }
        let directories = super::directories::directories(&mut p.0, raw.directories);
        let reset = ResetConfig {
            codes: CodeRules {
                lifetime_secs: 60
                    * p.int_in("reset.code_lifetime_minutes", raw.reset.code_lifetime_minutes, 2..=15, 10),
                ..CodeRules::default()
            },
            session_secs: 60 * p.int_in("reset.session_minutes", raw.reset.session_minutes, 5..=60, 15),
            response_floor_ms: p.int_in("reset.response_floor_ms", raw.reset.response_floor_ms, 0..=2000, 300) as u64,
            captcha_difficulty: match raw.reset.captcha_difficulty {
                None => 16,
                Some(0) => 0,
                Some(bits @ 8..=24) => bits as u8,
                Some(_) => {
                    p.add(
                        "reset.captcha_difficulty",
                        "use 8 to 24 bits (16 is the default), or 0 to turn the captcha off",
                    );
                    16
                }
            },
        };
        let breached_file = raw.password.breached_file.clone().filter(|f| !f.trim().is_empty()).map(PathBuf::from);
        let password = password(&mut p, raw.password);
        let mut notify = notify(&mut p, raw.notify);
        super::smtp::default_hello_name(&mut notify.transport, server.public_url.as_ref());
        let organisation = OrganisationConfig {
            name: raw.organisation.name.unwrap_or_else(|| "passdesk".to_owned()),
            helpdesk: raw.organisation.helpdesk.filter(|h| !h.trim().is_empty()),
            phone_country_code: raw
                .organisation
                .phone_country_code
                .map(|c| c.trim().trim_start_matches('+').to_owned()),
            language: match raw.organisation.language.as_deref().map(str::trim) {
                None | Some("") => crate::i18n::Lang::default(),
                Some(tag) => crate::i18n::from_tag(tag).unwrap_or_else(|| {
                    let spoken: Vec<&str> = crate::i18n::Lang::ALL.iter().map(|l| l.code()).collect();
                    p.add(
                        "organisation.language",
                        format!("{tag:?} is not a language passdesk speaks: use one of {}", spoken.join(", ")),
                    );
                    crate::i18n::Lang::default()
                }),
            },
            logo: super::brand::logo(&mut p.0, raw.organisation.logo_file),
            colour: super::brand::colour(&mut p.0, raw.organisation.colour),
        };
        if let Some(code) = &organisation.phone_country_code
            && (!(1..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_digit()) || code.starts_with('0'))
        {
            p.add("organisation.phone_country_code", "give the calling code without + or 00, e.g. \"31\" or \"1\"");
        }
        if organisation.name.trim().is_empty() || organisation.name.chars().count() > 80 {
            p.add("organisation.name", "give a name of 1 to 80 characters");
        }
        if let Some(h) = &organisation.helpdesk
            && !(h.starts_with("https://") || h.starts_with("http://") || h.starts_with("mailto:"))
        {
            p.add("organisation.helpdesk", "use a URL (https://…) or an e-mail link (mailto:helpdesk@example.org)");
        }
        let log = log(&mut p, raw.log);
        if !p.0.is_empty() {
            p.0.sort_by(|a, b| a.key.cmp(&b.key));
            return Err(p.0);
        }
        Ok(Config { server, store, directories, reset, password, breached_file, notify, organisation, log })
    }
}

fn server(p: &mut Problems, raw: RawServer) -> ServerConfig {
    let listen_text = raw.listen.unwrap_or_else(|| "127.0.0.1:8443".to_owned());
    let listen = listen_text.parse().unwrap_or_else(|_| {
        p.add(
            "server.listen",
            format!("\"{listen_text}\" is not an address: use IP:PORT, e.g. \"0.0.0.0:443\" or \"[::]:8443\""),
        );
        SocketAddr::from(([127, 0, 0, 1], 8443))
    });
    let public_url = raw.public_url.and_then(|text| match url::Url::parse(&text) {
        Ok(u) if u.scheme() == "https" && u.host().is_some() => Some(u),
        _ => {
            p.add(
                "server.public_url",
                format!("\"{text}\" is not an https URL: use e.g. \"https://passdesk.example.org\""),
            );
            None
        }
    });
    let tls = match (raw.tls_cert, raw.tls_key) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.into(), key: key.into() }),
        (Some(_), None) => {
            p.add("server.tls_key", "missing: tls_cert needs its private key file too");
            None
        }
        (None, Some(_)) => {
            p.add("server.tls_cert", "missing: tls_key needs its certificate file too");
            None
        }
    };
    let kib = p.int_in("server.max_body_kib", raw.max_body_kib, 4..=1024, 64);
    let per_minute = p.int_in("server.requests_per_minute", raw.requests_per_minute, 0..=100_000, 60);
    ServerConfig {
        listen,
        public_url,
        tls,
        max_body_bytes: usize::try_from(kib).unwrap_or(64) * 1024,
        requests_per_minute: u32::try_from(per_minute).unwrap_or(60),
        server_timing: raw.server_timing.unwrap_or(false),
    }
}

fn password(p: &mut Problems, raw: RawPassword) -> PasswordPolicy {
    let ceiling = MAX_LENGTH_CEILING as i64;
    let min = p.int_in("password.min_length", raw.min_length, MIN_LENGTH_FLOOR as i64..=ceiling, 12);
    let max = p.int_in("password.max_length", raw.max_length, MAX_LENGTH_FLOOR as i64..=ceiling, 128);
    if min > max {
        p.add(
            "password.min_length",
            format!("{min} is above password.max_length ({max}): lower it or raise the maximum"),
        );
    }
    let strength = p.int_in("password.min_strength", raw.min_strength, 0..=4, 2);
    let words = raw.organisation_words.unwrap_or_default();
    if words.iter().any(|w| w.trim().is_empty() || w.chars().count() > 64) {
        p.add("password.organisation_words", "list words of 1 to 64 characters, e.g. [\"Contoso\", \"Fabrikam\"]");
    }
    PasswordPolicy {
        min_length: min as usize,
        max_length: max as usize,
        min_strength: strength as u8,
        organisation_words: words,
    }
}

fn notify(p: &mut Problems, raw: RawNotify) -> NotifyConfig {
    let from = raw.from.unwrap_or_else(|| "passdesk <passdesk@localhost>".to_owned());
    if !from.contains('@') || from.contains(['\r', '\n']) {
        p.add("notify.from", "give a sender address, e.g. \"IT Helpdesk <helpdesk@example.org>\"");
    }
    let transport = match raw.transport.as_deref() {
        None | Some("outbox") => {
            if raw.smtp != RawSmtp::default() {
                p.add("notify.smtp", "is set but unused: set notify.transport = \"smtp\", or remove [notify.smtp]");
            }
            Transport::Outbox
        }
        Some("smtp") => Transport::Smtp(super::smtp::smtp(&mut p.0, raw.smtp, &from)),
        Some(other) => {
            p.add("notify.transport", format!("\"{other}\" is not a transport: use \"outbox\" or \"smtp\""));
            Transport::Outbox
        }
    };
    let phone_daily_budget = p.int_in("notify.phone_daily_budget", raw.phone_daily_budget, 1..=1_000_000, 500) as u32;
    let admin_alerts = raw.admin_alerts.unwrap_or_default();
    if admin_alerts.iter().any(|a| !a.contains('@') || a.contains(char::is_whitespace) || a.len() > 254) {
        p.add("notify.admin_alerts", "list e-mail addresses, e.g. [\"it-security@example.org\"]");
    }
    let expiry_reminder_days = super::expiry::reminder_days(&mut p.0, raw.expiry_reminder_days);
    let sms = super::gateway::gateway(&mut p.0, raw.sms, super::gateway::Route::Sms);
    let voice = super::gateway::gateway(&mut p.0, raw.voice, super::gateway::Route::Voice);
    NotifyConfig { transport, from, phone_daily_budget, admin_alerts, expiry_reminder_days, sms, voice }
}

fn log(p: &mut Problems, raw: RawLog) -> LogConfig {
    let level = raw.level.unwrap_or_else(|| "info".to_owned());
    if tracing_subscriber::EnvFilter::try_new(&level).is_err() {
        p.add("log.level", format!("\"{level}\" is not a log filter: use error, warn, info, debug or trace"));
    }
    let json = match raw.format.as_deref() {
        None | Some("text") => false,
        Some("json") => true,
        Some(other) => {
            p.add("log.format", format!("\"{other}\" is not a log format: use \"text\" or \"json\""));
            false
        }
    };
    let event_log = match raw.event_log.as_deref() {
        None | Some("auto") => EventLogChoice::Auto,
        Some("off") => EventLogChoice::Off,
        Some("journald") if cfg!(unix) => EventLogChoice::Journald,
        Some("syslog") if cfg!(unix) => EventLogChoice::Syslog,
        Some("windows") if cfg!(windows) => EventLogChoice::Windows,
        Some(other @ ("journald" | "syslog")) => {
            p.add(
                "log.event_log",
                format!("\"{other}\" exists only on Linux and other Unix systems: use \"auto\" or \"off\""),
            );
            EventLogChoice::Off
        }
        Some("windows") => {
            p.add(
                "log.event_log",
                "\"windows\" exists only on Windows: use \"auto\", \"journald\", \"syslog\" or \"off\"",
            );
            EventLogChoice::Off
        }
        Some(other) => {
            p.add(
                "log.event_log",
                format!(
                    "\"{other}\" is not an event log: use \"auto\", \"journald\", \"syslog\", \"windows\" or \"off\""
                ),
            );
            EventLogChoice::Off
        }
    };
    LogConfig { level, json, event_log }
}
