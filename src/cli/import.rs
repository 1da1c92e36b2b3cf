//! `passdesk import FILE.csv`: checks the whole file (every bad row with its
//! line number and the fix), finds every login in its directory with a
//! progress bar, then stores everything in one commit or nothing, and
//! prints what changed.

use super::ImportArgs;
use crate::app::App;
use crate::clock::SystemClock;
use crate::domain::import::{RowProblem, check_import};
use crate::flow::Error;
use crate::flow::import::{ImportJob, Origin};
use std::fmt::Write as _;
use std::sync::Arc;

/// Larger files are refused before reading (100,000 rows are about 6 MiB).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Bad rows printed in full; the rest are counted.
const SHOWN_PROBLEMS: usize = 50;

/// Runs `passdesk import`.
pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let size = std::fs::metadata(&args.file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?.len();
    if size > MAX_FILE_BYTES {
        anyhow::bail!("{file} is {} MiB; split it into files of at most 256 MiB", size / 1_048_576);
    }
    let bytes = std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?;
    let config = super::load_config(args.config)?;
    let names: Vec<String> = config.directories.iter().map(|d| d.name.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // The file's own problems are reported together with the logins the
    // directories do not know, in one pass.
    let (rows, problems) = match check_import(&bytes, &names, config.organisation.phone_country_code.as_deref()) {
        Ok(checked) => checked,
        // Only the header is refused here (a bad row is reported below).
        Err(header) => anyhow::bail!("{file}, {header}. Nothing was imported."),
    };
    let app = App::build(config, Arc::new(SystemClock))?;
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("finding the users");
    let client = super::cli_client();
    let progress = |n: usize| bar.set_position(n as u64);
    let job = ImportJob { rows, earlier: problems, overwrite_verified: args.overwrite_verified, origin: Origin::File };
    let result = app.flows.import_contacts(job, &super::actor(), &client, &progress).await;
    bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        Err(Error::ImportRejected(problems)) => anyhow::bail!(rejected(&file, &problems)),
        Err(e) => anyhow::bail!("{e}. Nothing was imported."),
    };
    let c = summary.counts;
    println!("Imported contact data for {} people from {file}.", summary.people);
    println!("  {} added, {} changed, {} already so", c.added, c.changed, c.unchanged);
    if c.kept_verified > 0 {
        println!(
            "  {} kept: the people verified those values themselves (--overwrite-verified replaces them)",
            c.kept_verified
        );
    }
    Ok(())
}

/// The message for a file with bad rows: each with its line, the first
/// ones in full.
fn rejected(file: &str, problems: &[RowProblem]) -> String {
    let mut out = format!("{file}: {} row(s) cannot be imported, so nothing was imported:\n", problems.len());
    for p in problems.iter().take(SHOWN_PROBLEMS) {
        let _ = writeln!(out, "  line {}: {}", p.line, p.reason);
    }
    if problems.len() > SHOWN_PROBLEMS {
        let _ = writeln!(out, "  … and {} more", problems.len() - SHOWN_PROBLEMS);
    }
    out.push_str("Fix these rows and run the import again.");
    out
}
