//! Phone normalisation (`passdesk::domain::phone::normalise_phone`): any
//! text, with or without a default country, gives E.164 (`+`, then 8 to 15
//! digits, no leading 0) or a reason; the result is stable (normalising it
//! again gives itself, with any default country).
#![no_main]

use libfuzzer_sys::fuzz_target;
use passdesk::domain::phone::normalise_phone;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // A first line of up to 3 digits is the default country.
    let (country, number) = match text.split_once('\n') {
        Some((c, n)) if (1..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => (Some(c), n),
        _ => (None, text),
    };
    if let Ok(e164) = normalise_phone(number, country) {
        let digits = e164.strip_prefix('+').unwrap_or_else(|| panic!("no +: {e164:?}"));
        assert!((8..=15).contains(&digits.len()), "length: {e164:?}");
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "not digits: {e164:?}");
        assert!(!digits.starts_with('0'), "leading 0: {e164:?}");
        assert_eq!(normalise_phone(&e164, None).as_ref(), Ok(&e164), "not stable");
        assert_eq!(normalise_phone(&e164, Some("44")).as_ref(), Ok(&e164), "not stable with a country");
    }
});
