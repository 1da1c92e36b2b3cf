//! The portal's TLS as a real, independent client sees it: OpenSSL's
//! `s_client` against `passdesk serve`. TLS 1.2 and 1.3 are offered, with
//! forward-secret AEAD suites only; TLS 1.0 and 1.1, and every CBC, RC4,
//! 3DES or static-RSA suite, are refused by the server (the client is told
//! to allow them, so a refusal is passdesk's).

use crate::browser::{free_port, passdesk};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `openssl`, or `None` after saying why the suite is skipped (a failure
/// when `PASSDESK_REQUIRE_SERVERS=1`).
fn openssl_or_skip() -> Option<()> {
    if Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success()) {
        return Some(());
    }
    assert!(
        std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
        "TLS client suite: the openssl command is missing (Debian package openssl); PASSDESK_REQUIRE_SERVERS=1 \
         forbids skipping"
    );
    eprintln!("skipped: TLS settings against openssl s_client (no openssl command)");
    None
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `s_client` negotiated: (protocol, cipher), or `None` when the
/// handshake failed.
fn handshake(port: u16, args: &[&str]) -> Option<(String, String)> {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-servername", "localhost"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"; "New, (NONE), Cipher is (NONE)" on failure.
    let line = text.lines().find(|l| l.starts_with("New, "))?;
    let mut parts = line.trim_start_matches("New, ").split(", Cipher is ");
    let protocol = parts.next()?.to_owned();
    let cipher = parts.next()?.trim().to_owned();
    (cipher != "(NONE)" && out.status.success()).then_some((protocol, cipher))
}

#[test]
fn only_tls_1_2_and_1_3_with_forward_secret_aead_suites() {
    let Some(()) = openssl_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _serve = Serving(
        passdesk()
            .arg("serve")
            .current_dir(dir.path())
            .env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let up = (0..300).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert!(up, "serve listens");

    let (protocol, cipher) = handshake(port, &["-tls1_3"]).expect("TLS 1.3 is offered");
    assert_eq!(protocol, "TLSv1.3");
    assert!(cipher.contains("GCM") || cipher.contains("CHACHA20"), "{cipher}");
    let (protocol, cipher) = handshake(port, &["-tls1_2"]).expect("TLS 1.2 is offered");
    assert_eq!(protocol, "TLSv1.2");
    assert!(cipher.starts_with("ECDHE-") && (cipher.contains("GCM") || cipher.contains("CHACHA20")), "{cipher}");

    // The client allows the old protocols and weak suites (security level
    // 0); the refusal must come from passdesk.
    for old in ["-tls1", "-tls1_1"] {
        assert_eq!(handshake(port, &[old, "-cipher", "ALL:@SECLEVEL=0"]), None, "{old} must be refused");
    }
    for weak in [
        "AES128-SHA:AES256-SHA:AES128-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384",
        "DES-CBC3-SHA:ECDHE-RSA-DES-CBC3-SHA:RC4-SHA:RC4-MD5:NULL-SHA:aNULL",
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA",
    ] {
        let cipher = format!("{weak}:@SECLEVEL=0");
        assert_eq!(handshake(port, &["-tls1_2", "-cipher", &cipher]), None, "{weak} must be refused");
    }
}
