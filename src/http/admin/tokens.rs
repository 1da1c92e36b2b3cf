//! `/admin/tokens`: bearer tokens of the admin API — issue one (shown
//! once), see when each was last used, revoke one at once.

use super::session::AdminNav;
use super::{Admin, AdminError, notice, render, render_status, see_other};
use crate::flow::admin_tokens::AdminToken;
use crate::http::{AppState, Site};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tokens", web::get().to(tokens_get))
        .route("/tokens", web::post().to(tokens_post))
        .route("/tokens/{id}/revoke", web::post().to(revoke_post));
}

/// `?done=` after a change.
#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The issue form.
#[derive(Debug, serde::Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// The revoke form.
#[derive(Debug, serde::Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

/// One token as the page lists it.
struct TokenView {
    id: i64,
    name: String,
    created_by: String,
    created_at: String,
    last_used: String,
    revoked: Option<String>,
}

/// `admin/tokens.html`
#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    tokens: Vec<TokenView>,
    notice: Option<&'static str>,
    error: Option<String>,
    name: &'a str,
    issued: Option<(String, String)>,
}

fn views(rows: Vec<AdminToken>) -> Vec<TokenView> {
    rows.into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created_by: t.created_by,
            created_at: crate::clock::rfc3339(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "never".to_owned(), crate::clock::rfc3339),
            revoked: t.revoked_at.map(crate::clock::rfc3339),
        })
        .collect()
}

async fn tokens_get(
    state: web::Data<AppState>,
    admin: Admin,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AdminError> {
    let tokens = views(state.flows.admin_token_list().await.map_err(AdminError::from_flow)?);
    let page = TokensPage {
        site: admin.site.clone(),
        nav: admin.nav("tokens"),
        csrf: &admin.csrf,
        tokens,
        notice: notice(query.done.as_deref()),
        error: None,
        name: "",
        issued: None,
    };
    Ok(render(&page))
}

async fn tokens_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh("/admin/tokens")?;
    let issued = state.flows.issue_admin_token_as(&form.name, &admin.actor(), &admin.client()).await;
    let (status, error, issued) = match issued {
        Ok(token) => (StatusCode::OK, None, Some((form.name.trim().to_owned(), token.as_str().to_owned()))),
        Err(crate::flow::Error::InvalidInput { message, .. }) => {
            (StatusCode::BAD_REQUEST, Some(format!("Token name: {}.", crate::i18n::Lang::En.msg(&message))), None)
        }
        Err(e) => return Err(AdminError::from_flow(e)),
    };
    let tokens = views(state.flows.admin_token_list().await.map_err(AdminError::from_flow)?);
    let page = TokensPage {
        site: admin.site.clone(),
        nav: admin.nav("tokens"),
        csrf: &admin.csrf,
        tokens,
        notice: None,
        error,
        name: if issued.is_some() { "" } else { &form.name },
        issued,
    };
    Ok(render_status(status, &page))
}

async fn revoke_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    admin.require_fresh("/admin/tokens")?;
    state.flows.revoke_admin_token(*id, &admin.actor(), &admin.client()).await.map_err(AdminError::from_flow)?;
    Ok(see_other("/admin/tokens?done=revoked"))
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::form::<IssueForm>(),
        crate::http::fuzz::form::<RevokeForm>(),
        crate::http::fuzz::query::<DoneQuery>(),
    ]
}
