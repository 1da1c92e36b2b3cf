//! Logging: tracing to standard error, as text for people or JSON lines for
//! collectors. Passwords, codes, answers and flow tokens are never passed to
//! a log macro; request paths are logged with tokens redacted.

use crate::config::LogConfig;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub mod eventlog;
#[cfg(windows)]
pub mod winlog;

/// Installs the global subscriber once; later calls are ignored (tests).
/// Writeback events also go to the system log `log.event_log` names,
/// whatever `log.level` says.
pub fn init(config: &LogConfig) {
    let filter = filter(&config.level);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false);
    let fmt = if config.json { fmt.json().boxed() } else { fmt.boxed() };
    let (events, opened) = event_log(config);
    let installed = tracing_subscriber::registry().with(fmt.with_filter(filter)).with(events).try_init().is_ok();
    if installed && let Some(note) = opened {
        tracing::info!("{note}");
    }
}

/// Targets kept at warn whatever `log.level` says, because below that they
/// write what passdesk never logs: actix-web's extractors print the request
/// path (with a flow or session token in it) when a body cannot be read.
/// A directive naming one of their sub-targets (`actix_web::types::json`)
/// is the admin's explicit wish and still wins.
const ALWAYS_QUIET: &[&str] = &["actix_web::types=warn"];

/// The filter for `log.level` (an EnvFilter directive; invalid means info),
/// with [`ALWAYS_QUIET`] on top; public so the no-secret-in-logs test runs
/// the suite through the same filter.
pub fn filter(level: &str) -> EnvFilter {
    let mut filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    // Only ever lower: at warn or quieter nothing needs it, and adding it
    // would raise those targets above an `error` or `off` setting.
    let louder_than_warn = filter.max_level_hint().is_none_or(|hint| hint > tracing::level_filters::LevelFilter::WARN);
    if !louder_than_warn {
        return filter;
    }
    for quiet in ALWAYS_QUIET {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// The event-log layer the configuration asks for, with a line for the
/// log saying what became of it.
#[cfg(unix)]
fn event_log<S>(config: &LogConfig) -> (Option<impl Layer<S>>, Option<String>)
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use tracing_subscriber::filter::Targets;
    let only_events = Targets::new().with_target(crate::domain::audit::EVENT_LOG_TARGET, tracing::Level::TRACE);
    match eventlog::EventLog::open(config.event_log) {
        Ok(Some(log)) => {
            let note = format!("writeback events also go to {}", log.describe());
            (Some(log.with_filter(only_events)), Some(note))
        }
        Ok(None) => (None, None),
        Err(e) => (None, Some(format!("writeback events cannot go to the system log: {e}"))),
    }
}

/// The Application event log on Windows ("auto" or "windows").
#[cfg(windows)]
fn event_log<S>(config: &LogConfig) -> (Option<impl Layer<S>>, Option<String>)
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use crate::config::EventLogChoice;
    use tracing_subscriber::filter::Targets;
    if config.event_log == EventLogChoice::Off {
        return (None, None);
    }
    let only_events = Targets::new().with_target(crate::domain::audit::EVENT_LOG_TARGET, tracing::Level::TRACE);
    match winlog::WindowsEventLog::open() {
        Ok(log) => (
            Some(log.with_filter(only_events)),
            Some(format!("writeback events also go to the Application event log, source {}", winlog::SOURCE)),
        ),
        Err(e) => (None, Some(format!("writeback events cannot go to the event log: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn the_quiet_targets_stay_quiet_at_trace_and_an_invalid_level_means_info() {
        let at_trace = filter("trace").to_string();
        assert!(at_trace.contains("actix_web::types=warn") && at_trace.contains("trace"), "{at_trace}");
        // A more specific directive of the admin's own does not reopen them.
        let own = filter("actix_web=trace").to_string();
        assert!(own.contains("actix_web::types=warn"), "{own}");
        // Quieter settings stay as quiet as they were.
        for quiet in ["error", "off", "warn"] {
            assert_eq!(filter(quiet).to_string(), quiet, "{quiet} is not made louder");
        }
        let invalid = filter("no such level ===").to_string();
        assert!(invalid.split(',').any(|d| d == "info") && !invalid.contains("trace"), "{invalid}");
    }
}
