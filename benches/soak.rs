//! Soak benchmark (issue 10, item 6): complete reset flows through the real
//! release binary over TLS, against the test bed's slapd, at a fixed
//! offered rate of half the maximum throughput measured at the start of
//! the same run, for 30 minutes. It records, per window, the flows done,
//! the errors, the latency percentiles, passdesk's resident memory (and
//! how much of it is SQLite's heap, from `/metrics`), its open file
//! descriptors and the database size, so a leak or a slow
//! drift shows as a slope rather than hiding in an average.
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench soak` (prints a Markdown report and writes it to
//! target/bench-soak.md, the 5-second samples to
//! target/bench-soak-samples.csv). Knobs: SOAK_SECS (1800), SOAK_USERS
//! (20000), SOAK_RATE (flows/s; unset: half the calibrated maximum),
//! SOAK_CALIBRATE_SECS (20, at concurrency 32), SOAK_WINDOW (60 s),
//! SOAK_SMOKE=1 (1,000 users, 20 s at 10 flows/s, 5-s windows: proves the
//! bench still works).
//!
//! The offered load is open: flow k starts at k / rate seconds whether or
//! not earlier ones finished (up to 256 in flight; a flow that cannot
//! start then counts as an error), so a slowing server shows as latency
//! and errors, not as a quietly lower rate. Every 100th reset is checked
//! by binding with the new password. Any error fails the run after the
//! report is written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::reset::reset_once;
use common::users::{connect, dn, fresh_password, prepare_users, slapd_config};
use common::{client, env_n, free_port, percentile, rss_kib, spawn_with, wait_ready};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Flows that may be in flight at once before an offered flow is refused.
const MAX_IN_FLIGHT: usize = 256;

/// One finished flow: when it started (s into the soak), and its whole and
/// writeback latency (ms), or why it failed.
struct Flow {
    at: f64,
    outcome: Result<(f64, f64), String>,
}

/// One 5-second sample of the server process.
struct Sample {
    at: f64,
    rss_mib: f64,
    /// SQLite's heap inside passdesk (`passdesk_sqlite_memory_bytes`).
    sqlite_mib: f64,
    fds: usize,
    db_mib: f64,
}

/// Read-only outbox connections shared by the flows (one locked per read).
struct Outbox(Vec<Mutex<rusqlite::Connection>>);

impl Outbox {
    fn open(db: &Path, n: usize) -> Self {
        Self(
            (0..n)
                .map(|_| {
                    let c =
                        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
                    c.busy_timeout(Duration::from_secs(5)).unwrap();
                    Mutex::new(c)
                })
                .collect(),
        )
    }

    fn pick(&self, k: usize) -> &Mutex<rusqlite::Connection> {
        &self.0[k % self.0.len()]
    }
}

/// What every flow task needs.
struct Ctx {
    http: reqwest::Client,
    base: String,
    outbox: Outbox,
    users: usize,
}

/// One reset of user `k % users`, timed; checks the new password by a bind
/// on every 100th.
async fn one(ctx: &Ctx, k: usize) -> Result<(f64, f64), String> {
    let i = k % ctx.users;
    let new = fresh_password();
    let begun = Instant::now();
    let answers = reset_once(&ctx.http, &ctx.base, ctx.outbox.pick(k), &format!("load{i:05}"), &new).await?;
    let whole = begun.elapsed().as_secs_f64() * 1e3;
    let writeback = answers.last().map(|a| a.ms).unwrap_or(f64::NAN);
    if k.is_multiple_of(100) {
        let mut ldap = connect().await;
        let bound = ldap.simple_bind(&dn(i), &new).await.map_err(|e| format!("spot bind: {e}"))?;
        let _ = ldap.unbind().await;
        if bound.rc != 0 {
            return Err(format!("spot check: load{i:05} cannot bind with the new password (rc {})", bound.rc));
        }
    }
    Ok((whole, writeback))
}

/// Closed loop at concurrency `level` for `secs`: the maximum throughput
/// of complete flows on this machine now (flows/s) and the errors.
async fn calibrate(ctx: &Arc<Ctx>, level: usize, secs: u64, next: &AtomicUsize) -> (f64, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let first = next.load(Ordering::Relaxed);
    let next_shared = Arc::new(AtomicUsize::new(first));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..level {
        let (ctx, stop, done, errors, next) =
            (ctx.clone(), stop.clone(), done.clone(), errors.clone(), next_shared.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let k = next.fetch_add(1, Ordering::Relaxed);
                match one(&ctx, k).await {
                    Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                    Err(why) => {
                        eprintln!("calibration error: {why}");
                        errors.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let counted = done.load(Ordering::Relaxed);
    let secs_done = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    next.store(next_shared.load(Ordering::Relaxed), Ordering::Relaxed);
    (counted as f64 / secs_done, errors.load(Ordering::Relaxed))
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

fn file_mib(paths: &[PathBuf]) -> f64 {
    paths.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum::<u64>() as f64 / 1_048_576.0
}

/// SQLite's heap in MiB, from passdesk's `/metrics` (NaN if unreadable).
async fn sqlite_mib(ctx: &Ctx, token: &str) -> f64 {
    let prefix = "passdesk_sqlite_memory_bytes{kind=\"used\"} ";
    let Ok(resp) = ctx.http.get(format!("{}/metrics", ctx.base)).bearer_auth(token).send().await else {
        return f64::NAN;
    };
    let text = resp.text().await.unwrap_or_default();
    let bytes: Option<f64> = text.lines().find_map(|l| l.strip_prefix(prefix)?.parse().ok());
    bytes.map_or(f64::NAN, |b| b / 1_048_576.0)
}

/// Samples the server every 5 s until `stop`.
fn sampler(
    ctx: Arc<Ctx>,
    token: String,
    pid: u32,
    db: PathBuf,
    started: Instant,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Vec<Sample>> {
    tokio::spawn(async move {
        let files = [db.clone(), db.with_extension("sqlite-wal")];
        let mut samples = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            samples.push(Sample {
                at: started.elapsed().as_secs_f64(),
                rss_mib: rss_kib(pid, "VmRSS:") as f64 / 1024.0,
                sqlite_mib: sqlite_mib(&ctx, &token).await,
                fds: open_fds(pid),
                db_mib: file_mib(&files),
            });
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        samples
    })
}

/// The open-loop soak: flow k starts at k / rate s; returns every flow.
async fn soak(ctx: &Arc<Ctx>, rate: f64, secs: u64, first: usize, started: Instant) -> Vec<Flow> {
    let flows = Arc::new(Mutex::new(Vec::with_capacity((rate * secs as f64) as usize + 16)));
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    let total = (rate * secs as f64).round() as usize;
    for n in 0..total {
        let at = Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until((started + at).into()).await;
        let offset = started.elapsed().as_secs_f64();
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            let why = format!("not started: {MAX_IN_FLIGHT} flows already in flight");
            flows.lock().unwrap().push(Flow { at: offset, outcome: Err(why) });
            continue;
        };
        let (ctx, flows) = (ctx.clone(), flows.clone());
        tokio::spawn(async move {
            let outcome = one(&ctx, first + n).await;
            flows.lock().unwrap().push(Flow { at: offset, outcome });
            drop(slot);
        });
    }
    // Wait for the flows still in flight.
    let _all = slots.acquire_many(MAX_IN_FLIGHT as u32).await.unwrap();
    std::mem::take(&mut *flows.lock().unwrap())
}

/// One window of the report.
struct Window {
    from: f64,
    done: usize,
    errors: usize,
    p50: f64,
    p99: f64,
    writeback_p99: f64,
    rss: f64,
    sqlite: f64,
    fds: usize,
    db: f64,
}

fn windows(flows: &[Flow], samples: &[Sample], width: f64, secs: u64) -> Vec<Window> {
    let count = (secs as f64 / width).ceil() as usize;
    (0..count)
        .map(|w| {
            let (from, to) = (w as f64 * width, (w + 1) as f64 * width);
            let inside: Vec<&Flow> = flows.iter().filter(|f| f.at >= from && f.at < to).collect();
            let mut whole: Vec<f64> = inside.iter().filter_map(|f| f.outcome.as_ref().ok().map(|o| o.0)).collect();
            let mut write: Vec<f64> = inside.iter().filter_map(|f| f.outcome.as_ref().ok().map(|o| o.1)).collect();
            whole.sort_by(f64::total_cmp);
            write.sort_by(f64::total_cmp);
            // The last sample inside the window: the state at its end.
            let last = samples.iter().rev().find(|s| s.at < to).or(samples.first());
            Window {
                from,
                done: whole.len(),
                errors: inside.len() - whole.len(),
                p50: percentile(&whole, 50.0),
                p99: percentile(&whole, 99.0),
                writeback_p99: percentile(&write, 99.0),
                rss: last.map_or(f64::NAN, |s| s.rss_mib),
                sqlite: last.map_or(f64::NAN, |s| s.sqlite_mib),
                fds: last.map_or(0, |s| s.fds),
                db: last.map_or(f64::NAN, |s| s.db_mib),
            }
        })
        .collect()
}

/// Least-squares slope of `y` over `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
    let num: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let den: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if den == 0.0 { 0.0 } else { num / den }
}

fn report(
    rate: f64,
    calibrated: Option<f64>,
    users: usize,
    secs: u64,
    flows: &[Flow],
    samples: &[Sample],
    width: f64,
) -> String {
    let ws = windows(flows, samples, width, secs);
    let ok = flows.iter().filter(|f| f.outcome.is_ok()).count();
    let errors = flows.len() - ok;
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut out = format!(
        "Commit `{commit}`. {users} load users. Offered rate {rate:.1} flows/s for {secs} s{}. Flows offered {}, completed {ok}, errors {errors}.\n\n",
        calibrated
            .map(|c| format!(
                " (half of {c:.1} flows/s, the maximum measured at concurrency 32 at the start of this run)"
            ))
            .unwrap_or_default(),
        flows.len(),
    );
    out.push_str("| from (s) | flows | errors | flows/s | whole flow p50 (ms) | whole flow p99 (ms) | writeback p99 (ms) | RSS (MiB) | of which SQLite (MiB) | open fds | database + WAL (MiB) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for w in &ws {
        out.push_str(&format!(
            "| {:.0} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} |\n",
            w.from,
            w.done,
            w.errors,
            w.done as f64 / width,
            w.p50,
            w.p99,
            w.writeback_p99,
            w.rss,
            w.sqlite,
            w.fds,
            w.db
        ));
    }
    // Drift: after the first tenth (warm-up: caches, pools), the slope of
    // RSS and fds over time, and the p99 of the first and last thirds.
    let warm = secs as f64 / 10.0;
    let late: Vec<&Sample> = samples.iter().filter(|s| s.at >= warm).collect();
    if late.len() >= 2 {
        let rss: Vec<(f64, f64)> = late.iter().map(|s| (s.at / 600.0, s.rss_mib)).collect();
        let own: Vec<(f64, f64)> = late.iter().map(|s| (s.at / 600.0, s.rss_mib - s.sqlite_mib)).collect();
        let sqlite: Vec<(f64, f64)> = late.iter().map(|s| (s.at / 600.0, s.sqlite_mib)).collect();
        let fds: Vec<(f64, f64)> = late.iter().map(|s| (s.at / 600.0, s.fds as f64)).collect();
        let (rss_min, rss_max) =
            late.iter().fold((f64::MAX, 0f64), |(lo, hi), s| (lo.min(s.rss_mib), hi.max(s.rss_mib)));
        let (fd_min, fd_max) = late.iter().fold((usize::MAX, 0), |(lo, hi), s| (lo.min(s.fds), hi.max(s.fds)));
        out.push_str(&format!(
            "\nAfter the first {:.0} s (warm-up): RSS {rss_min:.1} to {rss_max:.1} MiB, slope {:+.2} MiB per 10 minutes (SQLite's heap {:+.2}, the rest {:+.2}); open fds {fd_min} to {fd_max}, slope {:+.2} per 10 minutes.\n",
            warm,
            slope(&rss),
            slope(&sqlite),
            slope(&own),
            slope(&fds)
        ));
    }
    let third = secs as f64 / 3.0;
    let p99_of = |from: f64, to: f64| {
        let mut v: Vec<f64> = flows
            .iter()
            .filter(|f| f.at >= from && f.at < to)
            .filter_map(|f| f.outcome.as_ref().ok().map(|o| o.0))
            .collect();
        v.sort_by(f64::total_cmp);
        (percentile(&v, 50.0), percentile(&v, 99.0))
    };
    let (first, last) = (p99_of(0.0, third), p99_of(2.0 * third, secs as f64 + 1.0));
    out.push_str(&format!(
        "\nWhole flow, first third: p50 {:.1} ms, p99 {:.1} ms; last third: p50 {:.1} ms, p99 {:.1} ms (last ÷ first p99: {:.2}).\n",
        first.0,
        first.1,
        last.0,
        last.1,
        last.1 / first.1
    ));
    if let Some(e) = flows.iter().find_map(|f| f.outcome.as_ref().err()) {
        out.push_str(&format!("\nFirst error: {e}\n"));
    }
    out
}

#[tokio::main]
async fn main() {
    let smoke = std::env::var("SOAK_SMOKE").is_ok_and(|v| v == "1");
    let users = env_n("SOAK_USERS", if smoke { 1000 } else { 20_000 });
    let secs = env_n("SOAK_SECS", if smoke { 20 } else { 1800 }) as u64;
    let width = env_n("SOAK_WINDOW", if smoke { 5 } else { 60 }) as f64;
    let fixed_rate: Option<f64> = std::env::var("SOAK_RATE")
        .ok()
        .map(|r| r.parse().expect("SOAK_RATE must be a number of flows per second, e.g. 110"))
        .or(smoke.then_some(10.0));
    let passwords = prepare_users(users).await;
    drop(passwords);

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config_path = dir.path().join("passdesk.toml");
    std::fs::write(&config_path, slapd_config(dir.path(), &dir.path().join("passdesk-data"))).unwrap();
    // A token for /metrics, issued before the server holds the database.
    let issued = std::process::Command::new(env!("CARGO_BIN_EXE_passdesk"))
        .args(["admin", "token", "--name", "soak", "--config"])
        .arg(&config_path)
        .env_remove("PASSDESK_CONFIG")
        .output()
        .unwrap();
    assert!(issued.status.success(), "admin token: {}", String::from_utf8_lossy(&issued.stderr));
    let stdout = String::from_utf8_lossy(&issued.stdout);
    let token = stdout.split_whitespace().find(|w| w.len() >= 32).expect("the token is printed").to_owned();
    let server = spawn_with(dir.path(), port, &["--config", config_path.to_str().unwrap()], &[]);
    let pid = server.0.id();
    wait_ready(None, dir.path(), port, Duration::from_secs(60)).await;
    let db = dir.path().join("passdesk-data/passdesk.sqlite");
    let ctx = Arc::new(Ctx {
        http: client(dir.path()),
        base: format!("https://127.0.0.1:{port}"),
        outbox: Outbox::open(&db, 8),
        users,
    });
    let next = AtomicUsize::new(0);
    let (rate, calibrated) = match fixed_rate {
        Some(r) => (r, None),
        None => {
            let (max, errors) = calibrate(&ctx, 32, env_n("SOAK_CALIBRATE_SECS", 20) as u64, &next).await;
            assert_eq!(errors, 0, "the calibration phase had errors");
            eprintln!("calibrated: {max:.1} flows/s at concurrency 32; soaking at {:.1}", max / 2.0);
            (max / 2.0, Some(max))
        }
    };
    // Let the calibration's users rest: the per-account send budget.
    let first = next.load(Ordering::Relaxed) + users / 2;
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let samples = sampler(ctx.clone(), token, pid, db.clone(), started, stop.clone());
    let flows = soak(&ctx, rate, secs, first, started).await;
    stop.store(true, Ordering::Relaxed);
    let samples = samples.await.unwrap();
    drop(server);

    let out = report(rate, calibrated, users, secs, &flows, &samples, width);
    println!("{out}");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::write(target.join("bench-soak.md"), &out).unwrap();
    let csv: String = std::iter::once("seconds,rss_mib,sqlite_mib,open_fds,database_mib\n".to_owned())
        .chain(
            samples
                .iter()
                .map(|s| format!("{:.1},{:.2},{:.2},{},{:.2}\n", s.at, s.rss_mib, s.sqlite_mib, s.fds, s.db_mib)),
        )
        .collect();
    std::fs::write(target.join("bench-soak-samples.csv"), csv).unwrap();
    let errors = flows.iter().filter(|f| f.outcome.is_err()).count();
    assert_eq!(errors, 0, "the soak had {errors} failed flows (see the report)");
    assert!(!flows.is_empty(), "no flow was offered");
}
