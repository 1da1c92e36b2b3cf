//! `/admin/sign-in`, `/admin/reauth` and `/admin/sign-out`.

use super::session::{ADMIN_COOKIE, AdminNav, admin_client, admin_site, no_store, safe_next, see_other};
use super::{Admin, AdminError, render_status};
use crate::flow::Error;
use crate::http::{AppState, Site, csrf};
use crate::i18n::Lang;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use secrecy::SecretString;

/// Registers the routes (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sign-in", web::get().to(sign_in_get))
        .route("/sign-in", web::post().to(sign_in_post))
        .route("/reauth", web::get().to(reauth_get))
        .route("/reauth", web::post().to(reauth_post))
        .route("/sign-out", web::post().to(sign_out_post));
}

/// `?next=` of the sign-in and re-authentication pages.
#[derive(Debug, serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The sign-in form.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The re-authentication form.
#[derive(Debug, serde::Deserialize)]
pub struct ReauthForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The sign-out form.
#[derive(Debug, serde::Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// `admin/sign_in.html`
#[derive(Template)]
#[template(path = "admin/sign_in.html")]
struct SignInPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    user: &'a str,
    next: &'a str,
    error: Option<String>,
}

/// `admin/reauth.html`
#[derive(Template)]
#[template(path = "admin/reauth.html")]
struct ReauthPage<'a> {
    site: Site,
    nav: AdminNav,
    csrf: &'a str,
    next: &'a str,
    error: Option<String>,
}

fn admin_cookie(value: String) -> Cookie<'static> {
    csrf::secure_cookie(ADMIN_COOKIE, value)
}

async fn sign_in_get(state: web::Data<AppState>, req: HttpRequest, query: web::Query<NextQuery>) -> HttpResponse {
    let site = admin_site(&state, &req);
    let (csrf, cookie) = csrf::token(&req);
    let next = safe_next(query.next.as_deref().unwrap_or("/admin"));
    let page = SignInPage { site, nav: AdminNav::signed_out(&csrf), csrf: &csrf, user: "", next: &next, error: None };
    let mut res = no_store(crate::http::views::render(StatusCode::OK, &page));
    if let Some(c) = cookie {
        res.add_cookie(&c).ok();
    }
    res
}

async fn sign_in_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AdminError> {
    let site = admin_site(&state, &req);
    if let Err(why) = csrf::check(&req, &site, &form.csrf) {
        let client = admin_client(&req);
        let what = format!("POST /admin/sign-in: {}", Lang::En.t(why));
        state.flows.admin_access_refused("anonymous", &what, &client).await.map_err(AdminError::from_flow)?;
        return Err(AdminError::Page(StatusCode::FORBIDDEN, Lang::En.t(why)));
    }
    let next = safe_next(&form.next);
    let password = SecretString::from(form.password.clone());
    match state.flows.admin_sign_in(&form.user, &password, &admin_client(&req)).await {
        Ok((token, _)) => {
            // A session this browser had before ends; the CSRF token changes.
            if let Some(old) = req.cookie(ADMIN_COOKIE) {
                state.flows.admin_sign_out(old.value(), &admin_client(&req)).await.map_err(AdminError::from_flow)?;
            }
            let mut res = see_other(&next);
            res.add_cookie(&admin_cookie(token.as_str().to_owned())).ok();
            // The portal's forms share the CSRF cookie; it now holds this
            // session's bound token, which the admin pages' forms carry.
            let bound = state.flows.admin_form_token(token.as_str());
            res.add_cookie(&csrf::secure_cookie(csrf::COOKIE, bound)).ok();
            Ok(res)
        }
        Err(e) => {
            let (status, text) = match e {
                Error::WrongCredentials => {
                    (StatusCode::UNAUTHORIZED, "The user ID or password is not correct.".to_owned())
                }
                Error::NotAdmin => (
                    StatusCode::FORBIDDEN,
                    "This account is not an administrator of passdesk. Ask an administrator to add you to the \
                     admin group of your directory, or to create a local administrator (passdesk admin add)."
                        .to_owned(),
                ),
                e => match AdminError::from_flow(e) {
                    AdminError::Page(status, text) | AdminError::Flow { status, text, .. } => (status, text),
                    other => return Err(other),
                },
            };
            let page = SignInPage {
                site,
                nav: AdminNav::signed_out(&form.csrf),
                csrf: &form.csrf,
                user: &form.user,
                next: &next,
                error: Some(text),
            };
            Ok(render_status(status, &page))
        }
    }
}

async fn reauth_get(admin: Admin, query: web::Query<NextQuery>) -> HttpResponse {
    let next = safe_next(query.next.as_deref().unwrap_or("/admin"));
    let page = ReauthPage { site: admin.site.clone(), nav: admin.nav(""), csrf: &admin.csrf, next: &next, error: None };
    super::render(&page)
}

async fn reauth_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<ReauthForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    let next = safe_next(&form.next);
    let password = SecretString::from(form.password.clone());
    match state.flows.admin_reauthenticate(&admin.session, &password, &admin.client()).await {
        Ok(()) => Ok(see_other(&next)),
        Err(Error::NotAdmin) => {
            let mut res = see_other("/admin/sign-in");
            res.add_cookie(&expired_cookie()).ok();
            Ok(res)
        }
        Err(e) => {
            let (status, text) = match e {
                Error::WrongCredentials => (StatusCode::UNAUTHORIZED, "That password is not correct.".to_owned()),
                e => match AdminError::from_flow(e) {
                    AdminError::Page(status, text) | AdminError::Flow { status, text, .. } => (status, text),
                    other => return Err(other),
                },
            };
            let page = ReauthPage {
                site: admin.site.clone(),
                nav: admin.nav(""),
                csrf: &admin.csrf,
                next: &next,
                error: Some(text),
            };
            Ok(render_status(status, &page))
        }
    }
}

fn expired_cookie() -> Cookie<'static> {
    let mut c = admin_cookie(String::new());
    c.make_removal();
    c
}

async fn sign_out_post(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, AdminError> {
    admin.check_form(&req, &form.csrf).await?;
    let token = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    state.flows.admin_sign_out(&token, &admin.client()).await.map_err(AdminError::from_flow)?;
    let mut res = see_other("/admin/sign-in");
    res.add_cookie(&expired_cookie()).ok();
    Ok(res)
}

/// This module's request bodies, for the fuzz targets ([`crate::http::fuzz`]).
pub(super) fn bodies() -> Vec<crate::http::fuzz::Decoder> {
    vec![
        crate::http::fuzz::form::<SignInForm>(),
        crate::http::fuzz::form::<ReauthForm>(),
        crate::http::fuzz::form::<SignOutForm>(),
        crate::http::fuzz::query::<NextQuery>(),
    ]
}
