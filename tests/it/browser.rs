//! End-to-end pages in a real headless Chromium: a person resets a password
//! by clicking through the portal of `passdesk serve --demo`, driven over raw
//! W3C WebDriver (chromedriver over HTTP, no Selenium).
//!
//! Knobs (environment):
//! * `PASSDESK_CHROMEDRIVER`: chromedriver to use (default: `chromedriver` on
//!   PATH, then /usr/bin/chromedriver); a path that does not exist counts as
//!   "not installed".
//! * `PASSDESK_CHROMIUM`: browser binary (default /usr/bin/chromium).
//! * `PASSDESK_REQUIRE_SERVERS=1`: fail instead of skipping when either is
//!   missing (`bash tests/bed/chromium.sh install` installs them).
//!
//! Screenshots of the verify and done pages go to `target/e2e/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C key under which an element reference is returned.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const SKIP: &str = "skipped: browser suite (chromium/chromedriver not installed; tests/run.sh installs them)";
const NEW_PASSWORD: &str = "Maple harbour lantern 73";

/// The passdesk executable with none of the test's own `PASSDESK_*` knobs
/// leaking into its configuration.
pub fn passdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passdesk"));
    cmd.stdin(Stdio::null());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PASSDESK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// chromedriver and the browser, or a sentence saying what is missing.
fn find_tools() -> Result<(PathBuf, PathBuf), String> {
    let driver = match std::env::var_os("PASSDESK_CHROMEDRIVER") {
        Some(p) => Some(PathBuf::from(p)).filter(|p| is_executable(p)),
        None => std::env::var_os("PATH")
            .into_iter()
            .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .map(|dir| dir.join("chromedriver"))
            .chain([PathBuf::from("/usr/bin/chromedriver")])
            .find(|p| is_executable(p)),
    };
    let chromium =
        std::env::var_os("PASSDESK_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let mut missing = Vec::new();
    if driver.is_none() {
        missing.push(match std::env::var_os("PASSDESK_CHROMEDRIVER") {
            Some(p) => {
                format!("chromedriver (PASSDESK_CHROMEDRIVER={} is not an executable file)", p.to_string_lossy())
            }
            None => "chromedriver (not on PATH, no /usr/bin/chromedriver)".to_string(),
        });
    }
    if !is_executable(&chromium) {
        missing.push(format!("chromium ({})", chromium.display()));
    }
    match driver {
        Some(driver) if missing.is_empty() => Ok((driver, chromium)),
        _ => Err(format!("not installed: {}", missing.join(", "))),
    }
}

/// Owns everything the test starts; stops it all even when an assertion fails.
pub struct Guard {
    dir: PathBuf,
    passdesk: Option<Child>,
    chromedriver: Option<Child>,
    driver_port: u16,
    session: Option<String>,
}

impl Guard {
    fn tail(&self, file: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(file)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // Quitting the session closes Chromium; killing chromedriver alone could leave it behind.
        if let Some(session) = self.session.take() {
            http_delete(self.driver_port, &format!("/session/{session}"));
        }
        if let Some(mut child) = self.chromedriver.take() {
            // chromedriver runs in its own process group (see `start_chromedriver`).
            #[cfg(unix)]
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mut child) = self.passdesk.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- passdesk stderr (tail) ---\n{}", self.tail("serve.log"));
            eprintln!("--- chromedriver output (tail) ---\n{}", self.tail("chromedriver.log"));
        }
    }
}

/// A blocking `DELETE` for `Drop`, where the async client cannot be awaited.
fn http_delete(port: u16, path: &str) {
    let Ok(mut s) = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)) else {
        return;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(15)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("DELETE {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    if s.write_all(request.as_bytes()).is_err() {
        return;
    }
    // chromedriver keeps the connection open, so read one response, not to EOF.
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return;
            }
        }
    }
}

/// Plain-HTTP client for chromedriver. The dev-dependency reqwest has no
/// built-in crypto provider, so it gets a (never used) rustls config.
fn http_client() -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(tls).timeout(Duration::from_secs(30)).build().unwrap()
}

/// Starts `passdesk <serve>` (e.g. `serve --demo`, with `env` added) and
/// waits for its ready lines, which it returns (they name the demo users'
/// passwords).
fn start_passdesk(guard: &mut Guard, port: u16, serve: &[&str], env: &[(&str, String)]) -> Vec<String> {
    let log = std::fs::File::create(guard.dir.join("serve.log")).unwrap();
    let mut cmd = passdesk();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .args(serve)
        .env("PASSDESK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("PASSDESK_LOG__LEVEL", "warn")
        .current_dir(&guard.dir)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    guard.passdesk = Some(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.starts_with("TLS certificate")) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(e) => panic!(
                "passdesk {} did not get ready within 30 s ({e}); stdout so far:\n{}\nstderr:\n{}",
                serve.join(" "),
                lines.join("\n"),
                std::fs::read_to_string(guard.dir.join("serve.log")).unwrap_or_default()
            ),
        }
    }
    lines
}

/// Starts chromedriver in its own process group and waits until `/status` says ready.
async fn start_chromedriver(guard: &mut Guard, http: &reqwest::Client, driver: &Path) {
    let log = std::fs::File::create(guard.dir.join("chromedriver.log")).unwrap();
    let mut cmd = Command::new(driver);
    cmd.arg(format!("--port={}", guard.driver_port)).stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    guard.chromedriver = Some(cmd.spawn().unwrap());
    let status_url = format!("http://127.0.0.1:{}/status", guard.driver_port);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = match http.get(&status_url).timeout(Duration::from_secs(2)).send().await {
            Ok(resp) => resp.json::<Value>().await.is_ok_and(|v| v["value"]["ready"] == true),
            Err(_) => false,
        };
        if ready {
            return;
        }
        if let Some(status) = guard.chromedriver.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
            panic!("chromedriver exited early ({status}):\n{}", guard.tail("chromedriver.log"));
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver was not ready within 20 s:\n{}",
            guard.tail("chromedriver.log")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A W3C WebDriver session.
pub struct Browser {
    http: reqwest::Client,
    base: String,
}

impl Browser {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.map_err(|e| format!("{method} {path}: {e}"))?;
        let status = resp.status();
        let v: Value = resp.json().await.map_err(|e| format!("{method} {path}: {status}, body is not JSON: {e}"))?;
        if !status.is_success() || v["value"].get("error").is_some() {
            return Err(format!("{method} {path}: {status} {} {}", v["value"]["error"], v["value"]["message"]));
        }
        Ok(v["value"].clone())
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await.unwrap()
    }

    /// The element matching a CSS selector (the session's implicit wait applies).
    pub async fn find(&self, css: &str) -> String {
        let found = self
            .call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css})))
            .await
            .unwrap_or_else(|e| panic!("no element {css:?} on the page: {e}"));
        found[ELEMENT].as_str().unwrap().to_string()
    }

    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.post(&format!("/element/{id}/click"), json!({})).await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.post(&format!("/element/{id}/clear"), json!({})).await;
        self.post(&format!("/element/{id}/value"), json!({"text": text})).await;
    }

    pub async fn url(&self) -> String {
        self.get("/url").await.as_str().unwrap_or_default().to_string()
    }

    /// Waits (at most 10 s) until the visible page text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The page may be mid-navigation (stale body); that only means "not yet".
            let text = match self
                .call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": "body"})))
                .await
            {
                Ok(found) => match found[ELEMENT].as_str() {
                    Some(id) => self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None).await.ok(),
                    None => None,
                },
                Err(_) => None,
            };
            let text = text.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            // passdesk's error page will not turn into the expected one by waiting.
            assert!(
                !text.contains("We could not do that"),
                "expected {needle:?}, got the error page:\n{text}\n(url {})",
                self.url().await
            );
            assert!(
                Instant::now() < deadline,
                "the page never showed {needle:?}; it shows:\n{text}\n(url {})",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, file: &Path) {
        let b64 = self.get("/screenshot").await;
        let png = base64_decode(b64.as_str().unwrap()).expect("the screenshot is base64");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the screenshot is a PNG");
        std::fs::write(file, png).unwrap();
    }
}

/// Standard base64 (with or without padding; whitespace ignored).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let data: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let data = data.strip_suffix(b"==").or_else(|| data.strip_suffix(b"=")).unwrap_or(&data);
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= sextet(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// The newest one-time code mailed to `to`, read with `passdesk outbox --json`
/// as an administrator would; polls for at most 15 s.
async fn code_for(dir: &Path, to: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let out = passdesk().args(["outbox", "--json"]).current_dir(dir).stderr(Stdio::inherit()).output().unwrap();
        assert!(out.status.success(), "passdesk outbox --json failed: {:?}", out.status);
        let code = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|m| m["recipient"] == to)
            .filter_map(|m| {
                let body = m["body"].as_str()?;
                let at = body.find("code is: ")? + "code is: ".len();
                body.get(at..at + 8).map(str::to_string)
            })
            .next_back();
        if let Some(code) = code {
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code:?}");
            return code;
        }
        assert!(Instant::now() < deadline, "no code for {to} in the outbox after 15 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What [`launch`] started.
pub struct Launched {
    /// Stops everything when dropped.
    pub guard: Guard,
    /// The WebDriver session.
    pub browser: Browser,
    /// `serve --demo`'s ready lines.
    pub lines: Vec<String>,
    /// Seconds until passdesk, chromedriver and the session were ready.
    pub times: [Duration; 3],
}

/// Starts `serve --demo` on `port` (with `env`), chromedriver and a
/// headless Chromium session (with `args` added).
pub async fn launch(
    dir: &Path,
    chromium: &Path,
    driver: &Path,
    port: u16,
    env: &[(&str, String)],
    args: &[&str],
) -> Launched {
    launch_serving(dir, (chromium, driver), port, &["serve", "--demo"], env, args).await
}

/// Like [`launch`], with passdesk started as `passdesk <serve>` (e.g.
/// `serve --config F`); `tools` is (chromium, chromedriver).
pub async fn launch_serving(
    dir: &Path,
    tools: (&Path, &Path),
    port: u16,
    serve: &[&str],
    env: &[(&str, String)],
    args: &[&str],
) -> Launched {
    let (chromium, driver) = tools;
    let started = Instant::now();
    let mut guard =
        Guard { dir: dir.to_path_buf(), passdesk: None, chromedriver: None, driver_port: free_port(), session: None };
    let http = http_client();
    let lines = start_passdesk(&mut guard, port, serve, env);
    let t_passdesk = started.elapsed();
    start_chromedriver(&mut guard, &http, driver).await;
    let t_driver = started.elapsed();
    let profile = dir.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let mut chrome_args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,800",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    chrome_args.push(format!("--user-data-dir={}", profile.display()));
    chrome_args.extend(args.iter().map(|a| (*a).to_owned()));
    let capabilities = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "acceptInsecureCerts": true,
        "pageLoadStrategy": "normal",
        "timeouts": {"implicit": 5000, "pageLoad": 20000, "script": 10000},
        "goog:chromeOptions": { "binary": chromium, "args": chrome_args },
    }}});
    let driver_base = format!("http://127.0.0.1:{}", guard.driver_port);
    let created = http.post(format!("{driver_base}/session")).json(&capabilities).send().await.unwrap();
    let status = created.status();
    let created: Value = created.json().await.unwrap();
    let session = created["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("chromedriver made no session ({status}): {created}"))
        .to_string();
    guard.session = Some(session.clone());
    let t_session = started.elapsed();
    let browser = Browser { http, base: format!("{driver_base}/session/{session}") };
    Launched { guard, browser, lines, times: [t_passdesk, t_driver, t_session] }
}

/// chromedriver and the browser, or `None` after saying why the suite is
/// skipped (a failure when `PASSDESK_REQUIRE_SERVERS=1`).
pub fn tools_or_skip() -> Option<(PathBuf, PathBuf)> {
    match find_tools() {
        Ok(tools) => Some(tools),
        Err(missing) => {
            assert!(
                std::env::var("PASSDESK_REQUIRE_SERVERS").as_deref() != Ok("1"),
                "browser suite: {missing}; PASSDESK_REQUIRE_SERVERS=1 forbids skipping. \
                 Run `bash tests/bed/chromium.sh install` (as root) first."
            );
            eprintln!("{SKIP}");
            None
        }
    }
}

#[tokio::test]
async fn a_person_resets_a_password_in_chromium() {
    let Some((driver, chromium)) = tools_or_skip() else { return };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let launched = launch(tmp.path(), &chromium, &driver, port, &[], &[]).await;
    let (guard, b) = (launched.guard, launched.browser);
    let (t_passdesk, t_driver, t_session) = (launched.times[0], launched.times[1], launched.times[2]);

    // The landing page: "I forgot my password".
    let site = format!("https://127.0.0.1:{port}");
    b.post("/url", json!({"url": format!("{site}/")})).await;
    b.wait_for_text("Password help").await;
    b.click("a.button[href='/reset']").await;
    b.wait_for_text("Reset your password").await;
    assert!(b.url().await.ends_with("/reset"), "{}", b.url().await);

    // Who am I.
    b.type_into("input[name='user']", "alice").await;
    b.click("form[action='/reset'] button[type='submit']").await;
    let text = b.wait_for_text("Verify it is you").await;
    assert!(text.contains("al•••••@example.org"), "the masked hint is shown:\n{text}");
    assert!(!text.contains("alice@example.org"), "the full address is never shown:\n{text}");

    // Ask for a code and read it from the outbox.
    b.click("form[action='/reset/send'] button").await;
    b.wait_for_text("Verify it is you").await;
    let code = code_for(tmp.path(), "alice@example.org").await;
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("e2e");
    std::fs::create_dir_all(&e2e).unwrap();
    b.screenshot(&e2e.join("reset-verify.png")).await;

    // A typo first, then the right code.
    let wrong = if code == "00000000" { "00000001" } else { "00000000" };
    b.type_into("form[action='/reset/verify'] input[name='code']", wrong).await;
    b.click("form[action='/reset/verify'] button[type='submit']").await;
    b.wait_for_text("The code is not correct").await;
    b.type_into("form[action='/reset/verify'] input[name='code']", &code).await;
    b.click("form[action='/reset/verify'] button[type='submit']").await;
    b.wait_for_text("Choose a new password").await;

    // The live meter lists what a weak password misses, then approves.
    b.type_into("input[name='new_password']", "alice").await;
    b.wait_for_text("Strength: very weak").await;
    b.wait_for_text("Use at least 12 characters").await;
    // The new password, twice.
    b.type_into("input[name='new_password']", NEW_PASSWORD).await;
    b.wait_for_text("(meets every rule)").await;
    b.screenshot(&e2e.join("reset-password-meter.png")).await;
    b.type_into("input[name='confirm']", NEW_PASSWORD).await;
    b.click("form[action='/reset/password'] button[type='submit']").await;
    let text = b.wait_for_text("Your password has been reset").await;
    assert!(!text.contains(NEW_PASSWORD), "the password is never echoed");
    b.screenshot(&e2e.join("reset-done.png")).await;
    let t_flow = started.elapsed();

    drop(guard);
    eprintln!(
        "browser: passdesk ready {:.2} s, chromedriver ready {:.2} s, session {:.2} s, reset flow done {:.2} s, \
         cleaned up {:.2} s; screenshots in {}",
        t_passdesk.as_secs_f64(),
        t_driver.as_secs_f64(),
        t_session.as_secs_f64(),
        t_flow.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        e2e.display()
    );
}

#[test]
fn base64_decoder_matches_the_rfc_4648_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64_decode(encoded).unwrap(), plain.as_bytes(), "{encoded}");
    }
    assert_eq!(base64_decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    assert!(base64_decode("Zm9v!").is_none());
}
