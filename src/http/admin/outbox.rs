//! `/admin/outbox`: queued, sent, dead-lettered and expired messages,
//! newest first, by state, with destinations masked and the body of any
//! code or link hidden; dead messages can be put back in the queue.

use super::session::AdminNav;
use super::{Admin, AdminError, notice, render, render_status, see_other};
use crate::clock::rfc3339;
use crate::flow::outbox::{OutboxEntry, OutboxState};
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/outbox", web::get().to(outbox_get))
        .route("/outbox/retry-dead", web::post().to(retry_dead_post))
        .route("/outbox/{id}/retry", web::post().to(retry_post));
}

/// The page's filter and position.
#[derive(Debug, serde::Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    state: String,
    /// Older than this message; kept as text so a bad value is a clear 400.
    #[serde(default)]
    before: String,
    done: Option<String>,
}

/// A retry form.
#[derive(Debug, serde::Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    csrf: String,
}

/// One message as the page lists it.
struct Row {
    entry: OutboxEntry,
    created_at: String,
    state: &'static str,
}

/// `admin/outbox.html`
#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    state: String,
    states: Vec<(&'static str, bool)>,
    rows: Vec<Row>,
    older: Option<String>,
    counts: Vec<(String, u64)>,
    dead: u64,
    notice: Option<&'static str>,
    error: Option<String>,
}

async fn outbox_get(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AdminError> {
    let mut page = OutboxPage::empty(&admin, &query.state);
    page.notice = local_notice(query.done.as_deref());
    let before = match query.before.trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| crate::flow::Error::InvalidInput {
            field: "before",
            message: crate::i18n::Msg::admin(format!("{text:?} is not a message number")),
        }),
    };
    let found = match before {
        Ok(before) => state.flows.outbox_page(&query.state, before).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(found) => {
            page.dead = found.counts.iter().find(|(s, _)| s == "dead").map_or(0, |(_, n)| *n);
            page.counts = found.counts;
            page.older = found.older.map(|id| {
                let filter = if query.state.is_empty() { String::new() } else { format!("state={}&", query.state) };
                format!("/admin/outbox?{filter}before={id}")
            });
            page.rows = found
                .entries
                .into_iter()
                .map(|entry| Row { created_at: rfc3339(entry.created_at), state: entry.state.as_str(), entry })
                .collect();
            Ok(render(&page))
        }
        Err(crate::flow::Error::InvalidInput { message, .. }) => {
            page.error = Some(format!("{}.", crate::i18n::Lang::En.msg(&message)));
            Ok(render_status(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(AdminError::from_flow(e)),
    }
}

impl<'a> OutboxPage<'a> {
    /// The page with no messages yet, filtered by `state`.
    fn empty(admin: &'a Admin, state: &str) -> Self {
        OutboxPage {
            site: admin.site.clone(),
            nav: admin.nav("outbox"),
            csrf: &admin.csrf,
            state: state.to_owned(),
            states: states(state),
            rows: Vec::new(),
            older: None,
            counts: Vec::new(),
            dead: 0,
            notice: None,
            error: None,
        }
    }
}

/// The filter's choices, the one in force marked.
fn states(current: &str) -> Vec<(&'static str, bool)> {
    OutboxState::ALL.iter().map(|s| (s.as_str(), s.as_str() == current)).collect()
}

fn local_notice(done: Option<&str>) -> Option<&'static str> {
    match done {
        Some("retried-all") => Some("Every dead message that could still be delivered is queued to be sent again."),
        other => notice(other),
    }
}

/// A refused retry: the outbox page with the reason, 400, nothing changed.
async fn refused(admin: &Admin, e: crate::flow::Error) -> Result<HttpResponse, AdminError> {
    let crate::flow::Error::InvalidInput { message, .. } = e else { return Err(AdminError::from_flow(e)) };
    let mut page = OutboxPage::empty(admin, "");
    page.error = Some(format!("Retry: {}.", crate::i18n::Lang::En.msg(&message)));
    Ok(render_status(StatusCode::BAD_REQUEST, &page))
}

async fn retry_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<RetryForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh("/admin/outbox")?;
    let Ok(id) = id.parse::<i64>() else {
        let message = crate::i18n::Msg::admin(format!("{:?} is not a message number", id.as_str()));
        return refused(&admin, crate::flow::Error::InvalidInput { field: "id", message }).await;
    };
    match state.flows.retry_message(id, &admin.actor(), &admin.client()).await {
        Ok(()) => Ok(see_other("/admin/outbox?done=retried")),
        Err(e) => refused(&admin, e).await,
    }
}

async fn retry_dead_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<RetryForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh("/admin/outbox")?;
    match state.flows.retry_dead_messages(&admin.actor(), &admin.client()).await {
        Ok(_) => Ok(see_other("/admin/outbox?done=retried-all")),
        Err(e) => refused(&admin, e).await,
    }
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<RetryForm>(), crate::http::fuzz::query::<OutboxQuery>()]
}
