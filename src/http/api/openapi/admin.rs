//! The admin API paths of the document (`/api/v1/admin/…`, bearer token).
//! The 401/403 of a missing or dead token are added by `complete`.

use super::{answer, error, json_body, login_param};
use serde_json::{Value, json};

/// The audit filters as query parameters; `page` adds `before`, else `format`.
fn audit_params(page: bool) -> Value {
    let text = |name: &str, description: &str| json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" }, "description": description });
    let mut params = vec![
        text("since", "From this day (YYYY-MM-DD, UTC) or RFC 3339 time on"),
        text("until", "Before this time; a day means up to the end of that day"),
        text("user", "Rows about this user ID"),
        text("activity", "One activity type, by its exact name"),
        text("method", "One method id (email, mobile_sms, questions…)"),
        text("directory", "One directory, by its configured name"),
        json!({ "name": "result", "in": "query", "required": false, "schema": { "type": "string", "enum": ["success", "failure"] } }),
    ];
    params.push(if page {
        text("before", "The older of the previous page")
    } else {
        json!({ "name": "format", "in": "query", "required": false, "schema": { "type": "string", "enum": ["csv", "json"], "default": "csv" } })
    });
    Value::Array(params)
}

fn user_not_found() -> Value {
    error("The user ID is malformed (invalid_input) or no directory has this user (user_not_found)")
}

/// The `/api/v1/admin/…` paths.
pub(super) fn paths() -> Value {
    let bearer = json!([{ "bearer": [] }]);
    let export = json!({ "description": "The rows, oldest first: CSV with a header row, or JSON lines",
        "content": { "text/csv": { "schema": { "type": "string" } }, "application/x-ndjson": { "schema": { "type": "string" } } } });
    json!({
        "/api/v1/admin/policy": {
            "get": { "summary": "The reset policy", "security": bearer,
                     "responses": { "200": answer("The policy", "Policy") } },
            "put": { "summary": "Change some keys of the reset policy (audited); the result is checked as a whole", "security": bearer,
                     "requestBody": json_body("PolicyPatch"),
                     "responses": { "200": answer("The new policy", "Policy"),
                                    "400": error("A key is unknown or a value invalid (invalid_policy, bad_json); nothing changed") } }
        },
        "/api/v1/admin/users/{login}/methods": {
            "get": { "summary": "A user's contact data and registrations, masked, with their source", "security": bearer,
                     "parameters": [login_param()],
                     "responses": { "200": answer("What the user has on file", "UserMethods"),
                                    "400": error("The user ID is malformed (invalid_input)"),
                                    "404": user_not_found(),
                                    "503": error("The directory is unreachable (directory_unavailable)") } },
            "put": { "summary": "Pre-populate contact data for a user, checked like an import row (audited)", "security": bearer,
                     "parameters": [login_param()],
                     "requestBody": json_body("MethodsRequest"),
                     "responses": { "200": answer("{added, changed, unchanged, kept_verified, methods}", "MethodsPut"),
                                    "400": error("A field is invalid (invalid_input, naming the field); nothing changed"),
                                    "404": user_not_found(),
                                    "422": error("The row is refused (import_rejected); nothing changed"),
                                    "503": error("The directory is unreachable (directory_unavailable)") } },
            "delete": { "summary": "Remove one kind (?kind=) or all of a user's registered and imported data (audited)", "security": bearer,
                     "parameters": [login_param(),
                                    { "name": "kind", "in": "query", "required": false, "schema": { "type": "string",
                                      "enum": ["email", "alt_email", "mobile", "office_phone", "questions", "authenticator", "passkey"] } }],
                     "responses": { "200": answer("How many were removed", "Removed"),
                                    "400": error("Unknown kind (invalid_input)"),
                                    "404": user_not_found(),
                                    "503": error("The directory is unreachable (directory_unavailable)") } }
        },
        "/api/v1/admin/users/{login}/reset-link": { "post": {
            "summary": "Send a user a one-time reset link by e-mail or text message to the address on file (audited; never a password)",
            "security": bearer,
            "parameters": [login_param()],
            "requestBody": json_body("ResetLinkRequest"),
            "responses": { "200": answer("Queued: {sent_to (masked), expires_at}", "ResetLinkSent"),
                           "400": error("Unknown channel, no such destination, or the user cannot use self-service (invalid_input)"),
                           "403": error("The token is not live (forbidden), or the account may not use self-service (contact_helpdesk)"),
                           "404": user_not_found(),
                           "503": error("The channel is failing (delivery_unavailable, with the cause) or the directory is unreachable; nothing was sent") } }},
        "/api/v1/admin/audit": { "get": {
            "summary": "One page of the audit trail, newest first",
            "security": bearer,
            "parameters": audit_params(true),
            "responses": { "200": answer("One page of rows", "AuditPage"),
                           "400": error("A filter is invalid (invalid_input, naming it) or the query string cannot be read (invalid_query)") } }},
        "/api/v1/admin/audit/export": { "get": {
            "summary": "The whole filtered audit trail, oldest first, streamed as CSV (with a header row) or JSON lines",
            "security": bearer,
            "parameters": audit_params(false),
            "responses": { "200": export,
                           "400": error("A filter or the format is invalid (invalid_input) or the query string cannot be read (invalid_query)") } }}
    })
}
