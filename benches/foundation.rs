//! Foundation benchmark (issue 2): start-to-ready time of `serve`, idle
//! RSS, release binary size, and the latency of each reset step on the
//! local directory, against the real release binary over TLS.
//!
//! Run: `cargo bench --bench foundation` (prints a Markdown report and
//! writes it to target/bench-foundation.md). Knobs: BENCH_STARTS (default
//! 15), BENCH_RESETS (default 100).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{client, env_n, free_port, rss_kib, spawn, summary, wait_ready};
use passdesk::store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

async fn code_for(store: &Store, seen: &mut i64) -> String {
    for _ in 0..2000 {
        for row in store.messages_after(*seen, 100).await.unwrap() {
            *seen = row.id;
            if let Some(at) = row.body.find("code is: ") {
                return row.body[at + 9..at + 17].to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("no code arrived");
}

#[tokio::main]
async fn main() {
    let starts = env_n("BENCH_STARTS", 15);
    let resets = env_n("BENCH_RESETS", 100);
    let mut report = String::from("## Foundation benchmark\n\n");
    let binary = Path::new(env!("CARGO_BIN_EXE_passdesk"));
    let size = std::fs::metadata(binary).unwrap().len();
    report.push_str(&format!("Release binary: {:.1} MiB ({size} bytes)\n\n", size as f64 / 1048576.0));

    // Start-to-ready, after the first run has made the certificate.
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    {
        let first = spawn(dir.path(), port, false);
        let t = wait_ready(None, dir.path(), port, Duration::from_secs(30)).await;
        report
            .push_str(&format!("First run (creates database, key, certificate): {:.1} ms\n\n", t.as_secs_f64() * 1e3));
        drop(first);
    }
    let c = client(dir.path());
    let mut ready = Vec::new();
    let mut idle = Vec::new();
    for _ in 0..starts {
        let port = free_port();
        let server = spawn(dir.path(), port, false);
        ready.push(wait_ready(Some(&c), dir.path(), port, Duration::from_secs(30)).await.as_secs_f64() * 1e3);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        idle.push(rss_kib(server.0.id(), "VmRSS:") as f64 / 1024.0);
        drop(server);
    }
    report.push_str("| measure | runs | median | p95 | p99 |\n|---|---|---|---|---|\n");
    report.push_str(&summary("start-to-ready (spawn → first /healthz 200), ms", ready));
    report.push('\n');
    report.push_str(&summary("idle RSS after 1.5 s, MiB", idle));
    report.push_str("\n\n");

    // Reset steps on the local directory, one flow after another.
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = spawn(dir.path(), port, true);
    wait_ready(None, dir.path(), port, Duration::from_secs(60)).await;
    let c = client(dir.path());
    let store = Store::open_file(&dir.path().join("passdesk-data/passdesk.sqlite")).unwrap();
    let base = format!("https://127.0.0.1:{port}/api/v1/reset");
    let mut seen = 0;
    let (mut t_start, mut t_send, mut t_verify, mut t_password, mut t_total) = (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..resets {
        let user = ["alice", "bob", "carol"][i % 3];
        let begin = Instant::now();
        let t = Instant::now();
        let started: serde_json::Value = c
            .post(format!("{base}/start"))
            .json(&serde_json::json!({"user": user}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        t_start.push(t.elapsed().as_secs_f64() * 1e3);
        let flow = started["flow"].as_str().unwrap().to_owned();
        let t = Instant::now();
        let resp =
            c.post(format!("{base}/{flow}/send")).json(&serde_json::json!({"method": "email"})).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        t_send.push(t.elapsed().as_secs_f64() * 1e3);
        let code = code_for(&store, &mut seen).await;
        let t = Instant::now();
        let resp = c
            .post(format!("{base}/{flow}/verify"))
            .json(&serde_json::json!({"method": "email", "code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        t_verify.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let resp = c
            .post(format!("{base}/{flow}/password"))
            .json(&serde_json::json!({"new_password": format!("Bench lantern harbour {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        t_password.push(t.elapsed().as_secs_f64() * 1e3);
        t_total.push(begin.elapsed().as_secs_f64() * 1e3);
    }
    let peak = rss_kib(server.0.id(), "VmHWM:") as f64 / 1024.0;
    drop(server);
    report.push_str(&format!("Reset steps over TLS with keep-alive, local directory, {resets} sequential flows (code read from the outbox table between send and verify, not timed):\n\n"));
    report.push_str("| step | n | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|\n");
    for (name, v) in [
        ("POST reset/start", t_start),
        ("POST reset/{flow}/send", t_send),
        ("POST reset/{flow}/verify", t_verify),
        ("POST reset/{flow}/password (argon2id + writeback)", t_password),
        ("whole flow (incl. reading the code)", t_total),
    ] {
        report.push_str(&summary(name, v));
        report.push('\n');
    }
    report.push_str(&format!("\nPeak RSS during the reset run: {peak:.1} MiB\n"));
    println!("{report}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-foundation.md");
    let _ = std::fs::write(out, &report);
}
