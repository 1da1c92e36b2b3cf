//! The `passdesk` executable as an administrator meets it: help, version,
//! configuration errors, `init`, `outbox`, and `serve` over real TLS.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn passdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
    cmd.env_remove("PASSDESK_CONFIG").stdin(Stdio::null());
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSDESK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

pub(crate) fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn help_and_version() {
    let (code, out, _) = run(passdesk().arg("--help"));
    assert_eq!(code, 0);
    assert!(out.contains("Examples:") && out.contains("serve") && out.contains("init") && out.contains("outbox"));
    let (code, out, _) = run(passdesk().arg("--version"));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("passdesk {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let (code, _, err) = run(passdesk().args(["serve", "--bogus"]));
    assert_eq!(code, 2);
    assert!(err.contains("--bogus"), "{err}");
    let (code, _, err) = run(passdesk().args(["outbox", "--last", "0"]));
    assert_eq!(code, 2);
    assert!(err.contains("--last"), "{err}");
}

/// `passdesk service` is the Windows service; elsewhere every action says so,
/// points at the systemd unit, changes nothing and exits 2.
#[cfg(not(windows))]
#[test]
fn the_service_command_is_for_windows_and_points_at_systemd() {
    let dir = tempfile::tempdir().unwrap();
    for action in ["install", "uninstall", "run"] {
        let (code, out, err) = run(passdesk().args(["service", action]).current_dir(dir.path()));
        assert_eq!(code, 2, "{action}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("is for Windows") && err.contains("passdesk.service"), "{err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing was created");
    let (code, _, err) = run(passdesk().args(["service", "start"]));
    assert_eq!(code, 2);
    assert!(err.contains("unrecognized subcommand 'start'"), "{err}");
}

#[test]
fn bad_configuration_names_every_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[server]\nlisen = \"x\"\n[password]\nmin_length = 3\n").unwrap();
    let (code, _, err) = run(passdesk().args(["serve", "--config"]).arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("server.lisen") && err.contains("password.min_length"), "{err}");
    assert!(!dir.path().join("passdesk-data").exists(), "nothing is created for a bad config");

    let (code, _, err) = run(passdesk().args(["serve", "--config", "/no/such/file.toml"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");

    let (code, _, err) = run(passdesk().arg("serve").env("PASSDESK_SERVER__LISTEN", "nowhere").current_dir(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("server.listen") && err.contains("IP:PORT"), "{err}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_writes_config_key_and_a_local_admin_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("etc").join("passdesk.toml");
    let data = dir.path().join("var");
    let (code, out, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Local administrator \"root\" created"), "{out}");
    assert!(config.exists() && data.join("passdesk.sqlite").exists() && data.join("server.key").exists());
    #[cfg(unix)]
    {
        assert_eq!(mode(&data.join("passdesk.sqlite")), 0o600);
        assert_eq!(mode(&data.join("server.key")), 0o600);
        assert_eq!(mode(&config), 0o600);
    }
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains(&format!("data_dir = {:?}", data.display().to_string())));
    let (code, _, err) = run(passdesk().args(["init", "--config"]).arg(&config));
    assert_eq!(code, 1);
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    // The written config is valid for serve and outbox.
    let (code, out, err) = run(passdesk().args(["outbox", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
}

#[test]
fn a_world_readable_server_key_is_refused() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("p.toml");
        let (code, _, err) =
            run(passdesk().args(["init", "--config"]).arg(&config).arg("--data-dir").arg(dir.path().join("d")));
        assert_eq!(code, 0, "{err}");
        let key = dir.path().join("d").join("server.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, _, err) = run(passdesk()
            .args(["init", "--force", "--admin", "other", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path().join("d")));
        assert_eq!(code, 1);
        assert!(err.contains("chmod 600"), "{err}");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn tls_client(cert_pem: &Path) -> reqwest::Client {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(cert_pem).unwrap() {
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

/// Starts `serve --demo`, waits for the ready line, runs a reset over real
/// TLS with the code read by `passdesk outbox --json`, then stops it.
#[tokio::test]
async fn serve_demo_over_tls_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = passdesk()
        .args(["serve", "--demo"])
        .env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("PASSDESK_LOG__LEVEL", "warn")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.starts_with("TLS certificate")) {
        let line =
            rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("serve printed its ready lines");
        lines.push(line);
    }
    let all = lines.join("\n");
    assert!(all.contains("alice") && all.contains("ready at https://127.0.0.1:"), "{all}");
    assert!(all.contains("SHA-256 "), "{all}");

    let client = tls_client(&dir.path().join("passdesk-data/tls/cert.pem"));
    let base = format!("https://127.0.0.1:{port}");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().get("strict-transport-security").is_some());

    // The captcha is on by default: solve it as an API client would.
    let captcha: serde_json::Value =
        client.get(format!("{base}/api/v1/captcha")).send().await.unwrap().json().await.unwrap();
    let challenge = captcha["challenge"].as_str().unwrap();
    let solution = passdesk::domain::captcha::solve(challenge, captcha["difficulty"].as_u64().unwrap() as u8);
    let started: serde_json::Value = client
        .post(format!("{base}/api/v1/reset/start"))
        .json(&serde_json::json!({"user": "bob", "captcha": {"challenge": challenge, "solution": solution}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let flow = started["flow"].as_str().unwrap();
    let sent = client
        .post(format!("{base}/api/v1/reset/{flow}/send"))
        .json(&serde_json::json!({"method": "email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);

    // The code, as a script would read it.
    let (code, out, err) = run(passdesk().args(["outbox", "--json"]).current_dir(dir.path()));
    assert_eq!(code, 0, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["recipient"], "bob@example.org");
    let body = last["body"].as_str().unwrap();
    let at = body.find("code is: ").unwrap() + 9;
    let code_digits = &body[at..at + 8];

    let verified = client
        .post(format!("{base}/api/v1/reset/{flow}/verify"))
        .json(&serde_json::json!({"method": "email", "code": code_digits}))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let done = client
        .post(format!("{base}/api/v1/reset/{flow}/password"))
        .json(&serde_json::json!({"new_password": "Copper kettle sings 9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);

    // The console printed the code too (the embedded default's transport).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lines.iter().any(|l| l.contains(code_digits)) && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(line);
        }
    }
    assert!(lines.iter().any(|l| l.contains(code_digits)), "the code was printed on the console");

    // SIGTERM stops it gracefully.
    #[cfg(unix)]
    {
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                break;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn breached_build_and_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("ours.txt");
    std::fs::write(&plain, "Winter2026!\r\nCompanyName1\n\nWinter2026!\n").unwrap();
    let out = dir.path().join("ours-sha1.txt");
    let (code, stdout, stderr) = run(passdesk().args(["breached", "build"]).arg(&plain).arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote 2 distinct passwords"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with("\r\n"), "{text:?}");
    for line in text.lines() {
        let (hash, count) = line.split_once(':').unwrap();
        assert!(hash.len() == 40 && hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()), "{line}");
        assert!(count.parse::<u64>().is_ok(), "{line}");
    }
    let lookup = |password: &str| {
        use std::io::Write;
        let mut child = passdesk()
            .args(["breached", "lookup"])
            .arg(&out)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    assert!(lookup("Winter2026!").contains("found: seen 2 times"));
    assert!(lookup("Spring2026!").contains("not found"));
    let (code, _, stderr) = run(passdesk().args(["breached", "lookup"]).arg(&plain));
    assert_eq!(code, 1);
    assert!(stderr.contains("ordered by hash"), "{stderr}");
}

#[test]
fn admin_reset_link_names_what_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    let data = dir.path().join("data");
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(passdesk().args(["admin", "reset-link", "root", "--via", "fax", "--config"]).arg(&config));
    assert_eq!(code, 2, "a usage error: {err}");
    assert!(err.contains("fax") && err.contains("email") && err.contains("sms"), "{err}");
    let (code, _, err) = run(passdesk().args(["admin", "reset-link", "nobody", "--config"]).arg(&config));
    assert_eq!(code, 1);
    assert!(err.contains("nobody"), "{err}");
    // The local administrator has no address on file: nothing to send the link to.
    let (code, _, err) = run(passdesk().args(["admin", "reset-link", "root", "--config"]).arg(&config));
    assert_eq!(code, 1);
    assert!(err.contains("cannot use self-service password reset: no usable method"), "{err}");
}

#[test]
fn audit_verify_proves_the_chain_and_names_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    let data = dir.path().join("data");
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    for (key, value) in [("reminder_days", "7"), ("reminder_days", "14"), ("reminder_days", "0")] {
        let (code, _, err) = run(passdesk().args(["policy", "set", key, value, "--config"]).arg(&config));
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(passdesk().args(["audit", "verify", "--config"]).arg(&config));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("audit trail intact: 4 row(s)"), "{out}");

    // CSV with a header, filtered; JSON lines; bad filters are usage errors.
    let (code, out, _) = run(passdesk().args(["audit", "export", "--activity", "policy", "--config"]).arg(&config));
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "id,time,actor,target,activity,result,event_id,detail,client_ip,request_id,method,directory,reason"
    );
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[1].contains("Self-service password reset policy changes"), "{out}");
    let (code, out, _) =
        run(passdesk().args(["audit", "export", "--format", "json", "--since", "2000-01-01", "--config"]).arg(&config));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "{out}");
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], 1);
    let (code, out, _) = run(passdesk().args(["audit", "export", "--until", "2000-01-01", "--config"]).arg(&config));
    assert_eq!((code, out.lines().count()), (0, 1), "only the header: {out}");
    let (code, _, err) = run(passdesk().args(["audit", "export", "--since", "yesterday", "--config"]).arg(&config));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, err) = run(passdesk().args(["audit", "export", "--result", "maybe", "--config"]).arg(&config));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("success") && err.contains("failure"), "{err}");

    // Someone edits a row behind passdesk's back (past the trigger).
    let db = rusqlite::Connection::open(data.join("passdesk.sqlite")).unwrap();
    db.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET detail = 'nothing happened here' WHERE id = 3;",
    )
    .unwrap();
    drop(db);
    let (code, out, _) = run(passdesk().args(["audit", "verify", "--config"]).arg(&config));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit trail BROKEN at row 3"), "{out}");
}

#[test]
fn local_administrators_are_added_listed_and_removed_but_never_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("passdesk.toml");
    let data = dir.path().join("data");
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(passdesk().args(["admin", "add", "ops", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Local administrator ops created"), "{out}");
    let (code, _, err) = run(passdesk().args(["admin", "add", "OPS", "--config"]).arg(&config));
    assert_eq!(code, 1, "a second ops: {err}");
    assert!(err.contains("already exists"), "{err}");
    let (code, out, _) = run(passdesk().args(["admin", "list", "--config"]).arg(&config));
    assert_eq!(code, 0);
    let names: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(names, ["ops", "root"], "{out}");
    let (code, _, err) = run(passdesk().args(["admin", "remove", "nobody", "--config"]).arg(&config));
    assert_eq!(code, 1);
    assert!(err.contains("nobody is not a local administrator"), "{err}");
    let (code, out, err) = run(passdesk().args(["admin", "remove", "root", "--config"]).arg(&config));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("root removed"), "{out}");
    let (code, _, err) = run(passdesk().args(["admin", "remove", "ops", "--config"]).arg(&config));
    assert_eq!(code, 1, "the last one stays: {err}");
    assert!(err.contains("ops is the last local administrator"), "{err}");
    let (code, out, _) =
        run(passdesk().args(["audit", "export", "--activity", "administrator", "--config"]).arg(&config));
    assert_eq!(code, 0);
    assert!(out.contains("Add local administrator") && out.contains("Remove local administrator"), "{out}");
    assert_eq!(run(passdesk().args(["audit", "verify", "--config"]).arg(&config)).0, 0);
}

/// `passdesk serve --config CONFIG` on a free port, once it accepts
/// connections: for the commands that must refuse while serve runs. The
/// caller kills it.
pub fn serve_listening(config: &Path) -> std::process::Child {
    let port = crate::browser::free_port();
    let serve = passdesk()
        .args(["serve", "--config"])
        .arg(config)
        .env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let up = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert!(up, "serve listens");
    serve
}
