//! Time for the whole program. Every rule that expires something (codes,
//! flows, send waits) asks a `Clock`, so tests can move time with
//! `FixedClock` instead of sleeping. Nothing else may read the system time.

use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the Unix epoch, UTC: the one unit of time stored and compared.
pub type UnixTime = i64;

/// The source of "now", held as `Arc<dyn Clock>` so tests can swap it.
pub trait Clock: Send + Sync {
    /// The current time in whole seconds.
    fn now(&self) -> UnixTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the single permitted caller
    fn now(&self) -> UnixTime {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
            // A clock before 1970 is a broken host; treat it as the epoch.
            Err(_) => 0,
        }
    }
}

/// A clock that stands still until a test moves it, so expiry is tested exactly.
#[derive(Debug)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock frozen at `at`.
    pub fn new(at: UnixTime) -> Self {
        Self(AtomicI64::new(at))
    }

    /// Sets the time (tests that must agree with a real server's clock).
    pub fn set(&self, at: UnixTime) {
        self.0.store(at, Ordering::SeqCst);
    }

    /// Moves time forward (or back, with a negative value) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats a time as RFC 3339 in UTC for people and exports.
pub fn rfc3339(at: UnixTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time, as Unix seconds: what
/// people type into the audit filters and `passdesk audit export`.
pub fn parse_time(text: &str) -> Result<UnixTime, String> {
    let hint = || format!("{text:?} is not a date: use YYYY-MM-DD or an RFC 3339 time such as 2026-11-26T13:00:00Z");
    let text = text.trim();
    if let Ok(t) = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(hint()) };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else { return Err(hint()) };
    let month = time::Month::try_from(m).map_err(|_| hint())?;
    let date = time::Date::from_calendar_date(y, month, d).map_err(|_| hint())?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}

/// The day (`YYYY-MM-DD`, UTC) of a time, for charts and filters.
pub fn day(at: UnixTime) -> String {
    rfc3339(at.div_euclid(86_400) * 86_400).chars().take(10).collect()
}
