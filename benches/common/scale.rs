//! What the load bench needs to say how passdesk grows and what it costs
//! besides its own process: CPU time of any process and of the whole
//! machine from /proc, and an audit table filled to a given size before a
//! run (through the store itself, so the rows form a real chain).

use passdesk::config::StoreConfig;
use passdesk::domain::audit::AuditRecord;
use passdesk::store::{Effects, Store};
use std::path::Path;
use std::time::Instant;

/// User plus system CPU ticks (1/100 s) of a process so far.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}

/// (busy, total) CPU ticks of the whole machine so far.
pub fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let line = stat.lines().next().unwrap_or_default();
    let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    let total: u64 = v.iter().sum();
    // idle and iowait are not busy.
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// The process id of the first process with this command name.
pub fn pid_of(comm: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.filter_map(Result::ok).find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let name = std::fs::read_to_string(entry.path().join("comm")).ok()?;
        (name.trim() == comm).then_some(pid)
    })
}

/// An audit row like the ones a reset writes.
pub fn audit_row(i: u64, at: i64) -> AuditRecord {
    AuditRecord {
        at,
        actor: format!("load{:05}", i % 100_000),
        target: format!("load{:05}", i % 100_000),
        activity: "Reset password (self-service)".into(),
        result: "success".into(),
        event_id: Some(31001),
        detail: "password written to directory corp".into(),
        client_ip: Some("192.0.2.15".into()),
        correlation: Some(format!("{:032x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15))),
        method: None,
        directory: Some("corp".into()),
        reason: None,
    }
}

/// Fills the audit table of the database in `data_dir` (created if need
/// be) with `rows` rows, 20,000 per commit; returns seconds taken and the
/// database's size in bytes afterwards.
pub async fn prefill_audit(data_dir: &Path, rows: u64) -> (f64, u64) {
    let config = StoreConfig { data_dir: data_dir.to_owned() };
    let store = Store::open(&config).unwrap();
    let started = Instant::now();
    let at = 1_700_000_000;
    let mut done = 0;
    while done < rows {
        let n = (rows - done).min(20_000);
        let batch = (done..done + n).map(|i| audit_row(i, at + (i / 50) as i64)).collect();
        store.record(at, Effects::audited(batch)).await.unwrap();
        done += n;
    }
    let secs = started.elapsed().as_secs_f64();
    drop(store);
    (secs, database_bytes(&config.database_path()))
}

/// The database's size as its latest commit sees it (pages in use, the
/// WAL's included): what it would take once checkpointed.
pub fn database_bytes(path: &Path) -> u64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0)).unwrap_or(0);
    ((pragma("page_count") - pragma("freelist_count")) * pragma("page_size")).max(0) as u64
}

/// The audit write's own cost on a fresh database in `data_dir`:
/// microseconds per row when 10,000 rows share one commit (the chain hash,
/// the insert and its index: what a row adds to the commit it rides in),
/// and the median milliseconds of a durable commit of one row, over `reps`.
pub async fn audit_cost(data_dir: &Path, reps: usize) -> (f64, f64) {
    let store = Store::open(&StoreConfig { data_dir: data_dir.to_owned() }).unwrap();
    let mut per_row = Vec::new();
    for r in 0..5u64 {
        let batch = (0..10_000).map(|i| audit_row(r * 10_000 + i, 1_700_000_000)).collect();
        let started = Instant::now();
        store.record(1_700_000_000, Effects::audited(batch)).await.unwrap();
        per_row.push(started.elapsed().as_secs_f64() * 1e6 / 10_000.0);
    }
    per_row.sort_by(f64::total_cmp);
    let mut ms = Vec::with_capacity(reps);
    for r in 0..reps {
        let started = Instant::now();
        store.record(1_700_000_000, Effects::audited(vec![audit_row(r as u64, 1_700_000_000)])).await.unwrap();
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (super::percentile(&per_row, 50.0), super::percentile(&ms, 50.0))
}
