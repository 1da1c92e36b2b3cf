//! Use cases: the only code that orchestrates the store, the directories and
//! the notifier. The HTML portal, the JSON API and the CLI all call these
//! methods, so every face behaves the same. Nothing here knows about HTTP.

pub mod admin;
pub mod admin_session;
pub mod admin_tokens;
pub mod audit;
pub mod audit_log;
pub mod captcha;
mod change;
mod defence;
pub mod delivery;
pub mod delivery_health;
pub mod directories_health;
mod error;
pub mod expiry;
pub mod helpdesk;
pub mod import;
pub mod insights;
mod methods;
mod metrics;
pub mod notices;
pub mod outbox;
mod passkeys;
pub mod policy;
pub mod reconcile;
pub mod register;
pub mod reminders;
pub mod reset;
pub mod reset_link;
mod settings;
pub mod support_bundle;
pub mod sync;
mod writeback;

pub use crate::directory::PolicyReason;
pub use crate::store::FlowKind;
pub use crate::store::{AuditCount, AuditCursor, AuditFilter, AuditRow};
pub use error::Error;
pub use settings::{LogoChange, PasswordInForce};

use crate::clock::Clock;
use crate::directory::Directory;
use crate::directory::local::LocalDirectory;
use crate::domain::audit::{AuditRecord, EventId, Reason};
use crate::domain::{Activity, AuditOutcome, CodeRules, PasswordPolicy, ServerKey};
use crate::notify::templates::Brand;
use crate::store::Store;
use std::sync::Arc;

/// Who is asking, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// Peer address.
    pub ip: Option<String>,
    /// Request id that also appears in the log and on error pages.
    pub request_id: Option<String>,
    /// The language the person uses, for the messages this request sends
    /// them; `None` = the organisation's.
    pub lang: Option<crate::i18n::Lang>,
}

/// The knobs of the flows, taken from the config by `crate::app`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One-time code rules.
    pub codes: CodeRules,
    /// Seconds from identification until a flow is dead.
    pub session_secs: i64,
    /// passdesk's own password rules.
    pub password: PasswordPolicy,
    /// Branding for messages.
    pub brand: Brand,
    /// Mail domain for decoy hints.
    pub decoy_mail_domain: String,
    /// Calling code that completes national phone numbers ("31"), if set.
    pub phone_country: Option<String>,
    /// Proof-of-work bits asked on identify; 0 turns the captcha off.
    pub captcha_difficulty: u8,
    /// Text messages and calls per 24 hours for the whole organisation.
    pub phone_daily_budget: u32,
    /// `https://host[:port]` that links in messages start with.
    pub public_base: String,
    /// Administrators' addresses for security alerts.
    pub admin_alerts: Vec<String>,
    /// Shortest time identify, send and verify take to answer (padding).
    pub response_floor: std::time::Duration,
    /// The offline breached-password list, when one is configured.
    pub breached: Option<Arc<crate::breached::BreachedPasswords>>,
}

/// Everything the flows need, wired once by `crate::app`.
pub struct Flows {
    store: Store,
    directories: Vec<Arc<dyn Directory>>,
    local: Option<Arc<LocalDirectory>>,
    clock: Arc<dyn Clock>,
    key: Arc<ServerKey>,
    settings: Settings,
    outbox_signal: Arc<tokio::sync::Notify>,
    delivery_health: Arc<delivery_health::DeliveryHealth>,
    health: directories_health::HealthBoard,
    metrics: Arc<crate::metrics::Metrics>,
    captcha_load: captcha::CaptchaLoad,
    policy_helpdesk: Arc<std::sync::RwLock<String>>,
    /// Branding, password rules and notifications, changeable at run time.
    live: settings::Live,
    guards: register::PasswordGuards,
    /// One lock per account key while a question or app proof is checked.
    proof_locks: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Flows {
    /// The organisation's branding in the language of the person this
    /// request is for (the organisation's own when the request names none).
    pub(crate) fn brand_for(&self, client: &Client) -> Brand {
        let brand = self.org_brand();
        match client.lang {
            Some(lang) => brand.in_lang(lang),
            None => brand,
        }
    }

    /// The organisation's branding for messages, with the name in force.
    pub(crate) fn org_brand(&self) -> Brand {
        Brand { organisation: self.branding().name.clone(), ..self.settings.brand.clone() }
    }

    /// Wires the flows. `local` is the local directory when one is
    /// configured, for the admin actions that only it supports.
    pub fn new(
        store: Store,
        directories: Vec<Arc<dyn Directory>>,
        local: Option<Arc<LocalDirectory>>,
        clock: Arc<dyn Clock>,
        key: Arc<ServerKey>,
        settings: Settings,
    ) -> Self {
        let branding = crate::domain::branding::Branding {
            name: settings.brand.organisation.clone(),
            ..crate::domain::branding::Branding::default()
        };
        let notifications = crate::domain::settings::NotificationSettings {
            admin_alerts: settings.admin_alerts.clone(),
            expiry_reminder_days: crate::domain::expiry::DEFAULT_MARKS.to_vec(),
        };
        let live = settings::Live::new(branding, &settings.password, settings.breached.clone(), notifications);
        Self {
            live,
            store,
            directories,
            local,
            clock,
            key,
            settings,
            outbox_signal: Arc::new(tokio::sync::Notify::new()),
            delivery_health: Arc::default(),
            health: directories_health::HealthBoard::default(),
            metrics: Arc::default(),
            captcha_load: captcha::CaptchaLoad::default(),
            policy_helpdesk: Arc::default(),
            guards: register::PasswordGuards::default(),
            proof_locks: std::sync::Mutex::default(),
        }
    }

    /// The configuration's branding and expiry reminder days as the first
    /// values of the run-time settings (stored changes still win; call
    /// `load_settings` after this).
    pub fn with_first_settings(mut self, branding: crate::domain::branding::Branding, expiry_days: Vec<u32>) -> Self {
        let notifications = crate::domain::settings::NotificationSettings {
            admin_alerts: self.settings.admin_alerts.clone(),
            expiry_reminder_days: expiry_days,
        };
        self.live =
            settings::Live::new(branding, &self.settings.password, self.settings.breached.clone(), notifications);
        self
    }

    /// Woken whenever a message is queued, so delivery does not wait for a poll.
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.outbox_signal.clone()
    }

    /// Each channel's delivery health: the outbox worker writes it, the
    /// send steps read it so nobody is promised a code that cannot go out.
    pub fn delivery_health(&self) -> Arc<delivery_health::DeliveryHealth> {
        self.delivery_health.clone()
    }

    /// The process's metrics, which the flows and the HTTP layer feed.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Refuses to queue a code (or link) on a channel whose transport is
    /// failing, changing nothing; the refusal's cause goes to the log and
    /// the audit trail, the person reads only that it cannot be sent now.
    /// Decoys ask too, so the answer never tells a real account apart.
    pub(crate) async fn ensure_channel_works(
        &self,
        channel: crate::domain::Channel,
        login: &str,
        client: &Client,
    ) -> Result<(), Error> {
        let now = self.clock.now();
        let Err(cause) = self.delivery_health.admit(channel, now) else { return Ok(()) };
        let detail = format!("no code sent: {cause}");
        let audit = self.audit(Activity::FlowProgress, AuditOutcome::Failure, login, detail, client);
        self.store.record(now, crate::store::Effects::audited(vec![audit])).await?;
        Err(Error::DeliveryUnavailable(cause))
    }

    /// The settings given at start; the run-time ones (password rules,
    /// branding, notifications) are read with their own methods.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the store answers, for `/readyz`.
    pub async fn ready(&self) -> Result<(), Error> {
        Ok(self.store.ping().await?)
    }

    /// An audit row that carries a writeback event id.
    #[allow(clippy::too_many_arguments)]
    fn event(
        &self,
        activity: Activity,
        success: bool,
        target: &str,
        detail: String,
        event: EventId,
        facets: Facets<'_>,
        client: &Client,
    ) -> AuditRecord {
        let outcome = if success { AuditOutcome::Success } else { AuditOutcome::Failure };
        let mut record = self.audit_as(activity, outcome, target, detail, facets, client);
        record.event_id = Some(event.code());
        announce(&record, event);
        record
    }

    /// The reference's 3300x event for a directory's refusal, as an audit
    /// row next to the 31003/31008 failure row.
    fn cause_event(&self, e: &crate::directory::Error, target: &str, directory: &str, client: &Client) -> AuditRecord {
        use crate::directory::Error as D;
        let event = match e {
            D::NotFound => EventId::DirectoryUserNotFound,
            D::AccessDenied { .. } | D::ProtectedAccount => EventId::DirectoryPermissions,
            D::AccountDisabled => EventId::DirectoryAccountDisabled,
            D::AccountLockedOut => EventId::DirectoryAccountLockedOut,
            D::InvalidCredentials => EventId::DirectoryIncorrectPassword,
            D::PolicyRejected(_) => EventId::DirectoryPasswordPolicy,
            D::Unavailable(_) | D::Other(_) => EventId::DirectoryUnknownError,
        };
        let facets = Facets::directory(directory).reason(directory_reason(e));
        self.event(Activity::FlowProgress, false, target, format!("directory answer: {e}"), event, facets, client)
    }

    fn audit(
        &self,
        activity: Activity,
        outcome: AuditOutcome,
        target: &str,
        detail: String,
        client: &Client,
    ) -> AuditRecord {
        self.audit_as(activity, outcome, target, detail, Facets::default(), client)
    }

    /// An audit row with its method, directory and failure reason.
    fn audit_as(
        &self,
        activity: Activity,
        outcome: AuditOutcome,
        target: &str,
        detail: String,
        facets: Facets<'_>,
        client: &Client,
    ) -> AuditRecord {
        self.metrics.outcome(activity.name(), outcome.as_str(), facets.method.unwrap_or(""));
        AuditRecord {
            at: self.clock.now(),
            actor: target.to_owned(),
            target: target.to_owned(),
            activity: activity.name().to_owned(),
            result: outcome.as_str().to_owned(),
            event_id: None,
            detail,
            client_ip: client.ip.clone(),
            correlation: client.request_id.clone(),
            method: facets.method.map(str::to_owned),
            directory: facets.directory.map(str::to_owned),
            reason: facets.reason.map(|r| r.as_str().to_owned()),
        }
    }
}

/// What an audit row says beyond its activity and outcome: the method a
/// step used, the directory it touched, and why it failed.
#[derive(Debug, Clone, Copy, Default)]
struct Facets<'a> {
    method: Option<&'a str>,
    directory: Option<&'a str>,
    reason: Option<Reason>,
}

impl<'a> Facets<'a> {
    /// A step of this method (`MethodKind::id`).
    fn method(method: &'a str) -> Self {
        Self { method: Some(method), ..Self::default() }
    }

    /// An action on this directory.
    fn directory(directory: &'a str) -> Self {
        Self { directory: Some(directory), ..Self::default() }
    }

    /// A failure for this reason.
    fn failed(reason: Reason) -> Self {
        Self { reason: Some(reason), ..Self::default() }
    }

    /// The same, failed for this reason.
    fn reason(self, reason: Reason) -> Self {
        Self { reason: Some(reason), ..self }
    }
}

/// Hands a writeback event to the log under its own target, where the
/// telemetry layer copies it to journald or syslog with the reference's
/// event id and name. Only the audit row's own fields go out: never a
/// password, code or answer.
fn announce(record: &AuditRecord, event: EventId) {
    use crate::domain::audit::EVENT_LOG_TARGET;
    let directory = record.directory.as_deref().unwrap_or("");
    let reason = record.reason.as_deref().unwrap_or("");
    let request_id = record.correlation.as_deref().unwrap_or("");
    let (id, name, user, result) = (event.code(), event.name(), record.target.as_str(), record.result.as_str());
    if result == AuditOutcome::Success.as_str() {
        tracing::info!(
            target: EVENT_LOG_TARGET,
            event_id = id, event_name = name, user, result, directory, reason, request_id,
            "{}", record.detail
        );
    } else {
        tracing::warn!(
            target: EVENT_LOG_TARGET,
            event_id = id, event_name = name, user, result, directory, reason, request_id,
            "{}", record.detail
        );
    }
}

/// The audit reason code of a directory's refusal.
fn directory_reason(e: &crate::directory::Error) -> Reason {
    use crate::directory::Error as D;
    match e {
        D::NotFound => Reason::UserNotFound,
        D::AccessDenied { .. } | D::ProtectedAccount => Reason::AccessDenied,
        D::AccountDisabled => Reason::AccountDisabled,
        D::AccountLockedOut => Reason::AccountLocked,
        D::InvalidCredentials => Reason::WrongPassword,
        D::PolicyRejected(_) => Reason::PolicyRejected,
        D::Unavailable(_) => Reason::DirectoryUnavailable,
        D::Other(_) => Reason::DirectoryError,
    }
}
