//! The admin portal under `/admin`: sign-in, then one area per page group.
//! Every page takes the [`session::Admin`] extractor, every change is a
//! CSRF-checked POST that calls one flow method, and sensitive changes ask
//! for the password again. Admin pages speak English.

mod audit;
mod charts;
mod directories;
mod home;
mod insights;
mod outbox;
mod policy;
mod session;
mod sign_in;
mod tokens;
mod troubleshooting;
mod users;

pub use session::{Admin, AdminError};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;

/// Registers the admin routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/admin").configure(areas));
}

/// Each area registers its own routes (paths relative to `/admin`).
fn areas(cfg: &mut web::ServiceConfig) {
    sign_in::configure(cfg);
    home::configure(cfg);
    audit::configure(cfg);
    insights::configure(cfg);
    policy::configure(cfg);
    tokens::configure(cfg);
    users::configure(cfg);
    directories::configure(cfg);
    outbox::configure(cfg);
    troubleshooting::configure(cfg);
}

/// Renders an admin page: 200, never stored.
pub fn render<T: askama::Template>(tpl: &T) -> HttpResponse {
    session::no_store(crate::http::views::render(StatusCode::OK, tpl))
}

/// Renders an admin page with another status (a form sent back with its problem).
pub fn render_status<T: askama::Template>(status: StatusCode, tpl: &T) -> HttpResponse {
    session::no_store(crate::http::views::render(status, tpl))
}

pub use session::see_other;

/// The short notice a page shows after a redirect (`?done=…`), from a
/// fixed list so no link can put words on the page.
pub fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "saved" => "Saved.",
        "revoked" => "The token was revoked: it stops working at once.",
        "unblocked" => "The block was lifted.",
        "removed" => "Removed.",
        "sent" => "Sent.",
        "retried" => "Queued to be sent again.",
        "checked" => "The check ran: see the results below.",
        "reauthenticated" => "Password confirmed.",
        _ => return None,
    })
}

/// The request bodies of this module's handlers, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<super::fuzz::Decoder> {
    [
        audit::bodies(),
        directories::bodies(),
        insights::bodies(),
        outbox::bodies(),
        sign_in::bodies(),
        tokens::bodies(),
        users::bodies(),
        policy::bodies(),
    ]
    .concat()
}

/// The branding form's multipart reader, for the fuzz targets ([`crate::http::fuzz::multipart`]).
pub(super) fn multipart(content_type: &str, body: &[u8]) -> Result<(), String> {
    policy::multipart_parts(content_type, body)
}
