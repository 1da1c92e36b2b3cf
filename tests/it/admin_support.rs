//! Shared steps of the admin portal tests: a local administrator with a
//! known password, and signing in through the pages like a browser.

pub use crate::reset_portal::{Jar, form, get};
use crate::support::{START, TestApp};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test;
use passdesk::directory::local::NewLocalUser;
use secrecy::SecretString;

/// The password of every administrator the tests create.
pub const ADMIN_PASSWORD: &str = "Admin-Desk-2026-ok";

/// Adds a local administrator `login`.
pub async fn add_admin(t: &TestApp, login: &str) {
    let user = NewLocalUser {
        login: login.into(),
        display_name: format!("{login} admin"),
        email: Some(format!("{login}@example.org")),
        is_admin: true,
    };
    assert!(t.local.add_user(user, SecretString::from(ADMIN_PASSWORD.to_owned()), START).await.unwrap());
}

/// The `Location` of a redirect.
pub fn location<B>(resp: &ServiceResponse<B>) -> String {
    resp.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// A jar with the CSRF cookie a first visit of the sign-in page sets.
pub async fn visit<S, B>(svc: &S) -> Jar
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut jar = Jar(Vec::new());
    let resp = test::call_service(svc, get("/admin/sign-in", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    jar.take(&resp);
    jar
}

/// Signs `login` in with [`ADMIN_PASSWORD`] through the sign-in form and
/// returns the browser's cookies.
pub async fn sign_in_admin<S, B>(svc: &S, login: &str) -> Jar
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut jar = visit(svc).await;
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let fields = [("csrf", csrf.as_str()), ("user", login), ("password", ADMIN_PASSWORD), ("next", "/admin")];
    let resp = test::call_service(svc, form("/admin/sign-in", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "an administrator signs in");
    jar.take(&resp);
    assert!(jar.get("__Host-passdesk-admin").is_some());
    jar
}

/// The CSRF token of a jar, for a form.
pub fn csrf(jar: &Jar) -> String {
    jar.get("__Host-passdesk-csrf").unwrap()
}
