//! Registration through the HTML pages: sign-in, every method registered
//! with the forms a person uses, CSRF, the QR code, and the interrupt after
//! a password change.

use crate::register::{PASSWORD, code_to, policy};
use crate::reset_portal::{Jar, form, get};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test;

fn location<B>(resp: &actix_web::dev::ServiceResponse<B>) -> String {
    resp.headers().get("location").unwrap().to_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_person_registers_in_the_pages_and_an_authenticator_shows_its_qr_code() {
    let t = TestApp::new();
    t.user("ivy", Some("ivy@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email,questions,authenticator").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/register", &jar)).await;
    jar.take(&resp);
    let page = text(resp).await;
    assert!(page.contains("action=\"/register/sign-in\""), "{page}");
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();

    // A wrong password re-renders the form with the user ID kept.
    let wrong = [("csrf", csrf.as_str()), ("user", "ivy"), ("password", "nope")];
    let resp = test::call_service(&svc, form("/register/sign-in", &jar, &wrong)).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(text(resp).await.contains("value=\"ivy\""));
    // No CSRF token: refused.
    let resp =
        test::call_service(&svc, form("/register/sign-in", &jar, &[("user", "ivy"), ("password", PASSWORD)])).await;
    assert!(resp.status().is_client_error());

    let good = [("csrf", csrf.as_str()), ("user", "ivy"), ("password", PASSWORD)];
    let resp = test::call_service(&svc, form("/register/sign-in", &jar, &good)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    jar.take(&resp);
    let cookie = resp.response().cookies().find(|c| c.name() == "__Host-passdesk-session").unwrap();
    assert!(cookie.secure().unwrap_or(false) && cookie.http_only().unwrap_or(false));
    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(page.contains("Hello ivy test") && page.contains("from your organisation&#39;s directory"), "{page}");

    // Alternate e-mail: code, then saved.
    let fields = [("csrf", csrf.as_str()), ("kind", "alt_email"), ("value", "ivy@example.net")];
    let resp = test::call_service(&svc, form("/register/contact", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(page.contains("We sent a code to iv•••••@example.net"), "{page}");
    let code = code_to(&t, "ivy@example.net").await;
    let resp = test::call_service(&svc, form("/register/code", &jar, &[("csrf", &csrf), ("code", &code)])).await;
    assert_eq!(location(&resp), "/register?saved=contact");
    let page = text(test::call_service(&svc, get("/register?saved=contact", &jar)).await).await;
    assert!(page.contains("Saved.") && page.contains("verified by you on 2027-01-15"), "{page}");

    // Questions through the form: three pairs in order.
    let page = text(test::call_service(&svc, get("/register/questions", &jar)).await).await;
    assert_eq!(page.matches("name=\"question\"").count(), 3);
    let pairs = [
        ("csrf", csrf.as_str()),
        ("question", "p01"),
        ("answer", "Rex"),
        ("question", "p04"),
        ("answer", "Rex"),
        ("question", "p08"),
        ("answer", "Oak"),
    ];
    let resp = test::call_service(&svc, form("/register/questions", &jar, &pairs)).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(text(resp).await.contains("different answer"));

    // The authenticator page: a QR code drawn as SVG in the page itself.
    let page = text(test::call_service(&svc, get("/register/authenticator", &jar)).await).await;
    assert!(page.contains("src=\"data:image/svg+xml,%3Csvg"), "{page}");
    assert!(page.contains("alt=\"QR code for your authenticator app"));
    let resp =
        test::call_service(&svc, form("/register/authenticator", &jar, &[("csrf", &csrf), ("code", "000000")])).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // Sign out: the session is gone.
    let resp = test::call_service(&svc, form("/register/sign-out", &jar, &[("csrf", &csrf)])).await;
    jar.take(&resp);
    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(page.contains("action=\"/register/sign-in\""));
}

#[actix_web::test]
async fn a_change_takes_an_unregistered_person_to_registration_when_the_policy_says_so() {
    let t = TestApp::new();
    t.user("jon", None, PASSWORD).await;
    policy(&t, "methods", "alt_email").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/change", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let change = |old: &'static str, new: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("user", "jon".to_owned()),
            ("old_password", old.to_owned()),
            ("new_password", new.to_owned()),
            ("confirm", new.to_owned()),
        ]
    };
    let fields = change(PASSWORD, "Harbour lantern maple 73");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = test::call_service(&svc, form("/change", &jar, &fields)).await;
    assert_eq!(location(&resp), "/change/done", "no interrupt without the policy switch");

    policy(&t, "require_registration", "true").await;
    let fields = change("Harbour lantern maple 73", "Copper window garden 58");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = test::call_service(&svc, form("/change", &jar, &fields)).await;
    assert_eq!(location(&resp), "/register?saved=changed");
    jar.take(&resp);
    let page = text(test::call_service(&svc, get("/register?saved=changed", &jar)).await).await;
    assert!(page.contains("Your password has been changed"), "{page}");
    assert!(page.contains("Your organisation asks you to register 1 method(s)"), "{page}");
    let resp = test::call_service(&svc, form("/register/skip", &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(!page.contains("Skip for now"), "skipped for this sign-in");
}

/// The text between `start` and the next `end` in a page.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let at = page.find(start).unwrap_or_else(|| panic!("no {start:?} in the page")) + start.len();
    &page[at..at + page[at..].find(end).unwrap()]
}

#[actix_web::test]
async fn an_employee_registers_every_method_through_the_pages() {
    use passdesk::domain::totp::{STEP_SECS, TotpSecret};
    let t = TestApp::new();
    t.user("uma", Some("uma@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email,mobile_sms,office_voice,questions,authenticator,passkey").await;
    let svc = t.service().await;
    let mut jar = Jar::default();
    let resp = test::call_service(&svc, get("/register", &jar)).await;
    jar.take(&resp);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(
        &svc,
        form("/register/sign-in", &jar, &[("csrf", &csrf), ("user", "uma"), ("password", PASSWORD)]),
    )
    .await;
    jar.take(&resp);

    // An address and two numbers, each with the code sent there.
    for (kind, value, to) in [
        ("alt_email", "uma@home.example", "uma@home.example"),
        ("mobile", "+31 6 4444 0001", "+31644440001"),
        ("office_phone", "+31 20 444 0002", "+31204440002"),
    ] {
        let resp = test::call_service(
            &svc,
            form("/register/contact", &jar, &[("csrf", &csrf), ("kind", kind), ("value", value)]),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{kind}");
        let code = code_to(&t, to).await;
        let resp = test::call_service(&svc, form("/register/code", &jar, &[("csrf", &csrf), ("code", &code)])).await;
        assert_eq!(location(&resp), "/register?saved=contact", "{kind}");
    }

    // Security questions.
    let pairs = [
        ("csrf", csrf.as_str()),
        ("question", "p01"),
        ("answer", "Rex"),
        ("question", "p04"),
        ("answer", "Main Street"),
        ("question", "p08"),
        ("answer", "Oak Primary"),
    ];
    let resp = test::call_service(&svc, form("/register/questions", &jar, &pairs)).await;
    assert_eq!(location(&resp), "/register?saved=questions");

    // The authenticator: the key shown on the page, typed into an "app".
    let page = text(test::call_service(&svc, get("/register/authenticator", &jar)).await).await;
    let shown: String = between(&page, "<code class=\"secret\">", "</code>").split_whitespace().collect();
    let secret = TotpSecret::from_base32(&shown).unwrap();
    let now = passdesk::clock::Clock::now(t.clock.as_ref());
    let code = secret.code_at(now / STEP_SECS);
    let resp =
        test::call_service(&svc, form("/register/authenticator", &jar, &[("csrf", &csrf), ("code", &code)])).await;
    assert_eq!(location(&resp), "/register?saved=authenticator");

    // A passkey: the options the page carries, answered as the page's script would.
    let page = text(test::call_service(&svc, get("/register/passkey", &jar)).await).await;
    let options = between(&page, "data-options=\"", "\"").replace("&quot;", "\"").replace("&#34;", "\"");
    let options: serde_json::Value = serde_json::from_str(&options).unwrap_or_else(|e| panic!("{e}: {options}"));
    let key = crate::passkeys::SoftKey::new(&t.app.flows.settings().public_base);
    let answer = key.create(&options, None).to_string();
    let resp =
        test::call_service(&svc, form("/register/passkey", &jar, &[("csrf", &csrf), ("credential", &answer)])).await;
    assert_eq!(location(&resp), "/register?saved=passkey");

    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    for label in [
        "E-mail",
        "Alternate e-mail",
        "Mobile phone",
        "Office phone",
        "Security questions",
        "Authenticator app",
        "Passkeys",
    ] {
        assert!(page.contains(&format!("<strong>{label}</strong>")), "{label} missing:\n{page}");
    }
    assert!(page.contains("you have 7"), "every method counts:\n{page}");
}
