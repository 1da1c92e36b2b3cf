//! The whole suite's log at trace, for the no-secret-in-logs check (issue
//! 10, item 7). With `PASSDESK_TEST_TRACE_LOG` set, every in-process
//! passdesk logs everything (all targets, trace) to that file, and with
//! `PASSDESK_TEST_SECRETS` set, each test app leaves behind what a leak
//! would look like: the passwords it was given, the codes its messages
//! carried, and the SHA-256 of every 32-byte value it stored (the tokens'
//! digests). `tests/secrets_in_logs.py` then searches the log for all of
//! them. Without the variables nothing happens.

use std::io::Write;
use std::sync::{Mutex, Once};
use tracing_subscriber::util::SubscriberInitExt;

static INSTALL: Once = Once::new();
static SECRETS: Mutex<()> = Mutex::new(());

/// Installs the trace subscriber once per test binary, if asked.
pub fn install() {
    INSTALL.call_once(|| {
        let Some(path) = std::env::var_os("PASSDESK_TEST_TRACE_LOG") else { return };
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        // passdesk's own filter at its most talkative.
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(passdesk::telemetry::filter("trace"))
            .with_ansi(false)
            .with_writer(Mutex::new(file))
            .finish();
        // try_init also routes the `log` records of the dependencies that
        // use it (lettre, ldap3, rustls, actix) into the same file, as
        // passdesk's own logging does.
        subscriber.try_init().unwrap();
    });
}

/// Appends `kind<TAB>value` lines to the secrets file, if asked.
fn note(lines: &[(&str, String)]) {
    let Some(path) = std::env::var_os("PASSDESK_TEST_SECRETS") else { return };
    let _one_writer = SECRETS.lock().unwrap();
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    for (kind, value) in lines {
        if !value.is_empty() && !value.contains('\n') {
            writeln!(file, "{kind}\t{value}").unwrap();
        }
    }
}

/// A password a test gave passdesk.
pub fn note_password(password: &str) {
    note(&[("password", password.to_owned())]);
}

/// Everything secret a test app's store holds or sent: the codes in its
/// messages and the digest of every 32-byte value (tokens are stored as
/// their SHA-256).
pub fn note_store(conn: &rusqlite::Connection) {
    if std::env::var_os("PASSDESK_TEST_SECRETS").is_none() {
        return;
    }
    let mut lines = Vec::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    for table in tables {
        let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{table}\"")) else { continue };
        let columns = stmt.column_count();
        let Ok(mut rows) = stmt.query([]) else { continue };
        while let Ok(Some(row)) = rows.next() {
            for i in 0..columns {
                match row.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Blob(b)) if b.len() == 32 => lines.push(("digest", hex::encode(b))),
                    Ok(rusqlite::types::ValueRef::Text(t)) if table == "outbox" => {
                        let text = String::from_utf8_lossy(t);
                        lines.extend(eight_digit_runs(&text).into_iter().map(|c| ("code", c)));
                    }
                    _ => {}
                }
            }
        }
    }
    note(&lines);
}

/// The runs of exactly eight digits in a message: its one-time codes.
fn eight_digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit()).filter(|run| run.len() == 8).map(str::to_owned).collect()
}
