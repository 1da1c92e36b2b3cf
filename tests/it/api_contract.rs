//! The JSON API keeps to its OpenAPI document in the answers every
//! operation shares: a query string, method or body it cannot use gets a
//! 4xx with the `{error:{code,message}}` body the document describes, and
//! changes nothing; a page gets an error page. (These are the inputs API
//! fuzzing found answered as plain text or as a bare 404;
//! `tests/api-fuzz.sh` runs the fuzzer.)

use crate::support::{TestApp, json};
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::flow::Client;
use serde_json::{Value, json};

/// The error body of an answer, after checking its status and content type.
async fn api_error(resp: ServiceResponse<impl MessageBody>, status: StatusCode) -> Value {
    assert_eq!(resp.status(), status);
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(content_type, "application/json");
    let body = json(resp).await;
    assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{body}");
    body
}

#[actix_web::test]
async fn a_repeated_query_parameter_is_a_json_400_and_removes_nothing() {
    let t = TestApp::with_config("[organisation]\nphone_country_code = \"31\"\n");
    t.user("quinn", Some("quinn@example.org"), "Old-Passw0rd-1234").await;
    let token = t.app.flows.issue_admin_token("fuzz", &Client::default()).await.unwrap().as_str().to_owned();
    let bearer = ("authorization", format!("Bearer {token}"));
    let svc = t.service().await;
    let uri = "/api/v1/admin/users/quinn/methods";
    let put = TestRequest::put().uri(uri).insert_header(bearer.clone()).set_json(json!({"mobile": "06 1234 5678"}));
    assert_eq!(test::call_service(&svc, put.to_request()).await.status(), StatusCode::OK);

    let resp = test::call_service(
        &svc,
        TestRequest::delete().uri(&format!("{uri}?kind=mobile&kind=mobile")).insert_header(bearer.clone()).to_request(),
    )
    .await;
    let body = api_error(resp, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["code"], "invalid_query");
    assert!(body["error"]["message"].as_str().unwrap().contains("duplicate field `kind`"), "{body}");
    let resp = test::call_service(&svc, TestRequest::get().uri(uri).insert_header(bearer.clone()).to_request()).await;
    let kinds: Vec<Value> = json(resp).await["methods"].as_array().unwrap().iter().map(|m| m["kind"].clone()).collect();
    assert_eq!(kinds, [json!("email"), json!("mobile")], "the mobile number is still there");

    for query in ["result=success&result=failure", "before=1&before=2"] {
        let req = TestRequest::get().uri(&format!("/api/v1/admin/audit?{query}")).insert_header(bearer.clone());
        let body = api_error(test::call_service(&svc, req.to_request()).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"]["code"], "invalid_query", "{query}");
    }
    let req = TestRequest::get().uri("/api/v1/admin/audit/export?format=csv&format=json").insert_header(bearer);
    let body = api_error(test::call_service(&svc, req.to_request()).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["code"], "invalid_query");
}

#[actix_web::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let t = TestApp::new();
    let svc = t.service().await;
    let flow = "0".repeat(64);
    for (req, allow) in [
        (TestRequest::put().uri("/api/v1/reset/start"), "POST"),
        (TestRequest::get().uri("/api/v1/change"), "POST"),
        (TestRequest::patch().uri(&format!("/api/v1/reset/{flow}/send")), "POST"),
        (TestRequest::post().uri("/api/v1/admin/policy"), "GET, PUT"),
        (TestRequest::post().uri("/api/v1/admin/users/ann/methods"), "GET, PUT, DELETE"),
        // A literal path is not taken for a template next to it.
        (TestRequest::get().uri("/api/v1/reset/start"), "POST"),
        (TestRequest::get().uri("/api/v1/reset/link"), "POST"),
        (TestRequest::get().uri("/api/v1/register/session"), "POST"),
    ] {
        let resp = test::call_service(&svc, req.to_request()).await;
        assert_eq!(resp.headers().get("allow").and_then(|v| v.to_str().ok()), Some(allow));
        let body = api_error(resp, StatusCode::METHOD_NOT_ALLOWED).await;
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert!(body["error"]["message"].as_str().unwrap().contains(allow), "{body}");
    }
    // A path the API does not have is still a 404.
    let resp = test::call_service(&svc, TestRequest::get().uri("/api/v1/nothing/here").to_request()).await;
    assert_eq!(api_error(resp, StatusCode::NOT_FOUND).await["error"]["code"], "not_found");
}

#[actix_web::test]
async fn bodies_that_cannot_be_read_get_the_documented_errors() {
    let t = TestApp::new();
    t.user("rory", Some("rory@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let no_type = TestRequest::post().uri("/api/v1/change").set_payload(r#"{"user":"rory"}"#);
    let body =
        api_error(test::call_service(&svc, no_type.to_request()).await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let huge = json!({"user": "rory", "old_password": "x".repeat(70_000), "new_password": "y"});
    let req = TestRequest::post().uri("/api/v1/change").set_json(huge);
    let body = api_error(test::call_service(&svc, req.to_request()).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(body["error"]["code"], "body_too_large");
    let req = TestRequest::post().uri("/api/v1/change").insert_header(("content-type", "application/json"));
    let body =
        api_error(test::call_service(&svc, req.set_payload("{").to_request()).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"]["code"], "bad_json");
    // None of it touched the account: the old password still signs in.
    let resp = test::call_service(
        &svc,
        TestRequest::post()
            .uri("/api/v1/register/session")
            .set_json(json!({"user": "rory", "password": "Old-Passw0rd-1234"}))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[actix_web::test]
async fn every_documented_answer_has_its_body_described() {
    let t = TestApp::new();
    let svc = t.service().await;
    let doc = json(test::call_service(&svc, TestRequest::get().uri("/api/v1/openapi.json").to_request()).await).await;
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has_body = op.get("requestBody").is_some();
            let mut must: Vec<&str> = Vec::new();
            if has_body {
                must.extend(["400", "413", "415"]);
            }
            if path.contains('{') {
                must.push("404");
            }
            if path.starts_with("/api/v1/admin/") {
                must.extend(["401", "403", "429"]);
            }
            if method == "post" || method == "put" {
                must.push("429");
            }
            for status in must.iter().filter(|s| !responses.contains_key(**s)) {
                problems.push(format!("{method} {path}: no {status}"));
            }
            for (status, answer) in responses {
                let content = &answer["content"];
                if status.starts_with('2') && status != "204" && !content.is_object() {
                    problems.push(format!("{method} {path} {status}: no content described"));
                }
                if !status.starts_with('2')
                    && content["application/json"]["schema"]["$ref"] != "#/components/schemas/Error"
                {
                    problems.push(format!("{method} {path} {status}: not the Error body"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[actix_web::test]
async fn a_page_with_a_repeated_query_parameter_gets_an_error_page() {
    let t = TestApp::new();
    let svc = t.service().await;
    let req = TestRequest::get().uri("/admin/sign-in?next=/admin&next=/admin/users");
    let resp = test::call_service(&svc, req.to_request()).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = crate::support::text(resp).await;
    assert!(page.contains("duplicate field `next`"), "{page}");
}
