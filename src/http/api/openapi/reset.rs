//! The reset, unlock, change and password-check paths of the document.

use super::{answer, error, json_body, token_param};
use serde_json::{Value, json};

fn flow_param() -> Value {
    token_param("flow", "The flow token returned by reset/start or reset/link (64 hex characters)")
}

/// The answers every step of a started flow shares.
fn flow_errors() -> Value {
    json!({
        "404": error("No such flow (flow_not_found)"),
        "410": error("The flow expired (flow_expired): start again"),
        "503": error("The directory is unreachable (directory_unavailable); nothing changed")
    })
}

/// An operation on a started flow: its id, summary, body, success and own errors.
fn flow_step(id: &str, summary: &str, body: Option<&str>, ok: Value, errors: &[(&str, &str)]) -> Value {
    let mut responses = flow_errors();
    responses["200"] = ok;
    for (status, what) in errors {
        responses[*status] = error(what);
    }
    let mut op = json!({ "summary": summary, "operationId": id, "parameters": [flow_param()], "responses": responses });
    if let Some(schema) = body {
        op["requestBody"] = json_body(schema);
    }
    op
}

/// The links from an answer carrying a flow token to the steps that use it.
fn flow_links() -> Value {
    let to = |op: &str| json!({ "operationId": op, "parameters": { "flow": "$response.body#/flow" } });
    json!({ "state": to("reset_flow"), "send": to("reset_send"), "verify": to("reset_verify"),
            "password": to("reset_password"), "unlock": to("reset_unlock") })
}

/// The `/api/v1/reset/…`, `/api/v1/change` and `/api/v1/password/check` paths.
pub(super) fn paths() -> Value {
    let mut started = answer("Flow started: {flow, methods, required}", "StartAnswer");
    started["links"] = flow_links();
    let mut linked = answer("Flow started with the link's method already proven", "StartAnswer");
    linked["links"] = flow_links();
    json!({
        "/api/v1/captcha": { "get": {
            "summary": "A proof-of-work challenge for reset/start",
            "operationId": "captcha",
            "responses": { "200": answer("Find a solution (at most 32 characters) such that SHA-256(challenge + \":\" + solution) starts with difficulty zero bits; each challenge is accepted once. {required:false} when the captcha is off.", "Captcha") } }},
        "/api/v1/reset/start": { "post": {
            "summary": "Start a reset for a user ID",
            "operationId": "reset_start",
            "requestBody": json_body("StartRequest"),
            "responses": {
                "200": started,
                "400": error("Malformed body or user ID (invalid_input), captcha missing, wrong or expired (captcha_invalid) or already used (captcha_used)"),
                "403": error("Self-service is not available to the account (contact_helpdesk)"),
                "429": error("Too many requests from this address (rate_limited) or the account is blocked after too many failures (blocked)"),
                "503": error("The directory is unreachable (directory_unavailable); nothing changed")
            } }},
        "/api/v1/reset/link": { "post": {
            "summary": "Open an administrator's one-time reset link: starts a reset with the link's proof passed (single use, 24 hours)",
            "operationId": "reset_link",
            "requestBody": json_body("LinkRequest"),
            "responses": { "200": linked,
                           "400": error("Malformed body (invalid_input)"),
                           "403": error("Self-service not available for the account now (contact_helpdesk)"),
                           "410": error("Link used, expired or unknown (link_not_found)"),
                           "429": error("Too many requests (rate_limited) or the account is blocked (blocked)"),
                           "503": error("The directory is unreachable (directory_unavailable); nothing changed") } }},
        "/api/v1/reset/{flow}": { "get": flow_step("reset_flow", "State of a flow: methods, proofs passed, and, once a proof is passed, the password policy for this user",
                None, answer("The flow's state", "FlowState"), &[])
        },
        "/api/v1/reset/{flow}/send": { "post": flow_step("reset_send", "Send a one-time code for a method (phone methods: only after confirm matches the full number); for questions, draw the questions to answer; for a passkey, the request options for navigator.credentials.get()",
                Some("SendRequest"), answer("Code sent (8 digits, valid for valid_for seconds), or the questions, or the passkey options", "SendAnswer"),
                &[("400", "Unknown method (unknown_method), malformed body or confirm missing (invalid_input), or not the number on file (number_mismatch)"),
                  ("403", "Self-service is not available to the account (contact_helpdesk)"),
                  ("409", "Nothing is sent for an authenticator, the method is already verified, or proofs are complete (wrong_step)"),
                  ("429", "Asked again too soon (too_soon, see Retry-After), message budget spent (phone_budget_spent), the account is blocked (blocked), or rate_limited"),
                  ("503", "The method's channel (mail server, text gateway) is failing (delivery_unavailable) or the directory is unreachable: nothing was sent or changed")])
        },
        "/api/v1/reset/{flow}/verify": { "post": flow_step("reset_verify", "Check a code (sent code or authenticator), the answers to the drawn questions, or a passkey's answer",
                Some("VerifyRequest"), answer("Proof accepted; complete tells whether all required proofs are passed", "VerifyAnswer"),
                &[("400", "Not exactly one of code, answers, credential (invalid_input); unknown method (unknown_method); wrong or expired code (code_wrong, code_expired); wrong answers (answers_wrong; new questions drawn); wrong authenticator code (authenticator_wrong); passkey refused (passkey_refused)"),
                  ("403", "Self-service is not available to the account (contact_helpdesk)"),
                  ("409", "No code sent yet (no_code_sent), or proofs already complete (wrong_step)"),
                  ("429", "Too many wrong tries: the code is dead (code_used_up), the account is blocked (blocked), or rate_limited")])
        },
        "/api/v1/reset/{flow}/password": { "post": flow_step("reset_password", "Set the new password after the proofs", Some("PasswordRequest"), answer("Written to the directory", "Done"),
                &[("400", "Malformed body (invalid_input)"),
                  ("403", "Self-service is not available to the account (contact_helpdesk) or it is locked (account_locked)"),
                  ("409", "Proofs not complete (wrong_step)"),
                  ("429", "The account was blocked after too many failures or a \"this wasn't me\" report (blocked), or rate_limited"),
                  ("422", "Password refused by passdesk's policy (password_rejected) or the directory's (directory_policy)"),
                  ("503", "The directory is unreachable (directory_unavailable) or only some linked accounts were written (partial_writeback)")])
        },
        "/api/v1/reset/{flow}/unlock": { "post": flow_step("reset_unlock", "Unlock the account after the proofs, keeping the password", None, answer("Unlocked", "Unlocked"),
                &[("403", "Unlock is not allowed by the policy (unlock_disabled) or the account may not use self-service (contact_helpdesk)"),
                  ("409", "Proofs not complete (wrong_step)")])
        },
        "/api/v1/password/check": { "post": {
            "summary": "Every rule a candidate new password misses, for a flow whose proofs are complete (feeds a strength meter)",
            "operationId": "password_check",
            "requestBody": json_body("CheckRequest"),
            "responses": {
                "200": answer("{acceptable, score (zxcvbn 0-4), problems: [sentence]}", "PasswordReport"),
                "400": error("Malformed body, or a password over 1024 characters (invalid_input)"),
                "404": error("No such flow (flow_not_found)"), "410": error("The flow expired (flow_expired)"),
                "409": error("Proofs not complete yet (wrong_step)"),
                "503": error("The directory is unreachable (directory_unavailable)")
            } }},
        "/api/v1/change": { "post": {
            "summary": "Change a password the person knows",
            "operationId": "change",
            "requestBody": json_body("ChangeRequest"),
            "responses": {
                "200": answer("Written to the directory", "Changed"),
                "400": error("Malformed body or user ID (invalid_input)"),
                "401": error("User ID or current password not correct (wrong_credentials)"),
                "403": error("Account locked (account_locked) or not eligible (contact_helpdesk)"),
                "422": error("New password refused by passdesk's policy (password_rejected) or the directory's (directory_policy)"),
                "429": error("Too many requests (rate_limited) or the account is blocked after too many failures (blocked)"),
                "503": error("The directory is unreachable (directory_unavailable) or only some linked accounts were written (partial_writeback); nothing changed")
            } }}
    })
}
