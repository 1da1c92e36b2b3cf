//! `/admin/policy/branding`: the organisation's name, logo and colour,
//! with a preview card drawn from the values typed before anything is
//! saved. The logo comes as `multipart/form-data` (read by `multipart`);
//! the preview's colour comes from `preview.css` (the CSP allows no inline
//! style), and `policy-preview.js` updates it while the administrator types.

use super::multipart;
use super::{Done, Problem, notice, refused, unprocessable};
use crate::domain::branding::{Branding, Colour, DEFAULT_COLOUR, LOGO_MAX_BYTES};
use crate::flow::LogoChange;
use crate::http::admin::session::{Admin, AdminNav};
use crate::http::admin::{AdminError, render, see_other};
use crate::http::{AppState, Site};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Largest body of the branding form: the largest logo and the fields.
pub(super) const BODY_LIMIT: usize = LOGO_MAX_BYTES + 64 * 1024;

/// `admin/policy_branding.html`
#[derive(Template)]
#[template(path = "admin/policy_branding.html")]
pub(super) struct BrandingPage {
    site: Site,
    nav: AdminNav,
    csrf: String,
    name: String,
    colour: String,
    /// The colour the preview card shows, without the `#`.
    preview: String,
    logo: String,
    custom_logo: bool,
    /// A preview of values not saved yet.
    previewing: bool,
    new_logo: bool,
    problem: Problem,
    notice: Option<&'static str>,
}

impl BrandingPage {
    fn new(admin: &Admin, branding: &Branding) -> Self {
        Self {
            site: admin.site.clone(),
            nav: admin.nav("policy"),
            csrf: admin.csrf.clone(),
            name: branding.name.clone(),
            colour: branding.colour.hex(),
            preview: branding.colour.hex().trim_start_matches('#').to_owned(),
            logo: branding.logo.as_ref().map_or_else(|| "passdesk's mark in your colour".to_owned(), |l| l.summary()),
            custom_logo: branding.logo.is_some(),
            previewing: false,
            new_logo: false,
            problem: Problem::default(),
            notice: None,
        }
    }
}

/// `GET /admin/policy/branding`
pub(super) async fn branding_get(
    admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<Done>,
) -> Result<HttpResponse, AdminError> {
    admin.require_fresh("")?;
    let page = BrandingPage::new(&admin, &state.flows.branding());
    Ok(render(&BrandingPage { notice: notice(&query), ..page }))
}

/// `?colour=` of the preview stylesheet.
#[derive(Debug, serde::Deserialize)]
pub(super) struct PreviewQuery {
    colour: Option<String>,
}

/// `GET /admin/policy/branding/preview.css?colour=rrggbb`: the brand's
/// custom properties for the preview card only. Any colour is drawn (an
/// administrator should see why a light one is refused).
pub(super) async fn preview_css_get(_admin: Admin, query: web::Query<PreviewQuery>) -> HttpResponse {
    let colour = query.colour.as_deref().and_then(Colour::parse).unwrap_or(DEFAULT_COLOUR);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=600"))
        .body(crate::http::brand::preview_stylesheet(colour))
}

/// The fields of the form, from either encoding (a form without a file
/// input, or a forged one, may come URL-encoded).
struct Sent {
    csrf: String,
    name: String,
    colour: String,
    action: String,
    remove_logo: bool,
    logo: Option<Vec<u8>>,
}

fn read_form(req: &HttpRequest, body: &[u8]) -> Result<Sent, String> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(boundary) = multipart::boundary(content_type) {
        let form = multipart::parse(body, &boundary)?;
        let text = |n: &str| form.text(n).unwrap_or_default();
        return Ok(Sent {
            csrf: text("csrf"),
            name: text("name"),
            colour: text("colour"),
            action: text("action"),
            remove_logo: text("remove_logo") == "yes",
            logo: form.file("logo").map(<[u8]>::to_vec),
        });
    }
    let pairs = super::pairs(body);
    let text = |n: &str| super::value(&pairs, n);
    Ok(Sent {
        csrf: text("csrf"),
        name: text("name"),
        colour: text("colour"),
        action: text("action"),
        remove_logo: text("remove_logo") == "yes",
        logo: None,
    })
}

/// `POST /admin/policy/branding`: "Preview" draws the card from the
/// values sent and saves nothing; "Save" saves them.
pub(super) async fn branding_post(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let mut sent = match read_form(&req, &body) {
        Ok(sent) => sent,
        Err(why) => {
            tracing::info!(why, "a branding form that could not be read");
            return Err(AdminError::Page(
                StatusCode::BAD_REQUEST,
                "The form could not be read. Open the branding page again and send it from there.".to_owned(),
            ));
        }
    };
    admin.check_form(&req, &sent.csrf).await?;
    admin.require_fresh("/admin/policy/branding")?;
    let new_logo = sent.logo.is_some();
    let logo = match (sent.logo.take(), sent.remove_logo) {
        (Some(bytes), _) => LogoChange::Replace(bytes),
        (None, true) => LogoChange::Remove,
        (None, false) => LogoChange::Keep,
    };
    let flows = &state.flows;
    let outcome = if sent.action == "preview" {
        flows.preview_branding(&sent.name, &sent.colour, logo).map(Some)
    } else {
        flows.set_branding(&sent.name, &sent.colour, logo, &admin.actor(), &admin.client()).await.map(|_| None)
    };
    match outcome {
        Ok(None) => Ok(see_other("/admin/policy/branding?done=saved")),
        Ok(Some(preview)) => {
            Ok(render(&BrandingPage { previewing: true, new_logo, ..BrandingPage::new(&admin, &preview) }))
        }
        Err(e) => {
            let page = BrandingPage { problem: refused(e)?, ..BrandingPage::new(&admin, &flows.branding()) };
            Ok(unprocessable(&page.with_sent(&sent)))
        }
    }
}

impl BrandingPage {
    /// The refused form with what was typed, previewed as far as it parses.
    fn with_sent(self, sent: &Sent) -> Self {
        let preview =
            Colour::parse(&sent.colour).map_or(self.preview.clone(), |c| c.hex().trim_start_matches('#').to_owned());
        Self { name: sent.name.clone(), colour: sent.colour.trim().to_owned(), preview, ..self }
    }
}
