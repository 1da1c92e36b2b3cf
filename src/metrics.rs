//! Counters and histograms for `/metrics` (Prometheus text format 0.0.4):
//! requests by route and status, audited outcomes by activity, result and
//! method,
//! and directory writeback latency per directory. Kept in memory with a
//! mutex per update (a few per request), and rendered on demand; the
//! gauges that live in the database (outbox depth, blocked accounts) are
//! read at render time by the caller. No I/O here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the writeback latency buckets, in seconds.
pub const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Observations at or below each bound of `BUCKETS` (not cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, u16), u64>,
    outcomes: BTreeMap<(String, String, String), u64>,
    writeback: BTreeMap<String, Histogram>,
}

/// The process's metrics, shared by the HTTP layer and the flows.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// A gauge read from elsewhere at render time: name, help, labelled values.
pub struct Gauge {
    /// Metric name (`passdesk_…`).
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// Label pairs and value of each series.
    pub series: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Metrics {
    /// One answered request: the route's pattern (never the raw path,
    /// which may hold a token) and the status.
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.requests.entry((route.to_owned(), status)).or_default() += 1;
        }
    }

    /// One audited event of a flow: what happened, whether it worked, and
    /// the method it used ("" when none), so outcomes can be read by method.
    pub fn outcome(&self, activity: &str, result: &str, method: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            let key = (activity.to_owned(), result.to_owned(), method.to_owned());
            *inner.outcomes.entry(key).or_default() += 1;
        }
    }

    /// How long one password write to `directory` took.
    pub fn writeback(&self, directory: &str, seconds: f64) {
        if let Ok(mut inner) = self.inner.lock() {
            let h = inner.writeback.entry(directory.to_owned()).or_default();
            if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
                h.buckets[i] += 1;
            }
            h.count += 1;
            h.sum += seconds;
        }
    }

    /// Everything in the Prometheus text format, the gauges after.
    pub fn render(&self, gauges: &[Gauge]) -> String {
        let mut out = String::new();
        let Ok(inner) = self.inner.lock() else { return out };
        header(&mut out, "passdesk_http_requests_total", "HTTP requests answered, by route and status.", "counter");
        for ((route, status), n) in &inner.requests {
            let _ = writeln!(out, "passdesk_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}", esc(route));
        }
        header(
            &mut out,
            "passdesk_audit_events_total",
            "Audited flow events, by activity, result and method.",
            "counter",
        );
        for ((activity, result, method), n) in &inner.outcomes {
            let _ = writeln!(
                out,
                "passdesk_audit_events_total{{activity=\"{}\",result=\"{}\",method=\"{}\"}} {n}",
                esc(activity),
                esc(result),
                esc(method)
            );
        }
        let name = "passdesk_writeback_duration_seconds";
        header(&mut out, name, "Time one password write to a directory took.", "histogram");
        for (dir, h) in &inner.writeback {
            let dir = esc(dir);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(out, "{name}_bucket{{directory=\"{dir}\",le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "{name}_bucket{{directory=\"{dir}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{directory=\"{dir}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{directory=\"{dir}\"}} {}", h.count);
        }
        for g in gauges {
            header(&mut out, g.name, g.help, "gauge");
            for (labels, value) in &g.series {
                let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", esc(v))).collect();
                let labels = if labels.is_empty() { String::new() } else { format!("{{{}}}", labels.join(",")) };
                let _ = writeln!(out, "{}{labels} {value}", g.name);
            }
        }
        out
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value escaped as the text format asks (backslash, quote, newline).
fn esc(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_cumulative_buckets_and_gauges() {
        let m = Metrics::default();
        m.request("/reset", 200);
        m.request("/reset", 200);
        m.request("/api/v1/reset/{flow}/send", 503);
        m.outcome("Reset password (self-service)", "success", "");
        m.outcome("Self-service password reset flow activity progress", "failure", "email");
        m.writeback("corp \"ad\"", 0.02);
        m.writeback("corp \"ad\"", 3.0);
        m.writeback("corp \"ad\"", 60.0);
        let text = m.render(&[Gauge {
            name: "passdesk_outbox_messages",
            help: "Messages in the outbox, by state.",
            series: vec![(vec![("state", "pending".into())], 3.0)],
        }]);
        assert!(text.contains("passdesk_http_requests_total{route=\"/reset\",status=\"200\"} 2"), "{text}");
        assert!(text.contains("route=\"/api/v1/reset/{flow}/send\",status=\"503\"} 1"), "{text}");
        assert!(
            text.contains("activity=\"Reset password (self-service)\",result=\"success\",method=\"\"} 1"),
            "{text}"
        );
        assert!(text.contains("result=\"failure\",method=\"email\"} 1"), "{text}");
        let dir = "directory=\"corp \\\"ad\\\"\"";
        assert!(text.contains(&format!("_bucket{{{dir},le=\"0.025\"}} 1")), "{text}");
        assert!(text.contains(&format!("_bucket{{{dir},le=\"5\"}} 2")), "{text}");
        assert!(text.contains(&format!("_bucket{{{dir},le=\"+Inf\"}} 3")), "{text}");
        assert!(text.contains(&format!("_count{{{dir}}} 3")), "{text}");
        assert!(text.contains("# TYPE passdesk_outbox_messages gauge\npassdesk_outbox_messages{state=\"pending\"} 3"));
    }
}
