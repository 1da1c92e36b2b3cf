//! The HTML portal: reset, unlock and change. Each handler checks the
//! form's CSRF token, calls one flow method and renders one page.

mod change;
mod register;
mod report;
mod reset;
mod reset_link;
mod unlock;

use super::error::PageError;
use super::middleware::RequestId;
use super::views::{IdentifyPage, render};
use super::{AppState, Site};
use crate::flow::{Client, FlowKind};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

pub use reset::index_get;

/// Cookie that carries the reset or unlock flow's token.
const FLOW_COOKIE: &str = "__Host-passdesk-reset";

/// Registers the portal's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(reset::configure)
        .configure(unlock::configure)
        .configure(change::configure)
        .configure(register::configure)
        .configure(reset_link::configure)
        .configure(report::configure);
}

/// The identify page for a reset or an unlock.
/// The identify form with a fresh proof-of-work challenge for `req`'s address.
fn identify_page<'a>(
    site: &'a Site,
    state: &AppState,
    req: &HttpRequest,
    kind: FlowKind,
    csrf: &'a str,
    user: &'a str,
    error: Option<&'a str>,
) -> IdentifyPage<'a> {
    let who = Client { ip: req.peer_addr().map(|a| a.ip().to_string()), request_id: None, lang: None };
    let captcha = state.flows.captcha(&who).map(|c| (c.text, c.difficulty));
    let (action, heading, intro) = match kind {
        FlowKind::Reset => ("/reset", site.t("identify-reset-heading"), site.t("identify-reset-intro")),
        FlowKind::Unlock => ("/unlock", site.t("identify-unlock-heading"), site.t("identify-unlock-intro")),
    };
    IdentifyPage { site, csrf, user, error, action, heading, intro, captcha }
}

/// The site in the language this request asked for.
pub(super) fn site(state: &AppState, req: &HttpRequest) -> Site {
    super::i18n::site(state, req)
}

pub(super) fn client(req: &HttpRequest, rid: &RequestId) -> Client {
    Client {
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        request_id: Some(rid.0.clone()),
        lang: Some(super::i18n::lang(req)),
    }
}

pub(super) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// Renders `page` with the CSRF cookie when the browser had none.
pub(super) fn page<T: askama::Template>(status: StatusCode, tpl: &T, cookie: Option<Cookie<'static>>) -> HttpResponse {
    let mut res = render(status, tpl);
    if let Some(c) = cookie {
        res.add_cookie(&c).ok();
    }
    res
}

/// Marks a page that shows a secret (a QR code, a WebAuthn challenge) as
/// never to be stored by the browser or a proxy.
pub(super) fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res
}

pub(super) fn flow_token(req: &HttpRequest) -> String {
    req.cookie(FLOW_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default()
}

/// A form that failed its CSRF check; `why` is the catalogue key of the
/// reason `csrf::check` gave.
pub(super) fn forged(state: &AppState, req: &HttpRequest, rid: &RequestId, why: &'static str) -> PageError {
    let site = site(state, req);
    PageError::new(StatusCode::FORBIDDEN, site.t(why), &rid.0, &site)
}

/// The request bodies of this module's handlers, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<super::fuzz::Decoder> {
    [change::bodies(), register::bodies(), report::bodies(), reset::bodies(), reset_link::bodies(), unlock::bodies()]
        .concat()
}
