//! Logging: tracing to standard error, as text for people or JSON lines for
//! collectors. Passwords, codes, answers and flow tokens are never passed to
//! a log macro; request paths are logged with tokens redacted.

use crate::config::LogConfig;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are ignored (tests).
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    let _ = if config.json { builder.json().try_init() } else { builder.try_init() };
}
