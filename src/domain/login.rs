//! The user ID a person types. Normalised once (trimmed, NFKC) and bounded,
//! so every later layer can trust its shape; escaping for LDAP is the
//! directory's job, not this type's.

use unicode_normalization::UnicodeNormalization;

/// Longest accepted user ID, in characters (UPNs are at most 256 in AD... and
/// nobody types more).
pub const MAX_LOGIN_CHARS: usize = 256;

/// A normalised, non-empty user ID without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

/// Why a typed user ID was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// Nothing but spaces.
    Empty,
    /// Longer than [`MAX_LOGIN_CHARS`].
    TooLong,
    /// Contains a control character (newline, NUL, …).
    ControlCharacter,
}

impl LoginError {
    /// The sentence for the person who typed it.
    pub fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::Empty => Msg::new("login-empty"),
            Self::TooLong => Msg::new("login-too-long").arg("max", MAX_LOGIN_CHARS),
            Self::ControlCharacter => Msg::new("login-control"),
        }
    }
}
crate::i18n::localised_error!(LoginError);

impl Login {
    /// Parses what the person typed.
    pub fn parse(raw: &str) -> Result<Self, LoginError> {
        let normal: String = raw.trim().nfkc().collect();
        if normal.is_empty() {
            return Err(LoginError::Empty);
        }
        if normal.chars().count() > MAX_LOGIN_CHARS {
            return Err(LoginError::TooLong);
        }
        if normal.chars().any(char::is_control) {
            return Err(LoginError::ControlCharacter);
        }
        Ok(Self(normal))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Case-folded form, for matching and for deriving decoys, so "Alice"
    /// and "alice" look the same to a stranger.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

impl std::fmt::Display for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_normalises() {
        assert_eq!(Login::parse("  alice ").unwrap().as_str(), "alice");
        // Fullwidth letters fold to ASCII under NFKC.
        assert_eq!(Login::parse("ａｌｉｃｅ").unwrap().as_str(), "alice");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(Login::parse("   "), Err(LoginError::Empty));
        assert_eq!(Login::parse("a\nb"), Err(LoginError::ControlCharacter));
        assert_eq!(Login::parse("a\0b"), Err(LoginError::ControlCharacter));
        assert_eq!(Login::parse(&"x".repeat(257)), Err(LoginError::TooLong));
        assert!(Login::parse(&"x".repeat(256)).is_ok());
    }
}
