//! `/api/v1/reset/…`: the reset flow for programs, the same flow code as
//! the portal.

use crate::domain::OfferedMethod;
use crate::flow::reset::Proof;
use crate::flow::{Error as FlowError, FlowKind};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::middleware::RequestId;
use crate::i18n::Lang;
use crate::i18n::Msg;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::client;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StartBody {
    user: String,
    /// The solved challenge from `GET /api/v1/captcha`.
    #[serde(default)]
    captcha: Option<CaptchaBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaptchaBody {
    challenge: String,
    solution: String,
}

/// `GET /api/v1/captcha`: a proof-of-work challenge for `reset/start`.
pub(super) async fn captcha_get(state: web::Data<AppState>, req: HttpRequest, rid: RequestId) -> HttpResponse {
    match state.flows.captcha(&client(&req, &rid)) {
        Some(c) => HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(serde_json::json!({
            "required": true,
            "challenge": c.text,
            "difficulty": c.difficulty,
            "algorithm": "sha256-leading-zero-bits",
            "how": "find a solution (up to 32 characters) such that SHA-256(challenge + \":\" + solution) starts with difficulty zero bits",
            "expires_in": crate::domain::captcha::CHALLENGE_SECS,
        })),
        None => HttpResponse::Ok().json(serde_json::json!({ "required": false })),
    }
}

#[derive(Serialize)]
struct StartAnswer<'a> {
    flow: &'a str,
    methods: &'a [OfferedMethod],
    required: u8,
}

/// `POST /api/v1/reset/start`
pub(super) async fn start_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: crate::http::body::Body<StartBody>,
) -> Result<HttpResponse, ApiError> {
    let started = state
        .flows
        .reset_start(
            &body.user,
            body.captcha.as_ref().map(|c| (c.challenge.as_str(), c.solution.as_str())),
            FlowKind::Reset,
            &client(&req, &rid),
        )
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(StartAnswer {
        flow: started.token.as_str(),
        methods: &started.methods,
        required: started.required,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinkBody {
    /// The token from an administrator's one-time link (the last path segment).
    link: String,
}

/// `POST /api/v1/reset/link`: open a one-time reset link; the flow starts
/// with the link's proof passed.
pub(super) async fn link_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: crate::http::body::Body<LinkBody>,
) -> Result<HttpResponse, ApiError> {
    let started = state
        .flows
        .open_reset_link(&body.link, &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(StartAnswer {
        flow: started.token.as_str(),
        methods: &started.methods,
        required: started.required,
    }))
}

/// `GET /api/v1/reset/{flow}`
pub(super) async fn flow_get(
    state: web::Data<AppState>,
    rid: RequestId,
    flow: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.flows.reset_view(&flow).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    let policy = if view.proven.is_empty() {
        None
    } else {
        let p = state.flows.reset_policy(&flow).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
        Some(serde_json::json!({
            "min_length": p.rules.min_length,
            "max_length": p.rules.max_length,
            "complexity": p.complexity,
            "history": p.history,
            "source": p.source,
            "too_young_until": p.too_young_until,
            "rules": p.sentences().iter().map(|m| Lang::En.msg(m)).collect::<Vec<_>>(),
        }))
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "methods": view.methods,
        "required": view.required,
        "proven": view.proven,
        "questions": view.questions,
        "ready_for_password": view.ready_for_password,
        "expires_in": view.expires_in,
        "policy": policy,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SendBody {
    method: String,
    /// The full phone number, for the phone methods.
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /api/v1/reset/{flow}/send`
pub(super) async fn send_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    flow: web::Path<String>,
    body: crate::http::body::Body<SendBody>,
) -> Result<HttpResponse, ApiError> {
    let sent = state
        .flows
        .reset_send(&flow, &body.method, body.confirm.as_deref(), &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    if !sent.questions.is_empty() {
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "sent": false, "questions": sent.questions })));
    }
    if let Some(options) = sent.passkey {
        return Ok(HttpResponse::Ok()
            .insert_header(("cache-control", "no-store"))
            .json(serde_json::json!({ "sent": false, "passkey": options, "valid_for": sent.valid_for })));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "sent": true,
        "resend_after": sent.resend_after,
        "valid_for": sent.valid_for,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyBody {
    method: String,
    #[serde(default)]
    code: Option<String>,
    /// Answers by question id, for the questions method.
    #[serde(default)]
    answers: Option<BTreeMap<String, String>>,
    /// The passkey's answer, for the passkey method.
    #[serde(default)]
    credential: Option<crate::domain::passkey::AuthenticationResponse>,
}

/// `POST /api/v1/reset/{flow}/verify`
pub(super) async fn verify_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    flow: web::Path<String>,
    body: crate::http::body::Body<VerifyBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let proof = match (body.code, body.answers, body.credential) {
        (Some(code), None, None) => Proof::Code(code),
        (None, Some(answers), None) => Proof::Answers(answers),
        (None, None, Some(credential)) => Proof::Passkey(credential),
        _ => {
            let e = FlowError::InvalidInput { field: "code", message: Msg::new("input-proof-one") };
            return Err(ApiError::from_flow(e, &rid.0));
        }
    };
    let v = state
        .flows
        .reset_verify(&flow, &body.method, proof, &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "verified": true, "complete": v.complete })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordBody {
    new_password: SecretString,
}

/// `POST /api/v1/reset/{flow}/password`
pub(super) async fn password_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    flow: web::Path<String>,
    body: crate::http::body::Body<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    state
        .flows
        .reset_password(&flow, &body.new_password, &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "done": true })))
}

/// `POST /api/v1/reset/{flow}/unlock`: unlock without a new password.
pub(super) async fn unlock_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    flow: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.flows.unlock(&flow, &client(&req, &rid)).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "unlocked": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckBody {
    flow: String,
    password: SecretString,
}

/// `POST /api/v1/password/check`: every rule a candidate password misses,
/// for a flow whose proofs are complete.
pub(super) async fn password_check_post(
    state: web::Data<AppState>,
    rid: RequestId,
    body: crate::http::body::Body<CheckBody>,
) -> Result<HttpResponse, ApiError> {
    use secrecy::ExposeSecret;
    let report = state
        .flows
        .password_check(&body.flow, body.password.expose_secret())
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(super::password_report_json(&report, Lang::En))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChangeBody {
    user: String,
    old_password: SecretString,
    new_password: SecretString,
}

/// `POST /api/v1/change`: change a known password.
pub(super) async fn change_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: crate::http::body::Body<ChangeBody>,
) -> Result<HttpResponse, ApiError> {
    state
        .flows
        .change_password(&body.user, &body.old_password, &body.new_password, &client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "changed": true })))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::json::<StartBody>(),
        crate::http::fuzz::json::<LinkBody>(),
        crate::http::fuzz::json::<SendBody>(),
        crate::http::fuzz::json::<VerifyBody>(),
        crate::http::fuzz::json::<PasswordBody>(),
        crate::http::fuzz::json::<CheckBody>(),
        crate::http::fuzz::json::<ChangeBody>(),
    ]
}
