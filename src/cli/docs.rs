//! Documentation made from the command line's own definition, so the
//! manual pages and shell completions never drift from the real options:
//! `passdesk completions SHELL` and the packagers' `passdesk man DIR`.

use super::Cli;
use anyhow::Context;
use clap::CommandFactory;
use std::path::Path;

/// Prints the completion script of `shell`; users and packages install it
/// where their shell looks for completions.
pub fn completions(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "passdesk", &mut std::io::stdout());
}

/// Writes `passdesk.1` and one page per visible subcommand
/// (`passdesk-serve.1`, …) into `dir`, for the Debian package.
pub fn man_pages(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("while creating the folder {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("while writing the manual pages into {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_visible_subcommand_gets_a_page_that_names_its_options() {
        let dir = tempfile::tempdir().unwrap();
        man_pages(dir.path()).unwrap();
        let main = std::fs::read_to_string(dir.path().join("passdesk.1")).unwrap();
        assert!(main.starts_with(".ie") || main.contains(".TH passdesk 1"), "{main}");
        assert!(main.contains("serve"));
        let serve = std::fs::read_to_string(dir.path().join("passdesk-serve.1")).unwrap();
        assert!(serve.contains("\\-\\-config") || serve.contains("--config"), "{serve}");
        assert!(!dir.path().join("passdesk-man.1").exists(), "the packagers' command stays out of the manual");
    }

    #[test]
    fn completions_know_the_subcommands() {
        let mut command = Cli::command();
        let mut out = Vec::new();
        clap_complete::generate(clap_complete::Shell::Bash, &mut command, "passdesk", &mut out);
        let script = String::from_utf8(out).unwrap();
        assert!(script.contains("remind-expiry") && script.contains("--config"));
    }
}
