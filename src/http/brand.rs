//! The organisation's look: its colour as a small generated stylesheet
//! (`/brand.css`; the CSP forbids inline styles, so the colour cannot ride
//! in the page) and its logo (`/brand/logo`), served with an ETag. They
//! are built from the branding in force and rebuilt on the first request
//! after an administrator changes it. Without a logo a neutral passdesk
//! mark in the organisation's colour is served.

use crate::domain::branding::{Branding, Colour};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::RwLock;

use super::AppState;

/// The stylesheet a branding preview uses: the same custom properties as
/// `/brand.css`, scoped to the preview card, so the admin page shows a
/// colour before it is saved without inline styles.
pub(crate) fn preview_stylesheet(colour: Colour) -> String {
    stylesheet(colour).replace(":root", ".brand-preview")
}

/// Card background in dark mode (`--card` in `passdesk.css`); links in the
/// organisation's colour are lightened until they read on it.
const DARK_CARD: Colour = Colour([0x1d, 0x22, 0x2b]);

/// Page background in light and dark mode (`--page`): the footer's links sit on it.
const LIGHT_PAGE: Colour = Colour([0xf3, 0xf5, 0xf8]);
const DARK_PAGE: Colour = Colour([0x12, 0x15, 0x1a]);

const WHITE: Colour = Colour::WHITE;
const BLACK: Colour = Colour::BLACK;

/// One generated file with its validator.
#[derive(Debug)]
struct Asset {
    bytes: Arc<[u8]>,
    content_type: &'static str,
    etag: String,
}

impl Asset {
    fn new(bytes: Arc<[u8]>, content_type: &'static str) -> Self {
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..12]));
        Self { bytes, content_type, etag }
    }

    /// The response, or 304 when the browser already holds this version.
    fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == self.etag));
        let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
        res.insert_header((header::ETAG, self.etag.clone()))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::CONTENT_TYPE, self.content_type));
        if self.content_type == "image/svg+xml" {
            // An SVG opened on its own is a document: it must never run script.
            res.insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ));
        }
        if fresh { res.finish() } else { res.body(self.bytes.to_vec()) }
    }
}

/// The stylesheet and logo of one branding.
#[derive(Debug)]
struct Built {
    source: Arc<Branding>,
    css: Asset,
    logo: Asset,
    version: String,
}

impl Built {
    fn new(source: Arc<Branding>) -> Self {
        let logo = match &source.logo {
            Some(l) => Asset::new(l.bytes.clone(), l.content_type),
            None => Asset::new(mark(source.colour).into_bytes().into(), "image/svg+xml"),
        };
        let css = Asset::new(stylesheet(source.colour).into_bytes().into(), "text/css; charset=utf-8");
        let version = hex::encode(&Sha256::digest(format!("{}{}", css.etag, logo.etag).as_bytes())[..6]);
        Self { source, css, logo, version }
    }
}

/// The organisation's stylesheet and logo, following the branding in
/// force: the flows swap the cell's value on a change, this rebuilds once.
#[derive(Debug)]
pub struct Brand {
    cell: Arc<RwLock<Arc<Branding>>>,
    built: RwLock<Arc<Built>>,
}

impl Brand {
    /// Follows the branding in `cell` (the flows' `branding_cell`).
    pub fn new(cell: Arc<RwLock<Arc<Branding>>>) -> Self {
        let source = cell.read().map(|b| b.clone()).unwrap_or_default();
        Self { cell, built: RwLock::new(Arc::new(Built::new(source))) }
    }

    /// The assets of the branding in force, rebuilt when it changed.
    fn current(&self) -> Arc<Built> {
        let source = self.cell.read().map(|b| b.clone()).unwrap_or_default();
        let built = self.built.read().map(|b| b.clone());
        if let Ok(built) = built
            && Arc::ptr_eq(&built.source, &source)
        {
            return built;
        }
        let fresh = Arc::new(Built::new(source));
        if let Ok(mut slot) = self.built.write() {
            *slot = fresh.clone();
        }
        fresh
    }

    /// A short version tag for the stylesheet's and logo's URLs, so a new
    /// colour or logo reaches browsers at once despite caching.
    pub fn version(&self) -> String {
        self.current().version.clone()
    }

    /// The organisation's name in force.
    pub fn name(&self) -> String {
        self.current().source.name.clone()
    }
}

impl Default for Brand {
    fn default() -> Self {
        Self::new(Arc::default())
    }
}

/// The custom properties of `passdesk.css` that carry the colour, in light
/// and dark mode.
fn stylesheet(colour: Colour) -> String {
    let hover = colour.mix(BLACK, 0.18);
    let tint = colour.mix(WHITE, 0.92);
    let dark_tint = colour.mix(DARK_CARD, 0.8);
    // Links must read (4.5:1) on the card, the page and the tinted hover
    // background; the colour itself passes on white, not always on the grey page.
    let light_link = readable(colour, BLACK, &[WHITE, LIGHT_PAGE, tint], 4.5);
    let dark_link = readable(colour, WHITE, &[DARK_CARD, DARK_PAGE, dark_tint], 6.0);
    format!(
        "/* The organisation's colour, generated by passdesk from organisation.colour. */\n\
         :root {{ --brand: {}; --brand-hover: {}; --brand-tint: {}; --brand-link: {}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --brand-tint: {}; --brand-link: {}; }} }}\n",
        colour.hex(),
        hover.hex(),
        tint.hex(),
        light_link.hex(),
        dark_tint.hex(),
        dark_link.hex()
    )
}

/// The first shade of `colour` towards `towards`, in 1 % steps, that reaches
/// `ratio` on every background (or `towards` itself).
fn readable(colour: Colour, towards: Colour, backgrounds: &[Colour], ratio: f64) -> Colour {
    (0..=100)
        .map(|step| colour.mix(towards, f64::from(step) / 100.0))
        .find(|c| backgrounds.iter().all(|b| c.contrast(*b) >= ratio))
        .unwrap_or(towards)
}

/// passdesk's neutral mark: a key in a rounded square of the organisation's colour.
fn mark(colour: Colour) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\" width=\"48\" height=\"48\">\
         <rect width=\"48\" height=\"48\" rx=\"12\" fill=\"{}\"/>\
         <circle cx=\"18\" cy=\"24\" r=\"7\" fill=\"none\" stroke=\"#fff\" stroke-width=\"4\"/>\
         <path d=\"M25 24h13M33 24v6M38 24v5\" fill=\"none\" stroke=\"#fff\" stroke-width=\"4\" stroke-linecap=\"round\"/>\
         </svg>\n",
        colour.hex()
    )
}

/// `GET /brand.css`
pub async fn css_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    state.site.brand.current().css.respond(&req)
}

/// `GET /brand/logo`
pub async fn logo_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    state.site.brand.current().logo.respond(&req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_read_on_every_background_in_both_modes() {
        // #aa6614 just passes on white (4.5:1) but not on the grey page.
        for hex in ["#1f5fa8", "#0b5a3a", "#7a1f1f", "#000000", "#3b2a8f", "#aa6614", "#767676"] {
            let c = Colour::parse(hex).unwrap();
            let css = stylesheet(c);
            let mut links = css.split("--brand-link: ").skip(1).map(|s| Colour::parse(&s[..7]).unwrap());
            let (light, dark) = (links.next().unwrap(), links.next().unwrap());
            for bg in [WHITE, LIGHT_PAGE, c.mix(WHITE, 0.92)] {
                assert!(light.contrast(bg) >= 4.5, "{hex} -> {} on {}", light.hex(), bg.hex());
            }
            for bg in [DARK_CARD, DARK_PAGE, c.mix(DARK_CARD, 0.8)] {
                assert!(dark.contrast(bg) >= 4.5, "{hex} -> {} on {}", dark.hex(), bg.hex());
            }
        }
    }

    #[test]
    fn the_mark_carries_the_colour() {
        assert!(mark(Colour([1, 2, 3])).contains("fill=\"#010203\""));
    }
}
