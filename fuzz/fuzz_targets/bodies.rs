//! Every request body the web faces decode, by the extractor its handler
//! uses (`passdesk::http::fuzz::decoders`): the API's JSON bodies, the
//! portal's and admin pages' forms, the query strings, and the branding
//! form's multipart reader. The first input byte picks the body type, the
//! rest is the body (or the query string). Whatever arrives, the decoding
//! ends at once with the value or a client error (4xx), never a panic or a
//! server error.
#![no_main]

use actix_web::http::header;
use actix_web::test::TestRequest;
use libfuzzer_sys::fuzz_target;
use passdesk::http::fuzz::{Decoder, Kind, decoders, multipart};
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

static DECODERS: LazyLock<Vec<Decoder>> = LazyLock::new(decoders);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let index = usize::from(selector) % (DECODERS.len() + 1);
    let Some(decoder) = DECODERS.get(index) else {
        // The last choice: the branding form, boundary "B".
        let _ = multipart("multipart/form-data; boundary=B", body);
        if let Some(at) = body.iter().position(|&b| b == b'\n') {
            // Or a Content-Type line of its own, then the body.
            let content_type = String::from_utf8_lossy(&body[..at]);
            let _ = multipart(&content_type, &body[at + 1..]);
        }
        return;
    };
    let request = match decoder.kind {
        Kind::Json => TestRequest::post().insert_header((header::CONTENT_TYPE, "application/json")),
        Kind::Form => TestRequest::post().insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded")),
        Kind::Query => TestRequest::get().uri(&format!("/?{}", query_text(body))),
    };
    let (req, mut payload) = request.set_payload(body.to_vec()).to_http_parts();
    let mut decoding = (decoder.decode)(&req, &mut payload);
    let mut cx = Context::from_waker(Waker::noop());
    let Poll::Ready(outcome) = decoding.as_mut().poll(&mut cx) else {
        panic!("{} did not decode a body that is all there", decoder.name);
    };
    if let Err(e) = outcome {
        let status = e.as_response_error().status_code();
        assert!(status.is_client_error(), "{} answers {status} to a bad body: {e}", decoder.name);
    }
});

/// The bytes as a query string a client could send: characters a URI may
/// hold stay, anything else is percent-encoded (the HTTP parser refuses it
/// raw).
fn query_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~%&=+!$'()*,;:@/?".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
