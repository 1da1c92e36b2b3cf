//! `/api/v1/admin/…`: the admin API, for bearer tokens issued by
//! `passdesk admin token`. A missing or unknown token is a 401 and reveals
//! nothing else.

use crate::flow::Client;
use crate::flow::admin_tokens::ApiCaller;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::middleware::RequestId;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

/// The token's name; a 401 without a token, a 403 (audited) with one that
/// is not live.
pub(crate) async fn authorise(state: &AppState, req: &HttpRequest, rid: &RequestId) -> Result<String, ApiError> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let route = format!("{} {}", req.method(), req.match_pattern().unwrap_or_else(|| req.path().to_owned()));
    let caller = state.flows.admin_api_caller(&presented, &route, &admin_client(req, rid)).await;
    match caller.map_err(|e| ApiError::from_flow(e, &rid.0))? {
        ApiCaller::Token(name) => Ok(name),
        ApiCaller::Anonymous => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid admin token as Authorization: Bearer <token> (passdesk admin token issues one).",
            &rid.0,
        )),
        ApiCaller::Refused => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This token is not an admin token, or it was revoked: issue a new one (passdesk admin token, or the \
             API tokens page of the admin portal).",
            &rid.0,
        )),
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
    let client =
        Client { ip: req.peer_addr().map(|a| a.ip().to_string()), request_id: Some(rid.0.clone()), lang: None };
    let policy = state
        .flows
        .patch_policy(&body, &format!("token:{name}"), &client)
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(policy))
}

/// `PUT /api/v1/admin/users/{login}/methods`: contact data to pre-populate
/// (only the fields present; a value people verified themselves is kept
/// unless `overwrite_verified`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MethodsBody {
    email: Option<String>,
    alt_email: Option<String>,
    mobile: Option<String>,
    office_phone: Option<String>,
    directory: Option<String>,
    #[serde(default)]
    overwrite_verified: bool,
}

/// A body value that is there and not blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `?kind=` of `DELETE /api/v1/admin/users/{login}/methods`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KindQuery {
    kind: Option<String>,
}

fn admin_client(req: &HttpRequest, rid: &RequestId) -> Client {
    Client { ip: req.peer_addr().map(|a| a.ip().to_string()), request_id: Some(rid.0.clone()), lang: None }
}

/// `GET /api/v1/admin/users/{login}/methods`: what the user has on file,
/// masked, with where each came from.
pub(super) async fn methods_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    login: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &req, &rid).await?;
    let methods = state.flows.user_methods(&login).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(methods))
}

/// `PUT /api/v1/admin/users/{login}/methods`
pub(super) async fn methods_put(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    login: web::Path<String>,
    body: crate::http::body::Body<MethodsBody>,
) -> Result<HttpResponse, ApiError> {
    let name = authorise(&state, &req, &rid).await?;
    let client = admin_client(&req, &rid);
    let b = body.into_inner();
    let fields = crate::domain::import::Fields {
        login: &login,
        email: present(&b.email),
        alt_email: present(&b.alt_email),
        mobile: present(&b.mobile),
        office_phone: present(&b.office_phone),
        directory: present(&b.directory),
    };
    let actor = format!("token:{name}");
    let fail = |e| ApiError::from_flow(e, &rid.0);
    let summary = state.flows.put_user_methods(&fields, b.overwrite_verified, &actor, &client).await.map_err(fail)?;
    let methods = state.flows.user_methods(&login).await.map_err(fail)?;
    let c = summary.counts;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(serde_json::json!({
        "added": c.added, "changed": c.changed, "unchanged": c.unchanged, "kept_verified": c.kept_verified,
        "methods": methods,
    })))
}

/// `DELETE /api/v1/admin/users/{login}/methods[?kind=…]`: removes one kind
/// of registered or imported data, or all of it.
pub(super) async fn methods_delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    login: web::Path<String>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, ApiError> {
    let name = authorise(&state, &req, &rid).await?;
    let client = admin_client(&req, &rid);
    let removed = state
        .flows
        .remove_user_methods(&login, query.kind.as_deref(), &format!("token:{name}"), &client)
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "removed": removed })))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResetLinkBody {
    /// "email" or "sms".
    via: String,
}

/// `POST /api/v1/admin/users/{login}/reset-link`: send the person a
/// one-time link that opens a reset (never a password).
pub(super) async fn reset_link_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    login: web::Path<String>,
    body: crate::http::body::Body<ResetLinkBody>,
) -> Result<HttpResponse, ApiError> {
    let name = authorise(&state, &req, &rid).await?;
    let client = admin_client(&req, &rid);
    let sent = state.flows.send_reset_link(&login, &body.via, &format!("token:{name}"), &client).await.map_err(
        |e| match e {
            // An administrator is told the exact cause, to fix or escalate it.
            crate::flow::Error::DeliveryUnavailable(cause) => {
                tracing::warn!(request_id = %rid.0, %cause, "reset link not sent");
                let message = format!("Nothing was sent: {cause}. Try the other channel, or again once it works.");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "delivery_unavailable", message, &rid.0)
            }
            e => ApiError::from_flow(e, &rid.0),
        },
    )?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "sent_to": sent.to,
        "expires_at": crate::clock::rfc3339(sent.expires_at),
    })))
}

/// `GET /api/v1/admin/audit` and `…/audit/export`: the filters, a page and a format.
#[derive(Debug, serde::Deserialize)]
pub(super) struct AuditApiQuery {
    #[serde(flatten)]
    filters: crate::flow::audit_log::AuditQuery,
    /// The `older` of the previous page.
    before: Option<String>,
    /// csv or json (the export).
    format: Option<String>,
}

fn audit_filter(q: &AuditApiQuery, rid: &RequestId) -> Result<crate::flow::audit_log::AuditFilter, ApiError> {
    q.filters.filter().map_err(|e| ApiError::from_flow(e, &rid.0))
}

/// `GET /api/v1/admin/audit`: one page of the trail, newest first.
pub(super) async fn audit_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    query: web::Query<AuditApiQuery>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &req, &rid).await?;
    let filter = audit_filter(&query, &rid)?;
    let page =
        state.flows.audit_log(filter, query.before.as_deref()).await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    let rows: Vec<serde_json::Value> = page.rows.iter().map(crate::flow::audit::export_json).collect();
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(serde_json::json!({
        "rows": rows,
        "matching": page.matching.rows,
        "matching_capped": page.matching.more,
        "older": page.older,
    })))
}

/// `GET /api/v1/admin/audit/export?format=csv|json`: the whole filtered
/// trail, oldest first, streamed.
pub(super) async fn audit_export_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
    query: web::Query<AuditApiQuery>,
) -> Result<HttpResponse, ApiError> {
    let name = authorise(&state, &req, &rid).await?;
    let filter = audit_filter(&query, &rid)?;
    let format = match query.format.as_deref().unwrap_or("csv") {
        "csv" => crate::http::audit_export::Format::Csv,
        "json" => crate::http::audit_export::Format::Json,
        other => {
            let message = format!("format={other:?} is not an export format: use csv or json");
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message, &rid.0));
        }
    };
    let label = if format == crate::http::audit_export::Format::Csv { "CSV" } else { "JSON lines" };
    let actor = format!("token:{name}");
    state
        .flows
        .note_audit_export(&actor, &filter, label, &admin_client(&req, &rid))
        .await
        .map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(crate::http::audit_export::response(state.flows.clone(), filter, format))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::json::<MethodsBody>(),
        crate::http::fuzz::json::<ResetLinkBody>(),
        crate::http::fuzz::query::<AuditApiQuery>(),
        crate::http::fuzz::query::<KindQuery>(),
    ]
}
