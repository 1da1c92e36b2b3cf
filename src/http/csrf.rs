//! Cross-site request forgery defence for the HTML forms: a random token in
//! a `__Host-` cookie that every form must echo (double submit), plus an
//! Origin (or Referer) check against our own origin. The JSON API takes no
//! cookies, so it needs neither.

use super::Site;
use crate::domain::key::macs_equal;
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

/// Name of the CSRF cookie; the `__Host-` prefix pins it to this host, path
/// `/` and HTTPS.
pub const COOKIE: &str = "__Host-passdesk-csrf";

/// A cookie with the attributes DESIGN.md §10 requires.
pub fn secure_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value).secure(true).http_only(true).same_site(SameSite::Strict).path("/").finish()
}

/// The token for a page, and the cookie to set when the browser has none.
pub fn token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = req.cookie(COOKIE).filter(|c| c.value().len() == 64) {
        return (c.value().to_owned(), None);
    }
    let (value, cookie) = rotated();
    (value, Some(cookie))
}

/// A new token in a new cookie, for a change of privilege (an admin
/// sign-in), so a token planted before it is worth nothing after.
pub fn rotated() -> (String, Cookie<'static>) {
    let mut raw = [0u8; 32];
    rand::fill(&mut raw);
    let value = hex::encode(raw);
    (value.clone(), secure_cookie(COOKIE, value))
}

/// Checks a POSTed form: same origin, and the token matches the cookie.
pub fn check(req: &HttpRequest, site: &Site, submitted: &str) -> Result<(), &'static str> {
    check_origin(req, site)?;
    let cookie = req.cookie(COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if cookie.is_empty() || !macs_equal(cookie.as_bytes(), submitted.as_bytes()) {
        return Err("error-csrf");
    }
    Ok(())
}

/// Checks that a POST came from a page of this site (Origin, Fetch
/// Metadata or Referer); forms whose token is bound to a session (the
/// admin portal's) need only this beside their own token check.
pub fn check_origin(req: &HttpRequest, site: &Site) -> Result<(), &'static str> {
    let expected = match &site.origin {
        Some(origin) => origin.clone(),
        None => format!("https://{}", req.connection_info().host()),
    };
    let header_text = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    // With `Referrer-Policy: no-referrer` browsers send `Origin: null` on
    // form posts, so the Fetch Metadata header (which pages cannot forge)
    // speaks for them; a real foreign Origin is always refused.
    let same_origin = match (header_text("origin"), header_text("sec-fetch-site"), header_text("referer")) {
        (Some(origin), _, _) if origin != "null" => origin == expected,
        (_, Some(site), _) => site == "same-origin",
        (_, None, Some(referer)) => referer == expected || referer.starts_with(&format!("{expected}/")),
        _ => false,
    };
    if !same_origin {
        return Err("error-csrf-origin");
    }
    Ok(())
}
