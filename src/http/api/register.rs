//! `/api/v1/register/…`: registration for programs, the same flow code as
//! the `/register` pages. Sign-in returns a session token that later calls
//! carry as the `{session}` path segment (no cookies, as for reset flows).

use crate::domain::Enrolment;
use crate::flow::Error as FlowError;
use crate::flow::register::Registration;
use crate::http::AppState;
use crate::http::body::Body;
use crate::http::error::ApiError;
use crate::http::middleware::RequestId;
use crate::i18n::Msg;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{Value, json};

use super::client;

/// The registration as JSON (also the answer of every step).
fn view_json(view: &Registration) -> Value {
    let items: Vec<Value> = view
        .items
        .iter()
        .map(|i| {
            json!({ "kind": i.kind.id(), "label": i.kind.label(), "hint": i.hint, "origin": i.origin.as_str(),
                    "since": i.since, "removable": i.removable })
        })
        .collect();
    let pending =
        view.pending.as_ref().map(|p| json!({ "kind": p.kind.id(), "hint": p.hint, "expires_in": p.expires_in }));
    json!({
        "login": view.login,
        "display_name": view.display_name,
        "required": view.required,
        "usable": view.usable,
        "enough": view.enough,
        "stale": view.stale,
        "interrupt": view.interrupt,
        "items": items,
        "can_register": view.can_register.iter().map(|k| k.id()).collect::<Vec<_>>(),
        "questions_to_register": view.questions_to_register,
        "questions": view.catalogue,
        "pending": pending,
    })
}

async fn answer(
    state: &AppState,
    rid: &RequestId,
    session: &str,
    done: Result<(), FlowError>,
) -> Result<HttpResponse, ApiError> {
    done.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    let view = state.flows.registration(session).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(view_json(&view)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignInBody {
    user: String,
    password: String,
}

/// `POST /api/v1/register/session`
pub(super) async fn sign_in_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: Body<SignInBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let password = SecretString::from(body.password);
    let signed = state
        .flows
        .register_sign_in(&body.user, &password, &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({ "session": signed.token.as_str(), "registration": view_json(&signed.view) })))
}

/// `GET /api/v1/register/{session}`
pub(super) async fn view_get(
    state: web::Data<AppState>,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    answer(&state, &rid, &session, Ok(())).await
}

/// `DELETE /api/v1/register/{session}`
pub(super) async fn sign_out_delete(
    state: web::Data<AppState>,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.flows.register_sign_out(&session).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContactBody {
    kind: String,
    value: String,
}

/// `POST /api/v1/register/{session}/contact`: send a code to a new address or number.
pub(super) async fn contact_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
    body: Body<ContactBody>,
) -> Result<HttpResponse, ApiError> {
    let kind = match Enrolment::from_id(&body.kind) {
        Some(k @ (Enrolment::AltEmail | Enrolment::Mobile | Enrolment::OfficePhone)) => k,
        _ => {
            let message = Msg::new("input-contact-kind");
            return Err(ApiError::from_flow(FlowError::InvalidInput { field: "kind", message }, &rid.0));
        }
    };
    let done = state.flows.register_contact(&session, kind, &body.value, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CodeBody {
    code: String,
}

/// `POST /api/v1/register/{session}/contact/verify`
pub(super) async fn contact_verify_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
    body: Body<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_confirm_code(&session, &body.code, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `DELETE /api/v1/register/{session}/contact`: cancel the code-waiting registration.
pub(super) async fn contact_delete(
    state: web::Data<AppState>,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_cancel(&session).await;
    answer(&state, &rid, &session, done).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AnswerBody {
    question: String,
    answer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QuestionsBody {
    answers: Vec<AnswerBody>,
}

/// `PUT /api/v1/register/{session}/questions`
pub(super) async fn questions_put(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
    body: Body<QuestionsBody>,
) -> Result<HttpResponse, ApiError> {
    let pairs: Vec<(String, String)> = body.into_inner().answers.into_iter().map(|a| (a.question, a.answer)).collect();
    let done = state.flows.register_questions(&session, &pairs, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `POST /api/v1/register/{session}/authenticator`: a new secret and its QR code.
pub(super) async fn authenticator_post(
    state: web::Data<AppState>,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let setup = state.flows.register_authenticator_start(&session).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(json!({
        "secret": setup.secret, "uri": setup.uri, "qr_svg": setup.qr_svg, "expires_in": setup.expires_in,
    })))
}

/// `POST /api/v1/register/{session}/authenticator/verify`
pub(super) async fn authenticator_verify_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
    body: Body<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_authenticator_confirm(&session, &body.code, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `POST /api/v1/register/{session}/passkey`: options for `navigator.credentials.create()`.
pub(super) async fn passkey_post(
    state: web::Data<AppState>,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let options = state.flows.register_passkey_start(&session).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(json!({ "publicKey": options })))
}

/// `POST /api/v1/register/{session}/passkey/verify`: the browser's answer.
pub(super) async fn passkey_verify_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
    body: Body<crate::domain::passkey::RegistrationResponse>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_passkey_finish(&session, body.into_inner(), &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `DELETE /api/v1/register/{session}/methods/{kind}`
pub(super) async fn method_delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (session, kind) = path.into_inner();
    let Some(kind) = Enrolment::from_id(&kind) else {
        let message = Msg::new("input-kind-unknown");
        return Err(ApiError::from_flow(FlowError::InvalidInput { field: "kind", message }, &rid.0));
    };
    let done = state.flows.register_remove(&session, kind, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `POST /api/v1/register/{session}/skip`
pub(super) async fn skip_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_skip(&session, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// `POST /api/v1/register/{session}/reconfirm`
pub(super) async fn reconfirm_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    session: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let done = state.flows.register_reconfirm(&session, &client(&req, &rid)).await;
    answer(&state, &rid, &session, done).await
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::json::<SignInBody>(),
        crate::http::fuzz::json::<ContactBody>(),
        crate::http::fuzz::json::<CodeBody>(),
        crate::http::fuzz::json::<QuestionsBody>(),
        crate::http::fuzz::json::<crate::domain::passkey::RegistrationResponse>(),
    ]
}
