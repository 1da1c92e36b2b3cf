//! Load benchmark (issue 5): complete reset flows and change-password flows
//! through the real release binary over TLS, against the test bed's slapd
//! with (by default) 10,000 users, at concurrency 1, 8, 32 and 128, side by
//! side with the raw limit of the same slapd in the same run: the ldap3
//! crate binding as the user and sending the Password Modify exop on a
//! kept-open connection per worker.
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench load` (prints a Markdown report and writes it to
//! target/bench-load.md). Knobs: BENCH_USERS (10000), BENCH_SECS per phase
//! (10), BENCH_LEVELS (1,8,32,128), BENCH_SMOKE=1 (1,000 users, 2 s, levels
//! 1 and 8: proves the bench still works), BENCH_AUDIT_ROWS (audit rows
//! filled in before the start, 0), BENCH_MIN_STRENGTH (the strength floor;
//! 0 measures passdesk without the zxcvbn estimate).
//!
//! Every flow is a real change of a different account; every 25th reset is
//! spot-checked by binding with the new password. passdesk runs with
//! `server.server_timing` on, so each request's own time (less the
//! directory and hashing) is reported apart. The captcha and the
//! response padding are off (a client cost and a deliberate wait, not
//! server work); the per-address rate limit is off (one client).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::reset::reset_once;
use common::scale::{audit_cost, cpu_ticks, database_bytes, machine_ticks, pid_of, prefill_audit};
use common::users::{connect, dn, fresh_password, prepare_users, slapd_config};
use common::{client, env_n, free_port, percentile, rss_kib, spawn_with, wait_ready};
use ldap3::exop::PasswordModify;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Latencies (ms) of each named step and the count of failed flows.
#[derive(Default)]
struct Tally {
    steps: Vec<(&'static str, Vec<f64>)>,
    flows: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn add(&mut self, step: &'static str, ms: f64) {
        match self.steps.iter_mut().find(|(s, _)| *s == step) {
            Some((_, v)) => v.push(ms),
            None => self.steps.push((step, vec![ms])),
        }
    }

    fn merge(&mut self, other: Tally) {
        for (step, v) in other.steps {
            for ms in v {
                self.add(step, ms);
            }
        }
        self.flows += other.flows;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn fail(&mut self, why: String) {
        self.errors += 1;
        self.first_error.get_or_insert(why);
    }
}

/// What one phase measured.
struct Phase {
    kind: &'static str,
    level: usize,
    secs: f64,
    tally: Tally,
    cpu: Option<f64>,
    /// CPU milliseconds per flow of passdesk, slapd and the load generator.
    cpu_ms: [f64; 3],
    /// Share of the machine's CPU that was busy.
    busy: f64,
    /// Audit rows and database bytes added per flow.
    audit_rows: f64,
    db_bytes: f64,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.tally.flows as f64 / self.secs
    }
}

struct Shared {
    passwords: Arc<Vec<Mutex<String>>>,
    next: AtomicUsize,
    deadline: Mutex<Instant>,
    stop: AtomicBool,
}

impl Shared {
    fn take(&self) -> Option<usize> {
        if self.stop.load(Ordering::Relaxed) || Instant::now() >= *self.deadline.lock().unwrap() {
            return None;
        }
        Some(self.next.fetch_add(1, Ordering::Relaxed) % self.passwords.len())
    }
}

async fn raw_worker(shared: Arc<Shared>) -> Tally {
    let mut tally = Tally::default();
    let mut ldap = connect().await;
    while let Some(i) = shared.take() {
        let old = shared.passwords[i].lock().unwrap().clone();
        let new = fresh_password();
        let t = Instant::now();
        let bound = ldap.simple_bind(&dn(i), &old).await.unwrap();
        if bound.rc != 0 {
            tally.fail(format!("bind rc {}: {}", bound.rc, bound.text));
            continue;
        }
        let exop = PasswordModify { user_id: None, old_pass: Some(&old), new_pass: Some(&new) };
        let result = ldap.extended(exop).await.unwrap().1;
        tally.add("bind + Password Modify", t.elapsed().as_secs_f64() * 1e3);
        if result.rc == 0 {
            *shared.passwords[i].lock().unwrap() = new;
            tally.flows += 1;
        } else {
            tally.fail(format!("exop rc {}: {}", result.rc, result.text));
        }
    }
    let _ = ldap.unbind().await;
    tally
}

/// The raw limit as a web application meets it: a new LDAPS connection
/// per operation (connect, bind as the user, Password Modify, unbind).
async fn raw_fresh_worker(shared: Arc<Shared>) -> Tally {
    let mut tally = Tally::default();
    while let Some(i) = shared.take() {
        let old = shared.passwords[i].lock().unwrap().clone();
        let new = fresh_password();
        let t = Instant::now();
        let mut ldap = connect().await;
        let bound = ldap.simple_bind(&dn(i), &old).await.unwrap();
        if bound.rc != 0 {
            tally.fail(format!("bind rc {}: {}", bound.rc, bound.text));
            continue;
        }
        let exop = PasswordModify { user_id: None, old_pass: Some(&old), new_pass: Some(&new) };
        let result = ldap.extended(exop).await.unwrap().1;
        let _ = ldap.unbind().await;
        tally.add("connect + bind + Password Modify", t.elapsed().as_secs_f64() * 1e3);
        if result.rc == 0 {
            *shared.passwords[i].lock().unwrap() = new;
            tally.flows += 1;
        } else {
            tally.fail(format!("exop rc {}: {}", result.rc, result.text));
        }
    }
    tally
}

async fn change_worker(shared: Arc<Shared>, http: reqwest::Client, base: String) -> Tally {
    let mut tally = Tally::default();
    while let Some(i) = shared.take() {
        let old = shared.passwords[i].lock().unwrap().clone();
        let new = fresh_password();
        let body = serde_json::json!({"user": format!("load{i:05}"), "old_password": old, "new_password": new});
        let t = Instant::now();
        let resp = http.post(format!("{base}/api/v1/change")).json(&body).send().await;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        match resp {
            Ok(r) if r.status() == 200 => {
                tally.add("POST change", ms);
                split(&mut tally, "POST change", r.headers().get("server-timing").and_then(|h| h.to_str().ok()));
                *shared.passwords[i].lock().unwrap() = new;
                tally.flows += 1;
            }
            Ok(r) => {
                let status = r.status();
                tally.fail(format!("change {status}: {}", r.text().await.unwrap_or_default()));
            }
            Err(e) => tally.fail(format!("change: {e}")),
        }
    }
    tally
}

/// passdesk's own time in a request: the Server-Timing total less the
/// directory's and hashing's shares (ms); the directory's and the store's
/// shares too.
fn own_time(header: Option<&str>) -> Option<(f64, f64, f64)> {
    let header = header?;
    let part = |name: &str| -> Option<f64> {
        header.split(", ").find_map(|p| p.strip_prefix(name)?.strip_prefix(";dur=")?.parse().ok())
    };
    let (total, directory, hashing, store) = (part("total")?, part("directory")?, part("hashing")?, part("store")?);
    Some(((total - directory - hashing).max(0.0), directory, store))
}

/// Records passdesk's own, directory and store time of one answer under `step`.
fn split(tally: &mut Tally, step: &'static str, timing: Option<&str>) {
    if let Some((own, directory, store)) = own_time(timing) {
        tally.add(own_step(step), own);
        tally.add(directory_step(step), directory);
        tally.add(store_step(step), store);
    }
}

fn own_step(step: &'static str) -> &'static str {
    match step {
        "POST change" => "POST change: passdesk's own",
        "POST reset/start" => "POST reset/start: passdesk's own",
        "POST reset/{flow}/send" => "POST reset/{flow}/send: passdesk's own",
        "POST reset/{flow}/verify" => "POST reset/{flow}/verify: passdesk's own",
        _ => "POST reset/{flow}/password: passdesk's own",
    }
}

fn directory_step(step: &'static str) -> &'static str {
    match step {
        "POST change" => "POST change: directory",
        "POST reset/start" => "POST reset/start: directory",
        "POST reset/{flow}/send" => "POST reset/{flow}/send: directory",
        "POST reset/{flow}/verify" => "POST reset/{flow}/verify: directory",
        _ => "POST reset/{flow}/password: directory",
    }
}

fn store_step(step: &'static str) -> &'static str {
    match step {
        "POST change" => "POST change: store (part of own)",
        "POST reset/start" => "POST reset/start: store (part of own)",
        "POST reset/{flow}/send" => "POST reset/{flow}/send: store (part of own)",
        "POST reset/{flow}/verify" => "POST reset/{flow}/verify: store (part of own)",
        _ => "POST reset/{flow}/password: store (part of own)",
    }
}

async fn reset_worker(shared: Arc<Shared>, http: reqwest::Client, base: String, db: std::path::PathBuf) -> Tally {
    let mut tally = Tally::default();
    let db =
        Mutex::new(rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap());
    db.lock().unwrap().busy_timeout(Duration::from_secs(5)).unwrap();
    let mut spot: Option<ldap3::Ldap> = None;
    while let Some(i) = shared.take() {
        let login = format!("load{i:05}");
        let new = fresh_password();
        let begun = Instant::now();
        match reset_once(&http, &base, &db, &login, &new).await {
            Ok(answers) => {
                for a in answers {
                    split(&mut tally, a.step, a.timing.as_deref());
                    let step = match a.step {
                        "POST reset/{flow}/password" => "POST reset/{flow}/password (writeback)",
                        other => other,
                    };
                    tally.add(step, a.ms);
                }
            }
            Err(why) => {
                tally.fail(why);
                continue;
            }
        }
        tally.add("whole flow (client, incl. reading the code)", begun.elapsed().as_secs_f64() * 1e3);
        *shared.passwords[i].lock().unwrap() = new.clone();
        tally.flows += 1;
        if i % 25 == 0 {
            let ldap = spot.get_or_insert(connect().await);
            let bound = ldap.simple_bind(&dn(i), &new).await.unwrap();
            assert_eq!(bound.rc, 0, "spot check: load{i:05} cannot bind with the new password");
        }
    }
    tally
}

#[allow(clippy::too_many_arguments)]
async fn phase(
    kind: &'static str,
    level: usize,
    secs: u64,
    passwords: &Arc<Vec<Mutex<String>>>,
    next: &AtomicUsize,
    http: &reqwest::Client,
    base: &str,
    db: &std::path::Path,
    pid: u32,
    peak_rss: &AtomicU64,
) -> Phase {
    let shared = Arc::new(Shared {
        passwords: passwords.clone(),
        next: AtomicUsize::new(next.load(Ordering::Relaxed)),
        deadline: Mutex::new(Instant::now() + Duration::from_secs(3600)),
        stop: AtomicBool::new(false),
    });
    let mut tasks = Vec::new();
    for _ in 0..level {
        let s = shared.clone();
        tasks.push(match kind {
            "raw" => tokio::spawn(raw_worker(s)),
            "raw-fresh" => tokio::spawn(raw_fresh_worker(s)),
            "change" => tokio::spawn(change_worker(s, http.clone(), base.to_owned())),
            _ => tokio::spawn(reset_worker(s, http.clone(), base.to_owned(), db.to_owned())),
        });
    }
    // The clock starts once the workers exist (raw workers connect first).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ticks = cpu_ticks(pid);
    let slapd = pid_of("slapd").unwrap_or(0);
    let before = [ticks, cpu_ticks(slapd), cpu_ticks(std::process::id())];
    let machine_before = machine_ticks();
    let (rows_before, bytes_before) = (audit_count(db), database_bytes(db));
    let started = Instant::now();
    *shared.deadline.lock().unwrap() = started + Duration::from_secs(secs);
    let sampler = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut max = 0;
            while Instant::now() < *shared.deadline.lock().unwrap() {
                max = max.max(rss_kib(pid, "VmRSS:"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            max
        })
    };
    let mut tally = Tally::default();
    for t in tasks {
        tally.merge(t.await.unwrap());
    }
    let secs_done = started.elapsed().as_secs_f64();
    let rss = sampler.await.unwrap();
    peak_rss.fetch_max(rss, Ordering::Relaxed);
    next.store(shared.next.load(Ordering::Relaxed), Ordering::Relaxed);
    let cpu = (!kind.starts_with("raw")).then(|| (cpu_ticks(pid) - ticks) as f64 / 100.0 / secs_done);
    let after = [cpu_ticks(pid), cpu_ticks(slapd), cpu_ticks(std::process::id())];
    let flows = tally.flows.max(1) as f64;
    let cpu_ms = std::array::from_fn(|k| (after[k] - before[k]) as f64 * 10.0 / flows);
    let machine_after = machine_ticks();
    let busy = (machine_after.0 - machine_before.0) as f64 / (machine_after.1 - machine_before.1).max(1) as f64;
    let audit_rows = (audit_count(db) - rows_before) as f64 / flows;
    let db_bytes = database_bytes(db).saturating_sub(bytes_before) as f64 / flows;
    Phase { kind, level, secs: secs_done, tally, cpu, cpu_ms, busy, audit_rows, db_bytes }
}

/// Rows in passdesk's audit table (read-only, beside the running server).
fn audit_count(db: &std::path::Path) -> i64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.query_row("SELECT max(id) FROM audit", [], |r| r.get::<_, Option<i64>>(0)).ok().flatten().unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| v == "1");
    let users = env_n("BENCH_USERS", if smoke { 1000 } else { 10_000 });
    let secs = env_n("BENCH_SECS", if smoke { 2 } else { 10 }) as u64;
    let levels: Vec<usize> = std::env::var("BENCH_LEVELS")
        .unwrap_or_else(|_| if smoke { "1,8".into() } else { "1,8,32,128".into() })
        .split(',')
        .map(|l| l.trim().parse().unwrap())
        .collect();
    // BENCH_KINDS picks phases (e.g. "change" while profiling); the report
    // needs all four.
    let kinds: Vec<String> = std::env::var("BENCH_KINDS")
        .unwrap_or_else(|_| "raw,raw-fresh,change,reset".into())
        .split(',')
        .map(|k| k.trim().to_owned())
        .collect();
    let passwords = prepare_users(users).await;

    let dir = tempfile::tempdir().unwrap();
    // BENCH_AUDIT_ROWS fills the audit table before passdesk starts, to see
    // how a year of history changes the figures.
    let audit_rows = env_n("BENCH_AUDIT_ROWS", 0) as u64;
    let mut notes = Vec::new();
    if audit_rows > 0 {
        let (took, bytes) = prefill_audit(&dir.path().join("passdesk-data"), audit_rows).await;
        let per_million = bytes as f64 / 1_048_576.0 / (audit_rows as f64 / 1e6);
        let note = format!(
            "Audit table filled with {audit_rows} rows before the start in {took:.0} s: database {:.0} MiB, {per_million:.0} MiB per million rows.",
            bytes as f64 / 1_048_576.0
        );
        eprintln!("{note}");
        notes.push(note);
    }
    let port = free_port();
    let config = slapd_config(dir.path(), &dir.path().join("passdesk-data"));
    let config_path = dir.path().join("passdesk.toml");
    std::fs::write(&config_path, config).unwrap();
    // BENCH_MIN_STRENGTH (default: passdesk's own, 2) sets the strength
    // floor; 0 skips the zxcvbn estimate, to show what it costs.
    let strength = std::env::var("BENCH_MIN_STRENGTH").ok();
    let mut server_env = vec![("PASSDESK_SERVER__SERVER_TIMING", "true")];
    if let Some(s) = &strength {
        server_env.push(("PASSDESK_PASSWORD__MIN_STRENGTH", s.as_str()));
        notes.push(format!("password.min_strength = {s} for this run."));
    }
    let server = spawn_with(dir.path(), port, &["--config", config_path.to_str().unwrap()], &server_env);
    let pid = server.0.id();
    wait_ready(None, dir.path(), port, Duration::from_secs(60)).await;
    let idle_rss = rss_kib(pid, "VmRSS:");
    let http = client(dir.path());
    let base = format!("https://127.0.0.1:{port}");
    let db = dir.path().join("passdesk-data/passdesk.sqlite");
    let next = AtomicUsize::new(0);
    let peak = AtomicU64::new(0);

    let mut phases = Vec::new();
    for &level in &levels {
        for kind in ["raw", "raw-fresh", "change", "reset"].into_iter().filter(|k| kinds.iter().any(|w| w == k)) {
            let p = phase(kind, level, secs, &passwords, &next, &http, &base, &db, pid, &peak).await;
            eprintln!(
                "{kind:<6} c={level:<3} {:8.1} flows/s  errors {}{}",
                p.rate(),
                p.tally.errors,
                p.tally.first_error.as_deref().map(|e| format!(" (first: {e})")).unwrap_or_default()
            );
            phases.push(p);
        }
    }
    let hwm = rss_kib(pid, "VmHWM:");
    drop(server);
    // The smoke run is a test: any failed flow fails it.
    if smoke && let Some(p) = phases.iter().find(|p| p.tally.errors > 0) {
        panic!("{} at concurrency {}: {} errors, first: {:?}", p.kind, p.level, p.tally.errors, p.tally.first_error);
    }
    // The audit write's own cost, apart from the flows' other work.
    if kinds.iter().any(|k| k == "reset") {
        let (per_row, commit) = audit_cost(&dir.path().join("audit-cost"), 400).await;
        notes.push(format!(
            "Audit write cost (fresh database): {per_row:.1} µs per row inside a commit (median of five commits of 10,000 rows: chain hash, insert, index); a durable commit of a single row takes {commit:.3} ms (median of 400)."
        ));
    }
    if kinds.len() < 4 {
        return;
    }

    let mut out = String::new();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    out.push_str(&format!(
        "Users in the directory: {users} load users (plus the bed's own). Phase length {secs} s. Commit `{commit}`.\n\n"
    ));
    out.push_str("Raw: the ldap3 crate binding as the user and sending Password Modify, on a kept-open connection per worker (rebinding) and, as a web application meets it, on a new LDAPS connection per operation; the ratios are against the latter.\n\n");
    out.push_str("| concurrency | raw kept-open /s | raw new-connection /s | change /s | change ÷ raw | reset /s | reset ÷ raw | passdesk CPU (change, reset) | errors (raw, raw new, change, reset) |\n|---|---|---|---|---|---|---|---|---|\n");
    for &level in &levels {
        let get = |k: &str| phases.iter().find(|p| p.kind == k && p.level == level).unwrap();
        let (kept, raw, change, reset) = (get("raw"), get("raw-fresh"), get("change"), get("reset"));
        out.push_str(&format!(
            "| {level} | {:.1} | {:.1} | {:.1} | {:.2} | {:.1} | {:.2} | {:.0} %, {:.0} % | {}, {}, {}, {} |\n",
            kept.rate(),
            raw.rate(),
            change.rate(),
            change.rate() / raw.rate(),
            reset.rate(),
            reset.rate() / raw.rate(),
            change.cpu.unwrap_or(0.0) * 100.0,
            reset.cpu.unwrap_or(0.0) * 100.0,
            kept.tally.errors,
            raw.tally.errors,
            change.tally.errors,
            reset.tally.errors
        ));
    }
    out.push_str("\nWhere the machine's CPU went, per flow (ms of CPU time), the machine's busy share, and what each flow added to the audit table and the database:\n\n| concurrency | phase | passdesk | slapd | load generator | machine busy | audit rows | database bytes |\n|---|---|---|---|---|---|---|---|\n");
    for p in &phases {
        out.push_str(&format!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.0} % | {:.1} | {:.0} |\n",
            p.level,
            p.kind,
            p.cpu_ms[0] * f64::from(u8::from(!p.kind.starts_with("raw"))),
            p.cpu_ms[1],
            p.cpu_ms[2],
            p.busy * 100.0,
            p.audit_rows,
            p.db_bytes
        ));
    }
    out.push_str(
        "\nPer-step latency (ms):\n\n| concurrency | step | n | p50 | p95 | p99 |\n|---|---|---|---|---|---|\n",
    );
    for p in &phases {
        for (step, v) in &p.tally.steps {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            out.push_str(&format!(
                "| {} | {step} | {} | {:.2} | {:.2} | {:.2} |\n",
                p.level,
                v.len(),
                percentile(&v, 50.0),
                percentile(&v, 95.0),
                percentile(&v, 99.0)
            ));
        }
    }
    for note in &notes {
        out.push_str(&format!("\n{note}\n"));
    }
    out.push_str(&format!(
        "\npassdesk RSS: idle {:.1} MiB after start, peak sampled {:.1} MiB, high-water mark {:.1} MiB.\n",
        idle_rss as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        hwm as f64 / 1024.0
    ));
    println!("{out}");
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-load.md");
    std::fs::write(target, &out).unwrap();
}
