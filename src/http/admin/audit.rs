//! `/admin/audit`: the audit log with filters by time range, user,
//! activity and result, newest first, paged; and its export as CSV or JSON
//! lines, streamed page by page so memory stays flat for any length.

use super::session::AdminNav;
use super::{Admin, AdminError, render_status};
use crate::domain::Activity;
use crate::flow::audit_log::{AuditQuery, COUNT_CAP};
use crate::http::audit_export::Format;
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(audit_get))
        .route("/audit/export.csv", web::get().to(export_csv_get))
        .route("/audit/export.json", web::get().to(export_json_get));
}

/// The query string: the filters and the page.
#[derive(Debug, serde::Deserialize)]
pub struct AuditParams {
    #[serde(flatten)]
    query: AuditQuery,
    /// The `older` of the page before (the next page).
    before: Option<String>,
}

/// One row as the page shows it.
struct RowView {
    id: i64,
    time: String,
    activity: String,
    success: bool,
    target: String,
    actor: String,
    event_id: String,
    method: String,
    reason: String,
    directory: String,
    detail: String,
    client_ip: String,
    request_id: String,
}

/// `admin/audit.html`
#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    site: Site,
    nav: AdminNav,
    query: AuditQuery,
    activities: Vec<&'static str>,
    methods: Vec<&'static str>,
    rows: Vec<RowView>,
    matching: String,
    older: Option<String>,
    newest: Option<String>,
    export: String,
    error: Option<(&'static str, String)>,
}

impl AuditPage {
    /// The problem of `field`, if it is the one that is wrong.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// The query string of the filters (no page), for links.
fn filter_query(q: &AuditQuery) -> String {
    let pairs = [
        ("since", &q.since),
        ("until", &q.until),
        ("user", &q.user),
        ("activity", &q.activity),
        ("result", &q.result),
        ("method", &q.method),
        ("directory", &q.directory),
    ];
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        out.append_pair(k, v.trim());
    }
    out.finish()
}

fn with_query(path: &str, query: &str, extra: &str) -> String {
    match (query.is_empty(), extra.is_empty()) {
        (true, true) => path.to_owned(),
        (true, false) => format!("{path}?{extra}"),
        (false, true) => format!("{path}?{query}"),
        (false, false) => format!("{path}?{query}&{extra}"),
    }
}

async fn audit_get(
    state: web::Data<AppState>,
    admin: Admin,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AdminError> {
    let params = params.into_inner();
    let query_text = filter_query(&params.query);
    let mut page = AuditPage {
        site: admin.site.clone(),
        nav: admin.nav("audit"),
        activities: Activity::ALL.iter().map(|a| a.name()).collect(),
        methods: crate::domain::method::ALL_METHODS.iter().map(|m| m.id()).collect(),
        rows: Vec::new(),
        matching: String::new(),
        older: None,
        newest: params.before.as_ref().map(|_| with_query("/admin/audit", &query_text, "")),
        export: query_text.clone(),
        error: None,
        query: params.query.clone(),
    };
    let filter = match params.query.filter() {
        Ok(f) => f,
        Err(crate::flow::Error::InvalidInput { field, message }) => {
            page.error = Some((field, crate::i18n::Lang::En.msg(&message)));
            return Ok(render_status(StatusCode::BAD_REQUEST, &page));
        }
        Err(e) => return Err(AdminError::from_flow(e)),
    };
    let log = match state.flows.audit_log(filter, params.before.as_deref()).await {
        Ok(log) => log,
        Err(crate::flow::Error::InvalidInput { field, message }) => {
            page.error = Some((field, crate::i18n::Lang::En.msg(&message)));
            return Ok(render_status(StatusCode::BAD_REQUEST, &page));
        }
        Err(e) => return Err(AdminError::from_flow(e)),
    };
    let n = log.matching.rows;
    page.matching = if log.matching.more {
        format!("More than {COUNT_CAP} rows match")
    } else {
        format!("{n} row{} match", if n == 1 { "" } else { "s" })
    };
    page.older = log.older.map(|c| with_query("/admin/audit", &query_text, &format!("before={c}")));
    page.rows = log
        .rows
        .into_iter()
        .map(|row| {
            let r = row.record;
            RowView {
                id: row.id,
                time: crate::clock::rfc3339(r.at),
                success: r.result == "success",
                activity: r.activity,
                target: r.target,
                actor: r.actor,
                event_id: r.event_id.map(|e| e.to_string()).unwrap_or_default(),
                method: r.method.unwrap_or_default(),
                reason: r.reason.unwrap_or_default(),
                directory: r.directory.unwrap_or_default(),
                detail: r.detail,
                client_ip: r.client_ip.unwrap_or_default(),
                request_id: r.correlation.unwrap_or_default(),
            }
        })
        .collect();
    Ok(super::render(&page))
}

async fn export_csv_get(
    state: web::Data<AppState>,
    admin: Admin,
    params: web::Query<AuditQuery>,
) -> Result<HttpResponse, AdminError> {
    export(state, admin, params.into_inner(), Format::Csv).await
}

async fn export_json_get(
    state: web::Data<AppState>,
    admin: Admin,
    params: web::Query<AuditQuery>,
) -> Result<HttpResponse, AdminError> {
    export(state, admin, params.into_inner(), Format::Json).await
}

async fn export(
    state: web::Data<AppState>,
    admin: Admin,
    query: AuditQuery,
    format: Format,
) -> Result<HttpResponse, AdminError> {
    let filter = query.filter().map_err(AdminError::from_flow)?;
    let name = if format == Format::Csv { "CSV" } else { "JSON lines" };
    state
        .flows
        .note_audit_export(&admin.actor(), &filter, name, &admin.client())
        .await
        .map_err(AdminError::from_flow)?;
    Ok(crate::http::audit_export::response(state.flows.clone(), filter, format))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::query::<AuditParams>(), crate::http::fuzz::query::<AuditQuery>()]
}
