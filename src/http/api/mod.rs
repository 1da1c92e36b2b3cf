//! The JSON API under `/api/v1/` (DESIGN.md §9), documented by
//! `/api/v1/openapi.json`. The flow token is the `{flow}` path segment;
//! no cookies are read, so cross-site forms cannot drive it. Bodies are
//! strict: unknown fields are refused.

mod admin;
pub(crate) use admin::authorise;
mod openapi;
mod register;
mod reset;

use actix_web::web;

/// Registers the API routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi::openapi_get))
        .route("/captcha", web::get().to(reset::captcha_get))
        .route("/reset/start", web::post().to(reset::start_post))
        .route("/reset/link", web::post().to(reset::link_post))
        .route("/reset/{flow}", web::get().to(reset::flow_get))
        .route("/reset/{flow}/send", web::post().to(reset::send_post))
        .route("/reset/{flow}/verify", web::post().to(reset::verify_post))
        .route("/reset/{flow}/password", web::post().to(reset::password_post))
        .route("/reset/{flow}/unlock", web::post().to(reset::unlock_post))
        .route("/register/session", web::post().to(register::sign_in_post))
        .route("/register/{session}", web::get().to(register::view_get))
        .route("/register/{session}", web::delete().to(register::sign_out_delete))
        .route("/register/{session}/contact", web::post().to(register::contact_post))
        .route("/register/{session}/contact", web::delete().to(register::contact_delete))
        .route("/register/{session}/contact/verify", web::post().to(register::contact_verify_post))
        .route("/register/{session}/questions", web::put().to(register::questions_put))
        .route("/register/{session}/authenticator", web::post().to(register::authenticator_post))
        .route("/register/{session}/authenticator/verify", web::post().to(register::authenticator_verify_post))
        .route("/register/{session}/passkey", web::post().to(register::passkey_post))
        .route("/register/{session}/passkey/verify", web::post().to(register::passkey_verify_post))
        .route("/register/{session}/methods/{kind}", web::delete().to(register::method_delete))
        .route("/register/{session}/skip", web::post().to(register::skip_post))
        .route("/register/{session}/reconfirm", web::post().to(register::reconfirm_post))
        .route("/change", web::post().to(reset::change_post))
        .route("/password/check", web::post().to(reset::password_check_post))
        .route("/admin/audit", web::get().to(admin::audit_get))
        .route("/admin/audit/export", web::get().to(admin::audit_export_get))
        .route("/admin/policy", web::get().to(admin::policy_get))
        .route("/admin/policy", web::put().to(admin::policy_put))
        .route("/admin/users/{login}/methods", web::get().to(admin::methods_get))
        .route("/admin/users/{login}/methods", web::put().to(admin::methods_put))
        .route("/admin/users/{login}/methods", web::delete().to(admin::methods_delete))
        .route("/admin/users/{login}/reset-link", web::post().to(admin::reset_link_post));
}

/// Who is asking, for the audit trail.
fn client(req: &actix_web::HttpRequest, rid: &crate::http::middleware::RequestId) -> crate::flow::Client {
    crate::flow::Client {
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        request_id: Some(rid.0.clone()),
        lang: crate::http::i18n::requested(req),
    }
}

/// The JSON of a strength report, shared by the API and the portal's meter.
pub(crate) fn password_report_json(
    report: &crate::flow::policy::PasswordReport,
    lang: crate::i18n::Lang,
) -> actix_web::HttpResponse {
    let problems: Vec<String> = report.problems.iter().map(|m| lang.msg(m)).collect();
    actix_web::HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(serde_json::json!({
        "acceptable": report.acceptable,
        "score": report.score,
        "problems": problems,
    }))
}

/// The request bodies of this module's handlers, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<super::fuzz::Decoder> {
    [reset::bodies(), register::bodies(), admin::bodies()].concat()
}
