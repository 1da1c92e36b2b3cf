//! Phone numbers in E.164 (`+` and up to 15 digits), the one form that
//! lets "the number you typed" be compared with "the number on file"
//! whatever spacing, dashes or national prefix either was written with.

use unicode_normalization::UnicodeNormalization;

/// Why a number cannot be used, said so the person can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing typed.
    Empty,
    /// Letters or symbols other than spacing.
    BadCharacters,
    /// A national number and no default country to complete it.
    NoCountryCode,
    /// Too short or too long for E.164.
    BadLength,
}

impl PhoneError {
    /// The sentence for the person who typed it.
    pub fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        Msg::new(match self {
            Self::Empty => "phone-empty",
            Self::BadCharacters => "phone-characters",
            Self::NoCountryCode => "phone-country-code",
            Self::BadLength => "phone-length",
        })
    }
}
crate::i18n::localised_error!(PhoneError);

/// Normalises a number to E.164. A national number (leading 0) is completed
/// with `default_country` (a calling code such as "31") when one is set.
pub fn normalise_phone(input: &str, default_country: Option<&str>) -> Result<String, PhoneError> {
    let text: String = input.nfkc().collect();
    let text = text.trim();
    if text.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (international, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(PhoneError::BadCharacters),
        }
    }
    let full = if international {
        digits
    } else if let Some(stripped) = digits.strip_prefix("00") {
        stripped.to_owned()
    } else if let Some(national) = digits.strip_prefix('0') {
        let country = default_country.ok_or(PhoneError::NoCountryCode)?;
        format!("{country}{national}")
    } else {
        return Err(PhoneError::NoCountryCode);
    };
    if !(8..=15).contains(&full.len()) || full.starts_with('0') {
        return Err(PhoneError::BadLength);
    }
    Ok(format!("+{full}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_number_agree() {
        let want = Ok("+31612345678".to_owned());
        assert_eq!(normalise_phone("+31 6 1234 5678", None), want);
        assert_eq!(normalise_phone("0031-6-12345678", None), want);
        assert_eq!(normalise_phone("+31 (6) 1234.5678", None), want);
        assert_eq!(normalise_phone("06 1234 5678", Some("31")), want);
        assert_eq!(normalise_phone("＋３１６１２３４５６７８", None), want);
    }

    #[test]
    fn bad_numbers_say_why() {
        assert_eq!(normalise_phone("  ", None), Err(PhoneError::Empty));
        assert_eq!(normalise_phone("06 1234 5678", None), Err(PhoneError::NoCountryCode));
        assert_eq!(normalise_phone("+31 6 CALL ME", None), Err(PhoneError::BadCharacters));
        assert_eq!(normalise_phone("+31 6", None), Err(PhoneError::BadLength));
        assert_eq!(normalise_phone("+1234567890123456", None), Err(PhoneError::BadLength));
        assert_eq!(normalise_phone("12345678", None), Err(PhoneError::NoCountryCode));
    }
}
