//! Readiness for systemd's `Type=notify` services: once `serve` listens,
//! passdesk sends `READY=1` to the socket systemd names in
//! `NOTIFY_SOCKET`, so `systemctl start` returns only when passdesk
//! answers (and units ordered after it start only then); `STOPPING=1` when
//! it shuts down. A dozen lines of our own instead of a crate: the
//! protocol is one datagram, and abstract socket names (`@…`), which
//! systemd uses, need `connect_addr`.

/// Tells systemd `state` (e.g. "READY=1"); `Ok(false)` when passdesk was
/// not started by systemd (no `NOTIFY_SOCKET`).
pub fn notify(state: &str) -> Result<bool, String> {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else { return Ok(false) };
    send(&socket.to_string_lossy(), state).map(|()| true)
}

#[cfg(unix)]
fn send(socket: &str, state: &str) -> Result<(), String> {
    use std::os::unix::net::UnixDatagram;
    let fail = |e: std::io::Error| format!("NOTIFY_SOCKET {socket}: {e}");
    let sock = UnixDatagram::unbound().map_err(fail)?;
    match socket.strip_prefix('@') {
        #[cfg(target_os = "linux")]
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).map_err(fail)?;
            sock.connect_addr(&addr).map_err(fail)?;
        }
        #[cfg(not(target_os = "linux"))]
        Some(_) => return Err(format!("NOTIFY_SOCKET {socket}: abstract sockets exist only on Linux")),
        None if socket.starts_with('/') => sock.connect(socket).map_err(fail)?,
        None => return Err(format!("NOTIFY_SOCKET {socket}: neither a path nor an abstract name")),
    }
    sock.send(state.as_bytes()).map_err(fail)?;
    Ok(())
}

#[cfg(not(unix))]
fn send(socket: &str, _state: &str) -> Result<(), String> {
    Err(format!("NOTIFY_SOCKET {socket}: systemd exists only on Unix"))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::send;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};

    #[test]
    fn readiness_reaches_path_and_abstract_sockets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let receiver = UnixDatagram::bind(&path).unwrap();
        send(path.to_str().unwrap(), "READY=1\n").unwrap();
        let mut buf = [0u8; 64];
        let n = receiver.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1\n");

        let name = format!("passdesk-test-{}", std::process::id());
        let receiver = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
        send(&format!("@{name}"), "STOPPING=1\n").unwrap();
        let n = receiver.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"STOPPING=1\n");

        assert!(send("relative/name", "READY=1").unwrap_err().contains("neither a path"));
        assert!(send("/nonexistent/passdesk/notify", "READY=1").is_err());
    }
}
