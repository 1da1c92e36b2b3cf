//! The shape of an e-mail address, checked the same way wherever one is
//! typed or imported: one address, something before the `@`, a dotted
//! domain after it, no spaces or angle brackets, at most 254 characters.
//! Whether mail arrives is proven by a code, not by this check.

/// Why an address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailError;

impl EmailError {
    /// The sentence for the person who typed it.
    pub fn msg(&self) -> crate::i18n::Msg {
        crate::i18n::Msg::new("email-invalid")
    }
}
crate::i18n::localised_error!(EmailError);

/// The address trimmed, when it has the shape of one.
pub fn check_email(address: &str) -> Result<String, EmailError> {
    let address = address.trim();
    let shape_ok = address.len() <= 254
        && address.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
    if shape_ok { Ok(address.to_owned()) } else { Err(EmailError) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_for_shape_only() {
        assert_eq!(check_email("  ann@example.org ").unwrap(), "ann@example.org");
        assert!(check_email("ann.o'neil+x@mail.example.co.uk").is_ok());
        for bad in
            ["", "ann", "@example.org", "ann@localhost", "ann@example.", "a b@example.org", "<a@b.c>", "a@b.c,d@e.f"]
        {
            assert_eq!(check_email(bad), Err(EmailError), "{bad:?}");
        }
        assert!(check_email(&format!("{}@example.org", "a".repeat(250))).is_err());
    }
}
