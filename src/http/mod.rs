//! The web faces: the HTML portal and the JSON API. Handlers parse the
//! request, call one flow method and render the answer; they never touch
//! the store or a directory. `configure` is the one route table, used by
//! `crate::app` and by the tests alike.

mod admin;
mod api;
mod assets;
mod audit_export;
mod body;
mod brand;
mod csrf;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod health;
pub mod i18n;
mod limit;
pub mod metrics;
mod middleware;
mod portal;
mod views;

pub use brand::Brand;
pub use error::{ApiError, PageError};
pub use limit::{Limiter, limiter, rate_limit};
pub use middleware::{RequestId, request_context, security_headers};

use crate::flow::Flows;
use crate::i18n::{Arg, Lang, Msg};
use actix_web::web;
use std::sync::Arc;

/// What the pages show about the organisation.
#[derive(Debug, Clone)]
pub struct Site {
    /// Organisation name.
    pub name: String,
    /// Helpdesk link from the configuration, if any.
    pub helpdesk: Option<String>,
    /// The reset policy's helpdesk link (empty = none), which wins.
    pub policy_helpdesk: std::sync::Arc<std::sync::RwLock<String>>,
    /// Origin that forms must come from (`https://host[:port]`); `None`
    /// means "the Host header of the request".
    pub origin: Option<String>,
    /// The language this page speaks: the configured default in the
    /// shared state, the request's choice in a page (`i18n::site`).
    pub lang: Lang,
    /// The organisation's colour and logo, served as `/brand.css` and `/brand/logo`.
    pub brand: Arc<Brand>,
    /// The page the language picker reloads in another language.
    pub here: String,
}

/// A language people can pick, as the language picker lists it.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// BCP 47 tag, e.g. "nl"; the value of `?lang=`.
    pub code: &'static str,
    /// Its name in itself ("Nederlands"), so people find their own.
    pub name: &'static str,
    /// The page is shown in it.
    pub current: bool,
}

impl Site {
    /// The sentence for `key` in this page's language (templates call it).
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The sentence for `key` with one argument (templates call it).
    pub fn t1(&self, key: &str, name: &str, value: impl Into<Arg>) -> String {
        self.lang.t_args(key, &[(name, value.into())])
    }

    /// The sentence for `key` with two arguments (templates call it).
    pub fn t2(&self, key: &str, a: &str, a_value: impl Into<Arg>, b: &str, b_value: impl Into<Arg>) -> String {
        self.lang.t_args(key, &[(a, a_value.into()), (b, b_value.into())])
    }

    /// A security question in this page's language.
    pub fn question(&self, id: &str, text: &str) -> String {
        self.lang.question(id, text)
    }

    /// A localisable sentence in this page's language.
    pub fn msg(&self, msg: &Msg) -> String {
        self.lang.msg(msg)
    }

    /// An error as a page shows it: a form field's problem without the
    /// field's internal name (the page shows it next to the field), and
    /// every sentence starting with a capital.
    pub fn error_text(&self, msg: &Msg) -> String {
        let text = match (msg.key, msg.args.iter().find(|(n, _)| *n == "why")) {
            ("error-invalid-input", Some((_, Arg::Msg(why)))) => self.lang.msg(why),
            ("error-passkey-refused-why", _) => self.lang.t("error-passkey-refused"),
            _ => self.lang.msg(msg),
        };
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }

    /// The same site speaking `lang`.
    pub fn with_lang(&self, lang: Lang) -> Site {
        Site { lang, ..self.clone() }
    }

    /// The helpdesk link every page shows: the reset policy's when an
    /// administrator set one, else the configuration's.
    pub fn helpdesk(&self) -> Option<String> {
        let from_policy = self.policy_helpdesk.read().map(|h| h.clone()).unwrap_or_default();
        if from_policy.is_empty() { self.helpdesk.clone() } else { Some(from_policy) }
    }

    /// The language pages are shown in (the `lang` of `<html>`).
    pub fn language(&self) -> &'static str {
        self.lang.code()
    }

    /// Every language of the picker, the current one marked.
    pub fn languages(&self) -> Vec<Language> {
        Lang::ALL.iter().map(|&l| Language { code: l.code(), name: l.native_name(), current: l == self.lang }).collect()
    }

    /// Appended to `/brand.css` and `/brand/logo` so browsers fetch a new
    /// colour or logo at once.
    pub fn brand_version(&self) -> String {
        self.brand.version()
    }
}

/// Shared state of every handler.
pub struct AppState {
    /// The use cases.
    pub flows: Arc<Flows>,
    /// Branding and origin.
    pub site: Site,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Per-address limit of self-service requests; `None` = off.
    pub limiter: Option<Limiter>,
    /// Add the Server-Timing header (benchmarks only).
    pub server_timing: bool,
}

/// Registers every route, extractor limit and error handler.
pub fn configure(cfg: &mut web::ServiceConfig, state: web::Data<AppState>) {
    let limit = state.max_body_bytes;
    cfg.app_data(state)
        .app_data(web::PayloadConfig::new(limit))
        .app_data(web::FormConfig::default().limit(limit).error_handler(error::form_error))
        .app_data(web::JsonConfig::default().limit(limit).error_handler(error::json_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .route("/healthz", web::get().to(health::healthz_get))
        .route("/readyz", web::get().to(health::readyz_get))
        .route("/metrics", web::get().to(metrics::metrics_get))
        .route("/static/{file:.*}", web::get().to(assets::static_get))
        .route("/brand.css", web::get().to(brand::css_get))
        .route("/brand/logo", web::get().to(brand::logo_get))
        .route("/", web::get().to(portal::index_get))
        .service(web::scope("/api/v1").configure(api::configure).default_service(web::to(error::api_not_found)))
        .configure(admin::configure)
        .configure(portal::configure)
        .default_service(web::to(error::page_not_found));
}
