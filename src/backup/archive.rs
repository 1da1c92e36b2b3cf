//! The archive itself: a gzip-compressed tar (so `tar -tzf` shows what is
//! in it) whose first entry is the manifest. Reading checks every entry's
//! name, length and SHA-256 against the manifest while it streams the
//! files into a staging folder; nothing outside that folder is written.

use super::manifest::{self, FileEntry, Manifest};
use crate::clock::UnixTime;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest manifest accepted (it lists at most five files).
const MANIFEST_MAX: u64 = 64 * 1024;

/// Writes `manifest` and `files` (name in the archive, file on disk) to
/// `out` as mode 0600, through a `.partial` file renamed at the end, so a
/// crash never leaves a half archive under the real name.
pub fn write(out: &Path, manifest: &Manifest, files: &[(&str, PathBuf)], now: UnixTime) -> anyhow::Result<()> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = match options.open(&partial) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} exists: left by a backup that was interrupted, or one still running. Remove it, then try again",
            partial.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("while creating {}", partial.display())),
    };
    let result = write_to(&partial, file, manifest, files, now).and_then(|()| {
        std::fs::rename(&partial, out)
            .with_context(|| format!("while renaming {} to {}", partial.display(), out.display()))
    });
    if result.is_err() {
        // Ours: created above with create_new.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn write_to(
    path: &Path,
    file: std::fs::File,
    manifest: &Manifest,
    files: &[(&str, PathBuf)],
    now: UnixTime,
) -> anyhow::Result<()> {
    // Windows has no mode: the archive gets SYSTEM, Administrators and the
    // service account only, before anything is written into it.
    #[cfg(windows)]
    crate::win32::protect_folder(path, crate::config::windows_paths::PRIVATE_FILE_SDDL)
        .with_context(|| format!("while making {} private", path.display()))?;
    #[cfg(not(windows))]
    let _ = path;
    let gzip = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gzip);
    let json = serde_json::to_vec_pretty(manifest)?;
    append(&mut tar, manifest::NAME, json.len() as u64, json.as_slice(), now)?;
    for (name, source) in files {
        let file = std::fs::File::open(source).with_context(|| format!("while reading {}", source.display()))?;
        let len = file.metadata()?.len();
        append(&mut tar, name, len, file, now)?;
    }
    let gzip = tar.into_inner()?;
    let file = gzip.finish()?;
    file.sync_all()?;
    Ok(())
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    len: u64,
    data: impl Read,
    now: UnixTime,
) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(len);
    header.set_mode(0o600);
    header.set_mtime(u64::try_from(now).unwrap_or(0));
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    // Exactly the length the header announces, whatever the source does.
    tar.append_data(&mut header, name, data.take(len)).with_context(|| format!("while adding {name} to the archive"))
}

/// SHA-256 and length of a file, for the manifest.
pub fn digest(path: &Path) -> anyhow::Result<FileEntry> {
    let mut file = std::fs::File::open(path).with_context(|| format!("while reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok(FileEntry { bytes, sha256: hex::encode(hasher.finalize()) })
}

/// Reads `archive` into `staging` (an empty private folder) and returns its
/// manifest, or says in words what is wrong with the archive.
pub fn read(archive: &Path, staging: &Path) -> anyhow::Result<Manifest> {
    let file = std::fs::File::open(archive).with_context(|| format!("cannot open {}", archive.display()))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let damaged = |e: std::io::Error| {
        anyhow::anyhow!(
            "{} is damaged or truncated ({e}): it is not a complete passdesk backup; use another copy",
            archive.display()
        )
    };
    let mut entries = tar.entries().map_err(damaged)?;
    let Some(first) = entries.next() else { bail!("{} is empty: it is not a passdesk backup", archive.display()) };
    let mut first = first.map_err(damaged)?;
    if first.path().map_err(damaged)?.to_str() != Some(manifest::NAME) || first.size() > MANIFEST_MAX {
        bail!("{} does not start with {}: it is not a passdesk backup", archive.display(), manifest::NAME);
    }
    let mut json = Vec::new();
    first.read_to_end(&mut json).map_err(damaged)?;
    let manifest: Manifest = serde_json::from_slice(&json).map_err(|e| {
        anyhow::anyhow!("{}'s manifest cannot be read ({e}): it is not a passdesk backup", archive.display())
    })?;
    manifest::check(&manifest).map_err(|e| anyhow::anyhow!("{}: {e}", archive.display()))?;
    let mut seen = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(damaged)?;
        let name = entry.path().map_err(damaged)?.to_string_lossy().into_owned();
        let Some(expected) = manifest.files.get(&name) else {
            bail!("{} holds {name}, which its manifest does not list: it was altered", archive.display());
        };
        if entry.header().entry_type() != tar::EntryType::Regular || seen.contains(&name) {
            bail!("{}: {name} is not a plain file, or appears twice: the archive was altered", archive.display());
        }
        // Only the known names reach here, so the path stays in `staging`.
        let target = staging.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // At most one byte more than announced: an oversized entry is
        // refused before it can fill the disk the live database is on.
        let got = copy_hashing(&mut (&mut entry).take(expected.bytes.saturating_add(1)), &target).map_err(damaged)?;
        if &got != expected {
            bail!(
                "{}: {name} has {} bytes with SHA-256 {}, but the manifest says {} bytes with {}: the archive is \
                 damaged or was altered; use another copy",
                archive.display(),
                got.bytes,
                got.sha256,
                expected.bytes,
                expected.sha256
            );
        }
        seen.push(name);
    }
    if let Some(missing) = manifest.files.keys().find(|n| !seen.contains(n)) {
        bail!("{} ends before {missing}: the archive is truncated; use another copy", archive.display());
    }
    Ok(manifest)
}

fn copy_hashing(from: &mut impl Read, to: &Path) -> std::io::Result<FileEntry> {
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(to)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        bytes += n as u64;
    }
    out.sync_all()?;
    Ok(FileEntry { bytes, sha256: hex::encode(hasher.finalize()) })
}
