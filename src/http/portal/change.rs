//! Change a known password: user ID, current and new password, one step.

use super::{client, forged, page, see_other, site};
use crate::flow::Error;
use crate::http::csrf::{self, secure_cookie};
use crate::http::error::{PageError, describe};
use crate::http::middleware::RequestId;
use crate::http::views::{ChangePage, MessagePage, render};
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::Deserialize;

/// Registers the change routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/change", web::get().to(change_get))
        .route("/change", web::post().to(change_post))
        .route("/change/done", web::get().to(done_get));
}

fn change_page<'a>(
    site: &'a Site,
    state: &AppState,
    csrf: &'a str,
    user: &'a str,
    error: Option<&'a str>,
) -> ChangePage<'a> {
    let policy = state.flows.password_rules();
    ChangePage { site, csrf, user, min_length: policy.min_length, max_length: policy.max_length, error }
}

async fn change_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (csrf, cookie) = csrf::token(&req);
    page(StatusCode::OK, &change_page(&site(&state, &req), &state, &csrf, "", None), cookie)
}

#[derive(Deserialize)]
struct ChangeForm {
    csrf: String,
    user: String,
    old_password: String,
    new_password: String,
    confirm: String,
}

async fn change_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let form = form.into_inner();
    if form.new_password != form.confirm {
        let site = site(&state, &req);
        let message = site.t("password-mismatch");
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &change_page(&site, &state, &form.csrf, &form.user, Some(&message)),
        ));
    }
    let (old, new) = (SecretString::from(form.old_password), SecretString::from(form.new_password));
    let who = client(&req, &rid);
    match state.flows.change_password(&form.user, &old, &new, &who).await {
        Ok(()) => match state.flows.registration_due_after_change(&form.user, &new, &who).await {
            // Registration at sign-in: the changed password signs the
            // person in, and they are taken to registration.
            Ok(Some(session)) => {
                let mut res = see_other("/register?saved=changed");
                res.add_cookie(&secure_cookie(super::register::SESSION_COOKIE, session.as_str().to_owned())).ok();
                Ok(res)
            }
            Ok(None) | Err(_) => Ok(see_other("/change/done")),
        },
        Err(e @ (Error::DirectoryUnavailable | Error::Internal(_))) => {
            Err(PageError::from_flow(e, &rid.0, &site(&state, &req)))
        }
        Err(e) => {
            let (status, _, message) = describe(&e);
            let message = site(&state, &req).error_text(&message);
            tracing::info!(request_id = %rid.0, error = %e, "password change refused");
            Ok(render(status, &change_page(&site(&state, &req), &state, &form.csrf, &form.user, Some(&message))))
        }
    }
}

async fn done_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let site = site(&state, &req);
    let (heading, text) = (site.t("change-done-heading"), site.t("change-done-text"));
    render(StatusCode::OK, &MessagePage { site: &site, heading: &heading, text: &text })
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<ChangeForm>()]
}
