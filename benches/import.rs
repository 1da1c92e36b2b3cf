//! Import benchmark (issue 6): `passdesk import` of a 100,000-row file
//! against the test bed's slapd holding the same 100,000 users, through the
//! real release binary (bound as the directory administrator, see
//! `slapd_reader_config`): wall time, peak memory, and the split between the
//! directory look-ups and the one commit.
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench import`. Knob: BENCH_ROWS (100000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::env_n;
use common::users::{prepare_users, slapd_reader_config};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let rows = env_n("BENCH_ROWS", 100_000);
    prepare_users(rows).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    std::fs::write(&config, slapd_reader_config(dir.path(), &dir.path().join("data"))).unwrap();
    let csv = dir.path().join("staff.csv");
    let mut text = String::from("login,email,alt_email,mobile,office_phone\n");
    for i in 0..rows {
        text.push_str(&format!("load{i:05},load{i:05}.home@example.net,,+31 6 {:08},\n", 10_000_000 + i));
    }
    std::fs::write(&csv, &text).unwrap();

    let mut report = format!(
        "Import of {rows} rows ({:.1} MiB) against slapd holding the same {rows} users, release build.\n\n\
         | run | wall s | peak RSS MiB | result |\n|---|---|---|---|\n",
        text.len() as f64 / 1_048_576.0
    );
    for run in ["first (all added)", "again (all unchanged)"] {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_passdesk"))
            .args(["import", "--config", config.to_str().unwrap(), csv.to_str().unwrap()])
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
        let result = stdout.lines().nth(1).unwrap_or_default().trim().to_owned();
        eprintln!("{run}: {secs:.1} s, peak {:.1} MiB: {result}", peak as f64 / 1024.0);
        report.push_str(&format!("| {run} | {secs:.1} | {:.1} | {result} |\n", peak as f64 / 1024.0));
    }
    println!("{report}");
}
