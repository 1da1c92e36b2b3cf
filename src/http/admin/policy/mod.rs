//! The policy pages (`/admin/policy…`): the reset policy with the
//! reference's labels and help text, the security questions, the
//! notification settings, the branding with a live preview and the
//! password rules. Every change form carries the CSRF token, needs a
//! fresh sign-in, re-renders with the message next to the field when the
//! flow refuses it (422, nothing changed), and redirects to a notice on
//! success (the flow wrote the audit row).

mod branding;
mod multipart;
mod notifications;
mod password;
mod questions;
mod reset;

use super::{AdminError, render_status};
use crate::flow::Error as FlowError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

/// Registers the policy pages under `/admin`.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/policy", web::get().to(reset::policy_get))
        .route("/policy", web::post().to(reset::policy_post))
        .route("/policy/questions", web::get().to(questions::questions_get))
        .route("/policy/questions", web::post().to(questions::questions_post))
        .route("/policy/notifications", web::get().to(notifications::notifications_get))
        .route("/policy/notifications", web::post().to(notifications::notifications_post))
        .route("/policy/password", web::get().to(password::password_get))
        .route("/policy/password", web::post().to(password::password_post))
        .route("/policy/branding/preview.css", web::get().to(branding::preview_css_get))
        .service(
            web::resource("/policy/branding")
                // The logo rides in this form: room for the largest logo and the fields.
                .app_data(web::PayloadConfig::new(branding::BODY_LIMIT))
                .route(web::get().to(branding::branding_get))
                .route(web::post().to(branding::branding_post)),
        );
}

/// A refused field, shown next to it.
#[derive(Debug, Clone, Default)]
pub(super) struct Problem {
    key: String,
    message: String,
}

impl Problem {
    /// A problem with one field.
    fn new(key: &str, message: impl Into<String>) -> Self {
        Self { key: key.to_owned(), message: message.into() }
    }

    /// The message for this field, when it is the one refused (templates call it).
    pub(super) fn on(&self, key: &str) -> Option<String> {
        (self.key == key).then(|| capitalised(&self.message))
    }

    /// Whether any field was refused.
    pub(super) fn any(&self) -> bool {
        !self.key.is_empty()
    }

    /// The sentence for the summary at the top of the form.
    pub(super) fn summary(&self) -> String {
        format!("Nothing was saved: {} (see the field marked below).", self.message)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A flow refusal of one setting as a field problem; anything else is an error page.
fn refused(e: FlowError) -> Result<Problem, AdminError> {
    match e {
        FlowError::PolicyInvalid(p) => Ok(Problem::new(&p.key, p.message)),
        other => Err(AdminError::from_flow(other)),
    }
}

/// The form's pairs, in order; repeated names (check boxes) are kept.
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of a field, or empty.
fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Every value of a field (check boxes).
fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

/// The notice after a save, from the redirect's `?done=`.
fn notice(query: &web::Query<Done>) -> Option<&'static str> {
    match query.done.as_deref() {
        Some("saved") => Some("Saved. The change applies from the next request; it is in the audit log."),
        Some("unchanged") => Some("Nothing changed: the values were already in force."),
        _ => None,
    }
}

/// `?done=` after a redirect.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Done {
    done: Option<String>,
}

/// A form shown again with its problem: 422, nothing saved.
fn unprocessable(page: &impl askama::Template) -> HttpResponse {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::query::<Done>(), crate::http::fuzz::query::<branding::PreviewQuery>()]
}

/// The branding form's multipart reader as its handler runs it (boundary,
/// then the fields it reads), for the fuzz targets ([`crate::http::fuzz::multipart`]).
pub(super) fn multipart_parts(content_type: &str, body: &[u8]) -> Result<(), String> {
    let boundary = multipart::boundary(content_type).ok_or("no multipart boundary")?;
    let form = multipart::parse(body, &boundary)?;
    for name in ["csrf", "name", "colour", "action", "remove_logo"] {
        let _ = form.text(name);
    }
    let _ = form.file("logo");
    Ok(())
}
