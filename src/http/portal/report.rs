//! `/report/{token}`: the "this wasn't me" link of every notice. Opening
//! the link only shows a page (mail scanners follow links); the person's
//! confirmation is a POST with the CSRF token.

use super::{client, forged, page};
use crate::http::csrf;
use crate::http::error::PageError;
use crate::http::middleware::RequestId;
use crate::http::views::{MessagePage, ReportPage, render};
use crate::http::{AppState, Site, i18n};
use crate::i18n::{Arg, Msg};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// Registers the report routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/report/{token}", web::get().to(report_get)).route("/report/{token}", web::post().to(report_post));
}

async fn report_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let site = i18n::site(&state, &req);
    let view = state.flows.report_view(&token).await.map_err(|e| PageError::from_flow(e, &rid.0, &site))?;
    if view.already {
        return Ok(already(&site));
    }
    let (csrf, cookie) = csrf::token(&req);
    let action = format!("/report/{}", token.as_str());
    let html = ReportPage { site: &site, csrf: &csrf, action: &action, what: &view.what, when: &view.when };
    Ok(page(StatusCode::OK, &html, cookie))
}

#[derive(Deserialize)]
struct ReportForm {
    csrf: String,
}

async fn report_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    token: web::Path<String>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let site = i18n::site(&state, &req);
    state.flows.report_not_me(&token, &client(&req, &rid)).await.map_err(|e| PageError::from_flow(e, &rid.0, &site))?;
    Ok(already(&site))
}

fn already(site: &Site) -> HttpResponse {
    let (heading, text) = (site.t("report-done-heading"), site.t("report-done-text"));
    render(StatusCode::OK, &MessagePage { site, heading: &heading, text: &text })
}

impl ReportPage<'_> {
    /// What the notice was about, and when.
    pub(in crate::http) fn told(&self) -> String {
        let args = [("what", Arg::from(self.what)), ("when", Arg::from(when_msg(self.when)))];
        self.site.lang.t_args("report-told", &args)
    }
}

/// An RFC 3339 time (`2027-01-15T10:30:00Z`) to the minute, written the
/// way the page's language writes dates.
fn when_msg(rfc3339: &str) -> Msg {
    let part = |from: usize, to: usize| rfc3339.get(from..to).unwrap_or_default().to_owned();
    Msg::new("report-when")
        .arg("year", part(0, 4))
        .arg("month", part(5, 7))
        .arg("day", part(8, 10))
        .arg("time", part(11, 16))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<ReportForm>()]
}
