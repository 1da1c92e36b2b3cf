//! Sync benchmark (issue 6): `passdesk sync` of the test bed's slapd
//! holding 100,000 load users (plus whatever else is in its people OU),
//! through the real release binary: wall time and peak memory of a first
//! sync (every address added) and of a repeated one (nothing changes).
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench sync`. Knob: BENCH_USERS (100000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::env_n;
use common::users::{prepare_users, slapd_reader_config};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let users = env_n("BENCH_USERS", 100_000);
    prepare_users(users).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    let text = slapd_reader_config(dir.path(), &dir.path().join("data"));
    std::fs::write(&config, format!("{text}[directories.corp.sync]\nenabled = true\n")).unwrap();

    let mut report = format!(
        "Sync of slapd's people OU holding {users} load users (mail only), release build.\n\n\
         | run | wall s | peak RSS MiB | result |\n|---|---|---|---|\n"
    );
    for run in ["first (all added)", "again (all unchanged)"] {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_passdesk"))
            .args(["sync", "--config", config.to_str().unwrap()])
            .env("PASSDESK_LOG__LEVEL", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut peak = 0;
        while child.try_wait().unwrap().is_none() {
            peak = peak.max(common::rss_kib(pid, "VmHWM:"));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let result: Vec<&str> = stdout.lines().take(2).map(str::trim).collect();
        let result = result.join(" ");
        eprintln!("{run}: {secs:.1} s, peak {:.1} MiB: {result}", peak as f64 / 1024.0);
        report.push_str(&format!("| {run} | {secs:.1} | {:.1} | {result} |\n", peak as f64 / 1024.0));
    }
    println!("{report}");
}
