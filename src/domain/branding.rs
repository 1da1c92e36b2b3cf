//! The organisation's look (name, colour, logo) and the rules every source
//! of it obeys, whether the configuration file or an administrator's form:
//! the colour must carry white text legibly (WCAG 2.1 AA, 4.5:1), because
//! it is the background of every primary button, and a logo is a PNG, JPEG
//! or SVG judged by its content, small enough to be a logo. No I/O here.

use super::policy::PolicyError;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Largest logo accepted: a logo is shown at most about 48 px high, so
/// anything bigger is a photo or an uncompressed export by mistake.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// The colour used when none is configured: a calm blue, 6.4:1 with white.
pub const DEFAULT_COLOUR: Colour = Colour([0x1f, 0x5f, 0xa8]);

/// Contrast that white text on the colour must reach (WCAG 2.1 AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// Longest organisation name: it sits beside the logo in every page's header.
pub const NAME_MAX_CHARS: usize = 80;

/// The organisation's logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// The image's bytes, shared by every response that serves it.
    pub bytes: Arc<[u8]>,
    /// `image/png`, `image/jpeg` or `image/svg+xml`, from the content.
    pub content_type: &'static str,
}

impl Logo {
    /// Checks bytes as a logo: size first, then type by content.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(logo_too_big(bytes.len() as u64));
        }
        let Some(content_type) = image_type(&bytes) else {
            return Err("is not a PNG, JPEG or SVG image (judged by its content, not its name): convert it to one \
                        of those"
                .to_owned());
        };
        Ok(Self { bytes: bytes.into(), content_type })
    }

    /// How the audit trail names a logo: its type, size and digest, never its bytes.
    pub fn summary(&self) -> String {
        let digest = hex::encode(&Sha256::digest(&self.bytes)[..8]);
        format!("{} {} bytes sha256:{digest}", self.content_type, self.bytes.len())
    }
}

/// The sentence for a logo of `size` bytes that is too big.
pub fn logo_too_big(size: u64) -> String {
    format!(
        "is {} KiB; a logo may be at most {} KiB: export it smaller (it is shown about 48 pixels high), or as SVG",
        size.div_ceil(1024),
        LOGO_MAX_BYTES / 1024
    )
}

/// The image type, from the first bytes (PNG, JPEG) or the markup (SVG).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
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

/// An sRGB colour, `#rrggbb` when written.
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

    /// Parses a colour for the buttons, refusing one white text cannot be
    /// read on with the nearest darker shade that passes as the fix.
    pub fn for_buttons(text: &str) -> Result<Self, String> {
        let Some(colour) = Self::parse(text) else {
            return Err(format!("{:?} is not a colour: write it as \"#rrggbb\", e.g. \"#1f5fa8\"", text.trim()));
        };
        let ratio = colour.contrast(Self::WHITE);
        if ratio < MIN_CONTRAST {
            let darker = colour.shade_reaching(Self::BLACK, Self::WHITE, MIN_CONTRAST);
            return Err(format!(
                "{} is too light for the white text of the buttons (contrast {ratio:.1}:1, at least 4.5:1 is needed \
                 to be readable): use a darker shade of it, e.g. \"{}\"",
                colour.hex(),
                darker.hex()
            ));
        }
        Ok(colour)
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

/// The organisation's look as the pages and messages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branding {
    /// The organisation's name, in every page's header and every message.
    pub name: String,
    /// Buttons and links.
    pub colour: Colour,
    /// The logo; `None` = passdesk's neutral mark in the colour.
    pub logo: Option<Logo>,
}

impl Default for Branding {
    fn default() -> Self {
        Self { name: "passdesk".to_owned(), colour: DEFAULT_COLOUR, logo: None }
    }
}

impl Branding {
    /// Checks a whole branding before it is saved.
    pub fn validate(&self) -> Result<(), PolicyError> {
        check_name(&self.name)?;
        Colour::for_buttons(&self.colour.hex()).map_err(|m| PolicyError { key: "colour".into(), message: m })?;
        Ok(())
    }

    /// Each part as text for the audit trail (the logo by digest), in display order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let logo = self.logo.as_ref().map_or_else(|| "passdesk's mark".to_owned(), Logo::summary);
        vec![("name", self.name.clone()), ("colour", self.colour.hex()), ("logo", logo)]
    }
}

/// An organisation name: 1 to [`NAME_MAX_CHARS`] characters, no control characters.
pub fn check_name(name: &str) -> Result<(), PolicyError> {
    let length = name.trim().chars().count();
    if length == 0 || length > NAME_MAX_CHARS || name.chars().any(char::is_control) || name.trim() != name {
        return Err(PolicyError {
            key: "name".into(),
            message: format!(
                "give the organisation's name in 1 to {NAME_MAX_CHARS} characters, on one line (it has {length})"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_for_buttons_are_readable_or_refused_with_a_passing_shade() {
        assert_eq!(Colour::for_buttons("#0B5A3A").unwrap().hex(), "#0b5a3a");
        assert!(Colour::for_buttons("blue").unwrap_err().contains("#rrggbb"));
        let text = Colour::for_buttons("#f7941d").unwrap_err();
        assert!(text.contains("too light") && text.contains("4.5:1"), "{text}");
        let suggested = text.rsplit('"').nth(1).unwrap();
        assert!(Colour::for_buttons(suggested).is_ok(), "{suggested}");
    }

    #[test]
    fn logos_are_typed_by_content_and_summarised_without_bytes() {
        let logo = Logo::from_bytes(b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap();
        assert_eq!(logo.content_type, "image/png");
        assert!(logo.summary().starts_with("image/png 12 bytes sha256:"), "{}", logo.summary());
        assert!(Logo::from_bytes(b"GIF89a".to_vec()).unwrap_err().contains("not a PNG, JPEG or SVG"));
        let big = Logo::from_bytes(vec![0; LOGO_MAX_BYTES + 1]).unwrap_err();
        assert!(big.contains("257 KiB") && big.contains("at most 256 KiB"), "{big}");
    }

    #[test]
    fn names_are_one_short_line() {
        assert!(check_name("Contoso").is_ok());
        for bad in ["", "  ", "two\nlines", &"x".repeat(81), " padded"] {
            assert_eq!(check_name(bad).unwrap_err().key, "name", "{bad:?}");
        }
    }
}
