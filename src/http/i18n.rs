//! Which language a request is answered in: `?lang=` (the picker's links),
//! then the cookie the picker's choice left, then `Accept-Language`, then
//! the organisation's language. A choice by `?lang=` is remembered in a
//! cookie for a year, so the next page speaks it too.

use super::{AppState, Site};
use crate::i18n::{self, Lang};
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};

/// The cookie that keeps the language a person picked (`__Host-`: only
/// this origin, over HTTPS, for every path).
pub const COOKIE: &str = "__Host-passdesk-lang";

fn from_query(query: &str) -> Option<Lang> {
    query.split('&').find_map(|pair| pair.strip_prefix("lang=")).and_then(i18n::from_tag)
}

fn asked(query: &str, cookie: Option<String>, accept: Option<&str>) -> Option<Lang> {
    from_query(query)
        .or_else(|| cookie.as_deref().and_then(i18n::from_tag))
        .or_else(|| accept.and_then(i18n::from_accept_language))
}

/// The language the request asks for, if it asks for one passdesk speaks.
pub fn requested(req: &HttpRequest) -> Option<Lang> {
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    asked(req.query_string(), req.cookie(COOKIE).map(|c| c.value().to_owned()), accept)
}

/// The site as this request sees it: in the language it asked for, else
/// the organisation's, and with the page the language picker reloads.
pub fn site(state: &AppState, req: &HttpRequest) -> Site {
    let mut site = match requested(req) {
        Some(lang) => state.site.with_lang(lang),
        None => state.site.clone(),
    };
    site.name = site.brand.name();
    site.here = page_of(req.method() == actix_web::http::Method::GET, req.path());
    site
}

/// The page to show again in another language. A page answering a form
/// (an error shown where the form posted to) is reloaded as the page the
/// form belongs to, since some form addresses have no page of their own.
fn page_of(get: bool, path: &str) -> String {
    if get {
        return path.to_owned();
    }
    match path {
        "/reset/send" | "/reset/verify" => "/reset/verify".to_owned(),
        p if p.starts_with("/register/") && p != "/register/questions" && p != "/register/authenticator" => {
            "/register".to_owned()
        }
        p => p.to_owned(),
    }
}

/// Remembers a language picked with `?lang=` in a cookie, and tells caches
/// that pages differ by language.
pub async fn remember_choice(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let page = !req.path().starts_with("/api/") && !req.path().starts_with("/static/");
    let picked = from_query(req.query_string()).filter(|_| page);
    let mut res = next.call(req).await?;
    if page {
        res.headers_mut().append(header::VARY, header::HeaderValue::from_static("Accept-Language, Cookie"));
    }
    if let Some(lang) = picked {
        let cookie = Cookie::build(COOKIE, lang.code())
            .path("/")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(Duration::days(365))
            .finish();
        res.response_mut().add_cookie(&cookie).ok();
    }
    Ok(res)
}

/// The language extractor for handlers that need only the language.
pub fn lang(req: &HttpRequest) -> Lang {
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => site(state, req).lang,
        None => requested(req).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_reloads_a_page_that_exists() {
        assert_eq!(page_of(true, "/reset/send"), "/reset/send");
        assert_eq!(page_of(false, "/reset/send"), "/reset/verify");
        assert_eq!(page_of(false, "/register/contact"), "/register");
        assert_eq!(page_of(false, "/register/questions"), "/register/questions");
        assert_eq!(page_of(false, "/change"), "/change");
    }

    #[test]
    fn query_then_cookie_then_header() {
        assert_eq!(asked("lang=nl", Some("en".into()), Some("en")), Some(Lang::Nl));
        assert_eq!(asked("x=1&lang=en", Some("nl".into()), None), Some(Lang::En));
        assert_eq!(asked("", Some("nl".into()), Some("en")), Some(Lang::Nl));
        assert_eq!(asked("lang=xx", None, Some("nl-BE,en;q=0.5")), Some(Lang::Nl));
        assert_eq!(asked("", None, Some("fr")), None);
        assert_eq!(asked("", Some("klingon".into()), None), None);
    }
}
