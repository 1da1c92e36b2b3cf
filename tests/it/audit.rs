//! The audit trail's method, directory and reason fields, as the flows fill
//! them and `passdesk audit export` writes and filters them; retention and
//! pruning with the chained summary row; the event-log copy of writeback
//! events; and the export's flat memory.

use crate::cli::{passdesk, run};
use crate::support::{TestApp, json};
use actix_web::test::{self, TestRequest};
use passdesk::config::StoreConfig;
use passdesk::domain::audit::AuditRecord;
use passdesk::flow::Client;
use passdesk::flow::audit::parse_retention;
use passdesk::store::{Effects, Store};
use serde_json::json as j;
use std::path::{Path, PathBuf};

#[actix_web::test]
async fn flows_record_the_method_directory_and_failure_reason() {
    let t = TestApp::new();
    t.user("amira", Some("amira@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let post = |uri: String, body: serde_json::Value| TestRequest::post().uri(&uri).set_json(body).to_request();
    let started = json(test::call_service(&svc, post("/api/v1/reset/start".into(), j!({"user": "amira"}))).await).await;
    let flow = started["flow"].as_str().unwrap().to_owned();
    test::call_service(&svc, post(format!("/api/v1/reset/{flow}/send"), j!({"method": "email"}))).await;
    let wrong = post(format!("/api/v1/reset/{flow}/verify"), j!({"method": "email", "code": "00000000"}));
    test::call_service(&svc, wrong).await;
    let code = t.code_for("amira@example.org").await;
    test::call_service(&svc, post(format!("/api/v1/reset/{flow}/verify"), j!({"method": "email", "code": code}))).await;
    let set = post(format!("/api/v1/reset/{flow}/password"), j!({"new_password": "Maple harbour lantern 73"}));
    assert!(test::call_service(&svc, set).await.status().is_success());

    let mut rows: Vec<AuditRecord> =
        t.app.store.recent_audit(100).await.unwrap().into_iter().map(|r| r.record).collect();
    rows.reverse();
    let find = |detail: &str| rows.iter().find(|r| r.detail.starts_with(detail)).unwrap_or_else(|| panic!("{detail}"));
    let sent = find("code sent by email");
    assert_eq!((sent.method.as_deref(), sent.reason.as_deref()), (Some("email"), None));
    let wrong = find("wrong code for email");
    assert_eq!((wrong.method.as_deref(), wrong.reason.as_deref()), (Some("email"), Some("wrong_code")));
    assert_eq!(find("verified email").method.as_deref(), Some("email"));
    let written = rows.iter().find(|r| r.event_id == Some(31002)).unwrap();
    assert_eq!((written.directory.as_deref(), written.method.as_deref()), (Some("local"), None));
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
}

/// A fresh passdesk with its config file and data folder.
pub(crate) fn fresh(dir: &Path) -> (PathBuf, PathBuf) {
    let config = dir.join("passdesk.toml");
    let data = dir.join("data");
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    (config, data)
}

pub(crate) fn row(at: i64, target: &str, method: Option<&str>, directory: Option<&str>) -> AuditRecord {
    AuditRecord {
        at,
        actor: target.into(),
        target: target.into(),
        activity: "Self-service password reset flow activity progress".into(),
        result: "failure".into(),
        detail: "step".into(),
        method: method.map(str::to_owned),
        directory: directory.map(str::to_owned),
        reason: Some("wrong_code".into()),
        ..AuditRecord::default()
    }
}

#[tokio::test]
async fn export_filters_by_method_and_directory_and_writes_the_new_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = fresh(dir.path());
    let store = Store::open(&StoreConfig { data_dir: data.clone() }).unwrap();
    let rows = vec![
        row(1_800_000_000, "ann", Some("email"), Some("corp")),
        row(1_800_000_001, "bob", Some("mobile_sms"), None),
        row(1_800_000_002, "cy", None, Some("lab")),
    ];
    store.record(1_800_000_003, Effects::audited(rows)).await.unwrap();
    drop(store);

    let (code, out, err) = run(passdesk().args(["audit", "export", "--method", "email", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with(",method,directory,reason"), "{out}");
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[1].contains("ann") && lines[1].ends_with(",email,corp,wrong_code"), "{out}");

    let (code, out, err) =
        run(passdesk().args(["audit", "export", "--format", "json", "--directory", "lab", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    let only: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!((only["target"].as_str(), only["method"].is_null()), (Some("cy"), true));
    assert_eq!((only["directory"].as_str(), only["reason"].as_str()), (Some("lab"), Some("wrong_code")));
    let (code, out, _) = run(passdesk().args(["audit", "export", "--method", "fax", "--config"]).arg(&config));
    assert_eq!((code, out.lines().count()), (0, 1), "no such method: only the header");
    assert_eq!(run(passdesk().args(["audit", "verify", "--config"]).arg(&config)).0, 0);
}

#[tokio::test]
async fn retention_is_validated_audited_and_prunes_to_a_chained_summary() {
    let t = TestApp::new();
    let flows = &t.app.flows;
    let client = Client::default();
    let before = t.app.store.audit_count().await.unwrap();
    for bad in [Some(0), Some(29), Some(3651)] {
        let err = flows.set_audit_retention(bad, "ops", &client).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("audit_retention_days") && text.contains("30 to 3650"), "{text}");
    }
    for bad in ["", "a year", "-5", "30d"] {
        let text = parse_retention(bad).unwrap_err().to_string();
        assert!(text.contains("30 to 3650") && text.contains("forever"), "{bad}: {text}");
    }
    assert_eq!(parse_retention(" Forever ").unwrap(), None);
    assert_eq!(parse_retention("365").unwrap(), Some(365));
    assert_eq!(flows.audit_retention().await.unwrap(), None, "nothing changed");
    assert_eq!(t.app.store.audit_count().await.unwrap(), before, "nothing audited");
    assert_eq!(flows.prune_audit().await.unwrap(), None, "forever prunes nothing");

    flows.set_audit_retention(Some(30), "ops", &client).await.unwrap();
    assert_eq!(flows.audit_retention().await.unwrap(), Some(30));
    let change = t.app.store.recent_audit(1).await.unwrap().remove(0).record;
    assert_eq!(change.activity, "Self-service password reset policy changes");
    assert_eq!((change.actor.as_str(), change.detail.as_str()), ("ops", "audit_retention_days: forever -> 30 days"));

    t.clock.advance(32 * 86_400);
    t.user("amira", Some("amira@example.org"), "Old-Passw0rd-1234").await;
    flows.set_audit_retention(Some(31), "ops", &client).await.unwrap();
    let range = flows.prune_audit().await.unwrap().expect("the first change is older than 31 days");
    assert_eq!(range.rows, before + 1);
    let rows = t.app.store.recent_audit(10).await.unwrap();
    let last = &rows[0].record;
    assert_eq!(last.activity, "Audit rows pruned (retention)");
    assert!(
        last.detail
            .starts_with(&format!("{} row(s) older than the retention of 31 days deleted: ids 1 to", range.rows))
    );
    assert!(last.detail.contains(&hex::encode(&range.last_hash)), "{}", last.detail);
    assert_eq!(t.app.store.verify_audit_chain().await.unwrap(), None);
}

#[tokio::test]
async fn cli_shows_sets_refuses_and_prunes_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _data) = fresh(dir.path());
    let (code, out, err) = run(passdesk().args(["audit", "retention", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("audit retention: forever"), "{out}");
    for bad in ["7", "forevermore", "99999"] {
        let (code, out, err) = run(passdesk().args(["audit", "retention", bad, "--config"]).arg(&config));
        assert_eq!(code, 1, "{bad}: {out}");
        assert!(err.contains("30 to 3650") && err.contains("forever"), "{bad}: {err}");
    }
    let (code, out, err) = run(passdesk().args(["audit", "retention", "365", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("audit retention: 365 days"), "{out}");
    let (code, out, err) = run(passdesk().args(["audit", "prune", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("nothing to prune: no audit row is older than 365 days"), "{out}");
    let (code, out, _) = run(passdesk().args(["audit", "export", "--activity", "policy", "--config"]).arg(&config));
    assert_eq!(code, 0);
    assert!(out.contains("audit_retention_days: forever -> 365 days"), "{out}");
    assert_eq!(out.lines().count(), 2, "the refused values changed nothing: {out}");
    assert_eq!(run(passdesk().args(["audit", "verify", "--config"]).arg(&config)).0, 0);
}

#[cfg(unix)]
#[actix_web::test]
async fn writeback_events_reach_the_journal_with_their_reference_names_and_no_secret() {
    use passdesk::telemetry::eventlog::{EventLog, Protocol};
    use std::os::unix::net::UnixDatagram;
    use tracing_subscriber::layer::SubscriberExt;

    let sockets = tempfile::tempdir().unwrap();
    let path = sockets.path().join("journal.sock");
    let journal = UnixDatagram::bind(&path).unwrap();
    journal.set_nonblocking(true).unwrap();
    let layer = EventLog::at(Protocol::Journald, &path).unwrap();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let t = TestApp::new();
    t.user("amira", Some("amira@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let flow = crate::support::proven_flow(&t, &svc, "amira", "amira@example.org").await;
    let code = t.code_for("amira@example.org").await;
    let new_password = "Maple harbour lantern 73";
    let set = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(j!({"new_password": new_password}))
        .to_request();
    assert!(test::call_service(&svc, set).await.status().is_success());

    let mut datagrams = Vec::new();
    let mut buf = vec![0; 65536];
    while let Ok(n) = journal.recv(&mut buf) {
        datagrams.push(String::from_utf8(buf[..n].to_vec()).unwrap());
    }
    assert_eq!(datagrams.len(), 2, "start and success: {datagrams:?}");
    let lines = |d: &str| d.lines().map(str::to_owned).collect::<Vec<_>>();
    let success = lines(&datagrams[1]);
    for want in [
        "PRIORITY=6",
        "SYSLOG_IDENTIFIER=passdesk",
        "PASSDESK_EVENT_ID=31002",
        "PASSDESK_EVENT_NAME=PasswordResetSuccess",
        "PASSDESK_TARGET=amira",
        "PASSDESK_RESULT=success",
        "PASSDESK_DIRECTORY=local",
        "MESSAGE=31002 PasswordResetSuccess: password written to directory local (user amira)",
    ] {
        assert!(success.iter().any(|l| l == want), "{want} in {success:?}");
    }
    assert!(lines(&datagrams[0]).iter().any(|l| l == "PASSDESK_EVENT_NAME=PasswordResetStart"));
    for d in &datagrams {
        for secret in [new_password, "Old-Passw0rd-1234", code.as_str(), flow.as_str()] {
            assert!(!d.contains(secret), "a secret left passdesk: {d}");
        }
    }
}

/// Adds `n` plain rows to the trail of the database at `db` in one SQL
/// statement (far quicker than chaining them in a debug build; the export
/// does not check the chain).
fn add_rows(db: &Path, from: u64, n: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "WITH RECURSIVE c(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM c WHERE i < ?2)
         INSERT INTO audit (at, actor, target, activity, result, event_id, detail, client_ip, correlation,
                            method, directory, reason, prev_hash, hash)
         SELECT 1800000000 + i, 'user' || (i % 5000), 'user' || (i % 5000),
                'Self-service password reset flow activity progress', 'success', NULL,
                'verified email, row ' || i, '198.51.100.7', printf('%032x', i), 'email', NULL, NULL,
                zeroblob(32), zeroblob(32)
         FROM c",
        rusqlite::params![from as i64, (from + n - 1) as i64],
    )
    .unwrap();
}

/// Peak RSS (KiB) of `passdesk audit export` and the lines it wrote.
fn export_peak(config: &Path) -> (u64, usize) {
    use std::io::Read;
    let mut child = passdesk()
        .args(["audit", "export", "--config"])
        .arg(config)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let counter = std::thread::spawn(move || {
        let (mut lines, mut buf) = (0, vec![0u8; 1 << 16]);
        loop {
            let n = out.read(&mut buf).unwrap();
            if n == 0 {
                return lines;
            }
            lines += buf[..n].iter().filter(|b| **b == b'\n').count();
        }
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let hwm = text.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1));
        peak = peak.max(hwm.and_then(|v| v.parse().ok()).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    (peak, counter.join().unwrap())
}

#[test]
fn csv_export_of_a_million_rows_runs_in_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = fresh(dir.path());
    let db = data.join("passdesk.sqlite");
    let before = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        // The indexes only slow the fill; the export reads by rowid.
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit' AND sql IS NOT NULL")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for name in names {
            conn.execute_batch(&format!("DROP INDEX {name}")).unwrap();
        }
        conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get::<_, i64>(0)).unwrap() as usize
    };
    add_rows(&db, 1, 100_000);
    let (small, lines) = export_peak(&config);
    assert_eq!(lines, 1 + before + 100_000, "header and every row");
    add_rows(&db, 100_001, 900_000);
    let (large, lines) = export_peak(&config);
    assert_eq!(lines, 1 + before + 1_000_000);
    assert!(small > 0 && large > 0, "VmHWM was read");
    eprintln!("export peak RSS: {small} KiB for 100,000 rows, {large} KiB for 1,000,000");
    // Ten times the rows, the same memory: pages of 500 rows, written as they come.
    assert!(large <= small + 8 * 1024, "peak RSS {small} KiB for 100,000 rows but {large} KiB for 1,000,000");
}
