//! `passdesk check`: the service-account self-test of every directory and
//! the transports' test (mail server, SMS and voice gateways: reachable,
//! TLS verified, credentials accepted, nothing sent), as a checklist for
//! people or JSON for scripts.

use super::CheckArgs;
use crate::app::App;
use crate::clock::SystemClock;
use crate::config::Transport;
use crate::directory::check::{CheckItem, Status};
use std::sync::Arc;

/// Runs the checks; returns whether everything passed (warnings allowed).
pub async fn check(args: CheckArgs) -> anyhow::Result<bool> {
    let config = super::load_config(args.config)?;
    crate::telemetry::init(&crate::config::LogConfig {
        level: "error".into(),
        json: false,
        event_log: crate::config::EventLogChoice::Off,
    });
    let app = App::build(config, Arc::new(SystemClock))?;
    let results = app.flows.self_check().await;
    let transports = transports(&app).await?;
    let ok = results.iter().all(|(_, items)| items.iter().all(|i| i.status != Status::Fail))
        && transports.iter().all(|i| i.status != Status::Fail);
    if args.json {
        let value: Vec<serde_json::Value> =
            results.iter().map(|(name, items)| serde_json::json!({ "directory": name, "checks": items })).collect();
        let json = serde_json::json!({ "ok": ok, "directories": value, "notify": transports });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ok);
    }
    for (name, items) in &results {
        println!("Directory {name}");
        print_items(items);
    }
    if !transports.is_empty() {
        println!("Messages");
        print_items(&transports);
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

fn print_items(items: &[CheckItem]) {
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

/// The mail server and the gateways that are configured; none with the
/// outbox-only default.
pub(super) async fn transports(app: &App) -> anyhow::Result<Vec<CheckItem>> {
    let mut probes = Vec::new();
    if let Transport::Smtp(smtp) = &app.config.notify.transport {
        probes.push(crate::notify::check::smtp(smtp, &app.config.notify.from).await);
    }
    let (sms, voice) = app.gateways()?;
    for gateway in [sms, voice].iter().flatten() {
        probes.push(crate::notify::check::gateway(gateway).await);
    }
    Ok(probes
        .into_iter()
        .map(|p| match (p.passed, p.fix) {
            (true, _) => CheckItem::pass(p.name, p.detail),
            (false, fix) => CheckItem::fail(p.name, p.detail, fix.unwrap_or_default()),
        })
        .collect())
}
