//! Per-address rate limit on the self-service requests that do work (form
//! posts and API calls): a token bucket per client IP (governor), refilled
//! at the configured rate per minute with the same burst. Over it, a 429
//! with `Retry-After` and nothing reaches the flows.

use super::AppState;
use super::error::{ApiError, PageError};
use super::middleware::request_id;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// The limiter shared by all workers.
pub type Limiter = DefaultKeyedRateLimiter<IpAddr>;

/// A limiter for `per_minute` requests per address, or none when 0.
pub fn limiter(per_minute: u32) -> Option<Limiter> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

fn limited(req: &ServiceRequest) -> bool {
    // Admin API reads count too: a refused token writes an audit row, so
    // an unthrottled stream of bogus tokens would flood the trail.
    req.method() == Method::POST || req.method() == Method::PUT || req.path().starts_with("/api/v1/admin/")
}

/// Refuses a client address over its budget.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let over = limited(&req)
        && match (req.app_data::<web::Data<AppState>>().and_then(|s| s.limiter.as_ref()), req.peer_addr()) {
            (Some(limiter), Some(peer)) => limiter.check_key(&peer.ip()).is_err(),
            _ => false,
        };
    if !over {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let rid = request_id(req.request()).0;
    tracing::warn!(request_id = %rid, peer = ?req.peer_addr(), "rate limit reached");
    let message = "Too many requests from your address. Wait a minute and try again.";
    let mut response = if req.path().starts_with("/api/") {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message, &rid).error_response()
    } else {
        let site = req.app_data::<web::Data<AppState>>().map(|s| super::i18n::site(s, req.request()));
        match site {
            Some(site) => {
                let message = site.t("error-rate-limited");
                PageError::new(StatusCode::TOO_MANY_REQUESTS, message, &rid, &site).error_response()
            }
            None => actix_web::HttpResponse::TooManyRequests().finish(),
        }
    };
    response
        .headers_mut()
        .insert(actix_web::http::header::RETRY_AFTER, actix_web::http::header::HeaderValue::from_static("60"));
    Ok(req.into_response(response))
}
