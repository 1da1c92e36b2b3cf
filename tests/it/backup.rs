//! `passdesk backup` and `passdesk restore`: a backup taken while resets
//! are being written restores on a new host with a consistent database
//! (every row a prefix of the live chain), the audit chain intact and the
//! flows working; a restore refuses while serve runs; and a damaged,
//! truncated, newer, altered or foreign archive is refused with a clear
//! message while the data folder stays exactly as it was.

use crate::cli::{passdesk, run};
use crate::support::{TestApp, proven_flow};
use actix_web::test as atest;
use passdesk::clock::Clock;
use passdesk::directory::AccountId;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

async fn reset(
    t: &TestApp,
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    user: &str,
    password: &str,
) {
    let flow = proven_flow(t, svc, user, &format!("{user}@example.org")).await;
    let set = atest::TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(serde_json::json!({"new_password": password}))
        .to_request();
    let resp = atest::call_service(svc, set).await;
    assert!(resp.status().is_success(), "{:?}", resp.status());
}

#[actix_web::test]
async fn a_backup_under_load_restores_on_a_new_host_consistent_and_working() {
    let t = TestApp::new();
    let users: Vec<_> = futures_users(&t, 6).await;
    let svc = t.service().await;
    reset(&t, &svc, "u0", "Maple harbour lantern 73").await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("passdesk.tar.gz");
    // The backup runs on its own thread, like `passdesk backup` beside
    // serve, while resets keep being written here until it has finished.
    let (config, now, out) = (t.app.config.clone(), t.clock.now(), file.clone());
    let backup = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(passdesk::backup::create(&config, None, &out, now))
    });
    let mut written = 0;
    while !backup.is_finished() || written < 3 {
        reset(&t, &svc, &format!("u{}", 1 + written % 5), &format!("Quiet orchard ferry {written:02}")).await;
        written += 1;
    }
    let manifest = backup.join().unwrap().unwrap();
    let live_rows = t.app.store.recent_audit(10_000).await.unwrap();
    assert!(manifest.audit_rows > 0 && manifest.audit_rows <= live_rows.len() as u64);

    // A new host: an empty data folder.
    let host = tempfile::tempdir().unwrap();
    let data = host.path().join("data");
    let restore_config =
        passdesk::config::load_str(&format!("[store]\ndata_dir = {:?}\n", data.display().to_string()), "test", &[])
            .unwrap();
    let restored = passdesk::backup::restore(
        &restore_config,
        None,
        &file,
        passdesk::backup::RestoreOptions::default(),
        t.clock.now(),
    )
    .unwrap();
    assert_eq!(restored.kept, None, "nothing to keep in an empty folder");
    let copy = TestApp::over(&data);
    assert_eq!(copy.app.store.verify_audit_chain().await.unwrap(), None);
    // The copy is one moment of the live trail: each of its rows is the
    // live row with the same id.
    let copied = copy.app.store.recent_audit(10_000).await.unwrap();
    assert_eq!(copied.len() as u64, manifest.audit_rows);
    for row in &copied {
        let live = live_rows.iter().find(|r| r.id == row.id).expect("the same row in the live trail");
        assert_eq!(format!("{:?}", live.record), format!("{:?}", row.record));
    }
    // The reset made before the backup holds, and new flows work.
    assert!(copy.can_sign_in(&users[0], "Maple harbour lantern 73").await);
    let svc = copy.service().await;
    reset(&copy, &svc, "u5", "Violet canyon signal 58").await;
    assert!(copy.can_sign_in(&users[5], "Violet canyon signal 58").await);
    assert_eq!(copy.app.store.verify_audit_chain().await.unwrap(), None);
}

async fn futures_users(t: &TestApp, n: usize) -> Vec<AccountId> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(t.user(&format!("u{i}"), Some(&format!("u{i}@example.org")), "Old-Passw0rd-1234").await);
    }
    ids
}

/// A passdesk made by `init`, its configuration and data folder.
fn installation(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let config = dir.join(format!("{name}.toml"));
    let data = dir.join(format!("{name}-data"));
    let (code, _, err) =
        run(passdesk().args(["init", "--admin", "root", "--config"]).arg(&config).arg("--data-dir").arg(&data));
    assert_eq!(code, 0, "{err}");
    (config, data)
}

fn backup(config: &Path, file: &Path) {
    let (code, out, err) = run(passdesk().args(["backup", "--config"]).arg(config).arg(file));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("backup written to"), "{out}");
}

fn restore(config: &Path, file: &Path, extra: &[&str]) -> (i32, String) {
    let (code, out, err) = run(passdesk().args(["restore", "--config"]).arg(config).arg(file).args(extra));
    (code, format!("{out}{err}"))
}

/// The data folder's files and their hashes, to prove a refusal changed
/// nothing (the empty lock file is left out: taking it changes no data).
fn state(data: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.ends_with("passdesk.lock"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, hex::encode(Sha256::digest(std::fs::read(&p).unwrap())))
        })
        .collect();
    let mut dirs: Vec<(String, String)> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), "dir".to_owned()))
        .collect();
    files.append(&mut dirs);
    files.sort();
    files
}

/// Rewrites an archive entry by entry; `edit` may change a name's bytes.
fn repack(from: &Path, to: &Path, edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(from).unwrap()));
    let out = flate2::write::GzEncoder::new(std::fs::File::create(to).unwrap(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(out);
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let Some(bytes) = edit(&name, bytes) else { continue };
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        builder.append_data(&mut header, &name, bytes.as_slice()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

/// The archive with its database changed by `sql` and the manifest made
/// to match, as a newer or tampered backup would be.
fn with_database(from: &Path, to: &Path, sql: &str, manifest_edit: impl Fn(&mut serde_json::Value)) {
    let scratch = tempfile::tempdir().unwrap();
    let db = scratch.path().join("db.sqlite");
    let mut entries = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(from).unwrap()));
    for entry in entries.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some("passdesk.sqlite") {
            entry.unpack(&db).unwrap();
        }
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    let bytes = std::fs::read(&db).unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));
    repack(from, to, |name, old| match name {
        "passdesk.sqlite" => Some(bytes.clone()),
        "passdesk-backup.json" => {
            let mut m: serde_json::Value = serde_json::from_slice(&old).unwrap();
            m["files"]["passdesk.sqlite"] = serde_json::json!({"bytes": bytes.len(), "sha256": sha});
            manifest_edit(&mut m);
            Some(serde_json::to_vec(&m).unwrap())
        }
        _ => Some(old),
    });
}

#[test]
fn the_archive_is_private_complete_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = installation(dir.path(), "a");
    let file = dir.path().join("a.tar.gz");
    backup(&config, &file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let listing = std::process::Command::new("tar").arg("-tzf").arg(&file).output().unwrap();
    let names = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert_eq!(
        names.lines().collect::<Vec<_>>(),
        ["passdesk-backup.json", "passdesk.sqlite", "server.key", "passdesk.toml"]
    );
    let before = std::fs::read(&file).unwrap();
    let (code, _, err) = run(passdesk().args(["backup", "--config"]).arg(&config).arg(&file));
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before, "the old archive is untouched");
    // The leftover of an interrupted backup is named, and left alone.
    let partial = dir.path().join("b.tar.gz.partial");
    std::fs::write(&partial, "someone's").unwrap();
    let (code, _, err) = run(passdesk().args(["backup", "--config"]).arg(&config).arg(dir.path().join("b.tar.gz")));
    assert_eq!(code, 1);
    assert!(err.contains("b.tar.gz.partial exists: left by a backup that was interrupted"), "{err}");
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), "someone's");
}

#[test]
fn restore_refuses_while_serve_runs_then_keeps_what_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = installation(dir.path(), "a");
    let file = dir.path().join("a.tar.gz");
    backup(&config, &file);
    let mut serve = crate::cli::serve_listening(&config);
    let before = state(&data);
    let (code, said) = restore(&config, &file, &[]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("passdesk serve (or another passdesk command) is using it. Stop it first"), "{said}");
    assert_eq!(state(&data), before, "nothing changed");
    // A backup while serve runs is fine.
    backup(&config, &dir.path().join("live.tar.gz"));
    serve.kill().unwrap();
    serve.wait().unwrap();

    let (code, said) = restore(&config, &dir.path().join("live.tar.gz"), &[]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("the files it replaced are kept in") && said.contains("same as the one in use"), "{said}");
    let kept = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("before-restore-"))
        .expect("the replaced files");
    assert!(kept.join("passdesk.sqlite").is_file() && kept.join("server.key").is_file());
    assert!(!std::fs::read_dir(&data).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with('.')));
    let (code, out, _) = run(passdesk().args(["audit", "verify", "--config"]).arg(&config));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn bad_archives_are_refused_and_the_data_folder_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = installation(dir.path(), "a");
    let good = dir.path().join("good.tar.gz");
    backup(&config, &good);
    let bytes = std::fs::read(&good).unwrap();
    let before = state(&data);
    let p = |name: &str| dir.path().join(name);

    std::fs::write(p("truncated.tar.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    std::fs::write(p("corrupt.tar.gz"), &flipped).unwrap();
    std::fs::write(p("not-a-backup.tar.gz"), b"hello, this is not an archive").unwrap();
    repack(&good, &p("edited-key.tar.gz"), |name, b| Some(if name == "server.key" { vec![b'0'; 65] } else { b }));
    repack(&good, &p("no-key.tar.gz"), |name, b| (name != "server.key").then_some(b));
    repack(&good, &p("newer-format.tar.gz"), |name, b| {
        if name != "passdesk-backup.json" {
            return Some(b);
        }
        let mut m: serde_json::Value = serde_json::from_slice(&b).unwrap();
        m["format"] = 99.into();
        m["passdesk_version"] = "9.9.9".into();
        Some(serde_json::to_vec(&m).unwrap())
    });
    with_database(&good, &p("newer-schema.tar.gz"), "PRAGMA user_version = 999;", |m| {
        m["schema_version"] = 999.into();
        m["passdesk_version"] = "9.9.9".into();
    });
    with_database(
        &good,
        &p("broken-chain.tar.gz"),
        "DROP TRIGGER IF EXISTS audit_no_update; UPDATE audit SET detail = 'edited' WHERE id = 1;",
        |_| {},
    );

    for (file, expected) in [
        ("truncated.tar.gz", "truncated"),
        ("corrupt.tar.gz", "damaged"),
        ("not-a-backup.tar.gz", "not a complete passdesk backup"),
        ("edited-key.tar.gz", "SHA-256"),
        ("no-key.tar.gz", "ends before server.key"),
        ("newer-format.tar.gz", "passdesk 9.9.9 or newer"),
        ("newer-schema.tar.gz", "install passdesk 9.9.9 or newer"),
        ("broken-chain.tar.gz", "audit trail in it is broken at row 1"),
        ("missing.tar.gz", "cannot open"),
    ] {
        let (code, said) = restore(&config, &p(file), &[]);
        assert_eq!(code, 1, "{file}: {said}");
        assert!(said.contains(expected), "{file}: expected '{expected}' in: {said}");
        assert_eq!(state(&data), before, "{file} changed the data folder");
    }

    // A backup of another installation: refused, unless asked for.
    let (other_config, _) = installation(dir.path(), "b");
    let other = p("other.tar.gz");
    backup(&other_config, &other);
    let (code, said) = restore(&config, &other, &[]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("holds installation") && said.contains("--replace-installation"), "{said}");
    assert_eq!(state(&data), before);
    let (code, said) = restore(&config, &other, &["--replace-installation"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("differs from the one in use"), "{said}");
    let aside = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("passdesk.toml.from-backup-"));
    assert!(aside.is_some(), "the backup's configuration is set aside");
}
