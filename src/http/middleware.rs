//! Cross-cutting request handling: a request id on every request (in the
//! log, the `X-Request-Id` header and every error page) and the security
//! headers of DESIGN.md §10 on every response.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::future::{Ready, ready};
use tracing::Instrument;

/// The id of the current request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(request_id(req)))
    }
}

/// The request id stored by `request_context` (or "-" outside it).
pub fn request_id(req: &HttpRequest) -> RequestId {
    req.extensions().get::<RequestId>().cloned().unwrap_or_else(|| RequestId("-".to_owned()))
}

/// Paths as logged: flow tokens in API paths are replaced, so the log never
/// holds a credential.
pub fn redacted_path(path: &str) -> String {
    path.split('/')
        .map(|part| if part.len() == 64 && part.bytes().all(|b| b.is_ascii_hexdigit()) { "<flow>" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

/// Gives each request an id and a span, logs it once when it ends.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut raw = [0u8; 8];
    rand::fill(&mut raw);
    let id = hex::encode(raw);
    req.extensions_mut().insert(RequestId(id.clone()));
    let path = redacted_path(req.path());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", id = %id, %method, %path);
    let started = std::time::Instant::now();
    let timing = req.app_data::<actix_web::web::Data<super::AppState>>().is_some_and(|s| s.server_timing);
    let (res, spent) = crate::timing::scope(next.call(req).instrument(span.clone())).await;
    let mut res = res?;
    if timing {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let value = format!(
            "directory;dur={:.3}, store;dur={:.3}, hashing;dur={:.3}, total;dur={:.3}",
            ms(spent.directory),
            ms(spent.store),
            ms(spent.hashing),
            ms(started.elapsed())
        );
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(header::HeaderName::from_static("server-timing"), value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
    }
    let status = res.status().as_u16();
    span.in_scope(|| tracing::info!(status, ms = started.elapsed().as_millis() as u64, "request"));
    Ok(res)
}

/// Security headers for every response. `Cache-Control: no-store` is the
/// default; static assets set their own caching.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CACHE_CONTROL, "no-store"))
        .add((header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_redacted_from_paths() {
        let token = "a".repeat(64);
        assert_eq!(redacted_path(&format!("/api/v1/reset/{token}/send")), "/api/v1/reset/<flow>/send");
        assert_eq!(redacted_path("/reset/verify"), "/reset/verify");
    }
}
