//! `passdesk check`: the service-account self-test of every directory, as a
//! checklist for people or JSON for scripts.

use super::CheckArgs;
use crate::app::App;
use crate::clock::SystemClock;
use crate::directory::check::Status;
use std::sync::Arc;

/// Runs the checks; returns whether everything passed (warnings allowed).
pub async fn check(args: CheckArgs) -> anyhow::Result<bool> {
    let config = super::load_config(args.config)?;
    crate::telemetry::init(&crate::config::LogConfig { level: "error".into(), json: false });
    let app = App::build(config, Arc::new(SystemClock))?;
    let results = app.flows.self_check().await;
    let ok = results.iter().all(|(_, items)| items.iter().all(|i| i.status != Status::Fail));
    if args.json {
        let value: Vec<serde_json::Value> =
            results.iter().map(|(name, items)| serde_json::json!({ "directory": name, "checks": items })).collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "ok": ok, "directories": value }))?);
        return Ok(ok);
    }
    for (name, items) in &results {
        println!("Directory {name}");
        for item in items {
            let mark = match item.status {
                Status::Pass => "  ok  ",
                Status::Warn => " warn ",
                Status::Fail => " FAIL ",
            };
            println!("[{mark}] {}: {}", item.name, item.detail);
            if let Some(fix) = &item.fix {
                for line in fix.lines() {
                    println!("         fix: {line}");
                }
            }
        }
        println!();
    }
    println!(
        "{}",
        if ok {
            "All checks passed."
        } else {
            "Some checks failed: apply the fixes above and run passdesk check again."
        }
    );
    Ok(ok)
}
