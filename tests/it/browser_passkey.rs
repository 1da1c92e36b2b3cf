//! A passkey in a real headless Chromium: Chromium's own WebAuthn stack
//! with a virtual platform authenticator (the W3C WebDriver extension)
//! creates a passkey on `/register/passkey` and signs the challenge of a
//! reset on `/reset`. The relying party is `localhost` (WebAuthn refuses IP
//! addresses), reached over passdesk's self-signed TLS, which
//! `--allow-insecure-localhost` lets Chromium treat as secure.

use crate::browser::{launch, tools_or_skip};
use serde_json::json;
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_passkey_is_created_and_then_resets_a_password_in_chromium() {
    let Some((driver, chromium)) = tools_or_skip() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let site = format!("https://localhost:{port}");
    let env = [("PASSDESK_SERVER__PUBLIC_URL", site.clone())];
    let launched = launch(tmp.path(), &chromium, &driver, port, &env, &["--allow-insecure-localhost"]).await;
    let (guard, b) = (launched.guard, launched.browser);
    let password = launched
        .lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix("carol").and_then(|rest| rest.split("initial password ").nth(1)))
        .expect("the demo prints carol's password")
        .trim()
        .to_owned();

    // A virtual platform authenticator that verifies the user.
    let authenticator = b
        .post(
            "/webauthn/authenticator",
            json!({"protocol": "ctap2", "transport": "internal", "hasResidentKey": true,
                   "hasUserVerification": true, "isUserConsenting": true, "isUserVerified": true}),
        )
        .await;
    let authenticator =
        authenticator.as_str().unwrap_or_else(|| panic!("no authenticator: {authenticator}")).to_owned();

    // Sign in to registration and create a passkey.
    b.post("/url", json!({"url": format!("{site}/register")})).await;
    b.wait_for_text("Set up your security info").await;
    b.type_into("input[name='user']", "carol").await;
    b.type_into("input[name='password']", &password).await;
    b.click("form[action='/register/sign-in'] button[type='submit']").await;
    b.wait_for_text("Hello Carol").await;
    b.click("a[href='/register/passkey']").await;
    b.wait_for_text("Add a passkey").await;
    b.click("#passkey-button").await;
    let text = b.wait_for_text("1 passkey").await;
    assert!(text.contains("Saved."), "{text}");
    let credentials = b.get(&format!("/webauthn/authenticator/{authenticator}/credentials")).await;
    assert_eq!(credentials.as_array().map(Vec::len), Some(1), "{credentials}");

    // Reset with it.
    b.post("/url", json!({"url": format!("{site}/reset")})).await;
    b.wait_for_text("Reset your password").await;
    b.type_into("input[name='user']", "carol").await;
    b.click("form[action='/reset'] button[type='submit']").await;
    b.wait_for_text("Verify it is you").await;
    b.click("form[action='/reset/send'] input[value='passkey'] ~ button").await;
    b.wait_for_text("Use your passkey").await;
    b.click("#passkey-button").await;
    b.wait_for_text("Choose a new password").await;
    let credentials = b.get(&format!("/webauthn/authenticator/{authenticator}/credentials")).await;
    let count = credentials[0]["signCount"].as_u64().unwrap_or_default();
    assert!(count >= 1, "the authenticator signed: {credentials}");
    tokio::time::sleep(Duration::from_millis(10)).await;
    drop(guard);
}
