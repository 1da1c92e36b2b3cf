//! What the benchmarks share: spawning the release binary, a TLS client
//! that trusts its certificate, waiting for readiness, reading memory from
//! /proc, and percentiles.
#![allow(dead_code)]

pub mod command;
pub mod reset;
pub mod scale;
pub mod users;

use rustls::pki_types::{CertificateDer, pem::PemObject};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn spawn(dir: &Path, port: u16, demo: bool) -> Server {
    spawn_with(dir, port, if demo { &["--demo"] } else { &[] }, &[])
}

/// `passdesk serve ARGS` in `dir` on `port`, with the benchmark's knobs
/// and `env` on top.
pub fn spawn_with(dir: &Path, port: u16, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
    cmd.arg("serve").args(args);
    cmd.env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("PASSDESK_LOG__LEVEL", "warn")
        // One client drives every flow: the per-address limit is off here.
        .env("PASSDESK_SERVER__REQUESTS_PER_MINUTE", "0")
        // The proof of work is the client's cost, not the server's: off here.
        .env("PASSDESK_RESET__CAPTCHA_DIFFICULTY", "0")
        // Padding is a deliberate wait, measured by the enumeration test.
        .env("PASSDESK_RESET__RESPONSE_FLOOR_MS", "0")
        .env_remove("PASSDESK_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.current_dir(dir).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    Server(child)
}

pub fn client(dir: &Path) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(dir.join("passdesk-data/tls/cert.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(config).build().unwrap()
}

pub async fn wait_ready(client: Option<&reqwest::Client>, dir: &Path, port: u16, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        // The first run has no certificate yet; build the client once it exists.
        let owned;
        let c = match client {
            Some(c) => c,
            None if dir.join("passdesk-data/tls/cert.pem").exists() => {
                owned = self::client(dir);
                &owned
            }
            None => {
                tokio::time::sleep(Duration::from_millis(2)).await;
                continue;
            }
        };
        if let Ok(resp) = c.get(format!("https://127.0.0.1:{port}/healthz")).send().await
            && resp.status() == 200
        {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "server not ready after {limit:?}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

pub fn rss_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn summary(name: &str, mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!(
        "| {name} | {} | {:.2} | {:.2} | {:.2} |",
        ms.len(),
        percentile(&ms, 50.0),
        percentile(&ms, 95.0),
        percentile(&ms, 99.0)
    )
}
