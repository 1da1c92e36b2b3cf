//! Unlock without a new password: identify, pass the same proofs as a
//! reset (the verify page is shared), then confirm.

use super::reset::{IdentifyForm, start};
use super::{FLOW_COOKIE, client, flow_token, forged, identify_page, page, see_other, site};
use crate::flow::FlowKind;
use crate::http::AppState;
use crate::http::csrf::{self, secure_cookie};
use crate::http::error::PageError;
use crate::http::middleware::RequestId;
use crate::http::views::{MessagePage, UnlockConfirmPage, render};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

/// Registers the unlock routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/unlock", web::get().to(unlock_get))
        .route("/unlock", web::post().to(unlock_post))
        .route("/unlock/confirm", web::get().to(confirm_get))
        .route("/unlock/confirm", web::post().to(confirm_post))
        .route("/unlock/done", web::get().to(done_get));
}

async fn unlock_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (csrf, cookie) = csrf::token(&req);
    page(StatusCode::OK, &identify_page(&site(&state, &req), &state, &req, FlowKind::Unlock, &csrf, "", None), cookie)
}

async fn unlock_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<IdentifyForm>,
) -> Result<HttpResponse, PageError> {
    start(&state, &req, &rid, &form, FlowKind::Unlock).await
}

async fn confirm_get(state: web::Data<AppState>, req: HttpRequest, rid: RequestId) -> Result<HttpResponse, PageError> {
    let view = state
        .flows
        .reset_view(&flow_token(&req))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &site(&state, &req)))?;
    if !view.ready_for_password {
        return Ok(see_other("/reset/verify"));
    }
    let (csrf, cookie) = csrf::token(&req);
    Ok(page(StatusCode::OK, &UnlockConfirmPage { site: &site(&state, &req), csrf: &csrf }, cookie))
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: String,
}

async fn confirm_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    state
        .flows
        .unlock(&flow_token(&req), &client(&req, &rid))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &site(&state, &req)))?;
    let mut res = see_other("/unlock/done");
    let mut gone = secure_cookie(FLOW_COOKIE, String::new());
    gone.make_removal();
    res.add_cookie(&gone).ok();
    Ok(res)
}

async fn done_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let site = site(&state, &req);
    let (heading, text) = (site.t("unlock-done-heading"), site.t("unlock-done-text"));
    render(StatusCode::OK, &MessagePage { site: &site, heading: &heading, text: &text })
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<ConfirmForm>()]
}
