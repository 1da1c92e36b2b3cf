//! Static files (CSS, images, scripts) embedded into the binary with
//! rust-embed, served with an ETag from their SHA-256 so browsers revalidate
//! cheaply.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "web/static/"]
struct Static;

/// `GET /static/{file}`
pub async fn static_get(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(file) = Static::get(&path) else {
        return HttpResponse::NotFound().insert_header(ContentType::plaintext()).body("not found");
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600, must-revalidate"))
        .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()));
    if fresh { res.finish() } else { res.body(file.data.into_owned()) }
}
