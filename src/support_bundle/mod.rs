//! `passdesk support-bundle`: one plain-text file an administrator can hand
//! to someone helping them, with what that person needs and no secret:
//! version, the configuration redacted, the self-check, recent log lines
//! and audit rows, dead letters without bodies, database statistics.
//! The flows gather the facts; this module renders and scrubs them and
//! writes the file (mode 0600, never over an existing file unless asked).

pub mod logs;
pub mod redact;
pub mod scrub;

use crate::clock::{UnixTime, rfc3339};
use crate::directory::check::{CheckItem, Status};
use crate::flow::support_bundle::{CheckOutcome, SupportFacts};
use anyhow::Context;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Everything a bundle shows, before scrubbing.
#[derive(Debug)]
pub struct Parts {
    /// When it was made.
    pub created_at: UnixTime,
    /// The configuration file, or `None` on the embedded defaults.
    pub config_file: Option<PathBuf>,
    /// The data folder.
    pub data_dir: PathBuf,
    /// The redacted configuration TOML, or why it could not be shown.
    pub config: Result<String, String>,
    /// Names of the environment variables that override keys.
    pub env_names: Vec<String>,
    /// The self-check: `None` when skipped.
    pub check: Option<(CheckOutcome, Vec<CheckItem>)>,
    /// Log lines.
    pub log: logs::LogTail,
    /// Audit rows asked for.
    pub audit_asked: u32,
    /// Store facts.
    pub facts: SupportFacts,
}

/// The bundle's text: every section, free text scrubbed.
pub fn render(parts: &Parts, scrubber: &scrub::Scrubber) -> String {
    let mut out = String::new();
    let db = &parts.facts.database;
    let _ = writeln!(out, "passdesk support bundle");
    let _ = writeln!(out, "=======================");
    let _ = writeln!(
        out,
        "Secrets, codes, answers, passwords and message bodies are left out or replaced by [redacted], [digits] \
         or [token]. Read it before you send it."
    );
    render_setup(&mut out, parts, scrubber);
    render_records(&mut out, parts, scrubber);
    render_database(&mut out, db);
    let _ = writeln!(out, "\n(end of bundle)");
    out
}

/// Sections 1 to 4: version, configuration, check, log.
fn render_setup(out: &mut String, parts: &Parts, scrubber: &scrub::Scrubber) {
    let db = &parts.facts.database;
    section(out, "1. Version");
    let _ = writeln!(out, "passdesk version: {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "operating system: {} {}", std::env::consts::OS, std::env::consts::ARCH);
    let _ = writeln!(out, "schema version: {} (this passdesk's: {})", db.schema_version, db.supported_version);
    let _ = writeln!(out, "installation id: {}", db.installation_id.as_deref().unwrap_or("(none)"));
    let _ = writeln!(out, "bundle made: {}", rfc3339(parts.created_at));
    let file = parts.config_file.as_ref().map_or("none (embedded defaults)".into(), |p| p.display().to_string());
    let _ = writeln!(out, "configuration file: {file}");
    let _ = writeln!(out, "data folder: {}", parts.data_dir.display());

    section(out, "2. Configuration (effective, secrets redacted; keys not shown take their defaults)");
    if !parts.env_names.is_empty() {
        let _ = writeln!(out, "# set by the environment (values redacted): {}", parts.env_names.join(", "));
    }
    match &parts.config {
        Ok(toml) if toml.trim().is_empty() => {
            let _ = writeln!(out, "(nothing set: every key takes its default)");
        }
        Ok(toml) => out.push_str(&scrubber.known(toml)),
        Err(why) => {
            let _ = writeln!(out, "(not shown: {})", scrubber.scrub(why));
        }
    }

    section(out, "3. passdesk check");
    render_check(out, parts.check.as_ref(), scrubber);

    section(out, &format!("4. Log ({} line(s))", parts.log.lines.len()));
    let _ = writeln!(out, "source: {}", scrubber.scrub(&parts.log.source));
    for line in &parts.log.lines {
        let _ = writeln!(out, "{}", scrubber.log_line(line));
    }
}

/// Sections 5 and 6: audit rows and the outbox.
fn render_records(out: &mut String, parts: &Parts, scrubber: &scrub::Scrubber) {
    section(
        out,
        &format!("5. Audit trail (newest {} of at most {} asked)", parts.facts.audit.len(), parts.audit_asked),
    );
    let _ =
        writeln!(out, "id | time | actor | target | activity | result | event | method | directory | reason | detail");
    for row in &parts.facts.audit {
        let r = &row.record;
        let line = format!(
            "{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}",
            row.id,
            rfc3339(r.at),
            r.actor,
            r.target,
            r.activity,
            r.result,
            r.event_id.map(|e| e.to_string()).unwrap_or_default(),
            r.method.as_deref().unwrap_or(""),
            r.directory.as_deref().unwrap_or(""),
            r.reason.as_deref().unwrap_or(""),
            r.detail
        );
        let _ = writeln!(out, "{}", scrubber.scrub(&line));
    }

    section(out, "6. Outbox (message bodies never included)");
    let depth: Vec<String> = parts.facts.outbox_depth.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    let _ = writeln!(out, "messages by state: {}", if depth.is_empty() { "none".into() } else { depth.join(", ") });
    let _ = writeln!(out, "dead letters (newest first): {}", parts.facts.dead_letters.len());
    for d in &parts.facts.dead_letters {
        let line = format!(
            "#{} {} to {}, {} attempt(s), queued {}, given up {}, last error: {}",
            d.id,
            d.channel,
            d.recipient,
            d.attempts,
            rfc3339(d.created_at),
            d.done_at.map(rfc3339).unwrap_or_else(|| "-".into()),
            d.last_error.as_deref().unwrap_or("(none)")
        );
        let _ = writeln!(out, "{}", scrubber.scrub(&line));
    }
}

/// Section 7: counts and pragmas.
fn render_database(out: &mut String, db: &crate::store::DatabaseStats) {
    section(out, "7. Database");
    let _ = writeln!(out, "integrity_check: {}", db.integrity);
    let _ = writeln!(out, "journal_mode: {}", db.journal_mode);
    let _ = writeln!(out, "user_version (schema): {}", db.schema_version);
    let _ = writeln!(
        out,
        "pages: {} of {} bytes ({} bytes), free pages: {}",
        db.page_count,
        db.page_size,
        db.page_count.saturating_mul(db.page_size),
        db.freelist_count
    );
    let _ = writeln!(out, "rows per table:");
    for (table, rows) in &db.tables {
        let _ = writeln!(out, "  {table}: {rows}");
    }
}

fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n## {title}\n");
}

fn render_check(out: &mut String, check: Option<&(CheckOutcome, Vec<CheckItem>)>, scrubber: &scrub::Scrubber) {
    let Some((outcome, transports)) = check else {
        let _ = writeln!(out, "skipped (--no-check): the directories were not contacted");
        return;
    };
    match outcome {
        CheckOutcome::TimedOut(limit) => {
            let _ = writeln!(out, "the directories' check did not finish within {} s", limit.as_secs());
        }
        CheckOutcome::Done(results) => {
            for (name, items) in results {
                let _ = writeln!(out, "Directory {name}");
                items_text(out, items, scrubber);
            }
        }
    }
    if !transports.is_empty() {
        let _ = writeln!(out, "Messages");
        items_text(out, transports, scrubber);
    }
}

fn items_text(out: &mut String, items: &[CheckItem], scrubber: &scrub::Scrubber) {
    for item in items {
        let mark = match item.status {
            Status::Pass => "  ok  ",
            Status::Warn => " warn ",
            Status::Fail => " FAIL ",
        };
        let _ = writeln!(out, "[{mark}] {}: {}", item.name, scrubber.scrub(&item.detail));
        for line in item.fix.as_deref().unwrap_or("").lines() {
            let _ = writeln!(out, "         fix: {}", scrubber.known(line));
        }
    }
}

/// The file being written: a private, empty `.partial` file beside the
/// bundle, made before anything is gathered (so a folder that cannot be
/// written to fails at once), renamed over the bundle's name at the end,
/// and removed if the command fails before that.
#[derive(Debug)]
pub struct Reserved {
    partial: PathBuf,
    out: PathBuf,
    done: bool,
}

impl Reserved {
    /// Creates `out.partial` (0600; on Windows, SYSTEM, Administrators and
    /// the service only). `out` must not exist unless `force`.
    pub fn new(out: &Path, force: bool) -> anyhow::Result<Self> {
        if out.is_dir() {
            anyhow::bail!("{} is a folder: give the name of the file to write", out.display());
        }
        if out.exists() && !force {
            anyhow::bail!("{} already exists: choose another file name, or add --force to replace it", out.display());
        }
        let partial = PathBuf::from(format!("{}.partial", out.display()));
        let mut options = std::fs::File::options();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&partial) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
                "{} exists: left by a support-bundle that was interrupted, or one still running. Remove it, then \
                 try again",
                partial.display()
            ),
            Err(e) => anyhow::bail!("cannot create {} ({e}): choose a folder you may write to", partial.display()),
        }
        let reserved = Self { partial, out: out.to_owned(), done: false };
        #[cfg(windows)]
        crate::win32::protect_folder(&reserved.partial, crate::config::windows_paths::PRIVATE_FILE_SDDL)
            .with_context(|| format!("while making {} private", reserved.partial.display()))?;
        Ok(reserved)
    }

    /// Writes `text` and puts the file under its name.
    pub fn commit(mut self, text: &str) -> anyhow::Result<()> {
        std::fs::write(&self.partial, text).with_context(|| format!("while writing {}", self.partial.display()))?;
        std::fs::rename(&self.partial, &self.out)
            .with_context(|| format!("while renaming {} to {}", self.partial.display(), self.out.display()))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if !self.done {
            // Ours: created with create_new above.
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}
