//! The packaged systemd unit (`packaging/debian/passdesk.service`) is one
//! systemd accepts (`systemd-analyze verify`), and its hardening scores
//! "OK" or better in `systemd-analyze security` (exposure at most 2.5 of
//! 10). Skipped, and named, where systemd's tools are not installed.

use std::process::Command;

#[test]
fn the_unit_verifies_and_its_exposure_is_low() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        eprintln!("skipped: the systemd unit check (systemd-analyze is not installed)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/debian/passdesk.service"))
        .unwrap()
        // verify checks that ExecStart's program exists: use the one just built.
        .replace("/usr/bin/passdesk", env!("CARGO_BIN_EXE_passdesk"));
    assert!(text.contains("Type=notify") && text.contains("User=passdesk") && text.contains("NoNewPrivileges=yes"));
    let unit = dir.path().join("passdesk.service");
    std::fs::write(&unit, text).unwrap();
    // The man page comes with the package, not with this build.
    let verify = Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(&unit).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let security =
        Command::new("systemd-analyze").args(["security", "--offline=true", "--no-pager"]).arg(&unit).output().unwrap();
    let out = String::from_utf8_lossy(&security.stdout).into_owned() + &String::from_utf8_lossy(&security.stderr);
    let level = out
        .split("Overall exposure level for passdesk.service:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f32>().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{out}"));
    assert!(level <= 2.5, "exposure {level} (at most 2.5 wanted):\n{out}");
}
