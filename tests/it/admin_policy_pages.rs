//! The policy pages in the in-process server, signed in as a local
//! administrator: each renders, saves (a notice after the redirect, an
//! audit row, in force on the next request), and sends a refused form
//! back with the message next to the field (422) having changed nothing.

use crate::admin_support::{Jar, add_admin, csrf, form, get, location, sign_in_admin};
use crate::reset_portal::ORIGIN;
use crate::support::{TestApp, text};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

async fn page<S, B>(svc: &S, jar: &Jar, uri: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let resp = test::call_service(svc, get(uri, jar)).await;
    assert_eq!(resp.status(), StatusCode::OK, "{uri}");
    String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
}

async fn policy_changes(t: &TestApp) -> Vec<String> {
    t.audit_activities()
        .await
        .into_iter()
        .filter(|a| a.0 == "Self-service password reset policy changes")
        .map(|a| a.3)
        .collect()
}

/// The policy form as the page sends it, with `changes` replacing fields.
fn policy_fields<'a>(token: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", token),
        ("enabled", "all"),
        ("methods_required", "1"),
        ("methods", "email"),
        ("questions_to_register", "3"),
        ("questions_to_reset", "3"),
        ("require_registration", "no"),
        ("reconfirm_days", "180"),
        ("reminder_days", "0"),
        ("allow_unlock", "yes"),
        ("notify_user_on_reset", "yes"),
        ("notify_admins_on_admin_reset", "yes"),
        ("custom_helpdesk", "no"),
        ("helpdesk", ""),
    ];
    for (key, value) in changes {
        match fields.iter().position(|(k, _)| k == key) {
            Some(i) if *key != "methods" => fields[i].1 = value,
            _ => fields.push((key, value)),
        }
    }
    fields
}

#[actix_web::test]
async fn the_reset_policy_page_shows_every_option_and_saves_a_change() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let html = page(&svc, &jar, "/admin/policy").await;
    for label in [
        "Self service password reset enabled",
        "Number of methods required to reset",
        "Methods available to users",
        "Number of questions required to register",
        "Number of questions required to reset",
        "Require users to register when signing in?",
        "Number of days before users are asked to re-confirm their authentication information",
        "Notify users on password resets?",
        "Notify all admins when other admins reset their password?",
        "Customize helpdesk link?",
        "Custom helpdesk email or URL",
        "Allow users to unlock accounts without resetting their password?",
        "Days between registration reminders",
    ] {
        assert!(html.contains(label), "{label}");
    }
    let token = csrf(&jar);
    let before = t.app.flows.policy().await.unwrap();

    // Refused: the message beside the field, 422, nothing saved.
    let resp =
        test::call_service(&svc, form("/admin/policy", &jar, &policy_fields(&token, &[("methods_required", "2")])))
            .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(resp).await;
    assert!(html.contains("id=\"methods-error\"") && html.contains("Offer at least 2 method(s)"), "{html}");
    let bad = policy_fields(&token, &[("questions_to_register", "3"), ("questions_to_reset", "4")]);
    let html = text(test::call_service(&svc, form("/admin/policy", &jar, &bad)).await).await;
    assert!(html.contains("Number of questions to answer (4) cannot exceed the number to register (3)"), "{html}");
    let bad = policy_fields(&token, &[("reconfirm_days", "soon")]);
    let resp = test::call_service(&svc, form("/admin/policy", &jar, &bad)).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("soon&#34; is not a whole number"));
    let bad = policy_fields(&token, &[("custom_helpdesk", "yes")]);
    assert!(
        text(test::call_service(&svc, form("/admin/policy", &jar, &bad)).await).await.contains("id=\"helpdesk-error\"")
    );
    assert_eq!(t.app.flows.policy().await.unwrap(), before);
    assert!(policy_changes(&t).await.is_empty());

    let good = policy_fields(
        &token,
        &[
            ("methods_required", "2"),
            ("methods", "authenticator"),
            ("custom_helpdesk", "yes"),
            ("helpdesk", "https://help.example.org/pw"),
        ],
    );
    let resp = test::call_service(&svc, form("/admin/policy", &jar, &good)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/policy?done=saved");
    assert!(page(&svc, &jar, "/admin/policy?done=saved").await.contains("Saved."));
    let now = t.app.flows.policy().await.unwrap();
    assert_eq!((now.methods_required, now.methods.clone()), (2, vec!["email".to_owned(), "authenticator".to_owned()]));
    let audit = policy_changes(&t).await;
    assert!(
        audit[0].contains("methods_required: 1 -> 2") && audit[0].contains("helpdesk:  -> https://help.example.org/pw"),
        "{audit:?}"
    );
    // In force on the portal at once.
    let portal = text(test::call_service(&svc, TestRequest::get().uri("/reset").to_request()).await).await;
    assert!(portal.contains("href=\"https://help.example.org/pw\""), "{portal}");
}

#[actix_web::test]
async fn the_questions_page_lists_the_predefined_and_edits_the_custom_ones() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let html = page(&svc, &jar, "/admin/policy/questions").await;
    assert!(html.contains("What was the name of your first pet?") && html.contains(">p24<"), "{html}");
    assert!(html.contains("Nederlands") || html.contains("Deutsch") || html.contains("Français"), "every language");
    assert!(html.contains("name=\"custom_20\""));
    let token = csrf(&jar);
    for (fields, message) in [
        (vec![("custom_1", "Too short")], "a question has 10 to 200 characters"),
        (
            vec![("custom_1", "Which office did you start in?"), ("custom_2", "which office did you start in?")],
            "is already in the list",
        ),
        (vec![("custom_1", "What was the name of your first pet?")], "is already in the list"),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields);
        let resp = test::call_service(&svc, form("/admin/policy/questions", &jar, &all)).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text(resp).await;
        assert!(html.contains("custom_questions-error") && html.contains(message), "{message}: {html}");
    }
    assert!(t.app.flows.policy().await.unwrap().custom_questions.is_empty());
    let fields = [
        ("csrf", token.as_str()),
        ("custom_1", "Which office did you start in?"),
        ("custom_2", ""),
        ("custom_3", "What was your team's first mascot?"),
    ];
    let resp = test::call_service(&svc, form("/admin/policy/questions", &jar, &fields)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let custom = t.app.flows.policy().await.unwrap().custom_questions;
    assert_eq!(custom, ["Which office did you start in?", "What was your team's first mascot?"]);
    assert!(policy_changes(&t).await[0].contains("custom_questions:  -> Which office"));
}

#[actix_web::test]
async fn the_notifications_and_password_pages_save_and_refuse_with_the_field() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let token = csrf(&jar);
    assert!(page(&svc, &jar, "/admin/policy/notifications").await.contains("Password expiry reminders"));
    let bad =
        [("csrf", token.as_str()), ("admin_alerts", "soc@example.org\nnobody"), ("expiry_reminder_days", "14, 7")];
    let resp = test::call_service(&svc, form("/admin/policy/notifications", &jar, &bad)).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(resp).await;
    assert!(html.contains("admin_alerts-error") && html.contains("nobody"), "{html}");
    let good = [
        ("csrf", token.as_str()),
        ("admin_alerts", "soc@example.org\nit@example.org"),
        ("expiry_reminder_days", "3, 10"),
    ];
    let resp = test::call_service(&svc, form("/admin/policy/notifications", &jar, &good)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let now = t.app.flows.notification_settings();
    assert_eq!((now.admin_alerts.len(), now.expiry_reminder_days), (2, vec![10, 3]));

    let html = page(&svc, &jar, "/admin/policy/password").await;
    assert!(html.contains("Minimum length") && html.contains("Breached-password file"));
    let fields = |min: &'static str, file: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("min_length", min.to_owned()),
            ("max_length", "128".to_owned()),
            ("min_strength", "2".to_owned()),
            ("organisation_words", "Contoso\nFabrikam".to_owned()),
            ("breached_file", file.to_owned()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form("/admin/policy/password", &jar, &pairs)
    };
    let resp = test::call_service(&svc, send(fields("4", ""))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("Minimum length (4) is below 8: passdesk never accepts shorter passwords"));
    let resp = test::call_service(&svc, send(fields("14", "/nonexistent/pwned.txt"))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("breached_file-error"));
    assert_eq!(t.app.flows.password_rules().min_length, 12, "nothing saved");
    let resp = test::call_service(&svc, send(fields("14", ""))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.app.flows.password_rules().min_length, 14);
    assert_eq!(t.app.flows.password_rules().organisation_words, ["Contoso", "Fabrikam"]);
}

const BOUNDARY: &str = "----passdeskBranding";

fn multipart(jar: &Jar, fields: &[(&str, &str)], logo: Option<&[u8]>) -> actix_http::Request {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{}\"\r\nContent-Type: image/png\r\n\r\n",
            if logo.is_some() { "logo.png" } else { "" }
        )
        .as_bytes(),
    );
    body.extend_from_slice(logo.unwrap_or_default());
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    TestRequest::post()
        .uri("/admin/policy/branding")
        .insert_header(("origin", ORIGIN))
        .insert_header(("cookie", jar.header()))
        .insert_header(("content-type", format!("multipart/form-data; boundary={BOUNDARY}")))
        .set_payload(body)
        .to_request()
}

#[actix_web::test]
async fn the_branding_page_previews_without_saving_and_saves_a_logo() {
    let t = TestApp::with_config("[organisation]\nname = \"Contoso\"\n");
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let token = csrf(&jar);
    let html = page(&svc, &jar, "/admin/policy/branding").await;
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("/static/admin/policy-preview.js"));
    assert!(html.contains("preview.css?colour=1f5fa8"), "{html}");

    // Preview: drawn from the values sent, nothing saved.
    let fields = [("csrf", token.as_str()), ("name", "Fabrikam"), ("colour", "#0b5a3a"), ("action", "preview")];
    let resp = test::call_service(&svc, multipart(&jar, &fields, None)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = text(resp).await;
    assert!(html.contains("preview.css?colour=0b5a3a") && html.contains("nothing is saved"), "{html}");
    assert_eq!(t.app.flows.branding().name, "Contoso");
    let css = page(&svc, &jar, "/admin/policy/branding/preview.css?colour=0b5a3a").await;
    assert!(css.contains(".brand-preview") && css.contains("--brand: #0b5a3a") && !css.contains(":root"), "{css}");

    // Refused: a colour too light, a file that is no image.
    let fields = [("csrf", token.as_str()), ("name", "Fabrikam"), ("colour", "#f7941d"), ("action", "save")];
    let resp = test::call_service(&svc, multipart(&jar, &fields, None)).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(resp).await;
    assert!(html.contains("colour-error") && html.contains("too light"), "{html}");
    let fields = [("csrf", token.as_str()), ("name", "Fabrikam"), ("colour", "#0b5a3a"), ("action", "save")];
    let resp = test::call_service(&svc, multipart(&jar, &fields, Some(b"GIF89a...."))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(resp).await.contains("logo-error"));
    assert_eq!(t.app.flows.branding().name, "Contoso");

    // Saved, with a logo: in force on the next request.
    let png = b"\x89PNG\r\n\x1a\n-the-new-logo-";
    let resp = test::call_service(&svc, multipart(&jar, &fields, Some(png))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/admin/policy/branding?done=saved");
    let css = text(test::call_service(&svc, TestRequest::get().uri("/brand.css").to_request()).await).await;
    assert!(css.contains("--brand: #0b5a3a"), "{css}");
    let logo = test::call_service(&svc, TestRequest::get().uri("/brand/logo").to_request()).await;
    assert_eq!(test::read_body(logo).await.as_ref(), png);
    let portal = text(test::call_service(&svc, TestRequest::get().uri("/reset").to_request()).await).await;
    assert!(portal.contains("Fabrikam"));
    let audit = policy_changes(&t).await;
    assert!(audit[0].contains("logo: passdesk's mark -> image/png 22 bytes sha256:"), "{audit:?}");

    // A forged form, whatever its encoding, is refused before it is read further.
    let forged = [("csrf", "forged"), ("name", "Evil"), ("colour", "#000000"), ("action", "save")];
    assert_eq!(test::call_service(&svc, multipart(&jar, &forged, None)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.app.flows.branding().name, "Fabrikam");
}
