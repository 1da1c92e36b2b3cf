//! The registration paths of the document (`/api/v1/register/…`).

use super::{answer, error, json_body, token_param};
use serde_json::{Value, json};

fn session_param() -> Value {
    token_param("session", "The session token returned by register/session (64 hex characters)")
}

fn registration() -> Value {
    answer("The registration: what is registered, masked, and what the policy requires", "Registration")
}

/// A registration step: its summary, body schema (if any), success and the
/// errors it may answer besides the ones every step shares.
fn step(summary: &str, body: Option<&str>, ok: Value, errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({ "200": ok,
        "401": error("Session ended or unknown: sign in again (sign_in_needed)"),
        "429": error("The account is blocked from self-service after too many failures (blocked), or too many requests from this address (rate_limited)"),
        "503": error("The directory is unreachable (directory_unavailable); nothing changed") });
    for (status, what) in errors {
        responses[*status] = error(what);
    }
    let mut op = json!({ "summary": summary, "parameters": [session_param()], "responses": responses });
    if let Some(schema) = body {
        op["requestBody"] = json_body(schema);
    }
    op
}

/// The `/api/v1/register/…` paths.
pub(super) fn paths() -> Value {
    let mut signed_in = answer("Signed in: {session, registration}", "SignedIn");
    signed_in["links"] = json!({ "registration": { "operationId": "register_view",
        "parameters": { "session": "$response.body#/session" } } });
    let mut view = step("What is registered, masked, and what the policy requires", None, registration(), &[]);
    view["operationId"] = json!("register_view");
    let mut sign_out = step("Sign out", None, json!(null), &[]);
    if let Some(responses) = sign_out["responses"].as_object_mut() {
        responses.remove("200");
        responses
            .insert("204".into(), json!({ "description": "Signed out (also when the session had already ended)" }));
    }
    json!({
        "/api/v1/register/session": { "post": {
            "summary": "Sign in to registration with the directory password; answers a session token and the registration",
            "operationId": "register_sign_in",
            "requestBody": json_body("SignInRequest"),
            "responses": { "200": signed_in,
                           "400": error("Malformed body or user ID (invalid_input)"),
                           "401": error("User ID or password not correct (wrong_credentials)"),
                           "403": error("Account locked (account_locked) or self-service not available (contact_helpdesk)"),
                           "429": error("Too many requests (rate_limited) or blocked after too many failures (blocked)"),
                           "503": error("The directory is unreachable (directory_unavailable)") } }},
        "/api/v1/register/{session}": { "get": view, "delete": sign_out },
        "/api/v1/register/{session}/contact": {
            "post": step("Send a code to a new alternate e-mail (kind alt_email), mobile (text) or office phone (call); saved once the code is verified",
                Some("ContactRequest"), registration(),
                &[("400", "Malformed address or number, or unknown kind (invalid_input)"),
                  ("403", "This kind may not be registered under the policy (contact_helpdesk)"),
                  ("429", "Asked again too soon (too_soon), message budget spent (blocked, phone_budget_spent), or rate_limited"),
                  ("503", "The directory is unreachable, or the channel (mail server, text gateway) is failing (delivery_unavailable); nothing changed")]),
            "delete": step("Cancel the registration waiting for its code", None, registration(), &[])
        },
        "/api/v1/register/{session}/contact/verify": {
            "post": step("Check the code sent to the new address or number and save it", Some("CodeRequest"), registration(),
                &[("400", "Wrong or expired code (code_wrong, code_expired)"), ("409", "No code sent (no_code_sent)"),
                  ("429", "Too many wrong tries (code_used_up, blocked), or rate_limited")])
        },
        "/api/v1/register/{session}/questions": {
            "put": step("Choose and answer security questions (the policy's number; answers distinct, not the question, not the password)",
                Some("QuestionsRequest"), registration(),
                &[("400", "Wrong count, unknown or repeated question, or a bad answer (invalid_input)"),
                  ("403", "Security questions are not offered by the policy (contact_helpdesk)")])
        },
        "/api/v1/register/{session}/authenticator": {
            "post": step("A new authenticator secret and its QR code", None, answer("The secret and its QR code", "AuthenticatorSetup"),
                &[("403", "Authenticator apps are not offered by the policy (contact_helpdesk)")])
        },
        "/api/v1/register/{session}/authenticator/verify": {
            "post": step("Confirm the authenticator with its first code and save it", Some("CodeRequest"), registration(),
                &[("400", "Wrong code (authenticator_wrong)"), ("409", "No set-up started (wrong_step)")])
        },
        "/api/v1/register/{session}/passkey": {
            "post": step("Options for navigator.credentials.create() (binary fields base64url); the challenge works once, for 5 minutes",
                None, answer("The creation options", "PasskeyOptions"),
                &[("403", "Passkeys are not offered by the policy (contact_helpdesk)")])
        },
        "/api/v1/register/{session}/passkey/verify": {
            "post": step("Register the passkey the browser created (attestation none)", Some("PasskeyRegistration"), registration(),
                &[("400", "Refused: wrong site or challenge, replay, unsupported key (passkey_refused), or a malformed body"),
                  ("409", "No passkey request waiting, or it expired (wrong_step)")])
        },
        "/api/v1/register/{session}/methods/{kind}": {
            "delete": {
                "summary": "Remove a registration, unless what is left would not meet the policy",
                "parameters": [session_param(), { "name": "kind", "in": "path", "required": true, "schema": { "type": "string",
                    "enum": ["email", "alt_email", "mobile", "office_phone", "questions", "authenticator", "passkey"] } }],
                "responses": { "200": registration(),
                               "400": error("Unknown kind, or nothing of this kind registered (invalid_input)"),
                               "401": error("Session ended or unknown (sign_in_needed)"),
                               "409": error("The policy needs it (method_needed)"),
                               "429": error("The account is blocked from self-service after too many failures (blocked)"),
                               "503": error("The directory is unreachable (directory_unavailable)") } }
        },
        "/api/v1/register/{session}/skip": { "post": step("Skip the registration interrupt for this session", None, registration(), &[]) },
        "/api/v1/register/{session}/reconfirm": { "post": step("Confirm the registered data is still current", None, registration(), &[]) }
    })
}
