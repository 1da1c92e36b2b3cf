//! The configuration exactly as written in `passdesk.toml` (after
//! environment overrides): every field optional, so a missing key means
//! "use the default" and only `validate` decides what is acceptable.
//! Unknown keys are collected by `load` (all of them, not only the first).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
pub struct RawConfig {
    /// `[server]`
    #[serde(default)]
    pub server: RawServer,
    /// `[store]`
    #[serde(default)]
    pub store: RawStore,
    /// `[directories.NAME]`, one table per directory.
    #[serde(default)]
    pub directories: BTreeMap<String, RawDirectory>,
    /// `[reset]`
    #[serde(default)]
    pub reset: RawReset,
    /// `[password]`
    #[serde(default)]
    pub password: RawPassword,
    /// `[notify]`
    #[serde(default)]
    pub notify: RawNotify,
    /// `[organisation]`
    #[serde(default)]
    pub organisation: RawOrganisation,
    /// `[log]`
    #[serde(default)]
    pub log: RawLog,
}

/// `[server]`: where and how the portal listens.
#[derive(Debug, Default, Deserialize)]
pub struct RawServer {
    /// Socket address, e.g. "127.0.0.1:8443".
    pub listen: Option<String>,
    /// The URL people type, e.g. "https://passdesk.example.org"; used for
    /// links in messages and the Origin check.
    pub public_url: Option<String>,
    /// PEM certificate chain; with `tls_key`. Absent: self-signed on first run.
    pub tls_cert: Option<String>,
    /// PEM private key for `tls_cert`.
    pub tls_key: Option<String>,
    /// Largest request body accepted, in KiB.
    pub max_body_kib: Option<i64>,
    /// Self-service requests (form posts and API calls) per minute from one
    /// client address; 0 turns the limit off.
    pub requests_per_minute: Option<i64>,
    /// Report where each request's time went in a Server-Timing header.
    pub server_timing: Option<bool>,
}

/// `[store]`: where passdesk keeps its state.
#[derive(Debug, Default, Deserialize)]
pub struct RawStore {
    /// Folder for the database, the server key and the self-signed certificate.
    pub data_dir: Option<String>,
}

/// `[directories.NAME]`: one directory people reset passwords in.
#[derive(Debug, Default, Deserialize)]
pub struct RawDirectory {
    /// "local" (users kept by passdesk itself), "ad" or "openldap".
    pub kind: Option<String>,
    /// LDAP server URLs in failover order (ldaps://, or ldap:// with starttls).
    pub urls: Option<Vec<String>>,
    /// Use StartTLS on ldap:// URLs.
    pub starttls: Option<bool>,
    /// PEM file of the CA(s) that sign the servers' certificates.
    pub ca_file: Option<String>,
    /// DN of the service account.
    pub bind_dn: Option<String>,
    /// Password of the service account (or `bind_password_file`).
    pub bind_password: Option<String>,
    /// Search bases (OUs) that hold the accounts people may reset.
    pub scope: Option<Vec<String>>,
    /// Attributes a typed user ID is matched against.
    pub login_attributes: Option<Vec<String>>,
    /// Seconds to wait for a TCP + TLS connection.
    pub connect_timeout_secs: Option<i64>,
    /// Seconds to wait for any LDAP operation.
    pub timeout_secs: Option<i64>,
    /// Connections kept open per pool (service, person binds).
    pub pool_size: Option<i64>,
    /// Group (DN) whose members (nested) are administrators: they get the
    /// fixed administrator policy (two methods, never questions).
    pub admin_group: Option<String>,
    /// Group (DN) that limits self-service reset to its members (nested).
    pub pilot_group: Option<String>,
    /// Attribute that holds the e-mail address codes are sent to (default "mail").
    pub mail_attribute: Option<String>,
    /// Attribute that holds the mobile number (default "mobile").
    pub mobile_attribute: Option<String>,
    /// Attribute that holds the office number (default "telephoneNumber").
    pub office_phone_attribute: Option<String>,
    /// Attribute that links a person's accounts across directories (e.g.
    /// "mail" or "employeeID"): one reset writes every linked account.
    pub link_attribute: Option<String>,
    /// AD: send writes to the PDC emulator (found from `fSMORoleOwner`).
    pub prefer_pdc_emulator: Option<bool>,
    /// OpenLDAP: DN of the default ppolicy entry (slapd's `ppolicy_default`).
    pub policy_dn: Option<String>,
    /// Mail domain shown on masked hints for unknown users, so they look
    /// like this directory's real ones.
    pub mail_domain: Option<String>,
    /// `[directories.NAME.sync]`: copying contact data from attributes
    /// (not an `Option`, so an unknown key in it is named by its plain path).
    #[serde(default)]
    pub sync: RawSync,
}

/// `[directories.NAME.sync]`: directory sync (`passdesk sync`, and on a
/// schedule in `serve`).
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
pub struct RawSync {
    /// Sync this directory at all (default false: sync removes data).
    pub enabled: Option<bool>,
    /// Minutes between runs in `serve`; 0 or absent = no schedule.
    pub interval_minutes: Option<i64>,
    /// Replace values people verified themselves (default false).
    pub overwrite_verified: Option<bool>,
    /// Attribute synced as the address for codes ("" = none).
    pub email: Option<String>,
    /// Attribute synced as the alternate address ("" = none).
    pub alt_email: Option<String>,
    /// Attribute synced as the mobile number ("" = none).
    pub mobile: Option<String>,
    /// Attribute synced as the office number ("" = none).
    pub office_phone: Option<String>,
}

/// `[reset]`: the numbers of the self-service reset flow.
#[derive(Debug, Default, Deserialize)]
pub struct RawReset {
    /// Minutes a one-time code stays valid (2–15).
    pub code_lifetime_minutes: Option<i64>,
    /// Minutes from identification to the new password (5–60).
    pub session_minutes: Option<i64>,
    /// Proof-of-work bits asked on identify (0 = off, 8–24).
    pub captcha_difficulty: Option<i64>,
    /// Shortest answer time of identify, send and verify, in ms (0–2000).
    pub response_floor_ms: Option<i64>,
}

/// `[password]`: passdesk's own password rules.
#[derive(Debug, Default, Deserialize)]
pub struct RawPassword {
    /// Fewest characters (at least 8).
    pub min_length: Option<i64>,
    /// Most characters (64–256).
    pub max_length: Option<i64>,
    /// Lowest zxcvbn score accepted (0–4).
    pub min_strength: Option<i64>,
    /// Words of the organisation refused inside passwords.
    pub organisation_words: Option<Vec<String>>,
    /// Have I Been Pwned SHA-1 "ordered by hash" file.
    pub breached_file: Option<String>,
}

/// `[notify]`: how messages leave passdesk.
#[derive(Debug, Default, Deserialize)]
pub struct RawNotify {
    /// "outbox": keep messages in the outbox and print them to the console;
    /// "smtp": send e-mail through `[notify.smtp]`.
    pub transport: Option<String>,
    /// Sender shown on e-mail messages.
    pub from: Option<String>,
    /// Text messages and calls the whole organisation may send per day.
    pub phone_daily_budget: Option<i64>,
    /// Addresses that receive security alerts for administrators.
    pub admin_alerts: Option<Vec<String>>,
    /// Days before a password expires on which people are reminded.
    pub expiry_reminder_days: Option<Vec<i64>>,
    /// `[notify.smtp]`: the mail server, for `transport = "smtp"` (not an
    /// `Option`, so an unknown key in it is named by its plain path).
    #[serde(default)]
    pub smtp: RawSmtp,
    /// `[notify.sms]`: the gateway text messages go through.
    #[serde(default)]
    pub sms: RawGateway,
    /// `[notify.voice]`: the gateway that places voice calls.
    #[serde(default)]
    pub voice: RawGateway,
}

/// `[notify.sms]` / `[notify.voice]`: an HTTP(S) SMS or voice gateway.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub struct RawGateway {
    /// "kannel", "twilio" or "template".
    pub preset: Option<String>,
    /// Kannel's sendsms URL, Twilio's base URL, or the template's URL.
    pub url: Option<String>,
    /// Kannel user, Twilio Account SID, or basic-auth user of a template.
    pub username: Option<String>,
    /// Its password or auth token (or `password_file`).
    pub password: Option<String>,
    /// Sender number or name.
    pub from: Option<String>,
    /// Seconds one request may take, connection included.
    pub timeout_secs: Option<i64>,
    /// PEM file of the CA(s) that sign the gateway's certificate.
    pub ca_file: Option<String>,
    /// Template: "POST" or "GET".
    pub method: Option<String>,
    /// Template: extra request headers.
    pub headers: Option<BTreeMap<String, String>>,
    /// Template: the request body with placeholders.
    pub body: Option<String>,
    /// Template: "form" or "json".
    pub body_format: Option<String>,
}

/// `[notify.smtp]`: how passdesk reaches its mail server.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
pub struct RawSmtp {
    /// Mail server name or address.
    pub host: Option<String>,
    /// TCP port (default 587 for starttls, 465 for tls, 25 for plain).
    pub port: Option<i64>,
    /// "starttls" (default), "tls" (implicit) or "plain".
    pub security: Option<String>,
    /// AUTH user name; absent = no authentication.
    pub username: Option<String>,
    /// AUTH password (or `password_file`).
    pub password: Option<String>,
    /// Address answers go to, when not the sender.
    pub reply_to: Option<String>,
    /// Seconds to wait for the connection and for each SMTP reply.
    pub timeout_secs: Option<i64>,
    /// PEM file of the CA(s) that sign the mail server's certificate.
    pub ca_file: Option<String>,
    /// Name passdesk gives itself in EHLO.
    pub hello_name: Option<String>,
}

/// `[organisation]`: what people see.
#[derive(Debug, Default, Deserialize)]
pub struct RawOrganisation {
    /// Name shown in the portal and in messages.
    pub name: Option<String>,
    /// Helpdesk URL or e-mail address shown on every error page.
    pub helpdesk: Option<String>,
    /// Calling code that completes national phone numbers ("31").
    pub phone_country_code: Option<String>,
    /// Language when a person's browser names none passdesk speaks ("en", "nl").
    pub language: Option<String>,
    /// PNG, JPEG or SVG logo shown on every page.
    pub logo_file: Option<String>,
    /// Colour of buttons and links, "#rrggbb".
    pub colour: Option<String>,
}

/// `[log]`: what the server writes about itself.
#[derive(Debug, Default, Deserialize)]
pub struct RawLog {
    /// tracing filter, e.g. "info" or "passdesk=debug,info".
    pub level: Option<String>,
    /// "text" or "json".
    pub format: Option<String>,
    /// Where writeback events also go: "auto", "journald", "syslog", "off".
    pub event_log: Option<String>,
}
