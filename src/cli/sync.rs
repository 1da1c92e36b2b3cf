//! `passdesk sync`: copies contact data from directory attributes into
//! passdesk (each directory with `[directories.NAME.sync] enabled = true`,
//! or the one named), with a progress bar while the directory is read and
//! a summary of what changed; values that cannot be used are listed, not
//! fatal. A directory that fails changes nothing, and the exit code is 1.

use super::SyncArgs;
use crate::app::App;
use crate::clock::SystemClock;
use crate::domain::sync::Skipped;
use crate::flow::sync::{SyncOptions, SyncReport, SyncStage};
use std::sync::Arc;

/// Unusable values printed in full per directory; the rest are counted.
const SHOWN_SKIPPED: usize = 20;

/// Runs `passdesk sync`.
pub async fn sync(args: SyncArgs) -> anyhow::Result<()> {
    let config = super::load_config(args.config)?;
    let chosen: Vec<_> = match &args.directory {
        Some(name) => {
            let Some(dir) = config.directories.iter().find(|d| &d.name == name) else {
                let names: Vec<&str> = config.directories.iter().map(|d| d.name.as_str()).collect();
                anyhow::bail!("no directory is named {name:?}; use one of {}", names.join(", "));
            };
            if dir.kind == crate::config::DirectoryKind::Local {
                anyhow::bail!(
                    "directory {name} is passdesk's own (kind = \"local\"): its contact data is kept by passdesk \
                     itself, so there is nothing to sync"
                );
            }
            vec![(dir.name.clone(), dir.sync.clone())]
        }
        None => {
            config.directories.iter().filter(|d| d.sync.enabled).map(|d| (d.name.clone(), d.sync.clone())).collect()
        }
    };
    if chosen.is_empty() {
        anyhow::bail!(
            "no directory has sync turned on: add [directories.NAME.sync] with enabled = true \
             (see packaging/passdesk.example.toml)"
        );
    }
    let app = App::build(config, Arc::new(SystemClock))?;
    let options = SyncOptions {
        overwrite_verified: args.overwrite_verified,
        dry_run: args.dry_run,
        allow_removals: args.allow_removals,
    };
    let mut failed = Vec::new();
    for (name, sync) in chosen {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        let progress = |stage: SyncStage| match stage {
            SyncStage::Reading(n) if n % 500 == 0 => bar.set_message(format!("reading {name}: {n} accounts")),
            SyncStage::Reading(_) => {}
            SyncStage::Writing => bar.set_message(format!("comparing and writing {name}")),
        };
        let result = app.flows.sync_directory(&name, &sync, options, &progress).await;
        bar.finish_and_clear();
        match result {
            Ok(report) => print_report(&report),
            Err(e) => {
                let why = match e {
                    crate::flow::Error::InvalidInput { message, .. } => message.to_string(),
                    other => other.to_string(),
                };
                eprintln!("{name}: {why}. Nothing was changed in {name}.");
                failed.push(name);
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("sync failed for {}", failed.join(", "));
    }
    Ok(())
}

fn print_report(report: &SyncReport) {
    let c = report.counts;
    let verb = if report.dry_run { "would sync (dry run, nothing written)" } else { "synced" };
    println!("{}: {verb} {} accounts.", report.directory, c.accounts);
    println!("  {} added, {} changed, {} removed, {} already so", c.added, c.changed, c.removed, c.unchanged);
    if c.kept_verified > 0 {
        println!(
            "  {} kept: the people verified those values themselves (--overwrite-verified replaces them)",
            c.kept_verified
        );
    }
    if c.gone > 0 {
        println!("  {} account(s) no longer in the directory's scope: their registrations removed", c.gone);
    }
    if c.skipped > 0 {
        println!("  {} value(s) skipped because they cannot be used; fix them in the directory:", c.skipped);
        print_skipped(&report.skipped);
    }
}

fn print_skipped(skipped: &[Skipped]) {
    for s in skipped.iter().take(SHOWN_SKIPPED) {
        println!("    {} {}: {}", s.login, s.kind.id(), s.reason);
    }
    if skipped.len() > SHOWN_SKIPPED {
        println!("    … and {} more", skipped.len() - SHOWN_SKIPPED);
    }
}
