//! The composition root: the one place that sees every part. It opens the
//! store, reads the server key, builds the directories and the notifier,
//! wires the flows, and runs the web server and the background jobs.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, DirectoryKind, Transport};
use crate::directory::Directory;
use crate::directory::ad::ActiveDirectory;
use crate::directory::ldap::LdapPool;
use crate::directory::local::LocalDirectory;
use crate::directory::openldap::OpenLdap;
use crate::directory::timed::Timed;
use crate::domain::Channel;
use crate::domain::ServerKey;
use crate::flow::delivery::Delivery;
use crate::flow::{Flows, Settings};
use crate::http::{self, AppState, Site};
use crate::notify::templates::Brand;
use crate::notify::{ConsoleNotifier, GatewayNotifier, Notifier, Router, SmtpNotifier};
use crate::store::Store;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use anyhow::{Context, bail};
use std::path::Path;
use std::sync::Arc;

/// Everything built from a configuration.
pub struct App {
    /// The configuration in force.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// The use cases.
    pub flows: Arc<Flows>,
    /// The clock everything shares.
    pub clock: Arc<dyn Clock>,
}

impl App {
    /// Opens the store and key and wires the flows. Every directory is
    /// wrapped so its time is tallied per request (`crate::timing`).
    pub fn build(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let store = Store::open(&config.store).context("while opening the database")?;
        let key = Arc::new(load_or_create_key(&config.store.key_path()).context("while reading the server key")?);
        let mut directories: Vec<Arc<dyn Directory>> = Vec::new();
        let mut local = None;
        for dir in &config.directories {
            match dir.kind {
                DirectoryKind::Local => {
                    let l = Arc::new(LocalDirectory::new(dir.name.clone(), store.pool(), clock.clone()));
                    local.get_or_insert_with(|| l.clone());
                    directories.push(Arc::new(Timed(l)));
                }
                DirectoryKind::ActiveDirectory | DirectoryKind::OpenLdap => {
                    let Some(ldap) = dir.ldap.clone() else { bail!("directory {} has no LDAP settings", dir.name) };
                    let pool =
                        LdapPool::new(ldap).with_context(|| format!("while preparing directory {}", dir.name))?;
                    let directory: Arc<dyn Directory> = if dir.kind == DirectoryKind::ActiveDirectory {
                        Arc::new(ActiveDirectory::new(dir.name.clone(), pool))
                    } else {
                        Arc::new(OpenLdap::new(dir.name.clone(), pool))
                    };
                    directories.push(Arc::new(Timed(directory)));
                }
            }
        }
        let settings = Settings {
            codes: config.reset.codes,
            session_secs: config.reset.session_secs,
            password: config.password.clone(),
            brand: Brand {
                organisation: config.organisation.name.clone(),
                helpdesk: config.organisation.helpdesk.clone(),
                lang: config.organisation.language,
            },
            decoy_mail_domain: config.directories.first().map(|d| d.mail_domain.clone()).unwrap_or_default(),
            phone_country: config.organisation.phone_country_code.clone(),
            captcha_difficulty: config.reset.captcha_difficulty,
            phone_daily_budget: config.notify.phone_daily_budget,
            response_floor: std::time::Duration::from_millis(config.reset.response_floor_ms),
            public_base: public_base(&config.server),
            admin_alerts: config.notify.admin_alerts.clone(),
            breached: match &config.breached_file {
                Some(path) => Some(Arc::new(
                    crate::breached::BreachedPasswords::open(path)
                        .map_err(|e| anyhow::anyhow!("password.breached_file: {e}"))?,
                )),
                None => None,
            },
        };
        let branding = crate::domain::branding::Branding {
            name: config.organisation.name.clone(),
            colour: config.organisation.colour,
            logo: config.organisation.logo.clone(),
        };
        let flows = Arc::new(
            Flows::new(store.clone(), directories, local, clock.clone(), key, settings)
                .with_first_settings(branding, config.notify.expiry_reminder_days.clone()),
        );
        Ok(Self { config, store, flows, clock })
    }

    /// The handlers' shared state.
    pub fn state(&self) -> actix_web::web::Data<AppState> {
        let site = Site {
            name: self.config.organisation.name.clone(),
            helpdesk: self.config.organisation.helpdesk.clone(),
            policy_helpdesk: self.flows.policy_helpdesk(),
            origin: self.config.server.public_url.as_ref().map(|u| u.origin().ascii_serialization()),
            lang: self.config.organisation.language,
            brand: Arc::new(http::Brand::new(self.flows.branding_cell())),
            here: "/".to_owned(),
        };
        actix_web::web::Data::new(AppState {
            flows: self.flows.clone(),
            site,
            max_body_bytes: self.config.server.max_body_bytes,
            limiter: http::limiter(self.config.server.requests_per_minute),
            server_timing: self.config.server.server_timing,
        })
    }

    /// The organisation as the HTML part of its e-mails shows it: the
    /// branding in force when each message is sent (an administrator may
    /// change it on the pages while passdesk runs).
    fn mail_brand(&self) -> crate::notify::smtp::BrandSource {
        let cell = self.flows.branding_cell();
        Arc::new(move || {
            let branding = cell.read().map(|b| b.clone()).unwrap_or_default();
            let logo = branding
                .logo
                .as_ref()
                .filter(|l| l.content_type != "image/svg+xml")
                .map(|l| (l.bytes.clone(), l.content_type));
            crate::notify::smtp::MailBrand { organisation: branding.name.clone(), colour: branding.colour.hex(), logo }
        })
    }

    /// The outbox worker for the configured transport.
    pub fn delivery(&self) -> anyhow::Result<Delivery> {
        let email: Arc<dyn Notifier> = match &self.config.notify.transport {
            Transport::Outbox => Arc::new(ConsoleNotifier),
            Transport::Smtp(smtp) => Arc::new(
                SmtpNotifier::new(smtp, &self.config.notify.from)
                    .context("while setting up the SMTP transport")?
                    .with_brand_source(self.mail_brand()),
            ),
        };
        let (sms, voice) = self.gateways()?;
        let as_notifier = |g: Option<GatewayNotifier>| g.map(|g| Arc::new(g) as Arc<dyn Notifier>);
        let notifier = Arc::new(Router::new(email, as_notifier(sms), as_notifier(voice)));
        Ok(Delivery::new(self.store.clone(), notifier, self.clock.clone()).with_health(self.flows.delivery_health()))
    }

    /// The SMS and voice gateways that are configured (`[notify.sms]`,
    /// `[notify.voice]`).
    pub fn gateways(&self) -> anyhow::Result<(Option<GatewayNotifier>, Option<GatewayNotifier>)> {
        let build = |config: &Option<crate::config::GatewayConfig>, channel: Channel| -> anyhow::Result<_> {
            config
                .as_ref()
                .map(|c| GatewayNotifier::new(c, channel))
                .transpose()
                .with_context(|| format!("while setting up the {} gateway", channel.as_str()))
        };
        Ok((build(&self.config.notify.sms, Channel::Sms)?, build(&self.config.notify.voice, Channel::Voice)?))
    }
}

/// The actix application: middleware plus the one route table.
pub fn web_app(
    state: actix_web::web::Data<AppState>,
) -> actix_web::App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    actix_web::App::new()
        .wrap(from_fn(http::rate_limit))
        .wrap(from_fn(http::i18n::remember_choice))
        .wrap(from_fn(http::metrics::count_requests))
        .wrap(http::security_headers())
        .wrap(from_fn(http::request_context))
        .configure(|cfg| http::configure(cfg, state))
}

/// Reads the 0600 server key (with the previous one after a rotation), or
/// creates it on first run.
pub fn load_or_create_key(path: &Path) -> anyhow::Result<ServerKey> {
    crate::keyfile::load_or_create(path)
}

/// A service manager that is not told by signals: the Windows service
/// control manager. It hears when passdesk listens, and its stop request
/// takes the same graceful path as SIGTERM.
pub struct Supervisor {
    /// Called once, when passdesk listens.
    pub ready: Box<dyn FnOnce() + Send>,
    /// Resolves when the manager asks passdesk to stop.
    pub stop: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

/// `passdesk serve`: runs the portal until SIGTERM or Ctrl-C.
pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    serve_supervised(config, demo, None).await
}

/// Runs the portal until SIGTERM, Ctrl-C or the supervisor's stop.
pub async fn serve_supervised(config: Config, demo: bool, supervisor: Option<Supervisor>) -> anyhow::Result<()> {
    let (ready, stop) = match supervisor {
        Some(s) => (Some(s.ready), Some(s.stop)),
        None => (None, None),
    };
    let started = std::time::Instant::now();
    crate::telemetry::init(&config.log);
    let app = App::build(config, Arc::new(SystemClock))?;
    if demo {
        print_demo_users(&app).await?;
    }
    match app.flows.reconcile_writebacks().await {
        Ok(found) if !found.is_empty() => {
            println!("Reconciled {} interrupted writeback(s); see the audit log", found.len())
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "reconciling interrupted writebacks failed"),
    }
    let tls =
        crate::tls::server_config(app.config.server.tls.as_ref(), &app.config.store.data_dir, app.config.server.listen)
            .context("while preparing TLS")?;
    let listen = app.config.server.listen;
    app.flows.load_settings().await.context("while reading the settings administrators saved")?;
    let state = app.state();
    let server = actix_web::HttpServer::new(move || web_app(state.clone()))
        .bind_rustls_0_23(listen, tls.config)
        .with_context(|| format!("while listening on {listen}"))?
        .shutdown_timeout(10)
        .disable_signals()
        .run();
    // Our own signal handlers, installed before systemd hears "ready", so a
    // stop that follows at once is graceful too.
    stop_on_signals(server.handle(), stop)?;
    let delivery = app.delivery()?;
    let signal = app.flows.outbox_signal();
    tokio::spawn(delivery.run(signal));
    tokio::spawn(purge_old_flows(app.store.clone(), app.clock.clone(), app.config.reset.session_secs, app.state()));
    tokio::spawn(refresh_policy_view(app.flows.clone()));
    crate::flow::sync::schedule(&app.flows, &app.config.directories);
    tokio::spawn(remind_now_and_then(app.flows.clone()));
    tokio::spawn(remind_of_expiry_now_and_then(app.flows.clone()));
    tokio::spawn(prune_audit_daily(app.flows.clone()));
    let origin = match listen.ip() {
        ip if ip.is_unspecified() => format!("https://localhost:{}", listen.port()),
        std::net::IpAddr::V6(ip) => format!("https://[{ip}]:{}", listen.port()),
        ip => format!("https://{ip}:{}", listen.port()),
    };
    let note = if tls.generated { "self-signed, created now:" } else { "from" };
    println!("passdesk {} ready at {origin}/ in {} ms", env!("CARGO_PKG_VERSION"), started.elapsed().as_millis());
    println!("TLS certificate ({note} {}): SHA-256 {}", tls.cert_path.display(), tls.fingerprint);
    tracing::info!(%listen, "passdesk serving");
    let told = |state: &str| match crate::systemd::notify(state) {
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "systemd was not told"),
    };
    told(&format!("READY=1\nSTATUS=serving at {origin}/\n"));
    if let Some(ready) = ready {
        ready();
    }
    let served = server.await;
    told("STOPPING=1\n");
    served.context("while serving")?;
    tracing::info!("passdesk stopped");
    Ok(())
}

/// Stops the server gracefully (in-flight requests finish, 10 s at most)
/// on SIGTERM, SIGINT, Ctrl-C or the supervisor's stop. The handlers exist
/// when this returns.
fn stop_on_signals(
    handle: actix_web::dev::ServerHandle,
    supervisor: Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>>,
) -> anyhow::Result<()> {
    let supervisor = async move {
        match supervisor {
            Some(stop) => stop.await,
            None => std::future::pending().await,
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("while installing the SIGTERM handler")?;
        let mut int = signal(SignalKind::interrupt()).context("while installing the SIGINT handler")?;
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM: stopping"),
                _ = int.recv() => tracing::info!("SIGINT: stopping"),
                () = supervisor => tracing::info!("the service manager asked passdesk to stop: stopping"),
            }
            handle.stop(true).await;
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        tokio::select! {
            Ok(()) = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: stopping"),
            () = supervisor => tracing::info!("the service manager asked passdesk to stop: stopping"),
        }
        handle.stop(true).await;
    });
    Ok(())
}

async fn print_demo_users(app: &App) -> anyhow::Result<()> {
    let users = app.flows.seed_demo().await.context("while creating the demo users")?;
    println!("Demo users (local directory); codes and messages appear on this console:");
    for user in users {
        use secrecy::ExposeSecret;
        match &user.password {
            Some(p) => println!("  {:<6} {:<20} initial password {}", user.login, user.email, p.expose_secret()),
            None => println!("  {:<6} {:<20} (already present)", user.login, user.email),
        }
        for extra in &user.extras {
            println!("         also: {extra}");
        }
    }
    Ok(())
}

/// Deletes finished and expired flows now and then: they open nothing and
/// keeping them would keep personal data.
async fn purge_old_flows(
    store: Store,
    clock: Arc<dyn Clock>,
    session_secs: i64,
    state: actix_web::web::Data<AppState>,
) {
    loop {
        // Forget rate-limit buckets of addresses that went quiet.
        if let Some(limiter) = &state.limiter {
            limiter.retain_recent();
        }
        let before = clock.now() - session_secs - 3600;
        if let Err(e) = store.purge_flows(before).await {
            tracing::warn!(error = %e, "purging old flows failed");
        }
        if let Err(e) = state.flows.purge_sessions().await {
            tracing::warn!(error = %e, "purging old registration sessions failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}

/// `https://host[:port]` for links in messages: the configured public URL,
/// else the listening address (a wildcard address reads as localhost).
fn public_base(server: &crate::config::ServerConfig) -> String {
    match &server.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None if server.listen.ip().is_unspecified() => format!("https://localhost:{}", server.listen.port()),
        None => format!("https://{}", server.listen),
    }
}

/// Reminds people who have not registered enough, once an hour (each
/// person at most once per the policy's `reminder_days`; nothing while it
/// is 0). The first run waits a minute, so start-up stays quick.
async fn remind_now_and_then(flows: Arc<Flows>) {
    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    loop {
        let run = tokio::time::timeout(std::time::Duration::from_secs(30 * 60), flows.send_reminders());
        match run.await.unwrap_or(Err(crate::flow::Error::DirectoryUnavailable)) {
            Ok(s) if s.sent > 0 => tracing::info!(sent = s.sent, checked = s.checked, "registration reminders queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "registration reminders failed; trying again in an hour"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// Reminds people whose password expires soon, once an hour, alongside
/// the registration reminders (each mark once per expiry, so hourly runs
/// send nothing twice). The first run waits two minutes, after the
/// registration reminders' first. The days are read each run, so an
/// administrator's change (or an empty list: off) counts from the next.
async fn remind_of_expiry_now_and_then(flows: Arc<Flows>) {
    tokio::time::sleep(std::time::Duration::from_secs(120)).await;
    loop {
        let marks = flows.notification_settings().expiry_reminder_days;
        if marks.is_empty() {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            continue;
        }
        let run =
            tokio::time::timeout(std::time::Duration::from_secs(30 * 60), flows.send_expiry_reminders(&marks, false));
        match run.await.unwrap_or(Err(crate::flow::Error::DirectoryUnavailable)) {
            Ok(r) if r.sent > 0 => {
                tracing::info!(sent = r.sent, checked = r.checked, "password expiry reminders queued")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "password expiry reminders failed; trying again in an hour"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// Deletes audit rows older than the retention once a day (nothing while
/// it is "forever", the default), leaving a chained summary row. The first
/// run waits three minutes, after the reminders' first.
async fn prune_audit_daily(flows: Arc<Flows>) {
    tokio::time::sleep(std::time::Duration::from_secs(180)).await;
    loop {
        if let Err(e) = flows.prune_audit().await {
            tracing::warn!(error = %e, "pruning the audit trail failed; trying again tomorrow");
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
    }
}

/// Re-reads the reset policy now and then, so a `passdesk policy set` run
/// by another process reaches the pages' helpdesk link without a restart
/// (the flows themselves read the policy on every request), and the
/// branding, password rules and notifications another process saved.
async fn refresh_policy_view(flows: Arc<Flows>) {
    loop {
        if let Err(e) = flows.policy().await {
            tracing::warn!(error = %e, "reading the reset policy failed");
        }
        if let Err(e) = flows.load_settings().await {
            tracing::warn!(error = %e, "reading the saved settings failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(15)).await;
    }
}
