//! `/admin/directories`: each directory's health in the reference's six
//! states with the time of the last check, and a button that runs the
//! same self-test as `passdesk check` and shows its checklist with the
//! line that fixes each failure.

use super::session::AdminNav;
use super::{Admin, AdminError, notice, render, see_other};
use crate::clock::rfc3339;
use crate::flow::directories_health::{DirectoryHealth, Health, Status};
use crate::http::{AppState, Site};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/directories", web::get().to(directories_get)).route("/directories/check", web::post().to(check_post));
}

/// `?done=` after a check.
#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The check button's form.
#[derive(Debug, serde::Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    csrf: String,
}

/// One checklist line as the page shows it.
struct ItemView {
    mark: &'static str,
    class: &'static str,
    name: String,
    detail: String,
    fix: Option<String>,
}

/// One directory as the page shows it.
struct DirectoryView {
    name: String,
    state: &'static str,
    state_id: &'static str,
    meaning: &'static str,
    checked_at: String,
    items: Vec<ItemView>,
}

/// `admin/directories.html`
#[derive(Template)]
#[template(path = "admin/directories.html")]
struct DirectoriesPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    directories: Vec<DirectoryView>,
    states: Vec<(&'static str, &'static str)>,
    notice: Option<&'static str>,
}

fn view(d: DirectoryHealth) -> DirectoryView {
    DirectoryView {
        state: d.health.label(),
        state_id: d.health.id(),
        meaning: d.health.meaning(),
        checked_at: d.checked_at.map_or_else(|| "never since passdesk started".to_owned(), rfc3339),
        items: d
            .items
            .into_iter()
            .map(|i| {
                let (mark, class) = match i.status {
                    Status::Pass => ("PASS", "pass"),
                    Status::Warn => ("WARN", "warn"),
                    Status::Fail => ("FAIL", "fail"),
                };
                ItemView { mark, class, name: i.name, detail: i.detail, fix: i.fix }
            })
            .collect(),
        name: d.name,
    }
}

async fn directories_get(state: web::Data<AppState>, admin: Admin, query: web::Query<DoneQuery>) -> HttpResponse {
    let page = DirectoriesPage {
        site: admin.site.clone(),
        nav: admin.nav("directories"),
        csrf: &admin.csrf,
        directories: state.flows.directories_health().into_iter().map(view).collect(),
        states: Health::ALL.iter().map(|h| (h.label(), h.meaning())).collect(),
        notice: notice(query.done.as_deref()),
    };
    render(&page)
}

async fn check_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<CheckForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh("/admin/directories")?;
    state.flows.run_directory_check(&admin.actor(), &admin.client()).await.map_err(AdminError::from_flow)?;
    Ok(see_other("/admin/directories?done=checked"))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<CheckForm>(), crate::http::fuzz::query::<DoneQuery>()]
}
