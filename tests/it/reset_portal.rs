//! The reset flow through the HTML portal: cookies, CSRF, redirects and
//! the pages a person sees.

use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

pub const ORIGIN: &str = "https://localhost:8080";

/// A tiny cookie jar: name → value.
#[derive(Default)]
pub struct Jar(pub Vec<(String, String)>);

impl Jar {
    pub fn take<B>(&mut self, resp: &actix_web::dev::ServiceResponse<B>) {
        for c in resp.response().cookies() {
            self.0.retain(|(n, _)| n != c.name());
            if !c.value().is_empty() {
                self.0.push((c.name().to_owned(), c.value().to_owned()));
            }
        }
    }

    pub fn header(&self) -> String {
        self.0.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }
}

pub fn form(uri: &str, jar: &Jar, fields: &[(&str, &str)]) -> actix_http::Request {
    TestRequest::post()
        .uri(uri)
        .insert_header(("origin", ORIGIN))
        .insert_header(("cookie", jar.header()))
        .set_form(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
        .to_request()
}

pub fn get(uri: &str, jar: &Jar) -> actix_http::Request {
    TestRequest::get().uri(uri).insert_header(("cookie", jar.header())).to_request()
}

fn location<B>(resp: &actix_web::dev::ServiceResponse<B>) -> String {
    resp.headers().get("location").unwrap().to_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_person_resets_a_password_in_the_portal() {
    let t = TestApp::new();
    let id = t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let mut jar = Jar::default();

    let resp = test::call_service(&svc, get("/", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(text(resp).await.contains("href=\"/reset\""));

    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").expect("csrf cookie");
    let page = text(resp).await;
    assert!(page.contains(&format!("value=\"{csrf}\"")));

    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "alice")])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/reset/verify");
    jar.take(&resp);
    let flow = jar.get("__Host-passdesk-reset").expect("flow cookie");
    assert_eq!(flow.len(), 64);

    let resp = test::call_service(&svc, get("/reset/verify", &jar)).await;
    let page = text(resp).await;
    assert!(page.contains("al•••••@example.org"), "{page}");
    assert!(!page.contains(&flow), "the token never appears in a page");

    let resp = test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "email")])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/reset/verify?sent=email");
    let code = t.code_for("alice@example.org").await;

    let resp = test::call_service(
        &svc,
        form("/reset/verify", &jar, &[("csrf", &csrf), ("method", "email"), ("code", "00000000")]),
    )
    .await;
    let wrong_status = resp.status();
    let page = text(resp).await;
    if code != "00000000" {
        assert_eq!(wrong_status, StatusCode::BAD_REQUEST);
        assert!(page.contains("The code is not correct. 4 tries left"), "{page}");
    }

    let spaced = format!("{} {}", &code[..4], &code[4..]);
    let resp = test::call_service(
        &svc,
        form("/reset/verify", &jar, &[("csrf", &csrf), ("method", "email"), ("code", &spaced)]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/reset/password");

    let resp = test::call_service(&svc, get("/reset/password", &jar)).await;
    assert!(text(resp).await.contains("At least 12 characters"));

    let resp = test::call_service(
        &svc,
        form(
            "/reset/password",
            &jar,
            &[("csrf", &csrf), ("new_password", "Violet meadow drums 42"), ("confirm", "Violet meadow drums 4")],
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(text(resp).await.contains("not the same"));

    let resp = test::call_service(
        &svc,
        form(
            "/reset/password",
            &jar,
            &[("csrf", &csrf), ("new_password", "password1234"), ("confirm", "password1234")],
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("commonly used"));

    let new = "Violet meadow drums 42";
    let resp = test::call_service(
        &svc,
        form("/reset/password", &jar, &[("csrf", &csrf), ("new_password", new), ("confirm", new)]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/reset/done");
    jar.take(&resp);
    assert!(jar.get("__Host-passdesk-reset").is_none(), "the flow cookie is removed");
    let resp = test::call_service(&svc, get("/reset/done", &jar)).await;
    assert!(text(resp).await.contains("Your password has been reset"));

    assert!(t.can_sign_in(&id, new).await);
    assert!(!t.can_sign_in(&id, "Old-Passw0rd-1234").await);
}

#[actix_web::test]
async fn pages_without_a_flow_explain_and_offer_a_restart() {
    let t = TestApp::new();
    let svc = t.service().await;
    let resp = test::call_service(&svc, get("/reset/verify", &Jar::default())).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let page = text(resp).await;
    assert!(page.contains("Start again") && page.contains("Request id"), "{page}");
}

#[actix_web::test]
async fn invalid_user_id_is_shown_on_the_form() {
    let t = TestApp::new();
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "   ")])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let page = text(resp).await;
    assert!(page.contains("Enter your user ID") && !page.contains("user: "), "{page}");
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "a missing field is a clear 400");
    assert!(text(resp).await.contains("could not be read"));
    assert!(t.audit_activities().await.is_empty());
}

/// The verify page for every kind of method: the phone number is typed
/// before a code is sent, the questions are answered on one page, and the
/// authenticator code is typed with nothing sent.
#[actix_web::test]
async fn phone_questions_and_authenticator_in_the_portal() {
    use passdesk::domain::Enrolment;
    use passdesk::domain::totp::{STEP_SECS, TotpSecret};
    use passdesk::flow::Client;
    let t = TestApp::new();
    t.user("rita", Some("rita@example.org"), "Old-Passw0rd-1234").await;
    let c = Client::default();
    let flows = &t.app.flows;
    flows.set_policy("methods", "mobile_sms,questions,authenticator", "test", &c).await.unwrap();
    flows.set_policy("methods_required", "2", "test", &c).await.unwrap();
    flows.enrol_phone("rita", Enrolment::Mobile, "+44 7700 900123", &c).await.unwrap();
    let answers: Vec<(String, String)> = [("p03", "Hanna"), ("p06", "Lotte"), ("p10", "Queen")]
        .iter()
        .map(|(q, a)| ((*q).into(), (*a).into()))
        .collect();
    flows.enrol_questions("rita", &answers, &c).await.unwrap();
    let secret = TotpSecret::generate();
    let code_now = |at: i64| secret.code_at(at / STEP_SECS);
    t.clock.set(crate::support::START - 600);
    flows.enrol_authenticator("rita", &secret.base32(), &code_now(crate::support::START - 600), &c).await.unwrap();
    t.clock.set(crate::support::START);

    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "rita")])).await;
    jar.take(&resp);
    let page = text(test::call_service(&svc, get("/reset/verify", &jar)).await).await;
    assert!(page.contains("Type your full number (it ends in +•••••23)"), "{page}");
    assert!(page.contains("Answer my security questions") && page.contains("Code your authenticator app shows"));

    // A wrong number: an error on the page, nothing sent.
    let resp = test::call_service(
        &svc,
        form("/reset/send", &jar, &[("csrf", &csrf), ("method", "mobile_sms"), ("confirm", "+44 7700 900124")]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(text(resp).await.contains("That is not the number on file"));
    assert!(t.outbox().await.is_empty());
    let resp = test::call_service(
        &svc,
        form("/reset/send", &jar, &[("csrf", &csrf), ("method", "mobile_sms"), ("confirm", "+44 7700 900 123")]),
    )
    .await;
    assert_eq!(location(&resp), "/reset/verify?sent=mobile_sms");
    assert_eq!(t.outbox().await[0].channel, "sms");

    // The questions, all on one page.
    let resp = test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "questions")])).await;
    assert_eq!(location(&resp), "/reset/verify");
    let page = text(test::call_service(&svc, get("/reset/verify", &jar)).await).await;
    for (id, _) in &answers {
        assert!(page.contains(&format!("name=\"answer-{id}\"")), "{page}");
    }
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf.clone()), ("method".into(), "questions".into())];
    fields.extend(answers.iter().map(|(q, a)| (format!("answer-{q}"), a.to_lowercase())));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let resp = test::call_service(&svc, form("/reset/verify", &jar, &fields)).await;
    assert_eq!(location(&resp), "/reset/verify");

    let page = text(test::call_service(&svc, get("/reset/verify", &jar)).await).await;
    assert!(page.contains("1 of 2 checks passed"), "{page}");
    assert!(!page.contains("answer-p03") && !page.contains("Answer my security questions"), "the passed method left");

    // The authenticator completes the two proofs.
    let code = code_now(crate::support::START);
    let resp = test::call_service(
        &svc,
        form("/reset/verify", &jar, &[("csrf", &csrf), ("method", "authenticator"), ("code", &code)]),
    )
    .await;
    assert_eq!(location(&resp), "/reset/password");
}

#[actix_web::test]
async fn the_language_picker_on_a_refused_form_reloads_a_page_that_exists() {
    let t = TestApp::new();
    t.user("alice", Some("alice@example.org"), "Old-Passw0rd-1234").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/reset", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form("/reset", &jar, &[("csrf", &csrf), ("user", "alice")])).await;
    jar.take(&resp);
    // A method that was not offered: the verify page answers at the form's address.
    let resp = test::call_service(&svc, form("/reset/send", &jar, &[("csrf", &csrf), ("method", "nope")])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let page = text(resp).await;
    assert!(page.contains("href=\"/reset/verify?lang=nl\""), "{page}");
    assert!(!page.contains("href=\"/reset/send?lang"), "{page}");
    let resp = test::call_service(&svc, get("/reset/verify?lang=nl", &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-passdesk-lang=nl") && cookie.contains("SameSite=Strict"), "{cookie}");
    let page = text(resp).await;
    assert!(page.contains("Bewijs dat u het bent") && page.contains("<html lang=\"nl\">"), "{page}");
}
