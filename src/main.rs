//! The `passdesk` executable: parse the command line, run the subcommand,
//! turn errors into a message and an exit code (1 failure, 2 bad usage or
//! configuration).

use clap::Parser;
use passdesk::cli::{self, Cli, Command};
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => match cli::load_config(args.config) {
            Ok(config) => passdesk::app::serve(config, args.demo).await,
            Err(e) => Err(e),
        },
        Command::Init(args) => cli::init(args).await,
        Command::Outbox(args) => cli::outbox(args).await,
        Command::Policy(args) => cli::policy(args).await,
        Command::Admin(args) => cli::admin(args).await,
        Command::Breached(args) => cli::breached(args),
        Command::Service(args) => return passdesk::service::command(args),
        Command::Import(args) => cli::import(args).await,
        Command::Sync(args) => cli::sync(args).await,
        Command::RemindExpiry(args) => cli::remind_expiry(args).await,
        Command::Audit(args) => match cli::audit(args).await {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Backup(args) => cli::backup(args).await,
        Command::Restore(args) => cli::restore(args),
        Command::RotateKey(args) => cli::rotate_key(args).await,
        Command::SupportBundle(args) => cli::support_bundle(args).await,
        Command::Completions { shell } => {
            cli::completions(shell);
            Ok(())
        }
        Command::Man { dir } => cli::man_pages(&dir),
        Command::Check(args) => match cli::check(args).await {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<passdesk::config::Error>() => {
            eprintln!("passdesk: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("passdesk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
