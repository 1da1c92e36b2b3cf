use super::*;
use crate::domain::audit::AuditRecord;
use crate::domain::{Channel, Message};

fn record(detail: &str) -> AuditRecord {
    AuditRecord {
        at: 10,
        actor: "a".into(),
        target: "a".into(),
        activity: "x".into(),
        result: "success".into(),
        event_id: None,
        detail: detail.into(),
        client_ip: None,
        correlation: None,
        ..Default::default()
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreConfig { data_dir: dir.path().join("data") }).unwrap();
    (dir, store)
}

#[tokio::test]
async fn pragmas_are_set_on_every_connection() {
    let (_dir, store) = open();
    let conn = store.pool.get().unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    let busy: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync, fk, busy), ("wal", 2, 1, 5000));
}

#[cfg(unix)]
#[tokio::test]
async fn database_and_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = open();
    let mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(dir.path().join("data")).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
}

#[tokio::test]
async fn schema_version_is_current_and_newer_is_refused() {
    let (_dir, store) = open();
    let path = store.path().to_owned();
    {
        let conn = store.pool.get().unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, migrate::current_version());
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    drop(store);
    let err = Store::open_file(&path).err().unwrap();
    assert!(matches!(err, Error::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer passdesk") || err.to_string().contains("knows only up to"), "{err}");
}

#[test]
fn schema_file_ends_with_its_version() {
    let want = format!("PRAGMA user_version = {};", migrate::current_version());
    assert!(migrate::SCHEMA.trim_end().ends_with(&want), "schema.sql must end with `{want}`");
}

#[tokio::test]
async fn audit_is_append_only_and_chained() {
    let (_dir, store) = open();
    store.record(10, Effects::audited(vec![record("one"), record("two")])).await.unwrap();
    store.record(11, Effects::audited(vec![record("three")])).await.unwrap();
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
    let conn = store.pool.get().unwrap();
    assert!(conn.execute("UPDATE audit SET detail = 'forged' WHERE id = 2", []).is_err());
    assert!(conn.execute("DELETE FROM audit WHERE id = 1", []).is_err());
    // Someone with the file can drop the trigger; the chain still tells.
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'forged' WHERE id = 2;").unwrap();
    drop(conn);
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(2));
}

#[tokio::test]
async fn effects_commit_with_the_change_or_not_at_all() {
    let (_dir, store) = open();
    let message = message();
    // A code for a flow that does not exist violates the foreign key: the
    // message and audit row of that failed change must not be stored.
    let effects = Effects::with(vec![record("x")], vec![message.clone()]);
    let failed = store.issue_code(code(999), budget(10), 10, effects).await;
    assert!(failed.is_err());
    assert!(store.messages_after(0, 10).await.unwrap().is_empty());
    assert!(store.recent_audit(10).await.unwrap().is_empty());
    // The send it would have counted is undone with it.
    let counts = store.record_defence_event("k".into(), "send", Some("a@x".into()), 10, 600).await.unwrap();
    assert_eq!(counts, Counts { for_key: 1, for_destination: 1 });
}

fn message() -> Message {
    Message {
        channel: Channel::Email,
        recipient: "a@x".into(),
        subject: "s".into(),
        body: "b".into(),
        expires_at: Some(100),
    }
}

fn code(flow_id: i64) -> NewCode {
    NewCode { flow_id, method: "email".into(), mac: [0; 32], expires_at: 100 }
}

fn budget(key_budget: u32) -> SendCount {
    SendCount { key: "k".into(), destination: Some("a@x".into()), window_secs: 600, key_budget, destination_budget: 10 }
}

#[tokio::test]
async fn a_send_over_budget_is_counted_but_stores_and_queues_nothing() {
    let (_dir, store) = open();
    let flow = NewFlow {
        token_hash: [7; 32],
        kind: FlowKind::Reset,
        directory: "local".into(),
        login: "alice".into(),
        account_id: Some("alice".into()),
        methods: Vec::new(),
        required: 1,
        linked: Vec::new(),
        client_ip: None,
    };
    let flow_id = store.create_flow(flow, 10, Effects::default()).await.unwrap();
    let message = message();
    let send = |n: i64| Effects::with(vec![record(&format!("send {n}"))], vec![message.clone()]);
    for n in 0..2 {
        assert_eq!(store.issue_code(code(flow_id), budget(2), 10 + n, send(n)).await.unwrap(), Issued::Issued);
    }
    let over = store.issue_code(code(flow_id), budget(2), 20, send(2)).await.unwrap();
    assert_eq!(over, Issued::OverBudget(Counts { for_key: 3, for_destination: 3 }));
    assert_eq!(store.messages_after(0, 10).await.unwrap().len(), 2);
    assert_eq!(store.latest_code(flow_id, "email".into()).await.unwrap().unwrap().created_at, 11);
    let details: Vec<String> = store.recent_audit(10).await.unwrap().into_iter().map(|r| r.record.detail).collect();
    assert!(!details.contains(&"send 2".to_owned()), "{details:?}");
}

#[tokio::test]
async fn the_writer_is_durable_like_every_connection() {
    let (_dir, store) = open();
    let (mode, sync): (String, i64) = store
        .change(|tx| {
            let mode = tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            Ok((mode, tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?))
        })
        .await
        .unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2));
}

#[tokio::test]
async fn a_failing_change_is_undone_alone_while_its_group_commits() {
    let (_dir, store) = open();
    let mut tasks = Vec::new();
    for i in 0..40u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .change(move |tx| {
                    audit::append(tx, &record(&format!("change {i}")))?;
                    if i % 2 == 1 { Err(Error::Task) } else { Ok(i) }
                })
                .await
        }));
    }
    let mut kept = 0;
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(n) => {
                assert_eq!(n as usize, i);
                kept += 1;
            }
            Err(Error::Task) => assert_eq!(i % 2, 1),
            Err(other) => panic!("unexpected {other}"),
        }
    }
    let rows = store.recent_audit(100).await.unwrap();
    assert_eq!((kept, rows.len()), (20, 20));
    assert!(rows.iter().all(|r| r.record.detail.trim_start_matches("change ").parse::<u32>().unwrap() % 2 == 0));
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
}

#[tokio::test]
async fn a_panicking_change_does_not_stop_the_writer() {
    let (_dir, store) = open();
    let failed = store
        .change(|tx| -> Result<(), Error> {
            audit::append(tx, &record("half"))?;
            panic!("a bug in one change");
        })
        .await;
    assert!(matches!(failed, Err(Error::Task)));
    store.record(10, Effects::audited(vec![record("after")])).await.unwrap();
    let rows = store.recent_audit(10).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.record.detail.as_str()).collect::<Vec<_>>(), ["after"]);
}
