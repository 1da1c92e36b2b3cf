//! `/api/v1/openapi.json`: the API's contract, written by hand next to the
//! handlers so a change to one shows up in review beside the other. Each
//! group of paths has its file; the answers every operation shares (a body
//! that is not JSON, too large, a path segment that cannot be read, the
//! per-address rate limit, a missing admin token) are added to every
//! operation they apply to by [`complete`], so none can be forgotten.
//! `tests/api-fuzz.sh` holds the server to this document.

mod admin;
mod register;
mod reset;
mod schemas;

use actix_web::HttpResponse;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// An error answer: the shared `{error:{code,message,request_id}}` body.
fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// A JSON answer whose body is the named schema.
fn answer(description: &str, schema: &str) -> Value {
    json!({ "description": description,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// A required JSON request body of the named schema.
fn json_body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// A path parameter holding a 64-hex-digit token.
fn token_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description,
            "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } })
}

/// The `{login}` path parameter of the admin user endpoints.
fn login_param() -> Value {
    json!({ "name": "login", "in": "path", "required": true, "description": "The user ID, as people type it to sign in",
            "schema": { "type": "string", "minLength": 1, "maxLength": 256 } })
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for group in [reset::paths(), register::paths(), admin::paths()] {
        if let Value::Object(group) = group {
            paths.extend(group);
        }
    }
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({ "get": { "summary": "This document", "operationId": "openapi",
            "responses": { "200": { "description": "The OpenAPI 3.1 description of the API",
                "content": { "application/json": { "schema": { "type": "object", "required": ["openapi", "paths"] } } } } } } }),
    );
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "passdesk self-service password API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Drive a self-service password reset: start with a user ID, prove identity with a one-time code, set the new password. \
                Every error is {error:{code,message,request_id}} with the status this document lists; `code` is stable, `message` is an English sentence \
                naming what to fix. Unknown user IDs get the same answer shape as real ones. Every operation may also answer 404 (not_found) for \
                a path segment that cannot be read; a path called with a method it does not list answers 405 (method_not_allowed) with an Allow header; \
                a JSON body that cannot be read is 400 (bad_json), a body over server.max_body_kib is 413 (body_too_large), a body that is not \
                application/json is 415 (unsupported_media_type); POST and PUT requests, and every admin request, count against the per-address \
                limit server.requests_per_minute: over it, 429 (rate_limited) with Retry-After."
        },
        "paths": Value::Object(paths),
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "An admin API token from `passdesk admin token` or the admin portal's API tokens page" } },
            "schemas": schemas::all()
        }
    });
    complete(&mut doc);
    doc
}

/// The methods an operation may have, in the document's spelling.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Adds to every operation the answers it shares with others (see the
/// module's comment), keeping any description an operation already gives.
fn complete(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let mut shared: Vec<(&str, &str)> = Vec::new();
            if op.get("requestBody").is_some() {
                shared.push(("400", "The JSON body cannot be read, or a field has the wrong type or is unknown (bad_json, naming the field)"));
                shared.push(("413", "The body is larger than server.max_body_kib (body_too_large)"));
                shared.push(("415", "The body is not sent as Content-Type: application/json (unsupported_media_type)"));
            }
            if path.contains('{') {
                shared.push(("404", "A path segment cannot be read (not_found)"));
            }
            let has_query = op["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
            if has_query {
                shared.push(("400", "The query string cannot be read, e.g. a parameter given twice (invalid_query)"));
            }
            let admin = path.starts_with("/api/v1/admin/");
            if admin {
                shared.push(("401", "No admin token (unauthorized)"));
                shared.push(("403", "The token is not live: revoked or unknown (forbidden); audited"));
            }
            if method != "get" {
                shared.push((
                    "503",
                    "The disk holding passdesk's database is full (storage_full): nothing was kept; try again later",
                ));
            }
            if admin || method == "post" || method == "put" {
                shared.push((
                    "429",
                    "Too many requests from this address (rate_limited; Retry-After says when to try again)",
                ));
            }
            for (status, description) in shared {
                if op["responses"].get(status).is_none() {
                    op["responses"][status] = error(description);
                }
            }
        }
    }
}

/// The path templates and their methods, for the 405 answer.
static ROUTES: LazyLock<Vec<(Vec<String>, Vec<String>)>> = LazyLock::new(|| {
    let doc = document();
    let Some(paths) = doc["paths"].as_object() else { return Vec::new() };
    paths
        .iter()
        .map(|(path, item)| {
            let segments = path.split('/').map(str::to_owned).collect();
            let methods = METHODS.iter().filter(|m| item.get(**m).is_some()).map(|m| m.to_ascii_uppercase()).collect();
            (segments, methods)
        })
        .collect()
});

/// The methods of the documented path that `path` matches (a `{name}`
/// template segment matches any non-empty segment; a literal segment wins
/// over a template, so `/reset/start` is not taken for `/reset/{flow}`),
/// or `None` when no documented path matches.
pub fn allowed_methods(path: &str) -> Option<Vec<String>> {
    let asked: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(t, a)| if t.starts_with('{') { !a.is_empty() } else { t == a })
        })
        .min_by_key(|(segments, _)| segments.iter().filter(|t| t.starts_with('{')).count())
        .map(|(_, methods)| methods.clone())
}

/// `GET /api/v1/openapi.json`
pub async fn openapi_get() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
