//! Liveness and readiness for load balancers and service managers.

use super::AppState;
use super::error::text;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

/// `GET /healthz`: the process answers.
pub async fn healthz_get() -> HttpResponse {
    text(StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the store answers too.
pub async fn readyz_get(state: web::Data<AppState>) -> HttpResponse {
    match state.flows.ready().await {
        Ok(()) => text(StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            text(StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n")
        }
    }
}
