//! `[organisation] logo_file` and `colour`: the organisation's look on
//! every page until an administrator changes it from the pages. The logo
//! is read once at start; both obey the rules of `domain::branding` (the
//! same the admin pages apply). A colour that is too light is refused with
//! the nearest darker shade that passes, rather than silently changed: the
//! administrator sees exactly which colour the portal uses, and fixing the
//! file is one copy and paste.

use super::Problem;
#[cfg(test)]
use crate::domain::branding::MIN_CONTRAST;
pub use crate::domain::branding::{Colour, DEFAULT_COLOUR, LOGO_MAX_BYTES, Logo};

#[cfg(test)]
const WHITE: Colour = Colour::WHITE;

/// `organisation.colour`: parsed, and refused with a usable darker shade
/// when white text on it would be hard to read.
pub(super) fn colour(problems: &mut Vec<Problem>, raw: Option<String>) -> Colour {
    let Some(text) = raw.filter(|t| !t.trim().is_empty()) else { return DEFAULT_COLOUR };
    Colour::for_buttons(&text).unwrap_or_else(|message| {
        problems.push(Problem { key: "organisation.colour".into(), message });
        DEFAULT_COLOUR
    })
}

/// `organisation.logo_file`: read and checked now, so a bad file stops the
/// start instead of showing a broken image to everybody.
pub(super) fn logo(problems: &mut Vec<Problem>, raw: Option<String>) -> Option<Logo> {
    let key = "organisation.logo_file";
    let path = raw.filter(|p| !p.trim().is_empty())?;
    let mut fail = |message: String| problems.push(Problem { key: key.into(), message });
    let size = match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            fail(format!("{path:?} is not a file: give the path of a PNG, JPEG or SVG image"));
            return None;
        }
        Err(e) => {
            fail(format!("cannot read {path:?}: {e}; give the path of a PNG, JPEG or SVG image passdesk may read"));
            return None;
        }
    };
    // Judged before reading, so a huge file by mistake is never loaded.
    if size > LOGO_MAX_BYTES as u64 {
        fail(format!("{path:?} {}", crate::domain::branding::logo_too_big(size)));
        return None;
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            fail(format!("cannot read {path:?}: {e}"));
            return None;
        }
    };
    Logo::from_bytes(bytes).map_err(|m| fail(format!("{path:?} {m}"))).ok()
}

#[cfg(test)]
mod tests {
    use super::super::load_str;
    use super::*;

    fn problem(toml: &str) -> String {
        let err = load_str(toml, "t", &[]).unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        format!("{}: {}", err.problems[0].key, err.problems[0].message)
    }

    fn with_logo(bytes: &[u8], name: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let toml = format!("[organisation]\nlogo_file = {:?}\n", path.display().to_string());
        (dir, toml)
    }

    #[test]
    fn colour_defaults_and_parses() {
        assert_eq!(load_str("", "t", &[]).unwrap().organisation.colour, DEFAULT_COLOUR);
        let c = load_str("[organisation]\ncolour = \"#0B5A3A\"\n", "t", &[]).unwrap();
        assert_eq!(c.organisation.colour.hex(), "#0b5a3a");
        assert!(DEFAULT_COLOUR.contrast(WHITE) >= MIN_CONTRAST);
    }

    #[test]
    fn bad_colours_are_refused_with_a_fix() {
        let text = problem("[organisation]\ncolour = \"blue\"\n");
        assert!(text.starts_with("organisation.colour:") && text.contains("#rrggbb"), "{text}");
        let text = problem("[organisation]\ncolour = \"#12345\"\n");
        assert!(text.contains("#rrggbb"), "{text}");
        // Orange: 2.9:1 with white; the suggestion must itself pass.
        let text = problem("[organisation]\ncolour = \"#f7941d\"\n");
        assert!(text.contains("too light") && text.contains("4.5:1"), "{text}");
        let suggested = text.rsplit('"').nth(1).unwrap();
        let c = Colour::parse(suggested).unwrap();
        assert!(c.contrast(WHITE) >= MIN_CONTRAST, "{suggested}");
        let c = load_str(&format!("[organisation]\ncolour = \"{suggested}\"\n"), "t", &[]).unwrap();
        assert_eq!(c.organisation.colour.hex(), suggested);
    }

    #[test]
    fn logos_are_read_and_typed_by_content() {
        assert!(load_str("", "t", &[]).unwrap().organisation.logo.is_none());
        let (_d, toml) = with_logo(b"\x89PNG\r\n\x1a\nrest", "logo.png");
        let logo = load_str(&toml, "t", &[]).unwrap().organisation.logo.unwrap();
        assert_eq!((logo.content_type, logo.bytes.len()), ("image/png", 12));
        let (_d, toml) = with_logo(b"\xff\xd8\xff\xe0jfif", "logo.jpg");
        assert_eq!(load_str(&toml, "t", &[]).unwrap().organisation.logo.unwrap().content_type, "image/jpeg");
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>";
        let (_d, toml) = with_logo(svg, "logo.svg");
        assert_eq!(load_str(&toml, "t", &[]).unwrap().organisation.logo.unwrap().content_type, "image/svg+xml");
    }

    #[test]
    fn bad_logos_are_refused_with_a_fix() {
        let text = problem("[organisation]\nlogo_file = \"/definitely/not/here.png\"\n");
        assert!(text.starts_with("organisation.logo_file:") && text.contains("cannot read"), "{text}");
        let (_d, toml) = with_logo(&vec![0u8; LOGO_MAX_BYTES + 1], "big.png");
        let text = problem(&toml);
        assert!(text.contains("257 KiB") && text.contains("at most 256 KiB"), "{text}");
        let (_d, toml) = with_logo(b"GIF89a....", "logo.png");
        let text = problem(&toml);
        assert!(text.contains("not a PNG, JPEG or SVG"), "{text}");
        let (_d, toml) = with_logo(b"<html><body>hi</body></html>", "logo.svg");
        assert!(problem(&toml).contains("not a PNG, JPEG or SVG"));
        let dir = tempfile::tempdir().unwrap();
        let text = problem(&format!("[organisation]\nlogo_file = {:?}\n", dir.path().display().to_string()));
        assert!(text.contains("is not a file"), "{text}");
    }
}
