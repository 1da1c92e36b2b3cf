//! The server key file: 0600, one line of 64 hex digits (the current key),
//! and after `passdesk rotate-key` a second line `previous <hex> <unix
//! seconds>` naming the key it replaced and when. It is replaced only by a
//! rename of a complete, synced file, so a crash leaves the old file or the
//! new one, never half of either.

use crate::domain::ServerKey;
use crate::domain::key::KEY_LEN;
use anyhow::{Context, bail};
use std::path::Path;
use zeroize::Zeroizing;

/// Reads the key file, or creates it with a fresh key on first run.
pub fn load_or_create(path: &Path) -> anyhow::Result<ServerKey> {
    if !path.exists() {
        let key = ServerKey::generate();
        write(path, &key).with_context(|| format!("while writing {}", path.display()))?;
        return Ok(key);
    }
    read(path)
}

/// Reads an existing key file; refuses one that others can read or that is
/// not a passdesk key, saying what to do.
pub fn read(path: &Path) -> anyhow::Result<ServerKey> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).with_context(|| format!("while reading {}", path.display()))?;
        let mode = mode.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "{} is readable by other users (mode {:o}): run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
    let text =
        Zeroizing::new(std::fs::read_to_string(path).with_context(|| format!("while reading {}", path.display()))?);
    parse(&text).with_context(|| {
        format!(
            "{} is not a passdesk server key (64 hex characters expected, then optionally a line \
             `previous <64 hex> <unix time>`): restore it from a backup",
            path.display()
        )
    })
}

fn parse(text: &str) -> anyhow::Result<ServerKey> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let current = hex_key(lines.next().unwrap_or_default())?;
    let key = ServerKey::from_bytes(*current);
    let Some(line) = lines.next() else { return Ok(key) };
    let fields: Vec<&str> = line.split_whitespace().collect();
    let ["previous", previous, retired_at] = fields.as_slice() else { bail!("the second line is not `previous …`") };
    let previous = hex_key(previous)?;
    let retired_at: i64 = retired_at.parse().context("the previous key's time is not a number")?;
    if lines.next().is_some() {
        bail!("more than two lines");
    }
    Ok(key.with_previous(*previous, retired_at))
}

fn hex_key(text: &str) -> anyhow::Result<Zeroizing<[u8; KEY_LEN]>> {
    let bytes = Zeroizing::new(hex::decode(text).unwrap_or_default());
    let Ok(array) = <[u8; KEY_LEN]>::try_from(bytes.as_slice()) else { bail!("not 64 hex characters") };
    Ok(Zeroizing::new(array))
}

/// Writes `key` (and its previous key, if any) to `path`: a private
/// temporary file beside it, synced, then renamed over it, and the folder
/// synced, so the switch is one atomic step that survives a power cut.
pub fn write(path: &Path, key: &ServerKey) -> anyhow::Result<()> {
    let mut text = Zeroizing::new(format!("{}\n", hex::encode(key.expose())));
    if let (Some(previous), Some(at)) = (key.previous(), key.retired_at()) {
        text.push_str(&format!("previous {} {at}\n", hex::encode(previous.expose())));
    }
    let temporary = path.with_extension("key.new");
    // A leftover from an interrupted write holds nothing in use: replace it.
    let _ = std::fs::remove_file(&temporary);
    // Removed above, so the file is created here with mode 0600.
    crate::tls::write_private(&temporary, text.as_bytes())
        .with_context(|| format!("while writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("while replacing {}", path.display()))?;
    #[cfg(unix)]
    if let Some(folder) = path.parent() {
        std::fs::File::open(folder)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("while syncing {}", folder.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_its_previous_survives_the_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let first = load_or_create(&path).unwrap();
        assert_eq!(read(&path).unwrap().id(), first.id());
        let rotated = ServerKey::generate().with_previous(*first.expose(), 77);
        write(&path, &rotated).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.id(), rotated.id());
        assert_eq!(back.previous().unwrap().id(), first.id());
        assert_eq!(back.retired_at(), Some(77));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(!path.with_extension("key.new").exists());
    }

    #[test]
    fn damaged_files_are_refused_with_the_remedy() {
        for text in ["abc\n", "", &format!("{}\nprevious zz 1\n", "a".repeat(64)), &format!("{}\nx\n", "a".repeat(64))]
        {
            let e = format!("{:#}", parse(text).map(|_| ()).unwrap_err());
            assert!(!e.is_empty(), "{text:?}");
        }
        assert!(parse(&format!("{}\n", "a".repeat(64))).is_ok());
    }
}
