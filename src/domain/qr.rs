//! QR codes as SVG, drawn here: an authenticator secret shown as a QR code
//! must never pass through a third-party image service, and SVG needs no
//! JavaScript and stays sharp at any size.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG document showing `text` as a QR code, with a quiet zone, black
/// on white whatever the page's colour scheme (phone cameras need it).
pub fn svg(text: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("the text does not fit a QR code: {e}"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_uri_becomes_an_svg_with_modules() {
        let uri = "otpauth://totp/Example:ann?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
        let drawn = svg(uri).unwrap();
        assert!(drawn.starts_with("<?xml") && drawn.contains("<svg") && drawn.contains("#000000"), "{drawn}");
        // A different text draws a different code.
        assert_ne!(drawn, svg("otpauth://totp/Example:ben?secret=JBSWY3DPEHPK3PXP").unwrap());
        assert!(svg(&"x".repeat(5000)).is_err(), "too long for any QR version");
    }
}
