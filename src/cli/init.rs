//! `passdesk init`: a working installation in one command: the commented
//! configuration, the data folder, the server key and a local administrator
//! whose generated password is printed exactly once.

use super::InitArgs;
use crate::app::App;
use crate::clock::SystemClock;
use crate::config::EXAMPLE_TOML;
use crate::flow::Client;
use anyhow::{Context, bail};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Runs `passdesk init`.
pub async fn init(args: InitArgs) -> anyhow::Result<()> {
    if args.config.exists() && !args.force {
        bail!("{} already exists: pass --force to overwrite it, or choose another --config", args.config.display());
    }
    let mut text = EXAMPLE_TOML.to_owned();
    if let Some(dir) = &args.data_dir {
        let quoted = toml::Value::String(dir.display().to_string()).to_string();
        text = text.replace("data_dir = \"passdesk-data\"", &format!("data_dir = {quoted}"));
    } else if cfg!(windows) {
        // The Windows default (%ProgramData%\passdesk\data) is where the
        // service looks too; a relative folder would follow the current one.
        text = text.replace("data_dir = \"passdesk-data\"", "# data_dir = \"passdesk-data\"");
    }
    // Validate before writing anything, so a bad --data-dir leaves no file behind.
    let config = crate::config::load_str(&text, &args.config.display().to_string(), &[])?;
    if let Some(parent) = args.config.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("while creating {}", parent.display()))?;
    }
    crate::tls::write_private(&args.config, text.as_bytes())
        .with_context(|| format!("while writing {}", args.config.display()))?;
    let app = App::build(config, Arc::new(SystemClock))?;
    let client = Client { ip: None, request_id: Some("cli-init".into()), lang: None };
    let password = app.flows.add_local_admin(&args.admin, &client).await?;
    println!("Wrote {}", args.config.display());
    println!("Data folder {} (database and server key, mode 0600)", app.config.store.data_dir.display());
    println!("Local administrator \"{}\" created with password:\n\n    {}\n", args.admin, password.expose_secret());
    println!("This password is shown only once: store it in your password manager now.");
    println!("Next: passdesk serve --config {}", args.config.display());
    Ok(())
}
