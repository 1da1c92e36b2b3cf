//! `passdesk backup` and `passdesk restore`: the command-line faces of
//! [`crate::backup`], saying what was written, kept and set aside.

use super::{BackupArgs, RestoreArgs};
use crate::backup::{self, ConfigOutcome, RestoreOptions};
use crate::clock::{Clock, SystemClock};

/// Writes the archive and says what is in it.
pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let config_file = super::config_path(args.config);
    let config = crate::config::load(config_file.as_deref())?;
    let manifest = backup::create(&config, config_file.as_deref(), &args.file, SystemClock.now()).await?;
    let bytes: u64 = manifest.files.values().map(|f| f.bytes).sum();
    let private = if cfg!(windows) { "readable by SYSTEM, Administrators and the service only" } else { "mode 0600" };
    println!(
        "backup written to {} ({private}): passdesk {}, schema {}, {} audit row(s), {} file(s), {} bytes before \
         compression: {}",
        args.file.display(),
        manifest.passdesk_version,
        manifest.schema_version,
        manifest.audit_rows,
        manifest.files.len(),
        bytes,
        manifest.files.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    println!("It holds the server key: keep it where only administrators can read it.");
    let outside = backup::files_not_included(config_file.as_deref(), &config.store.data_dir);
    if !outside.is_empty() {
        println!("Not in the backup: files the configuration names outside the data folder. Copy them too:");
        for (key, path) in outside {
            println!("  {key} = {}", path.display());
        }
    }
    Ok(())
}

/// Checks and restores the archive, and says what became of the old files
/// and of the archive's configuration.
pub fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let config_file = super::config_path(args.config);
    let config = crate::config::load(config_file.as_deref())?;
    let options = RestoreOptions { replace_installation: args.replace_installation };
    let restored = backup::restore(&config, config_file.as_deref(), &args.file, options, SystemClock.now())?;
    let m = &restored.manifest;
    println!(
        "restored {} into {}: passdesk {} backup of {}, schema {}, {} audit row(s), chain intact",
        args.file.display(),
        config.store.data_dir.display(),
        m.passdesk_version,
        m.created_at,
        m.schema_version,
        m.audit_rows
    );
    if let Some(kept) = &restored.kept {
        println!("the files it replaced are kept in {}", kept.display());
    }
    match &restored.config {
        ConfigOutcome::NoneInBackup => println!("the backup was made on the embedded defaults: no configuration in it"),
        ConfigOutcome::Same => println!("the backup's configuration is the same as the one in use"),
        ConfigOutcome::SetAside(path) if cfg!(windows) => println!(
            "the backup's configuration differs from the one in use (or there is none): it is at {}; review it and \
             copy it over %ProgramData%\\passdesk\\passdesk.toml yourself (elevated)",
            path.display()
        ),
        ConfigOutcome::SetAside(path) => println!(
            "the backup's configuration differs from the one in use (or there is none): it is at {}; review it and \
             put it in place yourself (e.g. sudo install -m 640 -g passdesk {} /etc/passdesk/passdesk.toml)",
            path.display(),
            path.display()
        ),
    }
    println!("Start passdesk again; a backup from an older passdesk is migrated on start, after a copy is made.");
    Ok(())
}
