//! `passdesk audit`: prove the audit trail's hash chain, and export the
//! trail (CSV or JSON lines, filtered) for a SIEM or an auditor. The export
//! pages through the database, so memory stays flat however long the
//! trail is.

use super::{AuditArgs, AuditCommand, AuditFormat, ExportArgs};
use crate::app::App;
use crate::clock::SystemClock;
use crate::flow::audit::{EXPORT_HEADER, export_fields, export_json};
use crate::store::{AuditFilter, Store};
use std::io::Write;
use std::sync::Arc;

/// Rows read from the database at a time by an export.
const PAGE: u32 = 500;

/// Runs `passdesk audit …`; `Ok(false)` when the chain is broken.
pub async fn audit(args: AuditArgs) -> anyhow::Result<bool> {
    match args.command {
        AuditCommand::Verify { config } => verify(config).await,
        AuditCommand::Export(export) => self::export(export).await.map(|()| true),
        AuditCommand::Retention { value, config } => retention(value, config).await.map(|()| true),
        AuditCommand::Prune { config } => prune(config).await.map(|()| true),
    }
}

async fn retention(value: Option<String>, config: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let app = App::build(super::load_config(config)?, Arc::new(SystemClock))?;
    if let Some(value) = value {
        let days = crate::flow::audit::parse_retention(&value)?;
        app.flows.set_audit_retention(days, &super::actor(), &super::cli_client()).await?;
    }
    match app.flows.audit_retention().await? {
        Some(days) => println!(
            "audit retention: {days} days (rows older than that are deleted daily by serve, or now by passdesk audit prune)"
        ),
        None => println!("audit retention: forever (no row is ever deleted)"),
    }
    Ok(())
}

async fn prune(config: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let app = App::build(super::load_config(config)?, Arc::new(SystemClock))?;
    match app.flows.prune_audit().await? {
        Some(range) => println!(
            "pruned {} audit row(s), ids {} to {}; a summary row at the end of the trail records them",
            range.rows, range.first_id, range.last_id
        ),
        None => match app.flows.audit_retention().await? {
            Some(days) => println!("nothing to prune: no audit row is older than {days} days"),
            None => println!(
                "nothing to prune: the audit retention is forever (set one with passdesk audit retention DAYS)"
            ),
        },
    }
    Ok(())
}

async fn verify(config: Option<std::path::PathBuf>) -> anyhow::Result<bool> {
    let config = super::load_config(config)?;
    let store = Store::open(&config.store)?;
    let rows = store.audit_count().await?;
    match store.verify_audit_chain().await? {
        None => {
            println!("audit trail intact: {rows} row(s), each chained to the one before it");
            Ok(true)
        }
        Some(id) => {
            println!(
                "audit trail BROKEN at row {id}: that row, or the one before it, was changed or deleted outside \
                 passdesk. Keep a copy of the database for investigation and restore the last good backup."
            );
            Ok(false)
        }
    }
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time, as Unix seconds.
pub fn parse_time(text: &str) -> Result<i64, String> {
    crate::clock::parse_time(text)
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let config = super::load_config(args.config.clone())?;
    let store = Store::open(&config.store)?;
    let filter = AuditFilter {
        since: args.since,
        until: args.until,
        target: args.user.clone(),
        activity_contains: args.activity.clone(),
        result: args.result.map(|r| r.as_str().to_owned()),
        method: args.method.clone(),
        directory: args.directory.clone(),
        ..AuditFilter::default()
    };
    // Both write through their own buffer straight to standard output.
    let mut csv = csv::Writer::from_writer(std::io::stdout().lock());
    let mut json_out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.format == AuditFormat::Csv {
        csv.write_record(EXPORT_HEADER)?;
    }
    let mut after = 0;
    loop {
        let page = store.audit_page(filter.clone(), after, PAGE).await?;
        for row in &page {
            match args.format {
                AuditFormat::Csv => csv.write_record(export_fields(row))?,
                AuditFormat::Json => writeln!(json_out, "{}", export_json(row))?,
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = last.id,
            _ => break,
        }
    }
    csv.flush()?;
    json_out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn dates_and_times_parse_and_nonsense_is_named() {
        assert_eq!(parse_time("2026-11-26"), Ok(1_795_651_200));
        assert_eq!(parse_time("2026-11-26T01:00:00Z"), Ok(1_795_654_800));
        assert_eq!(parse_time("2026-11-26T02:00:00+01:00"), Ok(1_795_654_800));
        for bad in ["yesterday", "2026-13-01", "2026-02-30", "26/11/2026", ""] {
            assert!(parse_time(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
    }
}
