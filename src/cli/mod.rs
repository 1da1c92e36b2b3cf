//! The command line (clap derive). Each subcommand is a thin shell over the
//! app and the flows, so the CLI behaves exactly like the portal.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  passdesk serve --demo                 try it: local directory with three demo users
  passdesk init --config /etc/passdesk/passdesk.toml --data-dir /var/lib/passdesk
  passdesk serve --config /etc/passdesk/passdesk.toml
  passdesk check --config /etc/passdesk/passdesk.toml   prove the service account's rights
  passdesk policy set methods_required 2   change the reset policy (audited)
  passdesk import staff.csv             pre-populate e-mail and phones (login,email,alt_email,mobile,office_phone)
  passdesk sync --dry-run               what syncing contact data from the directories would change
  passdesk remind-expiry --dry-run      who would be reminded now that their password expires soon
  passdesk admin token --name ops       a bearer token for /api/v1/admin/...
  passdesk outbox --follow              watch messages (codes) as they are queued
  passdesk outbox --json | jq .         the outbox for scripts, one JSON object per line
  passdesk backup /srv/backup/passdesk-$(date +%F).tar.gz   while serve runs
  passdesk support-bundle passdesk-support.txt   redacted facts to send to whoever helps you
  passdesk restore passdesk-2026-11-26.tar.gz   with serve stopped; checks the archive first
  passdesk rotate-key                   with serve stopped: a new server key; registered methods keep working
  passdesk audit verify                 prove that no audit row was changed behind passdesk's back
  passdesk audit export --since 2026-11-01 --result failure > failures.csv

The configuration is found by --config, then $PASSDESK_CONFIG, then
/etc/passdesk/passdesk.toml; without any, passdesk runs on its embedded
defaults (data in ./passdesk-data, https://127.0.0.1:8443).";

/// Self-service password reset, unlock and change for your own directory.
#[derive(Debug, Parser)]
#[command(name = "passdesk", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal and the API.
    Serve(ServeArgs),
    /// Write a commented configuration, create the data folder, the server
    /// key and a local administrator (its password is printed once).
    Init(InitArgs),
    /// List queued and sent messages (with no mail transport, codes are here).
    Outbox(OutboxArgs),
    /// Prove that every directory is reachable and that the service account
    /// has every right it needs, changing nothing; prints a checklist with
    /// the fix for each failure and exits 1 if anything failed.
    Check(CheckArgs),
    /// Show or change the reset policy (who may reset, methods, counts…).
    Policy(PolicyArgs),
    /// Pre-populate contact data from a CSV file with the columns
    /// login,email,alt_email,mobile,office_phone[,directory], so people can
    /// reset without registering. Every row is checked first; all rows are
    /// imported in one go, or none.
    Import(ImportArgs),
    /// Copy contact data (mail, otherMailbox, mobile, telephoneNumber…)
    /// from each directory with [directories.NAME.sync] enabled; data of
    /// accounts gone from the scope is removed.
    Sync(SyncArgs),
    /// Send the password-expiry reminders that are due now (`serve` does
    /// this every hour): one e-mail per person on each of
    /// notify.expiry_reminder_days before the password expires.
    RemindExpiry(RemindExpiryArgs),
    /// Administrator tools: API tokens.
    Admin(AdminArgs),
    /// The audit trail: prove its hash chain, or export it as CSV or JSON.
    Audit(AuditArgs),
    /// The offline breached-password list: build one from your own list,
    /// or look a password up in one.
    Breached(BreachedArgs),
    /// Write a backup while passdesk runs: a consistent copy of the
    /// database, the server key, the configuration and the self-signed
    /// certificate, in one archive readable only by you (mode 0600).
    Backup(BackupArgs),
    /// Write one plain-text file to hand to whoever helps you: version,
    /// the configuration with every secret redacted, the `passdesk check`
    /// checklist, recent log lines and audit rows, dead letters (no message
    /// bodies) and database statistics. Private (mode 0600).
    SupportBundle(SupportBundleArgs),
    /// Put a backup back (passdesk serve must be stopped). The archive is
    /// checked first (complete, not newer than this passdesk, integrity,
    /// audit chain, same installation); the replaced files are kept.
    Restore(RestoreArgs),
    /// Replace the server key (passdesk serve must be stopped). Registered
    /// methods keep working: authenticator secrets are re-sealed under the
    /// new key, and the old key is kept to verify codes sent before.
    RotateKey(RotateKeyArgs),
    /// Print the completion script of a shell (bash, zsh, fish, elvish,
    /// powershell) on standard output, e.g.
    /// `passdesk completions bash > /etc/bash_completion.d/passdesk`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (passdesk.1 and one page per subcommand) into
    /// a folder; packages run it at build time.
    #[command(hide = true)]
    Man {
        /// Folder to write the pages into (created if missing).
        dir: PathBuf,
    },
    /// Windows only: register passdesk as a service (install), remove it
    /// (uninstall); `run` is what the service manager starts.
    Service(crate::service::ServiceArgs),
}

/// `passdesk backup`
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The archive to write (a .tar.gz; it must not exist yet).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `passdesk rotate-key`
#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `passdesk support-bundle`
#[derive(Debug, Args)]
pub struct SupportBundleArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The file to write (plain text; it must not exist yet).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// How many of the newest log lines to include (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub lines: u32,
    /// How many of the newest audit rows to include (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub audit_rows: u32,
    /// Take the log lines from this file (otherwise from the systemd
    /// journal of passdesk.service, where there is one).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Do not run the directories' and transports' check (it contacts
    /// them; by default it runs, for at most a minute).
    #[arg(long)]
    pub no_check: bool,
}

/// `passdesk restore`
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The archive `passdesk backup` wrote.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace a data folder that holds another passdesk installation
    /// (without it, such a restore is refused).
    #[arg(long)]
    pub replace_installation: bool,
}

/// `passdesk breached`
#[derive(Debug, Args)]
pub struct BreachedArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: BreachedAction,
}

/// `passdesk breached build|lookup`
#[derive(Debug, Subcommand)]
pub enum BreachedAction {
    /// Write a file in the Have I Been Pwned "SHA-1 ordered by hash" format
    /// from plain passwords, one per line (for password.breached_file).
    Build {
        /// Plain-text passwords, one per line.
        input: PathBuf,
        /// The file to write.
        output: PathBuf,
    },
    /// Say whether a password is in a file (read from standard input, so it
    /// stays out of the shell history).
    Lookup {
        /// A file in the HIBP format.
        file: PathBuf,
    },
}

/// `passdesk import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The CSV file (UTF-8; a header line naming the columns).
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// Also replace values people verified themselves (by default they are
    /// kept, and counted in the summary).
    #[arg(long)]
    pub overwrite_verified: bool,
}

/// `passdesk sync`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only this directory (its sync must be enabled).
    #[arg(long, value_name = "NAME")]
    pub directory: Option<String>,
    /// Also replace values people verified themselves (by default they are
    /// kept, and counted in the summary).
    #[arg(long)]
    pub overwrite_verified: bool,
    /// Compare and print the summary, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove the data of every account gone from the scope, even more than
    /// the 10 (or 2%) passdesk removes on its own.
    #[arg(long)]
    pub allow_removals: bool,
}

/// `passdesk remind-expiry`
#[derive(Debug, Args)]
pub struct RemindExpiryArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List who would be reminded, send and record nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `passdesk policy`
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub action: PolicyAction,
}

/// `passdesk policy show|set`
#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Print every key and its value.
    Show {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change one key, e.g. `passdesk policy set methods_required 2`.
    Set {
        /// The key (see `passdesk policy show`).
        key: String,
        /// The new value; lists are comma-separated.
        value: String,
    },
}

/// `passdesk admin`
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub action: AdminAction,
}

/// `passdesk admin token`
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Issue a bearer token for the admin API (printed once).
    Token {
        /// A name to recognise the token by in the audit log.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Create a local administrator; its password is printed once.
    Add {
        /// The new administrator's user ID.
        login: String,
    },
    /// List the local administrators.
    List,
    /// Remove a local administrator (never the last one).
    Remove {
        /// The administrator's user ID.
        login: String,
    },
    /// Lift a self-service block (after too many failures or messages).
    Unblock {
        /// The user ID, as the person types it.
        user: String,
    },
    /// Send a person a one-time link to choose their password (a new
    /// joiner's first): by e-mail or text message to the address on file.
    ResetLink {
        /// The user ID.
        user: String,
        /// The channel: email or sms.
        #[arg(long, value_parser = ["email", "sms"], default_value = "email")]
        via: String,
    },
}

/// `passdesk check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The checklist as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `passdesk serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also create three demo users with e-mail addresses and print them.
    #[arg(long)]
    pub demo: bool,
}

/// `passdesk init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the configuration.
    #[arg(long, short, value_name = "FILE", default_value = "passdesk.toml")]
    pub config: PathBuf,
    /// Data folder to write into the configuration.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// User ID of the local administrator to create.
    #[arg(long, value_name = "LOGIN", default_value = "admin")]
    pub admin: String,
    /// Overwrite an existing configuration file.
    #[arg(long)]
    pub force: bool,
}

/// `passdesk outbox`
#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep running and print new messages as they arrive.
    #[arg(long, short)]
    pub follow: bool,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many of the newest messages first.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub last: u32,
}

/// `passdesk audit`
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// The audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the whole trail and prove that no row was changed or deleted
    /// outside passdesk (each row carries the SHA-256 of the one before);
    /// exits 1 naming the first row that breaks the chain.
    Verify {
        /// Configuration file.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Write the trail to standard output, oldest first, filtered.
    Export(ExportArgs),
    /// Show how long the trail is kept, or set it: a number of days (30 to
    /// 3650) or "forever" (the default). Rows older than that are deleted
    /// daily by `serve` (or now by `passdesk audit prune`).
    Retention {
        /// Days to keep, or "forever"; leave out to show the current value.
        value: Option<String>,
        /// Configuration file.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Delete the rows older than the retention now, leaving one chained
    /// summary row that says what was deleted.
    Prune {
        /// Configuration file.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `passdesk audit export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// csv (with a header row) or json (one object per line).
    #[arg(long, value_enum, default_value_t = AuditFormat::Csv)]
    pub format: AuditFormat,
    /// Rows from this day (YYYY-MM-DD, UTC) or time (RFC 3339) on.
    #[arg(long, value_parser = audit::parse_time)]
    pub since: Option<i64>,
    /// Rows before this day or time.
    #[arg(long, value_parser = audit::parse_time)]
    pub until: Option<i64>,
    /// Rows about this user ID.
    #[arg(long)]
    pub user: Option<String>,
    /// Rows whose activity contains this text ("reset", "registered"…).
    #[arg(long)]
    pub activity: Option<String>,
    /// Only successes or only failures.
    #[arg(long, value_enum)]
    pub result: Option<AuditResult>,
    /// Rows of this method ("email", "mobile_sms", "questions"…).
    #[arg(long)]
    pub method: Option<String>,
    /// Rows about this directory (its `[directories.NAME]`).
    #[arg(long)]
    pub directory: Option<String>,
}

/// How `passdesk audit export` writes rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Comma-separated, with a header row.
    Csv,
    /// One JSON object per line.
    Json,
}

/// An audit row's result, as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditResult {
    /// It worked.
    Success,
    /// It was refused or failed.
    Failure,
}

impl AuditResult {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// The configuration file to use: `--config`, then `$PASSDESK_CONFIG`, then
/// the platform default if it exists; `None` means the embedded defaults.
pub fn config_path(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit.or_else(|| std::env::var_os("PASSDESK_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from)).or_else(
        || {
            let default = crate::config::platform_default_path();
            default.exists().then_some(default)
        },
    )
}

mod audit;
mod backup;
mod breached;
mod check;
mod docs;
mod expiry;
mod import;
mod init;
mod outbox;
mod policy;
mod rotate;
mod support_bundle;
mod sync;

pub use audit::audit;
pub use backup::{backup, restore};
pub use breached::breached;
pub use check::check;
pub use docs::{completions, man_pages};
pub use expiry::remind_expiry;
pub use import::import;
pub use init::init;
pub use outbox::outbox;
pub use policy::{admin, policy};
pub use rotate::rotate_key;
pub use support_bundle::support_bundle;
pub use sync::sync;

/// Loads the configuration for a subcommand, or explains every problem.
pub fn load_config(explicit: Option<PathBuf>) -> anyhow::Result<crate::config::Config> {
    let path = config_path(explicit);
    Ok(crate::config::load(path.as_deref())?)
}

/// The request context of a command-line action (no address; "cli" as the
/// request id in the log and the audit trail).
fn cli_client() -> crate::flow::Client {
    crate::flow::Client { ip: None, request_id: Some("cli".into()), lang: None }
}

/// Who acts from the command line, for the audit trail.
fn actor() -> String {
    let user = std::env::var("SUDO_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}
