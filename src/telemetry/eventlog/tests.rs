// The journald and syslog senders exist only on Unix.
#![cfg(unix)]

use super::*;
use std::collections::BTreeMap;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

/// Parses a journald native datagram into its fields.
pub(crate) fn journald_fields(mut data: &[u8]) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    while !data.is_empty() {
        let line_end = data.iter().position(|b| *b == b'\n').unwrap();
        let line = &data[..line_end];
        if let Some(eq) = line.iter().position(|b| *b == b'=') {
            fields.insert(String::from_utf8_lossy(&line[..eq]).into(), String::from_utf8_lossy(&line[eq + 1..]).into());
            data = &data[line_end + 1..];
        } else {
            let rest = &data[line_end + 1..];
            let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
            fields.insert(String::from_utf8_lossy(line).into(), String::from_utf8_lossy(&rest[8..8 + len]).into());
            assert_eq!(rest[8 + len], b'\n');
            data = &rest[9 + len..];
        }
    }
    fields
}

fn receive(protocol: Protocol, emit: impl FnOnce()) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.sock");
    let receiver = UnixDatagram::bind(&path).unwrap();
    receiver.set_nonblocking(true).unwrap();
    let only = Targets::new().with_target(EVENT_LOG_TARGET, tracing::Level::TRACE);
    let layer = EventLog::at(protocol, &path).unwrap().with_filter(only);
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), emit);
    let mut got = Vec::new();
    let mut buf = vec![0; 65536];
    while let Ok(n) = receiver.recv(&mut buf) {
        got.push(buf[..n].to_vec());
    }
    got
}

fn failure_and_noise() {
    tracing::warn!(
        target: EVENT_LOG_TARGET,
        event_id = 31003i64, event_name = "PasswordResetFail", user = "alice", result = "failure",
        directory = "corp", reason = "policy_rejected", request_id = "req-1",
        "writeback to directory corp failed: {}", "refused\n\"history\""
    );
    tracing::warn!(target: "passdesk::flow", "an ordinary log line");
    tracing::info!(
        target: EVENT_LOG_TARGET,
        event_id = 31001i64, event_name = "PasswordResetStart", user = "bob", result = "success",
        directory = "", reason = "", request_id = "",
        "writeback to directory corp started"
    );
}

#[test]
fn journald_gets_the_event_fields_and_nothing_else() {
    let got = receive(Protocol::Journald, failure_and_noise);
    assert_eq!(got.len(), 2, "only the two events, not the ordinary line");
    let first = journald_fields(&got[0]);
    let want: BTreeMap<String, String> = [
        ("MESSAGE", "31003 PasswordResetFail: writeback to directory corp failed: refused\n\"history\" (user alice)"),
        ("PRIORITY", "4"),
        ("SYSLOG_IDENTIFIER", "passdesk"),
        ("SYSLOG_FACILITY", "10"),
        ("PASSDESK_EVENT_ID", "31003"),
        ("PASSDESK_EVENT_NAME", "PasswordResetFail"),
        ("PASSDESK_TARGET", "alice"),
        ("PASSDESK_RESULT", "failure"),
        ("PASSDESK_DIRECTORY", "corp"),
        ("PASSDESK_REASON", "policy_rejected"),
        ("PASSDESK_REQUEST_ID", "req-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(first, want);
    let second = journald_fields(&got[1]);
    assert_eq!(second["PRIORITY"], "6");
    assert_eq!(second["PASSDESK_EVENT_ID"], "31001");
    assert!(!second.contains_key("PASSDESK_DIRECTORY"), "empty fields are left out: {second:?}");
}

#[test]
fn syslog_gets_one_rfc5424_line_per_event() {
    let got = receive(Protocol::Syslog, failure_and_noise);
    assert_eq!(got.len(), 2);
    let pid = std::process::id();
    let first = String::from_utf8(got[0].clone()).unwrap();
    assert_eq!(
        first,
        format!(
            "<84>1 - - passdesk {pid} PasswordResetFail [passdesk@32473 event_id=\"31003\" user=\"alice\" \
             result=\"failure\" directory=\"corp\" reason=\"policy_rejected\" request_id=\"req-1\"] \
             31003 PasswordResetFail: writeback to directory corp failed: refused \"history\" (user alice)"
        )
    );
    let second = String::from_utf8(got[1].clone()).unwrap();
    assert!(second.starts_with(&format!("<86>1 - - passdesk {pid} PasswordResetStart [passdesk@32473 event_id=\"31001\" user=\"bob\" result=\"success\"] ")), "{second}");
}

#[test]
fn structured_data_values_are_escaped() {
    assert_eq!(sd_escape("a\"b\\c]d\ne"), "a\\\"b\\\\c\\]d e");
}

#[test]
fn a_missing_socket_drops_the_copy_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let log = EventLog::at(Protocol::Journald, &dir.path().join("absent.sock")).unwrap();
    log.send(&Event { id: 31002, ..Event::default() });
}
