//! Reset (and the shared identify/verify steps of unlock): user ID, code,
//! new password. The flow token travels in a `__Host-` cookie and never
//! appears in a URL.

use super::{FLOW_COOKIE, client, flow_token, forged, identify_page, page, see_other, site};
use crate::flow::reset::Proof;
use crate::flow::{Error, FlowKind};
use crate::http::AppState;
use crate::http::csrf::{self, secure_cookie};
use crate::http::error::{PageError, describe};
use crate::http::middleware::RequestId;
use crate::http::views::{DonePage, IndexPage, MethodView, PasskeyPage, PasswordPage, VerifyPage, render};
use crate::i18n::Msg;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Registers the reset routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/reset", web::get().to(reset_get))
        .route("/reset", web::post().to(reset_post))
        .route("/reset/verify", web::get().to(verify_get))
        .route("/reset/send", web::post().to(send_post))
        .route("/reset/verify", web::post().to(verify_post))
        .route("/reset/password", web::get().to(password_get))
        .route("/reset/password", web::post().to(password_post))
        .route("/reset/password/check", web::post().to(password_check_post))
        .route("/reset/done", web::get().to(done_get));
}

/// `GET /`
pub async fn index_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    render(StatusCode::OK, &IndexPage { site: &site(&state, &req) })
}

async fn reset_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (csrf, cookie) = csrf::token(&req);
    page(StatusCode::OK, &identify_page(&site(&state, &req), &state, &req, FlowKind::Reset, &csrf, "", None), cookie)
}

/// The identify form, shared by reset and unlock.
#[derive(Deserialize)]
pub(super) struct IdentifyForm {
    csrf: String,
    user: String,
    /// Filled by the page's script once it solved the challenge.
    #[serde(default)]
    captcha_challenge: String,
    #[serde(default)]
    captcha_solution: String,
}

/// Starts a reset or unlock flow from the identify form.
pub(super) async fn start(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    form: &IdentifyForm,
    kind: FlowKind,
) -> Result<HttpResponse, PageError> {
    csrf::check(req, &state.site, &form.csrf).map_err(|why| forged(state, req, rid, why))?;
    let captcha = Some((form.captcha_challenge.as_str(), form.captcha_solution.as_str()));
    match state.flows.reset_start(&form.user, captcha, kind, &client(req, rid)).await {
        Ok(started) => {
            let mut res = see_other("/reset/verify");
            res.add_cookie(&secure_cookie(FLOW_COOKIE, started.token.as_str().to_owned())).ok();
            Ok(res)
        }
        Err(e @ (Error::InvalidInput { .. } | Error::Captcha(_) | Error::CaptchaUsed)) => {
            let (status, _, message) = describe(&e);
            let site = site(state, req);
            let message = site.error_text(&message);
            Ok(render(status, &identify_page(&site, state, req, kind, &form.csrf, &form.user, Some(&message))))
        }
        Err(e) => Err(PageError::from_flow(e, &rid.0, &site(state, req))),
    }
}

async fn reset_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<IdentifyForm>,
) -> Result<HttpResponse, PageError> {
    start(&state, &req, &rid, &form, FlowKind::Reset).await
}

/// Where a flow goes once its proofs are complete.
fn after_proofs(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Reset => "/reset/password",
        FlowKind::Unlock => "/unlock/confirm",
    }
}

#[derive(Deserialize)]
struct VerifyQuery {
    sent: Option<String>,
}

async fn verify_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = query.sent.as_deref().map(|sent| {
        site(&state, &req).t(match sent {
            "mobile_sms" => "verify-sent-sms",
            "mobile_voice" | "office_voice" => "verify-sent-voice",
            _ => "verify-sent-email",
        })
    });
    verify_page(&state, &req, &rid, StatusCode::OK, notice.as_deref(), None).await
}

async fn verify_page(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let view = state
        .flows
        .reset_view(&flow_token(req))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &site(state, req)))?;
    if view.ready_for_password {
        return Ok(see_other(after_proofs(view.kind)));
    }
    let (csrf, cookie) = csrf::token(req);
    let html = VerifyPage {
        site: &site(state, req),
        csrf: &csrf,
        methods: MethodView::list(&site(state, req), &view.methods, &view.proven, &view.questions),
        required: view.required,
        passed: view.proven.len(),
        notice,
        error,
    };
    Ok(page(status, &html, cookie))
}

#[derive(Deserialize)]
struct SendForm {
    csrf: String,
    method: String,
    #[serde(default)]
    confirm: Option<String>,
}

async fn send_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<SendForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let (token, who) = (flow_token(&req), client(&req, &rid));
    match state.flows.reset_send(&token, &form.method, form.confirm.as_deref(), &who).await {
        Ok(sent) if !sent.questions.is_empty() => Ok(see_other("/reset/verify")),
        Ok(sent) if sent.passkey.is_some() => {
            let (csrf, cookie) = csrf::token(&req);
            let site = site(&state, &req);
            let tpl = PasskeyPage {
                site: &site,
                csrf: &csrf,
                ceremony: "get",
                options: sent.passkey.map(|o| o.to_string()).unwrap_or_default(),
                action: "/reset/verify",
                heading: &site.t("passkey-reset-heading"),
                intro: &site.t("passkey-reset-intro"),
                button: &site.t("passkey-reset-button"),
                back: "/reset/verify",
                error: None,
            };
            Ok(page(StatusCode::OK, &tpl, cookie))
        }
        Ok(_) => Ok(see_other(&format!(
            "/reset/verify?sent={}",
            form.method.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "")
        ))),
        Err(e) => recoverable(&state, &req, &rid, e).await,
    }
}

/// Shows errors the person can fix (wrong code, too soon) on the verify
/// page itself; anything else becomes an error page.
async fn recoverable(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    e: Error,
) -> Result<HttpResponse, PageError> {
    match e {
        Error::TooSoon { .. }
        | Error::CodeWrong { .. }
        | Error::CodeExpired
        | Error::CodeUsedUp
        | Error::NoCodeSent
        | Error::NumberMismatch
        | Error::PhoneBudgetSpent
        | Error::DeliveryUnavailable(_)
        | Error::AnswersWrong
        | Error::AuthenticatorWrong
        | Error::PasskeyRefused(_)
        | Error::WrongStep(_)
        | Error::InvalidInput { .. }
        | Error::UnknownMethod => {
            let (status, _, message) = describe(&e);
            let message = site(state, req).error_text(&message);
            tracing::info!(request_id = %rid.0, error = %e, "request refused");
            verify_page(state, req, rid, status, None, Some(&message)).await
        }
        other => Err(PageError::from_flow(other, &rid.0, &site(state, req))),
    }
}

/// The verify form: `csrf`, `method`, and either `code` or one
/// `answer-<question id>` field per question shown.
async fn verify_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let csrf_value = field("csrf").unwrap_or_default();
    csrf::check(&req, &state.site, &csrf_value).map_err(|why| forged(&state, &req, &rid, why))?;
    let method = field("method").unwrap_or_default();
    let answers: BTreeMap<String, String> =
        form.iter().filter_map(|(k, v)| k.strip_prefix("answer-").map(|id| (id.to_owned(), v.clone()))).collect();
    let proof = match (field("code"), field("credential")) {
        (Some(code), _) => Proof::Code(code),
        (None, Some(credential)) => match serde_json::from_str(&credential) {
            Ok(answer) => Proof::Passkey(answer),
            Err(e) => {
                let message = Msg::new("input-passkey-unreadable");
                tracing::info!(request_id = %rid.0, error = %e, "unreadable passkey answer");
                let e = Error::InvalidInput { field: "credential", message };
                return recoverable(&state, &req, &rid, e).await;
            }
        },
        (None, None) => Proof::Answers(answers),
    };
    match state.flows.reset_verify(&flow_token(&req), &method, proof, &client(&req, &rid)).await {
        Ok(v) if v.complete => {
            let kind = state.flows.reset_view(&flow_token(&req)).await.map(|v| v.kind).unwrap_or(FlowKind::Reset);
            Ok(see_other(after_proofs(kind)))
        }
        Ok(_) => Ok(see_other("/reset/verify")),
        Err(e) => recoverable(&state, &req, &rid, e).await,
    }
}

async fn password_get(state: web::Data<AppState>, req: HttpRequest, rid: RequestId) -> Result<HttpResponse, PageError> {
    password_page(&state, &req, &rid, StatusCode::OK, None).await
}

async fn password_page(
    state: &AppState,
    req: &HttpRequest,
    rid: &RequestId,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let view = state
        .flows
        .reset_view(&flow_token(req))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &site(state, req)))?;
    if !view.ready_for_password || view.kind != FlowKind::Reset {
        return Ok(see_other("/reset/verify"));
    }
    let policy = state
        .flows
        .reset_policy(&flow_token(req))
        .await
        .map_err(|e| PageError::from_flow(e, &rid.0, &site(state, req)))?;
    let (csrf, cookie) = csrf::token(req);
    let html = PasswordPage {
        site: &site(state, req),
        csrf: &csrf,
        min_length: policy.rules.min_length,
        max_length: policy.rules.max_length,
        rules: policy.sentences().iter().map(|m| site(state, req).msg(m)).collect(),
        source: &policy.source,
        too_young_until: policy.too_young_until.map(crate::clock::rfc3339),
        error,
    };
    Ok(page(status, &html, cookie))
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    new_password: String,
    confirm: String,
}

async fn password_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    csrf::check(&req, &state.site, &form.csrf).map_err(|why| forged(&state, &req, &rid, why))?;
    let form = form.into_inner();
    if form.new_password != form.confirm {
        let mismatch = site(&state, &req).t("password-mismatch");
        return password_page(&state, &req, &rid, StatusCode::BAD_REQUEST, Some(&mismatch)).await;
    }
    let new = SecretString::from(form.new_password);
    match state.flows.reset_password(&flow_token(&req), &new, &client(&req, &rid)).await {
        Ok(()) => {
            let mut res = see_other("/reset/done");
            let mut gone = secure_cookie(FLOW_COOKIE, String::new());
            gone.make_removal();
            res.add_cookie(&gone).ok();
            Ok(res)
        }
        Err(e @ (Error::PasswordRejected(_) | Error::DirectoryPolicy(_))) => {
            let (status, _, message) = describe(&e);
            let message = site(&state, &req).error_text(&message);
            password_page(&state, &req, &rid, status, Some(&message)).await
        }
        Err(e) => Err(PageError::from_flow(e, &rid.0, &site(&state, &req))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    csrf: String,
    password: String,
}

/// `POST /reset/password/check`: the strength meter's question, answered
/// for the flow in the cookie (JSON in, JSON out; same flow code as the API).
async fn password_check_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: crate::http::body::Body<CheckBody>,
) -> Result<HttpResponse, crate::http::error::ApiError> {
    use crate::http::error::ApiError;
    if csrf::check(&req, &state.site, &body.csrf).is_err() {
        let e = Error::InvalidInput { field: "csrf", message: Msg::new("input-csrf-password") };
        return Err(ApiError::from_flow(e, &rid.0));
    }
    let report = state
        .flows
        .password_check(&flow_token(&req), &body.password)
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(crate::http::api::password_report_json(&report, crate::http::i18n::lang(&req)))
}

async fn done_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    render(StatusCode::OK, &DonePage { site: &site(&state, &req) })
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::form::<IdentifyForm>(),
        crate::http::fuzz::form::<SendForm>(),
        crate::http::fuzz::form::<PasswordForm>(),
        crate::http::fuzz::json::<CheckBody>(),
        crate::http::fuzz::query::<VerifyQuery>(),
    ]
}
