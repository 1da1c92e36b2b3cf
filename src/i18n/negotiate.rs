//! Choosing a language from what the client says: a tag (`?lang=`, the
//! cookie) or an `Accept-Language` header with quality values (RFC 9110
//! §12.5.4). Only the primary subtag matters: `nl-BE` reads Dutch.

use super::Lang;

/// The language a tag names, if passdesk speaks it (`nl`, `NL`, `nl-BE`).
pub fn from_tag(tag: &str) -> Option<Lang> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    Lang::ALL.into_iter().find(|l| l.code() == primary)
}

/// The best language an `Accept-Language` header asks for, if any of them
/// is spoken. Entries with `q=0` are refused; equal weights keep the
/// client's order. A malformed header counts as absent.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .map_or(Some(1000), quality)
            .unwrap_or(0);
        if weight == 0 || tag == "*" {
            continue;
        }
        if let Some(lang) = from_tag(tag)
            && best.is_none_or(|(w, _)| weight > w)
        {
            best = Some((weight, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// A quality value in thousandths (`0.8` → 800); `None` when malformed.
fn quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    (0.0..=1.0).contains(&value).then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_only_the_primary_subtag() {
        assert_eq!(from_tag("nl"), Some(Lang::Nl));
        assert_eq!(from_tag("NL-be"), Some(Lang::Nl));
        assert_eq!(from_tag("en_GB"), Some(Lang::En));
        assert_eq!(from_tag("de"), None);
        assert_eq!(from_tag(""), None);
    }

    #[test]
    fn accept_language_weighs_and_skips_what_is_not_spoken() {
        assert_eq!(from_accept_language("nl-NL,nl;q=0.9,en;q=0.8"), Some(Lang::Nl));
        assert_eq!(from_accept_language("de-DE, en;q=0.5, nl;q=0.7"), Some(Lang::Nl));
        assert_eq!(from_accept_language("fr, de"), None);
        assert_eq!(from_accept_language("nl;q=0, en"), Some(Lang::En));
        assert_eq!(from_accept_language("en;q=0.5, nl;q=0.5"), Some(Lang::En));
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language("nl;q=banana, en;q=0.1"), Some(Lang::En));
        assert_eq!(from_accept_language(""), None);
    }
}
