//! Screenshots of the pages the browser flows visit, as test artefacts:
//! `target/e2e/screens/<lang>-<theme>-<width>-<page>.png` (light and dark
//! at desktop width, light at phone width) plus an `index.html` gallery.
//!
//! Dark mode is `prefers-color-scheme: dark` emulated through
//! chromedriver's Chrome DevTools endpoint, and the phone is a 390×844
//! mobile viewport, so the page is the same document in every picture.
//!
//! `PASSDESK_SCREENSHOTS_TO=<folder>` (relative to the repository) also
//! copies the pictures named in [`FOR_README`] there, for the README.

use crate::browser::Browser;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Desktop viewport.
pub const DESKTOP: (u32, u32) = (1280, 900);
/// Phone viewport (a common 6.1" phone, in CSS pixels).
pub const PHONE: (u32, u32) = (390, 844);

/// The pictures `PASSDESK_SCREENSHOTS_TO` copies: key pages in light,
/// dark, phone width and Dutch.
pub const FOR_README: [&str; 12] = [
    "en-light-1280-home",
    "en-light-1280-reset-identify",
    "en-light-1280-reset-verify-sent",
    "en-light-1280-reset-password-meter",
    "en-light-1280-reset-done",
    "en-dark-1280-reset-verify-sent",
    "en-dark-1280-change",
    "en-light-390-reset-identify",
    "en-dark-390-reset-password-meter",
    "nl-light-1280-reset-identify",
    "nl-light-1280-reset-verify-sent",
    "en-light-1280-unlock-confirm",
];

/// The folder all pictures go to.
pub fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("e2e").join("screens")
}

/// Runs one Chrome DevTools Protocol command through chromedriver; returns its result.
pub async fn cdp(b: &Browser, cmd: &str, params: serde_json::Value) -> serde_json::Value {
    b.call(reqwest::Method::POST, "/goog/cdp/execute", Some(json!({"cmd": cmd, "params": params})))
        .await
        .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
}

/// Switches `prefers-color-scheme` for the current tab (kept across navigations).
pub async fn color_scheme(b: &Browser, dark: bool) {
    let value = if dark { "dark" } else { "light" };
    cdp(b, "Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": value}]})).await;
}

/// Emulates a phone's viewport (mobile, twice the pixels) or the desktop's,
/// whatever the size of the headless window.
pub async fn viewport(b: &Browser, phone: bool) {
    let ((width, height), scale) = if phone { (PHONE, 2) } else { (DESKTOP, 1) };
    let metrics = json!({"width": width, "height": height, "deviceScaleFactor": scale, "mobile": phone});
    cdp(b, "Emulation.setDeviceMetricsOverride", metrics).await;
}

/// Saves the whole page (not only the part in view) as `<name>.png`.
pub async fn save(b: &Browser, name: &str) {
    let dir = folder();
    std::fs::create_dir_all(&dir).unwrap();
    let m = cdp(b, "Page.getLayoutMetrics", json!({})).await;
    let number = |v: &serde_json::Value| v.as_f64().unwrap_or_default();
    let width = number(&m["cssLayoutViewport"]["clientWidth"]);
    let height = number(&m["cssContentSize"]["height"]).max(number(&m["cssLayoutViewport"]["clientHeight"]));
    let clip = json!({"x": 0, "y": 0, "width": width, "height": height, "scale": 1});
    let shot =
        cdp(b, "Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true, "clip": clip})).await;
    let png = crate::browser::base64_decode(shot["data"].as_str().unwrap_or_default()).expect("the picture is base64");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: the picture is a PNG");
    // Two tests may photograph the same page at once: write, then rename.
    let tmp = dir.join(format!(".{name}-{}.png", rand::random::<u64>()));
    std::fs::write(&tmp, png).unwrap();
    std::fs::rename(&tmp, dir.join(format!("{name}.png"))).unwrap();
}

/// Rewrites `index.html` from the pictures present (atomically: several
/// tests write at once).
pub fn gallery() {
    let dir = folder();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.file_name().to_str()?.strip_suffix(".png").map(str::to_owned)).collect()
        })
        .unwrap_or_default();
    // Group by page: the page name follows "<lang>-<theme>-<width>-".
    let page_of = |n: &str| n.splitn(4, '-').nth(3).unwrap_or(n).to_owned();
    names.sort_by_key(|n| (page_of(n), n.clone()));
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>passdesk pages</title>\n<style>\
         body{font-family:sans-serif;margin:1rem}section{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}\
         figure{margin:0}img{border:1px solid #999;max-height:420px}figcaption{font-size:.8rem}</style></head><body>\n\
         <h1>passdesk pages, as the browser tests saw them</h1>\n",
    );
    let mut current = String::new();
    for name in &names {
        let page = page_of(name);
        if page != current {
            if !current.is_empty() {
                html.push_str("</section>\n");
            }
            html.push_str(&format!("<h2 id=\"{page}\">{page}</h2>\n<section>\n"));
            current = page;
        }
        html.push_str(&format!(
            "<figure><a href=\"{name}.png\"><img src=\"{name}.png\" alt=\"{name}\"></a><figcaption>{name}</figcaption></figure>\n"
        ));
    }
    if !current.is_empty() {
        html.push_str("</section>\n");
    }
    html.push_str("</body></html>\n");
    let tmp = dir.join(format!(".index-{}.html", rand::random::<u64>()));
    std::fs::write(&tmp, html).unwrap();
    std::fs::rename(&tmp, dir.join("index.html")).unwrap();
}

/// With `PASSDESK_SCREENSHOTS_TO` set, copies there those of the
/// [`FOR_README`] pictures that are among `taken` (this run's, never a
/// stale one from an earlier run).
pub fn copy_for_readme(taken: &[String]) {
    let Some(to) = std::env::var_os("PASSDESK_SCREENSHOTS_TO") else { return };
    let to = Path::new(env!("CARGO_MANIFEST_DIR")).join(to);
    std::fs::create_dir_all(&to).unwrap();
    for name in FOR_README.iter().filter(|n| taken.iter().any(|t| t == *n)) {
        std::fs::copy(folder().join(format!("{name}.png")), to.join(format!("{name}.png"))).unwrap();
    }
}
