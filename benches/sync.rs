//! Sync benchmark (issue 6): `passdesk sync` of the test bed's slapd
//! holding 100,000 load users (plus whatever else is in its people OU),
//! through the real release binary: wall time and peak memory of a first
//! sync (every address added) and of a repeated one (nothing changes).
//!
//! Run: `tests/bed/all.sh start && eval "$(tests/bed/all.sh env)" &&
//! cargo bench --bench sync`. Knob: BENCH_USERS (100000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::command::run_measured;
use common::env_n;
use common::users::{prepare_users, slapd_reader_config};

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
        let m = run_measured(&["sync", "--config", config.to_str().unwrap()]).await;
        let result = m.stdout.lines().take(2).map(str::trim).collect::<Vec<_>>().join(" ");
        let (secs, peak) = (m.secs, m.peak_mib);
        eprintln!("{run}: {secs:.1} s, peak {peak:.1} MiB: {result}");
        report.push_str(&format!("| {run} | {secs:.1} | {peak:.1} | {result} |\n"));
    }
    println!("{report}");
}
