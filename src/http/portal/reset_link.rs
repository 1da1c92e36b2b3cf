//! `/reset/link/{token}`: the one-time link an administrator sent. The GET
//! only asks (mail scanners fetch links, and must not spend them); the
//! button's POST opens the reset with the link's proof passed.

use super::{FLOW_COOKIE, client, forged, no_store, page, see_other};
use crate::http::csrf::{self, secure_cookie};
use crate::http::error::PageError;
use crate::http::middleware::RequestId;
use crate::http::views::ResetLinkPage;
use crate::http::{AppState, i18n};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// Registers the link routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/reset/link/{token}", web::get().to(link_get)).route("/reset/link/{token}", web::post().to(link_post));
}

async fn link_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let site = i18n::site(&state, &req);
    let live = state.flows.reset_link_live(&token).await.map_err(|e| PageError::from_flow(e, &rid.0, &site))?;
    if !live {
        return Err(PageError::from_flow(crate::flow::Error::LinkNotFound, &rid.0, &site));
    }
    let (csrf, cookie) = csrf::token(&req);
    let action = format!("/reset/link/{token}");
    Ok(no_store(page(StatusCode::OK, &ResetLinkPage { site: &site, csrf: &csrf, action: &action }, cookie)))
}

#[derive(Deserialize)]
struct LinkForm {
    csrf: String,
}

async fn link_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    token: web::Path<String>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let started = state
        .flows
        .open_reset_link(&token, &client(&req, &rid))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &i18n::site(&state, &req)))?;
    let mut res = see_other("/reset/verify");
    res.add_cookie(&secure_cookie(FLOW_COOKIE, started.token.as_str().to_owned())).ok();
    Ok(res)
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<LinkForm>()]
}
