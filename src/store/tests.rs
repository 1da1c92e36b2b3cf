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
    let message = Message {
        channel: Channel::Email,
        recipient: "a@x".into(),
        subject: "s".into(),
        body: "b".into(),
        expires_at: Some(100),
    };
    // A code for a flow that does not exist violates the foreign key: the
    // message and audit row of that failed change must not be stored.
    let failed = store
        .issue_code(999, "email".into(), [0; 32], 100, 10, Effects::with(vec![record("x")], vec![message.clone()]))
        .await;
    assert!(failed.is_err());
    assert!(store.messages_after(0, 10).await.unwrap().is_empty());
    assert!(store.recent_audit(10).await.unwrap().is_empty());
}
