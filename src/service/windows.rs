//! The Windows half of `passdesk service`: the service control manager's
//! calls through the windows-service crate. `run` hands the manager's stop
//! to the same graceful path as SIGTERM (`app::Supervisor`) and reports
//! Running only once passdesk listens. Every status report is made from the
//! service's main thread; the server runs on a thread of its own.

use super::{ACCOUNT, ConfigArgs, DESCRIPTION, DISPLAY_NAME, NAME, ServiceAction, ServiceArgs, launch_arguments};
use crate::app::Supervisor;
use crate::config::windows_paths;
use anyhow::Context;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use windows_service::service::{
    ServiceAccess, ServiceControl, ServiceControlAccept, ServiceErrorControl, ServiceExitCode, ServiceInfo,
    ServiceStartType, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::service_dispatcher;
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};

/// The event id of "the service stopped on an error" in the Application log
/// (the writeback events use 31001…33008).
const FAILURE_EVENT_ID: u32 = 1;

/// The `--config` of `service run`, for the service's main function (the
/// dispatcher's callback takes no context).
static CONFIG: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Runs one `passdesk service` action.
pub fn command(args: ServiceArgs) -> ExitCode {
    let result = match args.action {
        ServiceAction::Install(args) => install(args),
        ServiceAction::Uninstall => uninstall(),
        ServiceAction::Run(args) => return run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("passdesk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn install(args: ConfigArgs) -> anyhow::Result<()> {
    let access = ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE;
    let manager = ServiceManager::local_computer(None::<&str>, access)
        .context("while connecting to the service control manager (run this as Administrator)")?;
    let config = args.config.map(std::path::absolute).transpose().context("while resolving --config")?;
    let info = ServiceInfo {
        name: NAME.into(),
        display_name: DISPLAY_NAME.into(),
        service_type: ServiceType::OWN_PROCESS,
        // Manual: nothing listens before an administrator has configured it.
        start_type: ServiceStartType::OnDemand,
        error_control: ServiceErrorControl::Normal,
        executable_path: std::env::current_exe().context("while finding passdesk.exe")?,
        launch_arguments: launch_arguments(config.as_deref()),
        dependencies: Vec::new(),
        account_name: Some(ACCOUNT.into()),
        account_password: None,
    };
    let service =
        manager.create_service(&info, ServiceAccess::CHANGE_CONFIG).context("while registering the service")?;
    service.set_description(DESCRIPTION).context("while setting the service's description")?;
    println!("Service \"{NAME}\" registered (manual start, account {ACCOUNT}).");
    println!("Configure {}, then:", config.unwrap_or_else(crate::config::platform_default_path).display());
    println!("  sc.exe config {NAME} start= auto");
    println!("  sc.exe start {NAME}");
    Ok(())
}

fn uninstall() -> anyhow::Result<()> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .context("while connecting to the service control manager (run this as Administrator)")?;
    let access = ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE;
    let service = manager.open_service(NAME, access).context("while opening the service")?;
    // Marked for deletion first: the manager removes it once it has stopped.
    service.delete().context("while removing the service")?;
    if service.query_status().context("while asking the service's state")?.current_state != ServiceState::Stopped {
        service.stop().context("while stopping the service")?;
        for _ in 0..60 {
            std::thread::sleep(Duration::from_millis(500));
            if service.query_status().map(|s| s.current_state == ServiceState::Stopped).unwrap_or(true) {
                break;
            }
        }
    }
    println!("Service \"{NAME}\" removed; the configuration and data in ProgramData stay.");
    Ok(())
}

windows_service::define_windows_service!(ffi_service_main, service_main);

fn run(args: ConfigArgs) -> ExitCode {
    let _ = CONFIG.set(args.config);
    match service_dispatcher::start(NAME, ffi_service_main) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "passdesk: `passdesk service run` is started by the service control manager ({e}); \
                 in a console, use `passdesk serve`"
            );
            ExitCode::from(2)
        }
    }
}

/// What the server thread tells the service's main thread.
enum Progress {
    Ready,
    Stopping,
    Finished(anyhow::Result<()>),
}

fn service_main(_arguments: Vec<OsString>) {
    let config = CONFIG.get().cloned().flatten();
    if let Err(e) = run_service(config) {
        // The service has no console: the event log is where this is read.
        if let Ok(source) = crate::win32::EventSource::open(crate::telemetry::winlog::SOURCE) {
            let _ = source.report(1, FAILURE_EVENT_ID, &format!("passdesk service stopped: {e:#}"));
        }
    }
}

fn status(state: ServiceState, exit: ServiceExitCode, wait: Duration) -> ServiceStatus {
    let controls_accepted = if state == ServiceState::Running {
        ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN
    } else {
        ServiceControlAccept::empty()
    };
    ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted,
        exit_code: exit,
        checkpoint: 0,
        wait_hint: wait,
        process_id: None,
    }
}

fn run_service(config: Option<PathBuf>) -> anyhow::Result<()> {
    let (progress, inbox) = channel::<Progress>();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = Mutex::new(Some(stop));
    let told = progress.clone();
    let handler = move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            if let Some(stop) = stop.lock().ok().and_then(|mut s| s.take()) {
                let _ = stop.send(());
                let _ = told.send(Progress::Stopping);
            }
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let handle = service_control_handler::register(NAME, handler).context("while registering the control handler")?;
    let report = |state, exit, wait| {
        let _ = handle.set_service_status(status(state, exit, wait));
    };
    report(ServiceState::StartPending, ServiceExitCode::NO_ERROR, Duration::from_secs(60));
    let server = std::thread::spawn(move || {
        let result = serve_in_program_data(config, stopped, progress.clone());
        let _ = progress.send(Progress::Finished(result));
    });
    // A server thread that ends without saying how (a panic) is a failure,
    // so Windows' recovery settings see it.
    let mut result = Err(anyhow::anyhow!("passdesk stopped without reporting how (it panicked)"));
    while let Ok(event) = inbox.recv() {
        match event {
            Progress::Ready => report(ServiceState::Running, ServiceExitCode::NO_ERROR, Duration::ZERO),
            Progress::Stopping => report(ServiceState::StopPending, ServiceExitCode::NO_ERROR, Duration::from_secs(20)),
            Progress::Finished(r) => {
                result = r;
                break;
            }
        }
    }
    let _ = server.join();
    let exit = if result.is_ok() { ServiceExitCode::NO_ERROR } else { ServiceExitCode::ServiceSpecific(1) };
    report(ServiceState::Stopped, exit, Duration::ZERO);
    result
}

/// Serves from `%ProgramData%\passdesk` as the working directory: the
/// manager starts services in System32, where a relative path in the
/// configuration must not land.
fn serve_in_program_data(
    config: Option<PathBuf>,
    stop: tokio::sync::oneshot::Receiver<()>,
    progress: Sender<Progress>,
) -> anyhow::Result<()> {
    let home = PathBuf::from(windows_paths::home(std::env::var("ProgramData").ok().as_deref()));
    std::fs::create_dir_all(&home).with_context(|| format!("while creating {}", home.display()))?;
    std::env::set_current_dir(&home).with_context(|| format!("while changing to {}", home.display()))?;
    let config = crate::cli::load_config(config)?;
    let supervisor = Supervisor {
        ready: Box::new(move || {
            let _ = progress.send(Progress::Ready);
        }),
        stop: Box::pin(async move {
            let _ = stop.await;
        }),
    };
    actix_web::rt::System::new().block_on(crate::app::serve_supervised(config, false, Some(supervisor)))
}
