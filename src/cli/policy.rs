//! `passdesk policy show|set` and `passdesk admin token`: the reset policy
//! and admin API tokens from the command line, through the same flow code
//! as the admin API (validated, audited).

use super::{AdminAction, AdminArgs, PolicyAction, PolicyArgs};
use super::{actor, cli_client};
use crate::app::App;
use crate::clock::SystemClock;
use std::sync::Arc;

/// Runs `passdesk policy`.
pub async fn policy(args: PolicyArgs) -> anyhow::Result<()> {
    let app = App::build(super::load_config(args.config)?, Arc::new(SystemClock))?;
    app.flows.load_settings().await?;
    let show_settings = matches!(args.action, PolicyAction::Show { json: false });
    let policy = match args.action {
        PolicyAction::Show { json: true } => {
            println!("{}", serde_json::to_string_pretty(&app.flows.policy().await?)?);
            return Ok(());
        }
        PolicyAction::Show { json: false } => app.flows.policy().await?,
        PolicyAction::Set { key, value } => {
            let changed = app.flows.set_policy(&key, &value, &actor(), &cli_client()).await?;
            println!("Changed {key}. The new policy applies to the next request, no restart needed.\n");
            changed
        }
    };
    for (key, value) in policy.entries() {
        println!("{key:<30} {value}");
    }
    if show_settings {
        // The run-time settings the admin pages change (the configuration's
        // values until an administrator saves them there).
        let sections = [
            ("Branding", app.flows.branding().entries()),
            ("Password rules", app.flows.password_settings().entries()),
            ("Notifications", app.flows.notification_settings().entries()),
        ];
        for (title, entries) in sections {
            println!("\n{title}:");
            for (key, value) in entries {
                println!("{key:<30} {value}");
            }
        }
    }
    Ok(())
}

/// Runs `passdesk admin`.
pub async fn admin(args: AdminArgs) -> anyhow::Result<()> {
    let app = App::build(super::load_config(args.config)?, Arc::new(SystemClock))?;
    match args.action {
        AdminAction::Token { name } => {
            let token = app.flows.issue_admin_token(&name, &cli_client()).await?;
            println!(
                "Admin API token \"{name}\" (shown once; passdesk keeps only its hash):\n\n    {}\n",
                token.as_str()
            );
            println!("Use it as: Authorization: Bearer <token>, e.g. GET /api/v1/admin/policy");
        }
        AdminAction::Add { login } => {
            let password = app.flows.add_local_admin(&login, &cli_client()).await?;
            println!(
                "Local administrator {login} created. Its password (shown once; passdesk keeps only an argon2id hash):\n"
            );
            println!("    {}\n", secrecy::ExposeSecret::expose_secret(&password));
        }
        AdminAction::List => {
            for (login, created) in app.flows.local_admins().await? {
                println!("{login}\tcreated {}", crate::clock::rfc3339(created));
            }
        }
        AdminAction::Remove { login } => {
            app.flows.remove_local_admin(&login, &actor(), &cli_client()).await?;
            println!("Local administrator {login} removed.");
        }
        AdminAction::Unblock { user } => {
            let was = app.flows.unblock(&user, &actor(), &cli_client()).await?;
            if was {
                println!("{user} may use self-service password reset again.");
            } else {
                println!("{user} was not blocked; the failure counters were cleared.");
            }
        }
        AdminAction::ResetLink { user, via } => {
            let sent = app.flows.send_reset_link(&user, &via, &actor(), &cli_client()).await?;
            let until = crate::clock::rfc3339(sent.expires_at);
            println!("A one-time reset link to {} (by {via}) is queued; it works once, until {until} (UTC).", sent.to);
            println!("passdesk serve delivers it (its console shows it when no mail or SMS transport is set).");
            println!("Nobody but {user} will know the password chosen with it.");
        }
    }
    Ok(())
}
