//! `passdesk breached build|lookup`: making and probing the offline
//! breached-password file without any other tool.

use super::{BreachedAction, BreachedArgs};
use crate::breached::{BreachedPasswords, build_file};
use anyhow::Context;
use std::io::BufRead;

/// Runs `passdesk breached`.
pub fn breached(args: BreachedArgs) -> anyhow::Result<()> {
    match args.action {
        BreachedAction::Build { input, output } => {
            let file = std::fs::File::open(&input).with_context(|| format!("cannot read {}", input.display()))?;
            let mut lines = Vec::new();
            for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line.with_context(|| format!("{} line {}: not UTF-8 text", input.display(), n + 1))?;
                let line = line.trim_end_matches('\r').to_owned();
                lines.push(crate::domain::PasswordPolicy::normalise(&line));
            }
            let written = build_file(lines, &output).with_context(|| format!("cannot write {}", output.display()))?;
            println!("wrote {written} distinct passwords to {}", output.display());
            println!("use it with: [password] breached_file = {:?}", output.display().to_string());
            Ok(())
        }
        BreachedAction::Lookup { file } => {
            let list = BreachedPasswords::open(&file).map_err(anyhow::Error::msg)?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).context("reading the password from standard input")?;
            let password = crate::domain::PasswordPolicy::normalise(password.trim_end_matches(['\r', '\n']));
            match list.count(&password) {
                0 => println!("not found"),
                n => println!("found: seen {n} times in breaches"),
            }
            Ok(())
        }
    }
}
