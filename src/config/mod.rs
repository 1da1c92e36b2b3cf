//! Configuration: `passdesk.toml`, then `PASSDESK_SECTION__KEY` environment
//! overrides, then `…_file` secrets, turned into typed values by
//! `Config::try_from(RawConfig)`. Every problem is reported at once with its
//! key path, so an administrator fixes the file in one pass. Config is never
//! global: `crate::app` hands each part its own section.

mod brand;
mod directories;
mod expiry;
mod gateway;
pub(crate) mod load;
pub mod raw;
mod smtp;
mod sync;
mod validate;
pub mod windows_paths;

pub use brand::{Colour, DEFAULT_COLOUR, LOGO_MAX_BYTES, Logo};
pub use gateway::{
    BodyFormat, GatewayConfig, GatewayPreset, TemplateMethod, TemplateRequest, fill, placeholders_known,
};
pub use load::{load, load_str};
pub use smtp::{SmtpAuth, SmtpConfig, SmtpSecurity};

use crate::domain::{CodeRules, PasswordPolicy};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where to look for the file when no `--config` or `PASSDESK_CONFIG` is given.
#[cfg(unix)]
pub const PLATFORM_DEFAULT_PATH: &str = "/etc/passdesk/passdesk.toml";
/// Where to look for the file when no `--config` or `PASSDESK_CONFIG` is
/// given and ProgramData is where Windows usually has it (see
/// `platform_default_path`).
#[cfg(windows)]
pub const PLATFORM_DEFAULT_PATH: &str = r"C:\ProgramData\passdesk\passdesk.toml";

/// Where to look for the file when no `--config` or `PASSDESK_CONFIG` is
/// given: `/etc/passdesk/passdesk.toml`, or on Windows
/// `%ProgramData%\passdesk\passdesk.toml` wherever ProgramData is.
pub fn platform_default_path() -> PathBuf {
    #[cfg(windows)]
    return PathBuf::from(windows_paths::config_file(std::env::var("ProgramData").ok().as_deref()));
    #[cfg(not(windows))]
    PathBuf::from(PLATFORM_DEFAULT_PATH)
}

/// The data folder when `store.data_dir` is not set: `passdesk-data` in the
/// working directory, or on Windows `%ProgramData%\passdesk\data` (a
/// service works in System32, and the command line must find the same
/// database as the service).
pub fn default_data_dir() -> PathBuf {
    #[cfg(windows)]
    return PathBuf::from(windows_paths::data_dir(std::env::var("ProgramData").ok().as_deref()));
    #[cfg(not(windows))]
    PathBuf::from("passdesk-data")
}

/// The commented example configuration, also written by `passdesk init`.
pub const EXAMPLE_TOML: &str = include_str!("../../packaging/passdesk.example.toml");

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `[server]`
    pub server: ServerConfig,
    /// `[store]`
    pub store: StoreConfig,
    /// `[directories.*]`, in name order; never empty.
    pub directories: Vec<DirectoryConfig>,
    /// `[reset]`
    pub reset: ResetConfig,
    /// `[password]`
    pub password: PasswordPolicy,
    /// `[password] breached_file`: the offline breached-password list, if any.
    pub breached_file: Option<PathBuf>,
    /// `[notify]`
    pub notify: NotifyConfig,
    /// `[organisation]`
    pub organisation: OrganisationConfig,
    /// `[log]`
    pub log: LogConfig,
}

/// `[server]`
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Public base URL; `None` means "derive from the Host header".
    pub public_url: Option<url::Url>,
    /// Certificate and key files; `None` means self-signed in the data dir.
    pub tls: Option<TlsFiles>,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Self-service requests per minute per client address; 0 = no limit.
    pub requests_per_minute: u32,
    /// Report the directory's, the store's and hashing's share of each
    /// request in a `Server-Timing` header (benchmarks only: it would show
    /// strangers which user IDs exist).
    pub server_timing: bool,
}

/// A certificate chain and its key, both PEM.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// Certificate chain.
    pub cert: PathBuf,
    /// Private key.
    pub key: PathBuf,
}

/// `[store]`
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Data folder (created 0700).
    pub data_dir: PathBuf,
}

impl StoreConfig {
    /// The SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("passdesk.sqlite")
    }

    /// The server key file.
    pub fn key_path(&self) -> PathBuf {
        self.data_dir.join("server.key")
    }
}

/// Which implementation serves a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryKind {
    /// Users kept by passdesk in SQLite.
    Local,
    /// Active Directory or Samba AD.
    ActiveDirectory,
    /// OpenLDAP with the ppolicy overlay.
    OpenLdap,
}

/// How to reach and use an LDAP directory.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    /// Servers in failover order.
    pub urls: Vec<url::Url>,
    /// StartTLS on ldap:// URLs (always true for them: writes need TLS).
    pub starttls: bool,
    /// CA file; `None` means the operating system's trust store.
    pub ca_file: Option<PathBuf>,
    /// Service account DN.
    pub bind_dn: String,
    /// Service account password.
    pub bind_password: secrecy::SecretString,
    /// Search bases that hold the accounts in scope.
    pub scope: Vec<String>,
    /// Attributes a typed user ID is matched against.
    pub login_attributes: Vec<String>,
    /// TCP + TLS connect timeout.
    pub connect_timeout: std::time::Duration,
    /// Timeout of every operation.
    pub timeout: std::time::Duration,
    /// Idle connections kept per pool (service, person binds).
    pub pool_size: usize,
    /// Administrators' group (nested membership).
    pub admin_group: Option<String>,
    /// Pilot group: when set, only its members may reset.
    pub pilot_group: Option<String>,
    /// Attribute read as the e-mail address for codes.
    pub mail_attribute: String,
    /// Attribute read as the mobile number.
    pub mobile_attribute: String,
    /// Attribute read as the office phone number.
    pub office_phone_attribute: String,
    /// Attribute linking this directory's accounts to other directories'.
    pub link_attribute: Option<String>,
    /// AD: try the PDC emulator first (when it is one of `urls`).
    pub prefer_pdc_emulator: bool,
    /// OpenLDAP: the default ppolicy entry, for accounts without
    /// `pwdPolicySubentry`.
    pub policy_dn: Option<String>,
}

/// `[directories.NAME]`
#[derive(Debug, Clone)]
pub struct DirectoryConfig {
    /// The table name, shown to admins and stored with each flow.
    pub name: String,
    /// Implementation.
    pub kind: DirectoryKind,
    /// Domain for decoy hints.
    pub mail_domain: String,
    /// Connection settings for "ad" and "openldap"; `None` for "local".
    pub ldap: Option<LdapConfig>,
    /// Directory sync (`[directories.NAME.sync]`); off when absent.
    pub sync: SyncConfig,
}

/// `[directories.NAME.sync]`: which attributes `passdesk sync` copies into
/// contact data, and how often `serve` does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// Sync runs for this directory at all.
    pub enabled: bool,
    /// Time between runs in `serve`; `None` = no schedule.
    pub interval: Option<std::time::Duration>,
    /// Replace values people verified themselves.
    pub overwrite_verified: bool,
    /// Each synced kind and the attribute it is read from.
    pub mapping: Vec<(crate::domain::Enrolment, String)>,
}

/// `[reset]`
#[derive(Debug, Clone)]
pub struct ResetConfig {
    /// One-time code rules.
    pub codes: CodeRules,
    /// Seconds from identification until the flow is dead.
    pub session_secs: i64,
    /// Proof-of-work bits of the identify captcha; 0 = off.
    pub captcha_difficulty: u8,
    /// Every identify, send and verify answer takes at least this long.
    pub response_floor_ms: u64,
}

/// How messages leave passdesk.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Kept in the outbox and printed to the console.
    Outbox,
    /// E-mail sent through a mail server (`[notify.smtp]`).
    Smtp(SmtpConfig),
}

/// `[notify]`
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Transport.
    pub transport: Transport,
    /// Sender of e-mail messages.
    pub from: String,
    /// Text messages and calls per 24 hours for the whole organisation,
    /// so nobody can drain the SMS account.
    pub phone_daily_budget: u32,
    /// E-mail addresses of the administrators who receive security alerts
    /// ("this wasn't me" reports, an administrator's own reset).
    pub admin_alerts: Vec<String>,
    /// Days before a password expires on which people are reminded,
    /// largest first; empty: no expiry reminders.
    pub expiry_reminder_days: Vec<u32>,
    /// `[notify.sms]`: gateway for text messages; `None` = they go to
    /// `transport` like every other message.
    pub sms: Option<GatewayConfig>,
    /// `[notify.voice]`: gateway for voice calls; `None` = as `sms`.
    pub voice: Option<GatewayConfig>,
}

/// `[organisation]`
#[derive(Debug, Clone)]
pub struct OrganisationConfig {
    /// Display name.
    pub name: String,
    /// Helpdesk link (URL or mailto:), if any.
    pub helpdesk: Option<String>,
    /// Calling code ("31") that completes phone numbers written without
    /// one, in the directory or typed by people; `None` = numbers must
    /// carry their own.
    pub phone_country_code: Option<String>,
    /// The language of pages when the browser asks for none passdesk
    /// speaks, and of messages no request caused (reminders, alerts).
    pub language: crate::i18n::Lang,
    /// The logo, read at start; `None` = passdesk's neutral mark.
    pub logo: Option<Logo>,
    /// Colour of buttons and links; white text on it reaches 4.5:1.
    pub colour: Colour,
}

/// `[log]`
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// tracing filter directive.
    pub level: String,
    /// JSON lines instead of text.
    pub json: bool,
    /// Where audit rows with a writeback event id are also sent.
    pub event_log: EventLogChoice,
}

/// `log.event_log`: the system log that receives a copy of every writeback
/// event (31001…33008), so monitoring rules written for the reference's
/// event ids keep working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLogChoice {
    /// journald when its socket exists, else syslog when `/dev/log` does,
    /// else nothing; on Windows the Application event log.
    Auto,
    /// The journal's native protocol, with the event id as a field.
    Journald,
    /// RFC 5424 syslog to `/dev/log`.
    Syslog,
    /// The Windows Application event log, source "passdesk", the event id
    /// as the event's id.
    Windows,
    /// Only the audit trail and the ordinary log.
    Off,
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path, e.g. `server.listen`.
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Everything wrong with a configuration, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_problems(.source_name, .problems))]
pub struct Error {
    /// Where the configuration came from (a path or "embedded defaults").
    pub source_name: String,
    /// The problems, in key order.
    pub problems: Vec<Problem>,
}

fn render_problems(source: &str, problems: &[Problem]) -> String {
    let mut out = format!("{} problem(s) in the configuration ({source}):", problems.len());
    for p in problems {
        out.push_str(&format!("\n  - {}: {}", p.key, p.message));
    }
    out
}

#[cfg(test)]
mod tests;
