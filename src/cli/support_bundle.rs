//! `passdesk support-bundle FILE`: gathers the facts through the flows,
//! redacts the configuration, scrubs every free text of the secrets the
//! configuration holds, and writes one private plain-text file.

use super::SupportBundleArgs;
use crate::app::App;
use crate::clock::{Clock, SystemClock};
use crate::support_bundle::{Parts, Reserved, logs, redact, render, scrub::Scrubber};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// How long the directories' self-check may take in a bundle.
const CHECK_LIMIT: Duration = Duration::from_secs(60);
/// Most dead letters listed.
const DEAD_LETTERS: u32 = 100;

/// Writes the bundle and says where, and what to do with it.
pub async fn support_bundle(args: SupportBundleArgs) -> anyhow::Result<()> {
    let config_file = super::config_path(args.config);
    let config = crate::config::load(config_file.as_deref())?;
    let reserved = Reserved::new(&args.file, args.force)?;
    let text = match &config_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {} ({e}): check the path and its permissions", path.display()))?,
        None => String::new(),
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let redacted = redact::redact_config(&text, &env);
    let mut secrets = secrets_of(&config);
    if let Ok(r) = &redacted {
        secrets.extend(r.removed.iter().cloned());
    }
    let scrubber = Scrubber::new(secrets);
    let log = match &args.log_file {
        Some(path) => logs::from_file(path, args.lines as usize)?,
        None => logs::from_journal(args.lines as usize),
    };
    crate::telemetry::init(&crate::config::LogConfig {
        level: "error".into(),
        json: false,
        event_log: crate::config::EventLogChoice::Off,
    });
    let data_dir = config.store.data_dir.clone();
    let app = App::build(config, Arc::new(SystemClock))?;
    let facts = app.flows.support_facts(args.audit_rows, DEAD_LETTERS).await?;
    let check = if args.no_check { None } else { Some(self_check(&app).await?) };
    let (config_toml, env_names) = match redacted {
        Ok(r) => (Ok(r.toml), r.env_names),
        Err(e) => (Err(e), Vec::new()),
    };
    let parts = Parts {
        created_at: SystemClock.now(),
        config_file,
        data_dir,
        config: config_toml,
        env_names,
        check,
        log,
        audit_asked: args.audit_rows,
        facts,
    };
    reserved.commit(&render(&parts, &scrubber))?;
    let private = if cfg!(windows) { "readable by SYSTEM, Administrators and the service only" } else { "mode 0600" };
    println!(
        "support bundle written to {} ({private}): plain text, {} log line(s), {} audit row(s), {} dead letter(s).",
        args.file.display(),
        parts.log.lines.len(),
        parts.facts.audit.len(),
        parts.facts.dead_letters.len()
    );
    println!("Secrets, codes and message bodies are left out; read it before you send it.");
    Ok(())
}

/// The directories' and transports' checks, each within [`CHECK_LIMIT`].
async fn self_check(
    app: &App,
) -> anyhow::Result<(crate::flow::support_bundle::CheckOutcome, Vec<crate::directory::check::CheckItem>)> {
    let outcome = app.flows.bounded_self_check(CHECK_LIMIT).await;
    let transports = match tokio::time::timeout(CHECK_LIMIT, super::check::transports(app)).await {
        Ok(items) => items?,
        Err(_) => vec![crate::directory::check::CheckItem::fail(
            "Message transports",
            format!("did not answer within {} s", CHECK_LIMIT.as_secs()),
            "run passdesk check to see which one hangs".to_owned(),
        )],
    };
    Ok((outcome, transports))
}

/// Every secret the validated configuration holds, including those read
/// from `…_file` keys (their content is never in the file itself).
fn secrets_of(config: &crate::config::Config) -> Vec<String> {
    let mut out = Vec::new();
    for ldap in config.directories.iter().filter_map(|d| d.ldap.as_ref()) {
        out.push(ldap.bind_password.expose_secret().to_owned());
    }
    if let crate::config::Transport::Smtp(smtp) = &config.notify.transport
        && let Some(auth) = &smtp.auth
    {
        out.push(auth.password.expose_secret().to_owned());
    }
    for gateway in [&config.notify.sms, &config.notify.voice].into_iter().flatten() {
        if let Some(password) = &gateway.password {
            out.push(password.expose_secret().to_owned());
        }
    }
    out
}
