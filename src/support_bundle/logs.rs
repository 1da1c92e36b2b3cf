//! The log lines a bundle carries: the tail of a file the administrator
//! names, or else the systemd journal of passdesk.service; and in words,
//! which source was used or why there is none.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Most bytes read from the end of a log file: enough for 100,000 long
/// lines, and a huge file is never read whole.
const TAIL_BYTES: u64 = 64 * 1024 * 1024;
/// How long journalctl may take.
const JOURNAL_LIMIT: Duration = Duration::from_secs(30);

/// Log lines and where they came from.
#[derive(Debug, Default)]
pub struct LogTail {
    /// Where the lines come from, or why there are none.
    pub source: String,
    /// The lines, oldest first.
    pub lines: Vec<String>,
}

/// The last `n` lines of `file`; an error names the file and the cause.
pub fn from_file(file: &Path, n: usize) -> anyhow::Result<LogTail> {
    let cannot = |e: std::io::Error| {
        anyhow::anyhow!("cannot read the log file {} ({e}): check the path given to --log-file", file.display())
    };
    let mut f = std::fs::File::open(file).map_err(cannot)?;
    let len = f.metadata().map_err(cannot)?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    f.seek(SeekFrom::Start(start)).map_err(cannot)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(cannot)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    if start > 0 && !lines.is_empty() {
        lines.remove(0); // cut in the middle
    }
    let lines = last(lines, n);
    Ok(LogTail { source: format!("the file {} (last {} line(s) asked)", file.display(), n), lines })
}

/// The last `n` lines of passdesk.service's journal, or why there are none.
pub fn from_journal(n: usize) -> LogTail {
    if cfg!(windows) {
        return none(
            "no log file given (--log-file), and Windows keeps passdesk's events in the Application event log: export them with Event Viewer",
        );
    }
    let child = Command::new("journalctl")
        .args(["-u", "passdesk.service", "-n", &n.to_string(), "--no-pager", "-o", "short-iso"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return none("no log file given (--log-file) and journalctl is not installed here");
        }
        Err(e) => return none(&format!("no log file given (--log-file) and journalctl cannot be started ({e})")),
    };
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return none("journalctl gave no output");
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let _ = stdout.read_to_end(&mut out);
        let _ = stderr.read_to_end(&mut err);
        let _ = tx.send((out, err));
    });
    let Ok((out, err)) = rx.recv_timeout(JOURNAL_LIMIT) else {
        let _ = child.kill();
        let _ = child.wait();
        return none(&format!("journalctl did not finish within {} s", JOURNAL_LIMIT.as_secs()));
    };
    let status = child.wait();
    let text = String::from_utf8_lossy(&out);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("-- ")).collect();
    let note = String::from_utf8_lossy(&err).trim().replace('\n', " ");
    let mut source = "journalctl -u passdesk.service".to_owned();
    if !status.is_ok_and(|s| s.success()) {
        source.push_str(" (it failed)");
    }
    if lines.is_empty() {
        source.push_str(": no entries (not run by systemd here, or this user may not read the journal: run as root or a member of systemd-journal)");
    }
    if !note.is_empty() {
        source.push_str(&format!("; journalctl said: {note}"));
    }
    LogTail { source, lines: last(lines, n) }
}

fn last(lines: Vec<&str>, n: usize) -> Vec<String> {
    let skip = lines.len().saturating_sub(n);
    lines.into_iter().skip(skip).map(str::to_owned).collect()
}

fn none(why: &str) -> LogTail {
    LogTail { source: format!("none: {why}"), lines: Vec::new() }
}
