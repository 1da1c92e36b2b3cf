//! The troubleshooting guide (`docs/troubleshooting.md`) against the code:
//! every error code the web faces answer with, every writeback event id,
//! every audit reason code, every directory health state and every
//! `passdesk check` item is read from the source (not from a list kept
//! here) and must have its entry, so a new code cannot ship unexplained.
//! And the admin error page links to the entry for its code.

use crate::admin_support::{add_admin, sign_in_admin};
use crate::layering::rust_files;
use crate::reset_portal::get;
use crate::support::{TestApp, text};
use actix_web::http::StatusCode;
use actix_web::test::{TestRequest, call_service};
use passdesk::domain::audit::EventId;
use passdesk::flow::directories_health::Health;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/troubleshooting.md")).unwrap()
}

/// The guide's heading lines, without the leading hashes.
fn headings(guide: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in guide.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push(line.trim_start_matches('#').trim().to_owned());
        }
    }
    out
}

/// The string literal at the start of `text` (after spaces), if there is one.
fn literal_at(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

/// A stable error code: lower-case words joined by `_`.
fn is_code(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The codes the HTTP layer answers with: the literal that follows a
/// status (`S::NOT_FOUND, "flow_not_found"` in `describe`,
/// `ApiError::new(StatusCode::BAD_REQUEST, "bad_json", …)` elsewhere).
fn http_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for file in rust_files(&root().join("src/http")) {
        let src = std::fs::read_to_string(&file).unwrap();
        for marker in ["StatusCode::", "S::"] {
            for (at, _) in src.match_indices(marker) {
                let rest = &src[at + marker.len()..];
                let name_len = rest.bytes().take_while(|b| b.is_ascii_uppercase() || *b == b'_').count();
                if name_len == 0 {
                    continue;
                }
                let Some(after) = rest[name_len..].trim_start().strip_prefix(',') else { continue };
                if let Some(code) = literal_at(after).filter(|c| is_code(c)) {
                    codes.insert(code.to_owned());
                }
            }
        }
    }
    codes
}

/// The audit reason codes: the literals of `Reason::as_str`.
fn reason_codes() -> BTreeSet<String> {
    let src = std::fs::read_to_string(root().join("src/domain/audit.rs")).unwrap();
    let start = src.find("impl Reason").unwrap();
    let body = &src[start..];
    let body = &body[..body[1..].find("\nimpl ").map_or(body.len(), |e| e + 1)];
    body.match_indices("=> \"").filter_map(|(at, _)| literal_at(&body[at + 3..])).map(str::to_owned).collect()
}

/// The names of the `passdesk check` items: the first argument of each
/// `CheckItem::pass/warn/fail`, `or_fail` and `right_item` call, or the
/// fixed words before a `format!` placeholder (`server {url}` → `server`);
/// plus the transports' probe names (`SMTP …`, the gateway label).
fn check_items() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let files: Vec<PathBuf> = rust_files(&root().join("src"))
        .into_iter()
        .filter(|f| {
            let p = f.to_string_lossy().replace('\\', "/");
            p.contains("src/directory/") || p.ends_with("src/notify/check.rs") || p.ends_with("src/cli/check.rs")
        })
        .collect();
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        let src = src.split("#[cfg(test)]").next().unwrap_or_default();
        for call in
            ["CheckItem::pass(", "CheckItem::warn(", "CheckItem::fail(", "or_fail(", "right_item(", "let name = "]
        {
            for (at, _) in src.match_indices(call) {
                let rest = src[at + call.len()..].trim_start();
                let rest = rest.strip_prefix('&').unwrap_or(rest);
                let found = match rest.strip_prefix("format!(") {
                    Some(inner) => literal_at(inner).map(|l| expand(src, l)).unwrap_or_default(),
                    None => literal_at(rest).map(|l| vec![l.to_owned()]).unwrap_or_default(),
                };
                names.extend(found.into_iter().filter(|n| !n.is_empty()));
            }
        }
    }
    names
}

/// The names a `format!` literal stands for: each value of a loop over a
/// literal list (`for attribute in ["lockoutTime", "pwdLastSet"]` makes
/// `write {attribute}` two names), else the fixed words before the first
/// placeholder (`server {url}` → `server`).
fn expand(src: &str, template: &str) -> Vec<String> {
    let head = template.split('{').next().unwrap_or_default().trim().to_owned();
    let Some(var) = template.split('{').nth(1).and_then(|t| t.split('}').next()) else { return vec![head] };
    let Some(at) = src.find(&format!("for {var} in [")) else { return vec![head] };
    let list = &src[at..];
    let list = &list[list.find('[').unwrap_or(0) + 1..list.find(']').unwrap_or(0)];
    let values: Vec<String> = list
        .split(',')
        .filter_map(|v| literal_at(v))
        .map(|v| template.replace(&format!("{{{var}}}"), v).trim().to_owned())
        .collect();
    if values.is_empty() { vec![head] } else { values }
}

#[test]
fn every_code_the_code_emits_has_an_entry_in_the_guide() {
    let guide = guide();
    let headings = headings(&guide);
    let has_heading = |text: &str| headings.iter().any(|h| h == text);
    let mut missing = Vec::new();

    let codes = http_codes();
    assert!(codes.len() >= 40 && codes.contains("flow_not_found") && codes.contains("bad_json"), "{codes:?}");
    for code in &codes {
        if !has_heading(code) {
            missing.push(format!("error code: a heading `### {code}`"));
        }
    }
    for event in EventId::ALL {
        let title = format!("{} {}", event.code(), event.name());
        if !has_heading(&title) {
            missing.push(format!("event id: a heading `### {title}`"));
        }
    }
    let reasons = reason_codes();
    assert!(reasons.len() >= 20 && reasons.contains("wrong_code"), "{reasons:?}");
    for reason in &reasons {
        if !guide.contains(&format!("| `{reason}` |")) {
            missing.push(format!("audit reason: a table row starting `| `{reason}` |`"));
        }
    }
    for health in Health::ALL {
        if !has_heading(health.label()) {
            missing.push(format!("directory state: a heading `### {}`", health.label()));
        }
    }
    let items = check_items();
    assert!(
        items.contains("Reset Password") && items.contains("write pwdLastSet") && items.contains("SMTP"),
        "{items:?}"
    );
    for item in &items {
        if !headings.iter().any(|h| h.contains(item.as_str())) {
            missing.push(format!("passdesk check item: a heading naming `{item}`"));
        }
    }
    assert!(missing.is_empty(), "docs/troubleshooting.md lacks entries for:\n{}", missing.join("\n"));
}

#[test]
fn every_link_into_the_guide_resolves() {
    let guide = guide();
    let ids: BTreeSet<String> = headings(&guide).iter().map(|h| anchor(h)).collect();
    // In-guide links (`](#anchor)`) lead somewhere.
    for (at, _) in guide.match_indices("](#") {
        let target = &guide[at + 3..];
        let target = &target[..target.find(')').unwrap()];
        assert!(ids.contains(target), "the link #{target} has no heading");
    }
    // So do the FAQ's links into the guide.
    let faq = std::fs::read_to_string(root().join("docs/faq.md")).unwrap();
    for (at, _) in faq.match_indices("troubleshooting.md#") {
        let target = &faq[at + "troubleshooting.md#".len()..];
        let target = &target[..target.find(')').unwrap()];
        assert!(ids.contains(target), "docs/faq.md links to #{target}, which the guide lacks");
    }
}

/// GitHub's anchor for a heading (the served page uses the same).
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[actix_web::test]
async fn an_admin_error_page_links_to_the_entry_for_its_code() {
    let t = TestApp::new();
    add_admin(&t, "ada").await;
    let svc = t.service().await;
    let jar = sign_in_admin(&svc, "ada").await;
    let resp = call_service(&svc, get("/admin/users/local/nobody", &jar)).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body = text(resp).await;
    assert!(body.contains("<code>user_not_found</code>"), "{body}");
    assert!(body.contains("href=\"/admin/troubleshooting#user_not_found\""), "{body}");

    // The guide is served, without signing in, with that anchor on the page.
    let resp = call_service(&svc, TestRequest::get().uri("/admin/troubleshooting").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = text(resp).await;
    assert!(page.contains("id=\"user_not_found\""), "{page}");
    assert!(page.contains("id=\"33008-adpasswordpolicyerror\""));
    assert!(!page.contains("<script"), "no script: the CSP allows none inline");
}
