//! E-mail through a mail server: lettre on tokio with rustls, never
//! OpenSSL. STARTTLS is the default and must succeed (a server that does
//! not offer it gets nothing); implicit TLS and plain SMTP are opt-in, plain
//! only by `security = "plain"`. AUTH PLAIN or LOGIN, only over TLS.
//! Each message is multipart/alternative: the plain text and the same text
//! HTML-escaped. A body (it holds codes) is never logged. Connections are
//! pooled (a few, kept briefly), so a burst of messages does not open one
//! connection each; EHLO names this server, never "localhost" when a
//! better name is known.

use super::{Error, Notifier};
use crate::config::{SmtpConfig, SmtpSecurity};
use crate::domain::{Channel, Message};
use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// Replies that are permanent (5xx) for the SMTP protocol but are about
/// passdesk's own setup (authentication required, STARTTLS required,
/// credentials refused), not the message: they are retried, so fixing the
/// configuration delivers the queue instead of dead-lettering it. A
/// refused login (535) is an admin error that does not fix itself, but
/// e-mail also carries notices and reminders that are still worth sending
/// after the fix; the outbox shows the exact cause on every attempt, and
/// after the last attempt the message is a dead letter with that cause.
const SETUP_REPLIES: [u16; 4] = [530, 534, 535, 538];

/// Most connections kept open to the mail server.
const POOL_SIZE: u32 = 4;
/// An idle pooled connection is closed after this long (mail servers drop
/// idle clients after a minute or so anyway).
const POOL_IDLE: Duration = Duration::from_secs(30);

/// Sends e-mail messages through one mail server.
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    /// Domain of Message-IDs: the sender's, as mail filters expect.
    id_domain: String,
    /// Limit for a whole conversation, so one stuck server cannot hold the
    /// outbox worker (lettre's timeout applies to each step only).
    deadline: Duration,
    /// The EHLO name in use, for `passdesk check`.
    hello: String,
    /// What the HTML part shows of the organisation.
    brand: BrandSource,
}

impl SmtpNotifier {
    /// Builds the transport from `[notify.smtp]` and `notify.from`; no
    /// connection is made yet. Fails (permanently: it needs a config fix)
    /// when an address or the CA file cannot be used. Must run inside the
    /// tokio runtime (the connection pool keeps a task there).
    pub fn new(config: &SmtpConfig, from: &str) -> Result<Self, Error> {
        let setup = |what: &str, e: &dyn std::fmt::Display| Error::Permanent(format!("{what}: {e}"));
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Permanent("the SMTP transport needs the tokio runtime".into()));
        }
        let from: Mailbox = from.parse().map_err(|e| setup("notify.from", &e))?;
        let reply_to = match &config.reply_to {
            Some(text) => Some(text.parse().map_err(|e| setup("notify.smtp.reply_to", &e))?),
            None => None,
        };
        let tls = match config.security {
            SmtpSecurity::StartTls => Tls::Required(tls_parameters(config)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(config)?),
            SmtpSecurity::Plain => {
                tracing::warn!(host = %config.host, port = config.port, "notify.smtp.security is \"plain\": e-mail, codes included, crosses the network unencrypted");
                Tls::None
            }
        };
        let hello = hello_name(config.hello_name.as_deref());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout))
            .hello_name(hello.clone())
            .pool_config(PoolConfig::new().max_size(POOL_SIZE).idle_timeout(POOL_IDLE));
        if let Some(auth) = &config.auth {
            let credentials = Credentials::new(auth.username.clone(), auth.password.expose_secret().to_owned());
            builder = builder.credentials(credentials).authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        let id_domain = from.email.domain().to_owned();
        let hello = hello.to_string();
        let brand: BrandSource = Arc::new(MailBrand::default);
        Ok(Self { transport: builder.build(), from, reply_to, id_domain, deadline: config.timeout * 5, hello, brand })
    }

    /// The name this transport gives in EHLO.
    pub fn hello_name(&self) -> &str {
        &self.hello
    }

    /// Connects, secures the connection as configured, says EHLO and logs
    /// in (when credentials are set), then NOOP: what `passdesk check`
    /// proves before anyone needs a code. The error is the exact cause.
    pub async fn test_connection(&self) -> Result<(), Error> {
        match tokio::time::timeout(self.deadline, self.transport.test_connection()).await {
            Err(_) => {
                Err(Error::Temporary(format!("the mail server did not finish within {} s", self.deadline.as_secs())))
            }
            Ok(Err(e)) => Err(classify(&e)),
            Ok(Ok(false)) => Err(Error::Temporary("the mail server did not answer NOOP".into())),
            Ok(Ok(true)) => Ok(()),
        }
    }

    /// Brands the HTML part: the organisation's name and colour, and its
    /// logo inline when it is a PNG or JPEG (mail programs do not show SVG).
    pub fn with_brand(self, brand: MailBrand) -> Self {
        self.with_brand_source(Arc::new(move || brand.clone()))
    }

    /// Brands each message with what `source` gives when it is sent, so a
    /// branding an administrator saves reaches the next e-mail.
    pub fn with_brand_source(mut self, source: BrandSource) -> Self {
        self.brand = source;
        self
    }

    fn email(&self, message: &Message) -> Result<lettre::Message, Error> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| Error::Permanent(format!("\"{}\" is not an e-mail address: {e}", message.recipient)))?;
        let id = format!("<{}@{}>", hex::encode(rand::random::<[u8; 16]>()), self.id_domain);
        let mut builder =
            lettre::Message::builder().from(self.from.clone()).to(to).subject(&message.subject).message_id(Some(id));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let brand = (self.brand)();
        let html = branded_html(&brand, &message.subject, &message.body);
        let body = match &brand.logo {
            Some((bytes, kind)) => {
                let logo = Attachment::new_inline(LOGO_CID.to_owned())
                    .body(bytes.to_vec(), ContentType::parse(kind).unwrap_or(ContentType::TEXT_PLAIN));
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(message.body.clone()))
                    .multipart(MultiPart::related().singlepart(SinglePart::html(html)).singlepart(logo))
            }
            None => MultiPart::alternative_plain_html(message.body.clone(), html),
        };
        builder.multipart(body).map_err(|e| Error::Permanent(format!("cannot build the e-mail: {e}")))
    }
}

#[async_trait]
impl Notifier for SmtpNotifier {
    fn name(&self) -> &'static str {
        "smtp"
    }

    /// SMS and voice messages are refused (permanently, so they show as
    /// dead letters to admins) rather than printed: with a real transport
    /// configured, codes must never land in a console log.
    async fn deliver(&self, message: &Message) -> Result<(), Error> {
        if message.channel != Channel::Email {
            return Err(Error::Permanent(format!(
                "a {} message is not an e-mail: the SMTP transport sends e-mail only (configure [notify.sms] or [notify.voice] for text messages and calls)",
                message.channel.as_str()
            )));
        }
        let email = self.email(message)?;
        match tokio::time::timeout(self.deadline, self.transport.send(email)).await {
            Err(_) => {
                Err(Error::Temporary(format!("the mail server did not finish within {} s", self.deadline.as_secs())))
            }
            Ok(Err(e)) => Err(classify(&e)),
            Ok(Ok(_)) => {
                tracing::info!(channel = message.channel.as_str(), "message handed to the mail server");
                Ok(())
            }
        }
    }

    async fn probe(&self, channel: Channel) -> Option<Result<(), Error>> {
        (channel == Channel::Email).then_some(self.check_connection().await)
    }
}

impl SmtpNotifier {
    /// Connects, secures, greets and logs in as a delivery would, then
    /// quits: what `Notifier::probe` answers for e-mail.
    async fn check_connection(&self) -> Result<(), Error> {
        match tokio::time::timeout(self.deadline, self.transport.test_connection()).await {
            Err(_) => {
                Err(Error::Temporary(format!("the mail server did not finish within {} s", self.deadline.as_secs())))
            }
            Ok(Err(e)) => Err(classify(&e)),
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(Error::Temporary("the mail server did not answer NOOP".to_owned())),
        }
    }
}

/// The EHLO name: the configured one (an address as an address literal),
/// else the machine's name.
fn hello_name(name: Option<&str>) -> ClientId {
    let Some(name) = name else { return ClientId::default() };
    match name.trim_start_matches('[').trim_end_matches(']').trim_start_matches("IPv6:").parse() {
        Ok(std::net::IpAddr::V4(ip)) => ClientId::Ipv4(ip),
        Ok(std::net::IpAddr::V6(ip)) => ClientId::Ipv6(ip),
        Err(_) => ClientId::Domain(name.to_owned()),
    }
}

/// Trust the CA file alone when one is configured (a private server's
/// certificate must not be vouched for by any public CA), else the system's.
fn tls_parameters(config: &SmtpConfig) -> Result<TlsParameters, Error> {
    let setup = |e: &dyn std::fmt::Display| Error::Permanent(format!("notify.smtp TLS setup: {e}"));
    let mut builder = TlsParameters::builder(config.host.clone());
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|e| setup(&format!("cannot read {}: {e}", path.display())))?;
        let ca = Certificate::from_pem(&pem).map_err(|e| setup(&e))?;
        builder = builder.certificate_store(CertificateStore::None).add_root_certificate(ca);
    }
    builder.build_rustls().map_err(|e| setup(&e))
}

/// Replies that put off one message or recipient (mailbox busy, local
/// error, out of storage) while the server works: the message is deferred,
/// the channel is not failing. (421, service closing, is the server's.)
const DEFERRED_REPLIES: [u16; 3] = [450, 451, 452];

/// 5xx about the message or recipient is permanent; 450/451/452 defer the
/// message; other 4xx, network, TLS and timeouts are temporary (the
/// transport fails), and so are the setup replies above.
fn classify(e: &lettre::transport::smtp::Error) -> Error {
    let mut text = e.to_string();
    let mut untrusted = false;
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        let more = inner.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        untrusted |= is_certificate_error(inner);
        source = inner.source();
    }
    if untrusted {
        text.push_str(" (is notify.smtp.ca_file the CA that signed the server's certificate?)");
    }
    match e.status().map(u16::from) {
        Some(code) if e.is_permanent() && !SETUP_REPLIES.contains(&code) => Error::Permanent(text),
        Some(code) if DEFERRED_REPLIES.contains(&code) => Error::Deferred(text),
        _ => Error::Temporary(text),
    }
}

/// rustls refused the server's certificate (lettre reports it as a
/// connection error, wrapped in an I/O error).
fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
    let rustls = e.downcast_ref::<rustls::Error>().or_else(|| {
        e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).and_then(|i| i.downcast_ref::<rustls::Error>())
    });
    matches!(rustls, Some(rustls::Error::InvalidCertificate(_)))
}

/// Where the SMTP transport reads the branding of each message from.
pub type BrandSource = Arc<dyn Fn() -> MailBrand + Send + Sync>;

/// What the HTML part of every e-mail shows of the organisation.
#[derive(Debug, Clone)]
pub struct MailBrand {
    /// Name in the header bar.
    pub organisation: String,
    /// `#rrggbb` of the header bar (white text on it reaches 4.5:1).
    pub colour: String,
    /// PNG or JPEG bytes and their type, sent inline as `cid:logo`.
    pub logo: Option<(std::sync::Arc<[u8]>, &'static str)>,
}

impl Default for MailBrand {
    fn default() -> Self {
        Self { organisation: "passdesk".into(), colour: "#1f5fa8".into(), logo: None }
    }
}

const LOGO_CID: &str = "logo";

/// The e-mail's HTML part: a header bar in the organisation's colour with
/// its logo and name, then the plain text as escaped paragraphs with its
/// links made clickable. Tables and inline styles only, because that is
/// what mail programs render; nothing from the text becomes markup.
pub fn branded_html(brand: &MailBrand, subject: &str, text: &str) -> String {
    let colour =
        if brand.colour.len() == 7 && brand.colour.starts_with('#') { brand.colour.as_str() } else { "#1f5fa8" };
    let logo = if brand.logo.is_some() {
        format!("<img src=\"cid:{LOGO_CID}\" alt=\"\" height=\"32\" style=\"vertical-align:middle;margin-right:10px\">")
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title></head>\n<body style=\"margin:0;padding:0;background:#f3f4f6\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f3f4f6;padding:24px 8px\"><tr><td align=\"center\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px;overflow:hidden;\
         font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2937\">\n\
         <tr><td style=\"background:{colour};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600\">{logo}{org}</td></tr>\n\
         <tr><td style=\"padding:24px\">\n{body}\n</td></tr>\n</table>\n</td></tr></table>\n</body></html>\n",
        title = escape(subject),
        org = escape(&brand.organisation),
        body = paragraphs(text, colour),
    )
}

fn paragraphs(text: &str, colour: &str) -> String {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(|l| linked(l, colour)).collect();
            format!("<p style=\"margin:0 0 16px\">{}</p>", lines.join("<br>\n"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line escaped, with each `https://` word made a link.
fn linked(line: &str, colour: &str) -> String {
    line.split(' ')
        .map(|word| {
            let url = word.trim_end_matches(['.', ',', ')']);
            if url.starts_with("https://") && url.len() > "https://".len() {
                let rest = &word[url.len()..];
                format!("<a href=\"{0}\" style=\"color:{colour}\">{0}</a>{1}", escape(url), escape(rest))
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branded_html_escapes_and_links() {
        let brand = MailBrand { organisation: "Ex & Co".into(), colour: "#123456".into(), logo: None };
        let html = branded_html(&brand, "Code <1>", "Hello <b>\n\nOpen https://x.example/r/abc. Now");
        assert!(html.contains("background:#123456") && html.contains("Ex &amp; Co"), "{html}");
        assert!(html.contains("<title>Code &lt;1&gt;</title>") && html.contains("Hello &lt;b&gt;"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.example/r/abc\" style=\"color:#123456\">https://x.example/r/abc</a>."),
            "{html}"
        );
        assert!(!html.contains("cid:logo"));
        let with_logo = MailBrand { logo: Some((std::sync::Arc::from(&b"png"[..]), "image/png")), ..brand };
        assert!(branded_html(&with_logo, "s", "t").contains("cid:logo"));
    }

    #[test]
    fn quotes_cannot_break_out_of_attributes() {
        assert_eq!(escape("\"'"), "&quot;&#39;");
    }
}
