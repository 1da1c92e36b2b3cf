//! The JSON API under `/api/v1/` (DESIGN.md §9), documented by
//! `/api/v1/openapi.json`. The flow token is the `{flow}` path segment;
//! no cookies are read, so cross-site forms cannot drive it. Bodies are
//! strict: unknown fields are refused.

mod admin;
pub(crate) use admin::authorise;
pub(crate) use openapi::allowed_methods;
mod openapi;
mod register;
mod reset;

use actix_web::web;

/// Registers the API routes (inside the `/api/v1` scope). Each path is one
/// resource, so a method it does not have gets a 405 with `Allow` instead
/// of falling through to another path's template (`GET /reset/start` is
/// not `GET /reset/{flow}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/openapi.json").route(web::get().to(openapi::openapi_get)));
    cfg.service(resource("/captcha").route(web::get().to(reset::captcha_get)));
    cfg.service(resource("/reset/start").route(web::post().to(reset::start_post)));
    cfg.service(resource("/reset/link").route(web::post().to(reset::link_post)));
    cfg.service(resource("/reset/{flow}").route(web::get().to(reset::flow_get)));
    cfg.service(resource("/reset/{flow}/send").route(web::post().to(reset::send_post)));
    cfg.service(resource("/reset/{flow}/verify").route(web::post().to(reset::verify_post)));
    cfg.service(resource("/reset/{flow}/password").route(web::post().to(reset::password_post)));
    cfg.service(resource("/reset/{flow}/unlock").route(web::post().to(reset::unlock_post)));
    cfg.service(resource("/register/session").route(web::post().to(register::sign_in_post)));
    cfg.service(
        resource("/register/{session}")
            .route(web::get().to(register::view_get))
            .route(web::delete().to(register::sign_out_delete)),
    );
    cfg.service(
        resource("/register/{session}/contact")
            .route(web::post().to(register::contact_post))
            .route(web::delete().to(register::contact_delete)),
    );
    cfg.service(resource("/register/{session}/contact/verify").route(web::post().to(register::contact_verify_post)));
    cfg.service(resource("/register/{session}/questions").route(web::put().to(register::questions_put)));
    cfg.service(resource("/register/{session}/authenticator").route(web::post().to(register::authenticator_post)));
    cfg.service(
        resource("/register/{session}/authenticator/verify").route(web::post().to(register::authenticator_verify_post)),
    );
    cfg.service(resource("/register/{session}/passkey").route(web::post().to(register::passkey_post)));
    cfg.service(resource("/register/{session}/passkey/verify").route(web::post().to(register::passkey_verify_post)));
    cfg.service(resource("/register/{session}/methods/{kind}").route(web::delete().to(register::method_delete)));
    cfg.service(resource("/register/{session}/skip").route(web::post().to(register::skip_post)));
    cfg.service(resource("/register/{session}/reconfirm").route(web::post().to(register::reconfirm_post)));
    cfg.service(resource("/change").route(web::post().to(reset::change_post)));
    cfg.service(resource("/password/check").route(web::post().to(reset::password_check_post)));
    cfg.service(resource("/admin/audit").route(web::get().to(admin::audit_get)));
    cfg.service(resource("/admin/audit/export").route(web::get().to(admin::audit_export_get)));
    cfg.service(
        resource("/admin/policy").route(web::get().to(admin::policy_get)).route(web::put().to(admin::policy_put)),
    );
    cfg.service(
        resource("/admin/users/{login}/methods")
            .route(web::get().to(admin::methods_get))
            .route(web::put().to(admin::methods_put))
            .route(web::delete().to(admin::methods_delete)),
    );
    cfg.service(resource("/admin/users/{login}/reset-link").route(web::post().to(admin::reset_link_post)));
}

/// One API path; its routes are added by the caller.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(crate::http::error::api_not_found))
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
