//! `passdesk remind-expiry`: the password-expiry reminders of `serve`'s
//! hourly run, now: sends what is due (or, with `--dry-run`, only lists it)
//! and says why everyone else got none. Exit code 1 when a directory could
//! not be read.

use super::RemindExpiryArgs;
use crate::app::App;
use crate::clock::{SystemClock, rfc3339};
use crate::flow::expiry::ExpiryReport;
use anyhow::Context;
use std::sync::Arc;

/// Runs `passdesk remind-expiry`.
pub async fn remind_expiry(args: RemindExpiryArgs) -> anyhow::Result<()> {
    let config = super::load_config(args.config)?;
    let app = App::build(config, Arc::new(SystemClock))?;
    app.flows.load_settings().await.context("while reading the settings administrators saved")?;
    let marks = app.flows.notification_settings().expiry_reminder_days;
    if marks.is_empty() {
        anyhow::bail!(
            "password-expiry reminders are off (notify.expiry_reminder_days = [], or none set on the admin \
             pages' notification settings): list the days before expiry to remind on, e.g. [14, 7, 3, 1]"
        );
    }
    let report = app.flows.send_expiry_reminders(&marks, args.dry_run).await?;
    print_report(&report, &marks);
    if !report.unread.is_empty() {
        let names: Vec<&str> = report.unread.iter().map(|(n, _)| n.as_str()).collect();
        anyhow::bail!("could not read {}", names.join(", "));
    }
    Ok(())
}

fn print_report(r: &ExpiryReport, marks: &[u32]) {
    let days: Vec<String> = marks.iter().map(u32::to_string).collect();
    let verb = if r.dry_run { "would be sent (dry run, nothing sent or recorded)" } else { "queued" };
    println!("Password-expiry reminders ({} days before expiry): {} {verb}.", days.join(", "), r.sent);
    for p in &r.reminders {
        println!(
            "  {} {} -> {}: {}-day reminder, {} day(s) left, expires {}",
            p.directory,
            p.login,
            p.to,
            p.mark_days,
            p.days_left,
            rfc3339(p.expires_at)
        );
    }
    println!(
        "Checked {} account(s): {} already reminded for the mark due now, {} not due yet, {} never expire, \
         {} must change at next sign-in, {} already expired, {} disabled, {} with no e-mail address.",
        r.checked, r.already_sent, r.not_due, r.never, r.must_change, r.expired, r.disabled, r.no_address
    );
    for name in &r.not_known {
        println!(
            "{name}: this directory does not say when passwords expire (Active Directory and OpenLDAP do); skipped."
        );
    }
    for (name, why) in &r.unread {
        eprintln!("{name}: could not be read: {why}. Nothing was sent for it.");
    }
}
