//! `Type=notify`: `passdesk serve` started with systemd's `NOTIFY_SOCKET`
//! says `READY=1` once it listens (and `/healthz` answers by then), and
//! `STOPPING=1` when it is asked to stop.

use crate::browser::{free_port, passdesk};
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

#[test]
fn serve_tells_systemd_when_it_is_ready_and_when_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notify");
    let systemd = UnixDatagram::bind(&path).unwrap();
    systemd.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let port = free_port();
    let mut child = passdesk()
        .args(["serve"])
        .current_dir(dir.path())
        .env("NOTIFY_SOCKET", &path)
        .env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 512];
    let n = systemd.recv(&mut buf).expect("READY=1 within a minute");
    let said = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(said.starts_with("READY=1\n") && said.contains("STATUS=serving at https://127.0.0.1:"), "{said}");
    // Ready means listening: a connection is accepted at once.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());

    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let n = systemd.recv(&mut buf).expect("STOPPING=1 on SIGTERM");
    assert_eq!(&buf[..n], b"STOPPING=1\n");
    assert!(child.wait().unwrap().success(), "a clean stop");
}
