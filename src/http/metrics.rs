//! `GET /metrics` for Prometheus (bearer token of `passdesk admin token`,
//! as every admin endpoint), and the middleware that counts every answered
//! request by its route pattern (never the raw path: paths can hold tokens).

use super::AppState;
use super::error::ApiError;
use super::middleware::RequestId;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

/// `GET /metrics`: the Prometheus text format.
pub async fn metrics_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    rid: RequestId,
) -> Result<HttpResponse, ApiError> {
    super::api::authorise(&state, &req, &rid).await?;
    let text = state.flows.metrics_text().await.map_err(|e| ApiError::from_flow(e, &rid.0))?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text))
}

/// Counts each answered request under its route pattern and status.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    if let Some(state) = state {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        state.flows.metrics().request(&route, res.status().as_u16());
    }
    Ok(res)
}
