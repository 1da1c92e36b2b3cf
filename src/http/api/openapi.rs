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

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
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
                "summary": "Send a one-time code for a method (phone methods: only after confirm matches the full number); for questions, draw the questions to answer",
                "parameters": [flow_param()],
                "requestBody": json_body("SendRequest"),
                "responses": {
                    "200": { "description": "Code sent (8 digits, valid for valid_for seconds), or for questions {sent:false, questions:[{id,text}]}" },
                    "400": error_response("Unknown method, malformed body, confirm missing (invalid_input) or not the number on file (number_mismatch)"),
                    "409": error_response("Nothing is sent for an authenticator, or the method is already verified"),
                    "404": error_response("No such flow"), "410": error_response("Flow expired"),
                    "429": error_response("Asked again too soon (see Retry-After)")
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
                                          "enum": ["email", "alt_email", "mobile", "office_phone", "questions", "authenticator"] } }],
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
            "Method": { "type": "object", "properties": { "id": { "type": "string" }, "kind": { "type": "string", "enum": ["email", "alt_email", "mobile_sms", "mobile_voice", "office_voice", "questions", "authenticator"] }, "hint": { "type": "string" } } },
            "StartAnswer": { "type": "object", "properties": { "flow": { "type": "string" },
                "methods": { "type": "array", "items": { "$ref": "#/components/schemas/Method" } }, "required": { "type": "integer" } } },
            "SendRequest": { "type": "object", "additionalProperties": false, "required": ["method"], "properties": { "method": { "type": "string" },
                "confirm": { "type": "string", "description": "Phone methods: the full number the hint masks, with country code" } } },
            "VerifyRequest": { "type": "object", "additionalProperties": false, "required": ["method"],
                "properties": { "method": { "type": "string" },
                    "code": { "type": "string", "description": "8 digits (sent codes) or 6 (authenticator); spaces and dashes ignored" },
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
