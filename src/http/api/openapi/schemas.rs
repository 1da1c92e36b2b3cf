//! The request and answer schemas of the document. Requests are strict
//! (`additionalProperties: false`, as the handlers refuse unknown fields);
//! answers list the keys passdesk always sends.

use serde_json::{Value, json};

fn string() -> Value {
    json!({ "type": "string" })
}

fn integer() -> Value {
    json!({ "type": "integer" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

/// An object whose every listed property is required.
fn all_required(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties })
}

/// A strict request body: these properties, `required` among them, nothing else.
fn request(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "additionalProperties": false, "required": required, "properties": properties })
}

/// The one-key answers (`{done: true}`…).
fn flag(key: &str) -> Value {
    all_required(json!({ key: { "const": true } }))
}

/// The reset, change and check schemas.
fn reset_schemas() -> Value {
    let question = all_required(json!({ "id": string(), "text": string() }));
    json!({
        "Captcha": { "type": "object", "required": ["required"], "properties": { "required": boolean(), "challenge": string(),
            "difficulty": integer(), "algorithm": string(), "how": string(), "expires_in": integer() } },
        "StartRequest": request(&["user"], json!({ "user": { "type": "string", "maxLength": 256 },
            "captcha": request(&["challenge", "solution"], json!({ "challenge": string(), "solution": { "type": "string", "maxLength": 32 } })) })),
        "LinkRequest": request(&["link"], json!({ "link": { "type": "string", "description": "The token: the last segment of the link" } })),
        "Method": all_required(json!({ "id": string(), "hint": string(), "kind": { "type": "string",
            "enum": ["email", "alt_email", "mobile_sms", "mobile_voice", "office_voice", "questions", "authenticator", "passkey"] } })),
        "StartAnswer": all_required(json!({ "flow": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
            "methods": { "type": "array", "items": { "$ref": "#/components/schemas/Method" } }, "required": integer() })),
        "Question": question.clone(),
        "FlowState": all_required(json!({ "methods": { "type": "array", "items": { "$ref": "#/components/schemas/Method" } },
            "required": integer(), "proven": strings(), "questions": { "type": "array", "items": question },
            "ready_for_password": boolean(), "expires_in": integer(),
            "policy": { "type": ["object", "null"], "description": "The password policy for this user, once a proof is passed: {min_length, max_length, complexity, history, source, too_young_until, rules: [sentence]}" } })),
        "SendRequest": request(&["method"], json!({ "method": string(),
            "confirm": { "type": "string", "description": "Phone methods: the full number the hint masks, with country code" } })),
        "SendAnswer": { "type": "object", "required": ["sent"], "properties": { "sent": boolean(), "resend_after": integer(),
            "valid_for": integer(), "questions": { "type": "array", "items": { "$ref": "#/components/schemas/Question" } },
            "passkey": { "type": "object", "description": "PublicKeyCredentialRequestOptionsJSON" } } },
        "VerifyRequest": request(&["method"], json!({ "method": string(),
            "code": { "type": "string", "description": "8 digits (sent codes) or 6 (authenticator); spaces and dashes ignored" },
            "credential": { "type": "object", "additionalProperties": false, "required": ["clientDataJSON", "authenticatorData", "signature", "rawId"],
                "description": "Passkey method: from navigator.credentials.get(), binary fields base64url",
                "properties": { "clientDataJSON": string(), "authenticatorData": string(), "signature": string(), "rawId": string(),
                    "userHandle": { "type": ["string", "null"] } } },
            "answers": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Questions method: answer by question id, every drawn question" } })),
        "VerifyAnswer": all_required(json!({ "verified": { "const": true }, "complete": boolean() })),
        "PasswordRequest": request(&["new_password"], json!({ "new_password": string() })),
        "CheckRequest": request(&["flow", "password"], json!({ "flow": string(), "password": string() })),
        "PasswordReport": all_required(json!({ "acceptable": boolean(), "score": { "type": "integer", "minimum": 0, "maximum": 4 }, "problems": strings() })),
        "ChangeRequest": request(&["user", "old_password", "new_password"],
            json!({ "user": string(), "old_password": string(), "new_password": string() })),
        "Done": flag("done"),
        "Unlocked": flag("unlocked"),
        "Changed": flag("changed")
    })
}

/// The registration schemas.
fn register_schemas() -> Value {
    let item = all_required(json!({ "kind": string(), "label": string(), "hint": string(),
        "origin": { "type": "string", "enum": ["directory", "you", "imported", "synced"] },
        "since": { "type": ["string", "null"] }, "removable": boolean() }));
    json!({
        "SignInRequest": request(&["user", "password"], json!({ "user": { "type": "string", "maxLength": 256 }, "password": string() })),
        "SignedIn": all_required(json!({ "session": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
            "registration": { "$ref": "#/components/schemas/Registration" } })),
        "ContactRequest": request(&["kind", "value"], json!({ "kind": { "type": "string", "enum": ["alt_email", "mobile", "office_phone"] }, "value": string() })),
        "CodeRequest": request(&["code"], json!({ "code": string() })),
        "PasskeyRegistration": { "type": "object", "additionalProperties": false,
            "required": ["clientDataJSON", "authenticatorData", "publicKey", "publicKeyAlgorithm", "rawId"],
            "description": "From the PublicKeyCredential: response.clientDataJSON, response.getAuthenticatorData(), response.getPublicKey() (SPKI DER), response.getPublicKeyAlgorithm(), rawId, response.getTransports(); binary fields base64url",
            "properties": { "clientDataJSON": string(), "authenticatorData": string(), "publicKey": string(),
                "publicKeyAlgorithm": integer(), "rawId": string(), "transports": strings() } },
        "QuestionsRequest": request(&["answers"], json!({ "answers": { "type": "array", "items": request(&["question", "answer"],
            json!({ "question": { "type": "string", "description": "A question id from the registration's questions" }, "answer": string() })) } })),
        "Registration": all_required(json!({ "login": string(), "display_name": string(), "required": integer(),
            "usable": integer(), "enough": boolean(), "stale": boolean(), "interrupt": boolean(),
            "items": { "type": "array", "items": item }, "can_register": strings(), "questions_to_register": integer(),
            "questions": { "type": "array", "items": { "$ref": "#/components/schemas/Question" } },
            "pending": { "type": ["object", "null"], "properties": { "kind": string(), "hint": string(), "expires_in": integer() } } })),
        "AuthenticatorSetup": all_required(json!({ "secret": string(), "uri": string(), "qr_svg": string(), "expires_in": integer() })),
        "PasskeyOptions": all_required(json!({ "publicKey": { "type": "object", "description": "PublicKeyCredentialCreationOptionsJSON" } }))
    })
}

/// The admin API schemas.
fn admin_schemas() -> Value {
    let methods = json!([
        "email",
        "alt_email",
        "mobile_sms",
        "mobile_voice",
        "office_voice",
        "questions",
        "authenticator",
        "passkey"
    ]);
    let policy = json!({ "enabled": { "type": "string", "enum": ["none", "group", "all"] },
        "methods_required": integer(), "methods": { "type": "array", "items": { "type": "string", "enum": methods } },
        "questions_to_register": integer(), "questions_to_reset": integer(), "require_registration": boolean(),
        "reconfirm_days": integer(), "reminder_days": integer(), "allow_unlock": boolean(), "notify_user_on_reset": boolean(),
        "notify_admins_on_admin_reset": boolean(), "helpdesk": string(), "custom_questions": strings() });
    let info = all_required(json!({ "kind": string(), "value": string(),
        "source": { "type": "string", "enum": ["directory", "user", "import", "sync"] }, "set_at": { "type": ["integer", "null"] } }));
    let nullable = json!({ "type": ["string", "null"] });
    let row = all_required(
        json!({ "id": integer(), "time": string(), "actor": string(), "target": string(), "activity": string(),
        "result": string(), "event_id": { "type": ["integer", "null"] }, "detail": string(), "client_ip": nullable,
        "request_id": nullable, "method": nullable, "directory": nullable, "reason": nullable }),
    );
    json!({
        "Policy": all_required(policy.clone()),
        "PolicyPatch": { "type": "object", "additionalProperties": false, "properties": policy,
            "description": "Only the keys to change; the policy that results is checked as a whole" },
        "UserMethods": all_required(json!({ "login": string(), "directory": string(), "methods": { "type": "array", "items": info } })),
        "MethodsRequest": request(&[], json!({ "email": string(), "alt_email": string(), "mobile": string(), "office_phone": string(),
            "directory": string(), "overwrite_verified": boolean() })),
        "MethodsPut": all_required(json!({ "added": integer(), "changed": integer(), "unchanged": integer(), "kept_verified": integer(),
            "methods": { "$ref": "#/components/schemas/UserMethods" } })),
        "Removed": all_required(json!({ "removed": integer() })),
        "ResetLinkRequest": request(&["via"], json!({ "via": { "type": "string", "enum": ["email", "sms"] } })),
        "ResetLinkSent": all_required(json!({ "sent_to": string(), "expires_at": string() })),
        "AuditPage": all_required(json!({ "rows": { "type": "array", "items": row }, "matching": integer(), "matching_capped": boolean(),
            "older": { "type": ["string", "null"] } }))
    })
}

/// Every schema of `components.schemas`.
pub(super) fn all() -> Value {
    let mut all = json!({ "Error": { "type": "object", "required": ["error"], "properties": { "error": all_required(
        json!({ "code": string(), "message": string(), "request_id": string() })) } } });
    for group in [reset_schemas(), register_schemas(), admin_schemas()] {
        if let (Some(all), Value::Object(group)) = (all.as_object_mut(), group) {
            all.extend(group);
        }
    }
    all
}
