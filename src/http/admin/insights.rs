//! `/admin/insights`: the dashboard — coverage, registrations, resets,
//! unlocks and changes over time, methods, failure reasons, blocks — as
//! server-drawn charts with their numbers, each downloadable as CSV.

use super::charts::{bars, columns};
use super::session::AdminNav;
use super::{Admin, AdminError, render, see_other};
use crate::flow::insights::{Insights, Period};
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/insights", web::get().to(insights_get))
        .route("/insights/recount", web::post().to(recount_post))
        .route("/insights/{chart}.csv", web::get().to(csv_get));
}

/// `?period=`.
#[derive(Debug, serde::Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

/// The recount form.
#[derive(Debug, serde::Deserialize)]
pub struct RecountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
}

/// One chart: its SVG, its numbers as a table, and its CSV link.
struct Chart {
    id: &'static str,
    heading: &'static str,
    svg: String,
    head: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// A period of the picker.
struct PeriodLink {
    code: &'static str,
    label: &'static str,
    current: bool,
}

/// `admin/insights.html`
#[derive(Template)]
#[template(path = "admin/insights.html")]
struct InsightsPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    period: &'static str,
    periods: Vec<PeriodLink>,
    range: String,
    coverage_note: String,
    skipped: Vec<String>,
    charts: Vec<Chart>,
}

fn label(period: Period, start: i64) -> String {
    let text = crate::clock::rfc3339(start);
    match period {
        Period::Day => text.get(11..16).unwrap_or(&text).to_owned(),
        _ => text.get(5..10).unwrap_or(&text).to_owned(),
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 { "–".to_owned() } else { format!("{:.0}%", part as f64 * 100.0 / whole as f64) }
}

/// Every chart of the dashboard, with its table.
fn charts(i: &Insights) -> Vec<Chart> {
    let mut out = Vec::new();
    let cov = i.coverage.clone().unwrap_or_default();
    let rows = vec![
        ("In scope".to_owned(), vec![cov.in_scope]),
        ("Registered".to_owned(), vec![cov.registered]),
        ("Capable (can reset now)".to_owned(), vec![cov.capable]),
    ];
    out.push(Chart {
        id: "coverage",
        heading: "Users in scope, registered and capable",
        svg: bars(
            "coverage",
            "Coverage",
            &format!(
                "{} people in scope; {} registered ({}); {} capable of resetting ({}).",
                cov.in_scope,
                cov.registered,
                percent(cov.registered, cov.in_scope),
                cov.capable,
                percent(cov.capable, cov.in_scope)
            ),
            &rows,
            &[("s0", "people")],
        ),
        head: vec!["Group", "People", "Share of those in scope"],
        rows: rows.iter().map(|(n, v)| vec![n.clone(), v[0].to_string(), percent(v[0], cov.in_scope)]).collect(),
    });
    let rows: Vec<(String, Vec<u64>)> = i.registrations.iter().map(|r| (r.name.clone(), vec![r.ok])).collect();
    out.push(Chart {
        id: "registrations",
        heading: "Registrations per method",
        svg: bars(
            "registrations",
            "Registrations per method",
            "People with each kind of registered, imported or synced contact data or method.",
            &rows,
            &[("s0", "people")],
        ),
        head: vec!["Method (source)", "People"],
        rows: rows.iter().map(|(n, v)| vec![n.clone(), v[0].to_string()]).collect(),
    });
    let series = [("s0", "resets"), ("s1", "failed resets"), ("s2", "unlocks"), ("s3", "changes")];
    let buckets: Vec<(String, Vec<u64>)> = i
        .activity
        .iter()
        .map(|b| (label(i.period, b.start), vec![b.resets, b.resets_failed, b.unlocks, b.changes]))
        .collect();
    let total = |f: fn(&crate::flow::insights::Bucket) -> u64| i.activity.iter().map(f).sum::<u64>();
    out.push(Chart {
        id: "activity",
        heading: if i.period == Period::Day {
            "Resets, unlocks and changes per hour"
        } else {
            "Resets, unlocks and changes per day"
        },
        svg: columns(
            "activity",
            "Resets, unlocks and changes",
            &format!(
                "In all: {} resets, {} failed resets, {} unlocks, {} changes.",
                total(|b| b.resets),
                total(|b| b.resets_failed),
                total(|b| b.unlocks),
                total(|b| b.changes)
            ),
            &buckets,
            &series,
        ),
        head: vec!["From (UTC)", "Resets", "Failed resets", "Unlocks", "Changes"],
        rows: i
            .activity
            .iter()
            .map(|b| {
                vec![
                    crate::clock::rfc3339(b.start),
                    b.resets.to_string(),
                    b.resets_failed.to_string(),
                    b.unlocks.to_string(),
                    b.changes.to_string(),
                ]
            })
            .collect(),
    });
    let rows: Vec<(String, Vec<u64>)> = i.methods.iter().map(|m| (m.name.clone(), vec![m.ok, m.failed])).collect();
    out.push(Chart {
        id: "methods",
        heading: "Resets by method: proofs passed and failed",
        svg: bars(
            "methods",
            "Proofs by method",
            "How often each method proved a person (passed) or did not (failed) in this period.",
            &rows,
            &[("s0", "passed"), ("s1", "failed")],
        ),
        head: vec!["Method", "Passed", "Failed"],
        rows: rows.iter().map(|(n, v)| vec![n.clone(), v[0].to_string(), v[1].to_string()]).collect(),
    });
    let rows: Vec<(String, Vec<u64>)> = i.failures.iter().take(15).map(|f| (f.name.clone(), vec![f.ok])).collect();
    out.push(Chart {
        id: "failures",
        heading: "Failure reasons",
        svg: bars(
            "failures",
            "Failure reasons",
            "Why steps of resets, unlocks and changes failed, most frequent first.",
            &rows,
            &[("s1", "failures")],
        ),
        head: vec!["Reason", "Failures"],
        rows: i.failures.iter().map(|f| vec![f.name.clone(), f.ok.to_string()]).collect(),
    });
    let buckets: Vec<(String, Vec<u64>)> =
        i.activity.iter().map(|b| (label(i.period, b.start), vec![b.blocks])).collect();
    let mut rows: Vec<Vec<String>> =
        i.blocked.iter().map(|b| vec![b.key.clone(), crate::clock::rfc3339(b.until), b.reason.clone()]).collect();
    if rows.is_empty() {
        rows.push(vec!["Nobody is blocked now".to_owned(), String::new(), String::new()]);
    }
    out.push(Chart {
        id: "blocked",
        heading: "Blocked users",
        svg: columns(
            "blocked",
            "Blocks",
            &format!("{} blocks in force now; blocks started in this period per bucket.", i.blocked.len()),
            &buckets,
            &[("s1", "blocks started")],
        ),
        head: vec!["Blocked now", "Until (UTC)", "Why"],
        rows,
    });
    out
}

async fn insights_get(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AdminError> {
    let period = Period::parse(&query.period).map_err(AdminError::from_flow)?;
    let insights = state.flows.insights(period).await.map_err(AdminError::from_flow)?;
    let cov = insights.coverage.clone().unwrap_or_default();
    let page = InsightsPage {
        site: admin.site.clone(),
        nav: admin.nav("insights"),
        csrf: admin.csrf.clone(),
        period: period.code(),
        periods: Period::ALL
            .iter()
            .map(|p| PeriodLink { code: p.code(), label: p.label(), current: *p == period })
            .collect(),
        range: format!("{} to {} (UTC)", crate::clock::rfc3339(insights.from), crate::clock::rfc3339(insights.to)),
        coverage_note: format!("Coverage counted at {} (UTC).", crate::clock::rfc3339(cov.counted_at)),
        skipped: cov.skipped.clone(),
        charts: charts(&insights),
    };
    Ok(render(&page))
}

async fn recount_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<RecountForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    let period = Period::parse(&form.period).map_err(AdminError::from_flow)?;
    state.flows.count_coverage().await.map_err(AdminError::from_flow)?;
    Ok(see_other(&format!("/admin/insights?period={}", period.code())))
}

async fn csv_get(
    state: web::Data<AppState>,
    _admin: Admin,
    chart: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AdminError> {
    let period = Period::parse(&query.period).map_err(AdminError::from_flow)?;
    let insights = state.flows.insights(period).await.map_err(AdminError::from_flow)?;
    let all = charts(&insights);
    let Some(chart) = all.iter().find(|c| c.id == chart.as_str()) else {
        let names: Vec<&str> = all.iter().map(|c| c.id).collect();
        return Err(AdminError::Page(
            StatusCode::NOT_FOUND,
            format!("There is no chart {:?}: the charts are {}.", chart.as_str(), names.join(", ")),
        ));
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let written = w
        .write_record(&chart.head)
        .and_then(|()| chart.rows.iter().try_for_each(|r| w.write_record(r)))
        .map_err(|e| AdminError::Page(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        .and_then(|()| {
            w.into_inner().map_err(|e| AdminError::Page(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"passdesk-{}-{}.csv\"", chart.id, period.code()),
        ))
        .insert_header(("cache-control", "no-store"))
        .body(written))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![crate::http::fuzz::form::<RecountForm>(), crate::http::fuzz::query::<PeriodQuery>()]
}
