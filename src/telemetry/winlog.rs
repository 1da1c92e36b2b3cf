//! The Windows copy of every writeback event: the Application event log,
//! source "passdesk", event id = the reference's id (31001…33008), type
//! error/warning/information from the tracing level. The msi registers the
//! source with a message file that shows the text as it is. Best effort,
//! like journald and syslog: a failed write drops the copy (the audit
//! trail keeps the row), and it must not log itself.

use super::eventlog::{Event, windows_event_type};
use crate::win32::EventSource;
use tracing_subscriber::layer::Context;

/// The event source name, registered by the msi under
/// `HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\passdesk`.
pub const SOURCE: &str = "passdesk";

/// The tracing layer writing to the Application event log.
#[derive(Debug)]
pub struct WindowsEventLog {
    source: EventSource,
}

impl WindowsEventLog {
    /// Opens the "passdesk" event source.
    pub fn open() -> std::io::Result<Self> {
        Ok(Self { source: EventSource::open(SOURCE)? })
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for WindowsEventLog {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let Some(fields) = Event::from_tracing(event) else { return };
        let id = u32::try_from(fields.id).unwrap_or(0);
        let _ = self.source.report(windows_event_type(*event.metadata().level()), id, &fields.windows_text());
    }
}
