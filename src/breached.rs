//! The optional offline breached-password list (DESIGN.md §4): Have I Been
//! Pwned's "SHA-1, ordered by hash" download, one `HASH:COUNT` line per
//! password, sorted. The file is tens of gigabytes, so it is never read
//! into memory: it is memory-mapped and searched by bisection over byte
//! offsets, touching about 35 pages per lookup, which the page cache keeps
//! warm. No password ever leaves the machine.

use sha1::{Digest, Sha1};
use std::fs::File;
use std::path::{Path, PathBuf};

/// An opened breached-password file.
pub struct BreachedPasswords {
    map: memmap2::Mmap,
    path: PathBuf,
}

impl std::fmt::Debug for BreachedPasswords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BreachedPasswords({}, {} bytes)", self.path.display(), self.map.len())
    }
}

/// The upper-case hex SHA-1 of a password, as the file lists it.
pub fn sha1_hex(password: &str) -> String {
    hex::encode_upper(Sha1::digest(password.as_bytes()))
}

fn line_hash(line: &[u8]) -> Option<&[u8]> {
    let hash = line.get(..40)?;
    hash.iter().all(u8::is_ascii_hexdigit).then_some(hash)
}

impl BreachedPasswords {
    /// Opens and maps the file, checking that it looks like the format
    /// (first line `40 hex digits:count`) so a wrong file is refused at
    /// start-up rather than silently matching nothing.
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        // SAFETY: the map is read-only and lives as long as this value. A
        // file changed in place while mapped could make reads see torn
        // lines (never memory unsafety in the search below, which only
        // compares bytes within the map's bounds); the documented way to
        // update the list is to write a new file and restart passdesk.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("cannot map {}: {e}", path.display()))?;
        let first = map.split(|b| *b == b'\n').next().unwrap_or_default();
        if map.is_empty() || line_hash(first).is_none() || first.get(40) != Some(&b':') {
            return Err(format!(
                "{} is not in the Have I Been Pwned \"SHA-1 ordered by hash\" format (lines like \
                 000000005AD76BD555C1D6D771DE417A4B87E4B4:10)",
                path.display()
            ));
        }
        Ok(Self { map, path: path.to_owned() })
    }

    /// The file this list was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many times a password appears in breaches (0 = not listed).
    pub fn count(&self, password: &str) -> u64 {
        let wanted = sha1_hex(password);
        let wanted = wanted.as_bytes();
        let data: &[u8] = &self.map;
        // Invariant: every line starting before `lo` sorts below `wanted`,
        // every line starting at or after `hi` sorts above it.
        let (mut lo, mut hi) = (0usize, data.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // The line containing `mid` starts after the previous newline.
            let start = data[..mid].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1).max(lo);
            let end = data[start..].iter().position(|b| *b == b'\n').map_or(data.len(), |p| start + p);
            let line = &data[start..end];
            let Some(hash) = line_hash(line) else { return 0 };
            match hash.to_ascii_uppercase().as_slice().cmp(wanted) {
                std::cmp::Ordering::Equal => {
                    let count = line[40..].iter().skip(1).take_while(|b| b.is_ascii_digit());
                    let digits: String = count.map(|b| char::from(*b)).collect();
                    return digits.parse().unwrap_or(1).max(1);
                }
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        0
    }
}

/// Writes a breached-password file in the HIBP format from plain
/// passwords (one per line), for lists of an organisation's own and for
/// tests: SHA-1 each, sort, `HASH:COUNT\r\n`.
pub fn build_file(passwords: impl IntoIterator<Item = String>, out: &Path) -> std::io::Result<usize> {
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for password in passwords {
        if !password.is_empty() {
            *counts.entry(sha1_hex(&password)).or_default() += 1;
        }
    }
    let mut text = String::with_capacity(counts.len() * 48);
    for (hash, count) in &counts {
        text.push_str(&format!("{hash}:{count}\r\n"));
    }
    std::fs::write(out, text)?;
    Ok(counts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_listed_password_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pwned.txt");
        let listed: Vec<String> = (0..5000).map(|n| format!("leaked-{n}")).collect();
        let mut with_repeats = listed.clone();
        with_repeats.push("leaked-7".into());
        assert_eq!(build_file(with_repeats, &path).unwrap(), 5000);
        let list = BreachedPasswords::open(&path).unwrap();
        for p in &listed {
            assert!(list.count(p) >= 1, "{p}");
        }
        assert_eq!(list.count("leaked-7"), 2);
        for n in 0..2000 {
            assert_eq!(list.count(&format!("fresh-{n}")), 0);
        }
        // The well-known first line of the real file.
        assert_eq!(sha1_hex("password"), "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
    }

    #[test]
    fn single_line_and_lower_case_files_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.txt");
        std::fs::write(&path, format!("{}:3\n", sha1_hex("hunter2").to_lowercase())).unwrap();
        let list = BreachedPasswords::open(&path).unwrap();
        assert_eq!(list.count("hunter2"), 3);
        assert_eq!(list.count("hunter3"), 0);
    }

    #[test]
    fn other_files_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("words.txt");
        std::fs::write(&path, "password\n123456\n").unwrap();
        assert!(BreachedPasswords::open(&path).unwrap_err().contains("ordered by hash"));
        std::fs::write(&path, "").unwrap();
        assert!(BreachedPasswords::open(&path).is_err());
        assert!(BreachedPasswords::open(&dir.path().join("missing")).unwrap_err().contains("cannot open"));
    }
}
