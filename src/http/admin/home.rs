//! `/admin`: where an administrator lands after sign-in.

use super::session::AdminNav;
use super::{Admin, render};
use crate::http::Site;
use actix_web::{HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(home_get)).route("/", web::get().to(home_get));
}

/// `admin/home.html`
#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    site: Site,
    nav: AdminNav,
    login: String,
    directory: String,
    ends_at: String,
}

async fn home_get(admin: Admin) -> HttpResponse {
    let page = HomePage {
        site: admin.site.clone(),
        nav: admin.nav("home"),
        login: admin.login.clone(),
        directory: admin.session.directory.clone(),
        ends_at: crate::clock::rfc3339(admin.session.ends_at),
    };
    render(&page)
}
