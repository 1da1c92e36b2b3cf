//! `/api/v1/openapi.json`: the API's contract, written by hand next to the
//! handlers so a change to one shows up in review beside the other.

use actix_web::HttpResponse;
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn json_body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn flow_param() -> Value {
    json!({ "name": "flow", "in": "path", "required": true, "description": "The flow token returned by reset/start (64 hex characters).",
            "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } })
}

fn session_param() -> Value {
    json!({ "name": "session", "in": "path", "required": true, "description": "The session token returned by register/session (64 hex characters).",
            "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } })
}

fn registration_answer() -> Value {
    json!({ "description": "The registration: {login, display_name, required, usable, enough, stale, interrupt, items: [{kind, label, hint (masked), origin: directory|you|imported|synced, since, removable}], can_register, questions_to_register, questions: [{id, text}], pending: {kind, hint, expires_in} | null}",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Registration" } } } })
}

/// A registration step: its summary, body schema (if any) and the errors it may answer.
fn register_step(summary: &str, body: Option<&str>, errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({ "200": registration_answer(), "401": error_response("Session ended: sign in again (sign_in_needed)"),
                                "503": error_response("Directory unreachable; nothing changed") });
    for (status, what) in errors {
        responses[*status] = error_response(what);
    }
    let mut op = json!({ "summary": summary, "parameters": [session_param()], "responses": responses });
    if let Some(schema) = body {
        op["requestBody"] = json_body(schema);
    }
    op
}

/// The `/api/v1/register/…` paths.
fn register_paths() -> Value {
    json!({
        "/api/v1/register/session": { "post": {
            "summary": "Sign in to registration with the directory password; answers a session token and the registration",
            "requestBody": json_body("SignInRequest"),
            "responses": { "200": { "description": "{session, registration}" },
                           "400": error_response("Malformed body (invalid_input, naming the field)"),
                           "401": error_response("User ID or password not correct (wrong_credentials)"),
                           "403": error_response("Account locked (account_locked) or self-service not available (contact_helpdesk)"),
                           "429": error_response("Blocked after too many failures (blocked)"),
                           "503": error_response("Directory unreachable") } }},
        "/api/v1/register/{session}": {
            "get": register_step("What is registered, masked, and what the policy requires", None, &[]),
            "delete": { "summary": "Sign out", "parameters": [session_param()], "responses": { "204": { "description": "Signed out" } } }
        },
        "/api/v1/register/{session}/contact": {
            "post": register_step("Send a code to a new alternate e-mail (kind alt_email), mobile (text) or office phone (call); saved once the code is verified",
                Some("ContactRequest"), &[("400", "Malformed address or number, or unknown kind (invalid_input)"),
                ("429", "Asked again too soon (too_soon), message budget spent (blocked, phone_budget_spent)"),
                ("503", "Directory unreachable, or the channel (mail server, text gateway) is failing (delivery_unavailable); nothing changed")]),
            "delete": register_step("Cancel the registration waiting for its code", None, &[])
        },
        "/api/v1/register/{session}/contact/verify": {
            "post": register_step("Check the code sent to the new address or number and save it", Some("CodeRequest"),
                &[("400", "Wrong or expired code (code_wrong, code_expired)"), ("409", "No code sent (no_code_sent)"),
                  ("429", "Too many wrong tries (code_used_up, blocked)")])
        },
        "/api/v1/register/{session}/questions": {
            "put": register_step("Choose and answer security questions (the policy's number; answers distinct, not the question, not the password)",
                Some("QuestionsRequest"), &[("400", "Wrong count, unknown or repeated question, or a bad answer (invalid_input)")])
        },
        "/api/v1/register/{session}/authenticator": {
            "post": { "summary": "A new authenticator secret: {secret (base32), uri (otpauth://), qr_svg, expires_in}", "parameters": [session_param()],
                      "responses": { "200": { "description": "The secret and its QR code" }, "401": error_response("Session ended (sign_in_needed)") } }
        },
        "/api/v1/register/{session}/authenticator/verify": {
            "post": register_step("Confirm the authenticator with its first code and save it", Some("CodeRequest"),
                &[("400", "Wrong code (authenticator_wrong)"), ("409", "No set-up started (wrong_step)")])
        },
        "/api/v1/register/{session}/passkey": {
            "post": { "summary": "Options for navigator.credentials.create(): {publicKey: PublicKeyCredentialCreationOptionsJSON} (binary fields base64url); the challenge works once, for 5 minutes",
                      "parameters": [session_param()],
                      "responses": { "200": { "description": "The creation options" }, "401": error_response("Session ended (sign_in_needed)") } }
        },
        "/api/v1/register/{session}/passkey/verify": {
            "post": register_step("Register the passkey the browser created (attestation none)", Some("PasskeyRegistration"),
                &[("400", "Refused: wrong site or challenge, replay, unsupported key (passkey_refused), or a malformed body"),
                  ("409", "No passkey request waiting, or it expired (wrong_step)")])
        },
        "/api/v1/register/{session}/methods/{kind}": {
            "delete": { "summary": "Remove a registration, unless what is left would not meet the policy",
                "parameters": [session_param(), { "name": "kind", "in": "path", "required": true, "schema": { "type": "string",
                    "enum": ["email", "alt_email", "mobile", "office_phone", "questions", "authenticator", "passkey"] } }],
                "responses": { "200": registration_answer(), "400": error_response("Nothing of this kind registered (invalid_input)"),
                               "401": error_response("Session ended (sign_in_needed)"),
                               "409": error_response("The policy needs it (method_needed)") } }
        },
        "/api/v1/openapi.json": { "get": {
            "summary": "This document",
            "responses": { "200": { "description": "The OpenAPI 3.1 description of the API" } } }},
        "/api/v1/reset/link": { "post": {
            "summary": "Open an administrator's one-time reset link: starts a reset with the link's proof passed (single use, 24 hours)",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false,
                "required": ["link"], "properties": { "link": { "type": "string", "description": "The token: the last segment of the link" } } } } } },
            "responses": { "200": { "description": "{flow, methods, required}, with the link's method already proven" },
                           "400": error_response("Malformed body"),
                           "403": error_response("Self-service not available for the account now (contact_helpdesk)"),
                           "410": error_response("Link used, expired or unknown (link_not_found)") } }},
        "/api/v1/admin/users/{login}/reset-link": { "post": {
            "summary": "Send a user a one-time reset link by e-mail or text message to the address on file (admin bearer token; audited; never a password)",
            "security": [{ "bearer": [] }],
            "parameters": [{ "name": "login", "in": "path", "required": true, "schema": { "type": "string" } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false,
                "required": ["via"], "properties": { "via": { "type": "string", "enum": ["email", "sms"] } } } } } },
            "responses": { "200": { "description": "{sent_to (masked), expires_at}" },
                           "400": error_response("Unknown channel, no such destination, or the user cannot use self-service (invalid_input)"),
                           "401": error_response("No valid admin token"),
                           "404": error_response("No directory has this user (user_not_found)"),
                           "503": error_response("The channel is failing (delivery_unavailable, with the cause); nothing was sent") } }},
        "/api/v1/admin/audit": { "get": {
            "summary": "One page of the audit trail, newest first (admin bearer token)",
            "security": [{ "bearer": [] }],
            "parameters": audit_params(true),
            "responses": { "200": { "description": "{rows: [{id, time, actor, target, activity, result, event_id, detail, client_ip, request_id}], matching, matching_capped, older (the before= of the next page, or null)}" },
                           "400": error_response("A filter is invalid (invalid_input, naming it)"),
                           "401": error_response("No admin token"),
                           "403": error_response("The token is not live (revoked or unknown); audited") } }},
        "/api/v1/admin/audit/export": { "get": {
            "summary": "The whole filtered audit trail, oldest first, streamed as CSV (with a header row) or JSON lines (admin bearer token)",
            "security": [{ "bearer": [] }],
            "parameters": audit_params(false),
            "responses": { "200": { "description": "text/csv or application/x-ndjson" },
                           "400": error_response("A filter or the format is invalid (invalid_input)"),
                           "401": error_response("No admin token"),
                           "403": error_response("The token is not live (revoked or unknown); audited") } }},
        "/api/v1/register/{session}/skip": { "post": register_step("Skip the registration interrupt for this session", None, &[]) },
        "/api/v1/register/{session}/reconfirm": { "post": register_step("Confirm the registered data is still current", None, &[]) }
    })
}

/// The audit filters as query parameters; `page` adds `before`, else `format`.
fn audit_params(page: bool) -> Value {
    let text = |name: &str, description: &str| json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" }, "description": description });
    let mut params = vec![
        text("since", "From this day (YYYY-MM-DD, UTC) or RFC 3339 time on"),
        text("until", "Before this time; a day means up to the end of that day"),
        text("user", "Rows about this user ID"),
        text("activity", "One activity type, by its exact name"),
        json!({ "name": "result", "in": "query", "required": false, "schema": { "type": "string", "enum": ["success", "failure"] } }),
    ];
    params.push(if page {
        json!({ "name": "before", "in": "query", "required": false, "schema": { "type": "integer" }, "description": "The older of the previous page" })
    } else {
        json!({ "name": "format", "in": "query", "required": false, "schema": { "type": "string", "enum": ["csv", "json"], "default": "csv" } })
    });
    Value::Array(params)
}

fn register_schemas() -> Value {
    json!({
        "SignInRequest": { "type": "object", "additionalProperties": false, "required": ["user", "password"],
            "properties": { "user": { "type": "string", "maxLength": 256 }, "password": { "type": "string" } } },
        "ContactRequest": { "type": "object", "additionalProperties": false, "required": ["kind", "value"],
            "properties": { "kind": { "type": "string", "enum": ["alt_email", "mobile", "office_phone"] }, "value": { "type": "string" } } },
        "CodeRequest": { "type": "object", "additionalProperties": false, "required": ["code"], "properties": { "code": { "type": "string" } } },
        "PasskeyRegistration": { "type": "object", "required": ["clientDataJSON", "authenticatorData", "publicKey", "publicKeyAlgorithm", "rawId"],
            "description": "From the PublicKeyCredential: response.clientDataJSON, response.getAuthenticatorData(), response.getPublicKey() (SPKI DER), response.getPublicKeyAlgorithm(), rawId, response.getTransports(); binary fields base64url",
            "properties": { "clientDataJSON": { "type": "string" }, "authenticatorData": { "type": "string" }, "publicKey": { "type": "string" },
                "publicKeyAlgorithm": { "type": "integer" }, "rawId": { "type": "string" }, "transports": { "type": "array", "items": { "type": "string" } } } },
        "QuestionsRequest": { "type": "object", "additionalProperties": false, "required": ["answers"],
            "properties": { "answers": { "type": "array", "items": { "type": "object", "additionalProperties": false, "required": ["question", "answer"],
                "properties": { "question": { "type": "string", "description": "A question id from the registration's questions" }, "answer": { "type": "string" } } } } } },
        "Registration": { "type": "object", "required": ["login", "required", "usable", "enough", "items"],
            "properties": { "login": { "type": "string" }, "display_name": { "type": "string" }, "required": { "type": "integer" },
                "usable": { "type": "integer" }, "enough": { "type": "boolean" }, "stale": { "type": "boolean" }, "interrupt": { "type": "boolean" },
                "items": { "type": "array" }, "can_register": { "type": "array", "items": { "type": "string" } },
                "questions_to_register": { "type": "integer" }, "questions": { "type": "array" }, "pending": { "type": ["object", "null"] } } }
    })
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut doc = base_document();
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), register_paths()) {
        paths.extend(more);
    }
    if let (Some(schemas), Value::Object(more)) = (doc["components"]["schemas"].as_object_mut(), register_schemas()) {
        schemas.extend(more);
    }
    doc
}

fn base_document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "passdesk self-service password API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Drive a self-service password reset: start with a user ID, prove identity with a one-time code, set the new password. Every error is {error:{code,message,request_id}}. Unknown user IDs get the same answer shape as real ones."
        },
        "paths": {
            "/api/v1/reset/start": { "post": {
                "summary": "Start a reset for a user ID",
                "requestBody": json_body("StartRequest"),
                "responses": {
                    "200": { "description": "Flow started", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StartAnswer" } } } },
                    "400": error_response("Malformed body or user ID"),
                    "413": error_response("Body too large"),
                    "415": error_response("Not JSON"),
                    "503": error_response("Directory unreachable; nothing changed")
                }
            }},
            "/api/v1/captcha": { "get": {
                "summary": "A proof-of-work challenge for reset/start",
                "responses": { "200": { "description": "{required, challenge, difficulty, algorithm, expires_in}: find a solution (at most 32 characters) such that SHA-256(challenge + \":\" + solution) starts with difficulty zero bits; each challenge is accepted once. {required:false} when the captcha is off." } }
            }},
            "/api/v1/reset/{flow}": { "get": {
                "summary": "State of a flow",
                "parameters": [flow_param()],
                "responses": { "200": { "description": "Methods, proofs passed, and whether the password may be set" },
                               "404": error_response("No such flow"), "410": error_response("Flow expired") }
            }},
            "/api/v1/reset/{flow}/send": { "post": {
                "summary": "Send a one-time code for a method (phone methods: only after confirm matches the full number); for questions, draw the questions to answer; for a passkey, {sent:false, passkey: request options for navigator.credentials.get()}",
                "parameters": [flow_param()],
                "requestBody": json_body("SendRequest"),
                "responses": {
                    "200": { "description": "Code sent (8 digits, valid for valid_for seconds), or for questions {sent:false, questions:[{id,text}]}" },
                    "400": error_response("Unknown method, malformed body, confirm missing (invalid_input) or not the number on file (number_mismatch)"),
                    "409": error_response("Nothing is sent for an authenticator, or the method is already verified"),
                    "404": error_response("No such flow"), "410": error_response("Flow expired"),
                    "429": error_response("Asked again too soon (see Retry-After)"),
                    "503": error_response("The method's channel (mail server, text gateway) is failing: nothing was sent or changed; choose another method or try again in a few minutes (delivery_unavailable)")
                }
            }},
            "/api/v1/reset/{flow}/verify": { "post": {
                "summary": "Check a code (sent code or authenticator) or the answers to the drawn questions",
                "parameters": [flow_param()],
                "requestBody": json_body("VerifyRequest"),
                "responses": {
                    "200": { "description": "Code accepted; complete tells whether all required proofs are passed" },
                    "400": error_response("Wrong or expired code (code_wrong, code_expired), wrong answers (answers_wrong; new questions drawn), wrong authenticator code (authenticator_wrong)"),
                    "409": error_response("No code sent yet, or proofs already complete"),
                    "429": error_response("Too many wrong tries: the code is dead (code_used_up)")
                }
            }},
            "/api/v1/password/check": { "post": {
                "summary": "Every rule a candidate new password misses, for a flow whose proofs are complete (feeds a strength meter)",
                "requestBody": json_body("CheckRequest"),
                "responses": {
                    "200": { "description": "{acceptable, score (zxcvbn 0-4), problems: [sentence]}" },
                    "400": error_response("Malformed body or a password over 1024 characters"),
                    "404": error_response("No such flow"), "409": error_response("Proofs not complete yet")
                }
            }},
            "/api/v1/reset/{flow}/unlock": { "post": {
                "summary": "Unlock the account after the proofs, keeping the password",
                "parameters": [flow_param()],
                "responses": {
                    "200": { "description": "Unlocked" },
                    "409": error_response("Proofs not complete"),
                    "403": error_response("Account may not be unlocked here (contact_helpdesk)"),
                    "503": error_response("Directory unreachable; nothing changed")
                }
            }},
            "/api/v1/admin/policy": {
                "get": { "summary": "The reset policy (admin bearer token)", "security": [{ "bearer": [] }],
                         "responses": { "200": { "description": "The policy" }, "401": error_response("No valid admin token") } },
                "put": { "summary": "Change some keys of the reset policy (audited)", "security": [{ "bearer": [] }],
                         "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object" } } } },
                         "responses": { "200": { "description": "The new policy" },
                                        "400": error_response("A key is unknown or a value invalid (invalid_policy); nothing changed"),
                                        "401": error_response("No valid admin token") } }
            },
            "/api/v1/admin/users/{login}/methods": {
                "get": { "summary": "A user's contact data and registrations, masked, with their source (admin bearer token)", "security": [{ "bearer": [] }],
                         "parameters": [{ "name": "login", "in": "path", "required": true, "schema": { "type": "string" } }],
                         "responses": { "200": { "description": "{login, directory, methods: [{kind, value (masked), source: directory|user|import, set_at}]}" },
                                        "400": error_response("The user ID is malformed (invalid_input)"),
                                        "401": error_response("No valid admin token"),
                                        "404": error_response("No directory has this user (user_not_found)") } },
                "put": { "summary": "Pre-populate contact data for a user, checked like an import row (audited)", "security": [{ "bearer": [] }],
                         "parameters": [{ "name": "login", "in": "path", "required": true, "schema": { "type": "string" } }],
                         "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "additionalProperties": false,
                             "properties": { "email": { "type": "string" }, "alt_email": { "type": "string" }, "mobile": { "type": "string" },
                                             "office_phone": { "type": "string" }, "directory": { "type": "string" }, "overwrite_verified": { "type": "boolean" } } } } } },
                         "responses": { "200": { "description": "{added, changed, unchanged, kept_verified, methods}" },
                                        "400": error_response("A field is invalid (invalid_input, naming the field); nothing changed"),
                                        "401": error_response("No valid admin token"),
                                        "404": error_response("No directory has this user (user_not_found)") } },
                "delete": { "summary": "Remove one kind (?kind=) or all of a user's registered and imported data (audited)", "security": [{ "bearer": [] }],
                         "parameters": [{ "name": "login", "in": "path", "required": true, "schema": { "type": "string" } },
                                        { "name": "kind", "in": "query", "required": false, "schema": { "type": "string",
                                          "enum": ["email", "alt_email", "mobile", "office_phone", "questions", "authenticator", "passkey"] } }],
                         "responses": { "200": { "description": "{removed}" },
                                        "400": error_response("Unknown kind (invalid_input)"),
                                        "401": error_response("No valid admin token"),
                                        "404": error_response("No directory has this user (user_not_found)") } }
            },
            "/api/v1/change": { "post": {
                "summary": "Change a password the person knows",
                "requestBody": json_body("ChangeRequest"),
                "responses": {
                    "200": { "description": "Written to the directory" },
                    "400": error_response("Malformed body"),
                    "401": error_response("User ID or current password not correct (wrong_credentials)"),
                    "403": error_response("Account locked (account_locked) or not eligible"),
                    "422": error_response("New password refused by passdesk's or the directory's policy"),
                    "503": error_response("Directory unreachable; nothing changed")
                }
            }},
            "/api/v1/reset/{flow}/password": { "post": {
                "summary": "Set the new password after the proofs",
                "parameters": [flow_param()],
                "requestBody": json_body("PasswordRequest"),
                "responses": {
                    "200": { "description": "Written to the directory" },
                    "409": error_response("Proofs not complete"),
                    "422": error_response("Password refused by passdesk's or the directory's policy"),
                    "503": error_response("Directory unreachable; nothing changed")
                }
            }}
        },
        "components": { "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }, "schemas": {
            "ChangeRequest": { "type": "object", "additionalProperties": false, "required": ["user", "old_password", "new_password"],
                "properties": { "user": { "type": "string" }, "old_password": { "type": "string" }, "new_password": { "type": "string" } } },
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
                "required": ["code", "message"],
                "properties": { "code": { "type": "string" }, "message": { "type": "string" }, "request_id": { "type": "string" } } } } },
            "StartRequest": { "type": "object", "additionalProperties": false, "required": ["user"],
                "properties": { "user": { "type": "string", "maxLength": 256 },
                    "captcha": { "type": "object", "additionalProperties": false, "required": ["challenge", "solution"],
                        "properties": { "challenge": { "type": "string" }, "solution": { "type": "string", "maxLength": 32 } } } } },
            "Method": { "type": "object", "properties": { "id": { "type": "string" }, "kind": { "type": "string", "enum": ["email", "alt_email", "mobile_sms", "mobile_voice", "office_voice", "questions", "authenticator", "passkey"] }, "hint": { "type": "string" } } },
            "StartAnswer": { "type": "object", "properties": { "flow": { "type": "string" },
                "methods": { "type": "array", "items": { "$ref": "#/components/schemas/Method" } }, "required": { "type": "integer" } } },
            "SendRequest": { "type": "object", "additionalProperties": false, "required": ["method"], "properties": { "method": { "type": "string" },
                "confirm": { "type": "string", "description": "Phone methods: the full number the hint masks, with country code" } } },
            "VerifyRequest": { "type": "object", "additionalProperties": false, "required": ["method"],
                "properties": { "method": { "type": "string" },
                    "code": { "type": "string", "description": "8 digits (sent codes) or 6 (authenticator); spaces and dashes ignored" },
                    "credential": { "type": "object", "description": "Passkey method: {clientDataJSON, authenticatorData, signature, rawId, userHandle} from navigator.credentials.get(), binary fields base64url" },
                    "answers": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Questions method: answer by question id, every drawn question" } } },
            "CheckRequest": { "type": "object", "additionalProperties": false, "required": ["flow", "password"],
                "properties": { "flow": { "type": "string" }, "password": { "type": "string" } } },
            "PasswordRequest": { "type": "object", "additionalProperties": false, "required": ["new_password"],
                "properties": { "new_password": { "type": "string" } } }
        }}
    })
}

/// `GET /api/v1/openapi.json`
pub async fn openapi_get() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
