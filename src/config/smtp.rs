//! `[notify.smtp]`: the mail server passdesk sends through. Encryption is
//! the default and plain SMTP needs `security = "plain"` written out; a
//! password is never allowed over plain SMTP. Addresses are parsed here with
//! the mail library's own parser, so a bad one stops the start, not a send.

use super::Problem;
use super::raw::RawSmtp;
use secrecy::SecretString;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
    /// No encryption at all (port 25): only on explicit request, e.g. a
    /// relay on the same host; passdesk warns at start.
    Plain,
}

impl SmtpSecurity {
    /// The port each mode usually listens on.
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::Plain => 25,
        }
    }
}

/// AUTH PLAIN/LOGIN credentials.
#[derive(Debug, Clone)]
pub struct SmtpAuth {
    /// User name.
    pub username: String,
    /// Password (from `password` or `password_file`).
    pub password: SecretString,
}

/// `[notify.smtp]`, validated.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Server name (checked against its certificate) or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Encryption mode.
    pub security: SmtpSecurity,
    /// Credentials; `None` = no AUTH.
    pub auth: Option<SmtpAuth>,
    /// Reply-To address, if answers should not go to the sender.
    pub reply_to: Option<String>,
    /// Limit for the connection and for each reply of the server.
    pub timeout: Duration,
    /// CA file trusted instead of the system's store (private mail servers).
    pub ca_file: Option<PathBuf>,
    /// Name given in EHLO: `hello_name`, else the host of
    /// `server.public_url`; `None` = the machine's name (never "localhost"
    /// when a better one is known: spam filters score it).
    pub hello_name: Option<String>,
}

/// Validates `[notify.smtp]`; `from` is `notify.from`, checked as the
/// sender of real mail. Problems go to `p` (the result is then unused).
pub(super) fn smtp(p: &mut Vec<Problem>, raw: RawSmtp, from: &str) -> SmtpConfig {
    let mut add = |key: &str, message: String| p.push(Problem { key: format!("notify.smtp.{key}"), message });
    let host = raw.host.as_deref().unwrap_or_default().trim().to_owned();
    if raw.host.is_none() {
        add(
            "host",
            "missing: transport = \"smtp\" needs a [notify.smtp] section with at least host = \"mail.example.org\""
                .into(),
        );
    } else if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
        add("host", "give the mail server's name or address, e.g. \"mail.example.org\" (no smtp://)".into());
    }
    let security = match raw.security.as_deref() {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("plain") => SmtpSecurity::Plain,
        Some(other) => {
            add(
                "security",
                format!(
                    "\"{other}\" is not a mode: use \"starttls\" (port 587), \"tls\" (implicit TLS, port 465) \
                     or, only for a relay on a trusted network, \"plain\""
                ),
            );
            SmtpSecurity::StartTls
        }
    };
    let port = match raw.port {
        None => security.default_port(),
        Some(n) => u16::try_from(n).ok().filter(|n| *n > 0).unwrap_or_else(|| {
            add("port", format!("{n} is not a port: use 1 to 65535, e.g. 587"));
            security.default_port()
        }),
    };
    let auth = match (raw.username, raw.password) {
        (None, None) => None,
        (Some(user), Some(password)) if !user.trim().is_empty() => {
            Some(SmtpAuth { username: user, password: SecretString::from(password) })
        }
        (Some(_), Some(_)) => {
            add("username", "must not be empty: give the account name, or drop username and password".into());
            None
        }
        (Some(_), None) => {
            add("password", "missing: username needs password or password_file (a file holding it)".into());
            None
        }
        (None, Some(_)) => {
            add("username", "missing: a password needs the user name it belongs to".into());
            None
        }
    };
    if security == SmtpSecurity::Plain && auth.is_some() {
        add(
            "security",
            "\"plain\" would send the password unencrypted: use \"starttls\" or \"tls\", or drop username and password"
                .into(),
        );
    }
    let timeout_secs = match raw.timeout_secs {
        None => 30,
        Some(n @ 1..=300) => n as u64,
        Some(n) => {
            add("timeout_secs", format!("{n} is out of range: use a whole number from 1 to 300 (default 30)"));
            30
        }
    };
    let ca_file = raw.ca_file.filter(|f| !f.trim().is_empty()).map(PathBuf::from);
    if let Some(path) = &ca_file {
        if security == SmtpSecurity::Plain {
            add("ca_file", "has no use with security = \"plain\": drop it, or use \"starttls\" or \"tls\"".into());
        } else if let Err(message) = check_ca_file(path) {
            add("ca_file", message);
        }
    }
    if let Some(reply_to) = &raw.reply_to
        && reply_to.parse::<lettre::message::Mailbox>().is_err()
    {
        add("reply_to", format!("\"{reply_to}\" is not an address: use e.g. \"Helpdesk <helpdesk@example.org>\""));
    }
    let hello_name = raw.hello_name.map(|h| h.trim().to_owned());
    if let Some(name) = &hello_name
        && !is_hello_name(name)
    {
        add(
            "hello_name",
            format!(
                "\"{name}\" is not a host name: give this server's name as the mail server knows it, e.g. \"passdesk.example.org\""
            ),
        );
    }
    // An address without "@" is already reported by the [notify] check.
    let sender = from.parse::<lettre::message::Mailbox>();
    let problem = match &sender {
        _ if !from.contains('@') => None,
        Err(_) => Some(format!("\"{from}\" is not a sender address: use e.g. \"IT Helpdesk <helpdesk@example.org>\"")),
        Ok(m) if m.email.domain().eq_ignore_ascii_case("localhost") => Some(format!(
            "\"{from}\" is the built-in placeholder, which mail servers refuse: give your sender, \
             e.g. \"IT Helpdesk <helpdesk@example.org>\""
        )),
        Ok(_) => None,
    };
    if let Some(message) = problem {
        p.push(Problem { key: "notify.from".into(), message });
    }
    let timeout = Duration::from_secs(timeout_secs);
    SmtpConfig { host, port, security, auth, reply_to: raw.reply_to, timeout, ca_file, hello_name }
}

/// A DNS name (letters, digits, '-', dots) or an address literal "[…]".
fn is_hello_name(name: &str) -> bool {
    if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        return inner.trim_start_matches("IPv6:").parse::<std::net::IpAddr>().is_ok();
    }
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// With no `hello_name`, EHLO uses the host people reach passdesk by.
pub(super) fn default_hello_name(transport: &mut super::Transport, public_url: Option<&url::Url>) {
    let super::Transport::Smtp(smtp) = transport else { return };
    if smtp.hello_name.is_none() {
        smtp.hello_name = public_url.and_then(url::Url::host_str).map(str::to_owned);
    }
}

/// The CA file must hold at least one PEM certificate.
pub(super) fn check_ca_file(path: &std::path::Path) -> Result<(), String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read \"{}\": {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("\"{}\" is not a PEM file: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("\"{}\" holds no certificate: give the PEM file of the CA", path.display()));
    }
    Ok(())
}
