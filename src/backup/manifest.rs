//! The manifest at the head of every backup archive: which passdesk made
//! it, for which installation, and the SHA-256 of every file, so a restore
//! can refuse a truncated, corrupt or foreign archive before it touches
//! anything.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The manifest's own name in the archive (always the first entry).
pub const NAME: &str = "passdesk-backup.json";

/// The archive layout this build writes and reads. A newer layout is
/// refused with the version that made it.
pub const FORMAT: u32 = 1;

/// The files an archive may hold, by their name in it; anything else is
/// refused, so an archive cannot write outside the data folder.
pub const DATABASE: &str = "passdesk.sqlite";
/// The server key.
pub const KEY: &str = "server.key";
/// The configuration file in use when the backup was made.
pub const CONFIG: &str = "passdesk.toml";
/// The self-signed certificate passdesk made, and its key.
pub const TLS_CERT: &str = "tls/cert.pem";
/// See [`TLS_CERT`].
pub const TLS_KEY: &str = "tls/key.pem";
/// Every name an archive may carry besides the manifest.
pub const KNOWN: [&str; 5] = [DATABASE, KEY, CONFIG, TLS_CERT, TLS_KEY];

/// What the archive holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Archive layout ([`FORMAT`]).
    pub format: u32,
    /// The passdesk version that made it.
    pub passdesk_version: String,
    /// The database's schema version.
    pub schema_version: i64,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// The installation the database belongs to.
    pub installation_id: String,
    /// Audit rows in the copy.
    pub audit_rows: u64,
    /// Every file but the manifest, by name in the archive.
    pub files: BTreeMap<String, FileEntry>,
}

/// One file of the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Its length.
    pub bytes: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// Why a manifest cannot be used, in words for the person restoring.
pub fn check(manifest: &Manifest) -> Result<(), String> {
    if manifest.format > FORMAT {
        return Err(format!(
            "the archive was made by passdesk {} (archive format {}), newer than this passdesk {} (format {FORMAT}): \
             restore it with passdesk {} or newer",
            manifest.passdesk_version,
            manifest.format,
            env!("CARGO_PKG_VERSION"),
            manifest.passdesk_version
        ));
    }
    for name in [DATABASE, KEY] {
        if !manifest.files.contains_key(name) {
            return Err(format!("the archive has no {name}: it is not a complete passdesk backup"));
        }
    }
    if let Some(name) = manifest.files.keys().find(|n| !KNOWN.contains(&n.as_str())) {
        return Err(format!("the archive lists {name}, which no passdesk backup holds"));
    }
    if manifest.files.contains_key(TLS_CERT) != manifest.files.contains_key(TLS_KEY) {
        return Err(format!("the archive holds only one of {TLS_CERT} and {TLS_KEY}: it was altered"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let entry = FileEntry { bytes: 1, sha256: "00".into() };
        Manifest {
            format: FORMAT,
            passdesk_version: "0.1.0".into(),
            schema_version: 5,
            created_at: "2026-11-26T00:00:00Z".into(),
            installation_id: "ab".into(),
            audit_rows: 0,
            files: [(DATABASE.to_owned(), entry.clone()), (KEY.to_owned(), entry)].into(),
        }
    }

    #[test]
    fn a_complete_manifest_passes() {
        assert_eq!(check(&manifest()), Ok(()));
    }

    #[test]
    fn a_newer_format_names_the_version_to_use() {
        let mut m = manifest();
        m.format = FORMAT + 1;
        m.passdesk_version = "9.0.0".into();
        let e = check(&m).unwrap_err();
        assert!(e.contains("passdesk 9.0.0 or newer"), "{e}");
    }

    #[test]
    fn missing_and_unknown_files_are_named() {
        let mut m = manifest();
        m.files.remove(KEY);
        assert!(check(&m).unwrap_err().contains("no server.key"));
        let mut m = manifest();
        m.files.insert("../../etc/passwd".into(), FileEntry { bytes: 1, sha256: "00".into() });
        assert!(check(&m).unwrap_err().contains("../../etc/passwd"));
        let mut m = manifest();
        m.files.insert(TLS_CERT.into(), FileEntry { bytes: 1, sha256: "00".into() });
        assert!(check(&m).unwrap_err().contains("only one of tls/cert.pem"));
    }
}
