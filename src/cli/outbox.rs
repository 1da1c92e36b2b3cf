//! `passdesk outbox`: the queued and sent messages, for a newcomer without a
//! mail server (the codes are here) and, with `--json`, for scripts. Above
//! the messages it says which channels have messages waiting after a failed
//! attempt, with the transport's last error, so an administrator sees why.

use super::OutboxArgs;
use crate::clock::rfc3339;
use crate::store::{OutboxRow, OutboxState, Store};
use std::io::Write;

/// Runs `passdesk outbox`.
pub async fn outbox(args: OutboxArgs) -> anyhow::Result<()> {
    let config = super::load_config(args.config.clone())?;
    let store = Store::open(&config.store)?;
    let newest = store.messages_after(0, u32::MAX).await?;
    if !args.json {
        for line in failing_channels(&newest) {
            println!("{line}");
        }
    }
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

/// One line per channel with messages still waiting after a failed
/// attempt: how many, since when, and the newest error (the cause).
fn failing_channels(rows: &[OutboxRow]) -> Vec<String> {
    let mut lines = Vec::new();
    for channel in ["email", "sms", "voice"] {
        let waiting: Vec<&OutboxRow> = rows
            .iter()
            .filter(|r| r.channel == channel && r.state == OutboxState::Pending && r.last_error.is_some())
            .collect();
        let (Some(first), Some(last)) = (waiting.first(), waiting.last()) else { continue };
        let name = crate::domain::Channel::parse(channel).map_or(channel, crate::flow::delivery_health::channel_name);
        lines.push(format!(
            "! {name} delivery failing: {} message(s) queued since {} wait for another attempt; last error: {}\n",
            waiting.len(),
            rfc3339(first.created_at),
            last.last_error.as_deref().unwrap_or_default()
        ));
    }
    lines
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, channel: &str, state: OutboxState, error: Option<&str>) -> OutboxRow {
        OutboxRow {
            id,
            created_at: 1_800_000_000 + id,
            channel: channel.into(),
            recipient: "a@example.org".into(),
            subject: "s".into(),
            body: "b".into(),
            expires_at: None,
            state,
            attempts: u32::from(error.is_some()),
            last_error: error.map(Into::into),
        }
    }

    #[test]
    fn names_each_failing_channel_with_its_last_error() {
        let rows = [
            row(1, "email", OutboxState::Pending, Some("connection refused")),
            row(2, "email", OutboxState::Sent, None),
            row(3, "email", OutboxState::Pending, Some("TLS: certificate not trusted")),
            row(4, "sms", OutboxState::Pending, None),
            row(5, "voice", OutboxState::Dead, Some("number unknown")),
        ];
        let lines = failing_channels(&rows);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("! e-mail delivery failing: 2 message(s) queued since 2027-01-15T08:00:01Z"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("last error: TLS: certificate not trusted"), "{}", lines[0]);
        assert!(failing_channels(&rows[1..2]).is_empty());
    }
}
