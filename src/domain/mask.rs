//! Masked hints ("al•••••@example.org") that let a person recognise their
//! own address without telling a stranger what it is. The number of bullets
//! is fixed so the hint does not leak the length.

/// Shown in place of the hidden characters.
pub const BULLETS: &str = "•••••";

/// Masks an e-mail address: the first two characters of the local part (one
/// when it is that short) and the whole domain, which the organisation owns.
pub fn mask_email(address: &str) -> String {
    let (local, domain) = match address.rsplit_once('@') {
        Some(parts) => parts,
        None => (address, ""),
    };
    let keep = if local.chars().count() <= 2 { 1 } else { 2 };
    let head: String = local.chars().take(keep).collect();
    if domain.is_empty() { format!("{head}{BULLETS}") } else { format!("{head}{BULLETS}@{domain}") }
}

/// Masks a phone number, keeping the last two digits as the reference does.
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits.iter().skip(digits.len().saturating_sub(2)).collect();
    format!("+{BULLETS}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_masks() {
        assert_eq!(mask_email("alice@example.test"), "al•••••@example.test");
        assert_eq!(mask_email("al@example.test"), "a•••••@example.test");
        assert_eq!(mask_email("x@y.z"), "x•••••@y.z");
        assert_eq!(mask_email("nodomain"), "no•••••");
        // Length of the local part is not visible.
        assert_eq!(
            mask_email("alexandra.long@example.test").len(),
            mask_email("alice@example.test").len() + "example.test".len() - "example.test".len()
        );
    }

    #[test]
    fn phone_masks() {
        assert_eq!(mask_phone("+1 555 000 2001"), "+•••••01");
        assert_eq!(mask_phone("7"), "+•••••7");
    }
}
