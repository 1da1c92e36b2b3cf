//! `Body<T>`: a JSON request body like `web::Json<T>`, except that a value
//! of the wrong type names its field ("mobile: invalid type: integer…"), so
//! every API answer to bad input says exactly what to fix. Syntax errors,
//! size and content type are still answered by the JSON config's handler.

use super::error::ApiError;
use super::middleware::request_id;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A JSON body deserialised with the path of any error.
pub struct Body<T>(pub T);

impl<T> Body<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        let rid = request_id(req).0;
        Box::pin(async move {
            let value = value.await?.into_inner();
            serde_path_to_error::deserialize(value).map(Body).map_err(|e| {
                let path = e.path().to_string();
                let message = if path == "." {
                    format!("The JSON body is not valid: {}.", e.inner())
                } else {
                    format!("The JSON body is not valid: {path}: {}.", e.inner())
                };
                ApiError::new(StatusCode::BAD_REQUEST, "bad_json", message, &rid).into()
            })
        })
    }
}
