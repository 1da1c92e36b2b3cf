//! Errors as people and programs see them. The status comes from the flow
//! error's variant; the body is a fixed, user-safe sentence with the request
//! id; the cause is logged once with that id and never put in the body.

use super::middleware::request_id;
use super::views::ErrorPage;
use super::{AppState, Site};
use crate::flow::Error;
use crate::flow::PolicyReason;
use actix_web::error::{JsonPayloadError, PathError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// Status, stable code and sentence for a flow error.
pub fn describe(e: &Error) -> (StatusCode, &'static str, String) {
    match e {
        Error::InvalidInput { .. } => (StatusCode::BAD_REQUEST, "invalid_input", e.to_string()),
        Error::FlowNotFound => (StatusCode::NOT_FOUND, "flow_not_found", "This reset session does not exist or has ended. Start again.".into()),
        Error::FlowExpired => (StatusCode::GONE, "flow_expired", "This reset session has expired. Start again.".into()),
        Error::WrongStep(why) => (StatusCode::CONFLICT, "wrong_step", format!("This step is not possible now: {why}.")),
        Error::UnknownMethod => (StatusCode::BAD_REQUEST, "unknown_method", "method: choose one of the methods offered for this session.".into()),
        Error::TooSoon { retry_after } => (StatusCode::TOO_MANY_REQUESTS, "too_soon", format!("A code was sent moments ago. Wait {retry_after} seconds before asking for another.")),
        Error::NoCodeSent => (StatusCode::CONFLICT, "no_code_sent", "No code has been sent for this method yet: ask for one first.".into()),
        Error::CodeExpired => (StatusCode::BAD_REQUEST, "code_expired", "This code has expired. Ask for a new code.".into()),
        Error::CodeWrong { remaining } => (StatusCode::BAD_REQUEST, "code_wrong", format!("The code is not correct. {remaining} tries left for this code.")),
        Error::Captcha(c) => (StatusCode::BAD_REQUEST, "captcha_invalid", format!("captcha: {c}.")),
        Error::CaptchaUsed => (StatusCode::BAD_REQUEST, "captcha_used", "captcha: this anti-robot check was already used. Reload the page, or get a new challenge from GET /api/v1/captcha.".into()),
        Error::PhoneBudgetSpent => (StatusCode::TOO_MANY_REQUESTS, "phone_budget_spent", "Text messages and calls are paused for now because many were sent today. Choose another method, or try again later.".into()),
        Error::ReportNotFound => (StatusCode::NOT_FOUND, "report_not_found", "This link does not exist or has expired (links work for 7 days). Contact your helpdesk directly.".into()),
        Error::NumberMismatch => (StatusCode::BAD_REQUEST, "number_mismatch", "That is not the number on file. Type your full phone number, the one the hint ends with, including its country code.".into()),
        Error::AnswersWrong => (StatusCode::BAD_REQUEST, "answers_wrong", "The answers are not correct. New questions are shown: answer those.".into()),
        Error::AuthenticatorWrong => (StatusCode::BAD_REQUEST, "authenticator_wrong", "The authenticator code is not correct or was already used. Wait for the next code and type it.".into()),
        Error::CodeUsedUp => (StatusCode::TOO_MANY_REQUESTS, "code_used_up", "This code can no longer be used. Ask for a new code.".into()),
        Error::WrongCredentials => (StatusCode::UNAUTHORIZED, "wrong_credentials", "The user ID or the current password is not correct.".into()),
        Error::AccountLocked => (StatusCode::FORBIDDEN, "account_locked", "Your account is locked after too many wrong passwords. Unlock it with a code (Unlock my account), or wait and try again.".into()),
        Error::PasswordRejected(p) => (StatusCode::UNPROCESSABLE_ENTITY, "password_rejected", format!("Choose another password: {p}.")),
        Error::DirectoryPolicy(reason) => (StatusCode::UNPROCESSABLE_ENTITY, "directory_policy", policy_sentence(reason).into()),
        Error::AccountNotEligible(_) => (StatusCode::FORBIDDEN, "contact_helpdesk", "Your account cannot be reset here. Contact your helpdesk.".into()),
        Error::PartialWriteback { written, failed, .. } => (StatusCode::SERVICE_UNAVAILABLE, "partial_writeback", format!("Your new password is now active in {} but could not be written to {failed} yet. Try again in a few minutes with the same new password to finish; until then, use the new password for {} and your old one for {failed}.", written.join(", "), written.join(", "))),
        Error::Blocked { until } => (StatusCode::TOO_MANY_REQUESTS, "blocked", format!("Self-service password reset is blocked for this account until {} (UTC) after too many failed attempts or messages. Contact your helpdesk if you need help sooner.", crate::clock::rfc3339(*until))),
        Error::PolicyInvalid(p) => (StatusCode::BAD_REQUEST, "invalid_policy", p.to_string()),
        Error::UnlockDisabled => (StatusCode::FORBIDDEN, "unlock_disabled", "Unlocking without a new password is turned off here: reset your password instead.".into()),
        Error::UserNotFound(login) => (StatusCode::NOT_FOUND, "user_not_found", format!("No directory has a user {login:?} in the scope passdesk may reset.")),
        Error::ImportRejected(rows) => (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected", format!("{} row(s) cannot be imported; nothing was imported.", rows.len())),
        Error::PasskeyRefused(why) => (StatusCode::BAD_REQUEST, "passkey_refused", format!("The passkey was not accepted: {why}. Try again, or choose another method.")),
        Error::LinkNotFound => (StatusCode::GONE, "link_not_found", "This link does not work any more: it was already used, or it is more than 24 hours old. Ask your administrator or helpdesk for a new one, or reset your password from the start page.".into()),
        Error::SignInNeeded => (StatusCode::UNAUTHORIZED, "sign_in_needed", "Your session has ended (signed out, or idle too long). Sign in again.".into()),
        Error::MethodNeeded { required, left } => (StatusCode::CONFLICT, "method_needed", format!("This cannot be removed: your organisation requires {required} method(s) and you would have {left} left. Add another method first, then remove this one.")),
        Error::DirectoryUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable", "The directory cannot be reached right now. Nothing has changed: try again in a few minutes.".into()),
        Error::DeliveryUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "delivery_unavailable", "We couldn't send the code. Try another method, or try again in a few minutes.".into()),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side. Nothing has changed: try again, or contact your helpdesk with the request id.".into()),
    }
}

fn policy_sentence(reason: &PolicyReason) -> &'static str {
    match reason {
        PolicyReason::TooShort => "The directory requires a longer password. Choose a longer one.",
        PolicyReason::NotComplex => {
            "The directory requires a more complex password: mix upper and lower case letters, digits and symbols."
        }
        PolicyReason::InHistory => "You have used this password before. Choose one you have not used.",
        PolicyReason::TooYoung => {
            "Your password was changed too recently to change it again. Try again later or contact your helpdesk."
        }
        PolicyReason::Other(_) => "The directory refused this password. Choose another one.",
    }
}

fn log_cause(e: &Error, request_id: &str, status: StatusCode) {
    if status.is_server_error() {
        tracing::error!(request_id, error = %e, "request failed");
    } else {
        tracing::info!(request_id, error = %e, "request refused");
    }
}

/// A JSON API error: `{error:{code,message,request_id}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    request_id: String,
    retry_after: Option<i64>,
}

impl ApiError {
    /// From a flow error, logging its cause.
    pub fn from_flow(e: Error, request_id: &str) -> Self {
        let (status, code, message) = describe(&e);
        log_cause(&e, request_id, status);
        let retry_after = match e {
            Error::TooSoon { retry_after } => Some(retry_after),
            _ => None,
        };
        Self { status, code, message, request_id: request_id.to_owned(), retry_after }
    }

    /// A plain request error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, request_id: &str) -> Self {
        Self { status, code, message: message.into(), request_id: request_id.to_owned(), retry_after: None }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::json!({
            "error": { "code": self.code, "message": self.message, "request_id": self.request_id }
        });
        let mut res = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.json(body)
    }
}

/// An HTML error page with the helpdesk link and the request id.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    message: String,
    request_id: String,
    site: Site,
    retry: Option<&'static str>,
}

impl PageError {
    /// From a flow error, logging its cause.
    pub fn from_flow(e: Error, request_id: &str, site: &Site) -> Self {
        let (status, _, message) = describe(&e);
        log_cause(&e, request_id, status);
        let retry = matches!(e, Error::FlowNotFound | Error::FlowExpired).then_some("/reset");
        Self { status, message, request_id: request_id.to_owned(), site: site.clone(), retry }
    }

    /// A plain request error.
    pub fn new(status: StatusCode, message: impl Into<String>, request_id: &str, site: &Site) -> Self {
        Self { status, message: message.into(), request_id: request_id.to_owned(), site: site.clone(), retry: None }
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let page = ErrorPage {
            site: &self.site,
            status: self.status.as_u16(),
            message: &self.message,
            request_id: &self.request_id,
            retry: self.retry,
        };
        super::views::render(self.status, &page)
    }
}

fn site_of(req: &HttpRequest) -> Site {
    req.app_data::<web::Data<AppState>>().map(|s| s.site.clone()).unwrap_or_else(|| Site {
        name: "passdesk".into(),
        helpdesk: None,
        policy_helpdesk: Default::default(),
        origin: None,
    })
}

/// Malformed or oversize form bodies.
pub fn form_error(err: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let rid = request_id(req).0;
    let (status, message) = match &err {
        UrlencodedError::Overflow { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.".to_owned()),
        UrlencodedError::ContentType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the form as application/x-www-form-urlencoded.".to_owned())
        }
        other => {
            (StatusCode::BAD_REQUEST, format!("The form could not be read: {other}. Reload the page and try again."))
        }
    };
    PageError::new(status, message, &rid, &site_of(req)).into()
}

/// Malformed or oversize JSON bodies.
pub fn json_error(err: JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    let rid = request_id(req).0;
    let e = match &err {
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("The body is larger than {limit} bytes."),
            &rid,
        ),
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
            &rid,
        ),
        JsonPayloadError::Deserialize(de) => {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_json", format!("The JSON body is not valid: {de}."), &rid)
        }
        other => {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_json", format!("The body could not be read: {other}."), &rid)
        }
    };
    e.into()
}

/// Malformed path parameters.
pub fn path_error(err: PathError, req: &HttpRequest) -> actix_web::Error {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("No such resource: {err}."), &request_id(req).0).into()
}

/// Unknown API route.
pub async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such API endpoint: see /api/v1/openapi.json.",
        &request_id(&req).0,
    ))
}

/// Unknown page.
pub async fn page_not_found(req: HttpRequest) -> Result<HttpResponse, PageError> {
    Err(PageError::new(StatusCode::NOT_FOUND, "There is no page at this address.", &request_id(&req).0, &site_of(&req)))
}

/// Plain-text body for the rare responses that are not pages or JSON.
pub fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status).insert_header(ContentType::plaintext()).body(body)
}
