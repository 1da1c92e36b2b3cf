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

use common::command::run_measured;
use common::env_n;
use common::users::{prepare_users, slapd_reader_config};

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
        let m = run_measured(&["import", "--config", config.to_str().unwrap(), csv.to_str().unwrap()]).await;
        let result = m.stdout.lines().nth(1).unwrap_or_default().trim().to_owned();
        let (secs, peak) = (m.secs, m.peak_mib);
        eprintln!("{run}: {secs:.1} s, peak {peak:.1} MiB: {result}");
        report.push_str(&format!("| {run} | {secs:.1} | {peak:.1} | {result} |\n"));
    }
    println!("{report}");
}
