//! A command-line run of the release binary as the import and sync benches
//! measure it: wall time and peak memory of the whole process.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run took and printed.
pub struct Measured {
    pub secs: f64,
    pub peak_mib: f64,
    pub stdout: String,
}

/// Runs `passdesk ARGS` to its end, sampling its peak RSS (VmHWM) every
/// 20 ms; panics with its output when it fails.
pub async fn run_measured(args: &[&str]) -> Measured {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_passdesk"))
        .args(args)
        .env("PASSDESK_LOG__LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(super::rss_kib(pid, "VmHWM:"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    Measured { secs, peak_mib: peak as f64 / 1024.0, stdout }
}
