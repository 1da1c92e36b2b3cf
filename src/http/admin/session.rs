//! The signed-in administrator as an extractor: every admin page takes an
//! [`Admin`], so no page can forget the session check. The session lives in
//! a `__Host-` cookie; every form carries a token bound to that session by
//! the server key (so a planted CSRF cookie is worth nothing) and passes
//! the Origin check; re-authentication guards sensitive changes.

use crate::domain::key::macs_equal;
use crate::flow::Client;
use crate::flow::admin_session::AdminSession;
use crate::http::views::render;
use crate::http::{AppState, Site, csrf};
use crate::i18n::Lang;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use std::future::Future;
use std::pin::Pin;

/// Cookie that carries the admin session's token.
pub const ADMIN_COOKIE: &str = "__Host-passdesk-admin";

/// Style sheets every admin page links, one per area (under `/static/`).
pub const ADMIN_CSS: &[&str] =
    &["admin/admin.css", "admin/policy.css", "admin/users.css", "admin/directories.css", "admin/outbox.css"];

/// The admin areas, as the navigation lists them: (path, label, key).
const AREAS: &[(&str, &str, &str)] = &[
    ("/admin", "Overview", "home"),
    ("/admin/users", "Users", "users"),
    ("/admin/audit", "Audit log", "audit"),
    ("/admin/insights", "Insights", "insights"),
    ("/admin/policy", "Policy", "policy"),
    ("/admin/directories", "Directories", "directories"),
    ("/admin/outbox", "Outbox", "outbox"),
    ("/admin/tokens", "API tokens", "tokens"),
];

/// A signed-in administrator.
pub struct Admin {
    /// User ID as the directory spells it.
    pub login: String,
    /// The session as the flows read it.
    pub session: AdminSession,
    /// The CSRF token every form of the page must carry as `csrf`: derived
    /// from the session, never taken from a cookie.
    pub csrf: String,
    /// Branding, in English (admin pages are English).
    pub site: Site,
    /// Address and request id, for the audit trail.
    client: Client,
    /// The page's path, for re-authentication's way back.
    path: String,
}

/// What the admin layout needs: who is signed in and where they are.
#[derive(Debug, Clone)]
pub struct AdminNav {
    /// Signed-in administrator; empty on pages before sign-in.
    pub login: String,
    /// The active area's key.
    pub active: &'static str,
    /// CSRF token for the sign-out form.
    pub csrf: String,
}

/// One entry of the navigation.
pub struct NavItem {
    /// Where it goes.
    pub path: &'static str,
    /// What it says.
    pub label: &'static str,
    /// It is the page shown.
    pub current: bool,
}

impl AdminNav {
    /// The navigation of a page shown before sign-in (no links).
    pub fn signed_out(csrf: &str) -> Self {
        Self { login: String::new(), active: "", csrf: csrf.to_owned() }
    }

    /// Every area, the active one marked.
    pub fn items(&self) -> Vec<NavItem> {
        AREAS.iter().map(|&(path, label, key)| NavItem { path, label, current: key == self.active }).collect()
    }

    /// The style sheets to link.
    pub fn css(&self) -> &'static [&'static str] {
        ADMIN_CSS
    }

    /// Whether an administrator is signed in (the layout shows the menu).
    pub fn signed_in(&self) -> bool {
        !self.login.is_empty()
    }
}

impl Admin {
    /// "admin:<login>", the actor the flows write to the audit trail.
    pub fn actor(&self) -> String {
        format!("admin:{}", self.login)
    }

    /// Address and request id of this request.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The layout's view with `active` marked.
    pub fn nav(&self, active: &'static str) -> AdminNav {
        AdminNav { login: self.login.clone(), active, csrf: self.csrf.clone() }
    }

    /// Checks a POSTed form's CSRF token and origin; a forged form is a
    /// 403 and an audit row.
    pub async fn check_form(&self, req: &HttpRequest, submitted: &str) -> Result<(), AdminError> {
        let bound = csrf::check_origin(req, &self.site).and_then(|()| {
            if macs_equal(self.csrf.as_bytes(), submitted.as_bytes()) { Ok(()) } else { Err("error-csrf") }
        });
        if let Err(why) = bound {
            let state = req.app_data::<web::Data<AppState>>().cloned();
            if let Some(state) = state {
                let what = format!("{} {}: {}", req.method(), req.path(), Lang::En.t(why));
                let _ = state.flows.admin_access_refused(&self.login, &what, &self.client).await;
            }
            return Err(AdminError::Page(StatusCode::FORBIDDEN, Lang::En.t(why)));
        }
        Ok(())
    }

    /// Allows a sensitive change only when the password was typed in the
    /// last few minutes; else sends the administrator to type it, then
    /// back to `back_to` (a path under `/admin`; this page when empty).
    pub fn require_fresh(&self, back_to: &str) -> Result<(), AdminError> {
        if self.session.fresh {
            return Ok(());
        }
        let back = if back_to.is_empty() { self.path.as_str() } else { back_to };
        Err(AdminError::Reauth(safe_next(back)))
    }
}

/// Why an admin page was not shown.
#[derive(Debug)]
pub enum AdminError {
    /// Not signed in (or the session ended): go to the sign-in page, then `next`.
    SignIn(String),
    /// Re-authentication needed, then back to the path.
    Reauth(String),
    /// An error page with this status and sentence.
    Page(StatusCode, String),
    /// A flow's error: the page also links to the troubleshooting guide's
    /// entry for its stable code.
    Flow {
        /// The status, as the portal gives it.
        status: StatusCode,
        /// The stable code (`directory_unavailable`…), the guide's anchor.
        code: &'static str,
        /// The sentence, in English.
        text: String,
    },
}

impl AdminError {
    /// A flow's error as an admin page shows it: the same status as the
    /// portal, the sentence in English.
    pub fn from_flow(e: crate::flow::Error) -> Self {
        match e {
            crate::flow::Error::SignInNeeded => Self::SignIn("/admin".into()),
            e => {
                let (status, code, msg) = crate::http::error::describe(&e);
                if status.is_server_error() {
                    tracing::error!(error = %e, "admin page failed");
                }
                Self::Flow { status, code, text: Lang::En.msg(&msg) }
            }
        }
    }
}

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn(next) => write!(f, "sign in first (then {next})"),
            Self::Reauth(next) => write!(f, "confirm your password first (then {next})"),
            Self::Page(status, text) => write!(f, "{status}: {text}"),
            Self::Flow { status, code, text } => write!(f, "{status} {code}: {text}"),
        }
    }
}

/// `admin/error.html`: a refusal or failure on an admin page. It stands
/// alone (no branding, no menu): it is rendered where the request's state
/// is no longer at hand, and it must work for people who are not signed in.
/// It links to the troubleshooting guide, at the entry for its code when
/// it has one.
#[derive(Template)]
#[template(path = "admin/error.html")]
struct AdminErrorPage<'a> {
    status: u16,
    text: &'a str,
    code: Option<&'a str>,
    guide: String,
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn(_) | Self::Reauth(_) => StatusCode::SEE_OTHER,
            Self::Page(status, _) | Self::Flow { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn(next) => see_other(&format!("/admin/sign-in?next={}", url_encode(next))),
            Self::Reauth(next) => see_other(&format!("/admin/reauth?next={}", url_encode(next))),
            Self::Page(status, text) => {
                let guide = super::troubleshooting::PATH.to_owned();
                no_store(render(*status, &AdminErrorPage { status: status.as_u16(), text, code: None, guide }))
            }
            Self::Flow { status, code, text } => {
                let guide = super::troubleshooting::entry_link(code);
                let page = AdminErrorPage { status: status.as_u16(), text, code: Some(code), guide };
                no_store(render(*status, &page))
            }
        }
    }
}

/// A redirect after a POST (or to sign-in).
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// Marks an admin page as never to be stored: it shows people's data.
pub fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res
}

/// Percent-encodes a path for a query string.
pub fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A `next` that can only lead to an admin page of this site (never an
/// open redirect): anything else becomes `/admin`.
pub fn safe_next(next: &str) -> String {
    let ok = (next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?"))
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next.to_owned() } else { "/admin".to_owned() }
}

/// The English site of a request.
pub fn admin_site(state: &AppState, req: &HttpRequest) -> Site {
    let mut site = crate::http::i18n::site(state, req).with_lang(Lang::En);
    site.here = req.path().to_owned();
    site
}

/// Address and request id of a request.
pub fn admin_client(req: &HttpRequest) -> Client {
    let rid = crate::http::middleware::request_id(req).0;
    Client { ip: req.peer_addr().map(|a| a.ip().to_string()), request_id: Some(rid), lang: Some(Lang::En) }
}

impl FromRequest for Admin {
    type Error = AdminError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AdminError::Page(StatusCode::INTERNAL_SERVER_ERROR, "no state".into()))?;
            let site = admin_site(&state, &req);
            let client = admin_client(&req);
            let path = match req.query_string() {
                "" => req.path().to_owned(),
                q => format!("{}?{q}", req.path()),
            };
            let token = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
            // The form token is bound to the session, not read from a cookie.
            let session = match token.is_empty() {
                false => state
                    .flows
                    .admin_session(&token, &client)
                    .await
                    .map_err(AdminError::from_flow)?
                    .map(|s| (s, state.flows.admin_form_token(&token))),
                true => None,
            };
            match session {
                Some((session, csrf)) => Ok(Admin { login: session.login.clone(), session, csrf, site, client, path }),
                // Reading a page leads to the sign-in; changing anything
                // without a session is refused outright, and audited.
                None if req.method() == actix_web::http::Method::GET
                    || req.method() == actix_web::http::Method::HEAD =>
                {
                    Err(AdminError::SignIn(safe_next(&path)))
                }
                None => {
                    let what = format!("{} {} without an admin session", req.method(), req.path());
                    state
                        .flows
                        .admin_access_refused("anonymous", &what, &client)
                        .await
                        .map_err(AdminError::from_flow)?;
                    Err(AdminError::Page(
                        StatusCode::FORBIDDEN,
                        "Sign in to the admin portal first: this change needs an administrator.".into(),
                    ))
                }
            }
        })
    }
}
