//! Every proof of identity end to end through the JSON API against the
//! local directory: alternate e-mail, SMS and voice codes (after the full
//! number is typed), security questions and the authenticator app; two
//! proofs from one factor refused; and the bad input each method can get.

use crate::support::{START, TestApp, json};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::domain::Enrolment;
use passdesk::domain::totp::{STEP_SECS, TotpSecret};
use passdesk::flow::Client;
use serde_json::{Value, json};

fn post(uri: &str, body: Value) -> actix_http::Request {
    TestRequest::post().uri(uri).set_json(body).to_request()
}

/// The first eight digits of the newest message to `to` and its channel.
async fn code_to(t: &TestApp, to: &str) -> (String, String) {
    let rows = t.outbox().await;
    let row = rows.iter().rev().find(|r| r.recipient == to).unwrap_or_else(|| panic!("no message to {to}"));
    let digits: String = row.body.chars().filter(char::is_ascii_digit).take(8).collect();
    (digits, row.channel.clone())
}

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

async fn registered_user(t: &TestApp, login: &str) {
    t.user(login, Some(&format!("{login}@example.org")), "Old-Passw0rd-1234").await;
    let c = Client::default();
    let flows = &t.app.flows;
    flows.enrol_alt_email(login, &format!("{login}.home@example.net"), &c).await.unwrap();
    flows.enrol_phone(login, Enrolment::Mobile, "+31 6 1234 5678", &c).await.unwrap();
    flows.enrol_phone(login, Enrolment::OfficePhone, "+31 20 555 0100", &c).await.unwrap();
    let answers = [("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak Primary")];
    let answers: Vec<(String, String)> = answers.iter().map(|(q, a)| ((*q).into(), (*a).into())).collect();
    flows.enrol_questions(login, &answers, &c).await.unwrap();
    let secret = TotpSecret::from_base32(SECRET).unwrap();
    let enrol_code = secret.code_at((START - 300) / STEP_SECS);
    t.clock.set(START - 300);
    flows.enrol_authenticator(login, SECRET, &enrol_code, &c).await.unwrap();
    t.clock.set(START);
}

async fn all_methods_policy(t: &TestApp) {
    let all = "email,alt_email,mobile_sms,mobile_voice,office_voice,questions,authenticator";
    t.app.flows.set_policy("methods", all, "test", &Client::default()).await.unwrap();
}

#[actix_web::test]
async fn every_method_is_offered_with_its_hint() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "mia"}))).await).await;
    let hints: Vec<(String, String)> = started["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap().to_owned(), m["hint"].as_str().unwrap().to_owned()))
        .collect();
    let want = [
        ("email", "mi•••••@example.org"),
        ("alt_email", "mi•••••@example.net"),
        ("mobile_sms", "+•••••78"),
        ("mobile_voice", "+•••••78"),
        ("office_voice", "+•••••00"),
        ("authenticator", ""),
        ("questions", ""),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    assert_eq!(hints, want);
}

/// Starts a flow for `user` and returns its token.
async fn start(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    user: &str,
) -> String {
    let started = json(test::call_service(svc, post("/api/v1/reset/start", json!({"user": user}))).await).await;
    started["flow"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn alternate_email_code() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    let flow = start(&svc, "mia").await;
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "alt_email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (code, channel) = code_to(&t, "mia.home@example.net").await;
    assert_eq!(channel, "email");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "alt_email", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(resp).await["complete"], true);
}

#[actix_web::test]
async fn phone_codes_need_the_full_number_first() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    let flow = start(&svc, "mia").await;
    let send = |method: &str, confirm: Option<&str>| {
        let mut body = json!({"method": method});
        if let Some(c) = confirm {
            body["confirm"] = json!(c);
        }
        post(&format!("/api/v1/reset/{flow}/send"), body)
    };
    // No number, a malformed one, a wrong one: nothing is sent.
    let resp = test::call_service(&svc, send("mobile_sms", None)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "invalid_input");
    let resp = test::call_service(&svc, send("mobile_sms", Some("call me maybe"))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(&svc, send("mobile_sms", Some("+31 6 1234 5670"))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(resp).await["error"]["code"], "number_mismatch");
    assert!(t.outbox().await.iter().all(|m| m.channel == "email"), "no SMS or call yet");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.3 == "typed phone number does not match"));

    // The same number written differently matches.
    let resp = test::call_service(&svc, send("mobile_sms", Some("0031 (6) 12-34-56-78"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (code, channel) = code_to(&t, "+31612345678").await;
    assert_eq!(channel, "sms");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "mobile_sms", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    // A voice call to the office number reads the code.
    let flow2 = start(&svc, "mia").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow2}/send"), json!({"method": "office_voice", "confirm": "+31205550100"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (code, channel) = code_to(&t, "+31205550100").await;
    assert_eq!(channel, "voice");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow2}/verify"), json!({"method": "office_voice", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_mobile_counts_once_towards_two_proofs() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    t.app.flows.set_policy("methods_required", "2", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let flow = start(&svc, "mia").await;
    test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_voice", "confirm": "+31612345678"})),
    )
    .await;
    let (code, channel) = code_to(&t, "+31612345678").await;
    assert_eq!(channel, "voice");
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "mobile_voice", "code": code})),
    )
    .await;
    assert_eq!(json(resp).await["complete"], false);
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    let ids: Vec<&str> = view["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"mobile_sms"), "the SMS to the same phone left the list: {ids:?}");
    assert!(!ids.contains(&"mobile_voice"), "and so did the passed method: {ids:?}");
    assert_eq!(view["proven"], json!(["mobile_voice"]));
    assert!(ids.contains(&"email"));
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_sms", "confirm": "+31612345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    // The authenticator is a second factor.
    let code = TotpSecret::from_base32(SECRET).unwrap().code_at(START / STEP_SECS);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "authenticator", "code": code})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json(resp).await["complete"], true);
}

#[actix_web::test]
async fn security_questions_all_on_one_page_without_saying_which_was_wrong() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    let flow = start(&svc, "mia").await;
    let verify = |answers: Value| {
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": answers}))
    };
    // Answers before the questions were shown.
    let resp = test::call_service(&svc, verify(json!({"p01": "rex"}))).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);

    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = json(resp).await;
    let questions = body["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 3);
    assert_eq!(questions[0]["text"].as_str().unwrap().chars().last(), Some('?'));

    // Missing and malformed answers are input errors and count nothing.
    let resp = test::call_service(&svc, verify(json!({"p01": "rex"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(&svc, verify(json!({"p01": "x", "p04": "main street", "p08": "oak primary"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(
        &svc,
        verify(json!({"p01": "rex", "p04": "main street", "p08": "oak primary", "p99": "extra"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "code": "1", "answers": {}})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // One wrong answer: refused, no hint which.
    let resp = test::call_service(&svc, verify(json!({"p01": "rex", "p04": "elm street", "p08": "oak primary"}))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body = json(resp).await;
    assert_eq!(body["error"]["code"], "answers_wrong");
    let message = body["error"]["message"].as_str().unwrap().to_lowercase();
    assert!(!message.contains("street") && !message.contains("p04") && !message.contains("second"), "{message}");
    let audit = t.audit_activities().await;
    assert!(audit.iter().any(|a| a.1 == "failure" && a.3 == "wrong questions"));

    // Right answers, written differently, pass.
    let resp =
        test::call_service(&svc, verify(json!({"p01": "  REX ", "p04": "main   street", "p08": "Ｏak Primary"}))).await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", json(resp).await);
}

#[actix_web::test]
async fn more_registered_than_asked_draws_a_subset_and_redraws_after_a_failure() {
    let t = TestApp::new();
    let c = Client::default();
    t.user("noa", Some("noa@example.org"), "Old-Passw0rd-1234").await;
    t.app.flows.set_policy("questions_to_register", "5", "test", &c).await.unwrap();
    let answers: Vec<(String, String)> =
        ["p01", "p02", "p03", "p04", "p05"].iter().map(|q| ((*q).to_owned(), format!("answer {q}"))).collect();
    t.app.flows.enrol_questions("noa", &answers, &c).await.unwrap();
    t.app.flows.set_policy("methods", "questions", "test", &c).await.unwrap();
    let svc = t.service().await;
    let mut seen = std::collections::BTreeSet::new();
    let flow = start(&svc, "noa").await;
    for _ in 0..4 {
        let body = json(
            test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
        )
        .await;
        let ids: Vec<String> =
            body["questions"].as_array().unwrap().iter().map(|q| q["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), 3);
        // Asking again without answering shows the same questions.
        let again = json(
            test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
        )
        .await;
        assert_eq!(again["questions"], body["questions"]);
        seen.extend(ids.clone());
        let wrong: serde_json::Map<String, Value> = ids.iter().map(|id| (id.clone(), json!("wrong answer"))).collect();
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": wrong})),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    assert!(seen.len() > 3, "failures re-draw the questions: {seen:?}");
    // The fifth failure in a day blocks the account.
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await;
    let ids: Vec<String> = json(resp).await["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect();
    let wrong: serde_json::Map<String, Value> = ids.iter().map(|id| (id.clone(), json!("wrong answer"))).collect();
    test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": wrong})),
    )
    .await;
    let right: serde_json::Map<String, Value> =
        ids.iter().map(|id| (id.clone(), json!(format!("answer {id}")))).collect();
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": right})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "blocked");
}

#[actix_web::test]
async fn authenticator_codes_allow_one_step_of_drift_and_never_a_replay() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    t.app.flows.set_policy("methods", "authenticator", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let secret = TotpSecret::from_base32(SECRET).unwrap();
    let step = START / STEP_SECS;
    let verify = |flow: &str, code: String| {
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "authenticator", "code": code}))
    };

    let flow = start(&svc, "mia").await;
    let resp =
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "authenticator"}))).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT, "nothing is sent for an app");
    let resp = test::call_service(&svc, verify(&flow, secret.code_at(step - 2))).await;
    assert_eq!(json(resp).await["error"]["code"], "authenticator_wrong", "two steps old");
    let resp = test::call_service(&svc, verify(&flow, "".into())).await;
    assert_eq!(json(resp).await["error"]["code"], "invalid_input");
    let resp = test::call_service(&svc, verify(&flow, secret.code_at(step - 1))).await;
    assert_eq!(resp.status(), StatusCode::OK, "one step of drift");

    // The same code, or an older one, in a new flow is a replay.
    let flow = start(&svc, "mia").await;
    let resp = test::call_service(&svc, verify(&flow, secret.code_at(step - 1))).await;
    assert_eq!(json(resp).await["error"]["code"], "authenticator_wrong");
    let resp = test::call_service(&svc, verify(&flow, secret.code_at(step))).await;
    assert_eq!(resp.status(), StatusCode::OK, "the next step works");
}

#[actix_web::test]
async fn administrators_never_prove_with_questions() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let c = Client::default();
    let admin_pw = t.app.flows.add_local_admin("root", &c).await.unwrap();
    let _ = admin_pw;
    let answers = [("p01", "Rex"), ("p04", "Main Street"), ("p08", "Oak Primary")];
    let answers: Vec<(String, String)> = answers.iter().map(|(q, a)| ((*q).into(), (*a).into())).collect();
    t.app.flows.enrol_questions("root", &answers, &c).await.unwrap();
    t.app.flows.enrol_phone("root", Enrolment::Mobile, "+31 6 5555 0000", &c).await.unwrap();
    t.app.flows.enrol_alt_email("root", "root@example.net", &c).await.unwrap();
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "root"}))).await).await;
    assert_eq!(started["required"], 2);
    let ids: Vec<&str> = started["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"questions"), "{ids:?}");
    assert!(ids.contains(&"mobile_sms") && ids.contains(&"alt_email"));
}

#[actix_web::test]
async fn decoys_have_the_shape_the_policy_asks_for() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    t.app.flows.set_policy("methods_required", "2", "test", &Client::default()).await.unwrap();
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "nobody"}))).await).await;
    assert_eq!(started["required"], 2);
    let methods = started["methods"].as_array().unwrap();
    assert!(methods.len() >= 2, "{started}");
    let ids: Vec<&str> = methods.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"mobile_sms"), "this ID's decoy has a mobile: {ids:?}");
    let again = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "nobody"}))).await).await;
    assert_eq!(again["methods"], started["methods"], "the same decoy every time");
    let flow = started["flow"].as_str().unwrap();
    // A decoy's phone never matches and its questions never pass.
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_sms", "confirm": "+31612345678"})),
    )
    .await;
    assert_eq!(json(resp).await["error"]["code"], "number_mismatch");
    assert!(t.outbox().await.iter().all(|m| m.channel == "email"));
}

#[actix_web::test]
async fn registration_refuses_bad_input_and_stores_nothing() {
    let t = TestApp::new();
    t.user("ola", Some("ola@example.org"), "Old-Passw0rd-1234").await;
    let c = Client::default();
    let f = &t.app.flows;
    let bad_questions: Vec<Vec<(&str, &str)>> = vec![
        vec![("p01", "rex"), ("p02", "paris")],
        vec![("p01", "rex"), ("p01", "paris"), ("p03", "bob")],
        vec![("p01", "rex"), ("p02", "rex"), ("p03", "bob")],
        vec![("p01", "rex"), ("p02", "paris"), ("zz", "bob")],
        vec![("p01", "rex"), ("p02", "paris"), ("p03", "b")],
    ];
    for answers in bad_questions {
        let answers: Vec<(String, String)> = answers.iter().map(|(q, a)| ((*q).into(), (*a).into())).collect();
        let e = f.enrol_questions("ola", &answers, &c).await.unwrap_err();
        assert!(e.to_string().starts_with("answers: "), "{e}");
    }
    assert!(f.enrol_alt_email("ola", "not an address", &c).await.is_err());
    assert!(f.enrol_alt_email("ola", "ola@example.org", &c).await.is_err(), "the directory address");
    assert!(f.enrol_phone("ola", Enrolment::Mobile, "06 1234 5678", &c).await.is_err(), "no country code configured");
    assert!(f.enrol_authenticator("ola", SECRET, "000000", &c).await.is_err());
    assert!(f.enrol_authenticator("ola", "short", "000000", &c).await.is_err());
    assert!(f.enrol_alt_email("nobody", "x@example.net", &c).await.is_err());
    let svc = t.service().await;
    let started = json(test::call_service(&svc, post("/api/v1/reset/start", json!({"user": "ola"}))).await).await;
    assert_eq!(started["methods"].as_array().unwrap().len(), 1, "only the directory e-mail");
}

#[actix_web::test]
async fn national_numbers_use_the_configured_country_code() {
    let t = TestApp::with_config("[organisation]\nphone_country_code = \"31\"\n");
    t.user("pim", Some("pim@example.org"), "Old-Passw0rd-1234").await;
    let c = Client::default();
    t.app.flows.enrol_phone("pim", Enrolment::Mobile, "06 1234 5678", &c).await.unwrap();
    t.app.flows.set_policy("methods", "mobile_sms", "test", &c).await.unwrap();
    let svc = t.service().await;
    let flow = start(&svc, "pim").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_sms", "confirm": "06-12345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(code_to(&t, "+31612345678").await.1, "sms");
}

#[actix_web::test]
async fn the_organisation_daily_phone_budget_pauses_texts_and_calls_only() {
    let t = TestApp::with_config("[notify]\nphone_daily_budget = 2\n");
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    for method in ["mobile_sms", "office_voice"] {
        let flow = start(&svc, "mia").await;
        let confirm = if method == "mobile_sms" { "+31612345678" } else { "+31205550100" };
        let resp = test::call_service(
            &svc,
            post(&format!("/api/v1/reset/{flow}/send"), json!({"method": method, "confirm": confirm})),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let flow = start(&svc, "mia").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_voice", "confirm": "+31612345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(resp).await["error"]["code"], "phone_budget_spent");
    let resp = test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK, "e-mail still works");
    // A day later the budget is back.
    t.clock.advance(24 * 3600 + 1);
    let flow = start(&svc, "mia").await;
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "mobile_sms", "confirm": "+31612345678"})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

/// Garbage in the new fields (phone confirmation, answers, codes): a clear
/// 4xx, and nothing audited, counted or sent.
#[actix_web::test]
async fn garbage_in_method_fields_changes_nothing() {
    let t = TestApp::new();
    registered_user(&t, "mia").await;
    all_methods_policy(&t).await;
    let svc = t.service().await;
    let flow = start(&svc, "mia").await;
    let audit_before = t.audit_activities().await.len();
    let send = format!("/api/v1/reset/{flow}/send");
    let verify = format!("/api/v1/reset/{flow}/verify");
    let raw = |uri: &str, bytes: &'static [u8]| {
        TestRequest::post().uri(uri).insert_header(("content-type", "application/json")).set_payload(bytes).to_request()
    };
    let cases: Vec<(actix_http::Request, StatusCode)> = vec![
        (post(&send, json!({"method": "mobile_sms", "confirm": ""})), StatusCode::BAD_REQUEST),
        (post(&send, json!({"method": "mobile_sms", "confirm": "+31 6\u{0} 1234 5678"})), StatusCode::BAD_REQUEST),
        (post(&send, json!({"method": "mobile_sms", "confirm": 31612345678u64})), StatusCode::BAD_REQUEST),
        (post(&send, json!({"method": "mobile_sms", "confirm": "9".repeat(60 * 1024)})), StatusCode::BAD_REQUEST),
        (raw(&send, b"{\"method\": \"mobile_sms\", \"confirm\": \"+31\xff\"}"), StatusCode::BAD_REQUEST),
        (
            post(&verify, json!({"method": "questions", "answers": ["rex", "main street", "oak"]})),
            StatusCode::BAD_REQUEST,
        ),
        (post(&verify, json!({"method": "questions", "answers": {"p01": 7}})), StatusCode::BAD_REQUEST),
        (post(&verify, json!({"method": "authenticator", "code": "\u{7}\u{7}"})), StatusCode::BAD_REQUEST),
        (post(&verify, json!({"method": "authenticator"})), StatusCode::BAD_REQUEST),
        (post(&verify, json!({"method": "authenticator", "code": "1".repeat(2000)})), StatusCode::BAD_REQUEST),
        (raw(&verify, b"{\"method\": \"authenticator\", \"code\": \"\xc3\x28\"}"), StatusCode::BAD_REQUEST),
        (post(&send, json!({"method": ["email"]})), StatusCode::BAD_REQUEST),
    ];
    for (n, (req, status)) in cases.into_iter().enumerate() {
        let resp = test::call_service(&svc, req).await;
        assert_eq!(resp.status(), status, "case {n}");
        let body = json(resp).await;
        assert!(!body["error"]["message"].as_str().unwrap().is_empty(), "case {n}: {body}");
    }
    // Questions asked with nothing drawn yet, after the garbage: still a clean slate.
    let audit = t.audit_activities().await;
    let new: Vec<_> = audit[audit_before..].iter().collect();
    assert!(new.is_empty(), "garbage is neither audited nor counted: {new:?}");
    assert!(t.outbox().await.is_empty());

    // An expired flow answers the same for every new field.
    t.clock.advance(15 * 60);
    let resp = test::call_service(&svc, post(&send, json!({"method": "mobile_sms", "confirm": "+31612345678"}))).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    let resp = test::call_service(&svc, post(&verify, json!({"method": "questions", "answers": {}}))).await;
    assert_eq!(resp.status(), StatusCode::GONE);
}

#[actix_web::test]
async fn the_administrators_own_questions_can_be_registered_and_are_asked() {
    let t = TestApp::new();
    let c = Client::default();
    t.user("uma", Some("uma@example.org"), "Old-Passw0rd-1234").await;
    let flows = &t.app.flows;
    flows
        .set_policy("custom_questions", "Which floor was your first desk on?|What is our canteen's nickname?", "t", &c)
        .await
        .unwrap();
    let bad = flows.set_policy("custom_questions", "Short?", "t", &c).await.unwrap_err();
    assert!(bad.to_string().contains("10 to 200 characters"), "{bad}");
    let answers: Vec<(String, String)> = [("c1", "third floor"), ("c2", "the bunker"), ("p01", "rex")]
        .iter()
        .map(|(q, a)| ((*q).into(), (*a).into()))
        .collect();
    flows.enrol_questions("uma", &answers, &c).await.unwrap();
    flows.set_policy("methods", "questions", "t", &c).await.unwrap();
    let svc = t.service().await;
    let flow = start(&svc, "uma").await;
    let body = json(
        test::call_service(&svc, post(&format!("/api/v1/reset/{flow}/send"), json!({"method": "questions"}))).await,
    )
    .await;
    let texts: Vec<&str> = body["questions"].as_array().unwrap().iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"Which floor was your first desk on?"), "{texts:?}");
    let given: serde_json::Map<String, Value> = answers.iter().map(|(q, a)| (q.clone(), json!(a))).collect();
    let resp = test::call_service(
        &svc,
        post(&format!("/api/v1/reset/{flow}/verify"), json!({"method": "questions", "answers": given})),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
}
