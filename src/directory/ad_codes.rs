//! Active Directory's answers, decoded. AD (and Samba AD) put a Win32 code
//! in front of the diagnostic text (`0000052D: …` policy refusal,
//! `00000056` wrong old password, `00002098` no write access) and a bind
//! failure's `data NNN` names the reason (52e wrong password, 775 locked,
//! 533 disabled, 773 must change, 532 expired). Samba adds a readable
//! reason after 0000052D; Windows does not, so that case says "policy".

use super::{Error, PolicyReason};

/// The leading 8-hex-digit Win32 code of a diagnostic message.
pub fn win32_code(text: &str) -> Option<u32> {
    let head = text.get(..8)?;
    head.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(head, 16).ok()).flatten()
}

/// The `data NNN` sub-code of a failed bind.
pub fn bind_data(text: &str) -> Option<String> {
    let at = text.find("data ")? + 5;
    Some(text[at..].chars().take_while(char::is_ascii_hexdigit).collect::<String>().to_lowercase())
}

/// Why AD refused a password (from Samba's text; Windows gives none).
pub fn policy_reason(text: &str) -> PolicyReason {
    let lower = text.to_lowercase();
    if lower.contains("too short") {
        PolicyReason::TooShort
    } else if lower.contains("complexity") {
        PolicyReason::NotComplex
    } else if lower.contains("history") {
        PolicyReason::InHistory
    } else if lower.contains("minimum password age") || lower.contains("too young") || lower.contains("too recently") {
        PolicyReason::TooYoung
    } else {
        PolicyReason::Other(
            "the domain's password policy (length, complexity, history or minimum age) refused it".to_owned(),
        )
    }
}

/// Maps the result of a modify; `right` names what the service account
/// needs for it, for the admin.
pub fn modify_result(rc: u32, text: &str, right: &str) -> Result<(), Error> {
    let code = win32_code(text);
    match (rc, code) {
        (0, _) => Ok(()),
        (19, Some(0x52D)) => Err(Error::PolicyRejected(policy_reason(text))),
        (19, Some(0x56)) | (49, _) => Err(Error::InvalidCredentials),
        (50, _) | (_, Some(0x2098)) | (_, Some(0x5)) => Err(Error::AccessDenied { missing_right: right.to_owned() }),
        (32, _) => Err(Error::NotFound),
        (19, _) => Err(Error::PolicyRejected(policy_reason(text))),
        _ => Err(Error::Other(format!("LDAP result {rc}: {}", text.trim()))),
    }
}

/// What a failed simple bind means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindOutcome {
    /// Signed in.
    Ok,
    /// The password is right but must be changed first (773, 532).
    MustChange,
    /// Refused.
    Refused(Error),
}

/// Maps a bind result.
pub fn bind_result(rc: u32, text: &str) -> BindOutcome {
    if rc == 0 {
        return BindOutcome::Ok;
    }
    if rc != 49 {
        return BindOutcome::Refused(Error::Other(format!("bind failed with LDAP result {rc}: {}", text.trim())));
    }
    match bind_data(text).as_deref() {
        Some("773") | Some("532") => BindOutcome::MustChange,
        Some("775") => BindOutcome::Refused(Error::AccountLockedOut),
        Some("533") | Some("701") => BindOutcome::Refused(Error::AccountDisabled),
        _ => BindOutcome::Refused(Error::InvalidCredentials),
    }
}

/// `unicodePwd` value: the password in double quotes, UTF-16LE.
pub fn unicode_pwd(password: &str) -> Vec<u8> {
    format!("\"{password}\"").encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// LDAP_SERVER_POLICY_HINTS value: SEQUENCE { INTEGER 1 } (enforce history,
/// age and complexity on a reset by an administrator).
pub const POLICY_HINTS_VALUE: [u8; 5] = [0x30, 0x03, 0x02, 0x01, 0x01];
/// The control's OID on Windows Server 2016 and later.
pub const POLICY_HINTS_OID: &str = "1.2.840.113556.1.4.2239";
/// The deprecated OID of the same control (Windows Server 2008 R2 – 2012 R2).
pub const POLICY_HINTS_DEPRECATED_OID: &str = "1.2.840.113556.1.4.2066";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samba_and_windows_texts_decode() {
        let too_short = "0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!";
        assert_eq!(modify_result(19, too_short, "x"), Err(Error::PolicyRejected(PolicyReason::TooShort)));
        let history =
            "0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!";
        assert_eq!(modify_result(19, history, "x"), Err(Error::PolicyRejected(PolicyReason::InHistory)));
        let complex = "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!";
        assert_eq!(modify_result(19, complex, "x"), Err(Error::PolicyRejected(PolicyReason::NotComplex)));
        let windows = "0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)";
        assert!(matches!(modify_result(19, windows, "x"), Err(Error::PolicyRejected(PolicyReason::Other(_)))));
        let wrong_old =
            "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!";
        assert_eq!(modify_result(19, wrong_old, "x"), Err(Error::InvalidCredentials));
        let no_access = "00002098: Object CN=x,DC=test has no write property access\n";
        assert_eq!(
            modify_result(50, no_access, "write lockoutTime"),
            Err(Error::AccessDenied { missing_right: "write lockoutTime".into() })
        );
        assert_eq!(modify_result(0, "00000000: Success", "x"), Ok(()));
    }

    #[test]
    fn bind_data_codes() {
        let t = |d: &str| {
            format!("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data {d}, v1db1")
        };
        assert_eq!(bind_result(49, &t("52e")), BindOutcome::Refused(Error::InvalidCredentials));
        assert_eq!(bind_result(49, &t("775")), BindOutcome::Refused(Error::AccountLockedOut));
        assert_eq!(bind_result(49, &t("533")), BindOutcome::Refused(Error::AccountDisabled));
        assert_eq!(bind_result(49, &t("773")), BindOutcome::MustChange);
        assert_eq!(bind_result(0, ""), BindOutcome::Ok);
    }

    #[test]
    fn unicode_pwd_is_quoted_utf16le() {
        assert_eq!(unicode_pwd("ab"), vec![b'"', 0, b'a', 0, b'b', 0, b'"', 0]);
        assert_eq!(unicode_pwd("é"), vec![b'"', 0, 0xE9, 0, b'"', 0]);
    }

    #[test]
    fn policy_hints_is_a_sequence_holding_integer_one() {
        assert_eq!(POLICY_HINTS_VALUE, [0x30, 0x03, 0x02, 0x01, 0x01]);
    }
}
