//! Run-time settings over the configuration: branding, password rules and
//! notifications changed through the flows (as the admin pages and the
//! CLI do), each checked as a whole, audited with old and new values,
//! changing nothing when refused, and in force on the very next request.

use crate::support::{TestApp, json, proven_flow, text};
use actix_web::test::{self, TestRequest};
use passdesk::domain::settings::{NotificationSettings, PasswordSettings};
use passdesk::flow::{Client, Error, LogoChange};
use serde_json::json;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image but typed as one";

fn refusal(e: Error) -> (String, String) {
    match e {
        Error::PolicyInvalid(p) => (p.key, p.message),
        other => panic!("expected a refused setting, got {other:?}"),
    }
}

async fn changes(t: &TestApp, target: &str) -> Vec<String> {
    let rows = t.app.store.recent_audit(1000).await.unwrap();
    rows.into_iter()
        .filter(|r| r.record.activity == "Self-service password reset policy changes" && r.record.target == target)
        .map(|r| format!("{} by {}", r.record.detail, r.record.actor))
        .collect()
}

async fn get(
    svc: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> String {
    text(test::call_service(svc, TestRequest::get().uri(uri).to_request()).await).await
}

#[actix_web::test]
async fn branding_changes_reach_the_next_request_and_the_audit_trail_without_logo_bytes() {
    let t = TestApp::with_config("[organisation]\nname = \"Contoso\"\ncolour = \"#1f5fa8\"\n");
    let flows = &t.app.flows;
    let svc = t.service().await;
    assert!(get(&svc, "/brand.css").await.contains("--brand: #1f5fa8"));
    assert!(get(&svc, "/reset").await.contains("Contoso"));
    let client = Client::default();

    // Refusals name the field and the fix, and change nothing.
    let (key, message) =
        refusal(flows.set_branding("Fabrikam", "#f7941d", LogoChange::Keep, "admin:ann", &client).await.unwrap_err());
    assert_eq!(key, "colour");
    assert!(message.contains("too light") && message.contains("4.5:1"), "{message}");
    let (key, _) =
        refusal(flows.set_branding("", "#0b5a3a", LogoChange::Keep, "admin:ann", &client).await.unwrap_err());
    assert_eq!(key, "name");
    let (key, message) = refusal(
        flows
            .set_branding("Fabrikam", "#0b5a3a", LogoChange::Replace(b"GIF89a".to_vec()), "admin:ann", &client)
            .await
            .unwrap_err(),
    );
    assert_eq!(key, "logo");
    assert!(message.contains("not a PNG, JPEG or SVG"), "{message}");
    let big = vec![0u8; passdesk::domain::branding::LOGO_MAX_BYTES + 1];
    let (_, message) = refusal(
        flows.set_branding("Fabrikam", "#0b5a3a", LogoChange::Replace(big), "admin:ann", &client).await.unwrap_err(),
    );
    assert!(message.contains("at most 256 KiB"), "{message}");
    assert_eq!(flows.branding().name, "Contoso");
    assert!(changes(&t, "branding").await.is_empty());

    flows.set_branding("Fabrikam", "#0B5A3A", LogoChange::Replace(PNG.to_vec()), "admin:ann", &client).await.unwrap();
    assert!(get(&svc, "/brand.css").await.contains("--brand: #0b5a3a"), "the new colour, no restart");
    assert!(get(&svc, "/reset").await.contains("Fabrikam"));
    let resp = test::call_service(&svc, TestRequest::get().uri("/brand/logo").to_request()).await;
    assert_eq!(resp.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(test::read_body(resp).await.as_ref(), PNG);
    let audit = changes(&t, "branding").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].contains("name: Contoso -> Fabrikam") && audit[0].contains("colour: #1f5fa8 -> #0b5a3a"),
        "{audit:?}"
    );
    assert!(audit[0].contains("logo: passdesk's mark -> image/png 44 bytes sha256:"), "{audit:?}");
    assert!(audit[0].ends_with("by admin:ann"), "{audit:?}");

    // Saving the same again writes nothing; removing the logo brings the mark back.
    flows.set_branding("Fabrikam", "#0b5a3a", LogoChange::Keep, "admin:ann", &client).await.unwrap();
    assert_eq!(changes(&t, "branding").await.len(), 1);
    flows.set_branding("Fabrikam", "#0b5a3a", LogoChange::Remove, "admin:ann", &client).await.unwrap();
    assert!(get(&svc, "/brand/logo").await.contains("fill=\"#0b5a3a\""));
}

#[actix_web::test]
async fn password_settings_are_checked_audited_and_enforced_on_the_next_check() {
    let t = TestApp::new();
    t.user("bea", Some("bea@example.org"), "Old-Passw0rd-1234").await;
    let flows = &t.app.flows;
    let client = Client::default();
    let start = flows.password_settings();
    assert_eq!(start.min_length, 12);

    let (key, message) = refusal(
        flows
            .set_password_settings(PasswordSettings { min_length: 4, ..start.clone() }, "admin:ann", &client)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (key.as_str(), message.as_str()),
        ("min_length", "minimum length (4) is below 8: passdesk never accepts shorter passwords")
    );
    let (key, message) = refusal(
        flows
            .set_password_settings(
                PasswordSettings { breached_file: "/nonexistent/pwned.txt".into(), ..start.clone() },
                "admin:ann",
                &client,
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(key, "breached_file");
    assert!(message.contains("not a readable file"), "{message}");
    let dir = tempfile::tempdir().unwrap();
    let words = dir.path().join("words.txt");
    std::fs::write(&words, "password\n").unwrap();
    let (key, message) = refusal(
        flows
            .set_password_settings(
                PasswordSettings { breached_file: words.display().to_string(), ..start.clone() },
                "admin:ann",
                &client,
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(key, "breached_file");
    assert!(message.contains("ordered by hash"), "{message}");
    assert_eq!(flows.password_settings(), start, "refusals change nothing");
    assert!(changes(&t, "password policy").await.is_empty());

    let svc = t.service().await;
    let flow = proven_flow(&t, &svc, "bea", "bea@example.org").await;
    let check = |password: &str| {
        TestRequest::post()
            .uri("/api/v1/password/check")
            .set_json(json!({"flow": flow, "password": password}))
            .to_request()
    };
    let body = json(test::call_service(&svc, check("Copper lantern 57")).await).await;
    assert_eq!(body["acceptable"], true, "{body}");

    let list = dir.path().join("pwned.txt");
    passdesk::breached::build_file(["Violet meadow drums 42".to_owned()], &list).unwrap();
    let new = PasswordSettings {
        min_length: 20,
        organisation_words: vec!["Contoso".into()],
        breached_file: list.display().to_string(),
        ..start.clone()
    };
    flows.set_password_settings(new.clone(), "admin:ann", &client).await.unwrap();
    let body = json(test::call_service(&svc, check("Copper lantern 57")).await).await;
    assert_eq!(body["acceptable"], false);
    assert!(body["problems"].to_string().contains("at least 20 characters"), "{body}");
    let body = json(test::call_service(&svc, check("Violet meadow drums 42")).await).await;
    assert!(body["problems"].to_string().contains("data breach"), "{body}");
    let audit = changes(&t, "password policy").await;
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].contains("min_length: 12 -> 20") && audit[0].contains("organisation_words:  -> Contoso"),
        "{audit:?}"
    );
    assert!(audit[0].contains(&format!("breached_file:  -> {}", list.display())), "{audit:?}");
}

#[actix_web::test]
async fn notification_settings_are_checked_and_audited() {
    let t = TestApp::with_config("[notify]\nadmin_alerts = [\"sec@example.org\"]\nexpiry_reminder_days = [7, 1]\n");
    let flows = &t.app.flows;
    let client = Client::default();
    let start = flows.notification_settings();
    assert_eq!(
        (start.admin_alerts.clone(), start.expiry_reminder_days.clone()),
        (vec!["sec@example.org".to_owned()], vec![7, 1])
    );
    for (bad, key) in [
        (NotificationSettings { admin_alerts: vec!["nobody".into()], ..start.clone() }, "admin_alerts"),
        (NotificationSettings { expiry_reminder_days: vec![400], ..start.clone() }, "expiry_reminder_days"),
        (NotificationSettings { expiry_reminder_days: vec![3, 3], ..start.clone() }, "expiry_reminder_days"),
    ] {
        assert_eq!(refusal(flows.set_notification_settings(bad, "admin:ann", &client).await.unwrap_err()).0, key);
    }
    assert_eq!(flows.notification_settings(), start);
    let new = NotificationSettings { admin_alerts: vec!["soc@example.org".into()], expiry_reminder_days: vec![3, 14] };
    let saved = flows.set_notification_settings(new, "admin:ann", &client).await.unwrap();
    assert_eq!(saved.expiry_reminder_days, [14, 3]);
    assert_eq!(flows.notification_settings(), saved);
    let audit = changes(&t, "notifications").await;
    assert!(
        audit[0].contains("admin_alerts: sec@example.org -> soc@example.org")
            && audit[0].contains("expiry_reminder_days: 7,1 -> 14,3"),
        "{audit:?}"
    );
}

#[actix_web::test]
async fn saved_settings_win_over_the_configuration_in_a_new_process() {
    let t = TestApp::with_config("[organisation]\nname = \"Contoso\"\n");
    let client = Client::default();
    t.app
        .flows
        .set_branding("Fabrikam", "#0b5a3a", LogoChange::Replace(PNG.to_vec()), "admin:ann", &client)
        .await
        .unwrap();
    let start = t.app.flows.password_settings();
    t.app
        .flows
        .set_password_settings(PasswordSettings { min_length: 16, ..start }, "admin:ann", &client)
        .await
        .unwrap();
    // A second process on the same data folder and configuration.
    let data = t.app.config.store.data_dir.display().to_string();
    let text = format!("[store]\ndata_dir = {data:?}\n[organisation]\nname = \"Contoso\"\n");
    let config = passdesk::config::load_str(&text, "test", &[]).unwrap();
    let other = passdesk::app::App::build(config, t.clock.clone()).unwrap();
    assert_eq!(other.flows.branding().name, "Contoso", "the configuration until the store is read");
    other.flows.load_settings().await.unwrap();
    assert_eq!(other.flows.branding().name, "Fabrikam");
    assert_eq!(other.flows.branding().logo.as_ref().unwrap().bytes.as_ref(), PNG);
    assert_eq!(other.flows.password_rules().min_length, 16);
}

#[test]
fn policy_show_lists_the_run_time_settings_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("p.toml");
    let data = dir.path().join("d").display().to_string();
    std::fs::write(&config, format!("[store]\ndata_dir = {data:?}\n[organisation]\nname = \"Contoso\"\n")).unwrap();
    let out = crate::browser::passdesk().args(["policy", "show", "--config"]).arg(&config).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for line in ["Branding:", "Password rules:", "Notifications:", "min_length", "expiry_reminder_days", "Contoso"] {
        assert!(text.contains(line), "{line}: {text}");
    }
}
