//! `/api/v1/admin/…`: the admin API, for bearer tokens issued by
//! `passdesk admin token`. A missing or unknown token is a 401 and reveals
//! nothing else.

use crate::flow::Client;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::middleware::RequestId;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

/// The token's name, or a 401.
async fn authorise(state: &AppState, req: &HttpRequest, rid: &RequestId) -> Result<String, ApiError> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let unauthorised = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid admin token as Authorization: Bearer <token> (passdesk admin token issues one).",
            &rid.0,
        )
    };
    match state.flows.admin_token(&presented).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(unauthorised()),
        Err(e) => Err(ApiError::from_flow(e, &rid.0)),
    }
}

/// `GET /api/v1/admin/policy`
pub(super) async fn policy_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &req, &rid).await?;
    let policy = state.flows.policy().await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(policy))
}

/// `PUT /api/v1/admin/policy`: the keys present are changed; the result is
/// validated as a whole, and on any error nothing changes.
pub(super) async fn policy_put(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    let name = authorise(&state, &req, &rid).await?;
    let client = Client { ip: req.peer_addr().map(|a| a.ip().to_string()), request_id: Some(rid.0.clone()) };
    let policy = state
        .flows
        .patch_policy(&body, &format!("token:{name}"), &client)
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(policy))
}
