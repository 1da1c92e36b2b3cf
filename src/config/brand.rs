//! `[organisation] logo_file` and `colour`: the organisation's look on
//! every page. The logo is read once at start and checked by its content
//! (PNG, JPEG or SVG, at most [`LOGO_MAX_BYTES`]); the colour must carry
//! white text legibly (WCAG 2.1 AA, 4.5:1), because it is the background of
//! every primary button. A colour that is too light is refused with the
//! nearest darker shade that passes, rather than silently changed: the
//! administrator sees exactly which colour the portal uses, and fixing the
//! file is one copy and paste.

use super::Problem;
use std::sync::Arc;

/// Largest logo accepted: a logo is shown at most about 48 px high, so
/// anything bigger is a photo or an uncompressed export by mistake.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// The colour used when none is configured: a calm blue, 6.4:1 with white.
pub const DEFAULT_COLOUR: Colour = Colour([0x1f, 0x5f, 0xa8]);

/// Contrast that white text on the colour must reach (WCAG 2.1 AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// The organisation's logo as read at start.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file's bytes, shared by every response that serves it.
    pub bytes: Arc<[u8]>,
    /// `image/png`, `image/jpeg` or `image/svg+xml`, from the content.
    pub content_type: &'static str,
}

/// An sRGB colour, `#rrggbb` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    /// White, the text colour on buttons.
    pub const WHITE: Colour = Colour([0xff, 0xff, 0xff]);
    /// Black, what too light a colour is darkened towards.
    pub const BLACK: Colour = Colour([0, 0, 0]);

    /// Parses `#rrggbb` (the `#` may be left out; case does not matter).
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }

    /// Relative luminance (WCAG 2.1).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0[0]) + 0.7152 * channel(self.0[1]) + 0.0722 * channel(self.0[2])
    }

    /// Contrast ratio with another colour (1 to 21).
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour mixed with `towards` by `share` (0 = unchanged, 1 = `towards`).
    pub fn mix(self, towards: Colour, share: f64) -> Self {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round().clamp(0.0, 255.0) as u8;
        Self([m(self.0[0], towards.0[0]), m(self.0[1], towards.0[1]), m(self.0[2], towards.0[2])])
    }

    /// The first shade from this colour towards `towards`, in 1 % steps,
    /// that reaches `ratio` against `against` (or `towards` itself).
    pub fn shade_reaching(self, towards: Colour, against: Colour, ratio: f64) -> Self {
        (0..=100)
            .map(|step| self.mix(towards, f64::from(step) / 100.0))
            .find(|c| c.contrast(against) >= ratio)
            .unwrap_or(towards)
    }
}

const WHITE: Colour = Colour::WHITE;
const BLACK: Colour = Colour::BLACK;

/// `organisation.colour`: parsed, and refused with a usable darker shade
/// when white text on it would be hard to read.
pub(super) fn colour(problems: &mut Vec<Problem>, raw: Option<String>) -> Colour {
    let key = "organisation.colour";
    let Some(text) = raw.filter(|t| !t.trim().is_empty()) else { return DEFAULT_COLOUR };
    let Some(colour) = Colour::parse(&text) else {
        problems.push(Problem {
            key: key.into(),
            message: format!("{text:?} is not a colour: write it as \"#rrggbb\", e.g. \"#1f5fa8\""),
        });
        return DEFAULT_COLOUR;
    };
    let ratio = colour.contrast(WHITE);
    if ratio < MIN_CONTRAST {
        let darker = colour.shade_reaching(BLACK, WHITE, MIN_CONTRAST);
        problems.push(Problem {
            key: key.into(),
            message: format!(
                "{} is too light for the white text of the buttons (contrast {ratio:.1}:1, at least 4.5:1 is needed \
                 to be readable): use a darker shade of it, e.g. \"{}\"",
                colour.hex(),
                darker.hex()
            ),
        });
        return DEFAULT_COLOUR;
    }
    colour
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
    if size > LOGO_MAX_BYTES as u64 {
        fail(format!(
            "{path:?} is {} KiB; a logo may be at most {} KiB: export it smaller (it is shown about 48 pixels high), \
             or as SVG",
            size.div_ceil(1024),
            LOGO_MAX_BYTES / 1024
        ));
        return None;
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            fail(format!("cannot read {path:?}: {e}"));
            return None;
        }
    };
    let Some(content_type) = image_type(&bytes) else {
        fail(format!(
            "{path:?} is not a PNG, JPEG or SVG image (judged by its content, not its name): convert it to one of those"
        ));
        return None;
    };
    Some(Logo { bytes: bytes.into(), content_type })
}

/// The image type, from the first bytes (PNG, JPEG) or the markup (SVG).
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some("image/jpeg");
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let markup = head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!--");
    (markup && text.contains("<svg")).then_some("image/svg+xml")
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
