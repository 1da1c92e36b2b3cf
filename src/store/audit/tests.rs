use super::*;
use crate::config::StoreConfig;
use crate::domain::audit::PrunedRange;
use crate::store::Effects;

fn record(at: i64, target: &str, activity: &str, result: &str) -> AuditRecord {
    AuditRecord {
        at,
        actor: target.into(),
        target: target.into(),
        activity: activity.into(),
        result: result.into(),
        detail: format!("{activity} at {at}"),
        ..AuditRecord::default()
    }
}

fn with(mut r: AuditRecord, method: Option<&str>, directory: Option<&str>, reason: Option<&str>) -> AuditRecord {
    r.method = method.map(str::to_owned);
    r.directory = directory.map(str::to_owned);
    r.reason = reason.map(str::to_owned);
    r
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreConfig { data_dir: dir.path().join("data") }).unwrap();
    (dir, store)
}

fn tamper(store: &Store, sql: &str) {
    let conn = store.pool.get().unwrap();
    conn.execute_batch(&format!("DROP TRIGGER IF EXISTS audit_no_update; {sql}")).unwrap();
}

#[tokio::test]
async fn old_format_rows_verify_and_edited_facets_are_caught() {
    let (_dir, store) = open();
    let old = record(10, "ann", "x", "success");
    let new = with(record(11, "ann", "x", "failure"), Some("email"), Some("corp"), Some("wrong_code"));
    store.record(11, Effects::audited(vec![old.clone(), new.clone(), old])).await.unwrap();
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
    let rows = store.recent_audit(10).await.unwrap();
    assert_eq!(rows[1].record, new, "the new fields are stored and read back");
    assert_eq!(rows[0].record.method, None);

    tamper(&store, "UPDATE audit SET reason = NULL WHERE id = 2");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(2));
}

#[tokio::test]
async fn a_facet_added_to_an_old_row_is_caught() {
    let (_dir, store) = open();
    store.record(10, Effects::audited(vec![record(10, "ann", "x", "success")])).await.unwrap();
    tamper(&store, "UPDATE audit SET method = 'email' WHERE id = 1");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(1));
}

#[tokio::test]
async fn pages_filter_by_every_field_newest_first_with_capped_counts() {
    let (_dir, store) = open();
    let mut rows = Vec::new();
    for i in 0..30 {
        let target = if i % 3 == 0 { "Ann" } else { "bob" };
        let result = if i % 2 == 0 { "success" } else { "failure" };
        let method = if i % 5 == 0 { Some("email") } else { Some("mobile_sms") };
        let directory = if i % 4 == 0 { Some("corp") } else { None };
        rows.push(with(record(100 + i, target, "step", result), method, directory, None));
    }
    store.record(200, Effects::audited(rows)).await.unwrap();

    let all = AuditFilter::default();
    let first = store.audit_newest(all.clone(), None, 7).await.unwrap();
    assert_eq!(first.iter().map(|r| r.record.at).collect::<Vec<_>>(), (123..=129).rev().collect::<Vec<_>>());
    let second = store.audit_newest(all.clone(), Some(AuditCursor::after(&first[6])), 7).await.unwrap();
    assert_eq!(second[0].record.at, 122);
    assert_eq!(store.audit_matching(all.clone(), 100).await.unwrap(), AuditCount { rows: 30, more: false });
    assert_eq!(store.audit_matching(all, 10).await.unwrap(), AuditCount { rows: 10, more: true });

    let count = |f: AuditFilter| {
        let store = store.clone();
        async move { store.audit_matching(f, 1000).await.unwrap().rows }
    };
    let ann = AuditFilter { target: Some("ann".into()), ..AuditFilter::default() };
    assert_eq!(count(ann.clone()).await, 10, "the user filter ignores case");
    let email = AuditFilter { method: Some("email".into()), ..AuditFilter::default() };
    assert_eq!(count(email).await, 6);
    let corp = AuditFilter { directory: Some("corp".into()), ..AuditFilter::default() };
    assert_eq!(count(corp).await, 8);
    let failed_ann = AuditFilter { result: Some("failure".into()), ..ann };
    assert_eq!(count(failed_ann.clone()).await, 5);
    let window = AuditFilter { since: Some(104), until: Some(116), ..failed_ann };
    let page = store.audit_newest(window.clone(), None, 50).await.unwrap();
    assert_eq!(page.iter().map(|r| r.record.at).collect::<Vec<_>>(), vec![115, 109]);
    assert_eq!(store.audit_page(window, 0, 50).await.unwrap().len(), 2, "the export sees the same rows");
    let exact = AuditFilter { activity: Some("step".into()), ..AuditFilter::default() };
    let contains = AuditFilter { activity_contains: Some("TE".into()), ..AuditFilter::default() };
    assert_eq!((count(exact).await, count(contains).await), (30, 30));
}

fn summary(range: &PrunedRange) -> AuditRecord {
    AuditRecord {
        at: 1000,
        actor: "audit-retention".into(),
        target: "audit trail".into(),
        activity: Activity::AuditPruned.name().into(),
        result: "success".into(),
        detail: range.detail(30, "from", "to"),
        ..AuditRecord::default()
    }
}

async fn trail(store: &Store, ats: &[i64]) {
    let rows = ats.iter().map(|at| record(*at, "ann", "x", "success")).collect();
    store.record(1000, Effects::audited(rows)).await.unwrap();
}

#[tokio::test]
async fn prune_deletes_the_old_start_and_the_chain_still_verifies() {
    let (_dir, store) = open();
    // Row 4 is old but written after a newer one: only the start of the
    // chain goes, so the first remaining row chains to the last deleted.
    trail(&store, &[10, 20, 30, 500, 40, 600]).await;
    let range = store.prune_audit(100, summary).await.unwrap().unwrap();
    assert_eq!((range.rows, range.first_id, range.last_id, range.first_at, range.last_at), (3, 1, 3, 10, 30));
    let left: Vec<i64> = store.recent_audit(10).await.unwrap().iter().rev().map(|r| r.id).collect();
    assert_eq!(left, vec![4, 5, 6, 7]);
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
    assert!(store.pool.get().unwrap().execute("DELETE FROM audit WHERE id = 4", []).is_err(), "the trigger is back");
    assert_eq!(store.prune_audit(30, summary).await.unwrap(), None, "nothing that old is left");

    // A later prune keeps the first summary (it is new) and still verifies.
    trail(&store, &[700]).await;
    let range = store.prune_audit(650, summary).await.unwrap().unwrap();
    assert_eq!((range.first_id, range.last_id), (4, 6), "up to the first summary, which is new");
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);

    // An edit after pruning is still caught, and so is the first row.
    tamper(&store, "UPDATE audit SET detail = 'forged' WHERE id = 9");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(9));
}

#[tokio::test]
async fn rows_deleted_behind_passdesks_back_are_caught_after_a_prune() {
    let (_dir, store) = open();
    trail(&store, &[10, 20, 500, 600, 700]).await;
    store.prune_audit(100, summary).await.unwrap().unwrap();
    // The first remaining row deleted: the next one chains to a hash no
    // summary vouches for.
    tamper(&store, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(4));

    let (_dir, store) = open();
    trail(&store, &[10, 20, 500, 600, 700]).await;
    store.prune_audit(100, summary).await.unwrap().unwrap();
    tamper(&store, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 4");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(5), "a row in the middle");

    // Without a prune, deleting the first rows is caught too.
    let (_dir, store) = open();
    trail(&store, &[10, 20, 30]).await;
    tamper(&store, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 1");
    assert_eq!(store.verify_audit_chain().await.unwrap(), Some(2));
}

#[tokio::test]
async fn pruning_every_row_leaves_the_summary_chained_and_numbered_on() {
    let (_dir, store) = open();
    trail(&store, &[10, 20]).await;
    let range = store.prune_audit(100, summary).await.unwrap().unwrap();
    let rows = store.recent_audit(10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, 3, "ids are not reused");
    assert_eq!(pruned_hash(&rows[0].record.detail), Some(range.last_hash));
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
}

#[tokio::test]
async fn retention_is_stored_and_removed() {
    let (_dir, store) = open();
    assert_eq!(store.audit_retention().await.unwrap(), None);
    store.save_audit_retention(Some(365), 10, Effects::default()).await.unwrap();
    assert_eq!(store.audit_retention().await.unwrap(), Some(365));
    store.save_audit_retention(None, 11, Effects::default()).await.unwrap();
    assert_eq!(store.audit_retention().await.unwrap(), None);
}
