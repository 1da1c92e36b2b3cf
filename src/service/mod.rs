//! `passdesk service install|uninstall|run`: passdesk as a Windows service.
//! `install` registers it with the service control manager (manual start,
//! account LocalService, so nothing runs before it is configured),
//! `uninstall` stops and removes it, `run` is what the manager starts. The
//! names and the command line are plain values here, tested everywhere;
//! the calls into Windows are in `windows.rs`. On other systems the
//! command explains that systemd's unit does this job.

use clap::{Args, Subcommand};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(windows)]
mod windows;

/// The service's name, for `sc.exe` and `Get-Service`.
pub const NAME: &str = "passdesk";
/// The name the Services console shows.
pub const DISPLAY_NAME: &str = "passdesk self-service password reset";
/// The Services console's description.
pub const DESCRIPTION: &str =
    "Self-service password reset, unlock and change for Active Directory and OpenLDAP (web portal and API).";
/// The account the service runs as: no password to keep, few rights, and
/// an anonymous network identity (the directory is reached with the
/// service account in the configuration, not this one).
pub const ACCOUNT: &str = r"NT AUTHORITY\LocalService";

/// What `passdesk service` on a system other than Windows says.
pub const NOT_WINDOWS: &str = "`passdesk service` is for Windows (the service control manager). \
On Linux, run passdesk under systemd with the unit packaging/debian/passdesk.service \
(installed by the .deb as passdesk.service): systemctl enable --now passdesk";

/// `passdesk service`
#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ServiceAction,
}

/// The `passdesk service` actions.
#[derive(Debug, Subcommand)]
pub enum ServiceAction {
    /// Register passdesk with the service control manager (run as
    /// Administrator). Start type manual: configure it, then
    /// `sc.exe config passdesk start= auto` and `sc.exe start passdesk`.
    Install(ConfigArgs),
    /// Stop the service and remove it (configuration and data stay).
    Uninstall,
    /// What the service control manager starts; not for a console (use
    /// `passdesk serve` there).
    Run(ConfigArgs),
}

/// `passdesk service install` and `run`
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file the service reads (default:
    /// %ProgramData%\passdesk\passdesk.toml).
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The arguments the service manager passes to passdesk.exe:
/// `service run`, and `--config FILE` when one was given at install.
pub fn launch_arguments(config: Option<&Path>) -> Vec<OsString> {
    let mut args = vec![OsString::from("service"), OsString::from("run")];
    if let Some(config) = config {
        args.push(OsString::from("--config"));
        args.push(config.as_os_str().to_owned());
    }
    args
}

/// Runs `passdesk service …`; the exit code says how it went (2: not on
/// this system, or bad usage).
pub fn command(args: ServiceArgs) -> ExitCode {
    #[cfg(windows)]
    return windows::command(args);
    #[cfg(not(windows))]
    {
        let _ = args;
        eprintln!("passdesk: {NOT_WINDOWS}");
        ExitCode::from(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manager_starts_service_run_with_the_config_given_at_install() {
        assert_eq!(launch_arguments(None), ["service", "run"]);
        assert_eq!(
            launch_arguments(Some(Path::new(r"D:\passdesk\passdesk.toml"))),
            ["service", "run", "--config", r"D:\passdesk\passdesk.toml"]
        );
    }

    #[test]
    fn off_windows_the_command_points_at_the_systemd_unit() {
        assert!(NOT_WINDOWS.contains("is for Windows"));
        assert!(NOT_WINDOWS.contains("passdesk.service"));
    }
}
