//! One-time reset links (issue 6 item 4): a new joiner whose address the
//! administrator imported chooses a first password from a link; the link
//! works once, for 24 hours, is stored only as a hash, and leaves the
//! policy's other proofs to give.

use crate::reset_portal::{Jar, form, get};
use crate::support::{START, TestApp, json, text};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use passdesk::directory::Directory;
use passdesk::flow::Client;
use serde_json::{Value, json};

async fn admin_token(t: &TestApp) -> String {
    t.app.flows.issue_admin_token("helpdesk", &Client::default()).await.unwrap().as_str().to_owned()
}

fn send_link(token: &str, login: &str, body: Value) -> actix_http::Request {
    TestRequest::post()
        .uri(&format!("/api/v1/admin/users/{login}/reset-link"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .set_json(body)
        .to_request()
}

/// The link token in the newest message to `to`.
async fn link_to(t: &TestApp, to: &str) -> String {
    let rows = t.outbox().await;
    let row = rows.iter().rev().find(|r| r.recipient == to).unwrap_or_else(|| panic!("no message to {to}"));
    let at = row.body.find("/reset/link/").expect("a link") + "/reset/link/".len();
    row.body[at..at + 64].to_owned()
}

/// A new joiner with no directory e-mail and an imported private address.
async fn new_joiner(t: &TestApp, login: &str, address: &str) {
    t.user(login, None, "Temporary-Unknown-99").await;
    let csv = format!("login,email,alt_email,mobile,office_phone\n{login},{address},,+31 6 1111 2222,\n");
    let (rows, problems) = passdesk::domain::import::check_import(csv.as_bytes(), &["local"], None).unwrap();
    use passdesk::flow::import::{ImportJob, Origin};
    let job = ImportJob { rows, earlier: problems, overwrite_verified: false, origin: Origin::File };
    t.app.flows.import_contacts(job, "cli:admin", &Client::default(), &|_| {}).await.unwrap();
}

#[actix_web::test]
async fn a_new_joiner_chooses_a_first_password_from_the_link_and_it_works_once() {
    let t = TestApp::new();
    new_joiner(&t, "nina", "nina@home.example").await;
    let id = t.local.find("nina").await.unwrap().unwrap().id;
    let svc = t.service().await;
    let token = admin_token(&t).await;
    let resp = test::call_service(&svc, send_link(&token, "nina", json!({"via": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let sent = json(resp).await;
    assert_eq!(sent["sent_to"], "ni•••••@home.example");
    let link = link_to(&t, "nina@home.example").await;
    let message = t.outbox().await.into_iter().rev().find(|r| r.recipient == "nina@home.example").unwrap();
    assert!(!message.body.contains("Temporary-Unknown-99") && message.body.contains("works once, within 24 hours"));

    // Only the hash is stored.
    let stored: Vec<u8> =
        t.app.store.pool().get().unwrap().query_row("SELECT token_hash FROM reset_links", [], |r| r.get(0)).unwrap();
    assert_eq!(stored.len(), 32);
    assert!(!String::from_utf8_lossy(&stored).contains(&link));

    // Fetching the page (as a mail scanner would) does not spend it.
    let mut jar = Jar::default();
    for _ in 0..2 {
        let resp = test::call_service(&svc, get(&format!("/reset/link/{link}"), &jar)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        jar.take(&resp);
        assert!(text(resp).await.contains("Choose your password"));
    }
    // A Dutch browser reads the page in Dutch, and still does not spend it.
    let dutch = TestRequest::get().uri(&format!("/reset/link/{link}")).insert_header(("accept-language", "nl"));
    let page = text(test::call_service(&svc, dutch.to_request()).await).await;
    assert!(page.contains("<h1>Kies uw wachtwoord</h1>") && page.contains(">Doorgaan<"), "{page}");
    assert!(!page.contains("Choose your password") && !page.contains("Your administrator sent"), "{page}");
    let csrf = jar.get("__Host-passdesk-csrf").unwrap();
    let resp = test::call_service(&svc, form(&format!("/reset/link/{link}"), &jar, &[("csrf", &csrf)])).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    jar.take(&resp);
    // One method required and proven by the link: straight to the password.
    let resp = test::call_service(&svc, get("/reset/verify", &jar)).await;
    assert_eq!(resp.headers().get("location").unwrap(), "/reset/password");
    let new = "Quiet orchard lantern 58";
    let resp = test::call_service(
        &svc,
        form("/reset/password", &jar, &[("csrf", &csrf), ("new_password", new), ("confirm", new)]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", text(resp).await);
    assert!(t.can_sign_in(&id, new).await);

    // Used: neither the page nor the API opens it again.
    let resp = test::call_service(&svc, get(&format!("/reset/link/{link}"), &jar)).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    let again = TestRequest::post().uri("/api/v1/reset/link").set_json(json!({"link": link})).to_request();
    let resp = test::call_service(&svc, again).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    assert_eq!(json(resp).await["error"]["code"], "link_not_found");

    let audit = t.app.store.recent_audit(50).await.unwrap();
    let sent_row = audit.iter().find(|r| r.record.activity == "One-time reset link sent (by admin)").unwrap();
    assert_eq!((sent_row.record.actor.as_str(), sent_row.record.target.as_str()), ("token:helpdesk", "nina"));
}

#[actix_web::test]
async fn a_link_expires_after_a_day_and_leaves_the_other_proofs_to_give() {
    let t = TestApp::new();
    new_joiner(&t, "omar", "omar@home.example").await;
    let c = Client::default();
    t.app.flows.set_policy("methods", "email,mobile_sms", "test", &c).await.unwrap();
    t.app.flows.set_policy("methods_required", "2", "test", &c).await.unwrap();
    let svc = t.service().await;
    let token = admin_token(&t).await;
    test::call_service(&svc, send_link(&token, "omar", json!({"via": "sms"}))).await;
    let link = link_to(&t, "+31611112222").await;
    t.clock.set(START + 24 * 3600 + 1);
    let open = |link: &str| TestRequest::post().uri("/api/v1/reset/link").set_json(json!({"link": link})).to_request();
    assert_eq!(test::call_service(&svc, open(&link)).await.status(), StatusCode::GONE);

    test::call_service(&svc, send_link(&token, "omar", json!({"via": "sms"}))).await;
    let link = link_to(&t, "+31611112222").await;
    let started = json(test::call_service(&svc, open(&link)).await).await;
    assert_eq!(started["required"], 2);
    let flow = started["flow"].as_str().unwrap();
    let view =
        json(test::call_service(&svc, TestRequest::get().uri(&format!("/api/v1/reset/{flow}")).to_request()).await)
            .await;
    assert_eq!(view["proven"], json!(["mobile_sms"]));
    assert_eq!(view["ready_for_password"], false, "the e-mail proof is still to give");
    let pw = TestRequest::post()
        .uri(&format!("/api/v1/reset/{flow}/password"))
        .set_json(json!({"new_password": "Quiet orchard lantern 58"}))
        .to_request();
    assert_eq!(test::call_service(&svc, pw).await.status(), StatusCode::CONFLICT);
}

#[actix_web::test]
async fn bad_requests_for_links_are_named_and_send_nothing() {
    let t = TestApp::new();
    new_joiner(&t, "pia", "pia@home.example").await;
    t.user("quinn", None, "Temporary-Unknown-99").await;
    let svc = t.service().await;
    let token = admin_token(&t).await;
    let before = t.outbox().await.len();
    let cases = [
        ("pia", json!({"via": "fax"}), StatusCode::BAD_REQUEST, "fax"),
        ("pia", json!({"via": 3}), StatusCode::BAD_REQUEST, "via"),
        ("pia", json!({}), StatusCode::BAD_REQUEST, "via"),
        ("nobody", json!({"via": "email"}), StatusCode::NOT_FOUND, "nobody"),
        ("quinn", json!({"via": "email"}), StatusCode::BAD_REQUEST, "cannot use self-service"),
        ("pia", json!({"via": "sms"}), StatusCode::BAD_REQUEST, "text message destination"),
    ];
    for (login, body, status, says) in cases {
        let resp = test::call_service(&svc, send_link(&token, login, body.clone())).await;
        assert_eq!(resp.status(), status, "{login} {body}");
        let answer = json(resp).await;
        assert!(answer["error"]["message"].as_str().unwrap().contains(says), "{says}: {answer}");
    }
    let resp = test::call_service(&svc, send_link("wrong", "pia", json!({"via": "email"}))).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "a token that is not live");
    assert_eq!(t.outbox().await.len(), before, "nothing was sent");
    let junk = TestRequest::post().uri("/api/v1/reset/link").set_json(json!({"link": "../../etc"})).to_request();
    assert_eq!(test::call_service(&svc, junk).await.status(), StatusCode::GONE);
}
