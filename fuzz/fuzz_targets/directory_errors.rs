//! The directories' answers, decoded: Active Directory's diagnostic texts
//! (Win32 codes, bind `data NNN` sub-codes, Samba's policy reasons;
//! `passdesk::directory::ad_codes`) and OpenLDAP's ppolicy response control
//! and result texts (`passdesk::directory::openldap`). The input is a result
//! code byte, then the control value or text. Success is success and a
//! failure is a failure whatever the text says; decoded codes are what the
//! text holds; a well-formed ppolicy control gives back its error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passdesk::directory::ad_codes::{
    BindOutcome, bind_data, bind_result, modify_result, policy_reason, unicode_pwd, win32_code,
};
use passdesk::directory::openldap::{ppolicy_error, write_result};

fuzz_target!(|data: &[u8]| {
    let Some((&rc, rest)) = data.split_first() else { return };
    let rc = u32::from(rc);

    // OpenLDAP: the raw bytes as a ppolicy control value.
    let ppolicy = ppolicy_error(rest);
    assert_eq!(write_result(rc, "", ppolicy, "right").is_ok(), rc == 0);
    if let Some((&e, _)) = rest.split_first() {
        // SEQUENCE { [1] ENUMERATED e }, and with a [0] warning before it.
        assert_eq!(ppolicy_error(&[0x30, 0x03, 0x81, 0x01, e]), Some(e));
        assert_eq!(ppolicy_error(&[0x30, 0x09, 0xa0, 0x04, 0x80, 0x02, 0x01, 0x00, 0x81, 0x01, e]), Some(e));
    }

    let text = String::from_utf8_lossy(rest);
    assert_eq!(write_result(rc, &text, ppolicy, "right").is_ok(), rc == 0);

    // Active Directory.
    if let Some(code) = win32_code(&text) {
        assert_eq!(u32::from_str_radix(&text[..8], 16).ok(), Some(code));
    }
    if let Some(sub) = bind_data(&text) {
        assert!(sub.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{sub:?}");
    }
    let _ = policy_reason(&text);
    assert_eq!(modify_result(rc, &text, "right").is_ok(), rc == 0);
    assert_eq!(bind_result(rc, &text) == BindOutcome::Ok, rc == 0);

    // unicodePwd: the quoted password in UTF-16LE, and back.
    let encoded = unicode_pwd(&text);
    let units: Vec<u16> = encoded.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    assert_eq!(encoded.len() % 2, 0);
    assert_eq!(String::from_utf16(&units).ok(), Some(format!("\"{text}\"")));
});
