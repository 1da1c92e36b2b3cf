//! `/admin/troubleshooting`: the troubleshooting guide (`docs/troubleshooting.md`)
//! built into the binary, so an admin error page can link to the entry for
//! its code on any installation, offline included. The guide is shown as
//! its own text, one section per heading, each heading with the anchor
//! GitHub gives it, so a link works the same here and in the repository.
//! It holds no secret and must work for people who are not signed in.

use super::render;
use actix_web::{HttpResponse, web};
use askama::Template;

/// The guide's text, as shipped with this version.
pub const GUIDE: &str = include_str!("../../../docs/troubleshooting.md");

/// Where the guide is served.
pub const PATH: &str = "/admin/troubleshooting";

/// Registers the route (inside `/admin`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/troubleshooting", web::get().to(troubleshooting_get));
}

/// The anchor of a heading as GitHub makes it: lower case, spaces to
/// hyphens, only letters, digits, `-` and `_` kept.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The link to the guide's entry for an error code (`/admin/troubleshooting#code`).
pub fn entry_link(code: &str) -> String {
    format!("{PATH}#{}", anchor(code))
}

/// One heading of the guide and the text under it.
struct Section {
    level: usize,
    id: String,
    title: String,
    body: String,
}

/// Splits the guide at its headings; a `#` line inside a fenced block is
/// text (a shell comment), not a heading.
fn sections(text: &str) -> Vec<Section> {
    let mut out = vec![Section { level: 1, id: String::new(), title: String::new(), body: String::new() }];
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        let is_heading = !fenced && (1..=4).contains(&hashes) && line[hashes..].starts_with(' ');
        if is_heading {
            let title = line[hashes..].trim().to_owned();
            out.push(Section { level: hashes, id: anchor(&title), title, body: String::new() });
        } else if let Some(last) = out.last_mut() {
            last.body.push_str(line);
            last.body.push('\n');
        }
    }
    out.retain(|s| !s.title.is_empty() || !s.body.trim().is_empty());
    for s in &mut out {
        s.body = s.body.trim().to_owned();
    }
    out
}

/// `admin/troubleshooting.html`
#[derive(Template)]
#[template(path = "admin/troubleshooting.html")]
struct TroubleshootingPage {
    sections: Vec<Section>,
}

async fn troubleshooting_get() -> HttpResponse {
    render(&TroubleshootingPage { sections: sections(GUIDE) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_match_githubs() {
        assert_eq!(anchor("code_wrong"), "code_wrong");
        assert_eq!(anchor("33008 ADPasswordPolicyError"), "33008-adpasswordpolicyerror");
        assert_eq!(anchor("LDAPS: the certificate"), "ldaps-the-certificate");
        assert_eq!(entry_link("storage_full"), "/admin/troubleshooting#storage_full");
    }

    #[test]
    fn headings_split_sections_but_fenced_comments_do_not() {
        let s = sections("# Guide\nintro\n## code_wrong\ntext\n```sh\n# a comment\n```\n");
        assert_eq!(s.len(), 2);
        assert_eq!((s[1].level, s[1].id.as_str()), (2, "code_wrong"));
        assert!(s[1].body.contains("# a comment"));
    }
}
