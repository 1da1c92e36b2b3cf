//! The admin portal in a real headless Chromium: a local administrator
//! (created with `passdesk admin add`, as an admin would) is sent from
//! `/admin/audit` to the sign-in page, signs in, lands back on the audit
//! log, filters it, opens the insights and the tokens pages, and signs
//! out. Each page is checked by axe-core (light and dark) and photographed.
//!
//! Skipped (and named) without Chromium or axe-core; failing instead under
//! `PASSDESK_REQUIRE_SERVERS=1`.

use crate::axe::axe_or_skip;
use crate::browser::{free_port, launch, passdesk, tools_or_skip};
use crate::browser_flows::Walk;

/// Creates a local administrator in `dir`'s embedded-default data folder
/// and returns the generated password the CLI prints once.
fn add_admin(dir: &std::path::Path, login: &str) -> String {
    let out = passdesk().args(["admin", "add", login]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "passdesk admin add: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().map(str::trim).find(|l| l.len() >= 12 && !l.contains(' ')).unwrap_or_default();
    assert!(!line.is_empty(), "no password printed: {text}");
    line.to_owned()
}

#[tokio::test]
async fn an_administrator_signs_in_reads_the_audit_log_and_the_insights_in_chromium() {
    let Some((driver, chromium)) = tools_or_skip() else { return };
    let Some(axe) = axe_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let password = add_admin(dir.path(), "ada");
    let port = free_port();
    let launched = launch(dir.path(), &chromium, &driver, port, &[], &[]).await;
    let b = &launched.browser;
    let mut w = Walk::new(b, port, "en", &axe);

    w.open("/admin/audit").await;
    w.arrive("/admin/sign-in", 200, "admin-sign-in").await;
    w.type_into("form[action='/admin/sign-in'] input[name='user']", "ada").await;
    w.type_into("form[action='/admin/sign-in'] input[name='password']", "not the password").await;
    w.click("form[action='/admin/sign-in'] button[type='submit']").await;
    w.arrive("/admin/sign-in", 401, "admin-sign-in-wrong").await;
    w.type_into("form[action='/admin/sign-in'] input[name='password']", &password).await;
    w.click("form[action='/admin/sign-in'] button[type='submit']").await;
    w.arrive("/admin/audit", 200, "admin-audit").await;
    let shown = w.state().await;
    assert!(shown.contains("Admin portal sign-in") && shown.contains("ada"), "{shown}");

    w.type_into("form.admin-filters input[name='since']", "yesterday").await;
    w.click("form.admin-filters button[type='submit']").await;
    w.arrive("/admin/audit", 400, "admin-audit-bad-filter").await;
    w.open("/admin/insights?period=30d").await;
    w.arrive("/admin/insights", 200, "admin-insights").await;
    w.open("/admin/tokens").await;
    w.arrive("/admin/tokens", 200, "admin-tokens").await;
    w.click("form[action='/admin/sign-out'] button[type='submit']").await;
    w.arrive("/admin/sign-in", 200, "admin-signed-out").await;
    w.open("/admin").await;
    w.arrive("/admin/sign-in", 200, "admin-after-sign-out").await;
    assert!(w.findings.is_empty(), "axe-core found problems:\n{:#?}", w.findings);
}
