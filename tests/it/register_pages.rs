//! Registration through the HTML pages: sign-in, every method registered
//! with the forms a person uses, CSRF, the QR code, the interrupt after
//! a password change, and the same pages (and the "this wasn't me" page)
//! in Dutch.

use crate::register::{PASSWORD, code_to, policy};
use crate::reset_portal::{Jar, form, get};
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::i18n::Lang;

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
    assert!(page.contains("Your organisation asks you to register 1 method."), "{page}");
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

/// The English sentence for `key` as a page shows it (HTML-escaped).
fn english(key: &str) -> String {
    Lang::En.t(key).replace('\'', "&#39;")
}

/// `page` shows none of these English sentences.
fn no_english(page: &str, keys: &[&str]) {
    for key in keys {
        let en = english(key);
        assert!(!page.contains(&en), "English {key:?} ({en}) left on the Dutch page:\n{page}");
    }
}

#[actix_web::test]
async fn the_registration_pages_and_the_report_page_speak_dutch_when_asked() {
    let t = TestApp::new();
    t.user("ivy", Some("ivy@example.org"), PASSWORD).await;
    policy(&t, "methods", "email,alt_email,mobile_sms,questions,authenticator,passkey").await;
    let svc = t.service().await;
    let mut jar = Jar::default();

    // The browser asks for Dutch: the sign-in page speaks it.
    let req = TestRequest::get().uri("/register").insert_header(("accept-language", "nl-NL,nl;q=0.9,en;q=0.5"));
    let resp = test::call_service(&svc, req.to_request()).await;
    jar.take(&resp);
    let page = text(resp).await;
    assert!(page.contains("<h1>Uw beveiligingsgegevens instellen</h1>") && page.contains(">Gebruikersnaam<"), "{page}");
    no_english(&page, &["register-sign-in-heading", "register-sign-in-intro", "register-user-id", "register-sign-in"]);
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let good = [("csrf", csrf.as_str()), ("user", "ivy"), ("password", PASSWORD)];
    let resp = test::call_service(&svc, form("/register/sign-in", &jar, &good)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    jar.take(&resp);

    // The picker's ?lang=nl: the overview in Dutch, remembered in a cookie.
    let resp = test::call_service(&svc, get("/register?lang=nl", &jar)).await;
    jar.take(&resp);
    assert_eq!(jar.get("__Host-passdesk-lang").as_deref(), Some("nl"));
    let page = text(resp).await;
    for dutch in [
        "<h1>Beveiligingsgegevens</h1>",
        "Hallo ivy test. Hiermee kunt u bewijzen wie u bent",
        "<strong>E-mail</strong>",
        "uit de directory van uw organisatie",
        "Uw organisatie vereist 1 methode om een wachtwoord te herstellen; u hebt er 1.",
        "<h2>Alternatief e-mailadres</h2>",
        "Stuur mij een code per sms",
        "Beveiligingsvragen kiezen",
        "Een passkey toevoegen",
        ">Afmelden<",
    ] {
        assert!(page.contains(dutch), "{dutch:?} missing:\n{page}");
    }
    no_english(
        &page,
        &[
            "register-title",
            "register-origin-directory",
            "register-kind-alt-email",
            "register-alt-email-label",
            "register-send-code",
            "register-mobile-label",
            "register-text-me",
            "register-choose-questions",
            "register-set-up-authenticator",
            "register-add-passkey",
            "register-sign-out",
            "register-registered",
        ],
    );
    assert!(!page.contains("Hello ") && !page.contains("method(s)") && !page.contains("methods to reset"), "{page}");

    // An alternate address: the code form and the saved notice in Dutch.
    let fields = [("csrf", csrf.as_str()), ("kind", "alt_email"), ("value", "ivy@example.net")];
    let resp = test::call_service(&svc, form("/register/contact", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = text(test::call_service(&svc, get("/register", &jar)).await).await;
    assert!(page.contains("<h2>Bevestig uw alternatieve e-mailadres</h2>"), "{page}");
    assert!(page.contains("We hebben een code gestuurd naar iv•••••@example.net."), "{page}");
    no_english(&page, &["register-code-label", "register-verify-save", "register-cancel"]);
    let code = code_to(&t, "ivy@example.net").await;
    let resp = test::call_service(&svc, form("/register/code", &jar, &[("csrf", &csrf), ("code", &code)])).await;
    assert_eq!(location(&resp), "/register?saved=contact");
    let page = text(test::call_service(&svc, get("/register?saved=contact", &jar)).await).await;
    assert!(page.contains("Opgeslagen. We hebben uw andere adressen"), "{page}");
    assert!(page.contains("<strong>Alternatief e-mailadres</strong> iv•••••@example.net"), "{page}");
    assert!(page.contains("door u bevestigd op 15-01-2027"), "{page}");
    assert!(!page.contains("verified by you") && !page.contains("Saved."), "{page}");

    // Security questions: the predefined ones in Dutch, numbered in Dutch.
    let page = text(test::call_service(&svc, get("/register/questions", &jar)).await).await;
    let (id, en_text) = passdesk::domain::questions::PREDEFINED[0];
    assert!(page.contains(&Lang::Nl.question(id, en_text).replace('\'', "&#39;")), "{page}");
    assert!(!page.contains(&en_text.replace('\'', "&#39;")), "English question left:\n{page}");
    assert!(
        page.contains("Kies 3 verschillende vragen") && page.contains(">Vraag 1<") && page.contains(">Antwoord 3<")
    );
    no_english(&page, &["register-choose-question", "register-save-answers", "register-back"]);

    // The authenticator and passkey pages, the script's words included.
    let page = text(test::call_service(&svc, get("/register/authenticator", &jar)).await).await;
    assert!(
        page.contains("<h1>Een authenticator-app instellen</h1>") && page.contains("alt=\"QR-code voor uw"),
        "{page}"
    );
    no_english(&page, &["register-authenticator-scan", "register-qr-alt", "register-cannot-scan"]);
    let page = text(test::call_service(&svc, get("/register/passkey", &jar)).await).await;
    assert!(page.contains("<h1>Een passkey toevoegen</h1>") && page.contains(">Passkey aanmaken<"), "{page}");
    assert!(page.contains("data-unsupported=\"Deze browser kan geen passkeys gebruiken."), "{page}");
    no_english(
        &page,
        &["passkey-register-intro", "passkey-needs-script", "passkey-follow-browser", "passkey-not-used"],
    );

    // The notice about the new address carries a "this wasn't me" link;
    // its page and its answer speak Dutch too.
    let rows = t.outbox().await;
    let notice = rows.iter().rev().find(|r| r.recipient == "ivy@example.org").expect("a notice to the work address");
    let at = notice.body.find("/report/").expect("a report link");
    let link = notice.body[at..at + "/report/".len() + 64].to_owned();
    let resp = test::call_service(&svc, get(&link, &jar)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    assert!(page.contains("<h1>Was u dit?</h1>"), "{page}");
    assert!(page.contains("dat uw beveiligingsgegevens op 15-01-2027 om "), "{page}");
    assert!(page.contains(" (UTC) zijn gewijzigd."), "{page}");
    assert!(page.contains("Ik was het niet: blokkeren en waarschuwen"), "{page}");
    no_english(&page, &["report-title", "report-if-not-you", "report-explain", "report-button", "report-was-me"]);
    assert!(!page.contains("We told you"), "{page}");
    let resp = test::call_service(&svc, form(&link, &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    assert!(page.contains("Dank u: uw IT-afdeling is gewaarschuwd"), "{page}");
    no_english(&page, &["report-done-heading", "report-done-text"]);
}
