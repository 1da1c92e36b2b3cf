//! Every request body the web faces decode, each with the extractor its
//! handler uses (the API's JSON [`Body`], the portal's and admin pages'
//! `web::Form`, the query strings' `web::Query`, the branding form's
//! multipart reader), listed for the fuzz targets in `fuzz/`. The body
//! types stay private to their handlers' modules; each module lists its
//! own, beside the handlers, so a new body is listed where it is added.
//! Public only for the fuzz targets: no passdesk code calls it.

use super::body::Body;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// How a body reaches its handler, so the caller builds the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON body (`Content-Type: application/json`).
    Json,
    /// A URL-encoded form body (`application/x-www-form-urlencoded`).
    Form,
    /// The request's query string.
    Query,
}

/// One decoding under way: `Ok` when the handler would get its value, the
/// extractor's error (answered as it is to a client) otherwise.
pub type Decoding = Pin<Box<dyn Future<Output = Result<(), actix_web::Error>>>>;

/// One body type and the extractor its handler uses.
#[derive(Debug, Clone, Copy)]
pub struct Decoder {
    /// The Rust type, e.g. `passdesk::http::api::reset::StartBody`.
    pub name: &'static str,
    /// Where the request carries it.
    pub kind: Kind,
    /// Runs the extractor on a request and its payload.
    pub decode: fn(&HttpRequest, &mut Payload) -> Decoding,
}

/// Every body of the API, the portal and the admin pages.
pub fn decoders() -> Vec<Decoder> {
    let mut all = super::api::bodies();
    all.extend(super::portal::bodies());
    all.extend(super::admin::bodies());
    all
}

/// The branding form's multipart reader: the boundary from `content_type`,
/// then the fields the handler reads; or why the form is refused (a 400).
pub fn multipart(content_type: &str, body: &[u8]) -> Result<(), String> {
    super::admin::multipart(content_type, body)
}

/// A JSON body read as the API reads it.
pub(super) fn json<T: DeserializeOwned + 'static>() -> Decoder {
    Decoder { name: std::any::type_name::<T>(), kind: Kind::Json, decode: decode_json::<T> }
}

/// A form body read as the portal and admin pages read it.
pub(super) fn form<T: DeserializeOwned + 'static>() -> Decoder {
    Decoder { name: std::any::type_name::<T>(), kind: Kind::Form, decode: decode_form::<T> }
}

/// A query string read as the pages read it.
pub(super) fn query<T: DeserializeOwned + 'static>() -> Decoder {
    Decoder { name: std::any::type_name::<T>(), kind: Kind::Query, decode: decode_query::<T> }
}

fn decode_json<T: DeserializeOwned + 'static>(req: &HttpRequest, payload: &mut Payload) -> Decoding {
    let extracting = Body::<T>::from_request(req, payload);
    Box::pin(async move { extracting.await.map(drop) })
}

fn decode_form<T: DeserializeOwned + 'static>(req: &HttpRequest, payload: &mut Payload) -> Decoding {
    let extracting = web::Form::<T>::from_request(req, payload);
    Box::pin(async move { extracting.await.map(drop) })
}

fn decode_query<T: DeserializeOwned + 'static>(req: &HttpRequest, payload: &mut Payload) -> Decoding {
    let extracting = web::Query::<T>::from_request(req, payload);
    Box::pin(async move { extracting.await.map(drop) })
}
