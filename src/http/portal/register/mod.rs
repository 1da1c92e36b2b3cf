//! Registration pages (`/register`): sign in with the directory password,
//! then see and change security info. Each handler checks the form's CSRF
//! token, calls one flow method and redirects back to the overview (or
//! renders the page again with the problem).

use super::{client, forged, no_store, page, see_other};
use crate::domain::Enrolment;
use crate::domain::questions::Question;
use crate::flow::Error;
use crate::flow::register::Registration;
use crate::http::csrf::{self, secure_cookie};
use crate::http::error::{PageError, describe};
use crate::http::middleware::RequestId;
use crate::http::views::{
    PasskeyPage, RegisterAuthenticatorPage, RegisterPage, RegisterQuestionsPage, RegisterSignInPage, RegisteredView,
};
use crate::http::{AppState, i18n};
use crate::i18n::{Arg, Msg};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::Deserialize;

/// Cookie that carries the registration session's token.
mod methods;

pub(super) const SESSION_COOKIE: &str = "__Host-passdesk-session";

/// Registers the registration routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::get().to(register_get))
        .route("/register/sign-in", web::post().to(sign_in_post))
        .route("/register/contact", web::post().to(contact_post))
        .route("/register/code", web::post().to(code_post))
        .route("/register/cancel", web::post().to(cancel_post))
        .route("/register/questions", web::get().to(methods::questions_get))
        .route("/register/questions", web::post().to(methods::questions_post))
        .route("/register/authenticator", web::get().to(methods::authenticator_get))
        .route("/register/authenticator", web::post().to(methods::authenticator_post))
        .route("/register/passkey", web::get().to(methods::passkey_get))
        .route("/register/passkey", web::post().to(methods::passkey_post))
        .route("/register/remove", web::post().to(remove_post))
        .route("/register/skip", web::post().to(skip_post))
        .route("/register/reconfirm", web::post().to(reconfirm_post))
        .route("/register/sign-out", web::post().to(sign_out_post));
}

fn session(req: &HttpRequest) -> String {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default()
}

/// The sign-in page, with the session cookie cleared.
fn sign_in(state: &AppState, req: &HttpRequest, status: StatusCode, user: &str, error: Option<&str>) -> HttpResponse {
    let (csrf, cookie) = csrf::token(req);
    let site = i18n::site(state, req);
    let mut res = page(status, &RegisterSignInPage { site: &site, csrf: &csrf, user, error }, cookie);
    if req.cookie(SESSION_COOKIE).is_some() {
        let mut gone = secure_cookie(SESSION_COOKIE, String::new());
        gone.make_removal();
        res.add_cookie(&gone).ok();
    }
    res
}

/// The heading over the code form for what is being verified.
fn verify_heading(kind: Enrolment) -> Msg {
    match kind {
        Enrolment::Mobile => Msg::new("register-verify-mobile"),
        Enrolment::OfficePhone => Msg::new("register-verify-office-phone"),
        _ => Msg::new("register-verify-alt-email"),
    }
}

/// The overview's sentences that count something.
impl RegisterPage<'_> {
    /// The greeting.
    pub(in crate::http) fn hello(&self) -> String {
        self.site.lang.t_args("register-hello", &[("name", Arg::from(self.display_name))])
    }

    /// The interrupt's request: how many methods the organisation asks for.
    pub(in crate::http) fn interrupt_ask(&self) -> String {
        self.site.lang.t_args("register-interrupt-ask", &[("required", Arg::from(self.required))])
    }

    /// The interrupt's second half: how many the person has.
    pub(in crate::http) fn interrupt_have(&self) -> String {
        self.site.lang.t_args("register-interrupt-have", &[("usable", Arg::from(self.usable))])
    }

    /// Required against registered, when there is no interrupt.
    pub(in crate::http) fn requires(&self) -> String {
        let args = [("required", Arg::from(self.required)), ("usable", Arg::from(self.usable))];
        self.site.lang.t_args("register-requires", &args)
    }
}

/// The questions page's sentences that count or translate.
fn overview(
    state: &AppState,
    req: &HttpRequest,
    view: &Registration,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> HttpResponse {
    let (csrf, cookie) = csrf::token(req);
    let site = i18n::site(state, req);
    let items = view
        .items
        .iter()
        .map(|i| RegisteredView {
            kind: i.kind.id(),
            label: site.msg(&i.kind.label_msg()),
            hint: i.hint_msg().map_or_else(|| i.hint.clone(), |m| site.msg(&m)),
            origin: site.msg(&i.origin_msg()),
            removable: i.removable,
        })
        .collect();
    let offers = |k: Enrolment| view.can_register.contains(&k);
    let tpl = RegisterPage {
        site: &site,
        csrf: &csrf,
        display_name: &view.display_name,
        items,
        required: view.required,
        usable: view.usable,
        interrupt: view.interrupt,
        stale: view.stale,
        offer_alt_email: offers(Enrolment::AltEmail),
        offer_mobile: offers(Enrolment::Mobile),
        offer_office: offers(Enrolment::OfficePhone),
        offer_questions: offers(Enrolment::Questions),
        offer_authenticator: offers(Enrolment::Authenticator),
        offer_passkey: offers(Enrolment::Passkey),
        pending: view
            .pending
            .as_ref()
            .filter(|p| matches!(p.kind, Enrolment::AltEmail | Enrolment::Mobile | Enrolment::OfficePhone))
            .map(|p| {
                (site.msg(&verify_heading(p.kind)), site.msg(&Msg::new("register-code-sent").arg("hint", &p.hint)))
            }),
        notice,
        error,
    };
    page(status, &tpl, cookie)
}

#[derive(Deserialize)]
struct Notice {
    #[serde(default)]
    saved: Option<String>,
}

async fn register_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    query: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let site = i18n::site(&state, &req);
    match state.flows.registration(&session(&req)).await {
        Ok(view) => {
            let notice = query.saved.as_deref().map(|saved| match saved {
                "removed" => site.t("register-removed"),
                "confirmed" => site.t("register-confirmed"),
                "changed" => site.t("register-password-changed"),
                _ => site.t("register-saved"),
            });
            Ok(overview(&state, &req, &view, StatusCode::OK, notice.as_deref(), None))
        }
        Err(Error::SignInNeeded) => Ok(sign_in(&state, &req, StatusCode::OK, "", None)),
        Err(e) => Err(PageError::from_flow(e, &rid.0, &site)),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    csrf: String,
    user: String,
    password: String,
}

async fn sign_in_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let form = form.into_inner();
    let password = SecretString::from(form.password);
    match state.flows.register_sign_in(&form.user, &password, &client(&req, &rid)).await {
        Ok(signed) => {
            let mut res = see_other("/register");
            res.add_cookie(&secure_cookie(SESSION_COOKIE, signed.token.as_str().to_owned())).ok();
            Ok(res)
        }
        Err(e @ (Error::DirectoryUnavailable | Error::Internal(_))) => {
            Err(PageError::from_flow(e, &rid.0, &i18n::site(&state, &req)))
        }
        Err(e) => {
            let (status, _, message) = describe(&e);
            let message = i18n::site(&state, &req).error_text(&message);
            Ok(sign_in(&state, &req, status, &form.user, Some(&message)))
        }
    }
}

/// After a registration step: back to the overview, or the overview with
/// the problem, or the sign-in page when the session has ended.
async fn answer(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    outcome: Result<(), Error>,
    done: &str,
) -> Result<HttpResponse, PageError> {
    let e = match outcome {
        Ok(()) => return Ok(see_other(done)),
        Err(Error::SignInNeeded) => return Ok(see_other("/register")),
        Err(e @ (Error::DirectoryUnavailable | Error::Internal(_))) => {
            return Err(PageError::from_flow(e, &rid.0, &i18n::site(state, req)));
        }
        Err(e) => e,
    };
    let (status, _, message) = describe(&e);
    let message = i18n::site(state, req).error_text(&message);
    tracing::info!(request_id = %rid.0, error = %e, "registration step refused");
    match state.flows.registration(&session(req)).await {
        Ok(view) => Ok(overview(state, req, &view, status, None, Some(&message))),
        Err(Error::SignInNeeded) => Ok(see_other("/register")),
        Err(e) => Err(PageError::from_flow(e, &rid.0, &i18n::site(state, req))),
    }
}

#[derive(Deserialize)]
struct ContactForm {
    csrf: String,
    kind: String,
    value: String,
}

fn contact_kind(id: &str) -> Result<Enrolment, Error> {
    match Enrolment::from_id(id) {
        Some(k @ (Enrolment::AltEmail | Enrolment::Mobile | Enrolment::OfficePhone)) => Ok(k),
        _ => Err(Error::InvalidInput { field: "kind", message: Msg::new("input-contact-kind") }),
    }
}

async fn contact_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = match contact_kind(&form.kind) {
        Ok(kind) => state.flows.register_contact(&session(&req), kind, &form.value, &client(&req, &rid)).await,
        Err(e) => Err(e),
    };
    answer(&state, &req, &rid, outcome, "/register#code").await
}

#[derive(Deserialize)]
struct CodeForm {
    csrf: String,
    code: String,
}

async fn code_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = state.flows.register_confirm_code(&session(&req), &form.code, &client(&req, &rid)).await;
    answer(&state, &req, &rid, outcome, "/register?saved=contact").await
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn cancel_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = state.flows.register_cancel(&session(&req)).await;
    answer(&state, &req, &rid, outcome, "/register").await
}

#[derive(Deserialize)]
struct RemoveForm {
    csrf: String,
    kind: String,
}

async fn remove_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<RemoveForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = match Enrolment::from_id(&form.kind) {
        Some(kind) => state.flows.register_remove(&session(&req), kind, &client(&req, &rid)).await,
        None => Err(Error::InvalidInput { field: "kind", message: Msg::new("input-kind-unknown") }),
    };
    answer(&state, &req, &rid, outcome, "/register?saved=removed").await
}

async fn skip_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = state.flows.register_skip(&session(&req), &client(&req, &rid)).await;
    answer(&state, &req, &rid, outcome, "/register").await
}

async fn reconfirm_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let outcome = state.flows.register_reconfirm(&session(&req), &client(&req, &rid)).await;
    answer(&state, &req, &rid, outcome, "/register?saved=confirmed").await
}

async fn sign_out_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    state
        .flows
        .register_sign_out(&session(&req))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &i18n::site(&state, &req)))?;
    let mut res = see_other("/");
    let mut gone = secure_cookie(SESSION_COOKIE, String::new());
    gone.make_removal();
    res.add_cookie(&gone).ok();
    Ok(res)
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::form::<SignInForm>(),
        crate::http::fuzz::form::<ContactForm>(),
        crate::http::fuzz::form::<CodeForm>(),
        crate::http::fuzz::form::<CsrfForm>(),
        crate::http::fuzz::form::<RemoveForm>(),
        crate::http::fuzz::query::<Notice>(),
    ]
    .into_iter()
    .chain(methods::bodies())
    .collect()
}
