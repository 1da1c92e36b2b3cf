//! Whole flows in a real headless Chromium against real servers: a passdesk
//! started by the test on a configuration with the test bed's OpenLDAP slapd
//! (which locks accounts after wrong binds) and its SMTP sink (codes are
//! read from the mail it stored). Each flow runs in English and in Dutch
//! (`?lang=nl` on its first page), each on a fresh account of its own that
//! the test creates and deletes again:
//! * reset: identify → code e-mailed → a wrong code, then the right one →
//!   new password (meter, then a typo in the repeat) → done; the new
//!   password binds; then the pages after the flow (its ended session, a
//!   404, registration's sign-in);
//! * change: a wrong current password, then the right one; the new binds;
//! * unlock: locked by three wrong binds (change now says locked) →
//!   identify → code → confirm → done; the old password binds again.
//!
//! Every page is checked by axe-core (WCAG 2.1 A/AA; no serious or critical
//! violation, light and dark) and photographed ([`crate::screens`]).
//! Elements are found by form action, field name and submit button, and
//! each step waits on the URL path and HTTP status, never on English text.
//!
//! Skipped (and named) without Chromium, axe-core or the test bed; failing
//! instead under `PASSDESK_REQUIRE_SERVERS=1`.

use crate::axe::{Finding, audit, axe_or_skip};
use crate::browser::{Browser, free_port, launch_serving, tools_or_skip};
use crate::directory_contract::{Bed, add_openldap, admin, bed, unique};
use crate::screens;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const START_PASSWORD: &str = "Start-Passw0rd-1";
const NEW_PASSWORD: &str = "Maple harbour lantern 73";
const LANGS: [&str; 2] = ["en", "nl"];

/// The test bed's SMTP sink.
pub struct Sink {
    host: String,
    port: u16,
    ca: String,
    maildir: PathBuf,
}

fn sink() -> Option<Sink> {
    let var = |k: &str| std::env::var(format!("PASSDESK_TEST_SMTP_{k}")).ok();
    let found = (|| {
        Some(Sink {
            host: var("HOST")?,
            port: var("PORT")?.parse().ok()?,
            ca: var("CA")?,
            maildir: var("MAILDIR")?.into(),
        })
    })();
    if found.is_none() {
        assert!(
            std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "browser flows: PASSDESK_TEST_SMTP_* is not set; start the test bed: eval \"$(tests/bed/all.sh start >&2; tests/bed/all.sh env)\""
        );
        eprintln!("skipped: browser flows (no PASSDESK_TEST_SMTP_HOST; tests/run.sh starts the test bed)");
    }
    found
}

impl Sink {
    /// The text parts of the messages stored for `to`, oldest first.
    fn texts_to(&self, to: &str) -> Vec<String> {
        let needle = format!("X-Sink-RcptTo: <{to}>");
        let mut found: Vec<(String, String)> = std::fs::read_dir(self.maildir.join("new"))
            .unwrap()
            .flatten()
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?.replace("\r\n", "\n");
                text.lines().any(|l| l == needle).then(|| (e.file_name().to_string_lossy().into_owned(), text))
            })
            .collect();
        // Names start with the arrival time in nanoseconds.
        found.sort_by_key(|(name, _)| name.split('.').next().and_then(|n| n.parse::<u128>().ok()));
        found.into_iter().map(|(_, eml)| crate::smtp::plain_part(&eml)).collect()
    }

    /// The code in the first message to `to` after the first `before`
    /// ones; polls for at most 20 s. The code is the message's 8-digit
    /// number, whatever the language around it.
    async fn code_after(&self, to: &str, before: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(code) = self.texts_to(to).iter().skip(before).find_map(|t| eight_digits(t)) {
                return code;
            }
            assert!(Instant::now() < deadline, "no code mailed to {to} within 20 s (sink: {})", self.maildir.display());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The first run of exactly eight digits in `text`.
fn eight_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 8).map(str::to_owned)
}

/// An OpenLDAP account the test made; deleted again when dropped.
struct Account {
    bed: Bed,
    uid: String,
}

impl Account {
    async fn new(bed: &Bed) -> Self {
        let uid = unique("e2e");
        add_openldap(bed, "ou=people", &uid, START_PASSWORD, None).await;
        Self { bed: clone_bed(bed), uid }
    }

    fn dn(&self) -> String {
        format!("uid={},ou=people,{}", self.uid, self.bed.base)
    }

    fn email(&self) -> String {
        format!("{}@example.test", self.uid)
    }

    /// Whether a simple bind with `password` succeeds (what signing in does).
    async fn binds(&self, password: &str) -> bool {
        let tls = std::sync::Arc::new(passdesk::directory::ldap::tls_config(Some(Path::new(&self.bed.ca))).unwrap());
        let settings = ldap3::LdapConnSettings::new().set_config(tls);
        let (conn, mut ldap) = ldap3::LdapConnAsync::with_settings(settings, &self.bed.url).await.unwrap();
        ldap3::drive!(conn);
        let ok = ldap.simple_bind(&self.dn(), password).await.is_ok_and(|r| r.rc == 0);
        let _ = ldap.unbind().await;
        ok
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let (bed, dn) = (clone_bed(&self.bed), self.dn());
        // Drop cannot await: delete on a runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let mut ldap = admin(&bed).await;
                let _ = ldap.delete(&dn).await;
                let _ = ldap.unbind().await;
            });
        })
        .join();
    }
}

fn clone_bed(b: &Bed) -> Bed {
    Bed {
        url: b.url.clone(),
        ca: b.ca.clone(),
        bind_dn: b.bind_dn.clone(),
        bind_password: b.bind_password.clone(),
        scope: b.scope.clone(),
        base: b.base.clone(),
        admin_dn: b.admin_dn.clone(),
        admin_password: b.admin_password.clone(),
    }
}

/// Everything one flow test needs, or `None` when it is skipped.
struct Setup {
    tools: (PathBuf, PathBuf),
    axe: String,
    bed: Bed,
    sink: Sink,
}

fn setup(suite: &str) -> Option<Setup> {
    let (driver, chromium) = tools_or_skip()?;
    let axe = axe_or_skip()?;
    let bed = bed("LDAP", suite)?;
    let sink = sink()?;
    Some(Setup { tools: (chromium, driver), axe, bed, sink })
}

/// passdesk's configuration: the bed's OpenLDAP as directory `name`, mail
/// through the bed's SMTP sink (STARTTLS, its own CA). The per-address
/// request limit is raised: the strength meter asks once per pause in
/// typing, and a slow machine types slowly.
fn config(dir: &Path, name: &str, s: &Setup) -> PathBuf {
    let toml = format!(
        "[server]\nrequests_per_minute = 600\n[store]\ndata_dir = {data:?}\n\
         [organisation]\nname = \"Example Corp\"\nhelpdesk = \"mailto:helpdesk@example.test\"\n\
         [notify]\ntransport = \"smtp\"\nfrom = \"Example Corp IT <it@example.test>\"\n\
         [notify.smtp]\nhost = {host:?}\nport = {port}\nca_file = {ca:?}\n\n{directory}",
        data = dir.join("data").display().to_string(),
        host = s.sink.host,
        port = s.sink.port,
        ca = s.sink.ca,
        directory = crate::writeback_flows::directory_toml(name, "openldap", &s.bed, "[\"uid\", \"mail\"]"),
    );
    let path = dir.join("passdesk.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// A browser walking passdesk's pages in one language, checking and
/// photographing each page it arrives at.
pub struct Walk<'a> {
    pub b: &'a Browser,
    pub site: String,
    pub lang: &'static str,
    pub axe: &'a str,
    pub findings: Vec<Finding>,
    /// Names of the pictures taken.
    pub shots: Vec<String>,
}

impl<'a> Walk<'a> {
    pub fn new(b: &'a Browser, port: u16, lang: &'static str, axe: &'a str) -> Self {
        Walk { b, site: format!("https://127.0.0.1:{port}"), lang, axe, findings: Vec::new(), shots: Vec::new() }
    }

    pub async fn script(&self, script: &str, args: Value) -> Result<Value, String> {
        self.b.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// Opens `path` by typing its address; `?lang=` is added, so the first
    /// page of a walk chooses the language.
    pub async fn open(&self, path: &str) {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.b.post("/url", json!({"url": format!("{}{path}{sep}lang={}", self.site, self.lang)})).await;
    }

    /// Clicks `css` (a submit button or a link) and waits until the next
    /// document has loaded.
    pub async fn click(&self, css: &str) {
        self.script("window.__passdeskOldPage = true; return true;", json!([])).await.unwrap();
        self.b.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Mid-navigation the script may fail; that only means "not yet".
            let new = self
                .script(
                    "return window.__passdeskOldPage === undefined && document.readyState === 'complete';",
                    json!([]),
                )
                .await;
            if new == Ok(Value::Bool(true)) {
                return;
            }
            assert!(Instant::now() < deadline, "clicking {css} loaded no new page within 20 s\n{}", self.state().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Path, HTTP status and the start of the text of the page shown (for messages).
    pub async fn state(&self) -> String {
        let got = self
            .script(
                "var n = performance.getEntriesByType('navigation')[0];\
                 return [location.pathname, n ? n.responseStatus : 0, document.body ? document.body.innerText : ''];",
                json!([]),
            )
            .await;
        match got {
            Ok(v) => format!("page {} (HTTP {}) shows:\n{}", v[0], v[1], v[2].as_str().unwrap_or_default()),
            Err(e) => format!("the page cannot be read: {e}"),
        }
    }

    /// Asserts that the browser shows `path` with HTTP `status`, then
    /// checks and photographs it as `page`.
    pub async fn arrive(&mut self, path: &str, status: u16, page: &str) {
        let got = self
            .script(
                "var n = performance.getEntriesByType('navigation')[0]; return [location.pathname, n ? n.responseStatus : 0];",
                json!([]),
            )
            .await
            .unwrap();
        assert_eq!(
            (got[0].as_str().unwrap_or_default(), got[1].as_u64().unwrap_or_default()),
            (path, u64::from(status)),
            "{}: expected {path} with HTTP {status}; {}",
            self.lang,
            self.state().await
        );
        self.look(page).await;
    }

    /// axe (light and dark) and four pictures: light and dark at desktop
    /// and at phone width.
    pub async fn look(&mut self, page: &str) {
        let (b, lang) = (self.b, self.lang);
        let name = |theme: &str, width: u32| format!("{lang}-{theme}-{width}-{page}");
        let (desktop, phone) = (screens::DESKTOP.0, screens::PHONE.0);
        let shots = [name("light", desktop), name("dark", desktop), name("dark", phone), name("light", phone)];
        screens::save(b, &shots[0]).await;
        self.findings.extend(audit(b, self.axe, &format!("{lang} {page} (light)")).await);
        screens::color_scheme(b, true).await;
        screens::save(b, &shots[1]).await;
        self.findings.extend(audit(b, self.axe, &format!("{lang} {page} (dark)")).await);
        screens::viewport(b, true).await;
        screens::save(b, &shots[2]).await;
        screens::color_scheme(b, false).await;
        screens::save(b, &shots[3]).await;
        screens::viewport(b, false).await;
        self.shots.extend(shots);
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.b.type_into(css, text).await;
    }

    /// Identify (reset or unlock): the user ID, then Next.
    pub async fn identify(&mut self, action: &str, user: &str) {
        self.type_into(&format!("form[action='{action}'] input[name='user']"), user).await;
        // The proof-of-work captcha holds the submit until it is solved.
        self.click(&format!("form[action='{action}'] button[type='submit']")).await;
    }

    /// Asks for an e-mailed code on the verify page and returns it.
    pub async fn send_email_code(&mut self, sink: &Sink, to: &str, page: &str) -> String {
        let before = sink.texts_to(to).len();
        // A method offered as a choice (radio button) is chosen first.
        let choose = "var i = document.querySelector(\"form[action='/reset/send'] input[name='method'][value='email']\");\
                      if (i && (i.type === 'radio' || i.type === 'checkbox') && !i.checked) { i.click(); } return true;";
        self.script(choose, json!([])).await.unwrap();
        self.click("form[action='/reset/send']:has(input[name='method'][value='email']) button[type='submit']").await;
        self.arrive("/reset/verify", 200, page).await;
        sink.code_after(to, before).await
    }

    async fn type_code(&mut self, code: &str) {
        let form = "form[action='/reset/verify']:has(input[name='method'][value='email'])";
        self.type_into(&format!("{form} input[name='code']"), code).await;
        self.click(&format!("{form} button[type='submit']")).await;
    }

    /// Fills the change form and submits it.
    async fn change(&mut self, user: &str, old: &str, new: &str) {
        let f = "form[action='/change']";
        self.type_into(&format!("{f} input[name='user']"), user).await;
        self.type_into(&format!("{f} input[name='old_password']"), old).await;
        self.type_into(&format!("{f} input[name='new_password']"), new).await;
        self.type_into(&format!("{f} input[name='confirm']"), new).await;
        self.click(&format!("{f} button[type='submit']")).await;
    }

    /// Waits (at most 5 s) until the page's strength meter, if it has one,
    /// shows a value: the live check answered.
    async fn meter_answered(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let check = "var m = document.querySelector('meter'); return !m || (m.offsetParent !== null && m.value > 0);";
        while self.script(check, json!([])).await != Ok(Value::Bool(true)) {
            assert!(Instant::now() < deadline, "the strength meter never answered\n{}", self.state().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Forgets cookies, so the next walk starts as a new visitor.
    async fn leave(&self) {
        self.b.call(reqwest::Method::DELETE, "/cookie", None).await.unwrap();
    }
}

/// Runs `walk` once per language in one browser session, then writes the
/// gallery and fails on any serious or critical accessibility finding.
async fn walk_in_every_language(suite: &str, name: &str, walk: impl AsyncFn(&mut Walk<'_>, &Setup)) {
    let Some(s) = setup(suite) else { return };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = config(tmp.path(), name, &s);
    let config = config.to_str().unwrap();
    let serve = ["serve", "--config", config];
    let (chromium, driver) = (s.tools.0.as_path(), s.tools.1.as_path());
    let launched = launch_serving(tmp.path(), (chromium, driver), port, &serve, &[], &["--hide-scrollbars"]).await;
    let (guard, b) = (launched.guard, launched.browser);
    screens::viewport(&b, false).await;
    let t_ready = started.elapsed();
    let mut findings = Vec::new();
    let mut shots = Vec::new();
    for lang in LANGS {
        let mut w = Walk::new(&b, port, lang, &s.axe);
        walk(&mut w, &s).await;
        w.leave().await;
        findings.append(&mut w.findings);
        shots.append(&mut w.shots);
    }
    drop(guard);
    screens::gallery();
    screens::copy_for_readme(&shots);
    eprintln!(
        "{suite}: ready {:.1} s, {} pages walked, checked and photographed in {:.1} s; pictures in {}",
        t_ready.as_secs_f64(),
        shots.len() / 4,
        started.elapsed().as_secs_f64(),
        screens::folder().join("index.html").display()
    );
    assert!(
        findings.is_empty(),
        "axe-core found {} serious or critical WCAG 2.1 A/AA violation(s):\n{}",
        findings.len(),
        findings.iter().map(ToString::to_string).collect::<String>()
    );
}

#[tokio::test]
async fn a_reset_walks_through_every_page_in_chromium_with_mail_from_smtp() {
    walk_in_every_language("browser reset flow", "e2ereset", async |w, s| {
        let account = Account::new(&s.bed).await;
        let email = account.email();
        w.open("/").await;
        w.arrive("/", 200, "home").await;
        w.click("a[href='/reset']").await;
        w.arrive("/reset", 200, "reset-identify").await;
        w.identify("/reset", &account.uid).await;
        w.arrive("/reset/verify", 200, "reset-verify").await;
        let code = w.send_email_code(&s.sink, &email, "reset-verify-sent").await;
        let wrong = if code == "00000000" { "00000001" } else { "00000000" };
        w.type_code(wrong).await;
        w.arrive("/reset/verify", 400, "reset-verify-wrong-code").await;
        w.type_code(&code).await;
        w.arrive("/reset/password", 200, "reset-password").await;

        w.type_into("form[action='/reset/password'] input[name='new_password']", "alice2024").await;
        w.meter_answered().await;
        w.look("reset-password-meter").await;
        w.type_into("form[action='/reset/password'] input[name='new_password']", NEW_PASSWORD).await;
        w.type_into("form[action='/reset/password'] input[name='confirm']", "Maple harbour lantern 74").await;
        w.click("form[action='/reset/password'] button[type='submit']").await;
        w.arrive("/reset/password", 400, "reset-password-mismatch").await;
        w.type_into("form[action='/reset/password'] input[name='new_password']", NEW_PASSWORD).await;
        w.type_into("form[action='/reset/password'] input[name='confirm']", NEW_PASSWORD).await;
        w.click("form[action='/reset/password'] button[type='submit']").await;
        w.arrive("/reset/done", 200, "reset-done").await;
        assert!(account.binds(NEW_PASSWORD).await, "{}: the new password signs in", w.lang);
        assert!(!account.binds(START_PASSWORD).await, "{}: the old password no longer does", w.lang);

        // The pages around the flow: its ended session, a page that does
        // not exist, and registration's sign-in.
        w.open("/reset/verify").await;
        w.arrive("/reset/verify", 404, "error-session-ended").await;
        w.open("/no-such-page").await;
        w.arrive("/no-such-page", 404, "error-not-found").await;
        w.open("/register").await;
        w.arrive("/register", 200, "register-sign-in").await;
    })
    .await;
}

#[tokio::test]
async fn a_password_change_walks_through_every_page_in_chromium() {
    walk_in_every_language("browser change flow", "e2echange", async |w, s| {
        let account = Account::new(&s.bed).await;
        w.open("/change").await;
        w.arrive("/change", 200, "change").await;
        w.change(&account.uid, "Not-the-Passw0rd-9", NEW_PASSWORD).await;
        w.arrive("/change", 401, "change-wrong-password").await;
        w.change(&account.uid, START_PASSWORD, NEW_PASSWORD).await;
        w.arrive("/change/done", 200, "change-done").await;
        assert!(account.binds(NEW_PASSWORD).await, "{}: the new password signs in", w.lang);
        assert!(!account.binds(START_PASSWORD).await, "{}: the old password no longer does", w.lang);
    })
    .await;
}

#[tokio::test]
async fn an_unlock_walks_through_every_page_in_chromium_with_mail_from_smtp() {
    walk_in_every_language("browser unlock flow", "e2eunlock", async |w, s| {
        let account = Account::new(&s.bed).await;
        let email = account.email();
        // Three wrong binds lock the account (the bed's ppolicy), so even
        // the right password is refused.
        for _ in 0..3 {
            assert!(!account.binds("Wrong-Passw0rd-0").await);
        }
        assert!(!account.binds(START_PASSWORD).await, "{}: the account is locked", w.lang);
        w.open("/change").await;
        w.arrive("/change", 200, "change").await;
        w.change(&account.uid, START_PASSWORD, NEW_PASSWORD).await;
        w.arrive("/change", 403, "change-locked").await;

        w.open("/").await;
        w.click("a[href='/unlock']").await;
        w.arrive("/unlock", 200, "unlock-identify").await;
        w.identify("/unlock", &account.uid).await;
        w.arrive("/reset/verify", 200, "unlock-verify").await;
        let code = w.send_email_code(&s.sink, &email, "unlock-verify-sent").await;
        w.type_code(&code).await;
        w.arrive("/unlock/confirm", 200, "unlock-confirm").await;
        w.click("form[action='/unlock/confirm'] button[type='submit']").await;
        w.arrive("/unlock/done", 200, "unlock-done").await;
        assert!(account.binds(START_PASSWORD).await, "{}: unlocked, the same password signs in", w.lang);
    })
    .await;
}

#[test]
fn a_code_is_the_first_run_of_eight_digits() {
    assert_eq!(eight_digits("Your code is: 12345678\n").as_deref(), Some("12345678"));
    assert_eq!(eight_digits("Je code is 87654321.").as_deref(), Some("87654321"));
    assert_eq!(eight_digits("valid 10 minutes, ref 123456789, code 00000001").as_deref(), Some("00000001"));
    assert_eq!(eight_digits("no code here 1234567"), None);
}
