//! `/admin/users`: the helpdesk. Search people across every directory,
//! open one to see where they stand, and act: unblock, require
//! re-registration, remove registered data, send a one-time reset link.
//! Every action is a CSRF-checked POST after a recent password, audited
//! by the flows with the administrator as the actor.

use super::session::{AdminNav, url_encode};
use super::{Admin, AdminError, notice, render, render_status, see_other};
use crate::clock::rfc3339;
use crate::flow::helpdesk::{FoundUser, SEARCH_LIMIT, UserDetail};
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(users_get))
        .route("/users/{directory}/{login}", web::get().to(user_get))
        .route("/users/{directory}/{login}/{action}", web::post().to(action_post));
}

/// `?q=` of the search.
#[derive(Debug, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `?done=` after an action.
#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// Every action's form: the CSRF token and, for some, one choice.
#[derive(Debug, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    /// `remove`: the kind to remove, or "all".
    #[serde(default)]
    kind: String,
    /// `send-link`: "email" or "sms".
    #[serde(default)]
    via: String,
}

/// One path segment, percent-encoded (a user ID may hold `@`, `/`, spaces).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a person's page.
fn user_path(directory: &str, login: &str) -> String {
    format!("/admin/users/{}/{}", segment(directory), segment(login))
}

/// One search hit as the page lists it.
struct Hit {
    href: String,
    user: FoundUser,
}

/// `admin/users.html`
#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    site: Site,
    nav: AdminNav,
    q: String,
    searched: bool,
    hits: Vec<Hit>,
    more: bool,
    limit: usize,
    failed: Vec<(String, String)>,
    error: Option<String>,
}

async fn users_get(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AdminError> {
    let mut page = UsersPage {
        site: admin.site.clone(),
        nav: admin.nav("users"),
        q: query.q.clone(),
        searched: !query.q.is_empty(),
        hits: Vec::new(),
        more: false,
        limit: SEARCH_LIMIT,
        failed: Vec::new(),
        error: None,
    };
    if !page.searched {
        return Ok(render(&page));
    }
    match state.flows.search_users(&query.q).await {
        Ok(found) => {
            page.hits = found
                .found
                .into_iter()
                .map(|user| Hit { href: user_path(&user.directory, &user.login), user })
                .collect();
            page.more = found.more;
            page.failed = found.failed;
            Ok(render(&page))
        }
        Err(crate::flow::Error::InvalidInput { message, .. }) => {
            page.error = Some(format!("Search: {}.", crate::i18n::Lang::En.msg(&message)));
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(AdminError::from_flow(e)),
    }
}

/// One registered method as the page lists it.
struct MethodRow {
    kind: &'static str,
    value: String,
    source: &'static str,
    set_at: String,
    removable: bool,
}

/// One audit row as the trail lists it.
struct TrailRow {
    at: String,
    actor: String,
    activity: String,
    result: String,
    detail: String,
}

/// `admin/user.html`
#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    base: String,
    detail: UserDetail,
    methods: Vec<MethodRow>,
    blocked_until: Option<String>,
    reregistration: Option<(String, String)>,
    trail: Vec<TrailRow>,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// What the person's data came from, as the page says it.
fn source_label(source: &str) -> &'static str {
    match source {
        "directory" => "directory attribute",
        "user" => "verified by the user",
        "import" => "imported",
        "sync" => "synced from the directory",
        _ => "unknown",
    }
}

fn local_notice(done: Option<&str>) -> Option<&'static str> {
    match done {
        Some("reregister") => Some("Done: the user will be asked to register again at their next sign-in."),
        Some("cleared") => Some("The user was not blocked; their failure counters were cleared."),
        other => notice(other),
    }
}

async fn user_page(
    state: &AppState,
    admin: &Admin,
    path: &(String, String),
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let (directory, login) = path;
    let detail = state.flows.user_detail(directory, login).await.map_err(AdminError::from_flow)?;
    let trail = state.flows.user_audit(directory, login).await.map_err(AdminError::from_flow)?;
    let methods = detail
        .methods
        .iter()
        .map(|m| MethodRow {
            kind: m.kind,
            value: m.value.clone(),
            source: source_label(m.source),
            set_at: m.set_at.map(rfc3339).unwrap_or_default(),
            removable: m.source != "directory",
        })
        .collect();
    let page = UserPage {
        site: admin.site.clone(),
        nav: admin.nav("users"),
        csrf: &admin.csrf,
        base: user_path(&detail.directory, &detail.account.login),
        blocked_until: detail.blocked_until.map(rfc3339),
        reregistration: detail.reregistration.as_ref().map(|r| (rfc3339(r.required_at), r.required_by.clone())),
        trail: trail
            .into_iter()
            .map(|r| TrailRow {
                at: rfc3339(r.record.at),
                actor: r.record.actor,
                activity: r.record.activity,
                result: r.record.result,
                detail: r.record.detail,
            })
            .collect(),
        methods,
        detail,
        notice,
        error,
    };
    Ok(render_status(status, &page))
}

async fn user_get(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<(String, String)>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AdminError> {
    user_page(&state, &admin, &path, StatusCode::OK, local_notice(query.done.as_deref()), None).await
}

/// After an action: back to the page with its notice, or the page again
/// with the form's problem (400, nothing changed).
async fn after(
    state: &AppState,
    admin: &Admin,
    path: &(String, String),
    outcome: Result<&'static str, crate::flow::Error>,
) -> Result<HttpResponse, AdminError> {
    match outcome {
        Ok(done) => Ok(see_other(&format!("{}?done={}", user_path(&path.0, &path.1), url_encode(done)))),
        Err(crate::flow::Error::InvalidInput { field, message }) if field != "directory" && field != "login" => {
            let text = format!("{}.", crate::i18n::Lang::En.msg(&message));
            user_page(state, admin, path, StatusCode::BAD_REQUEST, None, Some(text)).await
        }
        Err(e) => Err(AdminError::from_flow(e)),
    }
}

/// `POST /admin/users/{directory}/{login}/{action}`: one of the helpdesk's
/// actions, after the CSRF check and a recent password.
async fn action_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AdminError> {
    let (directory, login, action) = path.into_inner();
    let user = (directory, login);
    let (d, l) = (user.0.as_str(), user.1.as_str());
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh(&user_path(d, l))?;
    let (flows, actor, client) = (&state.flows, admin.actor(), admin.client());
    let outcome = match action.as_str() {
        "unblock" => {
            flows.helpdesk_unblock(d, l, &actor, &client).await.map(|was| if was { "unblocked" } else { "cleared" })
        }
        "reregister" => flows.require_reregistration(d, l, &actor, &client).await.map(|()| "reregister"),
        "remove" => {
            let kind = match form.kind.trim() {
                "all" => None,
                other => Some(other),
            };
            flows.helpdesk_remove_methods(d, l, kind, &actor, &client).await.map(|_| "removed")
        }
        "send-link" => flows.helpdesk_send_link(d, l, form.via.trim(), &actor, &client).await.map(|_| "sent"),
        _ => return Err(AdminError::Page(StatusCode::NOT_FOUND, "There is no such action.".into())),
    };
    after(&state, &admin, &user, outcome).await
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::form::<ActionForm>(),
        crate::http::fuzz::query::<SearchQuery>(),
        crate::http::fuzz::query::<DoneQuery>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(user_path("corp", "a.b@example.org"), "/admin/users/corp/a.b@example.org");
        assert_eq!(user_path("corp", "a b/c?d"), "/admin/users/corp/a%20b%2Fc%3Fd");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
