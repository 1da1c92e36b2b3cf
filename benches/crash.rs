//! Crash consistency (issue 10): reset flows against the test bed's slapd
//! while passdesk is killed with SIGKILL at random moments, many of them
//! while a password request is in flight, and started again on the same
//! data folder each time. Afterwards: `PRAGMA integrity_check` is ok,
//! `passdesk audit verify` passes, every writeback intent has an outcome,
//! every intent closed at start-up has its audit row, and for every
//! account the password the directory holds (found by binding with each
//! password the run sent) is the one of its latest successful writeback
//! row, or of an intent passdesk surfaced as unknown; no request made two
//! rows, and no 200 answer lacks its "written" row.
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo test --bench crash` (a debug build, as CI runs it; `cargo bench
//! --bench crash` runs the same against a release build). Knobs: CRASH_FLOWS (completed flows, 1000),
//! CRASH_KILLS (25), CRASH_WORKERS (4), CRASH_USERS (flows / 4: each
//! account is reset several times, so an interrupted write often follows
//! an earlier one within seconds), CRASH_SEED (random; printed, and the
//! same seed gives the same kill plan and passwords), CRASH_SMOKE=1 (100
//! flows, 5 kills: quick enough for CI). Exits non-zero naming every
//! inconsistency found. The run's accounts live in an OU of their own,
//! removed after a passing run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "crash/bed.rs"]
mod bed;
#[path = "crash/check.rs"]
mod check;
mod common;
#[path = "crash/drive.rs"]
mod drive;

use common::users::slapd_config;
use common::{Server, client, env_n, free_port, spawn_with, wait_ready};
use drive::{Shared, UserLog};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What the killer did.
#[derive(Default)]
struct Kills {
    total: usize,
    /// Kills sent while a password request was in flight.
    during_request: usize,
    /// Kills that left at least one writeback intent without its outcome
    /// (the directory write started, or was about to), and how many.
    during_write: usize,
    open_intents: usize,
    /// Each intent left open by a kill, its account, and whether the
    /// directory held the request's password right after the kill (a bind,
    /// while no passdesk ran).
    pub truths: Vec<(i64, String, bool)>,
}

fn start(dir: &Path, port: u16, config: &Path) -> Server {
    spawn_with(dir, port, &["--config", config.to_str().unwrap()], &[])
}

/// The intents without an outcome: id, user ID, account (the DN).
fn open_intents(db: &Path) -> Vec<(i64, String, String)> {
    let conn = drive::reader(db);
    let mut stmt = conn.prepare("SELECT id, login, account_id FROM writebacks WHERE finished_at IS NULL").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Kills passdesk `kills` times, spread over the run by completed flows;
/// two kills in three wait for a password request in flight and then a
/// random few milliseconds, so they land before, during or just after the
/// directory write.
async fn killer(
    shared: Arc<Shared>,
    mut server: Server,
    kills: usize,
    seed: u64,
    paths: (&Path, u16, &Path),
) -> (Kills, Server) {
    let (dir, port, config) = paths;
    let db = dir.join("passdesk-data/passdesk.sqlite");
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let mut done = Kills::default();
    for k in 0..kills {
        let due = (k + 1) * shared.flows / (kills + 1);
        let mut seen = (shared.done.load(Ordering::Relaxed), Instant::now());
        while shared.done.load(Ordering::Relaxed) < due {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let now = shared.done.load(Ordering::Relaxed);
            if now != seen.0 {
                seen = (now, Instant::now());
            }
            assert!(seen.1.elapsed() < Duration::from_secs(300), "no flow completed for 300 s");
        }
        if rng.random_range(0..3) < 2 {
            let waited = Instant::now();
            while shared.writing.load(Ordering::SeqCst) == 0 && waited.elapsed() < Duration::from_secs(10) {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            tokio::time::sleep(Duration::from_micros(rng.random_range(0..40_000))).await;
        } else {
            tokio::time::sleep(Duration::from_micros(rng.random_range(0..200_000))).await;
        }
        let in_flight = shared.writing.load(Ordering::SeqCst) > 0;
        // Child::kill is SIGKILL on Unix: no handler, no flush, no goodbye.
        server.0.kill().unwrap();
        server.0.wait().unwrap();
        done.total += 1;
        done.during_request += usize::from(in_flight);
        let open = open_intents(&db);
        // A write slapd had received finishes without passdesk: give it a
        // moment, so the bind sees the directory as start-up will.
        if !open.is_empty() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for (id, login, dn) in &open {
            let password = shared.sent.lock().unwrap().get(login).cloned().unwrap_or_default();
            let applied = bed::holder(dn, std::slice::from_ref(&password)).await.is_some();
            done.truths.push((*id, login.clone(), applied));
        }
        let open = open.len();
        done.during_write += usize::from(open > 0);
        done.open_intents += open;
        eprintln!("kill {}: password request in flight {in_flight}, open intents {open}", k + 1);
        server = start(dir, port, config);
        wait_ready(None, dir, port, Duration::from_secs(120)).await;
    }
    (done, server)
}

#[tokio::main]
async fn main() {
    let smoke = std::env::var("CRASH_SMOKE").is_ok_and(|v| v == "1");
    let flows = env_n("CRASH_FLOWS", if smoke { 100 } else { 1000 });
    let kills = env_n("CRASH_KILLS", if smoke { 5 } else { 25 });
    let workers = env_n("CRASH_WORKERS", 4).max(1);
    let users = env_n("CRASH_USERS", (flows / 4).max(workers));
    let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random::<u64>);
    let tag = format!("{:08x}", (seed as u32) ^ std::process::id());
    eprintln!(
        "crash run: seed {seed} (CRASH_SEED={seed} repeats it), {flows} flows, {kills} kills, {workers} workers, {users} accounts in {}",
        bed::ou(&tag)
    );

    let mut rng = StdRng::seed_from_u64(seed);
    let initial: Vec<String> = (0..users).map(|_| drive::password(&mut rng)).collect();
    let accounts = bed::create(&tag, &initial).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("passdesk-data");
    let config = dir.path().join("passdesk.toml");
    let text = slapd_config(dir.path(), &data)
        .replace(&format!("\"{}\"", common::users::env("SCOPE")), &format!("\"{}\"", bed::ou(&tag)));
    std::fs::write(&config, text).unwrap();
    let port = free_port();
    let server = start(dir.path(), port, &config);
    wait_ready(None, dir.path(), port, Duration::from_secs(120)).await;

    let shared = Arc::new(Shared {
        base: format!("https://127.0.0.1:{port}"),
        http: client(dir.path()),
        db: data.join("passdesk.sqlite"),
        flows,
        done: AtomicUsize::new(0),
        writing: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        abandoned: AtomicUsize::new(0),
        sent: Default::default(),
    });
    let mut logs: Vec<Vec<UserLog>> = (0..workers).map(|_| Vec::new()).collect();
    for (i, (account, initial)) in accounts.into_iter().zip(initial).enumerate() {
        logs[i % workers].push(UserLog { login: account.login, dn: account.dn, initial, attempts: Vec::new() });
    }
    let started = Instant::now();
    let tasks: Vec<_> = logs
        .into_iter()
        .enumerate()
        .map(|(w, mine)| tokio::spawn(drive::worker(shared.clone(), mine, seed.wrapping_add(w as u64 + 1))))
        .collect();
    let (killed, server) = killer(shared.clone(), server, kills, seed, (dir.path(), port, &config)).await;
    let mut users = Vec::new();
    for t in tasks {
        users.extend(t.await.unwrap());
    }
    // The end is a clean stop, as an operator's, once every worker is done.
    let _ = std::process::Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status();
    let mut server = server;
    let _ = server.0.wait();
    let secs = started.elapsed().as_secs_f64();

    let found = check::run(&shared.db, &config, &users, &killed.truths).await;
    let requests: usize = users.iter().map(|u| u.attempts.len()).sum();
    let lost = users.iter().flat_map(|u| &u.attempts).filter(|a| a.answer == drive::Answer::Lost).count();
    println!(
        "seed {seed}: {} flows completed ({} abandoned and started afresh) in {secs:.1} s",
        shared.done.load(Ordering::Relaxed),
        shared.abandoned.load(Ordering::Relaxed)
    );
    println!(
        "kills: {} (SIGKILL), {} with a password request in flight, {} left writeback intents open ({} intents)",
        killed.total, killed.during_request, killed.during_write, killed.open_intents
    );
    println!(
        "password requests: {requests}, {lost} lost to a kill; writeback rows: {} ({} written, {} failed; reconciled at start-up: {} applied, {} not applied, {} unknown)",
        found.rows, found.written, found.failed, found.applied, found.not_applied, found.unknown
    );
    println!(
        "accounts checked by binding: {}; holding the password of an intent surfaced as unknown: {}",
        users.len(),
        found.held_by_unknown
    );
    if !found.problems.is_empty() {
        for p in &found.problems {
            eprintln!("INCONSISTENT: {p}");
        }
        eprintln!("data kept in {} and accounts in {} for a look", dir.keep().display(), bed::ou(&tag));
        std::process::exit(1);
    }
    if killed.total < kills {
        eprintln!("only {} of {kills} kills happened", killed.total);
        std::process::exit(1);
    }
    bed::remove(&tag).await;
    println!(
        "crash consistency: all checks passed (integrity_check ok, audit verify ok, no lost or duplicate success)"
    );
}
