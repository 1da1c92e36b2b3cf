//! The system-log copy of every writeback event (31001…33008): the flows
//! log each one under `EVENT_LOG_TARGET`, and this tracing layer sends it
//! to journald (native protocol, one datagram of `KEY=value` fields) or to
//! syslog (RFC 5424 on `/dev/log`), or on Windows to the Application event
//! log (`super::winlog`), so monitoring rules written for the
//! reference's event ids and names keep matching. Sending is best effort and
//! never blocks a request: a full or missing socket drops the copy (the
//! audit trail keeps the row). It must not log itself, or it would recurse.

#[cfg(unix)]
use crate::config::EventLogChoice;
use crate::domain::audit::EVENT_LOG_TARGET;
#[cfg(unix)]
use std::os::unix::net::UnixDatagram;
#[cfg(unix)]
use std::path::{Path, PathBuf};
use tracing::field::{Field, Visit};
#[cfg(unix)]
use tracing_subscriber::layer::Context;

/// journald's native socket.
pub const JOURNALD_SOCKET: &str = "/run/systemd/journal/socket";
/// The local syslog socket.
pub const SYSLOG_SOCKET: &str = "/dev/log";
/// syslog facility: authpriv (10), where password events belong.
const FACILITY: u8 = 10;
/// RFC 5424 structured-data id; 32473 is the enterprise number reserved
/// for documentation (RFC 5612), as passdesk has none of its own.
const SD_ID: &str = "passdesk@32473";
/// The longest message text sent; a row's detail is short, this only
/// bounds the datagram.
const MAX_MESSAGE: usize = 2000;

/// How events are written to the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// journald's native protocol.
    Journald,
    /// RFC 5424 syslog.
    Syslog,
}

/// One writeback event as it leaves passdesk: only audit-row fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// The reference's event id.
    pub id: i64,
    /// The reference's event name.
    pub name: String,
    /// The login the event is about.
    pub user: String,
    /// "success" or "failure".
    pub result: String,
    /// The directory written, if any.
    pub directory: String,
    /// The failure's reason code, if any.
    pub reason: String,
    /// The request id that ties it to the log and the audit row.
    pub request_id: String,
    /// The audit row's detail.
    pub detail: String,
    /// Logged as a warning (failures) rather than information.
    pub warning: bool,
}

impl Event {
    /// The event's fields from a tracing event logged under
    /// `EVENT_LOG_TARGET`; `None` for anything else (no event id).
    pub fn from_tracing(event: &tracing::Event<'_>) -> Option<Self> {
        let meta = event.metadata();
        if meta.target() != EVENT_LOG_TARGET {
            return None;
        }
        let mut fields = Event { warning: *meta.level() <= tracing::Level::WARN, ..Event::default() };
        event.record(&mut fields);
        (fields.id != 0).then_some(fields)
    }

    /// The one line a person reads: id, name, detail and user.
    pub fn message(&self) -> String {
        let mut text = format!("{} {}: {} (user {})", self.id, self.name, self.detail, self.user);
        if text.len() > MAX_MESSAGE {
            let mut end = MAX_MESSAGE;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        text
    }

    /// The optional fields that are set, as (journald name, syslog name, value).
    fn extras(&self) -> Vec<(&'static str, &'static str, &str)> {
        [
            ("PASSDESK_DIRECTORY", "directory", self.directory.as_str()),
            ("PASSDESK_REASON", "reason", self.reason.as_str()),
            ("PASSDESK_REQUEST_ID", "request_id", self.request_id.as_str()),
        ]
        .into_iter()
        .filter(|(_, _, v)| !v.is_empty())
        .collect()
    }

    /// The journald datagram: one field per line, a value with a newline
    /// in the protocol's length-prefixed form.
    pub fn journald(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let priority = if self.warning { "4" } else { "6" };
        let id = self.id.to_string();
        let fields = [
            ("MESSAGE", self.message()),
            ("PRIORITY", priority.to_owned()),
            ("SYSLOG_IDENTIFIER", "passdesk".to_owned()),
            ("SYSLOG_FACILITY", FACILITY.to_string()),
            ("PASSDESK_EVENT_ID", id),
            ("PASSDESK_EVENT_NAME", self.name.clone()),
            ("PASSDESK_TARGET", self.user.clone()),
            ("PASSDESK_RESULT", self.result.clone()),
        ];
        let extras = self.extras().into_iter().map(|(k, _, v)| (k, v.to_owned()));
        for (key, value) in fields.into_iter().chain(extras) {
            out.extend_from_slice(key.as_bytes());
            if value.contains('\n') {
                out.push(b'\n');
                out.extend_from_slice(&(value.len() as u64).to_le_bytes());
            } else {
                out.push(b'=');
            }
            out.extend_from_slice(value.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// The Windows event's one insertion string: the message, then the
    /// fields a monitoring rule filters on, one `name: value` per line.
    pub fn windows_text(&self) -> String {
        let mut text = self.message();
        let id = self.id.to_string();
        let fields = [("event_id", id.as_str()), ("event_name", self.name.as_str()), ("result", self.result.as_str())];
        for (key, value) in fields.into_iter().chain(self.extras().into_iter().map(|(_, k, v)| (k, v))) {
            text.push_str(&format!("\n{key}: {value}"));
        }
        text
    }

    /// The RFC 5424 line: no timestamp or host (the local receiver adds
    /// its own), the event name as MSGID, the fields as structured data.
    pub fn syslog(&self, pid: u32) -> Vec<u8> {
        let severity = if self.warning { 4 } else { 6 };
        let pri = u16::from(FACILITY) * 8 + severity;
        let id = self.id.to_string();
        let mut params =
            vec![("event_id", id.as_str()), ("user", self.user.as_str()), ("result", self.result.as_str())];
        params.extend(self.extras().into_iter().map(|(_, k, v)| (k, v)));
        let sd: Vec<String> = params.iter().map(|(k, v)| format!("{k}=\"{}\"", sd_escape(v))).collect();
        let message = self.message().replace(['\n', '\r'], " ");
        format!("<{pri}>1 - - passdesk {pid} {} [{SD_ID} {}] {message}", self.name, sd.join(" ")).into_bytes()
    }
}

/// A structured-data value with `"`, `\` and `]` escaped (RFC 5424 §6.3.3).
fn sd_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The Windows event type for a tracing level (`EVENTLOG_ERROR_TYPE` 1,
/// `EVENTLOG_WARNING_TYPE` 2, `EVENTLOG_INFORMATION_TYPE` 4), so the event
/// viewer's level matches journald's priority.
pub fn windows_event_type(level: tracing::Level) -> u16 {
    if level == tracing::Level::ERROR {
        1
    } else if level == tracing::Level::WARN {
        2
    } else {
        4
    }
}

/// The sender, and the tracing layer that feeds it.
#[cfg(unix)]
#[derive(Debug)]
pub struct EventLog {
    socket: UnixDatagram,
    path: PathBuf,
    protocol: Protocol,
}

#[cfg(unix)]
impl EventLog {
    /// The sender the configuration asks for; `None` when it is off or
    /// (with "auto") neither socket exists.
    pub fn open(choice: EventLogChoice) -> std::io::Result<Option<Self>> {
        let journald = Path::new(JOURNALD_SOCKET);
        let syslog = Path::new(SYSLOG_SOCKET);
        let (protocol, path) = match choice {
            // Refused by the configuration off Windows; nothing to open here.
            EventLogChoice::Off | EventLogChoice::Windows => return Ok(None),
            EventLogChoice::Journald => (Protocol::Journald, journald),
            EventLogChoice::Syslog => (Protocol::Syslog, syslog),
            EventLogChoice::Auto if journald.exists() => (Protocol::Journald, journald),
            EventLogChoice::Auto if syslog.exists() => (Protocol::Syslog, syslog),
            EventLogChoice::Auto => return Ok(None),
        };
        Self::at(protocol, path).map(Some)
    }

    /// A sender to the socket at `path` (tests bind their own).
    pub fn at(protocol: Protocol, path: &Path) -> std::io::Result<Self> {
        let socket = UnixDatagram::unbound()?;
        // A full receive queue drops the copy instead of stalling a reset.
        socket.set_nonblocking(true)?;
        Ok(Self { socket, path: path.to_owned(), protocol })
    }

    /// Where and how events go, for the start-up log line.
    pub fn describe(&self) -> String {
        format!("{:?} on {}", self.protocol, self.path.display())
    }

    /// Sends one event; best effort.
    pub fn send(&self, event: &Event) {
        let datagram = match self.protocol {
            Protocol::Journald => event.journald(),
            Protocol::Syslog => event.syslog(std::process::id()),
        };
        let _ = self.socket.send_to(&datagram, &self.path);
    }
}

#[cfg(unix)]
impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for EventLog {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if let Some(fields) = Event::from_tracing(event) {
            self.send(&fields);
        }
    }
}

impl Visit for Event {
    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "event_id" {
            self.id = value;
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record_i64(field, i64::try_from(value).unwrap_or(0));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let slot = match field.name() {
            "event_name" => &mut self.name,
            "user" => &mut self.user,
            "result" => &mut self.result,
            "directory" => &mut self.directory,
            "reason" => &mut self.reason,
            "request_id" => &mut self.request_id,
            "message" => &mut self.detail,
            _ => return,
        };
        *slot = value.to_owned();
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // The message arrives as format arguments; anything else unknown is
        // left out rather than guessed at.
        if field.name() == "message" {
            self.detail = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod windows_tests {
    use super::windows_event_type;
    use tracing::Level;

    #[test]
    fn the_event_viewer_level_follows_the_tracing_level() {
        assert_eq!(windows_event_type(Level::ERROR), 1);
        assert_eq!(windows_event_type(Level::WARN), 2);
        for level in [Level::INFO, Level::DEBUG, Level::TRACE] {
            assert_eq!(windows_event_type(level), 4);
        }
    }

    #[test]
    fn the_windows_text_carries_the_fields_rules_filter_on() {
        let event = super::Event {
            id: 31003,
            name: "PasswordResetFail".into(),
            user: "alice".into(),
            result: "failure".into(),
            directory: "corp".into(),
            reason: String::new(),
            request_id: "req-1".into(),
            detail: "writeback to directory corp failed".into(),
            warning: true,
        };
        assert_eq!(
            event.windows_text(),
            "31003 PasswordResetFail: writeback to directory corp failed (user alice)\n\
             event_id: 31003\nevent_name: PasswordResetFail\nresult: failure\ndirectory: corp\nrequest_id: req-1"
        );
    }
}
