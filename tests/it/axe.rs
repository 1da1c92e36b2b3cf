//! axe-core in the browser: injects the rule engine into the page a
//! WebDriver session shows, runs the WCAG 2.1 A and AA rules and keeps
//! every violation whose impact is serious or critical.
//!
//! axe-core comes from `bash tests/bed/axe.sh install` (a pinned version from
//! npm, outside the repository). Knobs (environment):
//! * `PASSDESK_AXE_JS`: path of `axe.min.js` (default: where axe.sh puts it);
//!   a path that does not exist counts as "not installed".
//! * `PASSDESK_REQUIRE_SERVERS=1`: fail instead of skipping when it is missing.

use crate::browser::Browser;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Where `tests/bed/axe.sh install` puts axe-core unless `AXE_DIR` says otherwise.
const DEFAULT_AXE_JS: &str = "/tmp/passdesk-bed/axe/node_modules/axe-core/axe.min.js";

/// The WCAG 2.0/2.1 level A and AA rule tags.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// The source of axe.min.js, or `None` after saying why the suite is
/// skipped (a failure when `PASSDESK_REQUIRE_SERVERS=1`).
pub fn axe_or_skip() -> Option<String> {
    let path = std::env::var_os("PASSDESK_AXE_JS").map_or_else(|| PathBuf::from(DEFAULT_AXE_JS), PathBuf::from);
    match std::fs::read_to_string(&path) {
        Ok(source) if source.contains("axe") => Some(source),
        _ => {
            assert!(
                std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
                "accessibility suite: axe-core is not installed ({} is missing); PASSDESK_REQUIRE_SERVERS=1 forbids \
                 skipping. Run `bash tests/bed/axe.sh install` first.",
                path.display()
            );
            eprintln!(
                "skipped: browser flows with axe-core (no {}; `bash tests/bed/axe.sh install` installs it)",
                path.display()
            );
            None
        }
    }
}

/// One serious or critical rule violation on one page.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Which page (and theme) it was found on.
    pub page: String,
    /// axe's rule id, e.g. `color-contrast`.
    pub rule: String,
    /// `serious` or `critical`.
    pub impact: String,
    /// axe's one-line description of the rule.
    pub help: String,
    /// Where to read more.
    pub help_url: String,
    /// CSS selectors of the failing elements, each with axe's summary.
    pub nodes: Vec<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}: [{}] {}: {} ({})", self.page, self.impact, self.rule, self.help, self.help_url)?;
        for node in &self.nodes {
            writeln!(f, "    {node}")?;
        }
        Ok(())
    }
}

/// Runs axe on the page `b` shows; returns its serious and critical
/// violations, labelled with `page`.
pub async fn audit(b: &Browser, axe_source: &str, page: &str) -> Vec<Finding> {
    let loaded = b
        .call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": format!("{axe_source}\n;return typeof axe;"), "args": []})),
        )
        .await
        .unwrap_or_else(|e| panic!("{page}: injecting axe-core failed: {e}"));
    assert_eq!(loaded, "object", "{page}: axe-core did not load");
    // The last argument of an async script is its callback.
    let script = "var done = arguments[arguments.length - 1];\
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})\
          .then(function (r) { done(JSON.stringify(r.violations)); })\
          .catch(function (e) { done('axe failed: ' + e); });";
    let out = b
        .call(reqwest::Method::POST, "/execute/async", Some(json!({"script": script, "args": [TAGS]})))
        .await
        .unwrap_or_else(|e| panic!("{page}: running axe-core failed: {e}"));
    let text = out.as_str().unwrap_or_default();
    let violations: Vec<Value> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{page}: {text} ({e})"));
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| Finding {
            page: page.to_owned(),
            rule: v["id"].as_str().unwrap_or_default().to_owned(),
            impact: v["impact"].as_str().unwrap_or_default().to_owned(),
            help: v["help"].as_str().unwrap_or_default().to_owned(),
            help_url: v["helpUrl"].as_str().unwrap_or_default().to_owned(),
            nodes: v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| {
                    let target = n["target"].as_array().into_iter().flatten().filter_map(Value::as_str);
                    let summary = n["failureSummary"].as_str().unwrap_or_default();
                    let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
                    format!("{} :: {summary}", target.collect::<Vec<_>>().join(" > "))
                })
                .collect(),
        })
        .collect()
}
