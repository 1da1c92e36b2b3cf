//! Errors as people and programs see them. The status comes from the flow
//! error's variant; the body is a fixed, user-safe sentence with the request
//! id; the cause is logged once with that id and never put in the body.

use super::middleware::request_id;
use super::views::ErrorPage;
use super::{AppState, Site};
use crate::flow::Error;
use crate::flow::PolicyReason;
use crate::i18n::{Lang, Msg};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// Status, stable code and sentence for a flow error. The sentence is a
/// catalogue key (`error-<code>`), so each face shows it in its language.
pub fn describe(e: &Error) -> (StatusCode, &'static str, Msg) {
    use StatusCode as S;
    let plain = |status, code, key| (status, code, Msg::new(key));
    match e {
        Error::InvalidInput { field, message } => (
            S::BAD_REQUEST,
            "invalid_input",
            Msg::new("error-invalid-input").arg("field", *field).arg("why", message.clone()),
        ),
        Error::FlowNotFound => plain(S::NOT_FOUND, "flow_not_found", "error-flow-not-found"),
        Error::FlowExpired => plain(S::GONE, "flow_expired", "error-flow-expired"),
        Error::WrongStep(why) => (S::CONFLICT, "wrong_step", Msg::new("error-wrong-step").arg("why", Msg::new(why))),
        Error::UnknownMethod => plain(S::BAD_REQUEST, "unknown_method", "error-unknown-method"),
        Error::TooSoon { retry_after } => {
            (S::TOO_MANY_REQUESTS, "too_soon", Msg::new("error-too-soon").arg("seconds", *retry_after))
        }
        Error::NoCodeSent => plain(S::CONFLICT, "no_code_sent", "error-no-code-sent"),
        Error::CodeExpired => plain(S::BAD_REQUEST, "code_expired", "error-code-expired"),
        Error::CodeWrong { remaining } => {
            (S::BAD_REQUEST, "code_wrong", Msg::new("error-code-wrong").arg("remaining", *remaining))
        }
        Error::Captcha(c) => (S::BAD_REQUEST, "captcha_invalid", Msg::new("error-captcha-invalid").arg("why", c.msg())),
        Error::CaptchaUsed => plain(S::BAD_REQUEST, "captcha_used", "error-captcha-used"),
        Error::PhoneBudgetSpent => plain(S::TOO_MANY_REQUESTS, "phone_budget_spent", "error-phone-budget-spent"),
        Error::ReportNotFound => plain(S::NOT_FOUND, "report_not_found", "error-report-not-found"),
        Error::NumberMismatch => plain(S::BAD_REQUEST, "number_mismatch", "error-number-mismatch"),
        Error::AnswersWrong => plain(S::BAD_REQUEST, "answers_wrong", "error-answers-wrong"),
        Error::AuthenticatorWrong => plain(S::BAD_REQUEST, "authenticator_wrong", "error-authenticator-wrong"),
        Error::CodeUsedUp => plain(S::TOO_MANY_REQUESTS, "code_used_up", "error-code-used-up"),
        Error::WrongCredentials => plain(S::UNAUTHORIZED, "wrong_credentials", "error-wrong-credentials"),
        Error::AccountLocked => plain(S::FORBIDDEN, "account_locked", "error-account-locked"),
        Error::PasswordRejected(p) => {
            (S::UNPROCESSABLE_ENTITY, "password_rejected", Msg::new("error-password-rejected").arg("why", p.msg()))
        }
        Error::DirectoryPolicy(reason) => plain(S::UNPROCESSABLE_ENTITY, "directory_policy", policy_key(reason)),
        Error::AccountNotEligible(_) => plain(S::FORBIDDEN, "contact_helpdesk", "error-contact-helpdesk"),
        Error::PartialWriteback { written, failed, .. } => (
            S::SERVICE_UNAVAILABLE,
            "partial_writeback",
            Msg::new("error-partial-writeback").arg("written", written.join(", ")).arg("failed", failed.as_str()),
        ),
        Error::Blocked { until } => {
            (S::TOO_MANY_REQUESTS, "blocked", Msg::new("error-blocked").arg("until", crate::clock::rfc3339(*until)))
        }
        Error::PolicyInvalid(p) => (S::BAD_REQUEST, "invalid_policy", Msg::admin(p.to_string())),
        Error::UnlockDisabled => plain(S::FORBIDDEN, "unlock_disabled", "error-unlock-disabled"),
        Error::UserNotFound(login) => {
            (S::NOT_FOUND, "user_not_found", Msg::new("error-user-not-found").arg("login", format!("{login:?}")))
        }
        Error::ImportRejected(rows) => {
            (S::UNPROCESSABLE_ENTITY, "import_rejected", Msg::new("error-import-rejected").arg("rows", rows.len()))
        }
        // The reason is technical: the API gives it, pages do not.
        Error::PasskeyRefused(why) => {
            (S::BAD_REQUEST, "passkey_refused", Msg::new("error-passkey-refused-why").arg("why", why.as_str()))
        }
        Error::LinkNotFound => plain(S::GONE, "link_not_found", "error-link-not-found"),
        Error::SignInNeeded => plain(S::UNAUTHORIZED, "sign_in_needed", "error-sign-in-needed"),
        Error::NotAdmin => plain(S::FORBIDDEN, "not_admin", "error-not-admin"),
        Error::MethodNeeded { required, left } => (
            S::CONFLICT,
            "method_needed",
            Msg::new("error-method-needed").arg("required", *required).arg("left", *left),
        ),
        Error::DirectoryUnavailable => {
            plain(S::SERVICE_UNAVAILABLE, "directory_unavailable", "error-directory-unavailable")
        }
        Error::DeliveryUnavailable(_) => {
            plain(S::SERVICE_UNAVAILABLE, "delivery_unavailable", "error-delivery-unavailable")
        }
        Error::StorageFull => plain(S::SERVICE_UNAVAILABLE, "storage_full", "error-storage-full"),
        Error::Internal(_) => plain(S::INTERNAL_SERVER_ERROR, "internal", "error-internal"),
    }
}

fn policy_key(reason: &PolicyReason) -> &'static str {
    match reason {
        PolicyReason::TooShort => "error-directory-too-short",
        PolicyReason::NotComplex => "error-directory-not-complex",
        PolicyReason::InHistory => "error-directory-in-history",
        PolicyReason::TooYoung => "error-directory-too-young",
        PolicyReason::Other(_) => "error-directory-other",
    }
}

fn log_cause(e: &Error, request_id: &str, status: StatusCode) {
    // A failing mail server or gateway is logged once, at ERROR, when it
    // starts failing; each request it turns away is only a warning.
    if matches!(e, Error::DeliveryUnavailable(_)) {
        tracing::warn!(request_id, error = %e, "request turned away: messages cannot be sent");
    } else if status.is_server_error() {
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
    /// The methods of a 405's `Allow` header.
    allow: Option<String>,
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
        // The API answers in English: programs match on `code`.
        let message = Lang::En.msg(&message);
        Self { status, code, message, request_id: request_id.to_owned(), retry_after, allow: None }
    }

    /// A plain request error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, request_id: &str) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            request_id: request_id.to_owned(),
            retry_after: None,
            allow: None,
        }
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
        if let Some(allow) = &self.allow {
            res.insert_header((header::ALLOW, allow.clone()));
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
        let message = site.error_text(&message);
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
    req.app_data::<web::Data<AppState>>().map(|s| super::i18n::site(s, req)).unwrap_or_else(|| Site {
        name: "passdesk".into(),
        helpdesk: None,
        policy_helpdesk: Default::default(),
        origin: None,
        lang: Lang::En,
        brand: Default::default(),
        here: "/".to_owned(),
    })
}

/// Malformed or oversize form bodies.
pub fn form_error(err: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let rid = request_id(req).0;
    let site = site_of(req);
    let (status, message) = match &err {
        UrlencodedError::Overflow { .. } => (StatusCode::PAYLOAD_TOO_LARGE, site.t("error-form-too-large")),
        UrlencodedError::ContentType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, site.t("error-form-type")),
        other => (StatusCode::BAD_REQUEST, site.t1("error-form-unreadable", "why", other.to_string())),
    };
    PageError::new(status, message, &rid, &site).into()
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

/// A query string that does not fit the handler's parameters (a repeated
/// key, a number that is not one): a 400 naming the problem, as JSON on
/// the API and as a page elsewhere.
pub fn query_error(err: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let rid = request_id(req).0;
    let why = match &err {
        QueryPayloadError::Deserialize(de) => de.to_string(),
        other => other.to_string(),
    };
    if req.path().starts_with("/api/") {
        let message = format!("The query string is not valid: {why}.");
        return ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", message, &rid).into();
    }
    let site = site_of(req);
    PageError::new(StatusCode::BAD_REQUEST, site.t1("error-form-unreadable", "why", why), &rid, &site).into()
}

/// Unknown API route, or a known one called with a method it does not
/// have: a 405 with `Allow` then, so a client learns what to call.
pub async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let rid = request_id(&req).0;
    if let Some(methods) = super::api::allowed_methods(req.path()) {
        let allow = methods.join(", ");
        let message = format!("{} is not allowed here: use {allow} (see /api/v1/openapi.json).", req.method());
        let mut e = ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message, &rid);
        e.allow = Some(allow);
        return Err(e);
    }
    Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such API endpoint: see /api/v1/openapi.json.", &rid))
}

/// Unknown page.
pub async fn page_not_found(req: HttpRequest) -> Result<HttpResponse, PageError> {
    let site = site_of(&req);
    Err(PageError::new(StatusCode::NOT_FOUND, site.t("error-not-found-page"), &request_id(&req).0, &site))
}

/// Plain-text body for the rare responses that are not pages or JSON.
pub fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status).insert_header(ContentType::plaintext()).body(body)
}
