//! Keeps root out of the service account's data folder. The Debian package
//! runs `serve` as the `passdesk` user; an administrator who types
//! `sudo passdesk check` or `sudo passdesk admin add` would otherwise leave
//! root-owned database, journal or key files behind that the service can
//! no longer open. Refusing, with the command to type instead, is cheaper
//! than that outage.

use super::Error;
use std::path::Path;

/// Fails when this process runs as root and `dir` exists and belongs to
/// another user. Anything that cannot be read (no /proc, no folder yet)
/// lets the open go on: the check only guards the packaged layout.
#[cfg(target_os = "linux")]
pub fn refuse_root_in_foreign_dir(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    let Ok(me) = std::fs::metadata("/proc/self") else { return Ok(()) };
    let Ok(folder) = std::fs::metadata(dir) else { return Ok(()) };
    if !refused(me.uid(), folder.uid()) {
        return Ok(());
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Err(Error::ForeignOwner { path: dir.to_owned(), owner: user_name(&passwd, folder.uid()) })
}

/// Elsewhere there is no packaged service account to protect.
#[cfg(not(target_os = "linux"))]
pub fn refuse_root_in_foreign_dir(_dir: &Path) -> Result<(), Error> {
    Ok(())
}

/// Root may not write where another user owns the folder; everyone else is
/// stopped by the file modes anyway.
#[cfg(any(target_os = "linux", test))]
fn refused(euid: u32, owner: u32) -> bool {
    euid == 0 && owner != 0
}

/// The name /etc/passwd gives `uid`, or the number when it has none.
#[cfg(any(target_os = "linux", test))]
fn user_name(passwd: &str, uid: u32) -> String {
    passwd
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id = fields.nth(1)?.parse::<u32>().ok()?;
            (id == uid).then(|| name.to_owned())
        })
        .next()
        .unwrap_or_else(|| uid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_root_in_someone_elses_folder_is_refused() {
        assert!(refused(0, 998));
        assert!(!refused(0, 0), "root in root's folder (tests, a hand-made install)");
        assert!(!refused(998, 998), "the service account in its own folder");
        assert!(!refused(1000, 998), "another user is stopped by the modes, with the system's message");
    }

    #[test]
    fn the_owner_is_named_from_passwd_or_by_number() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\npassdesk:x:998:998::/var/lib/passdesk:/usr/sbin/nologin\n";
        assert_eq!(user_name(passwd, 998), "passdesk");
        assert_eq!(user_name(passwd, 4242), "4242");
        assert_eq!(user_name("garbage\n::\n", 0), "0");
    }

    #[test]
    fn the_message_says_what_to_type() {
        let e = Error::ForeignOwner { path: "/var/lib/passdesk".into(), owner: "passdesk".into() };
        let text = e.to_string();
        assert!(text.contains("/var/lib/passdesk") && text.contains("sudo -u passdesk passdesk"), "{text}");
    }
}
