//! `passdesk outbox`: the queued and sent messages, for a newcomer without a
//! mail server (the codes are here) and, with `--json`, for scripts.

use super::OutboxArgs;
use crate::clock::rfc3339;
use crate::store::{OutboxRow, Store};
use std::io::Write;

/// Runs `passdesk outbox`.
pub async fn outbox(args: OutboxArgs) -> anyhow::Result<()> {
    let config = super::load_config(args.config.clone())?;
    let store = Store::open(&config.store)?;
    let newest = store.messages_after(0, u32::MAX).await?;
    let skip = newest.len().saturating_sub(args.last as usize);
    let mut last_id = 0;
    for row in newest.iter().skip(skip) {
        print_row(row, args.json)?;
        last_id = row.id;
    }
    if let Some(row) = newest.last() {
        last_id = last_id.max(row.id);
    }
    if !args.follow {
        return Ok(());
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        for row in store.messages_after(last_id, 100).await? {
            print_row(&row, args.json)?;
            last_id = row.id;
        }
    }
}

fn print_row(row: &OutboxRow, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(row)?)?;
    } else {
        let state = serde_json::to_string(&row.state)?.replace('"', "");
        writeln!(
            out,
            "#{} {} [{state}] to {}\nSubject: {}\n{}\n",
            row.id,
            rfc3339(row.created_at),
            row.recipient,
            row.subject,
            row.body.trim_end()
        )?;
    }
    out.flush()?;
    Ok(())
}
